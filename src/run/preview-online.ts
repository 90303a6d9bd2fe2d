// Online preview: the Federated objects of one type on the host cluster, with what decides where
// they go (FederatedTypeConfigs, the KubeFedConfig, KubeFedClusters, FederatedNamespaces,
// ReplicaSchedulingPreferences), all read in parallel. With --live, also each member's current
// object (through a context per cluster) and KubeFed's PropagatedVersions, so the engine decides
// create, update, adopt, unchanged, delete... as the sync controller would. A member that cannot
// be read is reported and its items carry a warning; it does not fail the preview.

import type { CommandEnv } from '../cli/command-env.js';
import type { Ui } from '../cli/ui.js';
import { mapWithConcurrency } from '../cluster/applier.js';
import { findApiResource } from '../cluster/discovery.js';
import type { ClusterClient } from '../cluster/types.js';
import type { OnlinePreviewOptions } from '../commands/preview.js';
import { groupQualifiedName } from '../core/api-resources.js';
import { KUBEFED_CORE_GROUP } from '../core/constants.js';
import { GVR } from '../core/gvr.js';
import type { ManifestObject } from '../core/manifest.js';
import {
  type FederatedObject,
  type LiveState,
  type PreviewResult,
  RSP_TARGET_KINDS,
  type TargetRef,
  type TypeConfig,
  previewFederation,
  readPreviewInputs,
  restrictToSources,
  sourceKey,
  targetRef,
  toTypeConfig,
  warnItems,
} from '../core/preview/index.js';
// Not through index.ts: md5 (node:crypto) is only needed online, with --live.
import { propagatedVersionName, recordedClusterVersions } from '../core/preview/versions.js';
import { type GroupVersionResource, type KubeObject, joinApiVersion } from '../core/types.js';
import { ClusterApiError, KubefedctlError, NotFoundError, OperationError, goErrorText, prefixError } from '../errors.js';
import { RSP_GVR, readKubefedState, readList } from './host-state.js';
import { printPreview } from './preview.js';

const PROPAGATED_VERSIONS: GroupVersionResource = { group: KUBEFED_CORE_GROUP, version: 'v1alpha1', resource: 'propagatedversions' };
const CLUSTER_PROPAGATED_VERSIONS: GroupVersionResource = { group: KUBEFED_CORE_GROUP, version: 'v1alpha1', resource: 'clusterpropagatedversions' };
/** Member GETs in flight per cluster. */
const MEMBER_CONCURRENCY = 8;

