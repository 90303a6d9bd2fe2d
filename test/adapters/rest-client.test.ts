import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createClusterClient, shouldBypassProxy, type ClusterClientDeps } from '../../src/cluster/rest-client.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import type { ClusterClient } from '../../src/cluster/types.js';
import type { GroupVersionResource, KubeObject } from '../../src/core/types.js';
import {
  AlreadyExistsError,
  ClusterApiError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TimeoutError,
  UnauthorizedError,
} from '../../src/errors.js';
import { SILENT_LOGGER } from '../../src/log.js';
import {
  CREDENTIAL_PLUGIN,
  base64,
  capturingLogger,
  closedPort,
  makeTempDir,
  pluginRuns,
  sendJson,
  sendStatus,
  startFakeApiServer,
  tlsFile,
  tlsText,
  writeKubeconfig,
  type ClusterSpec,
  type FakeApiServer,
  type FakeHandler,
  type TempDir,
} from './helpers/fixtures.js';
import { startConnectProxy, startSocks5Proxy } from './helpers/proxies.js';

const CONFIGMAPS: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const SECRETS: GroupVersionResource = { group: '', version: 'v1', resource: 'secrets' };
const DEPLOYMENTS: GroupVersionResource = { group: 'apps', version: 'v1', resource: 'deployments' };
const KUBEFED_CLUSTERS: GroupVersionResource = { group: 'core.kubefed.io', version: 'v1beta1', resource: 'kubefedclusters' };
const NAMESPACES: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };

let dir: TempDir;
const cleanups: Array<() => unknown> = [];

beforeEach(() => {
  dir = makeTempDir();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  dir.remove();
});

async function serve(handler: FakeHandler, options: { cert?: 'server' | 'named-server' } = {}): Promise<FakeApiServer> {
  const server = await startFakeApiServer(handler, options);
  cleanups.push(() => server.close());
  return server;
}

async function connect(cluster: ClusterSpec, user: Record<string, unknown> = { token: 'test-token' }, deps: Partial<ClusterClientDeps> = {}): Promise<ClusterClient> {
  const file = writeKubeconfig(dir, cluster, user);
  const kubeconfig = loadKubeconfig({ explicitPath: file, env: {}, homeDir: dir.path });
  const client = await createClusterClient(kubeconfig, undefined, { logger: SILENT_LOGGER, env: {}, execCache: new Map(), pluginStderr: new PassThrough(), ...deps });
  cleanups.push(() => client.close?.());
  return client;
}

const trusted = (server: FakeApiServer, extra: Partial<ClusterSpec> = {}): ClusterSpec => ({ server: server.url, 'certificate-authority': tlsFile('ca.crt'), ...extra });

const configMap = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'testing', resourceVersion: '1' },
  ...extra,
});

const okHandler: FakeHandler = (request, response) => sendJson(response, 200, { kind: 'APIVersions', versions: ['v1'], seenPath: request.path });

function isApiError(status: number, pattern?: RegExp) {
  return (error: unknown) => error instanceof ClusterApiError && error.status === status && (pattern === undefined || pattern.test(error.message));
}

