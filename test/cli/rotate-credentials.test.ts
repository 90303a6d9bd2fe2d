// rotate-credentials against in-memory clusters: the order of its writes, rollback when anything
// before the switch fails, rolling forward (old credentials kept, not revoked) when KubeFed does not
// report the cluster Ready with the new ones, lost answers, dry run. (Proven for real in
// test/e2e/rotate-credentials.test.ts.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GVR } from '../../src/core/gvr.js';
import type { KubeObject } from '../../src/core/types.js';
import { FakeCluster, type FakeRequest, apiError, createFakeEnv, describeRequest, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';
const SA = 'cluster2-cluster1';
let issued = 0;

/** A joined cluster2: what join leaves, with KubeFed's part played by reactions. */
async function joined(options: { kubefedRebuilds?: boolean } = {}): Promise<{ host: FakeCluster; member: FakeCluster }> {
  const host = new FakeCluster({ contextName: 'cluster1' }).installKubeFed();
  host.add({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig', metadata: { name: 'kubefed', namespace: NS }, spec: { scope: 'Cluster' } });
  const member = new FakeCluster({ contextName: 'cluster2' });
  // The token controller: a token Secret gets a token of its own shortly after it is created.
  member.after('create', 'secrets', (request: FakeRequest, cluster) => {
    setTimeout(() => {
      if (!cluster.peek(GVR.secrets, request.name!, request.namespace)) return;
      cluster.modify(GVR.secrets, request.name!, request.namespace, (secret) => {
        secret.data = { token: Buffer.from(`token-${++issued}`).toString('base64'), 'ca.crt': Buffer.from('CA').toString('base64') };
      });
    }, 5);
  });
  // KubeFed: Ready once joined; after a spec change, Ready again from new clients (a new transition time).
  const probe = (cluster: FakeCluster, name: string) =>
    setTimeout(() => {
      if (!cluster.peek(GVR.kubefedClusters, name, NS)) return;
      cluster.modify(GVR.kubefedClusters, name, NS, (kfc) => {
        kfc.status = {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'ClusterReady',
              lastProbeTime: new Date().toISOString(),
              lastTransitionTime: `2024-01-01T00:00:0${issued}Z`,
            },
          ],
        };
      });
    }, 5);
  host.after('create', 'kubefedclusters', (request, cluster) => void probe(cluster, request.name!));
  if (options.kubefedRebuilds !== false) host.after('patch', 'kubefedclusters', (request, cluster) => void probe(cluster, request.name!));
  const result = await runWithFakeEnv(['join', 'cluster2', '--host-cluster-context', 'cluster1', '--wait'], createFakeEnv([host, member]));
  assert.equal(result.code, 0, result.stderr);
  return { host, member };
}

const rotate = (c: { host: FakeCluster; member: FakeCluster }, ...args: string[]) =>
  runWithFakeEnv(['rotate-credentials', 'cluster2', '--host-cluster-context', 'cluster1', ...args], createFakeEnv([c.host, c.member]));

function inUse(c: { host: FakeCluster; member: FakeCluster }): { hostSecret: string; token: string } {
  const hostSecret = (c.host.peek(GVR.kubefedClusters, 'cluster2', NS)!.spec as { secretRef: { name: string } }).secretRef.name;
  return { hostSecret, token: (c.host.peek(GVR.secrets, hostSecret, NS)?.data as { token: string }).token };
}

function names(cluster: FakeCluster): string[] {
  return cluster
    .all(GVR.secrets)
    .map((o: KubeObject) => o.metadata.name!)
    .sort();
}

function state(c: { host: FakeCluster; member: FakeCluster }): string {
  return JSON.stringify({ member: names(c.member), host: names(c.host), inUse: inUse(c) });
}

describe('rotate-credentials (fake clusters)', () => {
  test('new token, new host Secret, the switch, the wait for Ready with new clients, then the old token and host Secret are deleted', async () => {
    const c = await joined();
    const old = inUse(c);
    // One log across both clusters, for the order between them.
    const order: string[] = [];
    for (const [side, cluster] of [
      ['member', c.member],
      ['host', c.host],
    ] as const) {
      for (const verb of ['create', 'patch', 'delete'] as const)
        for (const resource of ['secrets', 'kubefedclusters']) cluster.after(verb, resource, (r) => void order.push(`${side} ${r.verb} ${resource}`));
    }
    const hostWritesBefore = c.host.writes().length;
    const memberWritesBefore = c.member.writes().length;
    const result = await rotate(c);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'kubefedcluster.core.kubefed.io/cluster2 credentials rotated, Ready; 1 old token revoked\n');
    const now = inUse(c);
    assert.notEqual(now.hostSecret, old.hostSecret);
    assert.notEqual(now.token, old.token);
    assert.deepEqual(names(c.host), [now.hostSecret]);
    const tokens = c.member.all(GVR.secrets);
    assert.equal(tokens.length, 1);
    assert.equal((tokens[0]!.data as { token: string }).token, now.token);
    assert.match(tokens[0]!.metadata.name!, new RegExp(`^${SA}-token-[a-z0-9]{5}$`));
    const writes = [
      ...c.member
        .writes()
        .slice(memberWritesBefore)
        .map((r) => `member ${describeRequest(r)}`),
      ...c.host
        .writes()
        .slice(hostWritesBefore)
        .map((r) => `host ${describeRequest(r)}`),
    ];
    assert.deepEqual(
      writes.map((w) => w.replace(/(secrets \S+\/)\S+/, '$1*')),
      [
        'member create secrets kube-federation-system/*',
        'member delete secrets kube-federation-system/*',
        'host create secrets kube-federation-system/*',
        'host patch kubefedclusters kube-federation-system/cluster2',
        'host delete secrets kube-federation-system/*',
      ],
    );
    assert.deepEqual(order, ['member create secrets', 'host create secrets', 'host patch kubefedclusters', 'member delete secrets', 'host delete secrets']);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(now.token));
  });

  test("a second rotation revokes the first rotation's token too", async () => {
    const c = await joined();
    assert.equal((await rotate(c)).code, 0);
    const second = await rotate(c);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(c.member.all(GVR.secrets).length, 1);
    assert.equal(c.host.all(GVR.secrets).length, 1);
  });

  for (const [label, side, verb, resource] of [
    ['the new token Secret', 'member', 'create', 'secrets'],
    ['the new host Secret', 'host', 'create', 'secrets'],
    ['the switch of the KubeFedCluster', 'host', 'patch', 'kubefedclusters'],
  ] as const) {
    test(`a refused write before the switch (${label}) rolls back and leaves the old credentials as they were`, async () => {
      const c = await joined();
      const before = state(c);
      c[side].failOn({ verb, resource, error: apiError(403, `${resource} is forbidden`, { reason: 'Forbidden' }) });
      const result = await rotate(c);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr, /failed before the switch; the old credentials are unchanged/);
      assert.equal(state(c), before);
    });
  }

  test('KubeFed does not report Ready with the new Secret: rolls forward, keeps the old credentials (not revoked), says how to finish', async () => {
    const c = await joined({ kubefedRebuilds: false });
    const old = inUse(c);
    const result = await rotate(c, '--timeout=200ms');
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /error: cluster "cluster2" now uses secret kube-federation-system\/cluster2-\w+, but KubeFed did not report cluster "cluster2" Ready with the new credentials within/,
    );
    assert.match(result.stderr, /Run "kubefedctl rotate-credentials cluster2" again to finish/);
    assert.notEqual(inUse(c).hostSecret, old.hostSecret, 'switched');
    assert.ok(c.host.peek(GVR.secrets, old.hostSecret, NS), 'the old host Secret is kept');
    assert.equal(c.member.all(GVR.secrets).length, 2, 'the old token Secret is kept');
  });

  for (const [label, side, verb, resource] of [
    ['the new token Secret', 'member', 'create', 'secrets'],
    ['the new host Secret', 'host', 'create', 'secrets'],
    ['the switch', 'host', 'patch', 'kubefedclusters'],
    ['the old token Secret', 'member', 'delete', 'secrets'],
    ['the old host Secret', 'host', 'delete', 'secrets'],
  ] as const) {
    test(`the answer to ${label} is lost: settled, and the rotation finishes with one token and one host Secret`, async () => {
      const c = await joined();
      const old = inUse(c);
      c[side].failOn({ verb, resource, afterApplied: true });
      const result = await rotate(c);
      assert.equal(result.code, 0, result.stderr);
      assert.notEqual(inUse(c).hostSecret, old.hostSecret);
      assert.equal(c.member.all(GVR.secrets).length, 1);
      assert.equal(c.host.all(GVR.secrets).length, 1);
    });
  }

  test('--dry-run lists the plan and writes nothing; a cluster that was never joined fails before any write', async () => {
    const c = await joined();
    const before = state(c);
    const writes = c.host.writes().length + c.member.writes().length;
    const dry = await rotate(c, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Rotation of the credentials of cluster "cluster2" \(dry run; nothing was changed\):$/m);
    assert.match(dry.stdout, new RegExp(`create secret/${NS}/${SA}-token-\\w+  \\(new token\\)`));
    assert.match(dry.stdout, new RegExp(`delete secret/${NS}/${SA}  \\(revokes the old token\\)`));
    assert.match(dry.stdout, /wait for KubeFed to report cluster "cluster2" Ready with the new credentials/);
    assert.equal(state(c), before);
    assert.equal(c.host.writes().length + c.member.writes().length, writes);
    const yaml = await rotate(c, '--dry-run', '-o', 'yaml');
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.doesNotMatch(yaml.stdout, new RegExp(inUse(c).token));

    const fresh = { host: new FakeCluster({ contextName: 'cluster1' }).installKubeFed(), member: new FakeCluster({ contextName: 'cluster2' }) };
    const notJoined = await rotate(fresh);
    assert.equal(notJoined.code, 1);
    assert.match(
      notJoined.stderr,
      /error: cluster "cluster2" is not joined: there is no KubeFedCluster "kube-federation-system\/cluster2" in the host cluster/,
    );
    assert.equal(fresh.host.writes().length + fresh.member.writes().length, 0);
  });
});
