// kubefedctl promote against an in-memory host cluster and member: what it creates, what it shows,
// what it refuses (without writing), and that a rolled-back promotion never lets KubeFed delete the
// running member object. The e2e test (test/e2e/promote.test.ts) proves adoption by the real KubeFed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GroupVersionResource, KubeObject } from '../../src/core/types.js';
import { FakeCluster, apiError, createFakeEnv, describeRequest, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';
const FED = (resource: string): GroupVersionResource => ({ group: 'types.kubefed.io', version: 'v1beta1', resource });
const ORPHAN = 'kubefed.io/orphan';

function deployment(name: string, configMap: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: name, 'only-in-member': 'yes' },
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      generation: 1,
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'c', image: 'nginx', envFrom: [{ configMapRef: { name: configMap } }] }],
          volumes: [{ name: 'opt', configMap: { name: 'absent', optional: true } }],
        },
      },
    },
    status: { replicas: 1 },
  };
}

function setup(options: { adoptResources?: 'Enabled' | 'Disabled'; enable?: string[] } = {}) {
  const host = new FakeCluster({ contextName: 'host' }).installKubeFed();
  for (const type of options.enable ?? ['deployments.apps', 'configmaps', 'namespaces']) host.enableType(type);
  host.add(
    {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedConfig',
      metadata: { name: 'kubefed', namespace: NS },
      spec: { scope: 'Cluster', syncController: { adoptResources: options.adoptResources ?? 'Enabled' } },
    },
    {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedCluster',
      metadata: { name: 'cluster2', namespace: NS },
      spec: { apiEndpoint: 'https://cluster2.fake.invalid:6443', secretRef: { name: 'cluster2-x' } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    },
  );
  const member = new FakeCluster({ contextName: 'cluster2' });
  member.add(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
    deployment('web', 'web-settings'),
    deployment('api', 'api-settings'),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-settings', namespace: 'shop' }, data: { mode: 'fast' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-settings', namespace: 'shop' }, data: { mode: 'slow' } },
  );
  return { host, member, fake: createFakeEnv([host, member]) };
}

