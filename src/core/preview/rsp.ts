// ReplicaSchedulingPreference as KubeFed v0.10.0's scheduler applies it
// (pkg/schedulingtypes/replicascheduler.go, plugin.go; pkg/controller/util/planner/planner.go):
// the replicas are spread over the Ready clusters by weight, min and max, and the RSP rewrites its
// FederatedDeployment/FederatedReplicaSet: placement.clusters lists every candidate (0-replica
// ones included) and each gets a /spec/replicas override. Offline there is no current replica
// count and no capacity estimate, so rebalance and overflow play no part.

import { cloneJson } from '../federate.js';
import type { KubeObject } from '../types.js';
import { isPlainObject } from '../types.js';
import { LabelSelectorError } from './label-selector.js';
import type { FederatedObject, MemberCluster } from './model.js';
import { OverridesError, getOverrides } from './overrides.js';
import { type Placement, computeNamespacedPlacement, computePlacement } from './placement.js';

export const RSP_TARGET_KINDS = ['FederatedDeployment', 'FederatedReplicaSet'] as const;
const REPLICAS_PATH = '/spec/replicas';

export interface ClusterPreferences {
  minReplicas: number;
  maxReplicas?: number | undefined;
  weight: number;
}

/** Go's hash/fnv New32 (FNV-1: multiply, then xor) over the UTF-8 bytes of `text`. */
export function fnv1Hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = (Math.imul(hash, 0x01000193) ^ byte) >>> 0;
  return hash;
}

/**
 * Planner.Plan without current counts or capacities: replicas per cluster for `clusters`.
 * Clusters without a preference (and no "*") get 0. Candidates are ordered by weight, then by
 * fnv1Hash32(cluster + key) where key is "namespace/name"; equal hashes fall back to the name.
 */
