// A fault-injecting HTTPS proxy of our own, on 127.0.0.1, in front of one real kube-apiserver.
//
//   const plan = new FaultPlan();
//   const proxy = await startFaultProxy({ upstream: env.server('cluster2'), upstreamCa: env.caPem('cluster2')!,
//                                         ...await issueProxyCert(env.state!.clusters['cluster2']!, dir), plan });
//   plan.dropResponseOfWrite(3);        // forward the 3rd write, wait for its full answer, then reset the client
//   ... run kubefedctl with a kubeconfig whose server is proxy.url ...
//   plan.writes                          // what was written, in order, and what the proxy did to each write
//
// How it works:
// - TLS is terminated here with a certificate for 127.0.0.1 (issueProxyCert: signed by the cluster's own CA,
//   so the kubeconfig keeps the cluster's CA data and `join` still records the right caBundle).
// - Every request is forwarded over a new or kept-alive TLS connection to the apiserver with the client's own
//   headers, Authorization included: the apiserver authenticates the client's bearer token, the proxy adds no
//   credentials of its own. A client-certificate user cannot go through it (the proxy asks for no client
//   certificate and has none to present for the caller), so contexts routed through it use tokens.
// - Responses are streamed (headers flushed at once, body piped), so watches work; a client that goes away
//   closes its upstream request.
// - Writes are POST, PUT, PATCH and DELETE. They are numbered 1, 2, ... in the order their request heads
//   arrive, across every proxy that shares the FaultPlan (one plan in front of host and member gives one
//   numbering for all of a command's writes). A write with a dryRun query parameter is recorded but not
//   numbered: the server persists nothing for it, so a lost answer cannot leave anything behind, and the
//   step numbers of a run do not depend on --dry-run=server.
// - Faults are attached to a write number (or, for holdRequest, to the first request a predicate matches):
//     dropResponseOfWrite(n)    forward, read the apiserver's full response, then reset the client's TCP
//                               connection (RST) without sending a byte of it: the write happened, the
//                               client cannot know
//     resetBeforeWrite(n)       reset the client's connection without forwarding: nothing happened
//     failWrite(n, status)      answer `status` with a Kubernetes Status body without forwarding; with
//                               { forward: true } forward first and replace the real answer (e.g. a 503 from
//                               a load balancer after the apiserver did the write)
//     stallResponseOfWrite(n)   forward, read the full response, and never answer: the client times out
//     holdWrite(n)              keep the request until release(), then forward it; a client that goes away
//                               while held is never forwarded ("abandoned")
//     holdResponseOfWrite(n)    forward, read the apiserver's full response (the write is done), keep it
//                               until release(), then deliver it if the client is still there
// - The proxy never logs. Records hold method, path and query (no headers, no bodies), so no token can leak.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { opensslBin } from './pki.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Connection-specific headers that a proxy must not forward (RFC 9110 7.6.1), plus Host, which is rewritten. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export type Outcome =
  /** forwarded and answered normally */
  | 'forwarded'
  /** forwarded; the apiserver answered; the client got a reset instead */
  | 'response-dropped'
  /** the client got a reset; nothing was forwarded */
  | 'reset-before-forwarding'
  /** the client got the injected status; nothing was forwarded */
  | 'failed-without-forwarding'
  /** forwarded; the apiserver answered; the client got the injected status instead */
  | 'failed-after-forwarding'
  /** forwarded; the apiserver answered; the client got nothing until it gave up */
  | 'response-stalled'
  /** waiting for release() */
  | 'held'
  /** the client went away while the request was held; never forwarded */
  | 'abandoned'
  /** the client went away before the apiserver answered (e.g. a watch the client closed) */
  | 'client-closed'
  /** the apiserver could not be reached or reset the connection */
  | 'upstream-error'
  /** still in progress */
  | 'pending';

export interface RequestRecord {
  /** 1-based position among all requests of the plan. */
  seq: number;
  /** 1-based write number; undefined for reads and for dry-run writes. */
  write: number | undefined;
  /** Label of the proxy that received it (e.g. the cluster name). */
  via: string;
  method: string;
  /** URL path without the query. */
  path: string;
  /** Query string without the leading '?', '' if none. */
  query: string;
  dryRun: boolean;
  watch: boolean;
  /** The fault applied, e.g. 'drop-response'; undefined if none. */
  fault: string | undefined;
  /** Status the apiserver answered with, when the request was forwarded and answered. */
  upstreamStatus: number | undefined;
  outcome: Outcome;
}

