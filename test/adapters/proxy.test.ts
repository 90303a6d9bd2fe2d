// Proxies: proxy-url and HTTPS_PROXY / NO_PROXY resolution, and real tunnels through the test
// proxies of helpers/proxies.ts (HTTP CONNECT, CONNECT over TLS, SOCKS5; with and without auth).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';

import { resolveProxy, shouldBypassProxy } from '../../src/cluster/proxy.js';
import type { ContextInfo } from '../../src/cluster/types.js';
import { ClusterApiError, ConfigError } from '../../src/errors.js';
import { closedPort, sendJson, tlsFile, tlsText } from './helpers/fixtures.js';
import { startConnectProxy, startSocks5Proxy, type TestProxy } from './helpers/proxies.js';
import { isApiError, okHandler, trusted, useClientHarness } from './helpers/client.js';

const harness = useClientHarness();

async function proxyFor(start: () => Promise<TestProxy>): Promise<TestProxy> {
  const proxy = await start();
  harness.defer(() => proxy.close());
  return proxy;
}

/** Whether this machine lets a test listen on the address (127.0.0.2 and ::1 are not everywhere). */
async function canListen(host: string): Promise<boolean> {
  const server = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, host, () => resolve(true));
  });
  if (ok) await new Promise<void>((resolve) => server.close(() => resolve()));
  return ok;
}

/** Rejects with a status-0 ClusterApiError whose message is exactly "Unable to reach cluster "test": GET <url>: <problem>". */
function unreachable(problem: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ClusterApiError, String(error));
    assert.equal(error.status, 0);
    const [, detail] = /^Unable to reach cluster "test": GET https:\/\/\S+ via proxy \S+: (.*)$/.exec(error.message) ?? [];
    assert.match(detail ?? error.message, problem);
    assert.match(error.hint ?? '', /proxy-url/);
    return true;
  };
}

