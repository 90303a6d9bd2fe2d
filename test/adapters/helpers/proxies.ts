// Minimal forward proxies for tests: HTTP CONNECT (plain or over TLS) and SOCKS5, each with
// optional username/password authentication, recording the targets it was asked to reach.

import net from 'node:net';
import tls from 'node:tls';

export interface TestProxy {
  url: string;
  /** host:port of every tunnel asked for (hostnames as the client sent them, IPv6 in brackets). */
  targets: string[];
  /** What each client presented as credentials: the Proxy-Authorization header, or SOCKS5 "user:password"; '' for none. */
  credentials: string[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Require these credentials (Basic auth for CONNECT, RFC 1929 for SOCKS5). */
  auth?: { username: string; password: string };
}

async function listen(server: net.Server, scheme: string, host: string, record: Pick<TestProxy, 'targets' | 'credentials'>): Promise<TestProxy> {
  const sockets = new Set<net.Socket>();
  server.on(server instanceof tls.Server ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${scheme}://${net.isIPv6(host) ? `[${host}]` : host}:${port}`,
    ...record,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function tunnel(client: net.Socket, host: string, port: number, onConnected: () => void): void {
  const upstream = net.connect({ host, port }, () => {
    onConnected();
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
}

export interface ConnectProxyOptions extends ProxyOptions {
  /** Answer every CONNECT with this status line instead, e.g. '403 Forbidden'. */
  refuseWith?: string;
  /** Close the connection on CONNECT without answering. */
  hangUp?: boolean;
  /** Serve TLS with this certificate: an https:// proxy. */
  tls?: { cert: string; key: string };
}

export function startConnectProxy(options: ConnectProxyOptions = {}): Promise<TestProxy> {
  const record = { targets: [] as string[], credentials: [] as string[] };
  const expected = options.auth && `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  const onClient = (client: net.Socket) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const [requestLine = '', ...headerLines] = head.subarray(0, end).toString('latin1').split('\r\n');
      const match = /^CONNECT (\S+):(\d+) HTTP\/1\.1$/.exec(requestLine);
      if (!match) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      const authorization = headerLines.find((line) => /^proxy-authorization:/i.test(line))?.replace(/^[^:]*:\s*/, '') ?? '';
      record.targets.push(`${match[1]}:${match[2]}`);
      record.credentials.push(authorization);
      if (options.hangUp) client.destroy();
      else if (expected !== undefined && authorization !== expected)
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      else if (options.refuseWith) client.end(`HTTP/1.1 ${options.refuseWith}\r\n\r\n`);
      else tunnel(client, match[1]!.replace(/^\[(.*)\]$/, '$1'), Number(match[2]), () => client.write('HTTP/1.1 200 Connection Established\r\n\r\n'));
    };
    client.on('data', onData);
  };
  const server = options.tls ? tls.createServer(options.tls, onClient) : net.createServer(onClient);
  return listen(server, options.tls ? 'https' : 'http', options.host ?? '127.0.0.1', record);
}

export interface SocksProxyOptions extends ProxyOptions {
  /** Answer every CONNECT with this RFC 1928 reply code, e.g. 5 (connection refused). */
  replyWith?: number;
}

/** A SOCKS5 proxy (RFC 1928) that accepts IPv4, IPv6 and hostname targets. */
export function startSocks5Proxy(options: SocksProxyOptions = {}): Promise<TestProxy> {
  const record = { targets: [] as string[], credentials: [] as string[] };
  const server = net.createServer((client) => {
    let buffer = Buffer.alloc(0);
    let stage: 'greeting' | 'auth' | 'request' = 'greeting';
    let presented = '';
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (stage === 'greeting') {
        if (buffer.length < 2 || buffer.length < 2 + buffer[1]!) return;
        const methods = [...buffer.subarray(2, 2 + buffer[1]!)];
        buffer = buffer.subarray(2 + buffer[1]!);
        const method = options.auth ? 2 : 0;
        if (!methods.includes(method)) {
          client.end(Buffer.from([5, 0xff]));
          return;
        }
        client.write(Buffer.from([5, method]));
        stage = options.auth ? 'auth' : 'request';
      }
      if (stage === 'auth') {
        // RFC 1929: version, username length, username, password length, password.
        if (buffer.length < 2 || buffer.length < 3 + buffer[1]! || buffer.length < 3 + buffer[1]! + buffer[2 + buffer[1]!]!) return;
        const userLength = buffer[1]!;
        const passwordLength = buffer[2 + userLength]!;
        const username = buffer.subarray(2, 2 + userLength).toString();
        const password = buffer.subarray(3 + userLength, 3 + userLength + passwordLength).toString();
        buffer = buffer.subarray(3 + userLength + passwordLength);
        presented = `${username}:${password}`;
        if (username !== options.auth?.username || password !== options.auth.password) {
          record.credentials.push(presented);
          client.end(Buffer.from([1, 1]));
          return;
        }
        client.write(Buffer.from([1, 0]));
        stage = 'request';
      }
      if (buffer.length < 5) return;
      const addressType = buffer[3];
      let host: string;
      let offset: number;
      if (addressType === 1) {
        if (buffer.length < 10) return;
        host = [...buffer.subarray(4, 8)].join('.');
        offset = 8;
      } else if (addressType === 4) {
        if (buffer.length < 22) return;
        // The URL parser writes the address in its short form, in brackets: [::1].
        host = new URL(`http://[${Array.from({ length: 8 }, (_, i) => buffer.readUInt16BE(4 + i * 2).toString(16)).join(':')}]`).hostname;
        offset = 20;
      } else if (addressType === 3) {
        const length = buffer[4]!;
        if (buffer.length < 5 + length + 2) return;
        host = buffer.subarray(5, 5 + length).toString();
        offset = 5 + length;
      } else {
        client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
        return;
      }
      const port = buffer.readUInt16BE(offset);
      client.off('data', onData);
      record.targets.push(`${host}:${port}`);
      record.credentials.push(presented);
      if (options.replyWith !== undefined) client.end(Buffer.from([5, options.replyWith, 0, 1, 0, 0, 0, 0, 0, 0]));
      else tunnel(client, host.replace(/^\[(.*)\]$/, '$1'), port, () => client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0])));
    };
    client.on('data', onData);
  });
  return listen(server, 'socks5', options.host ?? '127.0.0.1', record);
}