type Fault =
  | { kind: 'drop-response' }
  | { kind: 'reset-before' }
  | { kind: 'fail'; status: number; forward: boolean }
  | { kind: 'stall-response' }
  | { kind: 'hold'; gate: HoldGate }
  | { kind: 'hold-response'; gate: HoldGate };

export interface Hold {
  /**
   * Resolves when the request is held: for holdWrite/holdRequest when it has arrived (not forwarded yet),
   * for holdResponseOfWrite when the apiserver has answered it (the answer not delivered yet).
   */
  readonly arrived: Promise<RequestRecord>;
  /** Lets it go on (if its client is still there). Idempotent; also fine before arrival. */
  release(): void;
}

class HoldGate implements Hold {
  readonly arrived: Promise<RequestRecord>;
  readonly released: Promise<void>;
  #arrive!: (record: RequestRecord) => void;
  #release!: () => void;
  constructor() {
    this.arrived = new Promise((resolve) => (this.#arrive = resolve));
    this.released = new Promise((resolve) => (this.#release = resolve));
  }
  arrive(record: RequestRecord): void {
    this.#arrive(record);
  }
  release(): void {
    this.#release();
  }
}

function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'fail':
      return `fail-${fault.status}${fault.forward ? '-after-forwarding' : ''}`;
    default:
      return fault.kind;
  }
}

/** Numbering, records and faults, shared by every proxy built with it. */
export class FaultPlan {
  readonly requests: RequestRecord[] = [];
  #writes = 0;
  #writeFaults = new Map<number, Fault>();
  #requestFaults: Array<{ match: (r: RequestRecord) => boolean; fault: Fault }> = [];

  /** Numbered writes, in order. */
  get writes(): RequestRecord[] {
    return this.requests.filter((r) => r.write !== undefined);
  }

  get writeCount(): number {
    return this.#writes;
  }

  dropResponseOfWrite(n: number): void {
    this.#onWrite(n, { kind: 'drop-response' });
  }

  resetBeforeWrite(n: number): void {
    this.#onWrite(n, { kind: 'reset-before' });
  }

  failWrite(n: number, status = 503, options: { forward?: boolean } = {}): void {
    this.#onWrite(n, { kind: 'fail', status, forward: options.forward === true });
  }

  stallResponseOfWrite(n: number): void {
    this.#onWrite(n, { kind: 'stall-response' });
  }

  holdWrite(n: number): Hold {
    const gate = new HoldGate();
    this.#onWrite(n, { kind: 'hold', gate });
    return gate;
  }

  holdResponseOfWrite(n: number): Hold {
    const gate = new HoldGate();
    this.#onWrite(n, { kind: 'hold-response', gate });
    return gate;
  }

  /** Holds the first later request (read or write) for which `match` is true, e.g. a watch. */
  holdRequest(match: (r: RequestRecord) => boolean): Hold {
    const gate = new HoldGate();
    this.#requestFaults.push({ match, fault: { kind: 'hold', gate } });
    return gate;
  }

  /** Answers the first later request (read or write) for which `match` is true with `status`, without forwarding it. */
  failRequest(match: (r: RequestRecord) => boolean, status = 503): void {
    this.#requestFaults.push({ match, fault: { kind: 'fail', status, forward: false } });
  }

  /** Forgets records, numbering and faults; releases every hold so no request stays parked. */
  reset(): void {
    for (const fault of [...this.#writeFaults.values(), ...this.#requestFaults.map((f) => f.fault)]) {
      if (fault.kind === 'hold' || fault.kind === 'hold-response') fault.gate.release();
    }
    this.requests.length = 0;
    this.#writes = 0;
    this.#writeFaults.clear();
    this.#requestFaults = [];
  }

  /** One line per write: "3 POST /api/v1/namespaces/x/secrets via cluster2: 201 response-dropped (drop-response)". */
  describeWrites(): string {
    return this.writes
      .map(
        (r) =>
          `${r.write} ${r.method} ${r.path}${r.query ? `?${r.query}` : ''} via ${r.via}: ${r.upstreamStatus ?? '-'} ${r.outcome}${r.fault ? ` (${r.fault})` : ''}`,
      )
      .join('\n');
  }

  #onWrite(n: number, fault: Fault): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`write numbers start at 1, got ${n}`);
    if (this.#writeFaults.has(n)) throw new Error(`write ${n} already has a fault`);
    this.#writeFaults.set(n, fault);
  }

  /** Called by a proxy for every request head, in arrival order. */
  admit(via: string, method: string, rawUrl: string): { record: RequestRecord; fault: Fault | undefined } {
    const url = new URL(rawUrl, 'https://proxy.invalid');
    const dryRun = url.searchParams.has('dryRun');
    const isWrite = WRITE_METHODS.has(method) && !dryRun;
    const record: RequestRecord = {
      seq: this.requests.length + 1,
      write: isWrite ? ++this.#writes : undefined,
      via,
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      dryRun,
      watch: url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true',
      fault: undefined,
      upstreamStatus: undefined,
      outcome: 'pending',
    };
    this.requests.push(record);
    let fault = record.write !== undefined ? this.#writeFaults.get(record.write) : undefined;
    if (!fault) {
      const index = this.#requestFaults.findIndex((f) => f.match(record));
      if (index >= 0) {
        fault = this.#requestFaults[index]!.fault;
        this.#requestFaults.splice(index, 1);
      }
    }
    if (fault) record.fault = describeFault(fault);
    return { record, fault };
  }
}

export interface FaultProxyOptions {
  /** https://127.0.0.1:<port> of the real apiserver. */
  upstream: string;
  /** CA that signed the apiserver's serving certificate. */
  upstreamCa: string | Buffer;
  /** PEM certificate and key the proxy presents (for 127.0.0.1). */
  cert: string | Buffer;
  key: string | Buffer;
  /** Shared numbering and faults; a new plan if omitted. */
  plan?: FaultPlan;
  /** Name in records, e.g. 'cluster2'. */
  label?: string;
}

export interface FaultProxy {
  /** https://127.0.0.1:<port> */
  url: string;
  port: number;
  label: string;
  plan: FaultPlan;
  close(): Promise<void>;
}

function statusBody(status: number, message: string): string {
  const reason: Record<number, string> = {
    403: 'Forbidden',
    409: 'Conflict',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: reason[status] ?? 'InternalError',
    code: status,
  });
}

function forwardedHeaders(headers: IncomingHttpHeaders, upstreamHost: string, bodyLength: number, hasBody: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'content-length') continue;
    out[name] = value;
  }
  out['host'] = upstreamHost;
  if (hasBody) out['content-length'] = String(bodyLength);
  return out;
}