describe('proxies', () => {
  it('tunnels through an HTTP CONNECT proxy from proxy-url', async () => {
    const server = await harness.serve(okHandler);
    const proxy = await proxyFor(() => startConnectProxy());
    const client = await harness.connect(trusted(server, { 'proxy-url': proxy.url }));
    assert.ok(await client.getRaw('/api'));
    assert.ok(await client.getRaw('/apis'));
    assert.deepEqual(proxy.targets, [`127.0.0.1:${server.port}`], 'one tunnel, kept alive for both requests');
    assert.equal(server.requests.length, 2);
  });

  it('tunnels through a SOCKS5 proxy', async () => {
    const server = await harness.serve(okHandler);
    const proxy = await proxyFor(() => startSocks5Proxy());
    const client = await harness.connect(trusted(server, { 'proxy-url': proxy.url }));
    assert.ok(await client.getRaw('/api'));
    assert.deepEqual(proxy.targets, [`127.0.0.1:${server.port}`]);
  });

  it('reports a proxy that refuses the tunnel', async () => {
    const server = await harness.serve(okHandler);
    const proxy = await proxyFor(() => startConnectProxy({ refuseWith: '407 Proxy Authentication Required' }));
    const client = await harness.connect(trusted(server, { 'proxy-url': proxy.url }));
    await assert.rejects(client.getRaw('/api'), isApiError(0, /proxy .* refused CONNECT 127\.0\.0\.1:\d+: 407 Proxy Authentication Required/));
    assert.equal(server.requests.length, 0);
  });

  it('uses HTTPS_PROXY from the environment unless NO_PROXY or loopback exempts the server', async () => {
    const server = await harness.serve(okHandler);
    const proxy = await proxyFor(() => startConnectProxy());
    // The server is on 127.0.0.1, which Go (and so we) never proxy; "localhost" would be the same.
    const client = await harness.connect(trusted(server), { token: 't' }, { env: { HTTPS_PROXY: proxy.url } });
    assert.ok(await client.getRaw('/api'));
    assert.deepEqual(proxy.targets, []);
  });

  for (const [label, start] of [
    ['a CONNECT', () => startConnectProxy()],
    ['a SOCKS5', () => startSocks5Proxy()],
  ] as const) {
    it(`reaches a plain http:// server through ${label} proxy`, async () => {
      const server = http.createServer((request, response) => sendJson(response, 200, { path: request.url }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      harness.defer(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      );
      const port = (server.address() as net.AddressInfo).port;
      const proxy = await proxyFor(start);
      const client = await harness.connect({ server: `http://127.0.0.1:${port}`, 'proxy-url': proxy.url });
      assert.deepEqual(await client.getRaw('/api'), { path: '/api' });
      assert.deepEqual(proxy.targets, [`127.0.0.1:${port}`]);
    });
  }

  it('sends the user and password of proxy-url as Basic Proxy-Authorization, and never shows the password', async () => {
    const server = await harness.serve(okHandler);
    const proxy = await proxyFor(() => startConnectProxy({ auth: { username: 'deploy', password: 'p@ss word' } }));
    const port = new URL(proxy.url).port;
    const client = await harness.connect(trusted(server, { 'proxy-url': `http://deploy:p%40ss%20word@127.0.0.1:${port}` }));
    assert.ok(await client.getRaw('/api'));
    assert.deepEqual(proxy.credentials, [`Basic ${Buffer.from('deploy:p@ss word').toString('base64')}`]);

    const wrong = await harness.connect(trusted(server, { 'proxy-url': `http://deploy:guessed-secret@127.0.0.1:${port}` }));
    await assert.rejects(wrong.getRaw('/api'), (error: unknown) => {
      unreachable(
        new RegExp(`^proxy http://deploy:\\*\\*\\*@127\\.0\\.0\\.1:${port} refused CONNECT 127\\.0\\.0\\.1:${server.port}: 407 Proxy Authentication Required$`),
      )(error);
      assert.doesNotMatch(`${(error as Error).message} ${(error as ClusterApiError).hint ?? ''}`, /guessed-secret/);
      return true;
    });
  });

  it('reports a proxy that is not listening, and one that hangs up on CONNECT', async () => {
    const server = await harness.serve(okHandler);
    const port = await closedPort();
    const absent = await harness.connect(trusted(server, { 'proxy-url': `http://127.0.0.1:${port}` }));
    await assert.rejects(absent.getRaw('/api'), unreachable(new RegExp(`^cannot connect to proxy http://127\\.0\\.0\\.1:${port}: ECONNREFUSED$`)));

    const rude = await proxyFor(() => startConnectProxy({ hangUp: true }));
    const client = await harness.connect(trusted(server, { 'proxy-url': rude.url }));
    await assert.rejects(
      client.getRaw('/api'),
      unreachable(/^proxy http:\/\/127\.0\.0\.1:\d+ closed the connection without answering CONNECT 127\.0\.0\.1:\d+$/),
    );
    assert.equal(server.requests.length, 0);
  });

  it('tunnels through an https:// proxy that the cluster CA signed, as kubectl does, and reports one it cannot trust', async () => {
    const server = await harness.serve(okHandler);
    const proxy = await proxyFor(() => startConnectProxy({ tls: { cert: tlsText('server.crt'), key: tlsText('server.key') } }));
    // "localhost" (in the proxy's certificate) rather than 127.0.0.1: TLS names are not IP addresses.
    const proxyUrl = proxy.url.replace('127.0.0.1', 'localhost');
    const client = await harness.connect(trusted(server, { 'proxy-url': proxyUrl }));
    assert.ok(await client.getRaw('/api'));
    assert.deepEqual(proxy.targets, [`127.0.0.1:${server.port}`]);

    const untrusting = await harness.connect({ server: server.url, 'certificate-authority': tlsFile('other-ca.crt'), 'proxy-url': proxyUrl });
    await assert.rejects(untrusting.getRaw('/api'), unreachable(/^cannot connect to proxy https:\/\/localhost:\d+: .*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/));
    assert.equal(proxy.targets.length, 1, 'no CONNECT over an untrusted connection');
  });

  for (const [label, start] of [
    ['CONNECT', () => startConnectProxy({ host: '::1' })],
    ['SOCKS5', () => startSocks5Proxy({ host: '::1' })],
  ] as const) {
    it(`tunnels to an IPv6 server through a ${label} proxy at an IPv6 address`, async (t) => {
      if (!(await canListen('::1'))) return t.skip('no IPv6 loopback on this machine');
      const server = await harness.serve(okHandler, { host: '::1' });
      const proxy = await proxyFor(start);
      assert.match(proxy.url, /\/\/\[::1\]:\d+$/);
      // The fixture certificate does not name ::1; verification is not what this test is about.
      const client = await harness.connect({ server: server.url, 'insecure-skip-tls-verify': true, 'proxy-url': proxy.url });
      assert.ok(await client.getRaw('/api'));
      assert.deepEqual(proxy.targets, [`[::1]:${server.port}`]);
    });
  }

  it('authenticates to a SOCKS5 proxy with the user and password of proxy-url', async () => {
    const server = await harness.serve(okHandler);
    const proxy = await proxyFor(() => startSocks5Proxy({ auth: { username: 'deploy', password: 's3cret' } }));
    const port = new URL(proxy.url).port;
    const client = await harness.connect(trusted(server, { 'proxy-url': `socks5://deploy:s3cret@127.0.0.1:${port}` }));
    assert.ok(await client.getRaw('/api'));
    assert.deepEqual(proxy.credentials, ['deploy:s3cret']);

    const wrong = await harness.connect(trusted(server, { 'proxy-url': `socks5://deploy:guessed-secret@127.0.0.1:${port}` }));
    await assert.rejects(wrong.getRaw('/api'), (error: unknown) => {
      unreachable(new RegExp(`^proxy socks5://deploy:\\*\\*\\*@127\\.0\\.0\\.1:${port} rejected the SOCKS5 username/password$`))(error);
      assert.doesNotMatch((error as Error).message, /guessed-secret/);
      return true;
    });
  });

  it('reports what a SOCKS5 proxy answered when it cannot reach the server, and a SOCKS5 proxy that is not listening', async () => {
    const server = await harness.serve(okHandler);
    const proxy = await proxyFor(() => startSocks5Proxy({ replyWith: 5 }));
    const client = await harness.connect(trusted(server, { 'proxy-url': proxy.url }));
    await assert.rejects(
      client.getRaw('/api'),
      unreachable(new RegExp(`^proxy socks5://127\\.0\\.0\\.1:\\d+ could not connect to 127\\.0\\.0\\.1:${server.port}: connection refused$`)),
    );

    const port = await closedPort();
    const absent = await harness.connect(trusted(server, { 'proxy-url': `socks5://127.0.0.1:${port}` }));
    await assert.rejects(absent.getRaw('/api'), unreachable(new RegExp(`^cannot connect to proxy socks5://127\\.0\\.0\\.1:${port}: ECONNREFUSED$`)));
  });

  for (const scheme of ['socks5', 'socks5h']) {
    it(`lets a ${scheme} proxy resolve the server's host name, as Go's SOCKS5 dialer does`, async () => {
      const server = await harness.serve(okHandler);
      const proxy = await proxyFor(() => startSocks5Proxy());
      const client = await harness.connect(
        trusted(server, { server: `https://localhost:${server.port}`, 'proxy-url': proxy.url.replace('socks5:', `${scheme}:`) }),
      );
      assert.ok(await client.getRaw('/api'));
      assert.deepEqual(proxy.targets, [`localhost:${server.port}`]);
    });
  }

  for (const [label, start] of [
    ['SOCKS5', () => startSocks5Proxy()],
    ['CONNECT', () => startConnectProxy()],
  ] as const) {
    it(`checks the server certificate against the server's own address through a ${label} tunnel`, async (t) => {
      if (!(await canListen('127.0.0.2'))) return t.skip('127.0.0.2 is not a local address on this machine');
      // The certificate names localhost and 127.0.0.1, not 127.0.0.2: it must be refused, whatever
      // name the tunnel passes on (socks-proxy-agent would check "localhost" and accept it).
      const server = await harness.serve(okHandler, { host: '127.0.0.2' });
      const proxy = await proxyFor(start);
      const client = await harness.connect(trusted(server, { 'proxy-url': proxy.url }));
      await assert.rejects(client.getRaw('/api'), (error: unknown) => isApiError(0, /x509: certificate is not valid for this host/)(error));
      assert.equal(server.requests.length, 0);
    });
  }
});

describe('NO_PROXY matching', () => {
  it('matches hosts, domain suffixes, IPs, CIDRs and ports like Go', () => {
    const url = (text: string) => new URL(text);
    assert.equal(shouldBypassProxy(url('https://api.example.com:6443'), 'example.com'), true, 'a bare domain covers subdomains');
    assert.equal(shouldBypassProxy(url('https://example.com'), 'example.com'), true);
    assert.equal(shouldBypassProxy(url('https://example.com'), '.example.com'), false, 'a leading dot means subdomains only');
    assert.equal(shouldBypassProxy(url('https://a.example.com'), '*.example.com'), true);
    assert.equal(shouldBypassProxy(url('https://notexample.com'), 'example.com'), false);
    assert.equal(shouldBypassProxy(url('https://10.1.2.3:6443'), 'foo.test, 10.0.0.0/8'), true);
    assert.equal(shouldBypassProxy(url('https://192.168.1.1'), '10.0.0.0/8'), false);
    assert.equal(shouldBypassProxy(url('https://192.168.1.1:6443'), '192.168.1.1:443'), false, 'port must match when given');
    assert.equal(shouldBypassProxy(url('https://192.168.1.1'), '192.168.1.1:443'), true);
    assert.equal(shouldBypassProxy(url('https://anything.test'), '*'), true);
    assert.equal(shouldBypassProxy(url('https://localhost:6443'), ''), true, 'loopback is never proxied');
    assert.equal(shouldBypassProxy(url('https://[::1]:6443'), ''), true);
    assert.equal(shouldBypassProxy(url('https://api.example.com'), ''), false);
  });
});

describe('proxy resolution', () => {
  const context = (extra: Partial<ContextInfo> = {}): ContextInfo => ({
    name: 'c',
    clusterName: 'c',
    userName: 'u',
    namespace: 'default',
    server: 'https://api.example.com:6443',
    insecureSkipTlsVerify: false,
    ...extra,
  });
  const https = new URL('https://api.example.com:6443');
  const http = new URL('http://api.example.com:8080');

  it('prefers proxy-url to the environment, and uses HTTPS_PROXY or HTTP_PROXY by the scheme of the server', () => {
    const env = { HTTPS_PROXY: 'http://secure-proxy:3128', HTTP_PROXY: 'http://plain-proxy:3128' };
    assert.equal(resolveProxy(context({ proxyUrl: 'socks5://kube-proxy:1080' }), env, https)?.href, 'socks5://kube-proxy:1080');
    assert.equal(resolveProxy(context(), env, https)?.href, 'http://secure-proxy:3128/');
    assert.equal(resolveProxy(context(), env, http)?.href, 'http://plain-proxy:3128/');
    assert.equal(
      resolveProxy(context(), { https_proxy: 'lower-case-proxy:8080' }, https)?.href,
      'http://lower-case-proxy:8080/',
      'lower case, and http:// assumed',
    );
    assert.equal(resolveProxy(context(), { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.example.com' }, https), undefined);
    assert.equal(resolveProxy(context(), {}, https), undefined);
  });

  it('rejects proxy URLs it cannot use with a ConfigError naming where they came from', () => {
    assert.throws(
      () => resolveProxy(context({ proxyUrl: 'ftp://p:21' }), {}, https),
      (e: unknown) => e instanceof ConfigError && /proxy-url of cluster "c" uses unsupported proxy scheme "ftp"/.test(e.message),
    );
    assert.throws(
      () => resolveProxy(context(), { HTTPS_PROXY: 'http://[bad' }, https),
      (e: unknown) => e instanceof ConfigError && /^HTTPS_PROXY "http:\/\/\[bad" is not a valid URL/.test(e.message),
    );
  });
});
