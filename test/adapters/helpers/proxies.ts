// Minimal forward proxies for tests: HTTP CONNECT and SOCKS5 (no auth), each recording the
// targets it was asked to reach.

import net from 'node:net';

export interface TestProxy {
  url: string;
  /** host:port of every tunnel opened. */
  targets: string[];
  close(): Promise<void>;
}

async function listen(server: net.Server, sockets: Set<net.Socket>, scheme: string, targets: string[]): Promise<TestProxy> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    targets,
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

/** `refuseWith` makes it answer every CONNECT with that status line instead. */
export function startConnectProxy(options: { refuseWith?: string } = {}): Promise<TestProxy> {
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const [requestLine = ''] = head.subarray(0, end).toString('latin1').split('\r\n');
      const match = /^CONNECT (\S+):(\d+) HTTP\/1\.1$/.exec(requestLine);
      if (!match) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      targets.push(`${match[1]}:${match[2]}`);
      if (options.refuseWith) {
        client.end(`HTTP/1.1 ${options.refuseWith}\r\n\r\n`);
        return;
      }
      tunnel(client, match[1]!.replace(/^\[(.*)\]$/, '$1'), Number(match[2]), () => client.write('HTTP/1.1 200 Connection Established\r\n\r\n'));
    };
    client.on('data', onData);
  });
  return listen(server, sockets, 'http', targets);
}

export function startSocks5Proxy(): Promise<TestProxy> {
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    let buffer = Buffer.alloc(0);
    let stage: 'greeting' | 'request' = 'greeting';
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (stage === 'greeting') {
        if (buffer.length < 2 || buffer.length < 2 + buffer[1]!) return;
        buffer = buffer.subarray(2 + buffer[1]!);
        client.write(Buffer.from([5, 0]));
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
      targets.push(`${host}:${port}`);
      tunnel(client, host, port, () => client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0])));
    };
    client.on('data', onData);
  });
  return listen(server, sockets, 'socks5', targets);
}
