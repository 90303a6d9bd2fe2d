// previewFederation: what KubeFed v0.10.0 would write to every member cluster for the given
// federated objects, and where it would fail. The steps follow the sync controller
// (pkg/controller/sync): which objects it looks at at all, placement, then per cluster (sorted by
// name) the dispatch of dispatch.ts. ReplicaSchedulingPreferences rewrite their targets first
// when simulated. Pure: live member objects come in through options.live.

import { LabelSelectorError } from './label-selector.js';
import { type DispatchInput, dispatchForCluster } from './dispatch.js';
import {
  type Explanation,
  type FederatedObject,
  type MemberCluster,
  type PreviewClusterResult,
  type PreviewError,
  type PreviewInputs,
  type PreviewOptions,
  type PreviewResult,
  type TargetRef,
  describeSource,
  sourceRef,
} from './model.js';
import { OverridesError, getOverrides } from './overrides.js';
import { type Placement, computeNamespacedPlacement, computePlacement } from './placement.js';
import { RSP_TARGET_KINDS, applyReplicaSchedulingPreference } from './rsp.js';

/** The namespaces KubeFed never propagates (isSystemNamespace), besides its own. */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'default'];

export function previewFederation(inputs: PreviewInputs & { warnings?: readonly string[] }, options: PreviewOptions = {}): PreviewResult {
  const scope = options.scope ?? inputs.settings.scope;
  const limitedScope = scope === 'Namespaced';
  const clusters = [...inputs.clusters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const results: PreviewClusterResult[] = clusters.map((cluster) => ({ name: cluster.name, ready: cluster.ready, items: [] }));
  const errors: PreviewError[] = [];
  const explanations: Explanation[] = [];
  const warnings = [...(inputs.warnings ?? [])];

  const federatedNamespaces = indexFederatedNamespaces(inputs.federated);
  // The fedNamespace informer of a Namespaced control plane only lists the KubeFed namespace.
  const cachedFederatedNamespace = (namespace: string) =>
    limitedScope && namespace !== inputs.kubefedNamespace ? undefined : federatedNamespaces.get(namespace);

  const { objects, notes } = scheduleReplicas(inputs, options, clusters, limitedScope, federatedNamespaces, warnings);

  for (const federated of objects) {
    const source = sourceRef(federated.object);
    const explanation: Explanation = { source, location: federated.location, notes: [...(notes.get(federated) ?? [])], clusters: [] };
    explanations.push(explanation);
    const ignored = ignoredReason(federated, limitedScope, inputs.kubefedNamespace);
    if (ignored !== undefined) {
      explanation.notes.push(`ignored: ${ignored}`);
      continue;
    }
    const namespace = federated.object.metadata.namespace ?? '';
    const targetNamespaced = federated.typeConfig.targetType.scope === 'Namespaced';
    let placement: Placement;
    try {
      placement = targetNamespaced
        ? computeNamespacedPlacement(federated.object, cachedFederatedNamespace(namespace), clusters, limitedScope)
        : computePlacement(federated.object, clusters);
    } catch (error) {
      if (!(error instanceof LabelSelectorError)) throw error;
      const message = `Failed to compute placement: ${error.message}`;
      errors.push({ source, cluster: null, reason: 'ComputePlacementFailed', message });
      explanation.notes.push(`ComputePlacementFailed: ${message}`);
      continue;
    }
    if (placement.unknownClusters.length > 0) {
      explanation.notes.push(`spec.placement.clusters names clusters that are not joined, which KubeFed ignores: ${placement.unknownClusters.join(', ')}`);
    }
    let overrides: ReturnType<typeof getOverrides> | OverridesError;
    try {
      overrides = getOverrides(federated.object);
      for (const clusterName of overrides.keys()) {
        if (!placement.selected.has(clusterName)) {
          const known = clusters.some((cluster) => cluster.name === clusterName);
          explanation.notes.push(`spec.overrides for cluster "${clusterName}" is not used: ${known ? 'the object is not placed there' : 'no such cluster'}`);
        }
      }
    } catch (error) {
      if (!(error instanceof OverridesError)) throw error;
      overrides = error;
    }
    const target = targetRef(federated);
    clusters.forEach((cluster, index) => {
      const selected = placement.selected.has(cluster.name);
      const input: DispatchInput = {
        federated,
        overrides,
        cluster,
        selected,
        live: options.live?.(cluster.name, target),
        liveAt: options.live ? (ns, name) => options.live!(cluster.name, { ...target, namespace: ns, name }) : undefined,
        adoptResources: inputs.settings.adoptResources,
      };
      const outcome = dispatchForCluster(input);
      const placementReason = placement.reasons.get(cluster.name) ?? '';
      if (outcome.failure) errors.push({ source, cluster: cluster.name, reason: outcome.failure.reason, message: outcome.failure.message });
      if (outcome.action) results[index]!.items.push({ action: outcome.action, source, object: outcome.object, warnings: outcome.warnings });
      explanation.clusters.push(verdictFor(cluster, selected, placementReason, outcome));
    });
  }
  return { clusters: results, errors, explanations, warnings };
}

function verdictFor(
  cluster: MemberCluster,
  selected: boolean,
  placementReason: string,
  outcome: ReturnType<typeof dispatchForCluster>,
): Explanation['clusters'][number] {
  const failure = outcome.failure ? `${outcome.failure.reason}: ${outcome.failure.message}` : undefined;
  if (outcome.action === 'skip:NotReady')
    return { cluster: cluster.name, verdict: outcome.action, reason: `${placementReason}; the cluster is not Ready (ClusterNotReady)` };
  if (outcome.action) return { cluster: cluster.name, verdict: outcome.action, reason: failure ?? placementReason };
  if (failure) return { cluster: cluster.name, verdict: 'failed', reason: failure };
  const detail = outcome.note ? `${placementReason}; ${outcome.note}` : placementReason;
  return { cluster: cluster.name, verdict: selected ? 'nothing to do' : 'dropped', reason: detail };
}

/** Why the sync controller never looks at this object, if it does not. */
export function ignoredReason(federated: FederatedObject, limitedScope: boolean, kubefedNamespace: string): string | undefined {
  const { typeConfig, object } = federated;
  const name = object.metadata.name ?? '';
  const namespace = object.metadata.namespace ?? '';
  if (!typeConfig.propagationEnabled) return `FederatedTypeConfig ${typeConfig.name} does not have propagation Enabled`;
  if (limitedScope && typeConfig.targetType.scope !== 'Namespaced') {
    return `scope Namespaced: KubeFed does not start the sync controller of the cluster-scoped type ${typeConfig.targetType.kind}`;
  }
  if (limitedScope && typeConfig.federatedType.scope === 'Namespaced' && namespace !== kubefedNamespace) {
    return `scope Namespaced: KubeFed watches only namespace ${kubefedNamespace}`;
  }
  if (typeConfig.targetType.kind === 'Namespace') {
    if (SYSTEM_NAMESPACES.includes(name) || name === kubefedNamespace) {
      return `${name} is a system namespace (kube-system, kube-public, default and ${kubefedNamespace} are never propagated)`;
    }
    if (name !== namespace) return 'the name of a federated namespace must match the name of its containing namespace (event InvalidName)';
  }
  return undefined;
}

/** FederatedNamespaces by namespace: the cache key <ns>/<ns>, whether or not they propagate themselves. */
function indexFederatedNamespaces(federated: readonly FederatedObject[]): Map<string, FederatedObject['object']> {
  const index = new Map<string, FederatedObject['object']>();
  for (const { object, typeConfig } of federated) {
    if (typeConfig.targetType.kind !== 'Namespace' || typeConfig.targetType.group !== '') continue;
    if (object.metadata.namespace === object.metadata.name) index.set(object.metadata.name ?? '', object);
  }
  return index;
}

export function targetRef(federated: FederatedObject): TargetRef {
  const { targetType } = federated.typeConfig;
  return {
    group: targetType.group,
    version: targetType.version,
    kind: targetType.kind,
    resource: targetType.pluralName,
    namespace: targetType.scope === 'Namespaced' ? (federated.object.metadata.namespace ?? '') : '',
    name: federated.object.metadata.name ?? '',
  };
}

/** The RSP pass: the federated objects as the scheduler leaves them, and what it did to each. */
function scheduleReplicas(
  inputs: PreviewInputs,
  options: PreviewOptions,
  clusters: readonly MemberCluster[],
  limitedScope: boolean,
  federatedNamespaces: ReadonlyMap<string, FederatedObject['object']>,
  warnings: string[],
): { objects: FederatedObject[]; notes: Map<FederatedObject, string[]> } {
  const objects = [...inputs.federated];
  const notes = new Map<FederatedObject, string[]>();
  const note = (federated: FederatedObject, text: string) => notes.set(federated, [...(notes.get(federated) ?? []), text]);
  for (const { object: rsp } of inputs.replicaSchedulingPreferences) {
    const spec = rsp.spec as { targetKind: string };
    const name = `ReplicaSchedulingPreference ${rsp.metadata.namespace}/${rsp.metadata.name}`;
    const index = objects.findIndex(
      ({ object }) => object.kind === spec.targetKind && object.metadata.namespace === rsp.metadata.namespace && object.metadata.name === rsp.metadata.name,
    );
    const target = objects[index];
    if (!(RSP_TARGET_KINDS as readonly string[]).includes(spec.targetKind)) {
      warnings.push(`${name} is ignored: RSP target kind ${spec.targetKind} is incorrect (FederatedDeployment or FederatedReplicaSet)`);
      continue;
    }
    if (target === undefined) {
      warnings.push(`${name} changes nothing: the input has no ${spec.targetKind} ${rsp.metadata.namespace}/${rsp.metadata.name}`);
      continue;
    }
    if (!options.simulateRsp) {
      const text = `${name} is not simulated: KubeFed would rewrite the placement and the /spec/replicas overrides of ${describeSource(sourceRef(target.object))} (--simulate-rsp shows how)`;
      warnings.push(text);
      note(target, text);
      continue;
    }
    if (!inputs.settings.schedulerPreferences) {
      note(target, `${name} is ignored: the SchedulerPreferences feature gate is Disabled`);
      continue;
    }
    if (limitedScope && rsp.metadata.namespace !== inputs.kubefedNamespace) {
      note(target, `${name} is ignored: scope Namespaced watches only namespace ${inputs.kubefedNamespace}`);
      continue;
    }
    const outcome = applyReplicaSchedulingPreference(rsp, target, {
      clusters,
      federatedNamespace: federatedNamespaces.get(rsp.metadata.namespace ?? ''),
      limitedScope,
    });
    const updated = outcome.object === undefined ? target : { ...target, object: outcome.object };
    objects[index] = updated;
    notes.set(updated, [...(notes.get(target) ?? []), outcome.note]);
  }
  return { objects, notes };
}