export async function runOnlinePreview(options: OnlinePreviewOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: true });
  const access = await env.clusterAccess(options.kubeconfig);
  const host = await access.client(options.hostClusterContext);
  const kubefedNamespace = options.kubefedNamespace;
  const namespace = options.allNamespaces ? undefined : options.namespace || access.kubeconfig.context(options.hostClusterContext).namespace;

  const [resource, { typeConfigs: typeConfigObjects, kubefedConfig, clusters: clusterObjects }] = await Promise.all([
    findApiResource(host, options.typeName, '', ui.logger).catch((error: unknown) => {
      throw prefixError(error, `Failed to find targeted ${options.typeName} type`);
    }),
    readKubefedState(host, kubefedNamespace),
  ]);
  const typeConfigs = typeConfigObjects.map(toTypeConfig);
  const typeConfig = findTypeConfig(typeConfigs, resource.group, resource.name);
  if (typeConfig === undefined) {
    const qualified = groupQualifiedName(resource.name, resource.group);
    throw new OperationError(
      'NOT_A_FEDERATED_TYPE',
      `${qualified} is neither the federated type nor the target type of a FederatedTypeConfig in namespace ${kubefedNamespace}`,
      {
        hint: `kubectl get federatedtypeconfigs -n ${kubefedNamespace} lists the federated types; kubefedctl enable ${qualified} federates a type.`,
      },
    );
  }
  const { federatedType } = typeConfig;
  const federatedGvr: GroupVersionResource = { group: federatedType.group, version: federatedType.version, resource: federatedType.pluralName };
  const federatedApiVersion = joinApiVersion(federatedType.group, federatedType.version);
  const objectNamespace = federatedType.scope === 'Namespaced' ? namespace : undefined;
  const namespaceTypeConfig = typeConfigs.find((candidate) => candidate.targetType.kind === 'Namespace' && candidate.targetType.group === '');
  const readsNamespaces = namespaceTypeConfig !== undefined && typeConfig.targetType.scope === 'Namespaced' && typeConfig !== namespaceTypeConfig;
  const readsRsps = (RSP_TARGET_KINDS as readonly string[]).includes(federatedType.kind);
  const where =
    objectNamespace === undefined ? (federatedType.scope === 'Namespaced' ? 'in any namespace' : '(cluster-scoped)') : `in namespace ${objectNamespace}`;

  const [targets, federatedNamespaces, rsps] = await Promise.all([
    readTargets(host, federatedGvr, federatedType.kind, objectNamespace, options.resourceName),
    readsNamespaces ? readFederatedNamespaces(host, namespaceTypeConfig, objectNamespace) : Promise.resolve([]),
    readsRsps ? readRsps(host, objectNamespace, options.resourceName) : Promise.resolve([]),
  ]);
  const withTypeMeta = (object: KubeObject, apiVersion: string, kind: string): KubeObject => ({ ...object, apiVersion, kind });
  const targetKeys = new Set(
    targets.map((object) => sourceKey({ kind: federatedType.kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '' })),
  );

  const manifests: ManifestObject[] = [];
  const add = (object: KubeObject) => {
    const ref = `${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
    manifests.push({ object, source: `${host.contextName}: ${object.kind} ${ref}`, document: 1, line: 1 });
  };
  for (const object of typeConfigObjects) add(object);
  if (kubefedConfig !== undefined) add(kubefedConfig);
  for (const object of clusterObjects) add(object);
  for (const object of federatedNamespaces) {
    const key = sourceKey({ kind: object.kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '' });
    if (!targetKeys.has(key)) add(object);
  }
  for (const object of targets) add(withTypeMeta(object, federatedApiVersion, federatedType.kind));
  if (options.simulateRsp) for (const rsp of rsps) add(rsp);
  else for (const rsp of rsps) noteScheduledRsp(rsp, targetKeys, ui);

  const inputs = readPreviewInputs(manifests, { kubefedNamespace, builtinTypeConfigs: false });
  for (const named of options.memberContexts.keys()) {
    if (!inputs.clusters.some((cluster) => cluster.name === named))
      ui.logger.warn(`--member-context names "${named}", which is not a KubeFedCluster in namespace ${kubefedNamespace}`);
  }
  if (targets.length === 0) ui.logger.warn(`no ${federatedType.kind} found ${where}`);
  const engineOptions = { scope: options.scope, simulateRsp: options.simulateRsp };
  let result = previewFederation(inputs, engineOptions);
  if (options.live) {
    // The first pass tells which names each cluster's objects end up with (overrides may rename them).
    const federatedTargets = inputs.federated.filter((federated) =>
      targetKeys.has(
        sourceKey({ kind: federated.object.kind, namespace: federated.object.metadata.namespace ?? '', name: federated.object.metadata.name ?? '' }),
      ),
    );
    const live = await readLiveState(
      env,
      options,
      host,
      federatedTargets,
      inputs.clusters.filter((cluster) => cluster.ready).map((cluster) => cluster.name),
      result,
      ui,
    );
    result = warnItems(previewFederation(inputs, { ...engineOptions, live: live.lookup }), live.warningFor);
  }
  const shown = restrictToSources(result, (source) => targetKeys.has(sourceKey(source)));
  const located: PreviewResult = {
    ...shown,
    explanations: shown.explanations.map((explanation) => ({ ...explanation, location: { file: `host cluster ${host.contextName}` } })),
  };
  printPreview(located, options, env, ui);
}

/** The FederatedTypeConfig whose federated type is this resource, else the one whose target type it is. */
function findTypeConfig(typeConfigs: readonly TypeConfig[], group: string, plural: string): TypeConfig | undefined {
  return (
    typeConfigs.find((candidate) => candidate.federatedType.group === group && candidate.federatedType.pluralName === plural) ??
    typeConfigs.find((candidate) => candidate.targetType.group === group && candidate.targetType.pluralName === plural)
  );
}

async function readTargets(
  host: ClusterClient,
  gvr: GroupVersionResource,
  kind: string,
  namespace: string | undefined,
  name: string | undefined,
): Promise<KubeObject[]> {
  if (name === undefined) return readList(host, gvr, kind, namespace, `${kind} objects`);
  const object = await host.get(gvr, name, namespace).catch((error: unknown) => {
    throw prefixError(error, `Failed to retrieve ${kind} "${namespace ? `${namespace}/` : ''}${name}"`);
  });
  if (object === undefined)
    throw new OperationError('NOT_FOUND', `${groupQualifiedName(gvr.resource, gvr.group)} "${name}" not found${namespace ? ` in namespace ${namespace}` : ''}`);
  return [{ ...object, apiVersion: joinApiVersion(gvr.group, gvr.version), kind }];
}

/** The FederatedNamespaces that constrain namespaced targets: <ns>/<ns> for one namespace, all of them for -A. */
async function readFederatedNamespaces(host: ClusterClient, typeConfig: TypeConfig, namespace: string | undefined): Promise<KubeObject[]> {
  const { federatedType } = typeConfig;
  const gvr: GroupVersionResource = { group: federatedType.group, version: federatedType.version, resource: federatedType.pluralName };
  const typed = (object: KubeObject): KubeObject => ({ ...object, apiVersion: joinApiVersion(gvr.group, gvr.version), kind: federatedType.kind });
  try {
    if (namespace === undefined) return (await host.list(gvr)).items.map(typed);
    const object = await host.get(gvr, namespace, namespace);
    return object === undefined ? [] : [typed(object)];
  } catch (error) {
    // The FederatedTypeConfig exists but its CRD does not: there are no FederatedNamespaces.
    if (error instanceof NotFoundError) return [];
    throw prefixError(error, `Failed to read ${federatedType.kind} objects`);
  }
}

async function readRsps(host: ClusterClient, namespace: string | undefined, name: string | undefined): Promise<KubeObject[]> {
  const typed = (object: KubeObject): KubeObject => ({
    ...object,
    apiVersion: joinApiVersion(RSP_GVR.group, RSP_GVR.version),
    kind: 'ReplicaSchedulingPreference',
  });
  try {
    if (name === undefined) return (await host.list(RSP_GVR, { namespace })).items.map(typed);
    const object = await host.get(RSP_GVR, name, namespace);
    return object === undefined ? [] : [typed(object)];
  } catch (error) {
    // KubeFed installed without its scheduling CRD: no preferences.
    if (error instanceof NotFoundError) return [];
    throw prefixError(error, 'Failed to read ReplicaSchedulingPreferences');
  }
}

function noteScheduledRsp(rsp: KubeObject, targetKeys: ReadonlySet<string>, ui: Ui): void {
  const spec = (rsp as { spec?: { targetKind?: unknown } }).spec;
  const kind = typeof spec?.targetKind === 'string' ? spec.targetKind : '';
  const ref = `${rsp.metadata.namespace}/${rsp.metadata.name}`;
  if (!targetKeys.has(sourceKey({ kind, namespace: rsp.metadata.namespace ?? '', name: rsp.metadata.name ?? '' }))) return;
  ui.info(
    `ReplicaSchedulingPreference ${ref}: KubeFed's scheduler has already written its placement and replicas into ${kind} ${ref}, which is what is shown (--simulate-rsp schedules again)`,
  );
}

