// `kubefedctl migrate karmada`: every Federated object becomes its resource template plus a
// (Cluster)PropagationPolicy and, with overrides, a (Cluster)OverridePolicy; KubeFedClusters become
// Karmada Clusters. KubeFed's semantics come from the preview engine (which objects the sync
// controller looks at, placement, ObjectForCluster, overrides, RSP preferences); the mapping is
// symbolic, so the policies keep meaning the same thing when clusters come and go.

import { ORPHAN_ANNOTATION } from '../constants.js';
import { ignoredReason } from '../preview/engine.js';
import { LabelSelectorError, labelSelectorAsSelector, selectorMatches } from '../preview/label-selector.js';
import { type FederatedObject, describeSource, sourceRef } from '../preview/model.js';
import { readPlacement } from '../preview/placement.js';
import { RSP_TARGET_KINDS, readPreferences } from '../preview/rsp.js';
import { type KubeObject, isPlainObject } from '../types.js';
import { ClusterNames, KARMADA_CLUSTER_NAMES } from './cluster-names.js';
import { SKIP_AUTO_PROPAGATION_LABEL, convertClusters } from './clusters.js';
import { type MigratedSource, type MigrationInputs, type MigrationResult, type OutputGroup, type Finding, FindingSink, describeLocation } from './model.js';
import { convertOverrides } from './overrides.js';
import { type ClusterSet, EVERY_CLUSTER, clusterAffinityOf, clusterSetOf, describeClusterSet, intersect, nothing } from './placement.js';
import { type KarmadaMigrationOptions, type KarmadaVersion, versionAtLeast as atLeast, versionText } from './options.js';
import { buildTemplates } from './template.js';

export const KARMADA_POLICY_API_VERSION = 'policy.karmada.io/v1alpha1';
const DELETE_OPTION_ANNOTATION = 'kubefed.io/deleteoption';
/** Namespaces that exist in every cluster and that Karmada never propagates itself. */
const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const SUSPENSION_SINCE: KarmadaVersion = { major: 1, minor: 11 };
const PRESERVE_ON_DELETION_SINCE: KarmadaVersion = { major: 1, minor: 12 };

