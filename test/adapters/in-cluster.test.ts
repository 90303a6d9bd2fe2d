// In-cluster configuration: with no kubeconfig, a pod's service account (token, CA, namespace) is
// used the way client-go uses it, and a rotated token is picked up by the next request.

import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { IN_CLUSTER_CONTEXT } from '../../src/cluster/in-cluster.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import { createClusterClient } from '../../src/cluster/rest-client.js';
import { ConfigError } from '../../src/errors.js';
import { SILENT_LOGGER } from '../../src/log.js';
import { makeTempDir, sendJson, startFakeApiServer, tlsText, writeKubeconfig, type FakeApiServer, type TempDir } from './helpers/fixtures.js';

let dir: TempDir;
let saDir: string;
let generation = 0;

beforeEach(() => {
  dir = makeTempDir();
  saDir = dir.file('serviceaccount');
  mkdirSync(saDir);
  generation = 0;
});
afterEach(() => dir.remove());

/**
 * Lays out the service-account volume as the kubelet's atomic writer does: the files are symlinks
 * through `..data`, which is swapped to a new timestamped directory on every update.
 */
function writeServiceAccount(files: { token: string; 'ca.crt'?: string; namespace?: string }): void {
  generation += 1;
  const versioned = `..2026_12_01_00_00_0${generation}.000000000`;
  mkdirSync(path.join(saDir, versioned));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(saDir, versioned, name), content);
  symlinkSync(versioned, path.join(saDir, '..data_tmp'));
  renameSync(path.join(saDir, '..data_tmp'), path.join(saDir, '..data'));
  for (const name of Object.keys(files)) {
    try {
      symlinkSync(path.join('..data', name), path.join(saDir, name));
    } catch {
      // Already linked by an earlier generation.
    }
  }
}

