// `kubefedctl migrate ocm`: what KubeFed writes to each member cluster, rendered by the preview
// engine (placement, ObjectForCluster, overrides with json-patch v4, RSP), shipped as Open Cluster
// Management works. `--mode manifestwork`: one ManifestWork per cluster, in the cluster's
// namespace on the hub, exact by construction. `--mode replicaset`: per Federated object, the
// clusters whose rendered objects are identical share one ManifestWorkReplicaSet and a Placement
// that selects them by name label (a ManifestWorkReplicaSet has no per-cluster overrides).
// Clusters are not converted: OCM registers clusters from the agent side (clusteradm join/accept).

import { sortKeysDeep } from '../json.js';
import { ignoredReason, previewFederation } from '../preview/engine.js';
import { type FederatedObject, describeSource, sourceRef } from '../preview/model.js';
import { MANAGED_LABEL } from '../preview/overrides.js';
import { ORPHAN_ANNOTATION } from '../constants.js';
import { type KubeObject, isPlainObject, splitApiVersion } from '../types.js';
import { ClusterNames, OCM_CLUSTER_NAMES } from './cluster-names.js';
import { type Finding, type MigratedSource, type MigrationInputs, type MigrationResult, type OutputGroup, FindingSink, describeLocation } from './model.js';
import type { OcmMigrationOptions } from './options.js';
import { type RunbookContext, type RunbookStep, releaseFromKubeFed, unjoinStep } from './report.js';
import { dropForeignMetadata } from './template.js';

const OCM_WORK_API_VERSION = 'work.open-cluster-management.io/v1';
const OCM_WORK_ALPHA_API_VERSION = 'work.open-cluster-management.io/v1alpha1';
const OCM_CLUSTER_API_VERSION = 'cluster.open-cluster-management.io/v1beta1';
const DELETE_OPTION_ANNOTATION = 'kubefed.io/deleteoption';

/** One object KubeFed writes to one cluster, with what the works need to know about it. */
interface Rendered {
  cluster: string;
  object: KubeObject;
}

interface SourceWork {
  federated: FederatedObject;
  source: string;
  /** Rendered objects per (renamed) cluster, in cluster order. */
  rendered: Rendered[];
  orphan: boolean;
  retainReplicas: boolean;
  /** The target's plural, for resource identifiers. */
  resource: string;
}

