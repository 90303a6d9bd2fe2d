// kubefedctl preview against the real KubeFed v0.10.0 controller. Every cluster of the environment
// is joined as a member (the host too), each with different KubeFedCluster labels; a corpus of
// Federated objects (cluster lists, selectors, empty placements, a namespace whose
// FederatedNamespace places it narrower, one without any, overrides of every kind, a
// ReplicaSchedulingPreference, and overrides that KubeFed must refuse) is applied to the host.
// Once KubeFed has propagated, what each member really holds must be exactly what `preview`
// predicted (offline from the same manifests, and online from the host), nothing more or less,
// and the failures KubeFed records in the objects' status must be exactly the predicted ones.
//
// What is compared: every object carrying kubefed.io/managed=true of the corpus's kinds
// (Namespace, ConfigMap, ServiceAccount, Deployment) in the corpus's namespaces, per cluster,
// as JSON after normalize() below, which strips only what the member cluster itself writes:
//   - metadata.uid, resourceVersion, creationTimestamp, generation, managedFields, and status:
//     set by every API server and by controllers, never part of what KubeFed sends;
//   - the label kubernetes.io/metadata.name on Namespaces (the API server sets it to the name);
//   - the annotation deployment.kubernetes.io/revision on Deployments (the Deployment controller);
//   - API-server defaults (DEFAULTS: Namespace spec.finalizers, the Deployment and pod template
//     fields the apps/v1 and core/v1 defaulters fill), removed from the member object only where
//     the prediction leaves the field out AND the member holds exactly the documented default.
// Anything else that differs (a label, an annotation, a replica count, an array element) fails.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import yaml from 'js-yaml';
import { type E2eEnv, loadE2eEnv, uniqueName } from './harness/env.js';
import { NS, describeRun, getObject, kubefedctl, waitForNamespaceGone } from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
/** Every cluster is a member, the host included (KubeFed then adopts the host's own namespaces). */
const MEMBERS = [...env.clusters];
const LABELS: Record<string, Record<string, string>> = {
  cluster1: { region: 'eu', tier: 'gold' },
  cluster2: { region: 'eu', tier: 'silver', zone: 'a' },
  cluster3: { region: 'us', tier: 'gold' },
};
const labelsOf = (cluster: string) => LABELS[cluster] ?? { region: 'us', tier: 'bronze' };
const A = uniqueName('kfc-pv-a');
const B = uniqueName('kfc-pv-b');
/** A namespace without a FederatedNamespace: nothing in it propagates (scope Cluster). */
const C = uniqueName('kfc-pv-c');
const NAMESPACES = [A, B, C];
const base = ['--kubeconfig', env.kubeconfig, '--host-cluster-context', HOST];
const TYPES = ['federatednamespaces', 'federatedconfigmaps', 'federatedserviceaccounts', 'federateddeployments'];
const MEMBER_KINDS: Array<{ kind: string; apiPath: (namespace: string) => string }> = [
  { kind: 'ConfigMap', apiPath: (ns) => `/api/v1/namespaces/${ns}/configmaps` },
  { kind: 'ServiceAccount', apiPath: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts` },
  { kind: 'Deployment', apiPath: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments` },
];
const WRITES = new Set(['create', 'update', 'adopt', 'unchanged']);

