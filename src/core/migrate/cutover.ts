// `migrate karmada --execute`: the cut-over from KubeFed to Karmada, as pure decisions over what
// was read from the clusters. Every phase is judged from the clusters' state, never from a local
// file, so a rerun after an interrupt, a lost answer or a crash continues where the last run got to:
//
//   register   Karmada gets its own credentials in every member (a ServiceAccount with a token in
//              the member's karmada-cluster namespace, as karmadactl join makes them) and a Cluster,
//              so that it keeps working once KubeFed's service accounts are gone.
//   orphan     every Federated object of the namespace is marked kubefed.io/orphan=true (its earlier
//              value is kept in an annotation of ours, so a rerun converts the same policies).
//   adopt      the templates and policies are applied to Karmada, which takes over the objects in
//              place (conflictResolution Overwrite); the phase ends when every binding is scheduled
//              and fully applied and every member object carries karmada.io/managed.
//   release    the Federated objects are deleted: KubeFed, told to orphan, removes its managed label
//              and leaves the member objects where they are.
//   unregister once no Federated object is left on the host, every member is unjoined from KubeFed.
//
// KubeFed is released only after Karmada has adopted everything, so a cut-over that cannot finish
// (Karmada refuses a policy, a member is unreachable) stops with every member object still managed.

import { ORPHAN_ANNOTATION } from '../constants.js';
import { ignoredReason, previewFederation, targetRef } from '../preview/engine.js';
import { type PreviewAction, type PreviewInputs, type SourceRef, type TargetRef, sourceRef } from '../preview/model.js';
import { sourceKey } from '../preview/result.js';
import { isPlainObject, type KubeObject } from '../types.js';

export const CUTOVER_PHASES = ['register', 'orphan', 'adopt', 'release', 'unregister'] as const;
export type CutoverPhase = (typeof CUTOVER_PHASES)[number];

/** On every object the cut-over creates: which member cluster it is for (lost creates are settled by it). */
export const CUTOVER_LABEL = 'migrate.kubefedctl.io/cutover-cluster';
/** The value kubefed.io/orphan had before the cut-over set it ("" when absent). */
export const ORPHAN_BEFORE_ANNOTATION = 'migrate.kubefedctl.io/orphan-before-cutover';
export const KARMADA_MANAGED_LABEL = 'karmada.io/managed';
export const KUBEFED_MANAGED_LABEL = 'kubefed.io/managed';
/** Where karmadactl join puts Karmada's service accounts in a member. */
export const KARMADA_MEMBER_NAMESPACE = 'karmada-cluster';
export const KARMADA_IMPERSONATOR = 'karmada-impersonator';

/** Karmada's names for what it makes a member's credentials from. */
export function memberAccessNames(cluster: string): { serviceAccount: string; tokenSecret: string; clusterRole: string; impersonatorSecret: string } {
  const serviceAccount = `karmada-${cluster}`;
  return {
    serviceAccount,
    tokenSecret: `${serviceAccount}-token`,
    clusterRole: `karmada-controller-manager:${serviceAccount}`,
    impersonatorSecret: `${KARMADA_IMPERSONATOR}-token`,
  };
}

function labelled(cluster: string): Record<string, string> {
  return { [CUTOVER_LABEL]: cluster };
}

/**
 * The member objects that give Karmada credentials of its own (karmadactl join's, Push mode): its
 * controller manager may do anything (Karmada's execution controller writes every kind), and the
 * impersonator serves Karmada's cluster proxy. Tokens come from legacy token Secrets, which the
 * member's token controller fills and which never expire, as KubeFed's do.
 */
export function karmadaMemberAccess(cluster: string): KubeObject[] {
  const names = memberAccessNames(cluster);
  const labels = labelled(cluster);
  const tokenSecret = (name: string, serviceAccount: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: KARMADA_MEMBER_NAMESPACE, labels, annotations: { 'kubernetes.io/service-account.name': serviceAccount } },
    type: 'kubernetes.io/service-account-token',
  });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KARMADA_MEMBER_NAMESPACE, labels: { ...labels, 'karmada.io/system': 'true' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: names.serviceAccount, namespace: KARMADA_MEMBER_NAMESPACE, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: KARMADA_IMPERSONATOR, namespace: KARMADA_MEMBER_NAMESPACE, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: names.clusterRole, labels },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: names.clusterRole, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: names.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: KARMADA_MEMBER_NAMESPACE }],
    },
    tokenSecret(names.tokenSecret, names.serviceAccount),
    tokenSecret(names.impersonatorSecret, KARMADA_IMPERSONATOR),
  ];
}

