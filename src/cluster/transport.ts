// One HTTP exchange with an API server: URL, headers and credentials, the per-request timer,
// retries (once after a 401 with refreshed plugin credentials, on 429/5xx Retry-After, a read once
// on a reset keep-alive connection), gzip, request logging, and the mapping of failures to typed errors.

import http from 'node:http';
// Named imports: the build loads node:https and node:zlib on first use (scripts/build.mjs,
// LAZY_BUILTINS), and HTTP/2 to a server that speaks it, unzipped answers, need neither.
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type tls from 'node:tls';
import { gunzipSync } from 'node:zlib';

import { ClusterApiError, ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { errorFromNetworkFailure, errorFromResponse } from './api-errors.js';
import type { CredentialProvider, RequestCredentials } from './credentials.js';
import { Http2Connection } from './http2-connection.js';
import { createProxyAgent, maskProxyCredentials, resolveProxy } from './proxy.js';
import { RequestLog } from './request-log.js';
import { tlsOptionsFor } from './tls.js';
import type { ContextInfo } from './types.js';

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The reason our own aborts carry, so that they are told apart from failures. */
export const CANCELLED = Symbol('cancelled');

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  method: HttpMethod;
  /** API path without the server's own path prefix, e.g. /api/v1/namespaces. */
  path: string;
  query?: Record<string, string | undefined> | undefined;
  body?: unknown;
  contentType?: string | undefined;
  /** Accept header; application/json unless given. */
  accept?: string | undefined;
  /** For error messages: kubectl verb and the object or collection. */
  verb: string;
  target: string;
  /** Resource the request is about, for redacting Secret payloads in logs. */
  resource?: string | undefined;
}

export interface Exchange {
  response: http.IncomingMessage;
  url: string;
  startedAt: number;
  /** Stops the per-request timer (streams outlive it). */
  settle(): void;
  timedOut(): boolean;
}

export interface BufferedResponse {
  status: number;
  body: string;
  /** The parsed body; a body that is not JSON is a ClusterApiError (not an API server?). */
  json(): unknown;
}

export interface TransportOptions {
  logger: Logger;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  env: NodeJS.ProcessEnv;
  /** Per-request timeout; 0 disables it. Streams use it only until the response starts. */
  requestTimeoutMs?: number | undefined;
  userAgent?: string | undefined;
  /** The context names a user the kubeconfig does not define (for the 401 hint). */
  userMissing: boolean;
}

export async function createTransport(context: ContextInfo, credentials: CredentialProvider, options: TransportOptions): Promise<ApiTransport> {
  const serverUrl = parseServerUrl(context);
  const tlsOptions = tlsOptionsFor(context, serverUrl);
  const proxy = resolveProxy(context, options.env, serverUrl);
  const agent = proxy !== undefined ? await createProxyAgent(serverUrl, proxy, tlsOptions) : undefined;
  return new ApiTransport({ context, credentials, serverUrl, tlsOptions, agent, proxyLabel: proxy && maskProxyCredentials(proxy), ...options });
}

/**
 * Connections per cluster. Every new connection costs a TLS handshake (4-5 ms of CPU on each side
 * here, and they contend when made at once), so a burst of 50 requests (unjoin's check that a
 * namespace holds nothing else) is better served by a few kept-alive connections than by 50.
 * 8 keeps federate's 8 writes in flight.
 */
const MAX_SOCKETS_PER_CLUSTER = 8;

/**
 * The server's TLS options (CA, our checkServerIdentity) belong to the agent, not to each request:
 * since Node 22.23/24.x, a request that brings a checkServerIdentity of its own gets a connection of
 * its own that is never kept alive (no reuse, no maxSockets across a burst).
 */
function directAgent(serverUrl: URL, tlsOptions: tls.ConnectionOptions): http.Agent {
  const options = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_CLUSTER };
  return serverUrl.protocol === 'https:' ? new HttpsAgent({ ...options, ...tlsOptions }) : new http.Agent(options);
}

function parseServerUrl(context: ContextInfo): URL {
  // client-go accepts a bare host:port and assumes https.
  const written = context.server.includes('://') ? context.server : `https://${context.server}`;
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    throw new ConfigError(`server "${context.server}" of cluster "${context.clusterName}" is not a valid URL`, { code: 'KUBECONFIG_INVALID' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`server "${context.server}" of cluster "${context.clusterName}" must be an http:// or https:// URL`, { code: 'KUBECONFIG_INVALID' });
  }
  return url;
}