function corpus(): string {
  return `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: ${A}, namespace: ${A}}
spec:
  template:
    metadata:
      labels: {team: preview}
  placement:
    clusterSelector: {}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: ${B}, namespace: ${B}}
spec:
  placement:
    clusters: [{name: cluster2}]
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: by-list, namespace: ${A}}
spec:
  template: {data: {placed: by-list}}
  placement:
    clusters: [{name: cluster3}, {name: cluster1}, {name: not-joined}]
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: by-labels, namespace: ${A}}
spec:
  template: {data: {placed: by-labels}}
  placement:
    clusterSelector:
      matchLabels: {region: eu}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: by-expressions, namespace: ${A}}
spec:
  template: {data: {placed: by-expressions}}
  placement:
    clusterSelector:
      matchExpressions:
      - {key: tier, operator: In, values: [gold]}
      - {key: region, operator: NotIn, values: [eu]}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: no-zone, namespace: ${A}}
spec:
  template: {data: {placed: no-zone}}
  placement:
    clusterSelector:
      matchExpressions:
      - {key: zone, operator: DoesNotExist}
      - {key: tier, operator: Exists}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: list-beats-selector, namespace: ${A}}
spec:
  template: {data: {placed: list}}
  placement:
    clusters: [{name: cluster2}]
    clusterSelector:
      matchLabels: {region: us}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: empty-list, namespace: ${A}}
spec:
  template: {data: {placed: nowhere}}
  placement:
    clusters: []
    clusterSelector: {}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: no-placement, namespace: ${A}}
spec:
  template: {data: {placed: nowhere}}
  placement: {}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: narrowed, namespace: ${B}}
spec:
  template: {data: {placed: "where ${B} is"}}
  placement:
    clusterSelector: {}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: unfederated-namespace, namespace: ${C}}
spec:
  template: {data: {placed: nowhere}}
  placement:
    clusterSelector: {}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: overridden, namespace: ${A}}
spec:
  template:
    metadata:
      labels: {app: overridden}
      annotations: {dropped: "KubeFed drops template annotations"}
    data: {present: a, removed: b, kept: c}
  placement:
    clusterSelector: {}
  overrides:
  - clusterName: cluster1
    clusterOverrides:
    - {op: add, path: /data/added, value: x}
    - {op: remove, path: /data/removed}
    - {path: /data/present, value: replaced}
    - {op: replace, path: /data/missing, value: added-by-replace}
    - {op: add, path: /metadata/labels/extra, value: "yes"}
  - clusterName: cluster2
    clusterOverrides:
    - {op: replace, path: /metadata/labels, value: {team: blue}}
    - {op: add, path: /metadata/annotations, value: {note: from-override}}
  - clusterName: cluster3
    clusterOverrides:
    - {op: add, path: /metadata/labels/example.com~1tier, value: gold}
  - clusterName: not-joined
    clusterOverrides:
    - {op: remove, path: /data/absent}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedServiceAccount
metadata: {name: arrays, namespace: ${A}}
spec:
  template:
    automountServiceAccountToken: false
    imagePullSecrets: [{name: one}, {name: two}, {name: three}]
  placement:
    clusterSelector: {}
  overrides:
  - clusterName: cluster1
    clusterOverrides:
    - {op: add, path: /imagePullSecrets/-, value: {name: appended}}
    - {path: /imagePullSecrets/0, value: {name: first}}
  - clusterName: cluster2
    clusterOverrides:
    - {op: remove, path: /imagePullSecrets/1}
    - {op: add, path: /imagePullSecrets/0, value: {name: zero}}
  - clusterName: cluster3
    clusterOverrides:
    - {op: add, path: /imagePullSecrets/-1, value: {name: negative}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedServiceAccount
metadata: {name: bad-index, namespace: ${A}}
spec:
  template:
    imagePullSecrets: [{name: one}]
  placement:
    clusters: [{name: cluster1}, {name: cluster2}]
  overrides:
  - clusterName: cluster1
    clusterOverrides:
    - {path: /imagePullSecrets/5, value: {name: out-of-range}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: bad-remove, namespace: ${A}}
spec:
  template: {data: {a: b}}
  placement:
    clusters: [{name: cluster2}, {name: cluster3}]
  overrides:
  - clusterName: cluster2
    clusterOverrides:
    - {op: remove, path: /data/nope}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: bad-path, namespace: ${A}}
spec:
  template: {data: {a: b}}
  placement:
    clusters: [{name: cluster1}, {name: cluster2}]
  overrides:
  - clusterName: cluster1
    clusterOverrides:
    - {path: /metadata/name, value: renamed}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: bad-selector, namespace: ${A}}
spec:
  template: {data: {a: b}}
  placement:
    clusterSelector:
      matchExpressions:
      - {key: tier, operator: In, values: []}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: web, namespace: ${A}}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      replicas: 1
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - {name: web, image: "nginx:1.27"}
  placement:
    clusters: [{name: cluster1}]
  overrides:
  - clusterName: cluster2
    clusterOverrides:
    - {path: /spec/template/spec/containers/0/image, value: "nginx:1.26"}
  - clusterName: cluster3
    clusterOverrides:
    - {path: /spec/replicas, value: 9}
---
apiVersion: scheduling.kubefed.io/v1alpha1
kind: ReplicaSchedulingPreference
metadata: {name: web, namespace: ${A}}
spec:
  targetKind: FederatedDeployment
  totalReplicas: 5
  clusters:
    cluster1: {weight: 2}
    cluster2: {weight: 1}
`;
}

// --- normalization ------------------------------------------------------------------------------