export function planReplicas(
  totalReplicas: number,
  preferences: ReadonlyMap<string, ClusterPreferences>,
  clusters: readonly string[],
  key: string,
): Map<string, number> {
  const plan = new Map<string, bigint>();
  let candidates: Array<{ cluster: string; hash: number; preference: ClusterPreferences }> = [];
  for (const cluster of clusters) {
    const preference = preferences.get(cluster) ?? preferences.get('*');
    if (preference === undefined) plan.set(cluster, 0n);
    else candidates.push({ cluster, hash: fnv1Hash32(cluster + key), preference });
  }
  candidates.sort((a, b) => b.preference.weight - a.preference.weight || a.hash - b.hash || (a.cluster < b.cluster ? -1 : 1));

  let remaining = BigInt(totalReplicas);
  for (const { cluster, preference } of candidates) {
    const min = minBig(BigInt(preference.minReplicas), remaining);
    remaining -= min;
    plan.set(cluster, min);
  }
  // Repeat while something moves: each pass spreads what is left by weight, rounding up; a
  // cluster that reaches maxReplicas leaves the following passes.
  let modified = true;
  while (modified && remaining > 0n) {
    modified = false;
    const weightSum = candidates.reduce((sum, { preference }) => sum + BigInt(preference.weight), 0n);
    const next: typeof candidates = [];
    const distribute = remaining;
    for (const candidate of candidates) {
      if (weightSum <= 0n) break;
      const start = plan.get(candidate.cluster)!;
      const extra = minBig((distribute * BigInt(candidate.preference.weight) + weightSum - 1n) / weightSum, remaining);
      let total = start + extra;
      let full = false;
      if (candidate.preference.maxReplicas !== undefined && total > BigInt(candidate.preference.maxReplicas)) {
        total = BigInt(candidate.preference.maxReplicas);
        full = true;
      }
      if (!full) next.push(candidate);
      remaining -= total - start;
      plan.set(candidate.cluster, total);
      if (total > start) modified = true;
    }
    candidates = next;
  }
  return new Map([...plan].map(([cluster, replicas]) => [cluster, Number(replicas)]));
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** spec.clusters of an RSP; empty means {"*": {weight: 1}} (GetSchedulingResult's defaulting). */
export function readPreferences(rsp: KubeObject): Map<string, ClusterPreferences> {
  const spec = isPlainObject(rsp.spec) ? rsp.spec : {};
  const clusters = isPlainObject(spec.clusters) ? spec.clusters : {};
  const preferences = new Map<string, ClusterPreferences>();
  for (const [name, raw] of Object.entries(clusters)) {
    const entry = isPlainObject(raw) ? raw : {};
    preferences.set(name, {
      minReplicas: typeof entry.minReplicas === 'number' ? entry.minReplicas : 0,
      maxReplicas: typeof entry.maxReplicas === 'number' ? entry.maxReplicas : undefined,
      weight: typeof entry.weight === 'number' ? entry.weight : 0,
    });
  }
  if (preferences.size === 0) preferences.set('*', { minReplicas: 0, weight: 1 });
  return preferences;
}

export interface RspContext {
  clusters: readonly MemberCluster[];
  /** The FederatedNamespace <ns>/<ns>, as the scheduler GETs it. */
  federatedNamespace: KubeObject | undefined;
  limitedScope: boolean;
}

export interface RspOutcome {
  /** The rewritten federated object, or undefined when the RSP changes nothing. */
  object: KubeObject | undefined;
  /** What happened, for --explain and stderr. */
  note: string;
}

/** ReplicaScheduler.Reconcile + Plugin.Reconcile for one RSP and its target. */
export function applyReplicaSchedulingPreference(rsp: KubeObject, target: FederatedObject, context: RspContext): RspOutcome {
  const spec = isPlainObject(rsp.spec) ? rsp.spec : {};
  const name = `ReplicaSchedulingPreference ${rsp.metadata.namespace}/${rsp.metadata.name}`;
  let candidates = context.clusters.filter((cluster) => cluster.ready).map((cluster) => cluster.name);
  if (candidates.length === 0) return { object: undefined, note: `${name} changes nothing: no member cluster is Ready` };
  const key = `${target.object.metadata.namespace}/${target.object.metadata.name}`;
  if (spec.intersectWithClusterSelector === true) {
    if (context.federatedNamespace === undefined) {
      return {
        object: undefined,
        note: `${name} changes nothing: intersectWithClusterSelector needs the FederatedNamespace ${target.object.metadata.namespace}, which is missing`,
      };
    }
    let placement: Placement;
    try {
      const readyClusters = context.clusters.filter((cluster) => cluster.ready);
      placement =
        target.typeConfig.targetType.scope === 'Namespaced'
          ? computeNamespacedPlacement(target.object, context.federatedNamespace, readyClusters, context.limitedScope, true)
          : computePlacement(target.object, readyClusters, true);
    } catch (error) {
      if (error instanceof LabelSelectorError) return { object: undefined, note: `${name} changes nothing: ${error.message}` };
      throw error;
    }
    candidates = candidates.filter((cluster) => placement.selected.has(cluster));
    if (candidates.length === 0)
      return { object: undefined, note: `${name} changes nothing: the clusterSelectors (intersectWithClusterSelector) select no Ready cluster` };
  }
  const totalReplicas = typeof spec.totalReplicas === 'number' ? spec.totalReplicas : 0;
  const plan = planReplicas(totalReplicas, readPreferences(rsp), candidates, key);

  let overrides;
  try {
    overrides = getOverrides(target.object);
  } catch (error) {
    if (error instanceof OverridesError) {
      return { object: undefined, note: `${name} changes nothing: Error reading cluster overrides for ${target.object.kind} "${key}": ${error.message}` };
    }
    throw error;
  }
  const object = rewriteTarget(target.object, plan, overrides);
  const spread = [...plan.keys()]
    .sort()
    .map((cluster) => `${cluster}=${plan.get(cluster)}`)
    .join(', ');
  return { object, note: `${name} sets spec.placement.clusters to the Ready candidates and /spec/replicas per cluster: ${spread}` };
}

/** Plugin.Reconcile's writes: placement.clusters (if the set changed) and the replicas overrides. */
function rewriteTarget(
  fedObject: KubeObject,
  plan: ReadonlyMap<string, number>,
  overrides: ReadonlyMap<string, ReadonlyArray<{ path: string; value?: unknown }>>,
): KubeObject {
  const object = cloneJson(fedObject);
  const spec = (isPlainObject(object.spec) ? object.spec : (object.spec = {})) as Record<string, unknown>;
  const placement = (isPlainObject(spec.placement) ? spec.placement : (spec.placement = {})) as Record<string, unknown>;
  const names = [...plan.keys()].sort();
  const current = Array.isArray(placement.clusters) ? placement.clusters.map((entry) => (isPlainObject(entry) ? entry.name : undefined)) : null;
  if (current === null || [...current].sort().join('\n') !== names.join('\n')) placement.clusters = names.map((cluster) => ({ name: cluster }));

  if (!overrideUpdateNeeded(overrides, plan)) return object;
  // updateOverridesMap on the spec entries themselves: drop the replicas override of clusters
  // that are not scheduled, set it in place for scheduled ones, append it where missing.
  const items = (Array.isArray(spec.overrides) ? spec.overrides : []).filter(isPlainObject).map((item) => cloneJson(item));
  const seen = new Set<string>();
  for (const item of items) {
    const cluster = typeof item.clusterName === 'string' ? item.clusterName : '';
    seen.add(cluster);
    const list = (Array.isArray(item.clusterOverrides) ? item.clusterOverrides : []).filter(isPlainObject);
    const index = list.findIndex((entry) => entry.path === REPLICAS_PATH);
    const replicas = plan.get(cluster);
    if (replicas === undefined) {
      if (index >= 0) list.splice(index, 1);
    } else if (index >= 0) {
      list[index] = { ...list[index], value: replicas };
    } else {
      list.push({ path: REPLICAS_PATH, value: replicas });
    }
    item.clusterOverrides = list;
  }
  for (const cluster of names)
    if (!seen.has(cluster)) items.push({ clusterName: cluster, clusterOverrides: [{ path: REPLICAS_PATH, value: plan.get(cluster) }] });
  spec.overrides = items;
  return object;
}

/** OverrideUpdateNeeded: every scheduled cluster has exactly its replicas as a numeric override. */
function overrideUpdateNeeded(overrides: ReadonlyMap<string, ReadonlyArray<{ path: string; value?: unknown }>>, plan: ReadonlyMap<string, number>): boolean {
  let checked = 0;
  for (const [cluster, list] of overrides) {
    for (const { path, value } of list) {
      if (path !== REPLICAS_PATH) continue;
      if (typeof value !== 'number' || plan.get(cluster) !== Math.trunc(value)) return true;
      checked += 1;
    }
  }
  return checked !== plan.size;
}