interface LiveRead {
  lookup: (cluster: string, target: TargetRef) => LiveState | undefined;
  /** The warning an item carries when its member object could not be read. */
  warningFor: (cluster: string, item: PreviewResult['clusters'][number]['items'][number]) => string | undefined;
}

function targetKey(cluster: string, target: Pick<TargetRef, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${cluster}|${target.group}|${target.kind}|${target.namespace}|${target.name}`;
}

/**
 * Reads, for every Ready member cluster, the member object of each target (under each name the
 * first pass gave it), the PropagatedVersions, and for Namespace targets the host's own namespace.
 */
async function readLiveState(
  env: CommandEnv,
  options: OnlinePreviewOptions,
  host: ClusterClient,
  federatedTargets: readonly FederatedObject[],
  readyClusters: readonly string[],
  firstPass: PreviewResult,
  ui: Ui,
): Promise<LiveRead> {
  const access = await env.clusterAccess(options.kubeconfig);
  const bySource = new Map(
    federatedTargets.map((federated) => [
      sourceKey({ kind: federated.object.kind, namespace: federated.object.metadata.namespace ?? '', name: federated.object.metadata.name ?? '' }),
      federated,
    ]),
  );

  // What to GET in each cluster: the target, plus the name overrides give it there if it differs.
  const wanted = new Map<string, Map<string, { ref: TargetRef; source: string }>>();
  for (const cluster of readyClusters) {
    const refs = new Map<string, { ref: TargetRef; source: string }>();
    for (const [source, federated] of bySource) {
      const ref = targetRef(federated);
      refs.set(targetKey(cluster, ref), { ref, source });
    }
    for (const item of firstPass.clusters.find((candidate) => candidate.name === cluster)?.items ?? []) {
      const federated = bySource.get(sourceKey(item.source));
      if (federated === undefined || item.object === null) continue;
      const base = targetRef(federated);
      const ref = { ...base, namespace: base.namespace === '' ? '' : (item.object.metadata.namespace ?? ''), name: item.object.metadata.name ?? '' };
      refs.set(targetKey(cluster, ref), { ref, source: sourceKey(item.source) });
    }
    wanted.set(cluster, refs);
  }

  const objects = new Map<string, KubeObject | null>();
  const itemErrors = new Map<string, string>();
  const unreachable = new Map<string, string>();
  const hostNamespaceUids = new Map<string, string>();
  const versions = new Map<string, Map<string, string>>();

  const readCluster = async (cluster: string) => {
    const context = options.memberContexts.get(cluster) ?? cluster;
    if (!access.kubeconfig.contextNames.includes(context)) {
      unreachable.set(cluster, `the kubeconfig has no context "${context}" (name one with --member-context ${cluster}=CONTEXT)`);
      return;
    }
    let client: ClusterClient;
    try {
      client = await access.client(context);
    } catch (error) {
      if (!(error instanceof KubefedctlError)) throw error;
      unreachable.set(cluster, `context "${context}": ${error.message}`);
      return;
    }
    ui.logger.log(2, `Reading ${wanted.get(cluster)!.size} object(s) of member cluster "${cluster}" through context "${context}"`);
    const read = async ([key, { ref }]: [string, { ref: TargetRef }]) => {
      if (unreachable.has(cluster)) return;
      try {
        objects.set(key, (await client.get({ group: ref.group, version: ref.version, resource: ref.resource }, ref.name, ref.namespace || undefined)) ?? null);
      } catch (error) {
        if (!(error instanceof KubefedctlError)) throw error;
        // A connection that fails is the cluster's problem, not this object's.
        if (error instanceof ClusterApiError && error.status === 0) unreachable.set(cluster, `context "${context}": ${error.message}`);
        else itemErrors.set(key, `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}: ${goErrorText(error)}`);
      }
    };
    // One request first: a cluster that cannot be reached is found without a burst of failing ones.
    const [first, ...rest] = wanted.get(cluster)!;
    if (first !== undefined) await read(first);
    await mapWithConcurrency(rest, MEMBER_CONCURRENCY, read);
  };

  const readVersions = async ([source, federated]: [string, FederatedObject]) => {
    const namespaced = federated.typeConfig.federatedType.scope === 'Namespaced';
    const name = propagatedVersionName(federated.typeConfig.targetType.kind, federated.object.metadata.name ?? '');
    const gvr = namespaced ? PROPAGATED_VERSIONS : CLUSTER_PROPAGATED_VERSIONS;
    try {
      const version = await host.get(gvr, name, namespaced ? federated.object.metadata.namespace : undefined);
      versions.set(source, recordedClusterVersions(federated.object, version));
    } catch (error) {
      if (!(error instanceof KubefedctlError)) throw error;
      ui.logger.warn(`cannot read the PropagatedVersion ${name} (every existing member object counts as changed): ${goErrorText(error)}`);
    }
  };

  const readHostNamespaces = async () => {
    const names = [...bySource.values()]
      .filter((federated) => federated.typeConfig.targetType.kind === 'Namespace' && federated.typeConfig.targetType.group === '')
      .map((federated) => federated.object.metadata.name ?? '');
    await mapWithConcurrency(names, MEMBER_CONCURRENCY, async (name) => {
      const object = await host.get(GVR.namespaces, name).catch((error: unknown) => {
        throw prefixError(error, `Failed to read the host cluster's namespace ${name}`);
      });
      if (object?.metadata.uid) hostNamespaceUids.set(name, object.metadata.uid);
    });
  };

  await Promise.all([...readyClusters.map(readCluster), mapWithConcurrency([...bySource], MEMBER_CONCURRENCY, readVersions), readHostNamespaces()]);
  for (const [cluster, reason] of unreachable)
    ui.logger.warn(`cannot read member cluster "${cluster}": ${reason}; its items show what KubeFed would do if it held none of them`);
  for (const [key, reason] of itemErrors) ui.logger.warn(`member cluster "${key.split('|')[0]}": cannot read ${reason}; preview treats it as absent`);

  const sourceOf = (cluster: string, target: TargetRef) => wanted.get(cluster)?.get(targetKey(cluster, target))?.source;
  return {
    lookup: (cluster, target) => {
      const key = targetKey(cluster, target);
      if (unreachable.has(cluster) || !objects.has(key)) return undefined;
      const object = objects.get(key)!;
      const source = sourceOf(cluster, target);
      const isTarget = source !== undefined && targetKey(cluster, targetRef(bySource.get(source)!)) === key;
      return {
        object,
        recordedVersion: isTarget ? versions.get(source)?.get(cluster) : undefined,
        isHostNamespace:
          target.kind === 'Namespace' &&
          target.group === '' &&
          object !== null &&
          object.metadata.uid !== undefined &&
          object.metadata.uid === hostNamespaceUids.get(target.name),
      };
    },
    warningFor: (cluster, item) => {
      const reason = unreachable.get(cluster);
      if (reason !== undefined) return `live state unknown (${reason}): shown as if the cluster held no such object`;
      const federated = bySource.get(sourceKey(item.source));
      if (federated === undefined) return undefined;
      const error = itemErrors.get(targetKey(cluster, targetRef(federated)));
      return error === undefined ? undefined : `live state unknown (${error}): shown as if the cluster held no such object`;
    },
  };
}