export function migrateToOcm(inputs: MigrationInputs, options: OcmMigrationOptions): MigrationResult {
  const { preview } = inputs;
  const findings: Finding[] = [...inputs.findings];
  const names = new ClusterNames(options.renames, OCM_CLUSTER_NAMES);
  const clusterNames: Array<{ kubefed: string; target: string }> = [];
  for (const cluster of [...preview.clusters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const record = inputs.clusters.find(({ object }) => object.metadata.name === cluster.name);
    const sink = new FindingSink(`KubeFedCluster ${cluster.name}`, describeLocation(record?.location));
    clusterNames.push({ kubefed: cluster.name, target: names.use(cluster.name, sink, 'metadata.name') });
    if (!cluster.ready) {
      sink.info(
        'CLUSTER_NOT_READY',
        'status.conditions',
        'KubeFed skips this cluster while it is not Ready; its work is rendered all the same and applies once its agent connects',
      );
    }
    findings.push(...sink.findings);
  }
  const targetOf = new Map(clusterNames.map(({ kubefed, target }) => [kubefed, target]));
  // Every cluster counts as Ready: the works describe what KubeFed wants, not what it reached.
  const result = previewFederation(
    { ...preview, clusters: preview.clusters.map((cluster) => ({ ...cluster, ready: true })), warnings: [] },
    { simulateRsp: true },
  );
  for (const warning of result.warnings)
    findings.push({ source: 'input', location: '', severity: 'warning', code: 'PREVIEW_WARNING', field: '', message: warning });

  const limitedScope = preview.settings.scope === 'Namespaced';
  const works: SourceWork[] = [];
  const sources: MigratedSource[] = [];
  const namespaceSources: MigratedSource[] = [];
  for (const federated of preview.federated) {
    const source = describeSource(sourceRef(federated.object));
    const sink = new FindingSink(source, describeLocation(federated.location));
    const isNamespace = federated.typeConfig.targetType.kind === 'Namespace' && federated.typeConfig.targetType.group === '';
    (isNamespace ? namespaceSources : sources).push({
      kind: federated.object.kind,
      namespace: federated.object.metadata.namespace ?? '',
      name: federated.object.metadata.name ?? '',
      resource: federated.typeConfig.federatedType.pluralName,
      group: federated.typeConfig.federatedType.group,
    });
    const work = renderSource(federated, source, result, targetOf, limitedScope, preview.kubefedNamespace, sink);
    if (work !== undefined) works.push(work);
    findings.push(...sink.findings);
  }
  const groups =
    options.mode === 'manifestwork'
      ? manifestWorks(
          works,
          clusterNames.filter(({ kubefed }) => names.accepts(kubefed)),
          options,
        )
      : replicaSets(works, options, findings);
  return { groups, findings, sources: [...sources, ...namespaceSources], clusterNames };
}

function renderSource(
  federated: FederatedObject,
  source: string,
  result: ReturnType<typeof previewFederation>,
  targetOf: ReadonlyMap<string, string>,
  limitedScope: boolean,
  kubefedNamespace: string,
  sink: FindingSink,
): SourceWork | undefined {
  const ignored = ignoredReason(federated, limitedScope, kubefedNamespace);
  if (ignored !== undefined) {
    sink.warning('IGNORED_BY_KUBEFED', '', `KubeFed does not propagate it (${ignored}); nothing is migrated for it`);
    return undefined;
  }
  const ref = sourceRef(federated.object);
  const same = (other: { kind: string; namespace: string; name: string }) =>
    other.kind === ref.kind && other.namespace === ref.namespace && other.name === ref.name;
  for (const error of result.errors.filter(({ source: other }) => same(other))) {
    sink.error(
      'KUBEFED_FAILS',
      '',
      `${error.cluster === null ? 'in every cluster' : `in cluster ${error.cluster}`} KubeFed fails (${error.reason}: ${error.message}), so it propagates nothing there; fix the object (with --allow-lossy it is left out there too)`,
    );
  }
  const annotations = federated.object.metadata.annotations ?? {};
  if (Object.hasOwn(annotations, DELETE_OPTION_ANNOTATION)) {
    sink.error(
      'DELETE_OPTION_UNSUPPORTED',
      `metadata.annotations.${DELETE_OPTION_ANNOTATION}`,
      'a ManifestWork deletes with Foreground or orphans; it has no per-object delete options; with --allow-lossy the annotation is ignored',
    );
  }
  const spec = isPlainObject(federated.object.spec) ? federated.object.spec : {};
  const retainReplicas = spec.retainReplicas === true;
  if (retainReplicas) {
    sink.info(
      'RETAIN_REPLICAS',
      'spec.retainReplicas',
      'becomes a manifestConfig that applies server-side and ignores .spec.replicas once the object exists (ignoreFields, OCM work API since November 2024)',
    );
  }
  const rendered: Rendered[] = [];
  for (const cluster of result.clusters) {
    for (const item of cluster.items) {
      if (!same(item.source) || item.action !== 'create' || item.object === null) continue;
      for (const warning of item.warnings) {
        if (warning.startsWith('AnnotationsNotSupported'))
          sink.info('TEMPLATE_ANNOTATIONS_DROPPED', 'spec.template.metadata.annotations', 'dropped: KubeFed never propagated template annotations');
        else if (warning.startsWith('FinalizersNotSupported'))
          sink.info('TEMPLATE_FINALIZERS_DROPPED', 'spec.template.metadata.finalizers', 'dropped: KubeFed never propagated template finalizers');
        else sink.warning('KUBEFED_WARNING', '', warning);
      }
      rendered.push({ cluster: targetOf.get(cluster.name) ?? cluster.name, object: memberObject(item.object, sink) });
    }
  }
  if (rendered.length === 0) {
    sink.warning('PLACED_NOWHERE', 'spec.placement', 'KubeFed propagates it to no cluster: no work carries it');
    return undefined;
  }
  const orphan = annotations[ORPHAN_ANNOTATION] === 'true';
  if (orphan) sink.info('ORPHANING', `metadata.annotations.${ORPHAN_ANNOTATION}`, 'the works orphan it: deleting them leaves it in the clusters');
  return { federated, source, rendered, orphan, retainReplicas, resource: federated.typeConfig.targetType.pluralName };
}

/** What the work applies: KubeFed's object without KubeFed's label and server-set metadata. */
function memberObject(object: KubeObject, sink: FindingSink): KubeObject {
  const copy = structuredClone(object);
  const labels = { ...(copy.metadata.labels ?? {}) };
  delete labels[MANAGED_LABEL];
  if (Object.keys(labels).length > 0) copy.metadata.labels = labels;
  else delete copy.metadata.labels;
  dropForeignMetadata(copy.metadata as Record<string, unknown>, 'the member cluster', sink);
  delete copy.status;
  return copy;
}

function identifier(work: SourceWork, object: KubeObject): Record<string, string> {
  return {
    group: splitApiVersion(object.apiVersion).group,
    resource: work.resource,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name ?? '',
  };
}

/** deleteOption and manifestConfigs of a work carrying these objects. */
function workOptions(entries: ReadonlyArray<{ work: SourceWork; object: KubeObject }>): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  const orphaned = entries.filter(({ work }) => work.orphan);
  if (orphaned.length === entries.length) spec.deleteOption = { propagationPolicy: 'Orphan' };
  else if (orphaned.length > 0) {
    spec.deleteOption = {
      propagationPolicy: 'SelectivelyOrphan',
      selectivelyOrphans: { orphaningRules: orphaned.map(({ work, object }) => identifier(work, object)) },
    };
  }
  const retained = entries.filter(({ work }) => work.retainReplicas);
  if (retained.length > 0) {
    spec.manifestConfigs = retained.map(({ work, object }) => ({
      resourceIdentifier: identifier(work, object),
      updateStrategy: {
        type: 'ServerSideApply',
        serverSideApply: { force: true, ignoreFields: [{ condition: 'OnSpokePresent', jsonPaths: ['.spec.replicas'] }] },
      },
    }));
  }
  return spec;
}

