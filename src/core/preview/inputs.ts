// What `kubefedctl preview` reads, sorted out of parsed manifests: federated objects (checked
// against the shape their CRD enforces, since the API server would reject anything else),
// ReplicaSchedulingPreferences, KubeFedClusters, a KubeFedConfig and FederatedTypeConfigs (the
// ones KubeFed enables by default unless the input brings its own). Also the --cluster flag.
// Problems are ManifestError/UsageError (exit 2); KubeFed-level failures come later, as data.

import { type ManifestLocation, ManifestError, UsageError } from '../../errors.js';
import { defaultEnabledTypeConfigs } from '../builtin-types.js';
import { DEFAULT_KUBEFED_NAMESPACE, FEDERATED_GROUP, KUBEFED_CORE_GROUP } from '../constants.js';
import type { ManifestObject } from '../manifest.js';
import { dns1123SubdomainProblems } from '../naming.js';
import { typeConfigApiResource } from '../type-config.js';
import { type KubeObject, isPlainObject, splitApiVersion } from '../types.js';
import { labelValueProblems, qualifiedNameProblems } from './label-selector.js';
import type { FederatedObject, KubeFedScope, KubeFedSettings, MemberCluster, PreviewInputs, ReplicaSchedulingPreference, TypeConfig } from './model.js';
import { checkFederatedShape, checkRspShape, fail, locationOf } from './shapes.js';

export const SCHEDULING_GROUP = 'scheduling.kubefed.io';

export interface ReadPreviewInputsOptions {
  /** Member clusters from --cluster flags (see parseClusterFlag), before any KubeFedCluster of the input. */
  clusters?: readonly MemberCluster[] | undefined;
  /** --kubefed-namespace; by default the KubeFedConfig's namespace, else kube-federation-system. */
  kubefedNamespace?: string | undefined;
  /** Namespace for namespaced objects that name none (kubectl's default namespace). Default "default". */
  defaultNamespace?: string | undefined;
  /** Start from the FederatedTypeConfigs KubeFed enables by default; input FTCs replace them by name. Default true. */
  builtinTypeConfigs?: boolean | undefined;
}