describe('kubefedctl promote', () => {
  test('creates the Federated objects placed on the member only, shows what KubeFed changes, writes nothing in the member', async () => {
    const { host, member, fake } = setup();
    const result = await runWithFakeEnv(
      ['promote', 'deployments.apps', 'web', '-n', 'shop', '--cluster', 'cluster2', '--dependencies', '--host-cluster-context', 'host'],
      fake,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(member.writes(), []);
    assert.deepEqual(
      host
        .writes()
        .filter((request) => request.verb === 'create')
        .map(describeRequest),
      [
        'create namespaces shop',
        'create federatednamespaces shop/shop',
        'create federatedconfigmaps shop/web-settings',
        'create federateddeployments shop/web',
      ],
    );
    const federated = host.peek(FED('federateddeployments'), 'web', 'shop')!;
    assert.deepEqual((federated.spec as { placement: unknown }).placement, { clusters: [{ name: 'cluster2' }] });
    assert.deepEqual((federated.spec as { template: { metadata: unknown } }).template.metadata, { labels: { app: 'web', 'only-in-member': 'yes' } });
    // Complete: the orphaning that protected a rollback is gone.
    for (const gvr of [FED('federateddeployments'), FED('federatedconfigmaps'), FED('federatednamespaces')]) {
      for (const object of host.all(gvr)) assert.equal(object.metadata.annotations?.[ORPHAN], undefined, `${object.kind} still orphans`);
    }
    assert.deepEqual((host.peek(FED('federatednamespaces'), 'shop', 'shop')!.spec as { template: unknown }).template, { metadata: { labels: { team: 'a' } } });
    assert.match(
      result.stderr,
      /KubeFed will adopt Deployment shop\/web in cluster "cluster2", changing:\n\s+\+ metadata\.labels\.kubefed\.io\/managed: "true"/,
    );
    assert.match(result.stdout, /federateddeployment\.types\.kubefed\.io\/web created/);
  });

  test('refuses without writing anything when adoption is disabled', async () => {
    const { host, member, fake } = setup({ adoptResources: 'Disabled' });
    const result = await runWithFakeEnv(['promote', 'deploy', 'web', '-n', 'shop', '--cluster', 'cluster2', '--host-cluster-context', 'host'], fake);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /adoptResources is Disabled/);
    assert.match(result.stderr, /adoptResources: Enabled/);
    assert.deepEqual(host.writes(), []);
    assert.deepEqual(member.writes(), []);
  });

  test('refuses a type that is not enabled, naming the enable command', async () => {
    const { host, fake } = setup({ enable: ['configmaps', 'namespaces'] });
    const result = await runWithFakeEnv(['promote', 'deploy', 'web', '-n', 'shop', '--cluster', 'cluster2', '--host-cluster-context', 'host'], fake);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /kubefedctl enable deployments\.apps/);
    assert.deepEqual(host.writes(), []);
  });

  test('-o yaml prints the objects and writes nothing', async () => {
    const { host, fake } = setup();
    const result = await runWithFakeEnv(
      ['promote', 'deploy', 'web', '-n', 'shop', '--cluster', 'cluster2', '--host-cluster-context', 'host', '-o', 'yaml'],
      fake,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /kind: FederatedDeployment/);
    assert.doesNotMatch(result.stdout, new RegExp(ORPHAN));
    assert.deepEqual(host.writes(), []);
  });

  test('several objects: one that fails is rolled back on its own, its Federated objects deleted only while they orphan', async () => {
    const { host, fake } = setup();
    // A 403: a 5xx would be an unknown outcome, which the applier settles by reading and retrying.
    host.failOn({
      verb: 'create',
      resource: 'federateddeployments',
      name: 'api',
      error: apiError(403, 'federateddeployments.types.kubefed.io is forbidden', { reason: 'Forbidden' }),
    });
    const result = await runWithFakeEnv(
      ['promote', 'deploy', 'web', 'api', '-n', 'shop', '--cluster', 'cluster2', '--dependencies', '--host-cluster-context', 'host'],
      fake,
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /1 of 2 object\(s\) could not be promoted/);
    assert.ok(host.peek(FED('federateddeployments'), 'web', 'shop'), 'web is promoted');
    assert.equal(host.peek(FED('federatedconfigmaps'), 'api-settings', 'shop'), undefined, "api's ConfigMap is rolled back");
    const deletes = host.requestsOf('delete');
    assert.deepEqual(deletes.map(describeRequest), ['delete federatedconfigmaps shop/api-settings']);
    // Deleting a Federated object makes KubeFed delete its member objects unless it orphans them:
    // every deleted one was created orphaning and never had the annotation removed.
    for (const deleted of deletes) {
      const created = host.requestsOf('create').find((request) => request.name === deleted.name || (request.body as KubeObject).metadata.name === deleted.name);
      assert.equal((created?.body as KubeObject | undefined)?.metadata.annotations?.[ORPHAN], 'true', `${deleted.name} was created without ${ORPHAN}`);
      assert.ok(!host.requestsOf('patch').some((request) => request.name === deleted.name), `${ORPHAN} was removed from ${deleted.name} before its deletion`);
    }
  });

  test('reads the member with the context named like the cluster, else needs credentials KubeFed stores', async () => {
    const { fake } = setup();
    const result = await runWithFakeEnv(
      ['promote', 'deploy', 'web', '-n', 'shop', '--cluster', 'cluster2', '--host-cluster-context', 'host', '--dry-run'],
      fake,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(fake.clientCalls.includes('cluster2'));
    assert.match(result.stdout, /federateddeployment\.types\.kubefed\.io\/web created \(dry run\)/);
  });

  test('usage errors', async () => {
    const { fake } = setup();
    const result = await runWithFakeEnv(['promote', 'deploy', 'web', '-l', 'app=web'], fake);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot be combined/);
    assert.match(result.stderr, /--cluster is required/);
  });
});