export function migrateToKarmada(inputs: MigrationInputs, options: KarmadaMigrationOptions): MigrationResult {
  const { preview } = inputs;
  const findings: Finding[] = [...inputs.findings];
  const names = new ClusterNames(options.renames, KARMADA_CLUSTER_NAMES);
  // Clusters first, so that a refused name is reported on its KubeFedCluster.
  const clusters = convertClusters(inputs.clusters, options.clusterNamespace, names);
  const limitedScope = preview.settings.scope === 'Namespaced';
  if (!preview.settings.adoptResources) {
    findings.push({
      source: 'KubeFedConfig',
      location: '',
      severity: 'warning',
      code: 'ADOPTION_DISABLED',
      field: 'spec.syncController.adoptResources',
      message:
        'KubeFed does not adopt existing objects (adoptResources: Disabled), so every policy gets conflictResolution: Abort: Karmada will not take over the objects KubeFed created in the member clusters until you change it to Overwrite',
    });
  }
  const context: ObjectContext = {
    options,
    names,
    limitedScope,
    kubefedNamespace: preview.kubefedNamespace,
    inventory: new Map(preview.clusters.map((cluster) => [cluster.name, cluster.labels])),
    federatedNamespaces: indexFederatedNamespaces(preview.federated),
    rsps: indexRsps(inputs, limitedScope, findings),
    policyNames: new Set<string>(),
    conflictResolution: preview.settings.adoptResources ? 'Overwrite' : 'Abort',
  };

  const namespaceGroups: OutputGroup[] = [];
  const otherGroups: OutputGroup[] = [];
  // Namespaces the output creates: those of the FederatedNamespaces KubeFed propagates.
  const migratedNamespaces = new Set(
    preview.federated
      .filter((federated) => isNamespaceType(federated) && ignoredReason(federated, limitedScope, preview.kubefedNamespace) === undefined)
      .map(({ object }) => object.metadata.name ?? ''),
  );
  const warnedNamespaces = new Set<string>();
  const contents: MigratedSource[] = [];
  const federatedNamespaceSources: MigratedSource[] = [];
  for (const federated of preview.federated) {
    const source = describeSource(sourceRef(federated.object));
    const sink = new FindingSink(source, describeLocation(federated.location));
    const isNamespace = isNamespaceType(federated);
    (isNamespace ? federatedNamespaceSources : contents).push(migratedSource(federated));
    const objects = migrateObject(federated, context, sink);
    const namespace = federated.object.metadata.namespace ?? '';
    if (
      objects !== undefined &&
      !isNamespace &&
      federated.typeConfig.targetType.scope === 'Namespaced' &&
      !BUILTIN_NAMESPACES.includes(namespace) &&
      !migratedNamespaces.has(namespace) &&
      !warnedNamespaces.has(namespace)
    ) {
      warnedNamespaces.add(namespace);
      sink.warning(
        'NAMESPACE_NOT_IN_OUTPUT',
        'metadata.namespace',
        `the output has no Namespace ${namespace} (no FederatedNamespace migrated): create it in Karmada before applying, labelled ${SKIP_AUTO_PROPAGATION_LABEL}: "true" unless Karmada may create it in every cluster`,
      );
    }
    findings.push(...sink.findings);
    if (objects !== undefined) (isNamespace ? namespaceGroups : otherGroups).push({ source, objects });
  }
  findings.push(...clusters.findings);
  for (const unused of names.unused()) {
    findings.push({
      source: '--rename',
      location: '',
      severity: 'warning',
      code: 'RENAME_UNUSED',
      field: '',
      message: `no cluster named "${unused}" appears in the input; --rename ${unused}=… changes nothing`,
    });
  }
  const groups = [...namespaceGroups, ...otherGroups];
  if (clusters.objects.length > 0) groups.push({ source: 'KubeFedClusters', objects: clusters.objects });
  return { groups, findings, sources: [...contents, ...federatedNamespaceSources], clusterNames: clusters.names };
}

interface ObjectContext {
  options: KarmadaMigrationOptions;
  names: ClusterNames;
  limitedScope: boolean;
  kubefedNamespace: string;
  /** Known member clusters and their labels (empty offline without KubeFedClusters). */
  inventory: ReadonlyMap<string, Readonly<Record<string, string>>>;
  federatedNamespaces: ReadonlyMap<string, KubeObject>;
  /** RSPs KubeFed acts upon, by their target's "kind/namespace/name". */
  rsps: ReadonlyMap<string, KubeObject>;
  policyNames: Set<string>;
  conflictResolution: 'Overwrite' | 'Abort';
}

function isNamespaceType({ typeConfig }: Pick<FederatedObject, 'typeConfig'>): boolean {
  return typeConfig.targetType.kind === 'Namespace' && typeConfig.targetType.group === '';
}

function migratedSource(federated: FederatedObject): MigratedSource {
  const { federatedType } = federated.typeConfig;
  return {
    kind: federated.object.kind,
    namespace: federated.object.metadata.namespace ?? '',
    name: federated.object.metadata.name ?? '',
    resource: federatedType.pluralName,
    group: federatedType.group,
  };
}

/** FederatedNamespaces by namespace, as the sync controller's cache keys them (<ns>/<ns>). */
function indexFederatedNamespaces(federated: readonly FederatedObject[]): Map<string, KubeObject> {
  const index = new Map<string, KubeObject>();
  for (const { object, typeConfig } of federated) {
    if (isNamespaceType({ typeConfig }) && object.metadata.namespace === object.metadata.name) index.set(object.metadata.name ?? '', object);
  }
  return index;
}

function rspKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** The RSPs KubeFed's scheduler acts upon, reporting those it ignores. */
function indexRsps(inputs: MigrationInputs, limitedScope: boolean, findings: Finding[]): Map<string, KubeObject> {
  const { preview } = inputs;
  const index = new Map<string, KubeObject>();
  for (const { object: rsp, location } of preview.replicaSchedulingPreferences) {
    const sink = new FindingSink(`ReplicaSchedulingPreference ${rsp.metadata.namespace}/${rsp.metadata.name}`, describeLocation(location));
    const spec = rsp.spec as { targetKind: string };
    const namespace = rsp.metadata.namespace ?? '';
    const name = rsp.metadata.name ?? '';
    const target = preview.federated.find(
      ({ object }) => object.kind === spec.targetKind && object.metadata.namespace === namespace && object.metadata.name === name,
    );
    if (!(RSP_TARGET_KINDS as readonly string[]).includes(spec.targetKind)) {
      sink.warning(
        'RSP_IGNORED',
        'spec.targetKind',
        `KubeFed ignores it: targetKind ${spec.targetKind} is neither FederatedDeployment nor FederatedReplicaSet; not migrated`,
      );
    } else if (target === undefined) {
      sink.warning('RSP_WITHOUT_TARGET', 'metadata.name', `the input has no ${spec.targetKind} ${namespace}/${name}; not migrated`);
    } else if (!preview.settings.schedulerPreferences) {
      sink.warning('RSP_IGNORED', '', 'KubeFed ignores it: the SchedulerPreferences feature gate is Disabled; not migrated');
    } else if (limitedScope && namespace !== preview.kubefedNamespace) {
      sink.warning(
        'RSP_IGNORED',
        'metadata.namespace',
        `KubeFed ignores it: scope Namespaced watches only namespace ${preview.kubefedNamespace}; not migrated`,
      );
    } else {
      index.set(rspKey(spec.targetKind, namespace, name), rsp);
    }
    findings.push(...sink.findings);
  }
  return index;
}

