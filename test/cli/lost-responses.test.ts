// enable, federate and disable when the answer to a write is lost: the server did the write, the
// client saw a reset. The one applier settles each such write by reading back (and, for a patch,
// sending it again), so the command ends as a clean run does and nothing is written twice.
// Join and unjoin get the same against real apiservers in test/e2e/faults.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GVR } from '../../src/core/gvr.js';
import type { KubeObject } from '../../src/core/types.js';
import { FakeCluster, apiError, createFakeEnv, describeRequest, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';
const CRD = 'federateddeployments.types.kubefed.io';
const FEDERATED_DEPLOYMENTS = { group: 'types.kubefed.io', version: 'v1beta1', resource: 'federateddeployments' };
const FEDERATED_CONFIGMAPS = { group: 'types.kubefed.io', version: 'v1beta1', resource: 'federatedconfigmaps' };

const RUNNING = { propagationController: 'Running' };

const lostAnswer = () => apiError(0, 'read ECONNRESET (the connection was reset)');

const run = (cluster: FakeCluster, ...args: string[]) => runWithFakeEnv(args, createFakeEnv(cluster));

/** What a command left: the objects of these types, without what the server sets. */
function contents(cluster: FakeCluster, ...gvrs: Array<{ group: string; version: string; resource: string }>): string {
  const strip = ({ metadata: { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, generation: _g, ...metadata }, ...rest }: KubeObject) => ({
    ...rest,
    metadata,
  });
  return JSON.stringify(gvrs.map((gvr) => cluster.all(gvr).map(strip)));
}

/** The writes a command made, as "verb resource namespace/name". */
const writesOf = (cluster: FakeCluster, from = 0) => cluster.writes().slice(from).map(describeRequest);

describe('enable: the answer to a write is lost', () => {
  const clean = async () => {
    const cluster = new FakeCluster().installKubeFed();
    const result = await run(cluster, 'enable', 'deployments.apps');
    assert.equal(result.code, 0, result.stderr);
    return { cluster, result };
  };

  for (const resource of ['customresourcedefinitions', 'federatedtypeconfigs']) {
    test(`the create of the ${resource === 'customresourcedefinitions' ? 'CRD' : 'FederatedTypeConfig'}: read back, not created twice`, async () => {
      const reference = await clean();
      const cluster = new FakeCluster().installKubeFed().failOn({ verb: 'create', resource, afterApplied: true, error: lostAnswer() });
      const result = await run(cluster, 'enable', 'deployments.apps');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, reference.result.stdout);
      assert.deepEqual(writesOf(cluster), writesOf(reference.cluster), 'one create each: the lost one was found by a GET');
      assert.equal(
        contents(cluster, GVR.customResourceDefinitions, GVR.federatedTypeConfigs),
        contents(reference.cluster, GVR.customResourceDefinitions, GVR.federatedTypeConfigs),
      );
    });
  }

  test('re-enable: the CRD update and the FederatedTypeConfig patch, each with its answer lost', async () => {
    const { cluster } = await clean();
    cluster.modify(GVR.federatedTypeConfigs, 'deployments.apps', NS, (ftc) => {
      (ftc.spec as Record<string, unknown>).propagation = 'Disabled';
    });
    cluster.failOn({ verb: 'update', resource: 'customresourcedefinitions', afterApplied: true, error: lostAnswer() });
    cluster.failOn({ verb: 'patch', resource: 'federatedtypeconfigs', afterApplied: true, error: lostAnswer() });
    const before = cluster.writes().length;
    const result = await run(cluster, 'enable', 'deploy');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `customresourcedefinition.apiextensions.k8s.io/${CRD} updated\nfederatedtypeconfig.core.kubefed.io/deployments.apps updated in namespace ${NS}\n`,
    );
    // The update was found done by a GET; the merge patch, idempotent, was sent again.
    assert.deepEqual(writesOf(cluster, before), [
      `update customresourcedefinitions ${CRD}`,
      `patch federatedtypeconfigs ${NS}/deployments.apps`,
      `patch federatedtypeconfigs ${NS}/deployments.apps`,
    ]);
    assert.equal((cluster.peek(GVR.federatedTypeConfigs, 'deployments.apps', NS)?.spec as { propagation: string }).propagation, 'Enabled');
  });
});

