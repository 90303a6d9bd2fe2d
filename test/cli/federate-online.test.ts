// federate TYPE NAME [--contents] and orphaning-deletion against an in-memory host cluster.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../src/core/types.js';
import { FakeCluster, apiError, createFakeEnv, runWithFakeEnv } from '../helpers/fake-cluster.js';

const FED = (resource: string) => ({ group: 'types.kubefed.io', version: 'v1beta1', resource });

function hostWith(...types: string[]): FakeCluster {
  const host = new FakeCluster({ contextName: 'cluster1' }).installKubeFed();
  for (const type of types) {
    host.enableType(type);
  }
  host.add(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app', labels: { team: 'a' } }, spec: { finalizers: ['kubernetes'] } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'app', labels: { app: 'web' }, uid: 'd1' },
      spec: { replicas: 2 },
      status: { replicas: 2 },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-5d4',
        namespace: 'app',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }],
      },
      spec: { replicas: 2 },
    },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'loose-pod', namespace: 'app' }, spec: { containers: [] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'app' }, data: { mode: 'fast' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'app' }, data: { 'ca.crt': 'x' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'app' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'app' }, type: 'Opaque', data: { password: 'cHc=' } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'default-token', namespace: 'app', annotations: { 'kubernetes.io/service-account.name': 'default' } },
      type: 'kubernetes.io/service-account-token',
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'app' },
      spec: { clusterIP: '10.0.0.9', clusterIPs: ['10.0.0.9'], ports: [{ port: 80, nodePort: 30001 }] },
    },
  );
  return host;
}

const DEFAULTS = ['namespaces', 'deployments.apps', 'configmaps', 'secrets', 'services', 'serviceaccounts', 'replicasets.apps'];
const federate = (host: FakeCluster, ...args: string[]) => runWithFakeEnv(['federate', ...args], createFakeEnv(host));

describe('federate TYPE NAME (fake host)', () => {
  test('creates the federated object from the live one, then updates it on re-run', async () => {
    const host = hostWith(...DEFAULTS);
    const first = await federate(host, 'deploy', 'web', '-n', 'app');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'federateddeployment.types.kubefed.io/web created\n');
    const stored = host.peek(FED('federateddeployments'), 'web', 'app')!;
    assert.deepEqual((stored.spec as { template: unknown }).template, { metadata: { labels: { app: 'web' } }, spec: { replicas: 2 } });
    // A server returns keys in its own (sorted) order; that is not a change.
    host.modify(FED('federateddeployments'), 'web', 'app', (f) => {
      const spec = f.spec as Record<string, unknown>;
      f.spec = Object.fromEntries(
        Object.keys(spec)
          .reverse()
          .map((k) => [k, spec[k]]),
      );
    });
    assert.equal((await federate(host, 'deploy', 'web', '-n', 'app')).stdout, 'federateddeployment.types.kubefed.io/web unchanged\n');
    host.modify({ group: 'apps', version: 'v1', resource: 'deployments' }, 'web', 'app', (d) => {
      (d.spec as { replicas: number }).replicas = 5;
    });
    assert.equal((await federate(host, 'deploy', 'web', '-n', 'app')).stdout, 'federateddeployment.types.kubefed.io/web updated\n');
    const failing = await federate(host, 'deploy', 'web', '-n', 'app', '--error-on-existing');
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /already exists/);
  });

  test('a type without FederatedTypeConfig needs --enable-type (the Go message)', async () => {
    const host = hostWith('namespaces');
    const result = await federate(host, 'configmap', 'settings', '-n', 'app');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /federatedtypeconfigs.core.kubefed.io "configmaps" not found. Consider using '--enable-type'/);
    // The hint names another command than the one that ran (only federate was registered): as the
    // kubectl plugin, it still reads `kubectl kubefed enable`.
    const asPlugin = createFakeEnv(host);
    asPlugin.env.ctx.programName = 'kubectl kubefed';
    const pluginResult = await runWithFakeEnv(['federate', 'configmap', 'settings', '-n', 'app'], asPlugin);
    assert.match(pluginResult.stderr, /hint: Or enable it first: kubectl kubefed enable configmaps/);
    const enabled = await federate(host, 'configmap', 'settings', '-n', 'app', '--enable-type');
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.match(enabled.stdout, /federatedtypeconfig.core.kubefed.io\/configmaps created in namespace kube-federation-system/);
    assert.match(enabled.stdout, /federatedconfigmap.types.kubefed.io\/settings created/);
  });

  test('-o yaml prints without writing, and falls back to the default type without an FTC', async () => {
    const host = hostWith();
    const result = await federate(host, 'svc', 'web', '-n', 'app', '-o', 'yaml');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /kind: FederatedService/);
    assert.doesNotMatch(result.stdout, /nodePort|10\.0\.0\.9/);
    assert.deepEqual(host.writes(), []);
  });

  test('--contents federates what users made and skips what the cluster made, with reasons', async () => {
    const host = hostWith(...DEFAULTS);
    const result = await federate(host, 'namespace', 'app', '--contents');
    assert.equal(result.code, 0, result.stderr);
    const created = result.stdout.trim().split('\n').sort();
    assert.deepEqual(created, [
      'federatedconfigmap.types.kubefed.io/settings created',
      'federateddeployment.types.kubefed.io/web created',
      'federatednamespace.types.kubefed.io/app created',
      'federatedsecret.types.kubefed.io/db created',
      'federatedservice.types.kubefed.io/web created',
    ]);
    assert.match(result.stderr, /replicasets\.apps\s+web-5d4\s+skipped: created by its controller Deployment\/web/);
    assert.match(result.stderr, /configmaps\s+kube-root-ca\.crt\s+skipped/);
    assert.match(result.stderr, /serviceaccounts\s+default\s+skipped/);
    assert.match(result.stderr, /secrets\s+default-token\s+skipped: service account token/);
    assert.match(result.stderr, /^Plan \(nothing is written yet\):\nTYPE +NAME +PLAN\n/m, 'the table before the writes is labelled a plan');
    assert.match(result.stderr, /^Plan: federate 5 object\(s\) of 5 type\(s\), skip 4$/m);
    assert.match(result.stderr, /\nfederated 5 of 5 object\(s\) of 5 type\(s\); 4 skipped\n$/, 'the summary, last, counts what was written');
    assert.doesNotMatch(result.stderr, /loose-pod/, 'pods are not even listed');
    const again = await federate(host, 'namespace', 'app', '--contents');
    assert.equal(again.code, 0, again.stderr);
    assert.ok(
      again.stdout
        .trim()
        .split('\n')
        .every((line) => line.endsWith('unchanged')),
      again.stdout,
    );
  });

  test('--contents output is deterministic and list errors are reported, not swallowed', async () => {
    const host = hostWith(...DEFAULTS);
    const one = await federate(host, 'namespace', 'app', '--contents', '-o', 'yaml');
    const two = await federate(host, 'namespace', 'app', '--contents', '-o', 'yaml');
    assert.equal(one.stdout, two.stdout);
    host.failOn({ verb: 'list', resource: 'configmaps', error: apiError(403, 'configmaps is forbidden', { reason: 'Forbidden' }) });
    const failed = await federate(host, 'namespace', 'app', '--contents', '-o', 'yaml');
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, '');
    assert.match(failed.stderr, /could not list 1 type\(s\) in namespace "app":\n  - configmaps: /);
    const skipped = await federate(host, 'namespace', 'app', '--contents', '-o', 'yaml', '--skip-api-resources', 'cm');
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.doesNotMatch(skipped.stdout, /FederatedConfigMap/);
  });

  test('--contents on another type is a usage error before reading the object', async () => {
    const host = hostWith(...DEFAULTS);
    const result = await federate(host, 'deploy', 'web', '-n', 'app', '--contents');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Flag '--contents' can only be used with type 'namespaces'/);
  });
});

