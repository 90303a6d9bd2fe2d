// The e2e fault proxy (test/e2e/harness/fault-proxy.ts) against a small local HTTPS "apiserver".
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FaultPlan, issueProxyCert, startFaultProxy, type FaultProxy } from '../e2e/harness/fault-proxy.js';
import { tlsFile, tlsText } from './helpers/fixtures.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
  /** Set when the server writes the end of its response (nobody can have all of it before). */
  answered: boolean;
}

/** The fake apiserver: records what reaches it; answers every request with JSON naming it. */
interface Upstream {
  url: string;
  seen: Seen[];
  /** Streams of open watches, to push events from the test. */
  watches: ServerResponse[];
  watchClosed: Promise<void>;
  close(): Promise<void>;
}

async function startUpstream(): Promise<Upstream> {
  const seen: Seen[] = [];
  const watches: ServerResponse[] = [];
  let onWatchClosed!: () => void;
  const watchClosed = new Promise<void>((resolve) => (onWatchClosed = resolve));
  const sockets = new Set<net.Socket>();
  const server = https.createServer({ cert: tlsText('server.crt'), key: tlsText('server.key') }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
        answered: false,
      };
      seen.push(entry);
      if ((req.url ?? '').includes('watch=1')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        watches.push(res);
        res.on('close', () => onWatchClosed());
        return;
      }
      const status = req.method === 'POST' ? 201 : 200;
      // The answer in two parts, so "the full response" is more than its first packet.
      res.writeHead(status, { 'content-type': 'application/json' });
      res.write('{"kind":"Answer",');
      setImmediate(() => {
        entry.answered = true;
        res.end(`"method":${JSON.stringify(req.method)},"url":${JSON.stringify(req.url)}}`);
      });
    });
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    watches,
    watchClosed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Reply {
  status: number;
  body: string;
}

const clientAgent = new https.Agent({ keepAlive: true, ca: tlsText('ca.crt') });