/** Namespaces first, so that a work creates them before their contents. */
function namespacesFirst<T extends { object: KubeObject }>(entries: T[]): T[] {
  return [
    ...entries.filter(({ object }) => object.kind === 'Namespace' && object.apiVersion === 'v1'),
    ...entries.filter(({ object }) => !(object.kind === 'Namespace' && object.apiVersion === 'v1')),
  ];
}

function manifestWorks(works: readonly SourceWork[], clusters: ReadonlyArray<{ target: string }>, options: OcmMigrationOptions): OutputGroup[] {
  const groups: OutputGroup[] = [];
  for (const { target } of clusters) {
    const entries = namespacesFirst(works.flatMap((work) => work.rendered.filter(({ cluster }) => cluster === target).map(({ object }) => ({ work, object }))));
    if (entries.length === 0) continue;
    groups.push({
      source: `cluster ${target}: ${entries.map(({ work }) => work.source).join(', ')}`,
      objects: [
        {
          apiVersion: OCM_WORK_API_VERSION,
          kind: 'ManifestWork',
          metadata: { name: options.workName, namespace: target },
          spec: { workload: { manifests: entries.map(({ object }) => object) }, ...workOptions(entries) },
        },
      ],
    });
  }
  return groups;
}

function replicaSets(works: readonly SourceWork[], options: OcmMigrationOptions, findings: Finding[]): OutputGroup[] {
  const namespaceObject: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.namespace } };
  const groups: OutputGroup[] = [{ source: `hub namespace for the ManifestWorkReplicaSets`, objects: [namespaceObject] }];
  const used = new Set<string>();
  for (const work of namespacesFirst(works.map((entry) => ({ ...entry, object: entry.rendered[0]!.object })))) {
    // Clusters whose rendered object is byte for byte the same share one ManifestWorkReplicaSet.
    const byContent = new Map<string, { object: KubeObject; clusters: string[] }>();
    for (const { cluster, object } of work.rendered) {
      const key = JSON.stringify(sortKeysDeep(object));
      const entry = byContent.get(key) ?? { object, clusters: [] };
      entry.clusters.push(cluster);
      byContent.set(key, entry);
    }
    const base = workName(work);
    const objects: KubeObject[] = [];
    [...byContent.values()].forEach(({ object, clusters }, index) => {
      let name = byContent.size === 1 ? base : `${base}-${index + 1}`;
      for (let suffix = 2; used.has(name); suffix++) name = `${base}-${index + 1}-${suffix}`;
      used.add(name);
      objects.push({
        apiVersion: OCM_CLUSTER_API_VERSION,
        kind: 'Placement',
        metadata: { name, namespace: options.namespace },
        spec: {
          predicates: [
            {
              requiredClusterSelector: {
                labelSelector: { matchExpressions: [{ key: options.clusterNameLabel, operator: 'In', values: [...clusters].sort() }] },
              },
            },
          ],
        },
      });
      objects.push({
        apiVersion: OCM_WORK_ALPHA_API_VERSION,
        kind: 'ManifestWorkReplicaSet',
        metadata: { name, namespace: options.namespace },
        spec: {
          placementRefs: [{ name, rolloutStrategy: { type: 'All' } }],
          manifestWorkTemplate: { workload: { manifests: [object] }, ...workOptions([{ work, object }]) },
        },
      });
    });
    if (byContent.size > 1) {
      findings.push({
        source: work.source,
        location: describeLocation(work.federated.location),
        severity: 'info',
        code: 'SPLIT_BY_OVERRIDES',
        field: 'spec.overrides',
        message: `the clusters get ${byContent.size} different objects (overrides, RSP replicas), so ${byContent.size} ManifestWorkReplicaSets carry them`,
      });
    }
    groups.push({ source: work.source, objects });
  }
  return groups;
}