describe('orphaning-deletion (fake host)', () => {
  test('enable, status, disable', async () => {
    const host = hostWith('deployments.apps');
    host.put(FED('federateddeployments'), {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedDeployment',
      metadata: { name: 'web', namespace: 'app' },
      spec: {},
    } as KubeObject);
    const env = createFakeEnv(host);
    const run = (...args: string[]) => runWithFakeEnv(['orphaning-deletion', ...args], env);
    assert.equal((await run('status', 'fdeploy', 'web', '-n', 'app')).stdout, 'Disabled\n');
    const enabled = await run('enable', 'FederatedDeployment', 'web', '-n', 'app');
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.equal(host.peek(FED('federateddeployments'), 'web', 'app')!.metadata.annotations?.['kubefed.io/orphan'], 'true');
    assert.equal((await run('status', 'federateddeployments.types.kubefed.io', 'web', '-n', 'app')).stdout, 'Enabled\n');
    const json = await run('status', 'fdeploy', 'web', '-n', 'app', '-o', 'json');
    assert.equal(JSON.parse(json.stdout).orphaningDeletion, 'Enabled');
    assert.equal((await run('disable', 'fdeploy', 'web', '-n', 'app')).code, 0);
    assert.equal(host.peek(FED('federateddeployments'), 'web', 'app')!.metadata.annotations?.['kubefed.io/orphan'], undefined);
  });

  test('a non-federated type draws a warning; a missing object fails with exit 1', async () => {
    const host = hostWith('deployments.apps');
    const result = await runWithFakeEnv(['orphaning-deletion', 'status', 'deploy', 'web', '-n', 'app'], createFakeEnv(host));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /deployments.apps\/v1 might not be a federated resource/);
    const missing = await runWithFakeEnv(['orphaning-deletion', 'enable', 'fdeploy', 'nope', '-n', 'app'], createFakeEnv(host));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Failed to retrieve resource: "app\/nope"/);
  });
});