export interface KarmadaRegistrationInput {
  /** The Cluster `migrate karmada` converts the KubeFedCluster to (endpoint, proxy, TLS, labels). */
  cluster: KubeObject;
  /** Namespace of the Cluster's Secrets in Karmada (--karmada-cluster-namespace). */
  secretNamespace: string;
  /** base64, as read from the member's token Secrets. */
  token: string;
  impersonatorToken: string;
  /** base64 PEM; undefined when KubeFed verified with the system CAs or not at all. */
  caBundle: string | undefined;
  /** The uid of the member's kube-system namespace (karmadactl join's cluster id). */
  clusterId: string;
}

/** The Secrets and the Cluster in Karmada, as karmadactl join writes them. */
export function karmadaClusterRegistration(input: KarmadaRegistrationInput): KubeObject[] {
  const name = input.cluster.metadata.name ?? '';
  const labels = labelled(name);
  const secret = (secretName: string, data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, namespace: input.secretNamespace, labels },
    type: 'Opaque',
    data,
  });
  const spec = isPlainObject(input.cluster.spec) ? input.cluster.spec : {};
  return [
    secret(name, { token: input.token, ...(input.caBundle ? { caBundle: input.caBundle } : {}) }),
    secret(`${name}-impersonator`, { token: input.impersonatorToken }),
    {
      ...input.cluster,
      metadata: { ...input.cluster.metadata, labels: { ...input.cluster.metadata.labels, ...labels } },
      spec: {
        ...spec,
        id: input.clusterId,
        secretRef: { namespace: input.secretNamespace, name },
        impersonatorSecretRef: { namespace: input.secretNamespace, name: `${name}-impersonator` },
      },
    },
  ];
}

/** Whether Karmada reports the Cluster Ready (its cluster status controller's condition). */
export function clusterReady(cluster: KubeObject | undefined): boolean {
  return conditionStatus(cluster, 'Ready') === 'True';
}

/** The Federated object as it was before the cut-over marked it for orphaning. */
export function asBeforeCutover(federated: KubeObject): KubeObject {
  const annotations = federated.metadata.annotations ?? {};
  if (!(ORPHAN_BEFORE_ANNOTATION in annotations)) return federated;
  const { [ORPHAN_BEFORE_ANNOTATION]: before, [ORPHAN_ANNOTATION]: _orphan, ...rest } = annotations;
  const restored = before === '' || before === undefined ? rest : { ...rest, [ORPHAN_ANNOTATION]: before };
  return { ...federated, metadata: { ...federated.metadata, annotations: restored } };
}

/** The merge patch that marks a Federated object for orphaning; undefined when it is marked already. */
export function orphanPatch(federated: KubeObject): Record<string, unknown> | undefined {
  const annotations = federated.metadata.annotations ?? {};
  if (annotations[ORPHAN_ANNOTATION] === 'true' && ORPHAN_BEFORE_ANNOTATION in annotations) return undefined;
  const before = ORPHAN_BEFORE_ANNOTATION in annotations ? annotations[ORPHAN_BEFORE_ANNOTATION]! : (annotations[ORPHAN_ANNOTATION] ?? '');
  return { metadata: { annotations: { [ORPHAN_ANNOTATION]: 'true', [ORPHAN_BEFORE_ANNOTATION]: before } } };
}

/**
 * The name of the (Cluster)ResourceBinding Karmada makes for a template (names.GenerateBindingName):
 * names of RBAC kinds may hold ':', which a binding's name may not.
 */
export function bindingName(kind: string, name: string): string {
  const safe = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(kind) ? name.replaceAll(':', '.') : name;
  return `${safe}-${kind}`.toLowerCase();
}