interface TransportParts extends TransportOptions {
  context: ContextInfo;
  credentials: CredentialProvider;
  serverUrl: URL;
  tlsOptions: tls.ConnectionOptions;
  /** The proxy's agent; undefined: connect directly. */
  agent: http.Agent | undefined;
  proxyLabel: string | undefined;
}

export class ApiTransport {
  readonly log: RequestLog;
  readonly #context: ContextInfo;
  readonly #credentials: CredentialProvider;
  readonly #serverUrl: URL;
  readonly #basePath: string;
  readonly #tlsOptions: tls.ConnectionOptions;
  /** HTTP/1.1: through the proxy's agent, or directly (made on first use). */
  #agent: http.Agent | undefined;
  readonly #proxyLabel: string | undefined;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #userMissing: boolean;
  /** HTTP/2 for direct https connections; undefined through a proxy or over plain http. */
  readonly #http2: Http2Connection | undefined;
  /** Settled by the first connection: false once the server turned out not to speak h2. */
  #serverSpeaksHttp2: boolean | undefined;
  #connecting: Promise<boolean> | undefined;
  #requestCount = 0;

  constructor(parts: TransportParts) {
    this.log = new RequestLog(parts.logger);
    this.#context = parts.context;
    this.#credentials = parts.credentials;
    this.#serverUrl = parts.serverUrl;
    this.#basePath = parts.serverUrl.pathname.replace(/\/+$/, '');
    this.#tlsOptions = parts.tlsOptions;
    this.#agent = parts.agent;
    this.#proxyLabel = parts.proxyLabel;
    this.#timeoutMs = parts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#userAgent = parts.userAgent ?? `kubefedctl (${process.platform}/${process.arch}) node/${process.version}`;
    this.#userMissing = parts.userMissing;
    this.#http2 = parts.serverUrl.protocol === 'https:' && parts.proxyLabel === undefined ? new Http2Connection(parts.serverUrl, parts.tlsOptions) : undefined;
  }

  get requestCount(): number {
    return this.#requestCount;
  }

  close(): void {
    this.#http2?.close();
    this.#agent?.destroy();
  }

