// The agents that tunnel to the API server through a proxy. proxy.ts imports this module only
// when a cluster uses a proxy, so hpagent and socks load for nobody else:
// - http:// and https:// proxies: hpagent's HTTP CONNECT agents;
// - socks5:// and socks5h://: the socks library, with the hostname resolved by the proxy (as Go's
//   SOCKS5 dialer does for both schemes).
// Failures become ProxyErrors that say which proxy did what.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

import type { HttpProxyAgentOptions, HttpsProxyAgentOptions } from 'hpagent';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { SocksClient } from 'socks';

import { ProxyError, hostOf, maskProxyCredentials } from './proxy.js';

type ConnectCallback = (error: Error | null, stream: Duplex) => void;

const AGENT_OPTIONS = { keepAlive: true };

export function createTunnelingAgent(serverUrl: URL, proxy: URL, serverTls: tls.ConnectionOptions): http.Agent {
  const secure = serverUrl.protocol === 'https:';
  // The server's TLS options are the agent's (see directAgent in transport.ts: a per-request
  // checkServerIdentity keeps Node >= 22.23 from reusing the tunnel).
  if (proxy.protocol === 'socks5:' || proxy.protocol === 'socks5h:') return secure ? new SocksHttpsAgent(proxy, serverTls) : new SocksHttpAgent(proxy);
  const options = { ...AGENT_OPTIONS, ...(secure ? serverTls : {}), proxy: hpagentProxy(proxy), proxyRequestOptions: httpsProxyTrust(serverTls) };
  return secure ? new ConnectHttpsAgent(proxy, options) : new ConnectHttpAgent(proxy, options);
}

/**
 * How an https:// proxy's certificate is checked. client-go dials the proxy with the cluster's
 * TLS config (Go's Transport.addTLS), so insecure-skip-tls-verify covers the proxy too and a
 * cluster CA replaces the public roots for it (kubernetes/kubectl#1558). We trust the cluster CA
 * *and* the public roots: every proxy kubectl accepts is accepted, and so is one with a public
 * certificate. The name checked is the proxy's own (Go would check tls-server-name when set).
 */
function httpsProxyTrust(serverTls: tls.ConnectionOptions): { ca?: string[]; rejectUnauthorized?: boolean } {
  const trust: { ca?: string[]; rejectUnauthorized?: boolean } = {};
  if (serverTls.rejectUnauthorized === false) trust.rejectUnauthorized = false;
  if (serverTls.ca !== undefined) trust.ca = [...tls.rootCertificates, ...[serverTls.ca].flat().map(String)];
  return trust;
}

/** hpagent connects to `proxy.hostname`, which keeps the brackets of an IPv6 literal; it reads no other URL parts than these. */
function hpagentProxy(proxy: URL): URL {
  const { protocol, port, username, password } = proxy;
  return { protocol, hostname: hostOf(proxy), port, username, password } as URL;
}

class ConnectHttpsAgent extends HttpsProxyAgent {
  readonly #proxyLabel: string;
  constructor(proxy: URL, options: HttpsProxyAgentOptions) {
    super(options);
    this.#proxyLabel = maskProxyCredentials(proxy);
  }
  override createConnection(options: https.RequestOptions, callback?: ConnectCallback): Duplex | null | undefined {
    return connectThroughProxy(options, this.#proxyLabel, callback, (target, done) => super.createConnection(target, done));
  }
}

class ConnectHttpAgent extends HttpProxyAgent {
  readonly #proxyLabel: string;
  constructor(proxy: URL, options: HttpProxyAgentOptions) {
    super(options);
    this.#proxyLabel = maskProxyCredentials(proxy);
  }
  override createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
    return connectThroughProxy(options, this.#proxyLabel, callback, (target, done) => super.createConnection(target, done));
  }
}

/**
 * Runs hpagent's createConnection with the target host in brackets when it is an IPv6 literal
 * (hpagent writes `CONNECT host:port` as given; tls.ts checks the certificate against the server's
 * own name, so the brackets do not reach verification), and turns its failures into ProxyErrors.
 */
function connectThroughProxy<T extends http.ClientRequestArgs>(
  options: T,
  proxyLabel: string,
  callback: ConnectCallback | undefined,
  connect: (target: T, done: ConnectCallback) => Duplex | null | undefined,
): Duplex | null | undefined {
  const host = String(options.host ?? options.hostname ?? 'localhost');
  const target = net.isIPv6(host) ? { ...options, host: `[${host}]` } : options;
  const authority = `${String(target.host)}:${String(options.port)}`;
  return connect(target, (error, stream) => callback?.(error === null ? null : connectError(error, proxyLabel, authority), stream));
}

function connectError(error: Error, proxyLabel: string, authority: string): ProxyError {
  // hpagent's wording for any answer to CONNECT other than 200; the status text is the standard one.
  const refused = /^Bad response: (\d{3})$/.exec(error.message);
  if (refused) {
    const status = Number(refused[1]);
    return new ProxyError(`proxy ${proxyLabel} refused CONNECT ${authority}: ${status} ${http.STATUS_CODES[status] ?? 'Unknown'}`, { cause: error });
  }
  if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') {
    return new ProxyError(`proxy ${proxyLabel} closed the connection without answering CONNECT ${authority}`, { cause: error });
  }
  return new ProxyError(`cannot connect to proxy ${proxyLabel}: ${describeSocketError(error)}`, { cause: error });
}