describe('federate: the answer to a write is lost', () => {
  const host = () =>
    new FakeCluster({ contextName: 'cluster1' })
      .installKubeFed()
      .enableType('namespaces', RUNNING)
      .enableType('configmaps', RUNNING)
      .enableType('deployments.apps', RUNNING)
      .add(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'app', labels: { app: 'web' } }, spec: { replicas: 2 } },
        ...Array.from({ length: 6 }, (_, i) => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${i}`, namespace: 'app' },
          data: { index: String(i) },
        })),
      );

  test('TYPE NAME: a lost create is read back; a lost update is found done', async () => {
    const cluster = host().failOn({ verb: 'create', resource: 'federateddeployments', afterApplied: true, error: lostAnswer() });
    const created = await run(cluster, 'federate', 'deploy', 'web', '-n', 'app');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'federateddeployment.types.kubefed.io/web created\n');
    assert.deepEqual(writesOf(cluster), ['create federateddeployments app/web']);

    cluster.modify({ group: 'apps', version: 'v1', resource: 'deployments' }, 'web', 'app', (d) => {
      (d.spec as { replicas: number }).replicas = 5;
    });
    cluster.failOn({ verb: 'update', resource: 'federateddeployments', afterApplied: true, error: lostAnswer() });
    const updated = await run(cluster, 'federate', 'deploy', 'web', '-n', 'app');
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal(updated.stdout, 'federateddeployment.types.kubefed.io/web updated\n');
    assert.deepEqual(writesOf(cluster), ['create federateddeployments app/web', 'update federateddeployments app/web'], 'the update is not sent twice');
    assert.deepEqual((cluster.peek(FEDERATED_DEPLOYMENTS, 'web', 'app')?.spec as { template: { spec: unknown } }).template.spec, { replicas: 5 });
  });

  const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
  const replicas = (cluster: FakeCluster, n: number) =>
    cluster.modify(DEPLOYMENTS, 'web', 'app', (d) => {
      (d.spec as { replicas: number }).replicas = n;
    });
  const templateOf = (cluster: FakeCluster) => (cluster.peek(FEDERATED_DEPLOYMENTS, 'web', 'app')?.spec as { template: { spec: unknown } }).template.spec;

  test('TYPE NAME: the update of an existing federated object carries the resourceVersion it read (a real server refuses a custom resource update without one: 422)', async () => {
    const cluster = host();
    assert.equal((await run(cluster, 'federate', 'deploy', 'web', '-n', 'app')).code, 0);
    const read = cluster.peek(FEDERATED_DEPLOYMENTS, 'web', 'app')!.metadata.resourceVersion;
    replicas(cluster, 7);
    const updated = await run(cluster, 'federate', 'deploy', 'web', '-n', 'app');
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal(updated.stdout, 'federateddeployment.types.kubefed.io/web updated\n');
    const sent = cluster.requestsOf('update', 'federateddeployments').map((r) => (r.body as KubeObject).metadata.resourceVersion);
    assert.deepEqual(sent, [read]);
    assert.deepEqual(templateOf(cluster), { replicas: 7 });
  });

  test('TYPE NAME: an update whose answer is lost before it arrived is sent again at the resourceVersion read back', async () => {
    const cluster = host();
    assert.equal((await run(cluster, 'federate', 'deploy', 'web', '-n', 'app')).code, 0);
    replicas(cluster, 4);
    // A controller writes the object after our read: the resend must use what the settling read found.
    cluster.failOn({
      verb: 'update',
      resource: 'federateddeployments',
      error: () => {
        cluster.modify(FEDERATED_DEPLOYMENTS, 'web', 'app', (o) => {
          o.metadata.annotations = { touched: 'by-a-controller' };
        });
        return lostAnswer();
      },
    });
    const updated = await run(cluster, 'federate', 'deploy', 'web', '-n', 'app');
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal(updated.stdout, 'federateddeployment.types.kubefed.io/web updated\n');
    const sent = cluster.requestsOf('update', 'federateddeployments').map((r) => (r.body as KubeObject).metadata.resourceVersion);
    assert.equal(sent.length, 2);
    assert.notEqual(sent[1], sent[0], 'the resend carries the resourceVersion the read found');
    assert.deepEqual(templateOf(cluster), { replicas: 4 });
  });

  test('TYPE NAME: an update that conflicts (the object changed after it was read: 409) fails cleanly, keeps the other change, and a re-run updates', async () => {
    const cluster = host();
    assert.equal((await run(cluster, 'federate', 'deploy', 'web', '-n', 'app')).code, 0);
    replicas(cluster, 3);
    let touched = false;
    const touchOnce = () => {
      if (touched) return;
      touched = true;
      cluster.modify(FEDERATED_DEPLOYMENTS, 'web', 'app', (o) => {
        o.metadata.labels = { ...o.metadata.labels, touched: 'by-someone' };
      });
    };
    cluster.after('get', 'federateddeployments', touchOnce).after('list', 'federateddeployments', touchOnce);
    const conflicted = await run(cluster, 'federate', 'deploy', 'web', '-n', 'app');
    assert.ok(touched, 'the object changed between the read and the update');
    assert.equal(conflicted.code, 1, conflicted.stderr);
    assert.match(conflicted.stderr, /^error: .*Error updating federated resource.*the object has been modified/m);
    assert.equal(cluster.peek(FEDERATED_DEPLOYMENTS, 'web', 'app')?.metadata.labels?.touched, 'by-someone', 'the other change is not overwritten');
    const again = await run(cluster, 'federate', 'deploy', 'web', '-n', 'app');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(templateOf(cluster), { replicas: 3 });
  });

  test('--contents: every write whose answer is lost still counts as written, once', async () => {
    const reference = host();
    const clean = await run(reference, 'federate', 'namespace', 'app', '--contents');
    assert.equal(clean.code, 0, clean.stderr);
    const cluster = host();
    for (const nth of [1, 3, 6]) cluster.failOn({ verb: 'create', resource: 'federatedconfigmaps', nth, afterApplied: true, error: lostAnswer() });
    const result = await run(cluster, 'federate', 'namespace', 'app', '--contents');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, clean.stdout);
    assert.equal(cluster.requestsOf('create', 'federatedconfigmaps').length, 6, 'six creates, none repeated');
    assert.equal(contents(cluster, FEDERATED_CONFIGMAPS, FEDERATED_DEPLOYMENTS), contents(reference, FEDERATED_CONFIGMAPS, FEDERATED_DEPLOYMENTS));
  });
});

describe('disable: the answer to a write is lost', () => {
  test('the patch, the CRD delete and the FederatedTypeConfig delete: each settled, the Go lines as in a clean run', async () => {
    const reference = new FakeCluster().installKubeFed().enableType('deployments.apps', RUNNING).stopsPropagationControllerAfterPatch(10);
    const clean = await run(reference, 'disable', 'deployments.apps', '--delete-crd');
    assert.equal(clean.code, 0, clean.stderr);

    const cluster = new FakeCluster().installKubeFed().enableType('deployments.apps', RUNNING).stopsPropagationControllerAfterPatch(10);
    cluster.failOn({ verb: 'patch', resource: 'federatedtypeconfigs', afterApplied: true, error: lostAnswer() });
    cluster.failOn({ verb: 'delete', resource: 'customresourcedefinitions', afterApplied: true, error: lostAnswer() });
    cluster.failOn({ verb: 'delete', resource: 'federatedtypeconfigs', afterApplied: true, error: lostAnswer() });
    const result = await run(cluster, 'disable', 'deployments.apps', '--delete-crd');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, clean.stdout);
    assert.equal(cluster.peek(GVR.customResourceDefinitions, CRD), undefined);
    assert.equal(cluster.peek(GVR.federatedTypeConfigs, 'deployments.apps', NS), undefined);
    // The patch, idempotent, was sent once more; each delete was found done by a GET (404), not sent again.
    assert.deepEqual(
      writesOf(cluster),
      writesOf(reference).flatMap((write) => (write.startsWith('patch') ? [write, write] : [write])),
    );
    assert.equal(
      cluster.requestsOf('get', 'customresourcedefinitions').filter((r) => r.name === CRD).length,
      reference.requestsOf('get', 'customresourcedefinitions').filter((r) => r.name === CRD).length + 1,
    );
  });
});

describe('orphaning-deletion: the answer to the patch is lost', () => {
  for (const [verb, before, after] of [
    ['enable', undefined, 'true'],
    ['disable', 'true', undefined],
  ] as const) {
    test(`${verb}: settled by a read and the patch sent again; the clean run's line, the annotation as asked`, async () => {
      const cluster = new FakeCluster().installKubeFed().enableType('deployments.apps', RUNNING);
      cluster.put(FEDERATED_DEPLOYMENTS, {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedDeployment',
        metadata: { name: 'web', namespace: 'app', ...(before ? { annotations: { 'kubefed.io/orphan': before } } : {}) },
        spec: {},
      });
      cluster.failOn({ verb: 'patch', resource: 'federateddeployments', afterApplied: true, error: lostAnswer() });
      const result = await run(cluster, 'orphaning-deletion', verb, 'fdeploy', 'web', '-n', 'app');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `federateddeployment.types.kubefed.io/web orphaning deletion ${verb}d\n`);
      assert.equal(cluster.peek(FEDERATED_DEPLOYMENTS, 'web', 'app')?.metadata.annotations?.['kubefed.io/orphan'], after);
      assert.deepEqual(
        writesOf(cluster).filter((w) => w.startsWith('patch')),
        ['patch federateddeployments app/web', 'patch federateddeployments app/web'],
      );
    });
  }
});