/** The objects for one Federated object, or undefined when nothing is written for it. */
function migrateObject(federated: FederatedObject, context: ObjectContext, sink: FindingSink): KubeObject[] | undefined {
  const { object, typeConfig } = federated;
  const ignored = ignoredReason(federated, context.limitedScope, context.kubefedNamespace);
  if (ignored !== undefined) {
    sink.warning('IGNORED_BY_KUBEFED', '', `KubeFed does not propagate it (${ignored}); nothing is migrated for it`);
    return undefined;
  }
  const namespace = object.metadata.namespace ?? '';
  const namespaced = typeConfig.targetType.scope === 'Namespaced';
  const isNamespace = isNamespaceType(federated);
  const rsp = context.rsps.get(rspKey(object.kind, namespace, object.metadata.name ?? ''));

  const templates = buildTemplates(federated, context.options.keepTemplateAnnotations, sink);
  if (templates === undefined) return undefined;
  const template = templates.karmadaTemplate;
  if (isNamespace) {
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [SKIP_AUTO_PROPAGATION_LABEL]: 'true' };
    sink.info(
      'NAMESPACE_SKIP_AUTO_PROPAGATION',
      'metadata.labels',
      `labelled ${SKIP_AUTO_PROPAGATION_LABEL}: "true" and placed by a ClusterPropagationPolicy: Karmada's automatic namespace propagation writes no conflict resolution, so it would never take over the namespace KubeFed created in each cluster`,
    );
  }
  if (namespaced && /^kube-/.test(namespace)) {
    sink.warning(
      'KUBE_NAMESPACE_SKIPPED',
      'metadata.namespace',
      `Karmada's controller manager skips every object in namespaces matching --skipped-propagating-namespaces (default "kube-.*"): the policy for this object acts only if that flag is changed`,
    );
  }

  const placement = effectivePlacement(federated, rsp, context, sink);
  const { rspActive } = placement;
  let { set } = placement;
  const annotations = object.metadata.annotations ?? {};
  if (Object.hasOwn(annotations, DELETE_OPTION_ANNOTATION)) {
    sink.error(
      'DELETE_OPTION_UNSUPPORTED',
      `metadata.annotations.${DELETE_OPTION_ANNOTATION}`,
      'Karmada has no per-object delete options for member objects; with --allow-lossy the annotation is ignored',
    );
  }
  const overrides = convertOverrides({
    federated,
    kubefedObject: templates.kubefedObject,
    karmadaTemplate: template,
    isPlaced: (cluster) => isPlaced(set, cluster, context.inventory),
    dropReplicaOverrides: rspActive,
    findings: sink,
  });
  if (overrides.invalid) set = nothing('KubeFed refuses its overrides');
  if (set.kind === 'some') {
    for (const name of set.names ?? []) {
      context.names.use(name, sink, 'spec.placement.clusters');
      if (context.inventory.size > 0 && !context.inventory.has(name)) {
        sink.info(
          'UNKNOWN_CLUSTER',
          'spec.placement.clusters',
          `no KubeFedCluster is named ${name}: KubeFed ignores the name until such a cluster joins, and so does Karmada`,
        );
      }
    }
  }
  const rules = overrides.rules.map((rule) => ({
    targetCluster: { clusterNames: [context.names.use(rule.cluster, sink, 'spec.overrides')] },
    overriders: { plaintext: rule.plaintext },
  }));
  const exclude = overrides.failingClusters.map((cluster) => context.names.use(cluster, sink, 'spec.overrides'));

  const selector: Record<string, unknown> = { apiVersion: template.apiVersion, kind: template.kind, name: template.metadata.name };
  if (namespaced) selector.namespace = namespace;
  const policyName = uniquePolicyName(context.policyNames, namespaced ? namespace : '', `${template.metadata.name}-${template.kind.toLowerCase()}`, sink);
  const metadata = namespaced ? { name: policyName, namespace } : { name: policyName };
  const output: KubeObject[] = [template];

  const policySpec = propagationSpec(federated, set, exclude, rsp, template, context, sink);
  if (policySpec !== undefined) {
    policySpec.resourceSelectors = [selector];
    output.push({ apiVersion: KARMADA_POLICY_API_VERSION, kind: namespaced ? 'PropagationPolicy' : 'ClusterPropagationPolicy', metadata, spec: policySpec });
  }
  if (rules.length > 0) {
    output.push({
      apiVersion: KARMADA_POLICY_API_VERSION,
      kind: namespaced ? 'OverridePolicy' : 'ClusterOverridePolicy',
      metadata: { ...metadata },
      spec: { resourceSelectors: [{ ...selector }], overrideRules: rules },
    });
  }
  return output;
}