type Json = any;
const SERVER_METADATA = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields'];
/** API-server defaults (k8s 1.32 SetDefaults_*), stripped from the member object where the prediction has no such field. */
const DEFAULTS: Record<string, Array<[string[], unknown]>> = {
  Namespace: [[['spec', 'finalizers'], ['kubernetes']]],
  Deployment: [
    [['spec', 'progressDeadlineSeconds'], 600],
    [['spec', 'revisionHistoryLimit'], 10],
    [['spec', 'strategy'], { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }],
    [['spec', 'template', 'metadata', 'creationTimestamp'], null],
    [['spec', 'template', 'spec', 'dnsPolicy'], 'ClusterFirst'],
    [['spec', 'template', 'spec', 'restartPolicy'], 'Always'],
    [['spec', 'template', 'spec', 'schedulerName'], 'default-scheduler'],
    [['spec', 'template', 'spec', 'securityContext'], {}],
    [['spec', 'template', 'spec', 'terminationGracePeriodSeconds'], 30],
    [['spec', 'template', 'spec', 'containers', '*', 'imagePullPolicy'], 'IfNotPresent'],
    [['spec', 'template', 'spec', 'containers', '*', 'resources'], {}],
    [['spec', 'template', 'spec', 'containers', '*', 'terminationMessagePath'], '/dev/termination-log'],
    [['spec', 'template', 'spec', 'containers', '*', 'terminationMessagePolicy'], 'File'],
  ],
};

function stripDefault(actual: Json, predicted: Json, fields: string[], value: unknown): void {
  if (actual === null || typeof actual !== 'object') return;
  const [field, ...rest] = fields;
  if (field === '*') {
    if (!Array.isArray(actual)) return;
    actual.forEach((element, index) => stripDefault(element, Array.isArray(predicted) ? predicted[index] : undefined, rest, value));
    return;
  }
  const predictedHas = predicted !== null && typeof predicted === 'object' && Object.hasOwn(predicted, field!);
  if (rest.length > 0) return stripDefault(actual[field!], predictedHas ? predicted[field!] : undefined, rest, value);
  if (!predictedHas && Object.hasOwn(actual, field!) && JSON.stringify(sortKeys(actual[field!])) === JSON.stringify(sortKeys(value))) delete actual[field!];
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Json)[key])]),
  );
}

/** The member object and the prediction for it, each without what the member cluster writes itself. */
function normalize(actual: Json, predicted: Json): { actual: Json; predicted: Json } {
  const sides = [structuredClone(actual), structuredClone(predicted ?? {})];
  for (const side of sides) {
    delete side.status;
    for (const field of SERVER_METADATA) delete side.metadata?.[field];
    const labels = side.metadata?.labels;
    if (side.kind === 'Namespace' && labels?.['kubernetes.io/metadata.name'] === side.metadata.name) delete labels['kubernetes.io/metadata.name'];
    const annotations = side.metadata?.annotations;
    if (side.kind === 'Deployment' && annotations) {
      delete annotations['deployment.kubernetes.io/revision'];
      if (Object.keys(annotations).length === 0) delete side.metadata.annotations;
    }
  }
  const [member, prediction] = sides;
  for (const [fields, value] of DEFAULTS[member.kind] ?? []) stripDefault(member, prediction, fields, value);
  if (member.kind === 'Namespace' && !Object.hasOwn(prediction, 'spec') && JSON.stringify(member.spec) === '{}') delete member.spec;
  return { actual: sortKeys(member), predicted: sortKeys(prediction) };
}

// --- predictions and reality ---------------------------------------------------------------------

interface PreviewJson {
  clusters: Array<{
    name: string;
    ready: boolean;
    items: Array<{ action: string; source: { kind: string; namespace: string; name: string }; object: Json | null; warnings: string[] }>;
  }>;
  errors: Array<{ source: { kind: string; namespace: string; name: string }; cluster: string | null; reason: string; message: string }>;
}