  /** Opens the HTTP/2 session ahead of the first request (see ClusterClient.preconnect). */
  preconnect(): void {
    if (this.#http2 === undefined || this.#serverSpeaksHttp2 !== undefined || this.#connecting) return;
    // Bounded like a request: a first request that finds this connection attempt under way waits
    // for it instead of starting its own.
    const signal = this.#timeoutMs > 0 ? AbortSignal.timeout(this.#timeoutMs) : new AbortController().signal;
    this.#credentials
      .current()
      .then((credentials) => this.#overHttp2(credentials, signal))
      .catch(() => {});
  }

  /** Whether this request goes over the HTTP/2 session (opening it first if needed). */
  async #overHttp2(credentials: RequestCredentials, signal: AbortSignal): Promise<boolean> {
    if (this.#http2 === undefined || this.#serverSpeaksHttp2 === false) return false;
    if (this.#http2.usable(credentials.cert)) return true;
    this.#connecting ??= this.#http2
      .connect(signal, credentials.cert !== undefined ? { cert: credentials.cert, key: credentials.key! } : undefined)
      .finally(() => {
        this.#connecting = undefined;
      });
    // A request that finds a connection attempt under way (another request's, or preconnect's)
    // still gives up when its own timeout or cancellation comes.
    this.#serverSpeaksHttp2 = await untilAborted(this.#connecting, signal);
    return this.#serverSpeaksHttp2;
  }

  /** Sends a request and reads the whole answer; statuses in `allowed` are returned, other failures thrown. */
  async request(spec: RequestSpec, allowed: readonly number[] = [], signal?: AbortSignal): Promise<BufferedResponse> {
    const exchange = await this.open(spec, { signal, stream: false });
    const { response } = exchange;
    let raw: Buffer;
    try {
      raw = await readBody(response);
    } catch (error) {
      exchange.settle();
      throw this.#networkError(spec, exchange.url, error, exchange.timedOut());
    }
    exchange.settle();
    let body: string;
    try {
      body = (response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    } catch (error) {
      throw this.#networkError(spec, exchange.url, error, false);
    }
    const status = response.statusCode ?? 0;
    this.logResponse(spec, exchange, body);
    if ((status >= 200 && status < 300) || allowed.includes(status)) {
      const json = () => {
        try {
          return body === '' ? undefined : (JSON.parse(body) as unknown);
        } catch (error) {
          throw new ClusterApiError(
            {
              context: this.#context.name,
              verb: spec.verb,
              target: spec.target,
              status,
              reason: 'InvalidResponse',
              serverMessage: `${spec.method} ${exchange.url} answered with a body that is not JSON (${String(response.headers['content-type'] ?? 'no content type')})`,
            },
            { hint: `Check that server of cluster "${this.#context.clusterName}" (${this.#context.server}) is a Kubernetes API server.`, cause: error },
          );
        }
      };
      return { status, body, json };
    }
    throw this.responseError(spec, status, body);
  }

  /** Opens the exchange, retrying once after a 401 with refreshed plugin credentials and on 429 Retry-After. */
  async open(spec: RequestSpec, options: { signal?: AbortSignal | undefined; stream: boolean }): Promise<Exchange> {
    let refreshedCredentials = false;
    let throttled = 0;
    let resetRetried = false;
    for (;;) {
      const credentials = await this.#credentials.current();
      let exchange: Exchange;
      try {
        exchange = await this.#dispatch(spec, credentials, options);
      } catch (error) {
        // Only a read is sent again: a reset after a write was sent does not say whether the
        // server did it, and sending a DELETE or PUT again would turn "done" into a 404 or a 409.
        // The applier settles a write whose outcome is unknown (cluster/applier.ts).
        if (isReusedSocketReset(error) && !resetRetried && spec.method === 'GET') {
          resetRetried = true;
          // Once the events of the broken connection have run, it is known closed: the retry opens a new one.
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        throw error;
      }
      const status = exchange.response.statusCode ?? 0;
      if (status === 401 && !refreshedCredentials && this.#credentials.invalidate(credentials)) {
        refreshedCredentials = true;
        await this.#discard(spec, exchange);
        continue;
      }
      const retryAfter = retryAfterSeconds(exchange.response);
      if (retryAfter !== undefined && throttled < 3 && (status === 429 || (status >= 500 && spec.method === 'GET'))) {
        throttled++;
        await this.#discard(spec, exchange);
        await delay(Math.min(retryAfter, 10) * 1000, options.signal);
        continue;
      }
      return exchange;
    }
  }

  /** Logs the answer of an exchange at -v=6 and up; `body` is '' for a stream that is not read here. */
  logResponse(spec: RequestSpec, exchange: Exchange, body: string): void {
    const { response } = exchange;
    this.log.response(
      { method: spec.method, url: exchange.url, resource: spec.resource },
      { status: response.statusCode ?? 0, statusMessage: response.statusMessage, headers: response.headers, body, startedAt: exchange.startedAt },
    );
  }

  responseError(spec: RequestSpec, status: number, body: string): ClusterApiError {
    return errorFromResponse({
      contextName: this.#context.name,
      verb: spec.verb,
      target: spec.target,
      status,
      body,
      credentialsDescription: this.#credentials.description,
      userName: this.#context.userName,
      userMissing: this.#userMissing,
    });
  }

  async #discard(spec: RequestSpec, exchange: Exchange): Promise<void> {
    const body = await readBody(exchange.response).catch(() => Buffer.alloc(0));
    exchange.settle();
    this.logResponse(spec, exchange, body.toString('utf8'));
  }

  async #dispatch(spec: RequestSpec, credentials: RequestCredentials, options: { signal?: AbortSignal | undefined; stream: boolean }): Promise<Exchange> {
    const url = this.#url(spec);
    const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const headers: Record<string, string | string[]> = {
      Accept: spec.accept ?? 'application/json',
      'User-Agent': this.#userAgent,
      ...credentials.headers,
    };
    if (!options.stream && this.#context.disableCompression !== true) headers['Accept-Encoding'] = 'gzip';
    if (payload !== undefined) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    this.#requestCount++;
    const logged = { method: spec.method, url, resource: spec.resource };
    this.log.request(logged, headers, payload);

    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const onExternalAbort = () => controller.abort(CANCELLED);
    if (options.signal?.aborted) controller.abort(CANCELLED);
    options.signal?.addEventListener('abort', onExternalAbort, { once: true });
    if (this.#timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(CANCELLED);
      }, this.#timeoutMs);
    }
    const settle = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onExternalAbort);
    };
    const startedAt = Date.now();
    const fail = (error: unknown, reusedSocket: boolean): Error => {
      settle();
      if (options.signal?.aborted) return (options.signal.reason as Error | undefined) ?? (error as Error);
      this.log.failure(logged, errorLabel(error, timedOut), startedAt);
      const failure = this.#networkError(spec, url, error, timedOut);
      (failure as { reusedSocket?: boolean }).reusedSocket = reusedSocket;
      return failure;
    };
    const exchangeOf = (response: http.IncomingMessage): Exchange => {
      // After settle() our timer no longer guards the body; the external signal still cancels it.
      const { signal } = options;
      if (options.stream && signal) {
        const cancel = () => response.destroy();
        signal.addEventListener('abort', cancel, { once: true });
        response.once('close', () => signal.removeEventListener('abort', cancel));
      }
      return { response, url, startedAt, settle, timedOut: () => timedOut };
    };

    let overHttp2: boolean;
    try {
      overHttp2 = await this.#overHttp2(credentials, controller.signal);
    } catch (error) {
      throw fail(error, false);
    }
    if (overHttp2) {
      const reusedSession = this.#http2!.sessionUsed;
      try {
        return exchangeOf(
          await this.#http2!.request({ method: spec.method, path: url.slice(this.#serverUrl.origin.length), headers, payload, signal: controller.signal }),
        );
      } catch (error) {
        throw fail(error, reusedSession);
      }
    }

    this.#agent ??= directAgent(this.#serverUrl, this.#tlsOptions);
    const send = this.#serverUrl.protocol === 'https:' ? httpsRequest : http.request;
    return new Promise<Exchange>((resolve, reject) => {
      const request = send(url, {
        method: spec.method,
        headers,
        agent: this.#agent,
        signal: controller.signal,
        // The server's TLS options are the agent's (directAgent, createProxyAgent); a client
        // certificate from an exec plugin may change during the run, so it goes with each request.
        ...(credentials.cert !== undefined ? { cert: credentials.cert, key: credentials.key } : {}),
      });
      request.on('response', (response) => resolve(exchangeOf(response)));
      request.on('error', (error) => reject(fail(error, request.reusedSocket)));
      request.end(payload);
    });
  }

  #url(spec: RequestSpec): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) if (value !== undefined) params.set(key, value);
    const query = params.toString();
    return `${this.#serverUrl.origin}${this.#basePath}${spec.path}${query === '' ? '' : `?${query}`}`;
  }