class SocksHttpsAgent extends https.Agent {
  readonly #proxy: URL;
  constructor(proxy: URL, serverTls: tls.ConnectionOptions) {
    super({ ...AGENT_OPTIONS, ...serverTls });
    this.#proxy = proxy;
  }
  override createConnection(options: https.RequestOptions, callback?: ConnectCallback): undefined {
    return connectThroughSocks(this.#proxy, options, 443, callback, (socket, host, port) =>
      tls.connect({ ...(options as tls.ConnectionOptions), host, port, socket }),
    );
  }
}

class SocksHttpAgent extends http.Agent {
  readonly #proxy: URL;
  constructor(proxy: URL) {
    super(AGENT_OPTIONS);
    this.#proxy = proxy;
  }
  override createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): undefined {
    return connectThroughSocks(this.#proxy, options, 80, callback, (socket) => socket);
  }
}

/** Hands the agent (asynchronously, through `callback`) the tunnel, wrapped by `open` (in TLS for https). */
function connectThroughSocks(
  proxy: URL,
  options: http.ClientRequestArgs,
  defaultPort: number,
  callback: ConnectCallback | undefined,
  open: (tunnel: net.Socket, host: string, port: number) => Duplex,
): undefined {
  const host = String(options.host ?? options.hostname ?? 'localhost');
  const port = Number(options.port ?? defaultPort);
  openSocksTunnel(proxy, host, port).then(
    (tunnel) => callback?.(null, open(tunnel, host, port)),
    (error: Error) => callback?.(error, undefined as unknown as Duplex),
  );
  return undefined;
}

/** A TCP stream to host:port through a SOCKS5 proxy. */
async function openSocksTunnel(proxy: URL, host: string, port: number): Promise<net.Socket> {
  const label = maskProxyCredentials(proxy);
  const proxyHost = hostOf(proxy);
  const proxyPort = Number(proxy.port || 1080);
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const onError = (error: Error) => reject(new ProxyError(`cannot connect to proxy ${label}: ${describeSocketError(error)}`, { cause: error }));
    const connection = net.connect({ host: proxyHost, port: proxyPort }, () => {
      connection.off('error', onError);
      resolve(connection);
    });
    connection.once('error', onError);
  });
  const username = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  const credentials = username !== '' || password !== '' ? { userId: username, password } : {};
  try {
    const { socket: tunnel } = await SocksClient.createConnection({
      command: 'connect',
      proxy: { host: proxyHost, port: proxyPort, type: 5, ...credentials },
      destination: { host, port },
      existing_socket: socket,
    });
    return tunnel as net.Socket;
  } catch (error) {
    socket.destroy();
    throw socksError(error, label, `${net.isIPv6(host) ? `[${host}]` : host}:${port}`);
  }
}

/** Reply codes of RFC 1928 as the socks library names them. */
const SOCKS_REPLIES: Record<string, string> = {
  Failure: 'general failure',
  NotAllowed: 'connection not allowed by ruleset',
  NetworkUnreachable: 'network unreachable',
  HostUnreachable: 'host unreachable',
  ConnectionRefused: 'connection refused',
  TTLExpired: 'TTL expired',
  CommandNotSupported: 'command not supported',
  AddressNotSupported: 'address type not supported',
};

/** The socks library reports failures as text only; unknown texts are passed on as they are. */
function socksError(error: unknown, proxyLabel: string, target: string): ProxyError {
  const message = error instanceof Error ? error.message : String(error);
  const rejected = /^Socks5 proxy rejected connection - (\w+)/.exec(message);
  let text: string;
  if (rejected) text = `proxy ${proxyLabel} could not connect to ${target}: ${SOCKS_REPLIES[rejected[1]!] ?? rejected[1]}`;
  else if (/^Socks5 Authentication failed/.test(message)) text = `proxy ${proxyLabel} rejected the SOCKS5 username/password`;
  else if (/no accepted authentication type/.test(message)) text = `proxy ${proxyLabel} accepts none of our SOCKS5 authentication methods`;
  else if (/invalid socks version/.test(message)) text = `proxy ${proxyLabel} is not a SOCKS5 proxy`;
  else if (message === 'Socket closed') text = `proxy ${proxyLabel} closed the connection`;
  else text = `proxy ${proxyLabel} failed: ${message}`;
  return new ProxyError(text, { cause: error });
}

function describeSocketError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error.message;
  return error.message.includes(code) ? code : `${error.message} (${code})`;
}
