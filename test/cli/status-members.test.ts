// status TYPE NAME --members and status --check --members against in-memory clusters (members
// reached through --member-context): per-cluster rollout verdicts, --check, --wait ending when the
// last member rolls out or failing at its timeout with the clusters that have not. (Proven against
// real members in test/e2e/status-members.test.ts.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../src/core/types.js';
import { FakeCluster, createFakeEnv, runWithFakeEnv } from '../helpers/fake-cluster.js';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const FDEPLOY = { group: 'types.kubefed.io', version: 'v1beta1', resource: 'federateddeployments' };

function deployment(generation: number, observed: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', generation },
    spec: { replicas: 0 },
    status: { observedGeneration: observed },
  };
}

function setup(): { host: FakeCluster; c2: FakeCluster; c3: FakeCluster; run: (...args: string[]) => ReturnType<typeof runWithFakeEnv> } {
  const host = new FakeCluster({ contextName: 'cluster1' }).installKubeFed().enableType('deployments.apps', { propagationController: 'Running' });
  host.put(FDEPLOY, {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedDeployment',
    metadata: { name: 'web', namespace: 'shop', generation: 1 },
    spec: { template: { spec: { replicas: 0 } }, placement: { clusters: [{ name: 'c2' }, { name: 'c3' }] } },
    status: { clusters: [{ name: 'c2' }, { name: 'c3' }], conditions: [{ type: 'Propagation', status: 'True' }] },
  });
  const c2 = new FakeCluster({ contextName: 'cluster2' });
  const c3 = new FakeCluster({ contextName: 'cluster3' });
  c2.put(DEPLOYMENTS, deployment(2, 2));
  c3.put(DEPLOYMENTS, deployment(2, 1));
  const run = (...args: string[]) =>
    runWithFakeEnv(
      [...args, '--host-cluster-context', 'cluster1', '--member-context', 'c2=cluster2', '--member-context', 'c3=cluster3'],
      createFakeEnv([host, c2, c3]),
    );
  return { host, c2, c3, run };
}

describe('status --members (fake clusters)', () => {
  test('per cluster what kubectl rollout status judges; exit 0 without --check, 1 with it', async () => {
    const { run } = setup();
    const report = await run('status', 'FederatedDeployment', 'web', '-n', 'shop', '--members');
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /^c2 +rolled-out +2\/2 +.*deployment "web" successfully rolled out$/m);
    assert.match(report.stdout, /^c3 +progressing +1\/2 +.*Waiting for deployment spec update to be observed\.\.\.$/m);
    const check = await run('status', 'deployments.apps', 'web', '-n', 'shop', '--members', '--check');
    assert.equal(check.code, 1);
    assert.equal(check.stderr, 'error: status check failed: cluster "c3": Waiting for deployment spec update to be observed...\n');
    const json = JSON.parse((await run('status', 'FederatedDeployment', 'web', '-n', 'shop', '--members', '-o', 'json')).stdout);
    assert.equal(json.ok, false);
    assert.deepEqual(
      json.clusters.map((c: { cluster: string; state: string }) => `${c.cluster}=${c.state}`),
      ['c2=rolled-out', 'c3=progressing'],
    );
  });

  test('--wait returns 0 once the last member rolls out, and fails at its timeout naming the clusters that have not', async () => {
    const { run, c3 } = setup();
    const started = Date.now();
    setTimeout(() => c3.modify(DEPLOYMENTS, 'web', 'shop', (d) => void (d.status = { observedGeneration: 2 })), 1_500);
    const waited = await run('status', 'FederatedDeployment', 'web', '-n', 'shop', '--members', '--wait=20s');
    assert.equal(waited.code, 0, waited.stderr);
    const took = Date.now() - started;
    assert.ok(took >= 1_500 && took < 6_000, `ended when c3 rolled out (${took} ms)`);
    assert.match(waited.stdout, /^c3 +rolled-out /m);

    const stuck = setup();
    const timedOut = await stuck.run('status', 'FederatedDeployment', 'web', '-n', 'shop', '--members', '--wait=2s');
    assert.equal(timedOut.code, 1);
    assert.match(timedOut.stderr, /^error: not every member rolled out within 2s: cluster "c3": Waiting for deployment spec update to be observed\.\.\.$/m);
  });

  test('status --check --members over every federated object of the namespace; a member without the object fails it', async () => {
    const { run, c2 } = setup();
    c2.remove(DEPLOYMENTS, 'web', 'shop');
    const check = await run('status', '--check', '--members', '-n', 'shop');
    assert.equal(check.code, 1);
    assert.match(check.stdout, /^Deployment shop\/web$/m);
    assert.match(check.stderr, /^error: status check failed: 2 not rolled out \(see the report\)$/m);
    assert.match(check.stdout, /- Deployment shop\/web: cluster "c2": Deployment not found in the cluster/);
  });

  test('--wait and --member-context need --members', async () => {
    const { host } = setup();
    const result = await runWithFakeEnv(['status', 'FederatedDeployment', 'web', '--wait', '--member-context', 'c2'], createFakeEnv([host]));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--member-context needs --members/);
    assert.match(result.stderr, /--wait needs --members/);
    assert.match(result.stderr, /invalid --member-context "c2": expected CLUSTER=CONTEXT/);
    assert.equal(host.requestsOf('get').length, 0);
  });
});