const objectKey = (object: Json) => `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
const inCorpus = (namespace: string) => NAMESPACES.includes(namespace);

/** Per cluster, the objects a preview says KubeFed writes, by key; and its errors as sorted lines. */
function predictions(outputs: PreviewJson[]): { objects: Map<string, Map<string, Json>>; errors: string[]; actions: string[] } {
  const objects = new Map<string, Map<string, Json>>(MEMBERS.map((cluster) => [cluster, new Map()]));
  const actions: string[] = [];
  const errors: string[] = [];
  for (const output of outputs) {
    for (const cluster of output.clusters) {
      for (const item of cluster.items) {
        if (!inCorpus(item.source.namespace)) continue;
        actions.push(`${cluster.name} ${item.action} ${item.source.kind} ${item.source.name}`);
        if (item.object === null || !WRITES.has(item.action)) continue;
        const key = objectKey(item.object);
        assert.ok(!objects.get(cluster.name)!.has(key), `${key} predicted twice in ${cluster.name}`);
        objects.get(cluster.name)!.set(key, item.object);
      }
    }
    for (const error of output.errors) {
      if (inCorpus(error.source.namespace))
        errors.push(`${error.source.kind} ${error.source.namespace}/${error.source.name} ${error.cluster ?? '(all)'} ${error.reason}`);
    }
  }
  return { objects, errors: errors.sort(), actions: actions.sort() };
}

async function listJson(cluster: string, apiPath: string): Promise<Json[]> {
  const response = await env.adminRequest(cluster, 'GET', `${apiPath}?labelSelector=${encodeURIComponent('kubefed.io/managed=true')}`);
  if (response.status === 404) return [];
  assert.equal(response.status, 200, `GET ${apiPath} on ${cluster}: ${response.text}`);
  return response.body.items;
}

/** What every member holds that KubeFed manages, in the corpus namespaces, by key. */
async function memberState(): Promise<Map<string, Map<string, Json>>> {
  const state = new Map<string, Map<string, Json>>();
  await Promise.all(
    MEMBERS.map(async (cluster) => {
      const objects = new Map<string, Json>();
      const namespaces = (await listJson(cluster, '/api/v1/namespaces')).filter((ns) => inCorpus(ns.metadata.name));
      for (const ns of namespaces) objects.set(objectKey({ ...ns, kind: 'Namespace' }), { apiVersion: 'v1', kind: 'Namespace', ...ns });
      for (const { kind, apiPath } of MEMBER_KINDS) {
        for (const namespace of NAMESPACES) {
          for (const item of await listJson(cluster, apiPath(namespace)))
            objects.set(objectKey({ ...item, kind }), { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, ...item });
        }
      }
      state.set(cluster, objects);
    }),
  );
  return state;
}

const FEDERATED_PATHS: Record<string, string> = {
  FederatedNamespace: 'federatednamespaces',
  FederatedConfigMap: 'federatedconfigmaps',
  FederatedServiceAccount: 'federatedserviceaccounts',
  FederatedDeployment: 'federateddeployments',
};

/** The failures KubeFed recorded in the corpus objects' status, as predictions() writes them; undefined until every status is current. */
async function recordedFailures(federated: Json[]): Promise<string[] | undefined> {
  const lines: string[] = [];
  for (const object of federated) {
    const current = await getObject(
      env,
      HOST,
      `/apis/types.kubefed.io/v1beta1/namespaces/${object.metadata.namespace}/${FEDERATED_PATHS[object.kind]}/${object.metadata.name}`,
    );
    const status = current?.status;
    if (status?.observedGeneration !== current?.metadata.generation) return undefined;
    const condition = (status.conditions ?? []).find((entry: Json) => entry.type === 'Propagation');
    if (condition === undefined) return undefined;
    const ref = `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
    if (!['', 'CheckClusters', 'NamespaceNotFederated'].includes(condition.reason ?? '')) lines.push(`${ref} (all) ${condition.reason}`);
    for (const cluster of status.clusters ?? []) if (cluster.status) lines.push(`${ref} ${cluster.name} ${cluster.status}`);
  }
  return lines.sort();
}

/** Differences between predicted and member objects, one line each (empty when they agree). */
function differences(predicted: Map<string, Map<string, Json>>, actual: Map<string, Map<string, Json>>): string[] {
  const lines: string[] = [];
  for (const cluster of MEMBERS) {
    const want = predicted.get(cluster) ?? new Map();
    const have = actual.get(cluster) ?? new Map();
    for (const key of new Set([...want.keys(), ...have.keys()])) {
      if (!have.has(key)) lines.push(`${cluster}: ${key} predicted, but the member does not hold it`);
      else if (!want.has(key)) lines.push(`${cluster}: ${key} held by the member, but not predicted`);
      else {
        const { actual: member, predicted: prediction } = normalize(have.get(key), want.get(key));
        const a = JSON.stringify(member);
        const p = JSON.stringify(prediction);
        if (a !== p) lines.push(`${cluster}: ${key} differs\n    member:    ${a}\n    predicted: ${p}`);
      }
    }
  }
  return lines.sort();
}

