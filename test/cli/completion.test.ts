// __complete against in-memory clusters: the values only the kubeconfig and the host cluster
// know, and what happens when the host fails or hangs (no candidates, never an error, exit 0).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GVR } from '../../src/core/gvr.js';
import { FakeCluster, createFakeEnv, runWithFakeEnv } from '../helpers/fake-cluster.js';
import { runInProcess } from '../helpers/cli.js';

const NS = 'kube-federation-system';
const DIRECTIVE_LINE = 'Completion ended with directive: ShellCompDirectiveNoFileComp\n';

function kfc(name: string, namespace = NS, status?: unknown) {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedCluster',
    metadata: { name, namespace },
    spec: { apiEndpoint: `https://${name}:6443`, secretRef: { name: `${name}-x` } },
    ...(status ? { status } : {}),
  };
}

function federation(): FakeCluster[] {
  const host = new FakeCluster({ contextName: 'cluster1' }).installKubeFed();
  host.put(GVR.kubefedClusters, kfc('cluster1', NS, { conditions: [{ type: 'Ready', status: 'True' }] }));
  host.put(GVR.kubefedClusters, kfc('cluster2', NS, { conditions: [{ type: 'Offline', status: 'True', reason: 'ClusterNotReachable' }] }));
  for (const type of ['deployments.apps', 'configmaps']) {
    host.enableType(type);
  }
  host.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  return [host, new FakeCluster({ contextName: 'cluster2' }), new FakeCluster({ contextName: 'cluster3' })];
}

const complete = (clusters: FakeCluster[], ...words: string[]) => runWithFakeEnv(['__complete', ...words], createFakeEnv(clusters));

