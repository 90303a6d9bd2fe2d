// Proves the harness's Karmada control plane (KUBEFEDCTL_E2E_KARMADA=1) is real: a member registered in Push
// mode becomes Ready, a Deployment with a PropagationPolicy in Karmada reaches it carrying Karmada's label,
// deleting the template removes it again, and unregistering leaves the clusters as they were.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadE2eEnv, uniqueName, type E2eEnv } from './harness/env.js';
import {
  CLUSTERS_PATH,
  executionNamespace,
  KARMADA_CLUSTER_NAMESPACE,
  KARMADA_MANAGED_LABEL,
  karmadaApi,
  karmadaPath,
  registerMember,
  unregisterMember,
  type KarmadaApi,
} from './karmada-support.js';

let env: E2eEnv;
let karmada: KarmadaApi | undefined;
const cleanups: Array<() => Promise<unknown>> = [];

before(() => {
  env = loadE2eEnv();
  karmada = karmadaApi(env);
});

after(async () => {
  for (const fn of cleanups.reverse()) {
    await fn().catch((err: unknown) => console.error(`cleanup: ${err instanceof Error ? err.message : String(err)}`));
  }
});

const deploymentsPath = (ns: string, name?: string): string => `/apis/apps/v1/namespaces/${ns}/deployments${name ? `/${name}` : ''}`;

describe('Karmada control plane in the e2e environment', () => {
  test('a member registered in Push mode receives a propagated Deployment, and unregistering leaves nothing behind', async (t) => {
    if (!karmada) {
      t.skip('no `karmada` context in the environment kubeconfig (start it with KUBEFEDCTL_E2E_KARMADA=1)');
      return;
    }
    const k = karmada;
    const member = env.clusters[1]!;
    const before404 = await env.adminRequest(member, 'GET', `/api/v1/namespaces/${KARMADA_CLUSTER_NAMESPACE}`);
    assert.equal(before404.status, 404, `${member} already has ${KARMADA_CLUSTER_NAMESPACE}: is it registered with Karmada by someone else?`);
    assert.equal((await k.request('GET', `${CLUSTERS_PATH}/${member}`)).status, 404, `Karmada already has a Cluster ${member}`);

    const ns = uniqueName('e2e-karmada');
    cleanups.push(async () => {
      await k.request('DELETE', `/api/v1/namespaces/${ns}`);
      await env.adminRequest(member, 'DELETE', `/api/v1/namespaces/${ns}`);
      await env.waitFor(async () => (await env.adminRequest(member, 'GET', `/api/v1/namespaces/${ns}`)).status === 404, 60_000, {
        what: `${member} namespace ${ns} gone`,
      });
    });
    cleanups.push(() => unregisterMember(env, k, member));

    const t0 = Date.now();
    await registerMember(env, k, member);
    const joinSeconds = (Date.now() - t0) / 1000;

    // A template and a policy in Karmada; Karmada's namespace controller propagates the namespace itself.
    assert.equal((await k.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status, 201);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    };
    const created = await k.request('POST', deploymentsPath(ns), deployment);
    assert.equal(created.status, 201, created.text);
    const policy = {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'PropagationPolicy',
      metadata: { name: 'web', namespace: ns },
      spec: {
        resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }],
        placement: { clusterAffinity: { clusterNames: [member] } },
      },
    };
    const pp = await k.request('POST', karmadaPath('policy', 'propagationpolicies', ns), policy);
    assert.equal(pp.status, 201, pp.text);
    // The webhook is what makes propagation work at all: it stamps the policy's permanent id.
    assert.ok(
      pp.body.metadata.labels?.['propagationpolicy.karmada.io/permanent-id'],
      `PropagationPolicy has no permanent-id label (webhook not called?): ${JSON.stringify(pp.body.metadata)}`,
    );

    const t1 = Date.now();
    const placed = await env.waitFor(
      async () => {
        const r = await env.adminRequest(member, 'GET', deploymentsPath(ns, 'web'));
        return r.status === 200 ? r.body : undefined;
      },
      60_000,
      { what: `Deployment ${ns}/web in ${member}` },
    );
    const propagateSeconds = (Date.now() - t1) / 1000;
    assert.equal(placed.metadata.labels?.[KARMADA_MANAGED_LABEL], 'true', JSON.stringify(placed.metadata.labels));
    assert.equal(placed.spec.replicas, 2);

    // The Work that carried it is in the member's execution namespace and reports Applied.
    const works = await k.request('GET', karmadaPath('work', 'works', executionNamespace(member)));
    assert.equal(works.status, 200, works.text);
    const work = works.body.items.find((w: any) =>
      w.spec?.workload?.manifests?.some((m: any) => m.kind === 'Deployment' && m.metadata?.name === 'web' && m.metadata?.namespace === ns),
    );
    assert.ok(work, `no Work for ${ns}/web in ${executionNamespace(member)}`);
    await env.waitFor(
      async () => {
        const w = await k.request('GET', karmadaPath('work', 'works', executionNamespace(member), work.metadata.name));
        return (w.body?.status?.conditions ?? []).some((c: any) => c.type === 'Applied' && c.status === 'True');
      },
      30_000,
      { what: `Work ${work.metadata.name} Applied` },
    );

    // Deleting the template removes what Karmada placed.
    assert.equal((await k.request('DELETE', deploymentsPath(ns, 'web'))).status, 200);
    await env.waitFor(async () => (await env.adminRequest(member, 'GET', deploymentsPath(ns, 'web'))).status === 404, 60_000, {
      what: `${member} Deployment ${ns}/web deleted by Karmada`,
    });
    assert.equal((await k.request('DELETE', karmadaPath('policy', 'propagationpolicies', ns, 'web'))).status, 200);
    t.diagnostic(`Cluster ${member} Ready ${joinSeconds.toFixed(1)}s after the join began; Deployment reached it in ${propagateSeconds.toFixed(2)}s`);

    // Unregister, then check the member and Karmada hold nothing of the registration.
    await unregisterMember(env, k, member);
    cleanups.pop();
    assert.equal((await k.request('GET', `${CLUSTERS_PATH}/${member}`)).status, 404);
    assert.equal((await env.adminRequest(member, 'GET', `/api/v1/namespaces/${KARMADA_CLUSTER_NAMESPACE}`)).status, 404);
    const roles = await env.adminRequest(member, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles');
    const left = roles.body.items.map((r: any) => r.metadata.name as string).filter((n: string) => n.startsWith('karmada'));
    assert.deepEqual(left, [], `ClusterRoles left in ${member}: ${left.join(', ')}`);
  });
});
