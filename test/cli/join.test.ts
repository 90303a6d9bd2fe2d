// join and unjoin against in-memory clusters: ordering, rollback on a failure at each write step,
// dry-run making no write, validation before any request. (Proven for real in test/e2e.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GVR } from '../../src/core/gvr.js';
import type { KubeObject } from '../../src/core/types.js';
import { FakeCluster, type FakeRequest, apiError, createFakeEnv, describeRequest, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';
const TOKEN = Buffer.from('the-member-token').toString('base64');

function clusters(): { host: FakeCluster; member: FakeCluster } {
  const host = new FakeCluster({ contextName: 'cluster1' }).installKubeFed();
  host.add({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig', metadata: { name: 'kubefed', namespace: NS }, spec: { scope: 'Cluster' } });
  const member = new FakeCluster({ contextName: 'cluster2' });
  // Plays the token controller: a token Secret gets its token shortly after it is created.
  member.after('create', 'secrets', (request: FakeRequest, cluster) => {
    setTimeout(() => {
      if (!cluster.peek(GVR.secrets, request.name!, request.namespace)) return;
      cluster.modify(GVR.secrets, request.name!, request.namespace, (secret) => {
        secret.data = { token: TOKEN, 'ca.crt': Buffer.from('CA').toString('base64') };
      });
    }, 5);
  });
  return { host, member };
}

/** Everything join can touch, for before/after comparison. */
function state(c: { host: FakeCluster; member: FakeCluster }): string {
  const names = (cluster: FakeCluster, gvr: (typeof GVR)[keyof typeof GVR]) =>
    cluster
      .all(gvr)
      .map((o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`)
      .sort();
  return JSON.stringify({
    memberNamespaces: names(c.member, GVR.namespaces),
    memberSA: names(c.member, GVR.serviceAccounts),
    memberSecrets: names(c.member, GVR.secrets),
    memberClusterRoles: names(c.member, GVR.clusterRoles),
    memberClusterRoleBindings: names(c.member, GVR.clusterRoleBindings),
    hostSecrets: names(c.host, GVR.secrets),
    hostClusters: names(c.host, GVR.kubefedClusters),
  });
}

const join = (c: { host: FakeCluster; member: FakeCluster }, ...args: string[]) =>
  runWithFakeEnv(['join', 'cluster2', '--host-cluster-context', 'cluster1', ...args], createFakeEnv([c.host, c.member]));

describe('join (fake clusters)', () => {
  test('writes what an object needs before it, the rest together, and prints the result line', async () => {
    const c = clusters();
    const result = await join(c);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'kubefedcluster.core.kubefed.io/cluster2 joined\n');
    // Three stages instead of the Go tool's five writes in a row: the namespace and the cluster
    // role; then the service account (in the namespace) and the binding (of the role); then the
    // token Secret (of the service account). Within a stage, requests start in plan order.
    assert.deepEqual(c.member.writes().map(describeRequest), [
      'create namespaces kube-federation-system',
      'create clusterroles kubefed-controller-manager:cluster2-cluster1',
      'create serviceaccounts kube-federation-system/cluster2-cluster1',
      'create clusterrolebindings kubefed-controller-manager:cluster2-cluster1',
      'create secrets kube-federation-system/cluster2-cluster1',
    ]);
    assert.deepEqual(
      c.host.writes().map((r) => `${r.verb} ${r.gvr?.resource}`),
      ['create secrets', 'create kubefedclusters'],
    );
    const kfc = c.host.peek(GVR.kubefedClusters, 'cluster2', NS)!;
    assert.equal((kfc.spec as { apiEndpoint: string }).apiEndpoint, 'https://cluster2.fake.invalid:6443');
    assert.equal((kfc.spec as { caBundle: string }).caBundle, Buffer.from('CA').toString('base64'));
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(TOKEN));
  });

  const steps: Array<[string, 'host' | 'member', string]> = [
    ['service account', 'member', 'serviceaccounts'],
    ['token secret', 'member', 'secrets'],
    ['cluster role', 'member', 'clusterroles'],
    ['cluster role binding', 'member', 'clusterrolebindings'],
    ['host secret', 'host', 'secrets'],
    ['KubeFedCluster', 'host', 'kubefedclusters'],
  ];
  for (const [label, side, resource] of steps) {
    test(`a failure creating the ${label} rolls back everything this run created`, async () => {
      const c = clusters();
      const before = state(c);
      c[side].failOn({ verb: 'create', resource, error: apiError(403, `${resource} is forbidden`, { reason: 'Forbidden' }) });
      const result = await join(c);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /rolled back: deleted namespace\/kube-federation-system in member cluster "cluster2"/);
      assert.equal(state(c), before);
    });
  }

  test('objects that existed before the run are never deleted by a rollback', async () => {
    const c = clusters();
    c.member.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const before = state(c);
    c.host.failOn({ verb: 'create', resource: 'kubefedclusters', error: apiError(403, 'kubefedclusters is forbidden', { reason: 'Forbidden' }) });
    const result = await join(c);
    assert.equal(result.code, 1);
    assert.ok(c.member.peek(GVR.namespaces, NS), 'pre-existing namespace kept');
    assert.doesNotMatch(result.stderr, /deleted namespace/);
    assert.equal(state(c), before);
  });

  // The response of a write is lost after the server applied it: the outcome is settled by
  // reading, so the join completes (no AlreadyExists on a retry) and leaves no duplicate.
  const lostResponses: Array<[string, 'host' | 'member', 'create' | 'update', string]> = [
    ['namespace', 'member', 'create', 'namespaces'],
    ['service account', 'member', 'create', 'serviceaccounts'],
    ['token secret', 'member', 'create', 'secrets'],
    ['cluster role binding', 'member', 'create', 'clusterrolebindings'],
    ['host secret', 'host', 'create', 'secrets'],
    ['KubeFedCluster', 'host', 'create', 'kubefedclusters'],
  ];
  for (const [label, side, verb, resource] of lostResponses) {
    test(`a lost response to the ${label} ${verb} is settled by reading and the join completes`, async () => {
      const c = clusters();
      c[side].failOn({ verb, resource, afterApplied: true, error: apiError(0, 'connection reset (ECONNRESET)', { context: side }) });
      const result = await join(c);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(c[side].requestsOf(verb, resource).length, 1, 'the applied write is not sent again');
      assert.equal(c.host.all(GVR.secrets).length, 1, 'one host secret');
      assert.ok(c.host.peek(GVR.kubefedClusters, 'cluster2', NS));
    });
  }

  test('a 503 before the write was applied is settled by reading, and the write is sent again', async () => {
    const c = clusters();
    c.host.failOn({ verb: 'create', resource: 'kubefedclusters', error: apiError(503, 'etcd leader changed') });
    const result = await join(c);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(c.host.requestsOf('create', 'kubefedclusters').length, 2);
  });

  test('a lost response and then a refusal: rollback deletes what the server did create', async () => {
    const c = clusters();
    const before = state(c);
    c.member.failOn({ verb: 'create', resource: 'serviceaccounts', afterApplied: true, error: apiError(0, 'connection reset (ECONNRESET)') });
    c.host.failOn({ verb: 'create', resource: 'kubefedclusters', error: apiError(403, 'kubefedclusters is forbidden', { reason: 'Forbidden' }) });
    const result = await join(c);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /rolled back: deleted serviceaccount\/kube-federation-system\/cluster2-cluster1/);
    assert.equal(state(c), before);
  });

  test('the token wait times out per --token-timeout and rolls back', async () => {
    const c = clusters();
    const member = new FakeCluster({ contextName: 'cluster2' });
    const result = await runWithFakeEnv(['join', 'cluster2', '--host-cluster-context', 'cluster1', '--token-timeout=50ms'], createFakeEnv([c.host, member]));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /timed out .*token of service account kube-federation-system\/cluster2-cluster1/);
    assert.deepEqual(
      member.all(GVR.serviceAccounts).map((sa) => `${sa.metadata.namespace}/${sa.metadata.name}`),
      ['default/default'],
    );
  });

  test('--dry-run makes no write and prints the plan; -o yaml redacts the token', async () => {
    const c = clusters();
    const plan = await join(c, '--dry-run');
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /create serviceaccount\/kube-federation-system\/cluster2-cluster1/);
    assert.match(plan.stdout, /create kubefedcluster\.core\.kubefed\.io\/kube-federation-system\/cluster2/);
    const yaml = await join(c, '--dry-run=client', '-o', 'yaml');
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.match(yaml.stdout, /token: REDACTED/);
    assert.deepEqual([...c.member.writes(), ...c.host.writes()], []);
  });

  test('--dry-run=server sends every write with dryRun and persists nothing', async () => {
    const c = clusters();
    const before = state(c);
    const result = await join(c, '--dry-run=server');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /joined \(server dry run\)/);
    assert.ok(c.member.writes().length > 0 && c.member.writes().every((w) => w.dryRun === true));
    assert.equal(state(c), before);
  });

  test('all problems are reported at once, before any request', async () => {
    const c = clusters();
    const result = await runWithFakeEnv(
      ['join', 'Bad_Name', '--host-cluster-context', 'nope', '--secret-name', 'UPPER', '--token-timeout', 'soon'],
      createFakeEnv([c.host, c.member]),
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /5 problems/);
    assert.match(result.stderr, /context "Bad_Name" does not exist \(the cluster name; pass --cluster-context/);
    assert.match(result.stderr, /invalid cluster name "Bad_Name"/);
    assert.match(result.stderr, /context "nope" does not exist/);
    assert.match(result.stderr, /invalid --secret-name "UPPER"/);
    assert.match(result.stderr, /invalid duration "soon"/);
    assert.deepEqual([...c.host.requests, ...c.member.requests], []);
  });

  test('a missing KubeFed control plane is reported before any write', async () => {
    const c = clusters();
    c.host.remove(GVR.kubefedConfigs, 'kubefed', NS);
    const result = await join(c);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /A KubeFedConfig named "kubefed" was not found in namespace "kube-federation-system"\. Is a KubeFed control plane running in this namespace\?/,
    );
    assert.deepEqual(c.member.writes(), []);
  });

  test('re-join with --error-on-existing=false reuses the host secret the KubeFedCluster points to', async () => {
    const c = clusters();
    assert.equal((await join(c)).code, 0);
    const secretsBefore = c.host.all(GVR.secrets).length;
    const again = await join(c, '--error-on-existing=false');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(c.host.all(GVR.secrets).length, secretsBefore);
  });
});

describe('unjoin (fake clusters)', () => {
  const unjoin = (c: { host: FakeCluster; member: FakeCluster }, ...args: string[]) =>
    runWithFakeEnv(['unjoin', 'cluster2', '--host-cluster-context', 'cluster1', ...args], createFakeEnv([c.host, c.member]));

  test('removes what join created, member first, and the namespace join created', async () => {
    const c = clusters();
    const before = state(c);
    assert.equal((await join(c)).code, 0);
    const result = await unjoin(c);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'kubefedcluster.core.kubefed.io/cluster2 unjoined\n');
    assert.equal(state(c), before);
    const order = [...c.member.writes(), ...c.host.writes()].filter((w) => w.verb === 'delete').map((w) => w.gvr?.resource);
    assert.equal(order.at(-1), 'kubefedclusters');
  });

  test('keeps a member namespace that holds other objects, and says why with -v=1', async () => {
    const c = clusters();
    assert.equal((await join(c)).code, 0);
    c.member.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-data', namespace: NS } });
    const result = await runWithFakeEnv(['unjoin', 'cluster2', '--host-cluster-context', 'cluster1', '-v=1'], createFakeEnv([c.host, c.member]));
    assert.equal(result.code, 0, result.stderr);
    assert.ok(c.member.peek(GVR.namespaces, NS));
    assert.match(result.stderr, /holds other objects \(configmaps\/user-data\)/);
  });

  test('keeps a member namespace whose contents it could not list, and warns at the default verbosity', async () => {
    const c = clusters();
    assert.equal((await join(c)).code, 0);
    c.member.failOn({ verb: 'list', resource: 'configmaps', times: Infinity, error: apiError(403, 'configmaps is forbidden', { reason: 'Forbidden' }) });
    c.member.failOn({ verb: 'list', resource: 'services', times: Infinity, error: apiError(503, 'etcd leader changed') });
    const result = await unjoin(c);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(c.member.peek(GVR.namespaces, NS), 'the namespace stays');
    assert.deepEqual(
      c.member.all(GVR.serviceAccounts).filter((sa) => sa.metadata.name !== 'default'),
      [],
      "join's own objects still go",
    );
    assert.equal(c.host.peek(GVR.kubefedClusters, 'cluster2', NS), undefined);
    assert.match(
      result.stderr,
      /^Warning: cluster "cluster2": keeping the member namespace: namespace "kube-federation-system" may hold other objects: could not list configmaps \(Forbidden\), services \(ServiceUnavailable\); delete it yourself once it is empty$/m,
    );
  });

  test('a type that is gone by the time it is listed (404) holds nothing: the namespace goes', async () => {
    const c = clusters();
    const before = state(c);
    assert.equal((await join(c)).code, 0);
    c.member.failOn({ verb: 'list', resource: 'configmaps', times: Infinity, error: apiError(404, 'the server could not find the requested resource') });
    const result = await unjoin(c);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /Warning/);
    assert.equal(state(c), before);
  });

  test('finds labelled leftovers of an earlier join under another host name', async () => {
    const c = clusters();
    assert.equal((await join(c, '--host-cluster-name', 'old-host')).code, 0);
    const result = await unjoin(c);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      c.member.all(GVR.serviceAccounts).map((sa) => `${sa.metadata.namespace}/${sa.metadata.name}`),
      ['default/default'],
    );
    assert.deepEqual(c.member.all(GVR.clusterRoles), []);
  });

  test('a cluster that is not joined: exit 1, and a no-op success with --force', async () => {
    const c = clusters();
    const plain = await unjoin(c);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /cluster "cluster2" is not joined/);
    const forced = await unjoin(c, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual([...c.member.writes(), ...c.host.writes()], []);
  });

  test('with --force, a member that fails still lets the host registration go', async () => {
    const c = clusters();
    assert.equal((await join(c)).code, 0);
    c.member.failOn({ verb: 'get', times: Infinity, error: apiError(0, 'connect ECONNREFUSED 127.0.0.1:1') });
    const plain = await unjoin(c);
    assert.equal(plain.code, 1);
    const forced = await unjoin(c, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(c.host.peek(GVR.kubefedClusters, 'cluster2', NS), undefined);
  });

  test('--dry-run lists the deletions and makes none', async () => {
    const c = clusters();
    assert.equal((await join(c)).code, 0);
    const writesBefore = c.member.writes().length + c.host.writes().length;
    const result = await unjoin(c, '--dry-run');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /delete serviceaccount\/kube-federation-system\/cluster2-cluster1/);
    assert.match(result.stdout, /delete kubefedcluster\.core\.kubefed\.io\/kube-federation-system\/cluster2/);
    assert.equal(c.member.writes().length + c.host.writes().length, writesBefore);
  });
});

// Safety paths, each shown to fail with its bug planted (issue 19): the order of a rollback, what a
// rollback puts back, what a lost create may not adopt, and an unjoin that converges on a re-run.
describe('rollback and re-run safety (fake clusters)', () => {
  const forbidden = (resource: string) => apiError(403, `${resource} is forbidden`, { reason: 'Forbidden' });
  const rollbackLines = (stderr: string) =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('  rolled back: '))
      .map((line) => line.slice('  rolled back: '.length));
  const unjoin = (c: { host: FakeCluster; member: FakeCluster }, ...args: string[]) =>
    runWithFakeEnv(['unjoin', 'cluster2', '--host-cluster-context', 'cluster1', ...args], createFakeEnv([c.host, c.member]));

  test('a failed join undoes its creates in the reverse order of their writes, the namespace last', async () => {
    const c = clusters();
    const before = state(c);
    c.host.failOn({ verb: 'create', resource: 'kubefedclusters', error: forbidden('kubefedclusters') });
    const result = await join(c);
    assert.equal(result.code, 1, result.stderr);
    const hostSecret = c.host.requestsOf('create', 'secrets')[0]?.name;
    assert.deepEqual(rollbackLines(result.stderr), [
      `deleted secret/kube-federation-system/${hostSecret} in host cluster "cluster1"`,
      'deleted secret/kube-federation-system/cluster2-cluster1 in member cluster "cluster2"',
      'deleted clusterrolebinding.rbac.authorization.k8s.io/kubefed-controller-manager:cluster2-cluster1 in member cluster "cluster2"',
      'deleted serviceaccount/kube-federation-system/cluster2-cluster1 in member cluster "cluster2"',
      'deleted clusterrole.rbac.authorization.k8s.io/kubefed-controller-manager:cluster2-cluster1 in member cluster "cluster2"',
      'deleted namespace/kube-federation-system in member cluster "cluster2"',
    ]);
    // The deletes were sent in that order too.
    assert.deepEqual(
      [...c.member.writes(), ...c.host.writes()].filter((w) => w.verb === 'delete').map((w) => w.gvr?.resource),
      ['secrets', 'clusterrolebindings', 'serviceaccounts', 'clusterroles', 'namespaces', 'secrets'],
    );
    assert.equal(state(c), before);
  });

  test('a failed re-join puts back the cluster role binding it replaced (roleRef changed), as it was', async () => {
    const c = clusters();
    const original: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubefed-controller-manager:cluster2-cluster1', labels: { team: 'platform' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'cluster2-cluster1', namespace: NS }],
    };
    c.member.add(original);
    c.host.failOn({ verb: 'create', resource: 'kubefedclusters', error: forbidden('kubefedclusters') });
    const result = await join(c, '--error-on-existing=false');
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(
      c.member
        .writes()
        .filter((w) => w.gvr?.resource === 'clusterrolebindings')
        .map(describeRequest),
      [
        'delete clusterrolebindings kubefed-controller-manager:cluster2-cluster1',
        'create clusterrolebindings kubefed-controller-manager:cluster2-cluster1',
        'delete clusterrolebindings kubefed-controller-manager:cluster2-cluster1',
        'create clusterrolebindings kubefed-controller-manager:cluster2-cluster1',
      ],
      'replaced, then on rollback the new one deleted and the old one created again',
    );
    assert.match(
      result.stderr,
      /rolled back: restored clusterrolebinding\.rbac\.authorization\.k8s\.io\/kubefed-controller-manager:cluster2-cluster1 in member cluster "cluster2"/,
    );
    const restored = c.member.peek(GVR.clusterRoleBindings, 'kubefed-controller-manager:cluster2-cluster1');
    assert.deepEqual(
      { labels: restored?.metadata.labels, roleRef: restored?.roleRef, subjects: restored?.subjects },
      { labels: original.metadata.labels, roleRef: original.roleRef, subjects: original.subjects },
    );
  });

  test('a lost create whose read finds a foreign object (not our labels): no adoption, no deletion, a clear error', async () => {
    const c = clusters();
    const name = 'kubefed-controller-manager:cluster2-cluster1';
    const foreign: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels: { owner: 'someone-else' } },
      rules: [],
    };
    // The create never arrives; meanwhile someone else creates a cluster role of that name.
    c.member.failOn({
      verb: 'create',
      resource: 'clusterroles',
      error: () => {
        c.member.add(foreign);
        return apiError(0, 'read ECONNRESET (the connection was reset)');
      },
    });
    const result = await join(c);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`^error: .*clusterrole\\.rbac\\.authorization\\.k8s\\.io/${name}.*was not created by this run and is left as it is`, 'm'),
    );
    assert.doesNotMatch(result.stderr, /rolled back: deleted clusterrole\./);
    assert.deepEqual(c.member.peek(GVR.clusterRoles, name)?.metadata.labels, foreign.metadata.labels, 'the foreign object is still there, untouched');
    assert.equal(c.member.requestsOf('delete', 'clusterroles').length, 0);
    assert.equal(c.host.peek(GVR.kubefedClusters, 'cluster2', NS), undefined);
  });

  test('unjoin: the answer to the delete of the host secret is lost: settled by a read, exit 0, nothing left', async () => {
    const c = clusters();
    const before = state(c);
    assert.equal((await join(c)).code, 0);
    c.host.failOn({ verb: 'delete', resource: 'secrets', afterApplied: true, error: apiError(0, 'read ECONNRESET (the connection was reset)') });
    const result = await unjoin(c);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(c.host.requestsOf('delete', 'secrets').length, 1, 'found gone by a GET, not deleted twice');
    assert.equal(state(c), before);
  });

  test('unjoin: the host secret goes before the registration; a failure on it leaves the cluster registered, and a re-run finishes', async () => {
    const c = clusters();
    const before = state(c);
    assert.equal((await join(c)).code, 0);
    c.host.failOn({ verb: 'delete', resource: 'secrets', error: apiError(500, 'etcdserver: request timed out'), times: 2 });
    const failed = await unjoin(c);
    assert.equal(failed.code, 1, failed.stderr);
    assert.ok(c.host.peek(GVR.kubefedClusters, 'cluster2', NS), 'the KubeFedCluster is kept while its secret is not gone');
    assert.equal(c.host.requestsOf('delete', 'kubefedclusters').length, 0);
    const again = await unjoin(c);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(state(c), before);
  });

  test('unjoin: without the KubeFedCluster, a host secret labelled for the cluster shows it was joined here: what is left is removed (exit 0)', async () => {
    const c = clusters();
    const before = state(c);
    assert.equal((await join(c)).code, 0);
    c.host.remove(GVR.kubefedClusters, 'cluster2', NS);
    const result = await unjoin(c);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(state(c), before);
    const nothing = await unjoin(c);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /cluster "cluster2" is not joined/);
  });

  test('unjoin: member objects labelled for the cluster without anything of it on this host (a join to another host) are not touched: "not joined"', async () => {
    const c = clusters();
    assert.equal((await join(c)).code, 0);
    // As if cluster2 were joined to another host: nothing of it here.
    c.host.remove(GVR.kubefedClusters, 'cluster2', NS);
    for (const secret of c.host.all(GVR.secrets)) c.host.remove(GVR.secrets, secret.metadata.name!, secret.metadata.namespace);
    const memberBefore = state(c);
    const result = await unjoin(c);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cluster "cluster2" is not joined/);
    assert.deepEqual(
      c.member.writes().filter((w) => w.verb === 'delete'),
      [],
    );
    assert.equal(state(c), memberBefore);
  });

  test('join while the member namespace is still terminating (right after an unjoin) waits until it is gone, then joins', async () => {
    const c = clusters();
    assert.equal((await join(c)).code, 0);
    assert.equal((await unjoin(c)).code, 0);
    // As a real server: the namespace stays Terminating a moment; a create in it meanwhile is refused (403).
    c.member.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    c.member.startTermination(NS);
    setTimeout(() => c.member.finishTermination(NS), 300);
    const result = await join(c);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /terminating|being deleted/i);
    assert.ok(c.host.peek(GVR.kubefedClusters, 'cluster2', NS));
    assert.ok(c.member.peek(GVR.serviceAccounts, 'cluster2-cluster1', NS));
    assert.equal(c.member.peek(GVR.namespaces, NS)?.metadata.deletionTimestamp, undefined, 'a new namespace, not the terminating one');
  });

  test('unjoin: a member namespace already terminating (an earlier unjoin) is not deleted again; the rest goes', async () => {
    const c = clusters();
    assert.equal((await join(c)).code, 0);
    c.member.startTermination(NS);
    const result = await unjoin(c);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(c.member.requestsOf('delete', 'namespaces').length, 0);
    assert.equal(c.host.peek(GVR.kubefedClusters, 'cluster2', NS), undefined);
    assert.deepEqual(c.host.all(GVR.secrets), []);
  });

  test("unjoin deletes the namespace join created although it holds Kubernetes' own default and kube-root-ca.crt", async () => {
    const c = clusters();
    assert.equal((await join(c)).code, 0);
    assert.ok(
      c.member.peek(GVR.serviceAccounts, 'default', NS) && c.member.peek({ group: '', version: 'v1', resource: 'configmaps' }, 'kube-root-ca.crt', NS),
      'born with both',
    );
    const result = await runWithFakeEnv(['unjoin', 'cluster2', '--host-cluster-context', 'cluster1', '-v=1'], createFakeEnv([c.host, c.member]));
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /keeping the member namespace|holds other objects/);
    assert.deepEqual(c.member.requestsOf('delete', 'namespaces').map(describeRequest), [`delete namespaces ${NS}`]);
    assert.equal(c.member.peek(GVR.namespaces, NS), undefined);
  });
});
