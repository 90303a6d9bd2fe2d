// Proves the e2e environment is made of real, working control planes: CRUD in every cluster, client-cert and
// service-account-token authentication, kube-controller-manager behaviour (token Secrets, namespace deletion,
// default ServiceAccounts, Deployments -> ReplicaSets -> Pods) and a working KubeFed v0.10.0 controller.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { kubeRequest } from './harness/kube.js';
import { loadE2eEnv, uniqueName, type ClusterState, type Credentials, type E2eEnv, type KubeResponse } from './harness/env.js';

let env: E2eEnv;
/** cluster -> namespaces this file created (deleted in `after`). */
const createdNamespaces: Array<[string, string]> = [];
const cleanups: Array<() => Promise<unknown>> = [];

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

async function createNamespace(cluster: string, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  const r = await env.adminRequest(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.equal(r.status, 201, r.text);
  createdNamespaces.push([cluster, name]);
  return name;
}

async function create(cluster: string, path: string, obj: unknown): Promise<any> {
  const r = await env.adminRequest(cluster, 'POST', path, obj);
  assert.equal(r.status, 201, `POST ${path} on ${cluster}: ${r.text}`);
  return r.body;
}

before(() => {
  env = loadE2eEnv();
});

// Leave the clusters as found: later test files snapshot them, so wait until namespaces are really gone.
after(async () => {
  for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  await Promise.all(
    createdNamespaces.map(async ([c, ns]) => {
      await env.adminRequest(c, 'DELETE', `/api/v1/namespaces/${ns}`).catch(() => undefined);
      await env
        .waitFor(async () => (await env.adminRequest(c, 'GET', `/api/v1/namespaces/${ns}`)).status === 404, 60_000, { what: `namespace ${ns} deleted` })
        .catch((err: unknown) => console.error(`cleanup: ${err instanceof Error ? err.message : String(err)}`));
    }),
  );
});

describe('e2e environment', () => {
  test('has a host and at least one member cluster in the kubeconfig', () => {
    assert.ok(env.clusters.includes('cluster1'));
    assert.ok(env.clusters.includes('cluster2'));
    const kubeconfig = readFileSync(env.kubeconfig, 'utf8');
    assert.match(kubeconfig, /current-context: cluster1/);
    for (const c of env.clusters) assert.match(env.server(c), /^https:\/\//);
  });

  test('admin can create and read objects in every cluster', async () => {
    for (const cluster of env.clusters) {
      const ns = await createNamespace(cluster, 'e2e-env-crud');
      await create(cluster, `/api/v1/namespaces/${ns}/configmaps`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'probe' },
        data: { cluster },
      });
      const got = await env.adminRequest(cluster, 'GET', `/api/v1/namespaces/${ns}/configmaps/probe`);
      assert.equal(got.status, 200);
      assert.equal(got.body.data.cluster, cluster);
      const version = await env.adminRequest(cluster, 'GET', '/version');
      assert.equal(version.status, 200);
      assert.match(version.body.gitVersion, /^v1\.\d+\.\d+/);
    }
  });

  test('clusters are separate (an object in cluster1 is not in cluster2)', async () => {
    const ns = await createNamespace('cluster1', 'e2e-env-sep');
    const other = await env.adminRequest('cluster2', 'GET', `/api/v1/namespaces/${ns}`);
    assert.equal(other.status, 404);
  });

  test('admin client certificate (O=system:masters) authenticates', async (t) => {
    const state = env.state;
    if (!state) {
      t.skip('needs the harness-started environment');
      return;
    }
    for (const cluster of env.clusters) {
      const c: ClusterState = state.clusters[cluster]!;
      const creds: Credentials = { server: c.server, ca: readFileSync(c.caFile), cert: readFileSync(c.adminCertFile), key: readFileSync(c.adminKeyFile) };
      const r: KubeResponse = await kubeRequest(creds, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.status.userInfo.username, 'admin');
      assert.ok(r.body.status.userInfo.groups.includes('system:masters'));
      const anonymous: KubeResponse = await kubeRequest({ server: c.server, ca: readFileSync(c.caFile) }, 'GET', '/api/v1/namespaces');
      assert.equal(anonymous.status, 403, 'anonymous requests are authorized by RBAC, not allowed');
    }
  });

  test('every namespace gets the default ServiceAccount and the kube-root-ca.crt ConfigMap', async () => {
    for (const cluster of env.clusters) {
      const ns = await createNamespace(cluster, 'e2e-env-sa');
      await env.waitFor(async () => (await env.adminRequest(cluster, 'GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200, 30_000, {
        what: `default ServiceAccount in ${cluster}/${ns}`,
      });
      const cm = await env.waitFor(async () => {
        const r = await env.adminRequest(cluster, 'GET', `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`);
        return r.status === 200 ? r.body : undefined;
      }, 30_000);
      const ca = env.caPem(cluster);
      if (ca !== undefined) assert.equal(cm.data['ca.crt'].trim(), ca.trim());
    }
  });

  test('a service-account-token Secret gets a working token, refused once its ServiceAccount is deleted', async () => {
    const cluster = 'cluster2';
    const ns = await createNamespace(cluster, 'e2e-env-token');
    await create(cluster, `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    await create(cluster, `/api/v1/namespaces/${ns}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'robot-token', annotations: { 'kubernetes.io/service-account.name': 'robot' } },
    });
    const t0 = Date.now();
    const secret = await env.waitFor(
      async () => {
        const r = await env.adminRequest(cluster, 'GET', `/api/v1/namespaces/${ns}/secrets/robot-token`);
        return r.status === 200 && r.body.data?.token ? r.body : undefined;
      },
      15_000,
      { what: 'token in the service-account-token Secret' },
    );
    assert.ok(Date.now() - t0 < 15_000);
    const token = unb64(secret.data.token);
    assert.equal(unb64(secret.data.namespace), ns);
    const ca = env.caPem(cluster);
    if (ca !== undefined) assert.equal(unb64(secret.data['ca.crt']).trim(), ca.trim());

    const base = env.credentials(cluster);
    const asRobot = { server: base.server, ...(base.ca !== undefined ? { ca: base.ca } : {}), token };
    const api = await kubeRequest(asRobot, 'GET', '/api');
    assert.equal(api.status, 200, api.text);
    const review = await kubeRequest(asRobot, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    assert.equal(review.status, 201, review.text);
    assert.equal(review.body.status.userInfo.username, `system:serviceaccount:${ns}:robot`);
    // RBAC applies: the bare service account may not list namespaces.
    assert.equal((await kubeRequest(asRobot, 'GET', '/api/v1/namespaces')).status, 403);

    const del = await env.adminRequest(cluster, 'DELETE', `/api/v1/namespaces/${ns}/serviceaccounts/robot`);
    assert.equal(del.status, 200, del.text);
    await env.waitFor(async () => (await kubeRequest(asRobot, 'GET', '/api')).status === 401, 30_000, {
      what: 'the token to be refused after its ServiceAccount was deleted',
    });
  });

  test('a deleted namespace finishes terminating and disappears', async () => {
    const cluster = 'cluster2';
    const ns = await createNamespace(cluster, 'e2e-env-del');
    await create(cluster, `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const del = await env.adminRequest(cluster, 'DELETE', `/api/v1/namespaces/${ns}`);
    assert.equal(del.status, 200, del.text);
    await env.waitFor(async () => (await env.adminRequest(cluster, 'GET', `/api/v1/namespaces/${ns}`)).status === 404, 60_000, {
      what: `namespace ${ns} to disappear`,
    });
  });

  test('a Deployment gets a ReplicaSet and (Pending) Pods', async () => {
    const cluster = 'cluster2';
    const ns = await createNamespace(cluster, 'e2e-env-deploy');
    const labels = { app: 'web' };
    await create(cluster, `/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] } },
      },
    });
    const rs = await env.waitFor(
      async () => {
        const r = await env.adminRequest(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/replicasets`);
        return r.body?.items?.find((i: any) => i.metadata.ownerReferences?.some((o: any) => o.kind === 'Deployment' && o.name === 'web'));
      },
      30_000,
      { what: 'a ReplicaSet owned by the Deployment' },
    );
    assert.equal(rs.spec.replicas, 2);
    const pods = await env.waitFor(
      async () => {
        const r = await env.adminRequest(cluster, 'GET', `/api/v1/namespaces/${ns}/pods`);
        return r.body?.items?.length === 2 ? r.body.items : undefined;
      },
      30_000,
      { what: 'two Pods from the ReplicaSet' },
    );
    for (const p of pods) {
      assert.equal(p.status.phase, 'Pending');
      assert.equal(p.spec.serviceAccountName, 'default');
    }
  });

  test("KubeFed's CRDs, KubeFedConfig and default FederatedTypeConfigs are installed on cluster1", async () => {
    const core = await env.adminRequest('cluster1', 'GET', '/apis/core.kubefed.io/v1beta1');
    assert.equal(core.status, 200, core.text);
    const coreNames = core.body.resources.map((r: any) => r.name);
    for (const r of ['kubefedclusters', 'kubefedconfigs', 'federatedtypeconfigs']) assert.ok(coreNames.includes(r), r);
    const alpha = await env.adminRequest('cluster1', 'GET', '/apis/core.kubefed.io/v1alpha1');
    assert.equal(alpha.status, 200);
    const sched = await env.adminRequest('cluster1', 'GET', '/apis/scheduling.kubefed.io/v1alpha1');
    assert.equal(sched.status, 200);
    const types = await env.adminRequest('cluster1', 'GET', '/apis/types.kubefed.io/v1beta1');
    assert.equal(types.status, 200);
    const typeNames = types.body.resources.map((r: any) => r.name);
    for (const r of ['federatednamespaces', 'federateddeployments', 'federatedconfigmaps', 'federatedclusterroles']) {
      assert.ok(typeNames.includes(r), r);
    }
    // The CRD schema survived the install (nothing dropped the openAPIV3Schema).
    const crd = await env.adminRequest('cluster1', 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/kubefedclusters.core.kubefed.io');
    const schema = crd.body.spec.versions[0].schema.openAPIV3Schema;
    assert.ok(schema.properties.spec.properties.apiEndpoint);

    const ns = env.kubefedNamespace;
    const cfg = await env.adminRequest('cluster1', 'GET', `/apis/core.kubefed.io/v1beta1/namespaces/${ns}/kubefedconfigs/kubefed`);
    assert.equal(cfg.status, 200);
    assert.equal(cfg.body.spec.scope, 'Cluster');
    const ftcs = await env.adminRequest('cluster1', 'GET', `/apis/core.kubefed.io/v1beta1/namespaces/${ns}/federatedtypeconfigs`);
    const ftcNames = ftcs.body.items.map((i: any) => i.metadata.name).sort();
    for (const n of [
      'clusterroles.rbac.authorization.k8s.io',
      'configmaps',
      'deployments.apps',
      'ingresses.networking.k8s.io',
      'jobs.batch',
      'namespaces',
      'replicasets.apps',
      'secrets',
      'serviceaccounts',
      'services',
    ]) {
      assert.ok(ftcNames.includes(n), n);
    }
    // The controller has picked the FTCs up (it sets status.observedGeneration).
    await env.waitFor(
      async () => {
        const r = await env.adminRequest('cluster1', 'GET', `/apis/core.kubefed.io/v1beta1/namespaces/${ns}/federatedtypeconfigs/deployments.apps`);
        return r.body?.status?.observedGeneration >= 1;
      },
      30_000,
      { what: 'FederatedTypeConfig status from the KubeFed controller' },
    );
    // Leader election: ConfigMap lock held by the controller.
    const lock = await env.adminRequest('cluster1', 'GET', `/api/v1/namespaces/${ns}/configmaps/kubefed-controller-manager`);
    assert.equal(lock.status, 200);
    const leader = JSON.parse(lock.body.metadata.annotations['control-plane.alpha.kubernetes.io/leader']);
    assert.ok(leader.holderIdentity);
  });

  test('the KubeFed controller marks a hand-made KubeFedCluster for cluster2 Ready', async () => {
    const member = 'cluster2';
    const host = 'cluster1';
    const ns = env.kubefedNamespace;
    const id = uniqueName('e2e-env-kfc');
    // In the member: a ServiceAccount with a cluster-admin-like ClusterRole and a token Secret.
    const memberNs = await createNamespace(member, 'e2e-env-kfc');
    await create(member, `/api/v1/namespaces/${memberNs}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: id } });
    await create(member, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: id },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['get'] },
      ],
    });
    cleanups.push(() => env.adminRequest(member, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${id}`));
    await create(member, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: id },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: id },
      subjects: [{ kind: 'ServiceAccount', name: id, namespace: memberNs }],
    });
    cleanups.push(() => env.adminRequest(member, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${id}`));
    await create(member, `/api/v1/namespaces/${memberNs}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: `${id}-token`, annotations: { 'kubernetes.io/service-account.name': id } },
    });
    const tokenSecret = await env.waitFor(
      async () => {
        const r = await env.adminRequest(member, 'GET', `/api/v1/namespaces/${memberNs}/secrets/${id}-token`);
        return r.body?.data?.token ? r.body : undefined;
      },
      15_000,
      { what: 'member token' },
    );

    // In the host: the credentials Secret and the KubeFedCluster, as `kubefedctl join` would create them.
    await create(host, `/api/v1/namespaces/${ns}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: id },
      data: { token: tokenSecret.data.token },
    });
    cleanups.push(() => env.adminRequest(host, 'DELETE', `/api/v1/namespaces/${ns}/secrets/${id}`));
    const caBundle = tokenSecret.data['ca.crt'] ?? (env.caPem(member) !== undefined ? b64(env.caPem(member)!) : undefined);
    await create(host, `/apis/core.kubefed.io/v1beta1/namespaces/${ns}/kubefedclusters`, {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedCluster',
      metadata: { name: id },
      spec: { apiEndpoint: env.server(member), ...(caBundle !== undefined ? { caBundle } : {}), secretRef: { name: id } },
    });
    cleanups.push(() => env.adminRequest(host, 'DELETE', `/apis/core.kubefed.io/v1beta1/namespaces/${ns}/kubefedclusters/${id}`));

    const kfc = await env.waitFor(
      async () => {
        const r = await env.adminRequest(host, 'GET', `/apis/core.kubefed.io/v1beta1/namespaces/${ns}/kubefedclusters/${id}`);
        const ready = (r.body?.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
        return ready?.status === 'True' ? r.body : undefined;
      },
      60_000,
      { what: `KubeFedCluster ${id} Ready` },
    );
    assert.match(kfc.status.kubernetesVersion ?? '', /^v1\./);
  });
});