async function runPreview(args: string[]): Promise<{ json: PreviewJson; code: number | null; stderr: string }> {
  const result = await kubefedctl(env, ['preview', ...args, '-o', 'json']);
  assert.ok(result.code === 0 || result.code === 1, describeRun(result));
  const json = JSON.parse(result.stdout) as PreviewJson;
  assert.equal(result.code, json.errors.length > 0 ? 1 : 0, 'exit 1 exactly when KubeFed would fail somewhere');
  return { json, code: result.code, stderr: result.stderr };
}

async function post(cluster: string, apiPath: string, body: unknown): Promise<void> {
  const response = await env.adminRequest(cluster, 'POST', apiPath, body);
  assert.equal(response.status, 201, `POST ${apiPath} on ${cluster}: ${response.text}`);
}

describe(`preview predicts what KubeFed propagates (${MEMBERS.length} member clusters)`, { timeout: 600_000 }, () => {
  const started = Date.now();
  let dir: string;
  let manifests: Json[];
  let offline: PreviewJson;
  const clusterFlags = MEMBERS.flatMap((cluster) => [
    '--cluster',
    `${cluster}:${Object.entries(labelsOf(cluster))
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}`,
  ]);

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-e2e-preview-'));
    for (const cluster of MEMBERS) {
      const join = await kubefedctl(env, ['join', cluster, ...base, '--error-on-existing=false', '--wait=90s']);
      assert.equal(join.code, 0, describeRun(join));
      const labelled = await env.adminRequest(HOST, 'PATCH', `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters/${cluster}`, {
        metadata: { labels: labelsOf(cluster) },
      });
      assert.equal(labelled.status, 200, labelled.text);
    }
    // KubeFed reads cluster labels from its informer cache: let the label updates reach it before any placement is computed.
    await sleep(3000);
    for (const namespace of NAMESPACES) await post(HOST, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const text = corpus();
    writeFileSync(path.join(dir, 'corpus.yaml'), text);
    manifests = yaml.loadAll(text).filter(Boolean) as Json[];
    process.stderr.write(`preview e2e: joined ${MEMBERS.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  });

  after(async () => {
    const step = (what: string, since: number) => process.stderr.write(`preview e2e: ${what} in ${((Date.now() - since) / 1000).toFixed(1)}s\n`);
    // Federated objects carry KubeFed's finalizer: the namespaces go once KubeFed removed their member objects.
    let since = Date.now();
    // KubeFed v0.10.0 computes placement to delete, so an invalid selector would keep its finalizer forever.
    await env.adminRequest(HOST, 'PATCH', `/apis/types.kubefed.io/v1beta1/namespaces/${A}/federatedconfigmaps/bad-selector`, {
      spec: { placement: { clusterSelector: null, clusters: [] } },
    });
    for (const namespace of NAMESPACES) await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${namespace}`);
    for (const namespace of NAMESPACES) await waitForNamespaceGone(env, HOST, namespace).catch(() => undefined);
    step('host namespaces deleted', since);
    since = Date.now();
    for (const cluster of MEMBERS.filter((name) => name !== HOST)) {
      for (const namespace of NAMESPACES) await waitForNamespaceGone(env, cluster, namespace).catch(() => undefined);
    }
    step('member namespaces deleted', since);
    since = Date.now();
    for (const cluster of MEMBERS) await kubefedctl(env, ['unjoin', cluster, ...base, ...(cluster === HOST ? [] : ['--force'])]);
    for (const cluster of MEMBERS.filter((name) => name !== HOST)) await waitForNamespaceGone(env, cluster, NS).catch(() => undefined);
    step('members unjoined', since);
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`preview e2e: ${((Date.now() - started) / 1000).toFixed(1)}s in all, cleanup included\n`);
  });

  test('offline preview: --cluster flags and the real KubeFedClusters (--clusters-file) give the same answer', async () => {
    const first = await runPreview(['-f', path.join(dir, 'corpus.yaml'), ...clusterFlags, '--simulate-rsp']);
    const kubefedClusters = await env.adminRequest(HOST, 'GET', `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters`);
    writeFileSync(path.join(dir, 'clusters.json'), kubefedClusters.text);
    const second = await runPreview(['-f', path.join(dir, 'corpus.yaml'), '--clusters-file', path.join(dir, 'clusters.json'), '--simulate-rsp']);
    assert.deepEqual(second.json, first.json);
    offline = first.json;
    assert.equal(first.code, 1, 'the corpus holds overrides and a selector KubeFed must refuse');
    assert.match(first.stderr, new RegExp(`^error: FederatedConfigMap ${A}/bad-remove in cluster cluster2: ApplyOverridesFailed: `, 'm'));
  });

  test('KubeFed propagates exactly what offline preview predicted, and records exactly the predicted failures', async () => {
    // Everything goes in at once; KubeFed's scheduler rewrites the FederatedDeployment on its own time.
    for (const object of manifests) {
      const plural = object.kind === 'ReplicaSchedulingPreference' ? 'replicaschedulingpreferences' : FEDERATED_PATHS[object.kind];
      await post(HOST, `/apis/${object.apiVersion}/namespaces/${object.metadata.namespace}/${plural}`, object);
    }
    const federated = manifests.filter((object) => object.kind !== 'ReplicaSchedulingPreference');
    const predicted = predictions([offline]);
    const propagateStart = Date.now();
    let last = { objects: ['not read yet'], failures: [] as string[] | undefined };
    const agrees = async () => {
      const [actual, failures] = await Promise.all([memberState(), recordedFailures(federated)]);
      last = { objects: differences(predicted.objects, actual), failures };
      return last.objects.length === 0 && failures !== undefined && JSON.stringify(failures) === JSON.stringify(predicted.errors);
    };
    // Agreement must hold twice, 3 s apart, so that a state KubeFed is only passing through does not count.
    const settled = async () => (await agrees()) && (await sleep(3000), await agrees());
    await env.waitFor(settled, 180_000, { intervalMs: 1000, what: 'the members to hold what preview predicted' }).catch(() => undefined);
    assert.deepEqual(last.objects, [], 'member objects differ from the prediction');
    assert.deepEqual(last.failures, predicted.errors, 'KubeFed status failures differ from the predicted errors');
    process.stderr.write(`preview e2e: KubeFed converged to the prediction in ${((Date.now() - propagateStart) / 1000).toFixed(1)}s\n`);
    // The corpus must exercise what it claims to: these hold for any number of clusters.
    const errorReasons = new Set(predicted.errors.map((line) => line.split(' ').pop()));
    assert.deepEqual([...errorReasons].sort(), ['ApplyOverridesFailed', 'ComputePlacementFailed']);
    assert.ok([...predicted.objects.get('cluster1')!.keys()].includes(`Deployment ${A}/web`));
  });

  test('online preview (per namespace, then -A) predicts the same objects and failures from the host', async () => {
    const outputs: PreviewJson[] = [];
    for (const type of TYPES) {
      for (const namespace of NAMESPACES) outputs.push((await runPreview([type, '-n', namespace, ...base])).json);
    }
    const online = predictions(outputs);
    const all = predictions(await Promise.all(TYPES.map(async (type) => (await runPreview([type, '-A', ...base])).json)));
    const fromFiles = predictions([offline]);
    assert.deepEqual(online.errors, fromFiles.errors);
    assert.deepEqual(differences(online.objects, await memberState()), []);
    assert.deepEqual(differences(all.objects, await memberState()), []);
    assert.deepEqual(all.errors, fromFiles.errors);
    assert.deepEqual(online.actions, fromFiles.actions, 'online, the scheduler already placed web; offline, --simulate-rsp did the same');
  });

  test('online --live: every member object is what KubeFed wrote, so every action is unchanged', async () => {
    const live = predictions(await Promise.all(TYPES.map(async (type) => (await runPreview([type, '-A', '--live', ...base])).json)));
    const notUnchanged = live.actions.filter((line) => !line.split(' ')[1]!.startsWith('unchanged'));
    assert.deepEqual(notUnchanged, [], 'KubeFed has nothing left to do, and preview --live must see that (PropagatedVersion hashes and member versions)');
    assert.deepEqual(differences(live.objects, await memberState()), [], 'with retention, the predicted objects are the member objects');
    assert.deepEqual(live.errors, predictions([offline]).errors);
    const one = await runPreview(['federateddeployment', 'web', '-n', A, '--live', ...base]);
    assert.deepEqual(
      one.json.clusters.map(
        (cluster) => `${cluster.name}: ${cluster.items.map((item) => `${item.action} replicas=${item.object?.spec?.replicas}`).join(', ')}`,
      ),
      MEMBERS.map((cluster) => `${cluster}: unchanged replicas=${live.objects.get(cluster)!.get(`Deployment ${A}/web`)?.spec?.replicas}`),
    );
  });
});