describe('__complete with values from the kubeconfig and the host cluster', () => {
  test('unjoin: the joined clusters, with their readiness', async () => {
    const result = await complete(federation(), 'unjoin', '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'cluster1\tReady\ncluster2\tnot Ready (ClusterNotReachable)\n:4\n');
    assert.equal(result.stderr, DIRECTIVE_LINE);
  });

  test('__completeNoDesc and the environment variable drop the descriptions', async () => {
    assert.equal((await runWithFakeEnv(['__completeNoDesc', 'unjoin', 'cluster'], createFakeEnv(federation()))).stdout, 'cluster1\ncluster2\n:4\n');
    const env = createFakeEnv(federation(), { env: { KUBEFEDCTL_COMPLETION_DESCRIPTIONS: 'false' } });
    assert.equal((await runWithFakeEnv(['__complete', 'unjoin', 'cluster'], env)).stdout, 'cluster1\ncluster2\n:4\n');
  });

  test('a cluster already on the line is not offered again; the word filters', async () => {
    assert.equal((await complete(federation(), 'unjoin', 'cluster1', '')).stdout, 'cluster2\tnot Ready (ClusterNotReachable)\n:4\n');
    assert.equal((await complete(federation(), 'get', 'clusters', 'cluster2', 'c')).stdout, 'cluster1\tReady\n:4\n');
  });

  test('join: the contexts not joined yet', async () => {
    assert.equal((await complete(federation(), 'join', '')).stdout, 'cluster3\n:4\n');
  });

  test('context flags: every context of the kubeconfig', async () => {
    assert.equal((await complete(federation(), 'join', 'cluster3', '--host-cluster-context', '')).stdout, 'cluster1\ncluster2\ncluster3\n:4\n');
    assert.equal((await complete(federation(), 'join', 'cluster3', '--cluster-context=cluster')).stdout, 'cluster1\ncluster2\ncluster3\n:4\n');
  });

  test('namespaces of the host cluster for -n', async () => {
    assert.equal((await complete(federation(), 'status', 'fdeploy', 'web', '-n', '')).stdout, 'default\nkube-federation-system\nshop\n:4\n');
  });

  test('federated types for status and orphaning-deletion, FederatedTypeConfig names for disable', async () => {
    assert.equal(
      (await complete(federation(), 'status', '')).stdout,
      'federateddeployments.types.kubefed.io\tFederatedDeployment (deployments.apps)\nfederatedconfigmaps.types.kubefed.io\tFederatedConfigMap (configmaps)\n:4\n',
    );
    assert.equal(
      (await complete(federation(), 'orphaning-deletion', 'status', 'federatedd')).stdout,
      'federateddeployments.types.kubefed.io\tFederatedDeployment (deployments.apps)\n:4\n',
    );
    assert.equal((await complete(federation(), 'disable', 'd')).stdout, 'deployments.apps\tFederatedDeployment, propagation Enabled\n:4\n');
  });

  test('--host-cluster-context and --kubefed-namespace on the line choose where to look', async () => {
    const clusters = federation();
    const other = clusters[1]!.installKubeFed('kf');
    other.put(GVR.kubefedClusters, kfc('elsewhere', 'kf'));
    const result = await complete(clusters, '--kubefed-namespace', 'kf', 'unjoin', '--host-cluster-context=cluster2', '');
    assert.equal(result.stdout, 'elsewhere\treadiness unknown\n:4\n');
    assert.deepEqual(
      other.requestsOf('list', 'kubefedclusters').map((r) => r.namespace),
      ['kf'],
    );
    assert.deepEqual(clusters[0]!.requests, [], 'the current context was not asked');
  });

  test('a failing host cluster: no candidates, no error, exit 0', async () => {
    const clusters = federation();
    clusters[0]!.failOn({ verb: 'list', times: Infinity });
    const result = await complete(clusters, 'unjoin', '');
    assert.deepEqual(result, { code: 0, stdout: ':4\n', stderr: DIRECTIVE_LINE });
    // join still offers the contexts it knows without the host.
    assert.equal((await complete(clusters, 'join', '')).stdout, 'cluster1\ncluster2\ncluster3\n:4\n');
  });

  test('a host cluster that never answers: the answer comes within the deadline, without candidates', async () => {
    const clusters = federation();
    clusters[0]!.after('list', 'kubefedclusters', () => new Promise<void>(() => {}));
    const started = Date.now();
    const result = await complete(clusters, 'unjoin', '');
    const elapsed = Date.now() - started;
    assert.deepEqual(result, { code: 0, stdout: ':4\n', stderr: DIRECTIVE_LINE });
    assert.ok(elapsed >= 900 && elapsed < 3000, `answered after ${elapsed} ms (deadline 1 s)`);
    assert.equal((await complete(clusters, 'join', '')).stdout, 'cluster1\ncluster2\ncluster3\n:4\n', 'join falls back to all contexts');
  });

  test('no kubeconfig: no candidates, exit 0', async () => {
    const result = await runInProcess(['__complete', 'join', '--host-cluster-context', '']);
    assert.deepEqual(result, { code: 0, stdout: ':4\n', stderr: DIRECTIVE_LINE });
  });

  test('the words are another command line, passed on verbatim (none is read as one of our flags)', async () => {
    assert.equal((await runInProcess(['__complete', '-v', '2', 'ver'])).stdout, 'version\tPrint the version info\n:4\n');
    assert.equal((await runInProcess(['__complete', 'join', '--help', ''])).stdout, ':4\n');
    const underscore = await runInProcess(['__complete', 'join', '--dry_run=']);
    assert.deepEqual(
      [underscore.stdout, underscore.stderr],
      [':0\n', 'Completion ended with directive: ShellCompDirectiveDefault\n'],
      'not rewritten to --dry-run= (whose values would be offered), no warning',
    );
    assert.equal((await runInProcess(['__complete', 'get', 'clusters', '-o', ''])).stdout, 'wide\njson\nyaml\nname\n:4\n');
    assert.equal((await runInProcess(['__complete'])).stdout.split('\n').at(-2), ':4', 'no words: a new word at the root');
  });
});