function call(
  proxy: FaultProxy,
  method: string,
  pathAndQuery: string,
  body?: string,
  options: { timeoutMs?: number; agent?: https.Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${proxy.url}${pathAndQuery}`, {
      method,
      agent: options.agent ?? clientAgent,
      headers: {
        authorization: 'Bearer secret-token-value',
        ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
      },
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.end(body);
  });
}

describe('fault proxy', { timeout: 20_000 }, () => {
  let upstream: Upstream;
  let proxy: FaultProxy;
  let plan: FaultPlan;

  before(async () => {
    upstream = await startUpstream();
    plan = new FaultPlan();
    proxy = await startFaultProxy({
      upstream: upstream.url,
      upstreamCa: tlsText('ca.crt'),
      cert: tlsText('server.crt'),
      key: tlsText('server.key'),
      plan,
      label: 'member',
    });
  });
  after(async () => {
    clientAgent.destroy();
    await proxy.close();
    await upstream.close();
  });
  beforeEach(() => {
    plan.reset();
    upstream.seen.length = 0;
  });

  it("forwards requests with the caller's Authorization; numbers POST/PUT/PATCH/DELETE but not reads or dry-run writes", async () => {
    const reads = await call(proxy, 'GET', '/api/v1/namespaces?limit=500');
    assert.equal(reads.status, 200);
    assert.match(reads.body, /"url":"\/api\/v1\/namespaces\?limit=500"/);
    assert.equal((await call(proxy, 'POST', '/api/v1/namespaces', '{"metadata":{"name":"a"}}')).status, 201);
    assert.equal((await call(proxy, 'POST', '/api/v1/namespaces?dryRun=All', '{"metadata":{"name":"b"}}')).status, 201);
    assert.equal((await call(proxy, 'PUT', '/api/v1/namespaces/a', '{}')).status, 200);
    assert.equal((await call(proxy, 'PATCH', '/api/v1/namespaces/a', '{}')).status, 200);
    assert.equal((await call(proxy, 'DELETE', '/api/v1/namespaces/a')).status, 200);

    assert.deepEqual(
      upstream.seen.map((s) => [s.method, s.url, s.authorization]),
      [
        ['GET', '/api/v1/namespaces?limit=500', 'Bearer secret-token-value'],
        ['POST', '/api/v1/namespaces', 'Bearer secret-token-value'],
        ['POST', '/api/v1/namespaces?dryRun=All', 'Bearer secret-token-value'],
        ['PUT', '/api/v1/namespaces/a', 'Bearer secret-token-value'],
        ['PATCH', '/api/v1/namespaces/a', 'Bearer secret-token-value'],
        ['DELETE', '/api/v1/namespaces/a', 'Bearer secret-token-value'],
      ],
    );
    assert.equal(upstream.seen[1]!.body, '{"metadata":{"name":"a"}}');
    assert.equal(plan.writeCount, 4);
    assert.deepEqual(
      plan.writes.map((w) => [w.write, w.method, w.path, w.via, w.upstreamStatus, w.outcome]),
      [
        [1, 'POST', '/api/v1/namespaces', 'member', 201, 'forwarded'],
        [2, 'PUT', '/api/v1/namespaces/a', 'member', 200, 'forwarded'],
        [3, 'PATCH', '/api/v1/namespaces/a', 'member', 200, 'forwarded'],
        [4, 'DELETE', '/api/v1/namespaces/a', 'member', 200, 'forwarded'],
      ],
    );
    const dryRun = plan.requests.find((r) => r.dryRun)!;
    assert.equal(dryRun.write, undefined);
    assert.equal(dryRun.query, 'dryRun=All');
    assert.doesNotMatch(JSON.stringify(plan.requests) + plan.describeWrites(), /secret-token-value/, 'records hold no credentials');
  });

  it('streams a watch: headers and each event reach the client before the next is sent; closing the client closes the upstream request', async () => {
    const events: string[] = [];
    let gotHeaders!: () => void;
    const headers = new Promise<void>((resolve) => (gotHeaders = resolve));
    let gotEvent!: () => void;
    let eventArrived = new Promise<void>((resolve) => (gotEvent = resolve));
    const req = https.request(`${proxy.url}/api/v1/namespaces/ns/secrets?watch=1&fieldSelector=metadata.name%3Dx`, { agent: false, ca: tlsText('ca.crt') });
    req.on('response', (res) => {
      gotHeaders();
      res.on('data', (c: Buffer) => {
        events.push(c.toString());
        gotEvent();
      });
      res.on('error', () => {});
    });
    req.on('error', () => {});
    req.end();
    await headers; // before any event: the proxy flushed the headers
    assert.deepEqual(events, []);
    const watch = upstream.watches.at(-1)!;
    watch.write('{"type":"ADDED"}\n');
    await eventArrived;
    assert.deepEqual(events, ['{"type":"ADDED"}\n']);
    eventArrived = new Promise<void>((resolve) => (gotEvent = resolve));
    watch.write('{"type":"MODIFIED"}\n');
    await eventArrived;
    assert.deepEqual(events, ['{"type":"ADDED"}\n', '{"type":"MODIFIED"}\n']);
    req.destroy();
    await upstream.watchClosed;
    assert.equal(plan.requests.at(-1)!.watch, true);
    assert.equal(plan.requests.at(-1)!.write, undefined);
  });

  it('dropResponseOfWrite: the apiserver gets and fully answers the write; the client gets a reset and none of the answer', async () => {
    plan.dropResponseOfWrite(2);
    assert.equal((await call(proxy, 'POST', '/api/v1/namespaces', '{}')).status, 201);
    await assert.rejects(call(proxy, 'POST', '/api/v1/namespaces/x/serviceaccounts', '{"metadata":{"name":"sa"}}'), (error: NodeJS.ErrnoException) => {
      assert.equal(error.code, 'ECONNRESET');
      return true;
    });
    const write = upstream.seen.find((s) => s.url === '/api/v1/namespaces/x/serviceaccounts')!;
    assert.ok(write, 'the write reached the apiserver');
    assert.equal(write.body, '{"metadata":{"name":"sa"}}');
    assert.equal(write.answered, true, 'the apiserver had written its whole answer');
    assert.deepEqual(
      plan.writes.map((w) => [w.write, w.outcome, w.upstreamStatus, w.fault]),
      [
        [1, 'forwarded', 201, undefined],
        [2, 'response-dropped', 201, 'drop-response'],
      ],
    );
    // Only that connection is gone: the next request works.
    assert.equal((await call(proxy, 'DELETE', '/api/v1/namespaces/x')).status, 200);
    assert.equal(plan.writes[2]!.outcome, 'forwarded');
  });

  it('resetBeforeWrite: the client gets a reset and the apiserver never sees the write', async () => {
    plan.resetBeforeWrite(1);
    await assert.rejects(call(proxy, 'DELETE', '/api/v1/namespaces/x'), (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET');
    assert.equal(upstream.seen.length, 0);
    assert.equal(plan.writes[0]!.outcome, 'reset-before-forwarding');
    assert.equal((await call(proxy, 'DELETE', '/api/v1/namespaces/x')).status, 200);
    assert.equal(upstream.seen.length, 1);
  });

  it('failWrite: a Status answer without forwarding, or after forwarding with { forward: true }', async () => {
    plan.failWrite(1, 503);
    plan.failWrite(2, 500, { forward: true });
    const first = await call(proxy, 'POST', '/api/v1/namespaces', '{}');
    assert.equal(first.status, 503);
    assert.deepEqual(
      { ...JSON.parse(first.body), message: undefined },
      { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: undefined, reason: 'ServiceUnavailable', code: 503 },
    );
    assert.equal(upstream.seen.length, 0);
    const second = await call(proxy, 'POST', '/api/v1/namespaces', '{}');
    assert.equal(second.status, 500);
    assert.equal(JSON.parse(second.body).reason, 'InternalError');
    assert.equal(upstream.seen.length, 1);
    assert.equal(upstream.seen[0]!.answered, true);
    assert.deepEqual(
      plan.writes.map((w) => [w.outcome, w.upstreamStatus, w.fault]),
      [
        ['failed-without-forwarding', undefined, 'fail-503'],
        ['failed-after-forwarding', 201, 'fail-500-after-forwarding'],
      ],
    );
  });

  it('holdWrite: nothing is forwarded until release(); reads are not held', async () => {
    const hold = plan.holdWrite(1);
    const pending = call(proxy, 'PUT', '/api/v1/namespaces/a', '{"held":true}');
    const record = await hold.arrived;
    assert.equal(record.outcome, 'held');
    assert.equal((await call(proxy, 'GET', '/api/v1/namespaces/a')).status, 200);
    assert.deepEqual(
      upstream.seen.map((s) => s.method),
      ['GET'],
      'the held PUT has not been forwarded',
    );
    hold.release();
    assert.equal((await pending).status, 200);
    assert.deepEqual(
      upstream.seen.map((s) => [s.method, s.body]),
      [
        ['GET', ''],
        ['PUT', '{"held":true}'],
      ],
    );
    assert.equal(plan.writes[0]!.outcome, 'forwarded');
  });

  it('holdWrite: a client that goes away while held is never forwarded, even after release()', async () => {
    const hold = plan.holdWrite(1);
    const agent = new https.Agent({ ca: tlsText('ca.crt') });
    const req = https.request(`${proxy.url}/api/v1/namespaces`, { method: 'POST', agent, headers: { 'content-length': 2 } });
    req.on('error', () => {});
    req.end('{}');
    await hold.arrived;
    const closed = new Promise<void>((resolve) => req.on('close', () => resolve()));
    req.destroy();
    await closed;
    // The proxy sees the close on its side asynchronously: wait until it has.
    while (plan.writes[0]!.outcome === 'held') await new Promise((resolve) => setImmediate(resolve));
    hold.release();
    assert.equal(plan.writes[0]!.outcome, 'abandoned');
    assert.equal((await call(proxy, 'GET', '/healthz')).status, 200);
    assert.deepEqual(
      upstream.seen.map((s) => s.url),
      ['/healthz'],
      'the abandoned POST never reached the apiserver',
    );
    agent.destroy();
  });

  it('holdResponseOfWrite: the apiserver has done the write and answered; the client gets the answer only after release()', async () => {
    const hold = plan.holdResponseOfWrite(1);
    let replied = false;
    const pending = call(proxy, 'POST', '/api/v1/namespaces', '{"n":1}').then((reply) => {
      replied = true;
      return reply;
    });
    const record = await hold.arrived;
    assert.equal(record.outcome, 'held');
    assert.equal(record.upstreamStatus, 201);
    assert.equal(upstream.seen.length, 1);
    assert.equal(upstream.seen[0]!.answered, true, 'the apiserver answered before arrived resolved');
    assert.equal((await call(proxy, 'GET', '/api/v1/namespaces')).status, 200, 'other requests go on meanwhile');
    assert.equal(replied, false, 'the client has no answer while it is held');
    hold.release();
    const reply = await pending;
    assert.equal(reply.status, 201);
    assert.equal(JSON.parse(reply.body).url, '/api/v1/namespaces');
    assert.equal(plan.writes[0]!.outcome, 'forwarded');
  });

  it('holdResponseOfWrite: a client that goes away while the answer is held gets nothing; the write stays done', async () => {
    const hold = plan.holdResponseOfWrite(1);
    const agent = new https.Agent({ ca: tlsText('ca.crt') });
    const req = https.request(`${proxy.url}/api/v1/namespaces`, { method: 'POST', agent, headers: { 'content-length': 2 } });
    req.on('error', () => {});
    let answered = false;
    req.on('response', () => (answered = true));
    req.end('{}');
    await hold.arrived;
    const closed = new Promise<void>((resolve) => req.on('close', () => resolve()));
    req.destroy();
    await closed;
    while (plan.writes[0]!.outcome === 'held') await new Promise((resolve) => setImmediate(resolve));
    hold.release();
    assert.equal(plan.writes[0]!.outcome, 'client-closed');
    assert.equal(answered, false);
    assert.equal(upstream.seen.length, 1, 'the write reached the apiserver');
    agent.destroy();
  });

  it('holdRequest holds the first matching read, e.g. a watch', async () => {
    const hold = plan.holdRequest((r) => r.watch);
    const agent = new https.Agent({ ca: tlsText('ca.crt') });
    const req = https.request(`${proxy.url}/api/v1/secrets?watch=1`, { agent });
    req.on('error', () => {});
    req.end();
    const record = await hold.arrived;
    assert.equal(record.path, '/api/v1/secrets');
    assert.equal(upstream.seen.length, 0);
    hold.release();
    await new Promise<void>((resolve) => req.on('response', () => resolve()));
    assert.equal(upstream.seen.length, 1);
    req.destroy();
    agent.destroy();
  });

  it('stallResponseOfWrite: forwarded and answered upstream, the client hears nothing until its own timeout', async () => {
    plan.stallResponseOfWrite(1);
    await assert.rejects(
      call(proxy, 'POST', '/api/v1/namespaces', '{}', { timeoutMs: 300, agent: new https.Agent({ ca: tlsText('ca.crt') }) }),
      (error: NodeJS.ErrnoException) => error.code === 'CLIENT_TIMEOUT',
    );
    assert.equal(upstream.seen.length, 1);
    assert.equal(upstream.seen[0]!.answered, true);
    assert.equal(plan.writes[0]!.outcome, 'response-stalled');
  });

  it('one plan shared by two proxies numbers their writes in one sequence', async () => {
    const host = await startFaultProxy({
      upstream: upstream.url,
      upstreamCa: tlsText('ca.crt'),
      cert: tlsText('server.crt'),
      key: tlsText('server.key'),
      plan,
      label: 'host',
    });
    try {
      plan.failWrite(3, 409);
      await call(proxy, 'POST', '/api/v1/namespaces', '{}');
      await call(host, 'POST', '/api/v1/namespaces/x/secrets', '{}');
      assert.equal((await call(host, 'POST', '/apis/core.kubefed.io/v1beta1/namespaces/x/kubefedclusters', '{}')).status, 409);
      assert.deepEqual(
        plan.writes.map((w) => `${w.write} ${w.via} ${w.method} ${w.path} ${w.outcome}`),
        [
          '1 member POST /api/v1/namespaces forwarded',
          '2 host POST /api/v1/namespaces/x/secrets forwarded',
          '3 host POST /apis/core.kubefed.io/v1beta1/namespaces/x/kubefedclusters failed-without-forwarding',
        ],
      );
      assert.equal(plan.describeWrites().split('\n').length, 3);
    } finally {
      await host.close();
    }
  });

  it('rejects bad write numbers and two faults on one write', () => {
    assert.throws(() => plan.dropResponseOfWrite(0), /start at 1/);
    plan.dropResponseOfWrite(1);
    assert.throws(() => plan.failWrite(1), /already has a fault/);
  });

  let haveOpenssl = true;
  try {
    execFileSync(process.env['OPENSSL'] ?? 'openssl', ['version'], { stdio: 'ignore' });
  } catch {
    haveOpenssl = false;
  }
  it('issueProxyCert: a 127.0.0.1 certificate from the given CA that clients trusting that CA accept', { skip: !haveOpenssl && 'no openssl' }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fault-proxy-cert-'));
    try {
      const issued = await issueProxyCert({ name: 'fixture', caFile: tlsFile('ca.crt'), caKeyFile: tlsFile('ca.key') }, dir);
      const own = await startFaultProxy({ upstream: upstream.url, upstreamCa: tlsText('ca.crt'), ...issued, label: 'issued' });
      try {
        const reply = await call(own, 'GET', '/version', undefined, { agent: new https.Agent({ ca: tlsText('ca.crt') }) });
        assert.equal(reply.status, 200);
        await assert.rejects(
          call(own, 'GET', '/version', undefined, { agent: new https.Agent({ ca: tlsText('other-ca.crt') }) }),
          /self-signed|unable to verify|certificate/,
        );
      } finally {
        await own.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
