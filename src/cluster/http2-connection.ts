// One HTTP/2 connection per cluster, as client-go uses: every request of a run is a stream on a
// single TLS session, so a burst of parallel reads costs one handshake instead of one per socket.
// The first request finds out what the server speaks (ALPN); a server without h2 (a test server,
// some proxies in front of an apiserver) is then served over HTTP/1.1 by the caller.

import type http from 'node:http';
import http2 from 'node:http2';
import tls from 'node:tls';

/** What the transport reads of a response: status, headers and the body stream. */
export type StreamResponse = http.IncomingMessage;

export interface Http2RequestOptions {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string | string[]>;
  payload: Buffer | undefined;
  signal: AbortSignal;
}

export class Http2Connection {
  readonly #origin: URL;
  readonly #tlsOptions: tls.ConnectionOptions;
  #session: http2.ClientHttp2Session | undefined;
  /** The client certificate the session was opened with: another one needs another session. */
  #sessionCert: string | Buffer | undefined;
  /** Streams in flight per session: a session is referenced (keeps the process alive) only while it has some. */
  readonly #activeStreams = new WeakMap<http2.ClientHttp2Session, number>();
  /** The current session has answered a request (a failure on it may be a stale connection). */
  #sessionUsed = false;

  constructor(origin: URL, tlsOptions: tls.ConnectionOptions) {
    this.#origin = origin;
    this.#tlsOptions = tlsOptions;
  }

  /**
   * Opens the TLS connection offering h2 and http/1.1. Resolves true when the server chose h2 (the
   * session is then kept for every request), false when it did not (the socket is closed).
   */
  async connect(signal: AbortSignal, clientCert?: { cert: string | Buffer; key: string | Buffer }): Promise<boolean> {
    const socket = tls.connect({
      host: this.#origin.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(this.#origin.port || 443),
      ...this.#tlsOptions,
      ...(clientCert ?? {}),
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    const onAbort = () => socket.destroy(Object.assign(new Error('the connection attempt was cancelled'), { code: 'ECONNABORTED' }));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', resolve);
        socket.once('error', reject);
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      return false;
    }
    const session = http2.connect(this.#origin, { createConnection: () => socket });
    session.on('error', () => this.#forget(session));
    session.on('goaway', () => this.#forget(session));
    session.on('close', () => this.#forget(session));
    // An idle session must not keep the process alive; an active stream must.
    session.unref();
    this.#session = session;
    this.#sessionCert = clientCert?.cert;
    this.#sessionUsed = false;
    return true;
  }

  /** True when a session is open for this client certificate. */
  usable(cert: string | Buffer | undefined): boolean {
    return this.#session !== undefined && !this.#session.closed && !this.#session.destroyed && this.#sessionCert === cert;
  }

  /** Whether the session a request is about to use has answered before. */
  get sessionUsed(): boolean {
    return this.#sessionUsed;
  }

  request(options: Http2RequestOptions): Promise<StreamResponse> {
    const session = this.#session;
    if (!session) return Promise.reject(Object.assign(new Error('no HTTP/2 session'), { code: 'ECONNRESET' }));
    const headers: http2.OutgoingHttpHeaders = { ':method': options.method, ':path': options.path };
    for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
    this.#streamOpened(session);
    const stream = session.request(headers, { endStream: options.payload === undefined });
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.#streamClosed(session);
    };
    stream.once('close', finish);
    const onAbort = () => stream.close(http2.constants.NGHTTP2_CANCEL);
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => options.signal.removeEventListener('abort', onAbort));
    if (options.payload !== undefined) stream.end(options.payload);
    return new Promise<StreamResponse>((resolve, reject) => {
      stream.once('response', (responseHeaders) => {
        // Set here, not when the stream closes: a caller that has read the body may send the next
        // request before the 'close' event has run.
        this.#sessionUsed = true;
        const plain: http.IncomingHttpHeaders = {};
        for (const [name, value] of Object.entries(responseHeaders)) if (!name.startsWith(':')) plain[name] = value as string;
        resolve(Object.assign(stream, { statusCode: Number(responseHeaders[':status'] ?? 0), statusMessage: '', headers: plain }) as unknown as StreamResponse);
      });
      stream.once('error', (error: NodeJS.ErrnoException) => {
        // A stream the session dropped (reset, GOAWAY) is a broken connection to the caller.
        reject(
          error.code?.startsWith('ERR_HTTP2') ? Object.assign(new Error(`connection reset (${error.code})`), { code: 'ECONNRESET', cause: error }) : error,
        );
      });
      // A session the server closed ends its streams without an error: a request still waiting
      // for its answer would wait forever. (After a response or an error this changes nothing.)
      stream.once('close', () => reject(Object.assign(new Error('the connection was closed before the server answered'), { code: 'ECONNRESET' })));
    });
  }

  close(): void {
    this.#session?.close();
    this.#session = undefined;
  }

  #streamOpened(session: http2.ClientHttp2Session): void {
    const active = this.#activeStreams.get(session) ?? 0;
    this.#activeStreams.set(session, active + 1);
    if (active === 0) session.ref();
  }

  #streamClosed(session: http2.ClientHttp2Session): void {
    const active = (this.#activeStreams.get(session) ?? 1) - 1;
    this.#activeStreams.set(session, active);
    if (active === 0 && !session.destroyed) session.unref();
  }

  #forget(session: http2.ClientHttp2Session): void {
    if (this.#session === session) this.#session = undefined;
  }
}