/** Sorts parsed manifests into preview inputs. Throws ManifestError or UsageError. */
export function readPreviewInputs(manifests: readonly ManifestObject[], options: ReadPreviewInputsOptions = {}): PreviewInputs & { warnings: string[] } {
  const warnings: string[] = [];
  const typeConfigs = collectTypeConfigs(manifests, options.builtinTypeConfigs ?? true);
  const config = findKubeFedConfig(manifests);
  const kubefedNamespace = resolveKubefedNamespace(config, options.kubefedNamespace);
  const settings = config === undefined ? defaultSettings() : readSettings(config);
  const defaultNamespace = options.defaultNamespace ?? 'default';

  const clusters = new Map<string, MemberCluster>();
  for (const cluster of options.clusters ?? []) {
    if (clusters.has(cluster.name)) throw new UsageError(`cluster "${cluster.name}" is given twice`, { code: 'DUPLICATE_CLUSTER' });
    clusters.set(cluster.name, cluster);
  }
  const federated: FederatedObject[] = [];
  const rsps: ReplicaSchedulingPreference[] = [];
  const seen = new Map<string, ManifestLocation>();
  const federatedGroups = new Set([FEDERATED_GROUP, ...[...typeConfigs.values()].map((typeConfig) => typeConfig.federatedType.group)]);

  for (const manifest of manifests) {
    const { object } = manifest;
    const location = locationOf(manifest);
    const { group, version } = splitApiVersion(object.apiVersion);
    const ref = `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
    if (group === KUBEFED_CORE_GROUP) {
      if (object.kind === 'KubeFedCluster') addCluster(clusters, object, location, kubefedNamespace, warnings);
      else if (object.kind !== 'KubeFedConfig' && object.kind !== 'FederatedTypeConfig')
        warnings.push(`ignored ${ref}: preview does not use ${object.kind} objects`);
      continue;
    }
    if (group === SCHEDULING_GROUP && object.kind === 'ReplicaSchedulingPreference') {
      const rsp = withNamespace(object, defaultNamespace);
      checkRspShape(rsp, location);
      claim(seen, `rsp/${rsp.metadata.namespace}/${rsp.metadata.name}`, location, `ReplicaSchedulingPreference ${rsp.metadata.namespace}/${rsp.metadata.name}`);
      rsps.push({ object: rsp, location });
      continue;
    }
    const typeConfig = [...typeConfigs.values()].find((candidate) => candidate.federatedType.group === group && candidate.federatedType.kind === object.kind);
    if (typeConfig === undefined) {
      if (federatedGroups.has(group)) {
        throw new ManifestError({ ...location, path: 'kind' }, `no FederatedTypeConfig has federated type ${object.kind} (${group})`, {
          hint: "Add the type's FederatedTypeConfig to the input (kubefedctl enable <type> -o yaml prints it with its CRD).",
        });
      }
      warnings.push(`ignored ${ref}: it is not a federated object`);
      continue;
    }
    if (version !== typeConfig.federatedType.version) {
      throw new ManifestError(
        { ...location, path: 'apiVersion' },
        `FederatedTypeConfig ${typeConfig.name} serves ${object.kind} as ${group}/${typeConfig.federatedType.version}, not ${object.apiVersion}`,
      );
    }
    const namespaced = typeConfig.federatedType.scope === 'Namespaced';
    const fedObject = namespaced ? withNamespace(object, defaultNamespace) : withoutNamespace(object);
    checkFederatedShape(fedObject, location);
    const key = `${group}/${object.kind}/${fedObject.metadata.namespace ?? ''}/${fedObject.metadata.name}`;
    claim(seen, key, location, `${object.kind} ${fedObject.metadata.namespace ? `${fedObject.metadata.namespace}/` : ''}${fedObject.metadata.name}`);
    federated.push({ object: fedObject, typeConfig, location });
  }
  return { federated, replicaSchedulingPreferences: rsps, clusters: [...clusters.values()], settings, kubefedNamespace, warnings };
}

function claim(seen: Map<string, ManifestLocation>, key: string, location: ManifestLocation, what: string): void {
  const earlier = seen.get(key);
  if (earlier !== undefined) throw new ManifestError(location, `${what} appears twice (first in "${earlier.file}" document ${earlier.document})`);
  seen.set(key, location);
}

function withNamespace(object: KubeObject, defaultNamespace: string): KubeObject {
  return object.metadata.namespace ? object : { ...object, metadata: { ...object.metadata, namespace: defaultNamespace } };
}

function withoutNamespace(object: KubeObject): KubeObject {
  if (object.metadata.namespace === undefined) return object;
  const metadata = { ...object.metadata };
  delete metadata.namespace;
  return { ...object, metadata };
}

// --- FederatedTypeConfigs ------------------------------------------------------------------------

function collectTypeConfigs(manifests: readonly ManifestObject[], builtin: boolean): Map<string, TypeConfig> {
  const byName = new Map<string, TypeConfig>();
  if (builtin) for (const ftc of defaultEnabledTypeConfigs()) byName.set(ftc.metadata.name!, toTypeConfig(ftc));
  const fromInput = new Map<string, ManifestLocation>();
  for (const manifest of manifests) {
    const { object } = manifest;
    if (splitApiVersion(object.apiVersion).group !== KUBEFED_CORE_GROUP || object.kind !== 'FederatedTypeConfig') continue;
    const location = locationOf(manifest);
    claim(fromInput, object.metadata.name!, location, `FederatedTypeConfig ${object.metadata.name}`);
    const typeConfig = toTypeConfig(object);
    for (const field of ['targetType', 'federatedType'] as const) {
      for (const part of ['version', 'kind'] as const) {
        if (typeConfig[field][part] === '') fail(location, `spec.${field}.${part}`, `a FederatedTypeConfig needs spec.${field}.${part}`);
      }
    }
    byName.set(object.metadata.name!, typeConfig);
  }
  return byName;
}

/** A FederatedTypeConfig with SetFederatedTypeConfigDefaults applied (plurals and target group from the name). */
export function toTypeConfig(ftc: KubeObject): TypeConfig {
  const name = ftc.metadata.name ?? '';
  const targetType = typeConfigApiResource(ftc, 'targetType');
  const federatedType = typeConfigApiResource(ftc, 'federatedType');
  const dot = name.indexOf('.');
  if (targetType.pluralName === '') targetType.pluralName = dot < 0 ? name : name.slice(0, dot);
  if (targetType.group === '' && dot >= 0) targetType.group = name.slice(dot + 1);
  if (federatedType.pluralName === '') federatedType.pluralName = pluralName(federatedType.kind);
  const spec = isPlainObject(ftc.spec) ? ftc.spec : {};
  return { name, targetType, federatedType, propagationEnabled: spec.propagation === 'Enabled' };
}

/** PluralName of pkg/apis/core/v1beta1: lowercase, then -es, -ies or -s. */
function pluralName(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|ch|sh|z|o)$/.test(lower)) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

// --- KubeFedConfig -------------------------------------------------------------------------------

function findKubeFedConfig(manifests: readonly ManifestObject[]): ManifestObject | undefined {
  const configs = manifests.filter(({ object }) => splitApiVersion(object.apiVersion).group === KUBEFED_CORE_GROUP && object.kind === 'KubeFedConfig');
  if (configs.length > 1) {
    throw new ManifestError(locationOf(configs[1]!), 'more than one KubeFedConfig: KubeFed reads only the one named "kubefed" in its namespace');
  }
  return configs[0];
}

function resolveKubefedNamespace(config: ManifestObject | undefined, option: string | undefined): string {
  const fromConfig = config?.object.metadata.namespace;
  if (option !== undefined && fromConfig !== undefined && fromConfig !== option) {
    throw new ManifestError(
      { ...locationOf(config!), path: 'metadata.namespace' },
      `the KubeFedConfig is in namespace ${fromConfig} but --kubefed-namespace is ${option}`,
    );
  }
  return option ?? fromConfig ?? DEFAULT_KUBEFED_NAMESPACE;
}

export function defaultSettings(): KubeFedSettings {
  return { scope: 'Cluster', adoptResources: true, schedulerPreferences: true };
}

function readSettings(manifest: ManifestObject): KubeFedSettings {
  const location = locationOf(manifest);
  const spec = isPlainObject(manifest.object.spec) ? manifest.object.spec : {};
  const settings = defaultSettings();
  const scope = spec.scope;
  if (scope !== undefined && scope !== null) {
    if (scope !== 'Cluster' && scope !== 'Namespaced') fail(location, 'spec.scope', `scope must be Cluster or Namespaced, not ${JSON.stringify(scope)}`);
    settings.scope = scope as KubeFedScope;
  }
  const sync = isPlainObject(spec.syncController) ? spec.syncController : {};
  const adopt = sync.adoptResources;
  if (adopt !== undefined && adopt !== null) {
    if (adopt !== 'Enabled' && adopt !== 'Disabled')
      fail(location, 'spec.syncController.adoptResources', `adoptResources must be Enabled or Disabled, not ${JSON.stringify(adopt)}`);
    settings.adoptResources = adopt === 'Enabled';
  }
  const gates = Array.isArray(spec.featureGates) ? spec.featureGates : [];
  for (const gate of gates) {
    if (isPlainObject(gate) && gate.name === 'SchedulerPreferences') settings.schedulerPreferences = gate.configuration !== 'Disabled';
  }
  return settings;
}

// --- Member clusters -----------------------------------------------------------------------------

function addCluster(clusters: Map<string, MemberCluster>, object: KubeObject, location: ManifestLocation, kubefedNamespace: string, warnings: string[]): void {
  const name = object.metadata.name!;
  const namespace = object.metadata.namespace;
  if (namespace !== undefined && namespace !== kubefedNamespace) {
    warnings.push(`ignored KubeFedCluster ${namespace}/${name}: KubeFed only reads KubeFedClusters in ${kubefedNamespace}`);
    return;
  }
  if (clusters.has(name)) throw new ManifestError(location, `cluster "${name}" is given twice`);
  clusters.set(name, { name, labels: { ...(object.metadata.labels ?? {}) }, ready: readyFromStatus(object) });
}

/** IsClusterReady; a KubeFedCluster without status.conditions counts as Ready (nothing says otherwise). */
export function readyFromStatus(object: KubeObject): boolean {
  const status = isPlainObject(object.status) ? object.status : {};
  if (!Array.isArray(status.conditions)) return true;
  return status.conditions.some((condition) => isPlainObject(condition) && condition.type === 'Ready' && condition.status === 'True');
}

/**
 * `--cluster NAME[:key=value,...][:notready]`: a member cluster by name, with labels, Ready unless
 * marked notready. Throws UsageError.
 */
export function parseClusterFlag(value: string): MemberCluster {
  const usage = (detail: string) =>
    new UsageError(`invalid --cluster "${value}": ${detail}`, {
      code: 'INVALID_CLUSTER',
      hint: 'Use --cluster NAME[:key=value,...][:notready], e.g. --cluster cluster1:region=eu,tier=gold.',
    });
  const [name = '', ...parts] = value.split(':');
  const nameProblems = dns1123SubdomainProblems(name);
  if (nameProblems.length > 0) throw usage(`the cluster name ${nameProblems.join('; ')}`);
  const labels: Record<string, string> = {};
  let ready = true;
  for (const part of parts) {
    if (part === 'notready' || part === 'ready') {
      ready = part === 'ready';
      continue;
    }
    if (part === '') continue;
    for (const pair of part.split(',')) {
      const equals = pair.indexOf('=');
      if (equals < 0) throw usage(`"${pair}" is neither key=value nor notready`);
      const key = pair.slice(0, equals);
      const labelValue = pair.slice(equals + 1);
      const problems = [
        ...qualifiedNameProblems(key).map((problem) => `label key "${key}": ${problem}`),
        ...labelValueProblems(labelValue).map((problem) => `label value "${labelValue}": ${problem}`),
      ];
      if (problems.length > 0) throw usage(problems.join('; '));
      if (Object.hasOwn(labels, key)) throw usage(`label ${key} is given twice`);
      labels[key] = labelValue;
    }
  }
  return { name, labels, ready };
}
