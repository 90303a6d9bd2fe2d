// Karmada access for e2e tests: the `karmada` context of the environment's kubeconfig (the harness adds it with
// KUBEFEDCTL_E2E_KARMADA=1), and registering a member in Push mode the way `karmadactl join` v1.18.2 does
// (a service account with a legacy token Secret in the member; a Secret and a Cluster in Karmada), and
// removing that registration again the way `karmadactl unjoin` does.
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { credsFromKubeconfig } from './harness/env.js';
import { kubeRequest } from './harness/kube.js';
import type { Credentials, E2eEnv, KubeResponse, RequestOptions } from './harness/env.js';

export const KARMADA_CONTEXT = 'karmada';
/** Namespace holding the join credentials, in the member and in Karmada. */
export const KARMADA_CLUSTER_NAMESPACE = 'karmada-cluster';
export const KARMADA_MANAGED_LABEL = 'karmada.io/managed';

export const CLUSTERS_PATH = '/apis/cluster.karmada.io/v1alpha1/clusters';

export interface KarmadaApi {
  creds: Credentials;
  request<T = any>(method: string, path: string, body?: unknown, opts?: RequestOptions): Promise<KubeResponse<T>>;
}

/** The environment's Karmada, or undefined when its kubeconfig has no `karmada` context. */
export function karmadaApi(env: E2eEnv): KarmadaApi | undefined {
  const cfg = yaml.load(readFileSync(env.kubeconfig, 'utf8')) as { contexts?: Array<{ name: string }> };
  if (!(cfg.contexts ?? []).some((c) => c.name === KARMADA_CONTEXT)) return undefined;
  const creds = credsFromKubeconfig(env.kubeconfig, KARMADA_CONTEXT);
  return { creds, request: (method, path, body, opts) => kubeRequest(creds, method, path, body, opts) };
}

/** PropagationPolicies, ResourceBindings and Works are namespaced; this builds their paths. */
export function karmadaPath(group: 'policy' | 'work', plural: string, namespace: string, name?: string): string {
  return `/apis/${group}.karmada.io/v1alpha1/namespaces/${namespace}/${plural}${name ? `/${name}` : ''}`;
}

/** The execution namespace Karmada keeps a member's Works in. */
export function executionNamespace(cluster: string): string {
  return `karmada-es-${cluster}`;
}

async function ok(res: Promise<KubeResponse>, what: string, also: number[] = []): Promise<KubeResponse> {
  const r = await res;
  if ((r.status < 200 || r.status >= 300) && !also.includes(r.status)) throw new Error(`${what}: HTTP ${r.status}: ${r.text.slice(0, 400)}`);
  return r;
}

const memberSa = (cluster: string): string => `karmada-${cluster}`;
const memberRole = (cluster: string): string => `karmada-controller-manager:karmada-${cluster}`;
const IMPERSONATOR = 'karmada-impersonator';
const systemLabels = { 'karmada.io/system': 'true' };

/**
 * Registers `cluster` (a context of the environment) with Karmada in Push mode under the same name, as
 * `karmadactl join` does, and waits until the Cluster is Ready. Safe to call again.
 */