/** The clusters KubeFed places the object in, after RSP and FederatedNamespace. */
function effectivePlacement(
  federated: FederatedObject,
  rsp: KubeObject | undefined,
  context: ObjectContext,
  sink: FindingSink,
): { set: ClusterSet; rspActive: boolean } {
  const { object, typeConfig } = federated;
  const namespace = object.metadata.namespace ?? '';
  let own: ClusterSet;
  try {
    own = clusterSetOf(readPlacement(object), 'the object');
  } catch (error) {
    if (!(error instanceof LabelSelectorError)) throw error;
    sink.error(
      'PLACEMENT_INVALID',
      'spec.placement.clusterSelector',
      `KubeFed cannot evaluate the selector (${error.message}) and propagates nothing (ComputePlacementFailed); with --allow-lossy the object is migrated as placed nowhere`,
    );
    return { set: nothing('KubeFed cannot compute its placement'), rspActive: false };
  }
  let rspActive = false;
  if (rsp !== undefined) {
    const rspSpec = isPlainObject(rsp.spec) ? rsp.spec : {};
    if (rspSpec.intersectWithClusterSelector === true) {
      const candidates = rspCandidates(object, context.federatedNamespaces.get(namespace));
      if (candidates.kind === 'nothing') {
        sink.warning(
          'RSP_INACTIVE',
          'spec.placement',
          `the ReplicaSchedulingPreference (intersectWithClusterSelector) changes nothing in KubeFed: ${candidates.reason}; the object's own placement is migrated, without replica division`,
        );
      } else {
        own = candidates;
        rspActive = true;
        sink.warning(
          'RSP_INTERSECT',
          'spec.placement',
          `the ReplicaSchedulingPreference (intersectWithClusterSelector) places the object on the clusters its clusterSelector and its FederatedNamespace's select (${describeClusterSet(candidates)}), ignoring spec.placement.clusters`,
        );
      }
    } else {
      own = EVERY_CLUSTER;
      rspActive = true;
      sink.info(
        'RSP_PLACEMENT',
        'spec.placement',
        'the ReplicaSchedulingPreference places the object on every Ready cluster (it rewrites spec.placement.clusters), so the policy selects every cluster',
      );
    }
  }
  if (typeConfig.targetType.scope !== 'Namespaced') return { set: own, rspActive };
  const federatedNamespace = context.limitedScope && namespace !== context.kubefedNamespace ? undefined : context.federatedNamespaces.get(namespace);
  if (federatedNamespace === undefined) {
    if (context.limitedScope) return { set: own, rspActive };
    sink.warning(
      'NAMESPACE_NOT_FEDERATED',
      'metadata.namespace',
      `namespace ${namespace} has no FederatedNamespace, so KubeFed (scope Cluster) propagates nothing in it (NamespaceNotFederated)`,
    );
    return { set: nothing(`namespace ${namespace} has no FederatedNamespace`), rspActive };
  }
  let namespaceSet: ClusterSet;
  try {
    namespaceSet = clusterSetOf(readPlacement(federatedNamespace), `FederatedNamespace ${namespace}`);
  } catch (error) {
    if (!(error instanceof LabelSelectorError)) throw error;
    sink.error(
      'PLACEMENT_INVALID',
      'metadata.namespace',
      `KubeFed cannot evaluate the clusterSelector of FederatedNamespace ${namespace} (${error.message}) and propagates nothing in it; with --allow-lossy the object is migrated as placed nowhere`,
    );
    return { set: nothing(`FederatedNamespace ${namespace} has an invalid clusterSelector`), rspActive };
  }
  return { set: intersect(own, namespaceSet, `the object and FederatedNamespace ${namespace}`), rspActive };
}

/** What the RSP's intersectWithClusterSelector selects: the selectors only, of the object and its FederatedNamespace. */
function rspCandidates(object: KubeObject, federatedNamespace: KubeObject | undefined): ClusterSet {
  if (federatedNamespace === undefined) return nothing(`it needs the FederatedNamespace ${object.metadata.namespace}, which is missing`);
  try {
    return intersect(
      clusterSetOf(readPlacement(object), 'the object', true),
      clusterSetOf(readPlacement(federatedNamespace), 'its FederatedNamespace', true),
      'the clusterSelectors',
    );
  } catch (error) {
    if (error instanceof LabelSelectorError) return nothing(error.message);
    throw error;
  }
}

/** Whether a cluster is in the set: undefined when its labels are unknown and a selector decides. */
function isPlaced(set: ClusterSet, cluster: string, inventory: ObjectContext['inventory']): boolean | undefined {
  if (set.kind === 'nothing') return false;
  if (set.names !== null && !set.names.includes(cluster)) return false;
  if (set.selector === null) return true;
  const labels = inventory.get(cluster);
  return labels === undefined ? undefined : selectorMatches(labelSelectorAsSelector(set.selector), labels);
}

