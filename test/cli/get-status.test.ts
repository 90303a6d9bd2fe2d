// get clusters and status against in-memory clusters: what they read (never a Secret), where,
// and their failures. The printed output itself is covered by test/golden/{get,status}.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GVR } from '../../src/core/gvr.js';
import { FakeCluster, createFakeEnv, describeRequest, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';

function hostWithClusters(contextName = 'cluster1', namespace = NS): FakeCluster {
  const host = new FakeCluster({ contextName }).installKubeFed(namespace);
  for (const name of ['cluster1', 'cluster2']) {
    host.put(GVR.kubefedClusters, {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedCluster',
      metadata: { name, namespace, labels: { tier: name === 'cluster1' ? 'host' : 'member' } },
      spec: { apiEndpoint: `https://${name}:6443`, secretRef: { name: `${name}-secret` } },
      status: { conditions: [{ type: 'Ready', status: 'True' }], kubernetesVersion: 'v1.32.13' },
    });
    host.put(GVR.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}-secret`, namespace }, data: { token: 'c2VjcmV0' } });
  }
  return host;
}

describe('get clusters (fake host)', () => {
  test('lists the KubeFedClusters of the KubeFed namespace and reads nothing else; -o wide only the Secrets they name (for CREDENTIALS-AGE), never printing a token', async () => {
    const host = hostWithClusters();
    const table = await runWithFakeEnv(['get', 'clusters'], createFakeEnv(host));
    assert.equal(table.code, 0, table.stderr);
    assert.deepEqual(host.requests.map(describeRequest), ['list kubefedclusters -n kube-federation-system']);
    host.requests.length = 0;
    const result = await runWithFakeEnv(['get', 'clusters', '-o', 'wide'], createFakeEnv(host));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^NAME +READY +KUBERNETES-VERSION +AGE +API-ENDPOINT .* CREDENTIALS-AGE /);
    const named = host
      .all(GVR.kubefedClusters)
      .map((c) => (c.spec as { secretRef?: { name?: string } }).secretRef?.name)
      .filter(Boolean)
      .sort();
    assert.deepEqual(
      host.requests.map(describeRequest).sort(),
      ['list kubefedclusters -n kube-federation-system', ...named.map((name) => `get secrets kube-federation-system/${name}`)].sort(),
    );
    assert.doesNotMatch(result.stdout + result.stderr, /c2VjcmV0|secret-token/);
  });

  test('named clusters are read one by one; -l goes to the server', async () => {
    const host = hostWithClusters();
    await runWithFakeEnv(['get', 'clusters', 'cluster2', 'cluster1', '-o', 'name'], createFakeEnv(host));
    assert.deepEqual(host.requests.map(describeRequest), [
      'get kubefedclusters kube-federation-system/cluster2',
      'get kubefedclusters kube-federation-system/cluster1',
    ]);
    const selected = await runWithFakeEnv(['get', 'clusters', '-l', 'tier=member', '-o', 'name'], createFakeEnv(host));
    assert.equal(selected.stdout, 'kubefedcluster.core.kubefed.io/cluster2\n');
    assert.equal(host.requestsOf('list', 'kubefedclusters').at(-1)?.listOptions?.labelSelector, 'tier=member');
    assert.deepEqual(host.requestsOf('get', 'secrets'), []);
  });

  test('--host-cluster-context and --kubefed-namespace choose where to look', async () => {
    const other = hostWithClusters('other', 'kubefed');
    const fake = createFakeEnv([new FakeCluster({ contextName: 'cluster1' }), other]);
    const result = await runWithFakeEnv(['get', 'clusters', '--host-cluster-context', 'other', '--kubefed-namespace', 'kubefed', '-o', 'name'], fake);
    assert.equal(result.stdout, 'kubefedcluster.core.kubefed.io/cluster1\nkubefedcluster.core.kubefed.io/cluster2\n');
    assert.deepEqual(fake.clientCalls, ['other']);
  });

  test('a host without KubeFed: exit 1, said plainly', async () => {
    const result = await runWithFakeEnv(['get', 'clusters'], createFakeEnv(new FakeCluster({ contextName: 'plain' })));
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^error: the server doesn't have a resource type "kubefedclusters" \(kubefedclusters.core.kubefed.io\) in context "plain"\n  hint: Is KubeFed installed on this cluster\?/,
    );
  });

  test('a server error: exit 1, nothing on stdout', async () => {
    const host = hostWithClusters().failOn({ verb: 'list', resource: 'kubefedclusters' });
    const result = await runWithFakeEnv(['get', 'clusters'], createFakeEnv(host));
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^error: Error from server \(InternalError\)/);
  });

  test('--ignore-not-found=false and --no-headers parse as kubectl flags do', async () => {
    const host = hostWithClusters();
    assert.equal((await runWithFakeEnv(['get', 'clusters', 'nope', '--ignore-not-found=false'], createFakeEnv(host))).code, 1);
    assert.equal((await runWithFakeEnv(['get', 'clusters', 'nope', '--ignore-not-found=true'], createFakeEnv(host))).code, 0);
    assert.doesNotMatch((await runWithFakeEnv(['get', 'clusters', '--no-headers'], createFakeEnv(host))).stdout, /NAME/);
  });
});

describe('status (fake host)', () => {
  test('reads the KubeFedConfig, KubeFedClusters and FederatedTypeConfigs, nothing else', async () => {
    const host = hostWithClusters();
    const result = await runWithFakeEnv(['status'], createFakeEnv(host));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(host.requests.map(describeRequest).sort(), [
      'get kubefedconfigs kube-federation-system/kubefed',
      'list federatedtypeconfigs -n kube-federation-system',
      'list kubefedclusters -n kube-federation-system',
    ]);
  });

  test('a host without KubeFed: exit 1', async () => {
    const result = await runWithFakeEnv(['status', '--check'], createFakeEnv(new FakeCluster({ contextName: 'plain' })));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: the server doesn't have a resource type "(kubefedconfigs|kubefedclusters|federatedtypeconfigs)"/);
  });

  test('TYPE NAME: the namespace of the host context unless -n; the FederatedTypeConfigs name the type without discovery', async () => {
    const host = hostWithClusters();
    host.enableType('deployments.apps');
    const fdeploy = {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedDeployment',
      spec: {},
      status: { conditions: [{ type: 'Propagation', status: 'True' }] },
    };
    host.add({ ...fdeploy, metadata: { name: 'web', namespace: 'default' } }, { ...fdeploy, metadata: { name: 'web', namespace: 'shop' }, status: {} });
    const inDefault = await runWithFakeEnv(['status', 'FederatedDeployment', 'web', '--check'], createFakeEnv(host));
    assert.equal(inDefault.code, 0, inDefault.stderr);
    assert.match(inDefault.stdout, /^Object: +FederatedDeployment default\/web\nPropagation: +True\n/);
    const inShop = await runWithFakeEnv(['status', 'deployments.apps', 'web', '-n', 'shop', '--check'], createFakeEnv(host));
    assert.equal(inShop.code, 1);
    assert.match(inShop.stderr, /^error: status check failed: no Propagation condition yet/);
    assert.deepEqual(host.requestsOf('serverGroups'), [], 'no discovery');
  });

  test('a type neither a FederatedTypeConfig nor discovery knows: exit 2', async () => {
    const host = hostWithClusters();
    const result = await runWithFakeEnv(['status', 'FederatedWidget', 'web'], createFakeEnv(host));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unable to find api resource named "FederatedWidget"/);
    assert.ok(host.requestsOf('serverGroups').length > 0, 'fell back to discovery');
  });
});