/** `<namespace>-<name>-<kind>`, as a DNS-1123 subdomain of at most 63 characters (it also names a Placement). */
function workName(work: SourceWork): string {
  const object = work.federated.object;
  const parts = [object.metadata.namespace, object.metadata.name, work.federated.typeConfig.targetType.kind.toLowerCase()].filter((part): part is string =>
    Boolean(part),
  );
  return (
    parts
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 60)
      .replace(/^-+|-+$/g, '') || 'work'
  );
}

/** Registering the clusters with OCM, then the common steps. */
export function ocmRunbook(result: MigrationResult, options: OcmMigrationOptions, context: RunbookContext): RunbookStep[] {
  const clusters = result.clusterNames;
  const targets = clusters.map(({ target }) => target);
  const register: RunbookStep = {
    title: 'Register every member cluster with the OCM hub (agents pull; run join against each member, then accept on the hub):',
    commands: [
      'clusteradm init --wait --context <hub>   # once; prints the join token',
      ...clusters.map(
        ({ kubefed, target }) =>
          `clusteradm join --hub-token <token> --hub-apiserver <hub-url> --cluster-name ${target} --context ${kubefed}   # the member's kubeconfig context`,
      ),
      `clusteradm accept --clusters ${targets.join(',') || '<cluster>'} --context <hub>`,
    ],
  };
  const steps: RunbookStep[] = [register];
  if (options.mode === 'replicaset') {
    steps.push({
      title: `Label the clusters by name (the Placements select by ${options.clusterNameLabel}) and bind a cluster set to ${options.namespace}:`,
      commands: [
        ...targets.map((target) => `kubectl --context <hub> label managedcluster ${target} ${options.clusterNameLabel}=${target} --overwrite`),
        'clusteradm create clusterset kubefed-migrated --context <hub>',
        `clusteradm clusterset set kubefed-migrated --clusters ${targets.join(',') || '<cluster>'} --context <hub>`,
        `clusteradm clusterset bind kubefed-migrated --namespace ${options.namespace} --context <hub>`,
      ],
    });
  }
  return [
    ...steps,
    ...releaseFromKubeFed(result.sources, context),
    { title: 'Apply the output to the hub (the work agents take over the existing objects):', commands: ['kubectl --context <hub> apply -f ocm.yaml'] },
    unjoinStep(clusters, context),
  ];
}