/** The (Cluster)PropagationPolicy spec without its resourceSelectors, or undefined to write none. */
function propagationSpec(
  federated: FederatedObject,
  set: ClusterSet,
  exclude: string[],
  rsp: KubeObject | undefined,
  template: KubeObject,
  context: ObjectContext,
  sink: FindingSink,
): Record<string, unknown> | undefined {
  const { options } = context;
  const spec: Record<string, unknown> = { conflictResolution: context.conflictResolution };
  const annotations = federated.object.metadata.annotations ?? {};
  const orphan = annotations[ORPHAN_ANNOTATION];
  if (orphan === 'true') {
    if (atLeast(options.karmadaVersion, PRESERVE_ON_DELETION_SINCE)) {
      spec.preserveResourcesOnDeletion = true;
      sink.info(
        'ORPHANING',
        `metadata.annotations.${ORPHAN_ANNOTATION}`,
        'becomes preserveResourcesOnDeletion: true: deleting the template leaves the member objects',
      );
    } else {
      sink.error(
        'PRESERVE_ON_DELETION_UNSUPPORTED',
        `metadata.annotations.${ORPHAN_ANNOTATION}`,
        `Karmada ${versionText(options.karmadaVersion)} cannot keep member objects when the template is deleted (preserveResourcesOnDeletion needs v1.12); with --allow-lossy deleting the template deletes them`,
      );
    }
  } else if (orphan !== undefined) {
    sink.info(
      'ORPHAN_ANNOTATION_IGNORED',
      `metadata.annotations.${ORPHAN_ANNOTATION}`,
      `KubeFed orphans only for the exact value "true", not ${JSON.stringify(orphan)}; not migrated`,
    );
  }
  if (set.kind === 'nothing') {
    switch (options.emptyPlacement) {
      case 'omit':
        sink.warning(
          'EMPTY_PLACEMENT_OMITTED',
          'spec.placement',
          `KubeFed places it in no cluster (${set.reason}); only the template is written (--empty-placement=omit), and any other (Cluster)PropagationPolicy that matches it will claim and propagate it`,
        );
        return undefined;
      case 'error':
        sink.error(
          'EMPTY_PLACEMENT',
          'spec.placement',
          `KubeFed places it in no cluster (${set.reason}); --empty-placement=suspend writes a suspended policy, omit only the template`,
        );
        return undefined;
      case 'suspend':
        if (!atLeast(options.karmadaVersion, SUSPENSION_SINCE)) {
          sink.error(
            'SUSPENSION_UNSUPPORTED',
            'spec.placement',
            `KubeFed places it in no cluster (${set.reason}), and Karmada ${versionText(options.karmadaVersion)} has no suspension (v1.11); use --empty-placement=omit`,
          );
          return undefined;
        }
        sink.warning(
          'EMPTY_PLACEMENT_SUSPENDED',
          'spec.placement',
          `KubeFed places it in no cluster (${set.reason}); the policy claims it with suspension.dispatching: true, so Karmada propagates it nowhere either (removing the suspension without adding an affinity would place it in every cluster)`,
        );
        spec.placement = {};
        spec.suspension = { dispatching: true };
        return spec;
    }
  }
  const affinity = clusterAffinityOf(set, (name) => context.names.rename(name));
  if (exclude.length > 0) affinity.exclude = [...new Set(exclude)].sort();
  const placement: Record<string, unknown> = Object.keys(affinity).length > 0 ? { clusterAffinity: affinity } : {};
  if (rsp !== undefined && set.kind === 'some') {
    const replicaScheduling = replicaSchedulingOf(rsp, template, context, sink);
    if (replicaScheduling !== undefined) placement.replicaScheduling = replicaScheduling;
  }
  spec.placement = placement;
  return spec;
}

