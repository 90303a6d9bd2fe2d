// promote against the real KubeFed controller: objects created directly in a member are adopted in
// place (a poller sees no deletion and no uid change; the Deployment keeps its one ReplicaSet),
// later template changes reach the member, and a promotion with adoption disabled is refused
// without writing. Also federate --annotations=overrides: an Ingress carries its annotations in
// every member after creation and after an update of the source.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type E2eEnv, loadE2eEnv } from './harness/env.js';
import { NS, adminContext, describeRun, getObject, kubefedctl, waitForNamespaceGone, writeKubeconfig } from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const MEMBERS = env.clusters.filter((c) => c !== HOST);
const MEMBER = MEMBERS.includes('cluster2') ? 'cluster2' : MEMBERS[0]!;
const APP = `kfc-promote-${process.pid}`;
const ING = `kfc-ingress-${process.pid}`;
const base = ['--kubeconfig', env.kubeconfig, '--host-cluster-context', HOST];
const KUBEFED_CONFIG = `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedconfigs/kubefed`;
const FEDERATED = (plural: string, namespace: string, name?: string) =>
  `/apis/types.kubefed.io/v1beta1/namespaces/${namespace}/${plural}${name ? `/${name}` : ''}`;

async function create(cluster: string, path: string, body: unknown): Promise<any> {
  const response = await env.adminRequest(cluster, 'POST', path, body);
  assert.equal(response.status, 201, `POST ${path} on ${cluster}: ${response.status} ${response.text}`);
  return response.body;
}

async function patch(cluster: string, path: string, body: unknown): Promise<void> {
  const response = await env.adminRequest(cluster, 'PATCH', path, body);
  assert.equal(response.status, 200, `PATCH ${path} on ${cluster}: ${response.status} ${response.text}`);
}

async function setAdoption(value: 'Enabled' | 'Disabled'): Promise<void> {
  await patch(HOST, KUBEFED_CONFIG, { spec: { syncController: { adoptResources: value } } });
}

