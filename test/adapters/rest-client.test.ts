// The REST client's verbs, paths, discovery and error mapping, and authentication end to end,
// against a local HTTPS fake API server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { isOutcomeUnknown } from '../../src/cluster/api-errors.js';
import { createClusterClient } from '../../src/cluster/rest-client.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import type { GroupVersionResource, KubeObject } from '../../src/core/types.js';
import { AlreadyExistsError, ClusterApiError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../../src/errors.js';
import { SILENT_LOGGER } from '../../src/log.js';
import { CREDENTIAL_PLUGIN, base64, closedPort, pluginRuns, sendJson, sendStatus, tlsFile, tlsText } from './helpers/fixtures.js';
import { CONFIGMAPS, isApiError, okHandler, trusted, useClientHarness } from './helpers/client.js';

const DEPLOYMENTS: GroupVersionResource = { group: 'apps', version: 'v1', resource: 'deployments' };
const KUBEFED_CLUSTERS: GroupVersionResource = { group: 'core.kubefed.io', version: 'v1beta1', resource: 'kubefedclusters' };
const NAMESPACES: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };

const harness = useClientHarness();

const configMap = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'testing', resourceVersion: '1' },
  ...extra,
});

describe('authentication', () => {
  it('sends the exec plugin token, runs the plugin once for many requests, and gives it KUBERNETES_EXEC_INFO', async () => {
    const server = await harness.serve(okHandler);
    const log = harness.dir.file('plugin.log');
    const client = await harness.connect(trusted(server), {
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
    assert.deepEqual(
      server.requests.map((r) => r.headers.authorization),
      Array(3).fill('Bearer exec-plugin-token'),
    );
    const runs = pluginRuns(log);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.execInfo?.spec.cluster?.server, server.url);
    assert.equal(runs[0]?.execInfo?.spec.cluster?.['certificate-authority-data'], base64(tlsText('ca.crt')));
    assert.equal(runs[0]?.execInfo?.spec.interactive, false);
  });

  it('re-runs the exec plugin once after a 401 and retries the request', async () => {
    const server = await harness.serve((request, response) =>
      request.headers.authorization === 'Bearer rotating-token-2'
        ? sendJson(response, 200, { ok: true })
        : sendStatus(response, 401, 'Unauthorized', 'Unauthorized'),
    );
    const log = harness.dir.file('plugin.log');
    const client = await harness.connect(trusted(server), {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: process.execPath,
        args: [CREDENTIAL_PLUGIN, '--mode', 'rotate'],
        env: [{ name: 'PLUGIN_LOG', value: log }],
      },
    });
    assert.deepEqual(await client.getRaw('/version'), { ok: true });
    assert.equal(pluginRuns(log).length, 2);
    assert.equal(client.requestCount, 2);
  });

  it('maps a 401 for a static token to UnauthorizedError naming the context, without retrying', async () => {
    const server = await harness.serve((_request, response) => sendStatus(response, 401, 'Unauthorized', 'Unauthorized'));
    const client = await harness.connect(trusted(server), { token: 'expired-token' });
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
    const server = await harness.serve((_request, response) => sendStatus(response, 401, 'Unauthorized', 'Unauthorized'));
    const file = harness.dir.write(
      'ghost.yaml',
      `apiVersion: v1\nclusters: [{name: c, cluster: {server: "${server.url}", certificate-authority: "${tlsFile('ca.crt')}"}}]\ncontexts: [{name: ghost, context: {cluster: c, user: ghost-user}}]\n`,
    );
    const client = await createClusterClient(loadKubeconfig({ explicitPath: file, env: {}, homeDir: harness.dir.path }), 'ghost', {
      logger: SILENT_LOGGER,
      env: {},
    });
    harness.defer(() => client.close?.());
    await assert.rejects(
      client.getRaw('/api'),
      (error: unknown) => error instanceof UnauthorizedError && /"ghost-user", which the kubeconfig does not define/.test(error.hint ?? ''),
    );
    assert.equal(server.requests[0]?.headers.authorization, undefined);
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
    harness.defer(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const client = await harness.connect({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, { token: 'proxy-token' });
    assert.deepEqual(await client.getRaw('/api'), { kind: 'APIVersions', versions: ['v1'] });
    assert.deepEqual(seen, ['GET /api Bearer proxy-token']);
  });

  it('builds core, group, namespaced and cluster-scoped URLs and maps get 404 to undefined', async () => {
    const server = await harness.serve((request, response) => {
      if (request.path.endsWith('/missing')) sendStatus(response, 404, 'NotFound', 'not found');
      else sendJson(response, 200, { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' } });
    });
    const client = await harness.connect(trusted(server));
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
    const server = await harness.serve((request, response) => {
      if (request.method === 'DELETE' && request.path.endsWith('/gone')) sendStatus(response, 404, 'NotFound', 'configmaps "gone" not found');
      else if (request.method === 'DELETE') sendJson(response, 200, { kind: 'Status', status: 'Success' });
      else sendJson(response, request.method === 'POST' ? 201 : 200, { ...JSON.parse(request.body || '{}'), stored: true });
    });
    const client = await harness.connect(trusted(server));
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
    const server = await harness.serve((request, response) => sendJson(response, 201, JSON.parse(request.body)));
    const client = await harness.connect(trusted(server));
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
    const server = await harness.serve((request, response) => {
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
    const client = await harness.connect(trusted(server));
    const result = await client.list(DEPLOYMENTS, { namespace: 'testing', labelSelector: 'app=web', limit: 2 });
    assert.deepEqual(
      result.items.map((i) => i.metadata.name),
      all,
    );
    assert.ok(result.items.every((i) => i.apiVersion === 'apps/v1' && i.kind === 'Deployment'));
    assert.equal(result.resourceVersion, '100');
    assert.equal(server.requests.length, 3);
    assert.deepEqual(
      server.requests.map((r) => r.query.get('continue')),
      [null, '2', '4'],
    );
    assert.ok(server.requests.every((r) => r.query.get('labelSelector') === 'app=web' && r.path === '/apis/apps/v1/namespaces/testing/deployments'));
  });

  it('lists from the watch cache when asked (resourceVersion=0 on the first page only), and consistently otherwise', async () => {
    const server = await harness.serve((request, response) => {
      const start = Number(request.query.get('continue') ?? '0');
      sendJson(response, 200, {
        apiVersion: 'v1',
        kind: 'ConfigMapList',
        metadata: { resourceVersion: '7', ...(start === 0 ? { continue: '1' } : {}) },
        items: [{ metadata: { name: `cm-${start}` } }],
      });
    });
    const client = await harness.connect(trusted(server));
    const configMaps = { group: '', version: 'v1', resource: 'configmaps' };
    await client.list(configMaps, { namespace: 'testing', fromCache: true });
    await client.list(configMaps, { namespace: 'testing' });
    assert.deepEqual(
      server.requests.map((r) => [r.query.get('continue'), r.query.get('resourceVersion')]),
      [
        [null, '0'],
        ['1', null],
        [null, null],
        ['1', null],
      ],
    );
  });

  it('discovers groups and resources, dropping subresources', async () => {
    const server = await harness.serve((request, response) => {
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
            {
              name: 'deployments',
              singularName: 'deployment',
              namespaced: true,
              kind: 'Deployment',
              verbs: ['get', 'list'],
              shortNames: ['deploy'],
              categories: ['all'],
            },
            { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get'] },
          ],
        });
      }
    });
    const client = await harness.connect(trusted(server));
    assert.deepEqual(await client.serverGroups(), [
      { name: '', preferredVersion: 'v1', versions: ['v1'] },
      { name: 'apps', preferredVersion: 'v1', versions: ['v1'] },
    ]);
    assert.deepEqual(await client.serverResources('apps', 'v1'), [
      {
        group: 'apps',
        version: 'v1',
        name: 'deployments',
        singularName: 'deployment',
        kind: 'Deployment',
        namespaced: true,
        shortNames: ['deploy'],
        verbs: ['get', 'list'],
        categories: ['all'],
      },
    ]);
    assert.equal(server.requests.at(-1)?.path, '/apis/apps/v1');
  });

  it('keeps the path prefix of the server URL and decodes gzip responses', async () => {
    const server = await harness.serve((request, response) => {
      const body = gzipSync(JSON.stringify({ path: request.path }));
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      response.end(body);
    });
    const client = await harness.connect(trusted(server, { server: `${server.url}/k8s/clusters/c-1/` }));
    assert.deepEqual(await client.getRaw('/version?timeout=5s'), { path: '/k8s/clusters/c-1/version' });
    assert.equal(server.requests[0]?.url, '/k8s/clusters/c-1/version?timeout=5s');
    assert.equal(server.requests[0]?.headers['accept-encoding'], 'gzip');
  });
});

describe('error mapping', () => {
  it('maps 404, 409 AlreadyExists, 409 Conflict, 403 and 500 to typed errors with the server message', async () => {
    const server = await harness.serve((request, response) => {
      const scenario = request.path.split('/').at(-1);
      if (scenario === 'notfound') sendStatus(response, 404, 'NotFound', 'namespaces "nope" not found');
      else if (scenario === 'exists') sendStatus(response, 409, 'AlreadyExists', 'configmaps "a" already exists');
      else if (scenario === 'conflict')
        sendStatus(response, 409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
      else if (scenario === 'forbidden') sendStatus(response, 403, 'Forbidden', 'configmaps is forbidden: User "bob" cannot create resource "configmaps"');
      else {
        response.writeHead(500, { 'Content-Type': 'text/plain' });
        response.end('etcd is on fire');
      }
    });
    const client = await harness.connect(trusted(server));
    await assert.rejects(
      client.update(CONFIGMAPS, configMap('notfound')),
      (e: unknown) => e instanceof NotFoundError && e.message === 'Error from server (NotFound): namespaces "nope" not found',
    );
    await assert.rejects(
      client.update(CONFIGMAPS, configMap('exists')),
      (e: unknown) => e instanceof AlreadyExistsError && e.status === 409 && /already exists/.test(e.message),
    );
    await assert.rejects(client.update(CONFIGMAPS, configMap('conflict')), (e: unknown) => e instanceof ConflictError && /has been modified/.test(e.message));
    await assert.rejects(
      client.update(CONFIGMAPS, configMap('forbidden')),
      (e: unknown) =>
        e instanceof ForbiddenError &&
        /cannot create resource/.test(e.message) &&
        e.details.verb === 'update' &&
        e.details.target === 'configmaps testing/forbidden',
    );
    await assert.rejects(
      client.update(CONFIGMAPS, configMap('boom')),
      (e: unknown) =>
        e instanceof ClusterApiError &&
        !(e instanceof NotFoundError) &&
        e.status === 500 &&
        e.details.reason === 'InternalError' &&
        /etcd is on fire/.test(e.message),
    );
  });

  it('reports connection refused with the context, the server and what to check', async () => {
    const port = await closedPort();
    const client = await harness.connect({ server: `https://127.0.0.1:${port}`, 'certificate-authority': tlsFile('ca.crt') });
    await assert.rejects(client.list(CONFIGMAPS), (error: unknown) => {
      assert.ok(error instanceof ClusterApiError);
      assert.equal(error.status, 0);
      assert.match(
        error.message,
        new RegExp(`^Unable to reach cluster "test": GET https://127\\.0\\.0\\.1:${port}/api/v1/configmaps\\?limit=500: connection refused$`),
      );
      assert.match(error.hint ?? '', /cluster is running/);
      return true;
    });
  });

  it('reports a 200 answer that is not JSON as a ClusterApiError, not a crash', async () => {
    const server = await harness.serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html>login portal</html>');
    });
    const client = await harness.connect(trusted(server));
    await assert.rejects(
      client.get(CONFIGMAPS, 'a', 'testing'),
      (e: unknown) =>
        e instanceof ClusterApiError &&
        e.details.reason === 'InvalidResponse' &&
        /not JSON \(text\/html\)/.test(e.message) &&
        /Kubernetes API server/.test(e.hint ?? ''),
    );
    assert.equal(await client.getRaw('/healthz'), '<html>login portal</html>', 'getRaw hands back non-JSON text as is');
  });

  it('gives up on a silent server after the request timeout', async () => {
    const server = await harness.serve(() => {
      /* never answers */
    });
    const client = await harness.connect(trusted(server), { token: 't' }, { requestTimeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(client.getRaw('/api'), isApiError(0, /no response within 200ms/));
    assert.ok(Date.now() - started < 2000);
  });
});

describe('a connection reset on a reused connection', () => {
  for (const http2 of [false, true]) {
    it(`sends a read again, but not a write, whose outcome is then unknown (${http2 ? 'HTTP/2' : 'HTTP/1.1'})`, async () => {
      let resetReads = 0;
      const server = await harness.serve(
        (request, response) => {
          // The server reads the request (and, for the DELETE, would have done it), then the connection dies.
          const firstRead = request.method === 'GET' && request.path.endsWith('/configmaps/flaky') && resetReads++ === 0;
          // Over HTTP/2 the connection is the session's (its socket refuses to be destroyed directly).
          if (firstRead || request.method === 'DELETE')
            ((response as { stream?: { session: { destroy(): void } } }).stream?.session ?? response.socket)?.destroy();
          else sendJson(response, 200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flaky', namespace: 'testing' } });
        },
        { http2 },
      );
      const client = await harness.connect(trusted(server));
      // A first request, so that the next ones go over a connection that was used before.
      await client.getRaw('/api');
      assert.equal((await client.get(CONFIGMAPS, 'flaky', 'testing'))?.metadata.name, 'flaky');
      assert.equal(server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/flaky')).length, 2, 'the read was sent again');
      await client.getRaw('/api');
      await assert.rejects(client.delete(CONFIGMAPS, 'flaky', 'testing'), (error: unknown) => isApiError(0)(error) && isOutcomeUnknown(error));
      assert.equal(server.requests.filter((r) => r.method === 'DELETE').length, 1, 'the write was sent once: the caller settles it');
    });
  }
});