/** The RSP as Karmada's weighted division; the template carries the total replicas. */
function replicaSchedulingOf(rsp: KubeObject, template: KubeObject, context: ObjectContext, sink: FindingSink): Record<string, unknown> | undefined {
  const rspSink = sink;
  const spec = isPlainObject(rsp.spec) ? rsp.spec : {};
  const totalReplicas = typeof spec.totalReplicas === 'number' ? spec.totalReplicas : 0;
  const templateSpec = isPlainObject(template.spec) ? template.spec : (template.spec = {});
  (templateSpec as Record<string, unknown>).replicas = totalReplicas;
  rspSink.info(
    'RSP_TOTAL_REPLICAS',
    'spec.template.spec.replicas',
    `set to the ReplicaSchedulingPreference's totalReplicas (${totalReplicas}), which Karmada divides`,
  );
  if (spec.rebalance === true) {
    rspSink.warning(
      'RSP_REBALANCE',
      'ReplicaSchedulingPreference spec.rebalance',
      'Karmada has no rebalance of this kind: it divides by static weight only when it (re)schedules the object',
    );
  }
  const preferences = readPreferences(rsp);
  const explicit = isPlainObject(spec.clusters) && Object.keys(spec.clusters).length > 0;
  for (const [cluster, preference] of preferences) {
    if (preference.minReplicas > 0 || preference.maxReplicas !== undefined) {
      rspSink.error(
        'RSP_MIN_MAX_UNSUPPORTED',
        `ReplicaSchedulingPreference spec.clusters.${cluster}`,
        `Karmada's static weights have no minReplicas or maxReplicas (here ${preference.minReplicas} and ${preference.maxReplicas ?? 'none'}), so the division would differ; with --allow-lossy only the weights are kept`,
      );
    }
  }
  const divided: Record<string, unknown> = { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' };
  if (!explicit) {
    rspSink.info(
      'RSP_EQUAL_WEIGHTS',
      'ReplicaSchedulingPreference spec.clusters',
      'no preferences means weight 1 for every cluster: Karmada divides evenly without a weightPreference',
    );
    return divided;
  }
  const named = [...preferences.keys()].filter((cluster) => cluster !== '*').sort();
  const staticWeightList: Array<Record<string, unknown>> = [];
  for (const cluster of named) {
    const weight = preferences.get(cluster)!.weight;
    const target = context.names.use(cluster, sink, 'ReplicaSchedulingPreference spec.clusters');
    if (weight > 0) staticWeightList.push({ targetCluster: { clusterNames: [target] }, weight });
    else
      rspSink.warning(
        'RSP_ZERO_WEIGHT',
        `ReplicaSchedulingPreference spec.clusters.${cluster}`,
        `weight 0: KubeFed places a 0-replica object in ${cluster}, Karmada propagates nothing there`,
      );
  }
  const star = preferences.get('*');
  if (star !== undefined && star.weight > 0) {
    // A named entry replaces "*" in KubeFed; Karmada takes the largest matching weight, so "*" excludes them.
    const excluded = named.map((cluster) => context.names.rename(cluster));
    staticWeightList.push({ targetCluster: excluded.length > 0 ? { exclude: excluded } : {}, weight: star.weight });
  }
  if (staticWeightList.length === 0) {
    rspSink.error(
      'RSP_NO_WEIGHT',
      'ReplicaSchedulingPreference spec.clusters',
      'every weight is 0: KubeFed schedules no replica anywhere, which Karmada cannot express (it would divide evenly)',
    );
    return divided;
  }
  rspSink.warning(
    'RSP_DIVISION',
    'ReplicaSchedulingPreference',
    "replicas are divided by static weight: Karmada apportions them by Webster's method, KubeFed gives each cluster in order of weight and name hash its share rounded up, so the two can differ (4 replicas on 1:1:1 are 2, 1, 1 for Karmada and 2, 2, 0 for KubeFed; docs/karmada-interplay.md); and where the division gives no replica, KubeFed places a Deployment with 0 replicas, Karmada none",
  );
  return { ...divided, weightPreference: { staticWeightList } };
}

/** `<name>-<kind>` as karmadactl names policies (":" becomes "."), made unique per namespace. */
function uniquePolicyName(used: Set<string>, namespace: string, base: string, sink: FindingSink): string {
  const cleaned =
    base
      .toLowerCase()
      .replace(/:/g, '.')
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 240)
      .replace(/[^a-z0-9]+$/, '') || 'policy';
  let name = cleaned;
  for (let suffix = 2; used.has(`${namespace}/${name}`); suffix++) name = `${cleaned}-${suffix}`;
  used.add(`${namespace}/${name}`);
  if (name !== cleaned) sink.info('POLICY_NAME_TAKEN', 'metadata.name', `another object already gives the policy name ${cleaned}; this one is ${name}`);
  return name;
}