/** Watches member objects by polling: every GET that found nothing, or another uid, is recorded. */
function startPoller(paths: Record<string, string>, uids: Record<string, string>) {
  const problems: string[] = [];
  let polls = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const [what, path] of Object.entries(paths)) {
        const object = await getObject(env, MEMBER, path).catch((error: unknown) => ({ error }));
        if (object === undefined) problems.push(`${what} was gone (poll ${polls})`);
        else if (!('error' in object) && object.metadata.uid !== uids[what]) problems.push(`${what} has uid ${object.metadata.uid}, not ${uids[what]}`);
      }
      polls++;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  })();
  return {
    problems,
    polls: () => polls,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function replicaSets(cluster: string, namespace: string): Promise<string[]> {
  const response = await env.adminRequest(cluster, 'GET', `/apis/apps/v1/namespaces/${namespace}/replicasets`);
  assert.equal(response.status, 200, response.text);
  return (response.body.items as Array<{ metadata: { uid: string; name: string } }>).map((rs) => `${rs.metadata.name}/${rs.metadata.uid}`).sort();
}

describe('promote and federate --annotations=overrides against KubeFed', { timeout: 900_000 }, () => {
  before(async () => {
    for (const member of MEMBERS) await kubefedctl(env, ['unjoin', member, ...base, '--force']);
    for (const member of MEMBERS) await waitForNamespaceGone(env, member, NS);
    for (const member of MEMBERS) {
      const join = await kubefedctl(env, ['join', member, ...base, '--wait=90s']);
      assert.equal(join.code, 0, describeRun(join));
    }
  });

  after(async () => {
    await setAdoption('Enabled').catch(() => undefined);
    for (const namespace of [APP, ING]) await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${namespace}`);
    for (const namespace of [APP, ING]) await waitForNamespaceGone(env, HOST, namespace).catch(() => undefined);
    for (const member of MEMBERS) await kubefedctl(env, ['unjoin', member, ...base, '--force']);
    for (const member of MEMBERS) for (const namespace of [APP, ING]) await env.adminRequest(member, 'DELETE', `/api/v1/namespaces/${namespace}`);
  });

  test('promote adopts a Deployment, its ConfigMap and a Service running in the member, in place', async () => {
    // What runs in the member today, created there directly (the host has no namespace APP).
    await create(MEMBER, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP, labels: { team: 'shop' } } });
    const configMap = await create(MEMBER, `/api/v1/namespaces/${APP}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { mode: 'fast' },
    });
    const service = await create(MEMBER, `/api/v1/namespaces/${APP}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    const deployment = await create(MEMBER, `/apis/apps/v1/namespaces/${APP}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web', 'only-in-member': 'yes' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', envFrom: [{ configMapRef: { name: 'settings' } }] }] },
        },
      },
    });
    await env.waitFor(async () => (await replicaSets(MEMBER, APP)).length > 0, 60_000, { what: 'the ReplicaSet of web in the member' });
    const replicaSetsBefore = await replicaSets(MEMBER, APP);
    assert.equal(replicaSetsBefore.length, 1);
    const paths = {
      deployment: `/apis/apps/v1/namespaces/${APP}/deployments/web`,
      configMap: `/api/v1/namespaces/${APP}/configmaps/settings`,
      service: `/api/v1/namespaces/${APP}/services/web`,
    };
    const poller = startPoller(paths, { deployment: deployment.metadata.uid, configMap: configMap.metadata.uid, service: service.metadata.uid });
    try {
      // Adoption disabled: refused, and nothing is written anywhere.
      await setAdoption('Disabled');
      try {
        const refused = await kubefedctl(env, ['promote', 'deployments.apps', 'web', '-n', APP, '--cluster', MEMBER, '--dependencies', ...base]);
        assert.equal(refused.code, 1, describeRun(refused));
        assert.match(refused.stderr, /adoptResources is Disabled/, describeRun(refused));
      } finally {
        await setAdoption('Enabled');
      }
      assert.equal(await getObject(env, HOST, `/api/v1/namespaces/${APP}`), undefined, 'refused promotion created the host namespace');
      assert.equal(await getObject(env, HOST, FEDERATED('federateddeployments', APP, 'web')), undefined);
      assert.equal((await getObject(env, MEMBER, paths.deployment)).metadata.labels['kubefed.io/managed'], undefined);

      // The Deployment with its ConfigMap, reading the member with the credentials KubeFed stores
      // for it: the kubeconfig has the host's context only.
      const hostOnly = writeKubeconfig([adminContext(env, HOST)]);
      const promoted = await kubefedctl(env, [
        'promote',
        'deployments.apps',
        'web',
        '-n',
        APP,
        '--cluster',
        MEMBER,
        '--dependencies',
        '--kubeconfig',
        hostOnly,
        '--host-cluster-context',
        HOST,
      ]);
      assert.equal(promoted.code, 0, describeRun(promoted));
      assert.match(promoted.stderr, /KubeFed will adopt Deployment .*changing:/, describeRun(promoted));
      assert.match(promoted.stdout, /federateddeployment\.types\.kubefed\.io\/web created/);
      assert.match(promoted.stdout, /federatedconfigmap\.types\.kubefed\.io\/settings created/);
      // The Service through the member's own context.
      const promotedService = await kubefedctl(env, ['promote', 'services', 'web', '-n', APP, '--cluster', MEMBER, ...base]);
      assert.equal(promotedService.code, 0, describeRun(promotedService));

      // KubeFed adopts: the managed label appears on the running objects.
      for (const [what, path] of Object.entries(paths)) {
        await env.waitFor(async () => (await getObject(env, MEMBER, path))?.metadata.labels?.['kubefed.io/managed'] === 'true', 90_000, {
          what: `KubeFed adopted the ${what}`,
        });
      }
      const federatedDeployment = await getObject(env, HOST, FEDERATED('federateddeployments', APP, 'web'));
      assert.equal(federatedDeployment.metadata.annotations?.['kubefed.io/orphan'], undefined, 'the orphaning of the promotion was not ended');
      // Nothing else was placed: the other members have no such namespace from this promotion.
      for (const other of MEMBERS.filter((m) => m !== MEMBER))
        assert.equal(await getObject(env, other, paths.deployment), undefined, `${other} got the Deployment`);

      // preview --live (the engine promote asked first) agrees that KubeFed has nothing left to do.
      await env.waitFor(
        async () => {
          const preview = await kubefedctl(env, ['preview', 'deployments.apps', 'web', '-n', APP, '--live', '-o', 'json', ...base]);
          const clusters = JSON.parse(preview.stdout || '{}').clusters as Array<{ name: string; items: Array<{ action: string }> }> | undefined;
          return clusters?.find((cluster) => cluster.name === MEMBER)?.items[0]?.action === 'unchanged';
        },
        60_000,
        { what: `preview --live showing the adopted Deployment unchanged in ${MEMBER}` },
      );

      // Later changes to the template reach the member.
      await patch(HOST, FEDERATED('federateddeployments', APP, 'web'), { spec: { template: { spec: { replicas: 3 } } } });
      await patch(HOST, FEDERATED('federatedconfigmaps', APP, 'settings'), { spec: { template: { data: { mode: 'slow' } } } });
      await env.waitFor(async () => (await getObject(env, MEMBER, paths.deployment))?.spec.replicas === 3, 60_000, { what: 'replicas 3 in the member' });
      await env.waitFor(async () => (await getObject(env, MEMBER, paths.configMap))?.data?.mode === 'slow', 60_000, { what: 'mode slow in the member' });
      // Give the deployment controller time to act on anything the adoption changed.
      await new Promise((resolve) => setTimeout(resolve, 3000));
    } finally {
      await poller.stop();
    }
    assert.ok(poller.polls() > 10, `the poller ran ${poller.polls()} times`);
    assert.deepEqual(poller.problems, [], 'a member object was deleted or replaced');
    assert.deepEqual(await replicaSets(MEMBER, APP), replicaSetsBefore, 'the promotion caused a rollout (a new ReplicaSet)');
  });

  test('federate --contents --annotations=overrides: an Ingress carries its annotations in every member, after creation and after an update', async () => {
    await create(HOST, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ING } });
    const ingressPath = `/apis/networking.k8s.io/v1/namespaces/${ING}/ingresses`;
    await create(HOST, ingressPath, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/', 'example.com/owner': 'team-a' } },
      spec: {
        rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
      },
    });
    const federated = await kubefedctl(env, ['federate', 'namespace', ING, '--contents', '--annotations=overrides', ...base]);
    assert.equal(federated.code, 0, describeRun(federated));
    assert.doesNotMatch(federated.stderr, /will not appear in the template/);
    const annotationsIn = async (member: string) => (await getObject(env, member, `${ingressPath}/web`))?.metadata.annotations;
    for (const member of MEMBERS) {
      await env.waitFor(async () => (await annotationsIn(member))?.['example.com/owner'] === 'team-a', 90_000, {
        what: `the Ingress with its annotations in ${member}`,
      });
      assert.equal((await annotationsIn(member))['nginx.ingress.kubernetes.io/rewrite-target'], '/');
    }

    // The source changes; federating it again updates the overrides, and KubeFed the members.
    await patch(HOST, `${ingressPath}/web`, { metadata: { annotations: { 'example.com/owner': 'team-b', 'example.com/tier': 'edge' } } });
    const again = await kubefedctl(env, ['federate', 'ingresses.networking.k8s.io', 'web', '-n', ING, '--annotations=overrides', ...base]);
    assert.equal(again.code, 0, describeRun(again));
    assert.match(again.stdout, /updated/);
    for (const member of MEMBERS) {
      await env.waitFor(async () => (await annotationsIn(member))?.['example.com/owner'] === 'team-b', 90_000, {
        what: `the updated annotations in ${member}`,
      });
      const annotations = await annotationsIn(member);
      assert.equal(annotations['example.com/tier'], 'edge');
      assert.equal(annotations['nginx.ingress.kubernetes.io/rewrite-target'], '/');
    }
    // preview --live agrees: nothing left to do in any member.
    const preview = await kubefedctl(env, ['preview', 'ingresses.networking.k8s.io', 'web', '-n', ING, '--live', '-o', 'json', ...base]);
    assert.equal(preview.code, 0, describeRun(preview));
    const clusters = (
      JSON.parse(preview.stdout) as {
        clusters: Array<{ name: string; items: Array<{ action: string; object: { metadata: { annotations?: Record<string, string> } } | null }> }>;
      }
    ).clusters;
    for (const member of MEMBERS) {
      const item = clusters.find((cluster) => cluster.name === member)?.items[0];
      assert.equal(item?.action, 'unchanged', `${member}\n${describeRun(preview)}`);
      assert.equal(item.object?.metadata.annotations?.['example.com/owner'], 'team-b');
    }
  });
});