export async function registerMember(env: E2eEnv, karmada: KarmadaApi, cluster: string, timeoutMs = 60_000): Promise<void> {
  const m = (method: string, path: string, body?: unknown): Promise<KubeResponse> => env.adminRequest(cluster, method, path, body);
  const ns = KARMADA_CLUSTER_NAMESPACE;
  const rbac = '/apis/rbac.authorization.k8s.io/v1';

  // In the member: the identities Karmada acts as, cluster-admin-like for the controller's, and their tokens.
  await ok(m('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: systemLabels } }), 'member namespace', [409]);
  for (const sa of [IMPERSONATOR, memberSa(cluster)]) {
    await ok(
      m('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: sa, namespace: ns, labels: systemLabels },
      }),
      `service account ${sa}`,
      [409],
    );
  }
  await ok(
    m('POST', `${rbac}/clusterroles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: memberRole(cluster), labels: systemLabels },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['get'] },
      ],
    }),
    'member ClusterRole',
    [409],
  );
  await ok(
    m('POST', `${rbac}/clusterrolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: memberRole(cluster), labels: systemLabels },
      subjects: [{ kind: 'ServiceAccount', name: memberSa(cluster), namespace: ns }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: memberRole(cluster) },
    }),
    'member ClusterRoleBinding',
    [409],
  );
  // Karmada reads only a bearer token and caBundle from the Cluster secret: legacy token Secrets, filled in
  // by the member's serviceaccount-token controller.
  const tokens: Record<string, string> = {};
  for (const sa of [IMPERSONATOR, memberSa(cluster)]) {
    await ok(
      m('POST', `/api/v1/namespaces/${ns}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: { name: sa, namespace: ns, annotations: { 'kubernetes.io/service-account.name': sa } },
      }),
      `token secret ${sa}`,
      [409],
    );
    tokens[sa] = await env.waitFor(
      async () => {
        const r = await m('GET', `/api/v1/namespaces/${ns}/secrets/${sa}`);
        return r.body?.data?.token as string | undefined;
      },
      30_000,
      { what: `token of ${cluster} ${ns}/${sa}` },
    );
  }
  const kubeSystem = await ok(m('GET', '/api/v1/namespaces/kube-system'), 'member kube-system');
  const caPem = env.caPem(cluster) ?? '';

  // In Karmada: the credentials, then the Cluster, which owns them (GC removes them with it).
  const k = karmada.request;
  const secrets = [
    { name: cluster, data: { caBundle: Buffer.from(caPem).toString('base64'), token: tokens[memberSa(cluster)]! } },
    { name: `${cluster}-impersonator`, data: { token: tokens[IMPERSONATOR]! } },
  ];
  for (const s of secrets) {
    const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: s.name, namespace: ns, labels: systemLabels }, data: s.data };
    const r = await k('POST', `/api/v1/namespaces/${ns}/secrets`, body);
    if (r.status === 409) await ok(k('PATCH', `/api/v1/namespaces/${ns}/secrets/${s.name}`, { data: s.data }), `update Karmada secret ${s.name}`);
    else await ok(Promise.resolve(r), `Karmada secret ${s.name}`);
  }
  const clusterObj = {
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name: cluster },
    spec: {
      syncMode: 'Push',
      apiEndpoint: env.server(cluster),
      id: kubeSystem.body.metadata.uid,
      secretRef: { namespace: ns, name: cluster },
      impersonatorSecretRef: { namespace: ns, name: `${cluster}-impersonator` },
    },
  };
  const created = await ok(k('POST', CLUSTERS_PATH, clusterObj), `Karmada Cluster ${cluster}`, [409]);
  const owner = created.status === 409 ? (await ok(k('GET', `${CLUSTERS_PATH}/${cluster}`), 'Cluster')).body : created.body;
  const ownerRef = {
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    name: cluster,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: false,
  };
  for (const s of secrets) {
    await ok(k('PATCH', `/api/v1/namespaces/${ns}/secrets/${s.name}`, { metadata: { ownerReferences: [ownerRef] } }), `own secret ${s.name}`);
  }
  await waitClusterReady(karmada, cluster, timeoutMs);
}

/** Waits for the Karmada Cluster's Ready condition (set by the clusterStatus controller after a health check). */
export async function waitClusterReady(karmada: KarmadaApi, cluster: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const r = await karmada.request('GET', `${CLUSTERS_PATH}/${cluster}`);
    const ready = (r.body?.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
    if (ready?.status === 'True') return;
    last = ready ? `${ready.status} ${ready.reason ?? ''} ${ready.message ?? ''}` : `HTTP ${r.status}, no Ready condition`;
    if (Date.now() > deadline) throw new Error(`Karmada Cluster ${cluster} not Ready after ${timeoutMs} ms: ${last}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

/**
 * Removes `cluster` from Karmada and Karmada's identities from the member, as `karmadactl unjoin` does, and
 * waits until the Cluster, its execution namespace and the member's karmada-cluster namespace are gone.
 * What Karmada does to objects it had placed there is Karmada's business: this does not touch them.
 */
export async function unregisterMember(env: E2eEnv, karmada: KarmadaApi, cluster: string, timeoutMs = 90_000): Promise<void> {
  const ns = KARMADA_CLUSTER_NAMESPACE;
  await ok(karmada.request('DELETE', `${CLUSTERS_PATH}/${cluster}`), `delete Karmada Cluster ${cluster}`, [404]);
  await env.waitFor(async () => (await karmada.request('GET', `${CLUSTERS_PATH}/${cluster}`)).status === 404, timeoutMs, {
    what: `Karmada Cluster ${cluster} deleted`,
  });
  for (const name of [cluster, `${cluster}-impersonator`]) {
    await ok(karmada.request('DELETE', `/api/v1/namespaces/${ns}/secrets/${name}`), `delete Karmada secret ${name}`, [404]);
  }
  await env.waitFor(async () => (await karmada.request('GET', `/api/v1/namespaces/${executionNamespace(cluster)}`)).status === 404, timeoutMs, {
    what: `Karmada namespace ${executionNamespace(cluster)} deleted`,
  });
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  await ok(env.adminRequest(cluster, 'DELETE', `${rbac}/clusterrolebindings/${memberRole(cluster)}`), 'delete member ClusterRoleBinding', [404]);
  await ok(env.adminRequest(cluster, 'DELETE', `${rbac}/clusterroles/${memberRole(cluster)}`), 'delete member ClusterRole', [404]);
  await ok(env.adminRequest(cluster, 'DELETE', `/api/v1/namespaces/${ns}`), 'delete member karmada-cluster namespace', [404]);
  await env.waitFor(async () => (await env.adminRequest(cluster, 'GET', `/api/v1/namespaces/${ns}`)).status === 404, timeoutMs, {
    what: `${cluster} namespace ${ns} deleted`,
  });
}
