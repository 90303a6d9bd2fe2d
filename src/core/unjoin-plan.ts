// What unjoin deletes, decided from what the clusters hold: what join created (found by name, as
// the Go tool finds it, and by label), member first, host last. The member namespace goes only if
// join created it for this cluster, it is not the host's own, and it holds nothing else. Pure:
// run/unjoin.ts reads, this module decides, cluster/applier.ts applies.

import { CLUSTER_NAME_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './constants.js';
import { GVR } from './gvr.js';
import { joinNames } from './join-plan.js';
import type { Operation, PlanNote, WaitOperation } from './plan.js';
import type { GroupVersionResource, KubeObject } from './types.js';

export interface UnjoinTarget {
  clusterName: string;
  hostName: string;
  namespace: string;
}

/** The member objects join may have created, looked up by name. */
export function memberCandidatesByName(target: UnjoinTarget): Array<[GroupVersionResource, string, string | undefined]> {
  const names = joinNames(target);
  const ns = target.namespace;
  return [
    [GVR.clusterRoleBindings, names.role, undefined],
    [GVR.clusterRoles, names.role, undefined],
    [GVR.clusterRoleBindings, names.healthCheckRole, undefined],
    [GVR.clusterRoles, names.healthCheckRole, undefined],
    [GVR.roleBindings, names.role, ns],
    [GVR.roles, names.role, ns],
    [GVR.serviceAccounts, names.serviceAccount, ns],
    [GVR.secrets, names.serviceAccount, ns],
  ];
}

/** The types join labels objects of, listed by label to find what an earlier join left. */
export const LABELLED_MEMBER_TYPES: ReadonlyArray<{ gvr: GroupVersionResource; namespaced: boolean }> = [
  { gvr: GVR.clusterRoleBindings, namespaced: false },
  { gvr: GVR.clusterRoles, namespaced: false },
  { gvr: GVR.roleBindings, namespaced: true },
  { gvr: GVR.roles, namespaced: true },
  { gvr: GVR.serviceAccounts, namespaced: true },
  { gvr: GVR.secrets, namespaced: true },
];

export function managedSelector(clusterName: string): string {
  return `${CLUSTER_NAME_LABEL}=${clusterName},${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
}

/** Whether join labelled the object for this cluster (what managedSelector selects). */
export function isManagedFor(object: KubeObject, clusterName: string): boolean {
  const labels = object.metadata.labels ?? {};
  return labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && labels[CLUSTER_NAME_LABEL] === clusterName;
}

export interface ObservedMember {
  /** Found by name (memberCandidatesByName order), absent ones left out. */
  byName: Array<{ gvr: GroupVersionResource; object: KubeObject }>;
  /** Found by the managed labels. */
  labelled: Array<{ gvr: GroupVersionResource; object: KubeObject }>;
  namespace?: KubeObject | undefined;
  /** The host's namespace of the same name: the same object when the host unjoins itself. */
  hostNamespace?: KubeObject | undefined;
  /**
   * Objects in the namespace that are neither join's nor what Kubernetes puts in every namespace
   * (`resource/name`); undefined when not looked at (the namespace is kept for another reason).
   */
  foreignObjects?: string[] | undefined;
  /**
   * Namespaced types whose objects in the namespace could not be listed (`type (reason)`): the
   * namespace may hold objects of them, so it is not join's to delete.
   */
  uncheckedTypes?: string[] | undefined;
}

export interface ObservedUnjoin {
  kubefedCluster?: KubeObject | undefined;
  /** Host Secrets labelled for this cluster. */
  labelledHostSecrets: KubeObject[];
  /** undefined when the member is not inspected (--force with an unreachable member). */
  member?: ObservedMember | undefined;
}

export interface UnjoinPlan {
  operations: Operation[];
  notes: PlanNote[];
}

function objectKey(gvr: GroupVersionResource, name: string, namespace: string | undefined): string {
  return `${gvr.resource}/${namespace ?? ''}/${name}`;
}

/**
 * Why the member namespace must stay, or undefined when unjoin may delete it. `userMustAct` when
 * it stays only for want of a complete look (some type could not be listed): the user may have to
 * finish the cleanup, so the reason is worth a warning.
 */
export function namespaceKeep(target: UnjoinTarget, member: ObservedMember): { reason: string; userMustAct: boolean } | undefined {
  const namespace = member.namespace;
  const ns = target.namespace;
  if (!namespace) return undefined;
  if (member.hostNamespace && member.hostNamespace.metadata.uid === namespace.metadata.uid)
    return { reason: `namespace "${ns}" is the host cluster's own control-plane namespace`, userMustAct: false };
  if (!isManagedFor(namespace, target.clusterName))
    return { reason: `namespace "${ns}" was not created by kubefedctl join for this cluster`, userMustAct: false };
  const others = member.foreignObjects ?? [];
  if (others.length > 0) return { reason: `namespace "${ns}" holds other objects (${firstFew(others)})`, userMustAct: false };
  const unchecked = member.uncheckedTypes ?? [];
  if (unchecked.length > 0)
    return {
      reason: `namespace "${ns}" may hold other objects: could not list ${firstFew(unchecked)}; delete it yourself once it is empty`,
      userMustAct: true,
    };
  return undefined;
}

function firstFew(items: readonly string[]): string {
  return `${items.slice(0, 5).join(', ')}${items.length > 5 ? `, and ${items.length - 5} more` : ''}`;
}

/** The names of everything join created in the member, to tell join's objects from others. */
export function memberObjectKeys(member: Pick<ObservedMember, 'byName' | 'labelled'>): Set<string> {
  return new Set([...member.byName, ...member.labelled].map(({ gvr, object }) => objectKey(gvr, object.metadata.name!, object.metadata.namespace)));
}

/** True for what Kubernetes puts in every namespace, and the token Secrets of join's service accounts. */
export function isNamespaceDefault(resource: string, item: KubeObject, ours: ReadonlySet<string>): boolean {
  const name = item.metadata.name;
  if (resource === 'serviceaccounts' && name === 'default') return true;
  if (resource === 'configmaps' && name === 'kube-root-ca.crt') return true;
  if (resource === 'secrets' && item.type === 'kubernetes.io/service-account-token') {
    const owner = item.metadata.annotations?.['kubernetes.io/service-account.name'];
    return owner === 'default' || (owner !== undefined && ours.has(objectKey(GVR.serviceAccounts, owner, item.metadata.namespace)));
  }
  return false;
}

export function isJoinObject(resource: GroupVersionResource, item: KubeObject, ours: ReadonlySet<string>): boolean {
  return ours.has(objectKey(resource, item.metadata.name!, item.metadata.namespace));
}

/**
 * Member deletes (by name first, then labelled leftovers, then the namespace if it may go), then
 * the host's Secrets and the KubeFedCluster; with `waitMs`, a wait until the namespace is gone.
 */
export function planUnjoin(target: UnjoinTarget, observed: ObservedUnjoin, waitMs?: number): UnjoinPlan {
  const ns = target.namespace;
  const operations: Operation[] = [];
  const notes: PlanNote[] = [];
  if (!observed.kubefedCluster) notes.push({ text: `no KubeFedCluster "${ns}/${target.clusterName}" in the host cluster; cleaning up leftovers only` });

  let namespaceDeleted = false;
  const member = observed.member;
  if (member) {
    const seen = new Set<string>();
    const add = (gvr: GroupVersionResource, object: KubeObject, reason: string) => {
      const key = objectKey(gvr, object.metadata.name!, object.metadata.namespace);
      if (seen.has(key)) return;
      seen.add(key);
      operations.push({ verb: 'delete', cluster: 'member', gvr, name: object.metadata.name!, namespace: object.metadata.namespace, reason });
    };
    for (const { gvr, object } of member.byName) add(gvr, object, 'created by join (by name)');
    // Objects labelled by an earlier join of this cluster, e.g. under another --host-cluster-name.
    for (const { gvr, object } of member.labelled) add(gvr, object, 'created by join (labelled)');
    const keep = namespaceKeep(target, member);
    if (keep) notes.push({ cluster: 'member', text: `keep: ${keep.reason}`, warning: keep.userMustAct });
    else if (member.namespace?.metadata.deletionTimestamp) {
      // Already being deleted (an earlier unjoin): nothing to send, only to wait for.
      namespaceDeleted = true;
    } else if (member.namespace) {
      operations.push({ verb: 'delete', cluster: 'member', gvr: GVR.namespaces, name: ns, reason: 'created by join and holds nothing else' });
      namespaceDeleted = true;
    }
  }

  const secretName = (observed.kubefedCluster?.spec as { secretRef?: { name?: string } } | undefined)?.secretRef?.name;
  if (secretName)
    operations.push({
      verb: 'delete',
      cluster: 'host',
      gvr: GVR.secrets,
      name: secretName,
      namespace: ns,
      reason: 'credentials referenced by the KubeFedCluster',
    });
  for (const secret of observed.labelledHostSecrets) {
    if (secret.metadata.name === secretName) continue;
    operations.push({
      verb: 'delete',
      cluster: 'host',
      gvr: GVR.secrets,
      name: secret.metadata.name!,
      namespace: ns,
      reason: 'credentials from an earlier join (labelled)',
    });
  }
  if (observed.kubefedCluster)
    operations.push({ verb: 'delete', cluster: 'host', gvr: GVR.kubefedClusters, name: target.clusterName, namespace: ns, reason: 'the cluster registration' });
  if (namespaceDeleted && waitMs !== undefined) operations.push(namespaceGoneWait(ns, target.clusterName, waitMs));
  return { operations, notes };
}

function namespaceGoneWait(namespace: string, clusterName: string, timeoutMs: number): WaitOperation {
  return {
    verb: 'wait',
    cluster: 'member',
    gvr: GVR.namespaces,
    name: namespace,
    until: 'deleted',
    timeoutMs,
    description: `namespace "${namespace}" in cluster "${clusterName}" to be deleted`,
  };
}