function podEnv(server: { host: string; port: number | string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { KUBERNETES_SERVICE_HOST: server.host, KUBERNETES_SERVICE_PORT: String(server.port), ...extra };
}

/** No --kubeconfig, no KUBECONFIG and a home directory without .kube/config. */
function loadInPod(env: NodeJS.ProcessEnv, extra: { explicitPath?: string } = {}) {
  return loadKubeconfig({ env, homeDir: dir.path, serviceAccountDir: saDir, ...extra });
}

describe('in-cluster configuration', () => {
  it('uses the service account when no kubeconfig exists, and re-reads the token as it rotates', async (t) => {
    const server: FakeApiServer = await startFakeApiServer((_request, response) => sendJson(response, 200, { kind: 'APIVersions', versions: ['v1'] }));
    t.after(() => server.close());
    writeServiceAccount({ token: 'first-token\n', 'ca.crt': tlsText('ca.crt'), namespace: 'kube-federation-system\n' });

    const kubeconfig = loadInPod(podEnv({ host: '127.0.0.1', port: server.port }));
    const context = kubeconfig.context();
    assert.equal(context.name, IN_CLUSTER_CONTEXT);
    assert.equal(kubeconfig.currentContext, IN_CLUSTER_CONTEXT);
    assert.equal(context.server, `https://127.0.0.1:${server.port}`);
    assert.equal(context.namespace, 'kube-federation-system');
    assert.equal(context.caFile, path.join(saDir, 'ca.crt'));
    assert.deepEqual(kubeconfig.files, []);

    const client = await createClusterClient(kubeconfig, undefined, { logger: SILENT_LOGGER, env: {}, execCache: new Map(), pluginStderr: new PassThrough() });
    t.after(() => client.close?.());
    await client.getRaw('/api');
    writeServiceAccount({ token: 'second-token', 'ca.crt': tlsText('ca.crt'), namespace: 'kube-federation-system' });
    await client.getRaw('/api');
    assert.deepEqual(
      server.requests.map((r) => r.headers.authorization),
      ['Bearer first-token', 'Bearer second-token'],
    );
  });

  it('trusts ca.crt only: a server whose certificate another CA signed is refused', async (t) => {
    const server = await startFakeApiServer((_request, response) => sendJson(response, 200, {}));
    t.after(() => server.close());
    writeServiceAccount({ token: 't', 'ca.crt': tlsText('other-ca.crt') });
    const client = await createClusterClient(loadInPod(podEnv({ host: '127.0.0.1', port: server.port })), undefined, {
      logger: SILENT_LOGGER,
      env: {},
      execCache: new Map(),
    });
    t.after(() => client.close?.());
    await assert.rejects(client.getRaw('/api'), /certificate|unknown authority|verify/i);
    assert.equal(server.requests.length, 0);
  });

  it('takes the namespace from POD_NAMESPACE, then the namespace file, then "default"', () => {
    writeServiceAccount({ token: 't', namespace: 'from-file' });
    const env = podEnv({ host: '10.0.0.1', port: 443 });
    assert.equal(loadInPod({ ...env, POD_NAMESPACE: 'from-env' }).context().namespace, 'from-env');
    assert.equal(loadInPod(env).context().namespace, 'from-file');
    writeServiceAccount({ token: 't', namespace: '  \n' });
    assert.equal(loadInPod(env).context().namespace, 'default');
  });

  it('puts an IPv6 service host in brackets and always speaks https', () => {
    writeServiceAccount({ token: 't' });
    assert.equal(loadInPod(podEnv({ host: 'fd00:10:96::1', port: 443 })).context().server, 'https://[fd00:10:96::1]:443');
    // client-node switches to http for ports 80, 8080 and 8001; client-go does not.
    assert.equal(loadInPod(podEnv({ host: '10.96.0.1', port: 8080 })).context().server, 'https://10.96.0.1:8080');
  });

  it('uses the system roots when ca.crt is missing or holds no certificate', () => {
    writeServiceAccount({ token: 't' });
    assert.equal(loadInPod(podEnv({ host: '10.0.0.1', port: 443 })).context().caFile, undefined);
    writeServiceAccount({ token: 't', 'ca.crt': 'not a certificate' });
    assert.equal(loadInPod(podEnv({ host: '10.0.0.1', port: 443 })).context().caFile, undefined);
  });

  it('reads the token from the token file as a tokenFile user', () => {
    writeServiceAccount({ token: 't' });
    const user = loadInPod(podEnv({ host: '10.0.0.1', port: 443 })).user?.();
    assert.deepEqual(user, { name: IN_CLUSTER_CONTEXT, tokenFile: path.join(saDir, 'token') });
  });

  it('has one context: naming another fails with a hint about in-cluster configuration', () => {
    writeServiceAccount({ token: 't' });
    const kubeconfig = loadInPod(podEnv({ host: '10.0.0.1', port: 443 }));
    assert.deepEqual(kubeconfig.contextNames, [IN_CLUSTER_CONTEXT]);
    assert.equal(kubeconfig.context(IN_CLUSTER_CONTEXT).name, IN_CLUSTER_CONTEXT);
    assert.throws(
      () => kubeconfig.context('cluster1'),
      (error: unknown) => error instanceof ConfigError && error.code === 'CONTEXT_NOT_FOUND' && /in-cluster configuration/.test(error.hint ?? ''),
    );
  });

  it('prefers a kubeconfig that exists, even in a pod', () => {
    writeServiceAccount({ token: 't' });
    mkdirSync(dir.file('.kube'));
    writeKubeconfig(dir, { server: 'https://from-kubeconfig.example:6443' }, { token: 'x' }, '.kube/config');
    const kubeconfig = loadInPod(podEnv({ host: '10.0.0.1', port: 443 }));
    assert.equal(kubeconfig.context().server, 'https://from-kubeconfig.example:6443');
  });

  it('falls back when KUBECONFIG names only missing or empty files', () => {
    writeServiceAccount({ token: 't' });
    const empty = dir.write('empty.yaml', 'apiVersion: v1\nkind: Config\n');
    const env = podEnv({ host: '10.0.0.1', port: 443 }, { KUBECONFIG: [dir.file('missing.yaml'), empty].join(path.delimiter) });
    assert.equal(loadInPod(env).context().name, IN_CLUSTER_CONTEXT);
    // An explicit --kubeconfig that is empty too (client-go's empty-config rule).
    assert.equal(loadInPod(podEnv({ host: '10.0.0.1', port: 443 }), { explicitPath: empty }).context().name, IN_CLUSTER_CONTEXT);
  });

  it('is not possible without both service variables or without a token file; the error says which', () => {
    writeServiceAccount({ token: 't' });
    assert.throws(
      () => loadInPod({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }),
      (error: unknown) => error instanceof ConfigError && error.code === 'NO_KUBECONFIG',
    );
    assert.throws(
      () => loadInPod({}),
      (error: unknown) => error instanceof ConfigError && error.code === 'NO_KUBECONFIG' && !/In-cluster/.test(error.hint ?? ''),
    );

    const withoutToken = dir.file('no-token');
    mkdirSync(withoutToken);
    assert.throws(
      () => loadKubeconfig({ env: podEnv({ host: '10.0.0.1', port: 443 }), homeDir: dir.path, serviceAccountDir: withoutToken }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.code === 'NO_KUBECONFIG' &&
        (error.hint ?? '').includes(
          `In-cluster configuration is not possible either: KUBERNETES_SERVICE_HOST is set, but there is no service-account token at ${path.join(withoutToken, 'token')}`,
        ),
    );
  });
});