export interface AdoptionVerdict {
  adopted: boolean;
  /** Why not yet, for progress lines and the timeout message. */
  reason: string;
}

/**
 * Whether Karmada has taken a template over: its binding scheduled onto exactly the clusters
 * KubeFed placed it on, and fully applied there. A template KubeFed places nowhere is adopted once
 * Karmada has a binding for it that dispatches nowhere.
 */
export function bindingAdoption(binding: KubeObject | undefined, expectedClusters: readonly string[]): AdoptionVerdict {
  if (binding === undefined) return { adopted: false, reason: 'Karmada has no binding for it yet' };
  const spec = isPlainObject(binding.spec) ? binding.spec : {};
  const scheduled = (Array.isArray(spec.clusters) ? spec.clusters : [])
    .flatMap((target) => (isPlainObject(target) && typeof target.name === 'string' ? [target.name] : []))
    .sort();
  const expected = [...expectedClusters].sort();
  if (expected.length === 0) {
    const dispatched = !(isPlainObject(spec.suspension) && spec.suspension.dispatching === true) && scheduled.length > 0;
    return dispatched
      ? { adopted: false, reason: `Karmada schedules it onto ${scheduled.join(', ')}, where KubeFed placed it nowhere` }
      : { adopted: true, reason: '' };
  }
  if (conditionStatus(binding, 'Scheduled') !== 'True') return { adopted: false, reason: `not scheduled${conditionText(binding, 'Scheduled')}` };
  if (scheduled.join(',') !== expected.join(','))
    return { adopted: false, reason: `scheduled onto ${scheduled.join(', ') || 'no cluster'}, KubeFed placed it on ${expected.join(', ')}` };
  if (conditionStatus(binding, 'FullyApplied') !== 'True')
    return { adopted: false, reason: `not applied in every cluster yet${conditionText(binding, 'FullyApplied')}` };
  return { adopted: true, reason: '' };
}

function conditionOf(object: KubeObject | undefined, type: string): Record<string, unknown> | undefined {
  const status = object && isPlainObject(object.status) ? object.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.find((condition): condition is Record<string, unknown> => isPlainObject(condition) && condition.type === type);
}

function conditionStatus(object: KubeObject | undefined, type: string): string | undefined {
  const status = conditionOf(object, type)?.status;
  return typeof status === 'string' ? status : undefined;
}

function conditionText(object: KubeObject, type: string): string {
  const condition = conditionOf(object, type);
  if (condition === undefined) return '';
  const parts = [condition.reason, condition.message].filter((part): part is string => typeof part === 'string' && part !== '');
  return parts.length > 0 ? ` (${parts.join(': ')})` : '';
}

/** A member object as the cut-over watches it: present, the same object (uid), and who manages it. */
export interface MemberObjectState {
  uid: string;
  karmadaManaged: boolean;
  kubefedManaged: boolean;
  /** spec.replicas, for objects whose replicas a ReplicaSchedulingPreference divides. */
  replicas?: number;
}

export function memberObjectState(object: KubeObject | undefined): MemberObjectState | undefined {
  if (object === undefined) return undefined;
  const labels = object.metadata.labels ?? {};
  const replicas = isPlainObject(object.spec) && typeof object.spec.replicas === 'number' ? { replicas: object.spec.replicas } : {};
  return {
    uid: object.metadata.uid ?? '',
    karmadaManaged: labels[KARMADA_MANAGED_LABEL] === 'true',
    kubefedManaged: labels[KUBEFED_MANAGED_LABEL] === 'true',
    ...replicas,
  };
}

/**
 * How Karmada's division of an object's replicas differs from the one KubeFed's ReplicaSchedulingPreference
 * made on the same weights, or undefined when they agree. Karmada v1.18 apportions static weights by
 * Webster's method (ties to the cluster with fewer replicas, then by name in an order fixed per template
 * uid); KubeFed v0.10 gives each cluster, by decreasing weight and a hash of its name, its share rounded
 * up until none are left. On 4 replicas and weights 1:1:1 KubeFed makes 2, 2, 0 and Karmada 2, 1, 1.
 */