function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  return out;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
    stream.on('aborted', () => reject(new Error('aborted')));
  });
}

const peerKey = (socket: net.Socket): string => `${socket.remoteAddress}:${socket.remotePort}`;

/** Starts the proxy on 127.0.0.1 and a free port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const plan = options.plan ?? new FaultPlan();
  const label = options.label ?? options.upstream;
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== 'https:') throw new Error(`fault proxy: upstream must be https, got ${options.upstream}`);
  const agent = new https.Agent({ keepAlive: true, ca: options.upstreamCa });
  // Raw TCP sockets by peer address: a reset needs the TCP handle under the TLS socket.
  const rawSockets = new Map<string, net.Socket>();
  const allSockets = new Set<net.Socket>();

  const resetClient = (socket: net.Socket): void => {
    const raw = rawSockets.get(peerKey(socket));
    if (raw && !raw.destroyed) {
      try {
        raw.resetAndDestroy();
      } catch {
        raw.destroy();
      }
    }
    socket.destroy();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = (req.method ?? 'GET').toUpperCase();
    const { record, fault } = plan.admit(label, method, req.url ?? '/');
    let clientGone = false;
    res.on('close', () => {
      if (!res.writableFinished) clientGone = true;
    });
    const finish = (outcome: Outcome): void => {
      if (record.outcome === 'pending' || record.outcome === 'held') record.outcome = outcome;
    };
    const answer = (status: number, message: string): void => {
      const body = statusBody(status, message);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };

    if (fault?.kind === 'reset-before') {
      finish('reset-before-forwarding');
      resetClient(req.socket);
      return;
    }

    const run = async (): Promise<void> => {
      let body: Buffer;
      try {
        body = await readAll(req);
      } catch {
        finish('client-closed');
        return;
      }
      if (fault?.kind === 'fail' && !fault.forward) {
        finish('failed-without-forwarding');
        answer(fault.status, `injected by the fault proxy: ${method} ${record.path} was not forwarded`);
        return;
      }
      if (fault?.kind === 'hold') {
        record.outcome = 'held';
        fault.gate.arrive(record);
        const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
        await Promise.race([fault.gate.released, closed]);
        if (clientGone || res.destroyed) {
          finish('abandoned');
          return;
        }
        record.outcome = 'pending';
      }
      if (clientGone) {
        finish('client-closed');
        return;
      }

      const hasBody = body.length > 0 || method === 'POST' || method === 'PUT' || method === 'PATCH';
      const upstreamReq = https.request({
        protocol: 'https:',
        hostname: upstream.hostname,
        port: upstream.port,
        method,
        path: req.url ?? '/',
        headers: forwardedHeaders(req.headers, upstream.host, body.length, hasBody),
        agent,
      });
      res.on('close', () => {
        if (!res.writableFinished) upstreamReq.destroy();
      });
      upstreamReq.on('error', (error) => {
        if (clientGone) {
          finish('client-closed');
          return;
        }
        finish('upstream-error');
        if (!res.headersSent) answer(502, `fault proxy: upstream ${options.upstream} failed: ${error.message}`);
        else res.destroy();
      });
      upstreamReq.on('response', (upstreamRes) => {
        record.upstreamStatus = upstreamRes.statusCode;
        upstreamRes.on('error', () => res.destroy());
        if (fault?.kind === 'hold-response') {
          const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
          readAll(upstreamRes)
            .then(async (answer) => {
              record.outcome = 'held';
              fault.gate.arrive(record);
              await Promise.race([fault.gate.released, closed]);
              if (clientGone || res.destroyed) {
                finish('client-closed');
                return;
              }
              const headers = responseHeaders(upstreamRes.headers);
              headers['content-length'] = String(answer.length);
              res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, headers);
              res.end(answer);
              record.outcome = 'forwarded';
            })
            .catch(() => {
              finish('upstream-error');
              resetClient(req.socket);
            });
          return;
        }
        if (fault?.kind === 'drop-response' || fault?.kind === 'stall-response' || (fault?.kind === 'fail' && fault.forward)) {
          // The apiserver's whole answer first: only then is the write known to be done.
          readAll(upstreamRes).then(
            () => {
              if (fault.kind === 'drop-response') {
                finish('response-dropped');
                resetClient(req.socket);
              } else if (fault.kind === 'stall-response') {
                finish('response-stalled');
              } else {
                finish('failed-after-forwarding');
                answer(fault.status, `injected by the fault proxy after forwarding ${method} ${record.path}`);
              }
            },
            () => {
              finish('upstream-error');
              resetClient(req.socket);
            },
          );
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, responseHeaders(upstreamRes.headers));
        res.flushHeaders();
        upstreamRes.pipe(res);
        upstreamRes.on('end', () => finish('forwarded'));
      });
      upstreamReq.end(body.length > 0 ? body : undefined);
    };
    run().catch(() => {
      finish('upstream-error');
      res.destroy();
    });
  };

  const server = https.createServer({ cert: options.cert, key: options.key }, handle);
  server.keepAliveTimeout = 30_000;
  server.on('connection', (raw: net.Socket) => {
    const key = peerKey(raw);
    rawSockets.set(key, raw);
    allSockets.add(raw);
    raw.on('close', () => {
      if (rawSockets.get(key) === raw) rawSockets.delete(key);
      allSockets.delete(raw);
    });
    raw.on('error', () => {});
  });
  server.on('secureConnection', (socket: net.Socket) => {
    allSockets.add(socket);
    socket.on('close', () => allSockets.delete(socket));
    socket.on('error', () => {});
  });
  server.on('tlsClientError', () => {});
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    label,
    plan,
    close: () =>
      new Promise<void>((resolve) => {
        plan.reset();
        for (const socket of allSockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

const run = promisify(execFile);

/**
 * A serving certificate for 127.0.0.1 signed by the cluster's own CA (the harness PKI), written to `dir`.
 * Clients keep trusting the cluster CA, so a kubeconfig routed through the proxy differs only in `server`.
 */
export async function issueProxyCert(cluster: { name: string; caFile: string; caKeyFile: string }, dir: string): Promise<{ cert: Buffer; key: Buffer }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = join(dir, `fault-proxy-${cluster.name}`);
  writeFileSync(
    `${base}.ext`,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  const openssl = async (args: string[]): Promise<void> => {
    try {
      await run(opensslBin(), args, { cwd: dir });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
    }
  };
  await openssl([
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.csr`,
    '-subj',
    `/CN=kubefedctl-e2e-fault-proxy-${cluster.name}`,
  ]);
  await openssl([
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    cluster.caFile,
    '-CAkey',
    cluster.caKeyFile,
    '-CAcreateserial',
    '-CAserial',
    `${base}.srl`,
    '-sha256',
    '-days',
    '30',
    '-extfile',
    `${base}.ext`,
    '-out',
    `${base}.crt`,
  ]);
  return { cert: readFileSync(`${base}.crt`), key: readFileSync(`${base}.key`) };
}