  #networkError(spec: RequestSpec, url: string, error: unknown, timedOut: boolean): ClusterApiError {
    return errorFromNetworkFailure({
      contextName: this.#context.name,
      clusterName: this.#context.clusterName,
      server: this.#context.server,
      verb: spec.verb,
      target: spec.target,
      method: spec.method,
      url,
      error,
      timeoutMs: timedOut ? this.#timeoutMs : undefined,
      proxy: this.#proxyLabel,
    });
  }
}

export function readBody(response: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    response.on('aborted', () => reject(Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' })));
  });
}

/** `work`, or, as soon as `signal` aborts, the error a cancelled connection attempt fails with (the work itself goes on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const cancelled = () => Object.assign(new Error('the connection attempt was cancelled'), { code: 'ECONNABORTED' });
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A failure before any HTTP status (errorFromNetworkFailure gives those status 0). */
export function isNetworkError(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 0;
}

function retryAfterSeconds(response: http.IncomingMessage): number | undefined {
  const header = response.headers['retry-after'];
  if (header === undefined) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function isReusedSocketReset(error: unknown): boolean {
  const failure = error as { reusedSocket?: unknown; cause?: { code?: unknown } } | null;
  return failure?.reusedSocket === true && failure.cause?.code === 'ECONNRESET';
}

function errorLabel(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