export function replicaDivisionChange(kubefed: Readonly<Record<string, number>>, karmada: Readonly<Record<string, number>>): string | undefined {
  const clusters = [...new Set([...Object.keys(kubefed), ...Object.keys(karmada)])].sort();
  if (clusters.every((cluster) => (kubefed[cluster] ?? 0) === (karmada[cluster] ?? 0))) return undefined;
  const split = (of: Readonly<Record<string, number>>) => clusters.map((cluster) => `${cluster}=${of[cluster] ?? 0}`).join(', ');
  const total = Object.values(karmada).reduce((sum, replicas) => sum + replicas, 0);
  return `Karmada divides its ${total} replicas as ${split(karmada)} where KubeFed had ${split(kubefed)}`;
}

/**
 * What is wrong with the member objects after a phase, compared with the uids recorded before the
 * cut-over touched them: a missing object or another uid is never acceptable (the cut-over's promise
 * is that no member object is deleted or replaced).
 */
export function memberObjectProblems(
  before: ReadonlyMap<string, string>,
  now: ReadonlyMap<string, MemberObjectState | undefined>,
  expect: { karmadaManaged?: boolean; kubefedManaged?: boolean },
): string[] {
  const problems: string[] = [];
  for (const [key, uid] of before) {
    const state = now.get(key);
    if (state === undefined) problems.push(`${key} is missing`);
    else if (state.uid !== uid) problems.push(`${key} was replaced (uid ${uid} is now ${state.uid})`);
    else if (expect.karmadaManaged === true && !state.karmadaManaged) problems.push(`${key} does not carry ${KARMADA_MANAGED_LABEL}=true yet`);
    else if (expect.kubefedManaged === false && state.kubefedManaged) problems.push(`${key} still carries ${KUBEFED_MANAGED_LABEL}=true`);
  }
  return problems;
}

/** What the cut-over expects of one Federated object: its member object and where KubeFed placed it. */
export interface CutoverTarget {
  source: SourceRef;
  /** The Federated object's own resource, to delete it on release. */
  federatedResource: { group: string; version: string; resource: string };
  target: TargetRef;
  /** The clusters KubeFed placed it on, by their Karmada names. */
  clusters: string[];
  /** Replicas divided by a ReplicaSchedulingPreference: Karmada divides them itself, onto clusters of its choosing. */
  divided: boolean;
}

const PLACED_ACTIONS: ReadonlySet<PreviewAction> = new Set(['create', 'update', 'unchanged', 'adopt', 'skip:NotReady']);

/**
 * Every Federated object the sync controller acts upon, with the clusters KubeFed places it on
 * (the preview engine's answer, RSPs applied), in release order: contents before FederatedNamespaces.
 */
export function cutoverTargets(inputs: PreviewInputs, karmadaName: (kubefedName: string) => string): CutoverTarget[] {
  const result = previewFederation(inputs, { simulateRsp: true });
  const limitedScope = inputs.settings.scope === 'Namespaced';
  const rspTargets = new Set(
    inputs.replicaSchedulingPreferences.map(
      ({ object }) => `${String((object.spec as { targetKind?: unknown } | undefined)?.targetKind)}/${object.metadata.namespace}/${object.metadata.name}`,
    ),
  );
  const targets = inputs.federated
    .filter((federated) => ignoredReason(federated, limitedScope, inputs.kubefedNamespace) === undefined)
    .map((federated): CutoverTarget => {
      const source = sourceRef(federated.object);
      const key = sourceKey(source);
      const clusters = result.clusters
        .filter((cluster) => cluster.items.some((item) => sourceKey(item.source) === key && PLACED_ACTIONS.has(item.action)))
        .map((cluster) => karmadaName(cluster.name));
      const { federatedType } = federated.typeConfig;
      return {
        source,
        federatedResource: { group: federatedType.group, version: federatedType.version, resource: federatedType.pluralName },
        target: targetRef(federated),
        clusters: clusters.sort(),
        divided: rspTargets.has(key),
      };
    });
  const isNamespace = (target: CutoverTarget) => target.target.kind === 'Namespace' && target.target.group === '';
  return [...targets.filter((target) => !isNamespace(target)), ...targets.filter(isNamespace)];
}
