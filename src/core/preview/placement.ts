// Placement as KubeFed v0.10.0 computes it (pkg/controller/util/placement.go): a non-nil
// spec.placement.clusters list wins over the selector, and an empty list selects no cluster;
// otherwise the selector decides (absent: nothing, {}: everything). Names are intersected with
// the known KubeFedClusters. Namespaced resources are further limited by the FederatedNamespace
// of their namespace. Each function also says, per cluster, why.

import type { KubeObject } from '../types.js';
import { isPlainObject } from '../types.js';
import { type LabelSelector, type Selector, describeSelector, labelSelectorAsSelector, selectorMatches } from './label-selector.js';
import type { MemberCluster } from './model.js';

/** spec.placement as GenericPlacement decodes it: `clusters` null when absent or null. */
export interface PlacementSpec {
  clusters: string[] | null;
  clusterSelector: LabelSelector | null;
}

export interface Placement {
  selected: Set<string>;
  /** One sentence per known cluster: why it is selected or not. */
  reasons: Map<string, string>;
  /** Names in spec.placement.clusters that are no KubeFedCluster (dropped silently by KubeFed). */
  unknownClusters: string[];
}

/** Reads spec.placement of an object whose shape the input layer has checked. */
export function readPlacement(object: KubeObject): PlacementSpec {
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const placement = isPlainObject(spec.placement) ? spec.placement : {};
  const clusters = Array.isArray(placement.clusters)
    ? placement.clusters.map((entry) => (isPlainObject(entry) && typeof entry.name === 'string' ? entry.name : ''))
    : null;
  const clusterSelector = isPlainObject(placement.clusterSelector) ? (placement.clusterSelector as LabelSelector) : null;
  return { clusters, clusterSelector };
}

/**
 * ComputePlacement. selectorOnly (the RSP's intersectWithClusterSelector) ignores the clusters
 * list. Throws LabelSelectorError for an invalid selector.
 */
export function computePlacement(object: KubeObject, clusters: readonly MemberCluster[], selectorOnly = false): Placement {
  const spec = readPlacement(object);
  const reasons = new Map<string, string>();
  const selected = new Set<string>();
  const known = new Set(clusters.map((cluster) => cluster.name));
  if (!selectorOnly && spec.clusters !== null) {
    const listed = new Set(spec.clusters);
    for (const cluster of clusters) {
      if (listed.has(cluster.name)) {
        selected.add(cluster.name);
        reasons.set(cluster.name, 'listed in spec.placement.clusters');
      } else {
        reasons.set(
          cluster.name,
          listed.size === 0 ? 'spec.placement.clusters is an empty list, which selects no cluster' : 'not listed in spec.placement.clusters',
        );
      }
    }
    const unknownClusters = [...listed].filter((name) => !known.has(name));
    return { selected, reasons, unknownClusters };
  }
  const selector = labelSelectorAsSelector(spec.clusterSelector);
  for (const cluster of clusters) {
    const matches = selectorMatches(selector, cluster.labels);
    if (matches) selected.add(cluster.name);
    reasons.set(cluster.name, selectorReason(selector, matches, cluster, selectorOnly));
  }
  return { selected, reasons, unknownClusters: [] };
}

function selectorReason(selector: Selector, matches: boolean, cluster: MemberCluster, selectorOnly: boolean): string {
  if (selector.kind === 'nothing') {
    return selectorOnly
      ? 'no spec.placement.clusterSelector, which selects no cluster'
      : 'neither spec.placement.clusters nor spec.placement.clusterSelector is set, which selects no cluster';
  }
  if (selector.kind === 'everything') return 'spec.placement.clusterSelector is empty, which selects every cluster';
  return `labels {${describeLabels(cluster.labels)}} ${matches ? 'match' : 'do not match'} clusterSelector "${describeSelector(selector)}"`;
}

function describeLabels(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(', ');
}

/**
 * ComputeNamespacedPlacement: the resource's placement intersected with its FederatedNamespace's.
 * Without a FederatedNamespace, scope Cluster places nothing and scope Namespaced (limitedScope)
 * keeps the resource's placement.
 */
export function computeNamespacedPlacement(
  resource: KubeObject,
  federatedNamespace: KubeObject | undefined,
  clusters: readonly MemberCluster[],
  limitedScope: boolean,
  selectorOnly = false,
): Placement {
  const own = computePlacement(resource, clusters, selectorOnly);
  const namespace = resource.metadata.namespace ?? '';
  const namespaceRef = `${namespace}/${namespace}`;
  if (federatedNamespace === undefined) {
    if (limitedScope) {
      for (const name of own.selected)
        own.reasons.set(name, `${own.reasons.get(name)}; no FederatedNamespace ${namespaceRef}, so the resource's placement is used as is (scope Namespaced)`);
      return own;
    }
    for (const name of own.selected) own.reasons.set(name, `namespace ${namespace} has no FederatedNamespace (scope Cluster)`);
    return { selected: new Set(), reasons: own.reasons, unknownClusters: own.unknownClusters };
  }
  const namespacePlacement = computePlacement(federatedNamespace, clusters, selectorOnly);
  const selected = new Set<string>();
  for (const name of own.selected) {
    if (namespacePlacement.selected.has(name)) {
      selected.add(name);
      own.reasons.set(name, `${own.reasons.get(name)}; FederatedNamespace ${namespaceRef} places its namespace here too`);
    } else {
      own.reasons.set(name, `FederatedNamespace ${namespaceRef} does not place its namespace here: ${namespacePlacement.reasons.get(name)}`);
    }
  }
  return { selected, reasons: own.reasons, unknownClusters: own.unknownClusters };
}