describe('TLS and authentication', () => {
  it('verifies the server against certificate-authority and presents the client certificate', async () => {
    const server = await serve(okHandler);
    const client = await connect(trusted(server), { 'client-certificate': tlsFile('client.crt'), 'client-key': tlsFile('client.key') });
    assert.deepEqual(await client.getRaw('/api'), { kind: 'APIVersions', versions: ['v1'], seenPath: '/api' });
    assert.equal(server.requests[0]?.clientCertCN, 'fixture-admin');
    assert.equal(server.requests[0]?.headers.authorization, undefined);
  });

  it('trusts inline certificate-authority-data and sends the bearer token', async () => {
    const server = await serve(okHandler);
    const client = await connect({ server: server.url, 'certificate-authority-data': base64(tlsText('ca.crt')) }, { token: 'inline-ca-token' });
    await client.getRaw('/api');
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer inline-ca-token');
    assert.equal(server.requests[0]?.headers.accept, 'application/json');
    assert.match(String(server.requests[0]?.headers['user-agent']), /^kubefedctl/);
  });

  it('fails against an unknown CA with a message naming context and server and a hint about the CA', async () => {
    const server = await serve(okHandler);
    const client = await connect({ server: server.url, 'certificate-authority': tlsFile('other-ca.crt') });
    await assert.rejects(client.getRaw('/api'), (error: unknown) => {
      assert.ok(error instanceof ClusterApiError);
      assert.equal(error.status, 0);
      assert.match(error.message, /^Unable to reach cluster "test": GET https:\/\/127\.0\.0\.1:\d+\/api: x509: certificate signed by unknown authority/);
      assert.match(error.hint ?? '', /certificate-authority/);
      assert.match(error.hint ?? '', /insecure-skip-tls-verify/);
      return true;
    });
    assert.equal(server.requests.length, 0);
  });

  it('connects without verification when insecure-skip-tls-verify is set', async () => {
    const server = await serve(okHandler);
    const client = await connect({ server: server.url, 'insecure-skip-tls-verify': true });
    assert.ok(await client.getRaw('/api'));
  });

  it('verifies against tls-server-name when the server address is not in the certificate', async () => {
    const server = await serve(okHandler, { cert: 'named-server' });
    const withoutName = await connect(trusted(server));
    await assert.rejects(withoutName.getRaw('/api'), (error: unknown) => isApiError(0, /not valid for this host/)(error) && /tls-server-name/.test((error as ClusterApiError).hint ?? ''));
    const withName = await connect(trusted(server, { 'tls-server-name': 'apiserver.fixture.test' }));
    assert.ok(await withName.getRaw('/api'));
  });

  it('sends the exec plugin token, runs the plugin once for many requests, and gives it KUBERNETES_EXEC_INFO', async () => {
    const server = await serve(okHandler);
    const log = dir.file('plugin.log');
    const client = await connect(trusted(server), {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: process.execPath,
        args: [CREDENTIAL_PLUGIN, '--mode', 'token'],
        env: [{ name: 'PLUGIN_LOG', value: log }],
        interactiveMode: 'Never',
        provideClusterInfo: true,
      },
    });
    await client.getRaw('/api');
    await Promise.all([client.getRaw('/api'), client.getRaw('/apis')]);
    assert.deepEqual(server.requests.map((r) => r.headers.authorization), Array(3).fill('Bearer exec-plugin-token'));
    const runs = pluginRuns(log);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.execInfo?.spec.cluster?.server, server.url);
    assert.equal(runs[0]?.execInfo?.spec.cluster?.['certificate-authority-data'], base64(tlsText('ca.crt')));
    assert.equal(runs[0]?.execInfo?.spec.interactive, false);
  });

  it('re-runs the exec plugin once after a 401 and retries the request', async () => {
    const server = await serve((request, response) =>
      request.headers.authorization === 'Bearer rotating-token-2' ? sendJson(response, 200, { ok: true }) : sendStatus(response, 401, 'Unauthorized', 'Unauthorized'),
    );
    const log = dir.file('plugin.log');
    const client = await connect(trusted(server), {
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [CREDENTIAL_PLUGIN, '--mode', 'rotate'], env: [{ name: 'PLUGIN_LOG', value: log }] },
    });
    assert.deepEqual(await client.getRaw('/version'), { ok: true });
    assert.equal(pluginRuns(log).length, 2);
    assert.equal(client.requestCount, 2);
  });

  it('maps a 401 for a static token to UnauthorizedError naming the context, without retrying', async () => {
    const server = await serve((_request, response) => sendStatus(response, 401, 'Unauthorized', 'Unauthorized'));
    const client = await connect(trusted(server), { token: 'expired-token' });
    await assert.rejects(client.get(CONFIGMAPS, 'x', 'testing'), (error: unknown) => {
      assert.ok(error instanceof UnauthorizedError);
      assert.equal(error.status, 401);
      assert.match(error.message, /context "test" rejected the credentials of user "test-user"/);
      assert.doesNotMatch(error.message, /expired-token/);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it('hints that the user is missing from the kubeconfig on a 401 of an anonymous request', async () => {
    const server = await serve((_request, response) => sendStatus(response, 401, 'Unauthorized', 'Unauthorized'));
    const file = dir.write(
      'ghost.yaml',
      `apiVersion: v1\nclusters: [{name: c, cluster: {server: "${server.url}", certificate-authority: "${tlsFile('ca.crt')}"}}]\ncontexts: [{name: ghost, context: {cluster: c, user: ghost-user}}]\n`,
    );
    const client = await createClusterClient(loadKubeconfig({ explicitPath: file, env: {}, homeDir: dir.path }), 'ghost', { logger: SILENT_LOGGER, env: {} });
    cleanups.push(() => client.close?.());
    await assert.rejects(client.getRaw('/api'), (error: unknown) => error instanceof UnauthorizedError && /"ghost-user", which the kubeconfig does not define/.test(error.hint ?? ''));
    assert.equal(server.requests[0]?.headers.authorization, undefined);
  });
});

describe('proxies', () => {
  it('tunnels through an HTTP CONNECT proxy from proxy-url', async () => {
    const server = await serve(okHandler);
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const client = await connect(trusted(server, { 'proxy-url': proxy.url }));
    assert.ok(await client.getRaw('/api'));
    assert.ok(await client.getRaw('/apis'));
    assert.deepEqual(proxy.targets, [`127.0.0.1:${server.port}`], 'one tunnel, kept alive for both requests');
    assert.equal(server.requests.length, 2);
  });

  it('tunnels through a SOCKS5 proxy', async () => {
    const server = await serve(okHandler);
    const proxy = await startSocks5Proxy();
    cleanups.push(() => proxy.close());
    const client = await connect(trusted(server, { 'proxy-url': proxy.url }));
    assert.ok(await client.getRaw('/api'));
    assert.deepEqual(proxy.targets, [`127.0.0.1:${server.port}`]);
  });

  it('reports a proxy that refuses the tunnel', async () => {
    const server = await serve(okHandler);
    const proxy = await startConnectProxy({ refuseWith: '407 Proxy Authentication Required' });
    cleanups.push(() => proxy.close());
    const client = await connect(trusted(server, { 'proxy-url': proxy.url }));
    await assert.rejects(client.getRaw('/api'), isApiError(0, /proxy .* refused CONNECT 127\.0\.0\.1:\d+: 407 Proxy Authentication Required/));
    assert.equal(server.requests.length, 0);
  });

  it('uses HTTPS_PROXY from the environment unless NO_PROXY or loopback exempts the server', async () => {
    const server = await serve(okHandler);
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    // The server is on 127.0.0.1, which Go (and so we) never proxy; "localhost" would be the same.
    const client = await connect(trusted(server), { token: 't' }, { env: { HTTPS_PROXY: proxy.url } });
    assert.ok(await client.getRaw('/api'));
    assert.deepEqual(proxy.targets, []);
  });
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

describe('requests', () => {
  it('talks plain HTTP to an http:// server (kubectl proxy style)', async () => {
    const seen: string[] = [];
    const server = http.createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? '-'}`);
      sendJson(response, 200, { kind: 'APIVersions', versions: ['v1'] });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    const client = await connect({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, { token: 'proxy-token' });
    assert.deepEqual(await client.getRaw('/api'), { kind: 'APIVersions', versions: ['v1'] });
    assert.deepEqual(seen, ['GET /api Bearer proxy-token']);
  });


  it('builds core, group, namespaced and cluster-scoped URLs and maps get 404 to undefined', async () => {
    const server = await serve((request, response) => {
      if (request.path.endsWith('/missing')) sendStatus(response, 404, 'NotFound', 'not found');
      else sendJson(response, 200, { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' } });
    });
    const client = await connect(trusted(server));
    assert.equal(await client.get(CONFIGMAPS, 'missing', 'testing'), undefined);
    assert.equal((await client.get(DEPLOYMENTS, 'web', 'testing'))?.kind, 'Thing');
    await client.get(NAMESPACES, 'kube-system');
    await client.get(KUBEFED_CLUSTERS, 'c:1/x', 'kube-federation-system');
    assert.deepEqual(
      server.requests.map((r) => r.url),
      [
        '/api/v1/namespaces/testing/configmaps/missing',
        '/apis/apps/v1/namespaces/testing/deployments/web',
        '/api/v1/namespaces/kube-system',
        '/apis/core.kubefed.io/v1beta1/namespaces/kube-federation-system/kubefedclusters/c%3A1%2Fx',
      ],
    );
  });

  it('creates, updates, patches and deletes with the right verbs, content types, dryRun and DeleteOptions', async () => {
    const server = await serve((request, response) => {
      if (request.method === 'DELETE' && request.path.endsWith('/gone')) sendStatus(response, 404, 'NotFound', 'configmaps "gone" not found');
      else if (request.method === 'DELETE') sendJson(response, 200, { kind: 'Status', status: 'Success' });
      else sendJson(response, request.method === 'POST' ? 201 : 200, { ...JSON.parse(request.body || '{}'), stored: true });
    });
    const client = await connect(trusted(server));
    const created = await client.create(CONFIGMAPS, configMap('a', { data: { k: 'v' } }), { serverDryRun: true });
    assert.equal(created.stored, true);
    await client.update(CONFIGMAPS, configMap('a'));
    await client.patch(CONFIGMAPS, 'a', 'testing', { data: { k: 'w' } }, 'merge');
    await client.patch(CONFIGMAPS, 'a', 'testing', [{ op: 'replace', path: '/data/k', value: 'x' }], 'json');
    await client.patch(DEPLOYMENTS, 'web', 'testing', { spec: { replicas: 2 } }, 'strategic');
    assert.equal(await client.delete(CONFIGMAPS, 'a', 'testing', { propagationPolicy: 'Foreground' }), true);
    assert.equal(await client.delete(CONFIGMAPS, 'gone', 'testing'), false);

    const [create, update, merge, json, strategic, remove] = server.requests;
    assert.equal(create?.method, 'POST');
    assert.equal(create?.url, '/api/v1/namespaces/testing/configmaps?dryRun=All');
    assert.deepEqual(JSON.parse(create?.body ?? ''), configMap('a', { data: { k: 'v' } }));
    assert.equal(create?.headers['content-type'], 'application/json');
    assert.equal(update?.method, 'PUT');
    assert.equal(update?.url, '/api/v1/namespaces/testing/configmaps/a');
    assert.equal(merge?.headers['content-type'], 'application/merge-patch+json');
    assert.equal(json?.headers['content-type'], 'application/json-patch+json');
    assert.equal(strategic?.headers['content-type'], 'application/strategic-merge-patch+json');
    assert.equal(strategic?.url, '/apis/apps/v1/namespaces/testing/deployments/web');
    assert.equal(remove?.method, 'DELETE');
    assert.deepEqual(JSON.parse(remove?.body ?? ''), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
    assert.equal(client.requestCount, 7);
  });

  it('keeps unknown fields of built-in kinds intact on the wire', async () => {
    const server = await serve((request, response) => sendJson(response, 201, JSON.parse(request.body)));
    const client = await connect(trusted(server));
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'foos.example.com' },
      spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    };
    await client.create({ group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' }, crd);
    assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), crd);
    assert.equal(server.requests[0]?.url, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  });

  it('follows pagination, passes selectors, and fills in apiVersion and kind of items', async () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    const server = await serve((request, response) => {
      const start = Number(request.query.get('continue') ?? '0');
      const limit = Number(request.query.get('limit'));
      const next = start + limit < all.length ? String(start + limit) : undefined;
      sendJson(response, 200, {
        apiVersion: 'apps/v1',
        kind: 'DeploymentList',
        metadata: { resourceVersion: start === 0 ? '100' : '999', ...(next ? { continue: next } : {}) },
        items: all.slice(start, start + limit).map((name) => ({ metadata: { name } })),
      });
    });
    const client = await connect(trusted(server));
    const result = await client.list(DEPLOYMENTS, { namespace: 'testing', labelSelector: 'app=web', limit: 2 });
    assert.deepEqual(result.items.map((i) => i.metadata.name), all);
    assert.ok(result.items.every((i) => i.apiVersion === 'apps/v1' && i.kind === 'Deployment'));
    assert.equal(result.resourceVersion, '100');
    assert.equal(server.requests.length, 3);
    assert.deepEqual(server.requests.map((r) => r.query.get('continue')), [null, '2', '4']);
    assert.ok(server.requests.every((r) => r.query.get('labelSelector') === 'app=web' && r.path === '/apis/apps/v1/namespaces/testing/deployments'));
  });

  it('discovers groups and resources, dropping subresources', async () => {
    const server = await serve((request, response) => {
      if (request.path === '/api') sendJson(response, 200, { kind: 'APIVersions', versions: ['v1'] });
      else if (request.path === '/apis') {
        sendJson(response, 200, {
          kind: 'APIGroupList',
          groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
        });
      } else {
        sendJson(response, 200, {
          kind: 'APIResourceList',
          groupVersion: 'apps/v1',
          resources: [
            { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'list'], shortNames: ['deploy'], categories: ['all'] },
            { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get'] },
          ],
        });
      }
    });
    const client = await connect(trusted(server));
    assert.deepEqual(await client.serverGroups(), [
      { name: '', preferredVersion: 'v1', versions: ['v1'] },
      { name: 'apps', preferredVersion: 'v1', versions: ['v1'] },
    ]);
    assert.deepEqual(await client.serverResources('apps', 'v1'), [
      { group: 'apps', version: 'v1', name: 'deployments', singularName: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], verbs: ['get', 'list'], categories: ['all'] },
    ]);
    assert.equal(server.requests.at(-1)?.path, '/apis/apps/v1');
  });

  it('keeps the path prefix of the server URL and decodes gzip responses', async () => {
    const server = await serve((request, response) => {
      const body = gzipSync(JSON.stringify({ path: request.path }));
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      response.end(body);
    });
    const client = await connect(trusted(server, { server: `${server.url}/k8s/clusters/c-1/` }));
    assert.deepEqual(await client.getRaw('/version?timeout=5s'), { path: '/k8s/clusters/c-1/version' });
    assert.equal(server.requests[0]?.url, '/k8s/clusters/c-1/version?timeout=5s');
    assert.equal(server.requests[0]?.headers['accept-encoding'], 'gzip');
  });
});

describe('error mapping', () => {
  it('maps 404, 409 AlreadyExists, 409 Conflict, 403 and 500 to typed errors with the server message', async () => {
    const server = await serve((request, response) => {
      const scenario = request.path.split('/').at(-1);
      if (scenario === 'notfound') sendStatus(response, 404, 'NotFound', 'namespaces "nope" not found');
      else if (scenario === 'exists') sendStatus(response, 409, 'AlreadyExists', 'configmaps "a" already exists');
      else if (scenario === 'conflict') sendStatus(response, 409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
      else if (scenario === 'forbidden') sendStatus(response, 403, 'Forbidden', 'configmaps is forbidden: User "bob" cannot create resource "configmaps"');
      else {
        response.writeHead(500, { 'Content-Type': 'text/plain' });
        response.end('etcd is on fire');
      }
    });
    const client = await connect(trusted(server));
    await assert.rejects(client.update(CONFIGMAPS, configMap('notfound')), (e: unknown) => e instanceof NotFoundError && e.message === 'Error from server (NotFound): namespaces "nope" not found');
    await assert.rejects(client.update(CONFIGMAPS, configMap('exists')), (e: unknown) => e instanceof AlreadyExistsError && e.status === 409 && /already exists/.test(e.message));
    await assert.rejects(client.update(CONFIGMAPS, configMap('conflict')), (e: unknown) => e instanceof ConflictError && /has been modified/.test(e.message));
    await assert.rejects(
      client.update(CONFIGMAPS, configMap('forbidden')),
      (e: unknown) => e instanceof ForbiddenError && /cannot create resource/.test(e.message) && e.details.verb === 'update' && e.details.target === 'configmaps testing/forbidden',
    );
    await assert.rejects(
      client.update(CONFIGMAPS, configMap('boom')),
      (e: unknown) => e instanceof ClusterApiError && !(e instanceof NotFoundError) && e.status === 500 && e.details.reason === 'InternalError' && /etcd is on fire/.test(e.message),
    );
  });

  it('reports connection refused with the context, the server and what to check', async () => {
    const port = await closedPort();
    const client = await connect({ server: `https://127.0.0.1:${port}`, 'certificate-authority': tlsFile('ca.crt') });
    await assert.rejects(client.list(CONFIGMAPS), (error: unknown) => {
      assert.ok(error instanceof ClusterApiError);
      assert.equal(error.status, 0);
      assert.match(error.message, new RegExp(`^Unable to reach cluster "test": GET https://127\\.0\\.0\\.1:${port}/api/v1/configmaps\\?limit=500: connection refused$`));
      assert.match(error.hint ?? '', /cluster is running/);
      return true;
    });
  });

  it('reports a 200 answer that is not JSON as a ClusterApiError, not a crash', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html>login portal</html>');
    });
    const client = await connect(trusted(server));
    await assert.rejects(
      client.get(CONFIGMAPS, 'a', 'testing'),
      (e: unknown) => e instanceof ClusterApiError && e.details.reason === 'InvalidResponse' && /not JSON \(text\/html\)/.test(e.message) && /Kubernetes API server/.test(e.hint ?? ''),
    );
    assert.equal(await client.getRaw('/healthz'), '<html>login portal</html>', 'getRaw hands back non-JSON text as is');
  });

  it('gives up on a silent server after the request timeout', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const client = await connect(trusted(server), { token: 't' }, { requestTimeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(client.getRaw('/api'), isApiError(0, /no response within 200ms/));
    assert.ok(Date.now() - started < 2000);
  });
});

describe('watchUntil', () => {
  function watchServer(onWatch: (attempt: number, response: ServerResponse, resourceVersion: string | null) => void): Promise<FakeApiServer> {
    let attempts = 0;
    return serve((request, response) => {
      if (request.query.get('watch') === '1') {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        onWatch(++attempts, response, request.query.get('resourceVersion'));
      } else {
        sendJson(response, 200, { apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: '10' }, items: [{ metadata: { name: 'token', resourceVersion: '10' }, data: {} }] });
      }
    });
  }
  const event = (type: string, resourceVersion: string, data: Record<string, string> = {}) =>
    `${JSON.stringify({ type, object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', resourceVersion }, data } })}\n`;

  it('feeds the list as ADDED, re-establishes a closed watch from the last resourceVersion, and resolves on MODIFIED', async () => {
    const server = await watchServer((attempt, response) => {
      if (attempt === 1) {
        response.write(`${JSON.stringify({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Secret', metadata: { resourceVersion: '15' } } })}\n`);
        response.end(event('MODIFIED', '20'));
      } else {
        // Split across writes, to exercise line buffering.
        const line = event('MODIFIED', '30', { token: base64('sa-token') });
        response.write(line.slice(0, 25));
        setTimeout(() => response.write(line.slice(25)), 20);
      }
    });
    const client = await connect(trusted(server));
    const seen: string[] = [];
    const token = await client.watchUntil(SECRETS, { namespace: 'testing', timeoutMs: 5000, description: 'the token secret' }, (e) => {
      seen.push(`${e.type}:${e.object.metadata.resourceVersion ?? ''}`);
      const data = e.object.data as Record<string, string> | undefined;
      return data?.token;
    });
    assert.equal(token, base64('sa-token'));
    assert.deepEqual(seen, ['ADDED:10', 'BOOKMARK:15', 'MODIFIED:20', 'MODIFIED:30']);
    const watches = server.requests.filter((r) => r.query.get('watch') === '1');
    assert.deepEqual(watches.map((r) => r.query.get('resourceVersion')), ['10', '20']);
    assert.ok(watches.every((r) => r.query.get('allowWatchBookmarks') === 'true' && r.path === '/api/v1/namespaces/testing/secrets'));
  });

  it('resolves from the initial list without watching when the condition already holds', async () => {
    const server = await watchServer(() => assert.fail('no watch expected'));
    const client = await connect(trusted(server));
    assert.equal(await client.watchUntil(SECRETS, { timeoutMs: 1000, description: 'x' }, (e) => (e.type === 'ADDED' ? e.object.metadata.name : undefined)), 'token');
    assert.equal(server.requests.length, 1);
  });

  it('rejects with TimeoutError after timeoutMs and closes the watch connection', async () => {
    const server = await watchServer((_attempt, response) => response.write(event('MODIFIED', '11')));
    const client = await connect(trusted(server));
    const started = Date.now();
    await assert.rejects(
      client.watchUntil(SECRETS, { namespace: 'testing', timeoutMs: 300, description: 'the service account token' }, () => undefined),
      (error: unknown) => error instanceof TimeoutError && error.message === 'timed out after 300ms waiting for the service account token',
    );
    assert.ok(Date.now() - started < 2000);
    await waitFor(() => server.closedConnections() >= 2);
    assert.equal(server.closedConnections(), 2, 'list and watch responses are both finished');
  });

  it('re-lists when the watch resourceVersion is too old', async () => {
    const server = await watchServer((attempt, response) => {
      if (attempt === 1) response.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } })}\n`);
      else response.write(event('MODIFIED', '40', { token: 'dG9r' }));
    });
    const client = await connect(trusted(server));
    const result = await client.watchUntil(SECRETS, { timeoutMs: 5000, description: 'x' }, (e) => (e.type === 'MODIFIED' ? e.object.metadata.resourceVersion : undefined));
    assert.equal(result, '40');
    assert.deepEqual(server.requests.map((r) => (r.query.get('watch') ? 'watch' : 'list')), ['list', 'watch', 'list', 'watch']);
  });
});

describe('logging', () => {
  it('logs requests like kubectl at -v=6 and never shows tokens or secret data at -v=8', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'testing' }, data: { token: base64('secret-value-xyz') } };
    const server = await serve((request, response) => {
      if (request.method === 'POST') sendJson(response, 201, JSON.parse(request.body));
      else if (request.path.endsWith('/secrets')) sendJson(response, 200, { apiVersion: 'v1', kind: 'SecretList', metadata: {}, items: [{ metadata: { name: 's' }, data: secret.data }] });
      else sendJson(response, 200, { kind: 'TokenRequest', status: { token: 'issued-token-abc' } });
    });
    const logger = capturingLogger(8);
    const log = dir.file('plugin.log');
    const client = await connect(
      trusted(server),
      {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: process.execPath,
          args: [CREDENTIAL_PLUGIN, '--mode', 'token'],
          env: [
            { name: 'PLUGIN_LOG', value: log },
            { name: 'PLUGIN_TOKEN', value: 'plugin-token-very-secret' },
          ],
        },
      },
      { logger },
    );
    await client.create(SECRETS, secret);
    await client.list(SECRETS, { namespace: 'testing' });
    await client.getRaw('/api/v1/namespaces/testing/serviceaccounts/sa/token');
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer plugin-token-very-secret');

    const text = logger.text();
    assert.match(text, new RegExp(`POST ${server.url}/api/v1/namespaces/testing/secrets 201 Created in \\d+ milliseconds`));
    assert.match(text, new RegExp(`GET ${server.url}/api/v1/namespaces/testing/secrets\\?limit=500 200 OK in \\d+ milliseconds`));
    assert.match(text, /Authorization: REDACTED/);
    assert.match(text, /Request Body: /);
    assert.match(text, /Response Body: /);
    for (const leaked of ['plugin-token-very-secret', base64('secret-value-xyz'), 'issued-token-abc']) {
      assert.ok(!text.includes(leaked), `log must not contain ${leaked}`);
    }
  });

  it('logs nothing below -v=6', async () => {
    const server = await serve(okHandler);
    const logger = capturingLogger(5);
    const client = await connect(trusted(server), { token: 't' }, { logger });
    await client.getRaw('/api');
    assert.deepEqual(logger.lines, []);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
