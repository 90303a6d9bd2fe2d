// `kubefedctl status`: the control plane at a glance, and one federated object's propagation.
// Pure: the objects read from the host cluster and a clock in; a report (for -o json|yaml), its
// text, and the problems --check fails on out.

import { ageSince } from './age.js';
import { type ClusterSummary, renderClusterSummaries, summarizeCluster } from './clusters-table.js';
import { groupQualifiedName } from './api-resources.js';
import { renderTable } from './table.js';
import { type KubeObject, isPlainObject } from './types.js';

// ---------------------------------------------------------------------------------------------
// The control plane

export interface KubeFedConfigSummary {
  /** spec.scope; the controller defaults an empty one to Cluster. */
  scope: string;
  /** spec.syncController.adoptResources; the controller defaults an unset one to Enabled. */
  adoptResources: string;
  /** Which of the two were unset and are shown with the controller's defaults. */
  defaulted: Array<'scope' | 'adoptResources'>;
}

export interface FederatedTypeSummary {
  /** The FederatedTypeConfig's name: the target type, e.g. deployments.apps. */
  name: string;
  /** e.g. federateddeployments.types.kubefed.io */
  federatedType: string;
  federatedKind: string;
  /** spec.propagation: Enabled or Disabled. */
  propagation: string;
  /** status.propagationController: Running or NotRunning; undefined before the controller reported. */
  propagationController: string | undefined;
}

export interface ControlPlaneReport {
  hostContext: string;
  kubefedNamespace: string;
  /** null when the namespace has no KubeFedConfig "kubefed" (the controller then runs with its defaults). */
  kubefedConfig: KubeFedConfigSummary | null;
  clusters: ClusterSummary[];
  federatedTypes: FederatedTypeSummary[];
  /** What --check fails on: clusters not Ready, enabled propagation whose controller does not run. */
  problems: string[];
}

export interface ControlPlaneInput {
  hostContext: string;
  kubefedNamespace: string;
  kubefedConfig: KubeObject | undefined;
  clusters: readonly KubeObject[];
  typeConfigs: readonly KubeObject[];
}

export function summarizeKubeFedConfig(config: KubeObject): KubeFedConfigSummary {
  const spec = isPlainObject(config.spec) ? config.spec : {};
  const sync = isPlainObject(spec.syncController) ? spec.syncController : {};
  const defaulted: KubeFedConfigSummary['defaulted'] = [];
  let scope = typeof spec.scope === 'string' && spec.scope !== '' ? spec.scope : undefined;
  if (scope === undefined) {
    scope = 'Cluster';
    defaulted.push('scope');
  }
  let adoptResources = typeof sync.adoptResources === 'string' && sync.adoptResources !== '' ? sync.adoptResources : undefined;
  if (adoptResources === undefined) {
    adoptResources = 'Enabled';
    defaulted.push('adoptResources');
  }
  return { scope, adoptResources, defaulted };
}

export function summarizeTypeConfig(typeConfig: KubeObject): FederatedTypeSummary {
  const spec = isPlainObject(typeConfig.spec) ? typeConfig.spec : {};
  const status = isPlainObject(typeConfig.status) ? typeConfig.status : {};
  const federated = isPlainObject(spec.federatedType) ? spec.federatedType : {};
  const plural = typeof federated.pluralName === 'string' ? federated.pluralName : '';
  const group = typeof federated.group === 'string' ? federated.group : '';
  return {
    name: typeConfig.metadata.name ?? '',
    federatedType: plural ? groupQualifiedName(plural, group) : '',
    federatedKind: typeof federated.kind === 'string' ? federated.kind : '',
    propagation: typeof spec.propagation === 'string' ? spec.propagation : '',
    propagationController: typeof status.propagationController === 'string' && status.propagationController !== '' ? status.propagationController : undefined,
  };
}

export function clusterProblem(cluster: ClusterSummary): string | undefined {
  if (cluster.ready === 'True') return undefined;
  const why = cluster.reason
    ? ` (${cluster.reason}${cluster.message ? `: ${cluster.message}` : ''})`
    : cluster.ready === 'Unknown'
      ? ' (never probed: is the KubeFed controller running?)'
      : '';
  return `cluster "${cluster.name}" is not Ready${why}`;
}

function typeProblem(type: FederatedTypeSummary): string | undefined {
  if (type.propagation !== 'Enabled' || type.propagationController === 'Running') return undefined;
  return type.propagationController === undefined
    ? `federated type "${type.name}": propagation is enabled but no controller has reported for it`
    : `federated type "${type.name}": propagation is enabled but its controller is ${type.propagationController}`;
}

export function controlPlaneReport(input: ControlPlaneInput): ControlPlaneReport {
  const clusters = sortByName(input.clusters).map(summarizeCluster);
  const federatedTypes = sortByName(input.typeConfigs).map(summarizeTypeConfig);
  const problems = [...clusters.map(clusterProblem), ...federatedTypes.map(typeProblem)].filter((p): p is string => p !== undefined);
  return {
    hostContext: input.hostContext,
    kubefedNamespace: input.kubefedNamespace,
    kubefedConfig: input.kubefedConfig ? summarizeKubeFedConfig(input.kubefedConfig) : null,
    clusters,
    federatedTypes,
    problems,
  };
}

export function renderControlPlane(report: ControlPlaneReport, now: number): string {
  const config = report.kubefedConfig;
  const defaulted = (field: 'scope' | 'adoptResources') => (config?.defaulted.includes(field) ? ' (default)' : '');
  const settings = [
    ['Host cluster:', report.hostContext],
    ['KubeFed namespace:', report.kubefedNamespace],
    ...(config
      ? [
          ['Scope:', `${config.scope}${defaulted('scope')}`],
          ['Adopt resources:', `${config.adoptResources}${defaulted('adoptResources')}`],
        ]
      : [['KubeFedConfig:', 'none named "kubefed" (the controller runs with its defaults: scope Cluster, adopt resources Enabled)']]),
  ];
  const clusters = report.clusters.length === 0 ? 'No clusters joined.\n' : renderClusterSummaries(report.clusters, { wide: false, noHeaders: false, now });
  const types =
    report.federatedTypes.length === 0
      ? 'No federated types enabled.\n'
      : renderTable(
          ['NAME', 'FEDERATED-TYPE', 'PROPAGATION', 'CONTROLLER'],
          report.federatedTypes.map((t) => [t.name, t.federatedType || '<none>', t.propagation || '<none>', t.propagationController ?? '<none>']),
        );
  const ready = report.clusters.filter((c) => c.ready === 'True').length;
  const enabled = report.federatedTypes.filter((t) => t.propagation === 'Enabled');
  const running = enabled.filter((t) => t.propagationController === 'Running').length;
  const summary = `${plural(report.clusters.length, 'cluster')} (${ready} Ready), ${plural(report.federatedTypes.length, 'federated type')} (${running} of ${enabled.length} with propagation enabled running).`;
  return `${renderTable(undefined, settings)}\nClusters:\n${clusters}\nFederated types:\n${types}\n${summary}\n`;
}

// ---------------------------------------------------------------------------------------------
// One federated object (status TYPE NAME)

/** The Propagation condition of a Federated object (sync/status/status.go GenericCondition). */
export interface PropagationCondition {
  status: string;
  /** "" when propagation succeeded; ClusterRetrievalFailed, ComputePlacementFailed, CheckClusters, NamespaceNotFederated. */
  reason: string;
  lastUpdateTime: string | undefined;
  lastTransitionTime: string | undefined;
}

export interface ClusterPropagation {
  name: string;
  /** The PropagationStatus string; "" is OK and is reported as "OK". */
  status: string;
}

export interface FederatedObjectReport {
  kind: string;
  /** e.g. federateddeployments.types.kubefed.io */
  resource: string;
  name: string;
  namespace: string | undefined;
  generation: number | undefined;
  observedGeneration: number | undefined;
  /** null before the sync controller first reconciled the object. */
  propagation: PropagationCondition | null;
  clusters: ClusterPropagation[];
  problems: string[];
}

export function federatedObjectReport(object: KubeObject, resource: string): FederatedObjectReport {
  const status = isPlainObject(object.status) ? object.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isPlainObject) : [];
  const condition = conditions.find((c) => c.type === 'Propagation');
  const propagation: PropagationCondition | null = condition
    ? {
        status: typeof condition.status === 'string' ? condition.status : '',
        reason: typeof condition.reason === 'string' ? condition.reason : '',
        lastUpdateTime: typeof condition.lastUpdateTime === 'string' ? condition.lastUpdateTime : undefined,
        lastTransitionTime: typeof condition.lastTransitionTime === 'string' ? condition.lastTransitionTime : undefined,
      }
    : null;
  const clusters = (Array.isArray(status.clusters) ? status.clusters.filter(isPlainObject) : [])
    .map((c) => ({ name: typeof c.name === 'string' ? c.name : '', status: typeof c.status === 'string' && c.status !== '' ? c.status : 'OK' }))
    .sort((a, b) => compare(a.name, b.name));
  const generation = typeof object.metadata.generation === 'number' ? object.metadata.generation : undefined;
  const observedGeneration = typeof status.observedGeneration === 'number' ? status.observedGeneration : undefined;

  const problems: string[] = [];
  if (propagation === null)
    problems.push(
      'no Propagation condition yet: the sync controller has not reconciled the object (is propagation of its type enabled and the controller running?)',
    );
  else if (propagation.status !== 'True')
    problems.push(`propagation is ${propagation.status || 'unknown'}${propagation.reason ? ` (${propagation.reason})` : ''}`);
  if (generation !== undefined && observedGeneration !== undefined && observedGeneration < generation) {
    problems.push(`the status is of generation ${observedGeneration}, the object is at generation ${generation}: not yet reconciled`);
  }
  for (const cluster of clusters) if (cluster.status !== 'OK') problems.push(`cluster "${cluster.name}": ${cluster.status}`);
  return {
    kind: object.kind,
    resource,
    name: object.metadata.name ?? '',
    namespace: object.metadata.namespace,
    generation,
    observedGeneration,
    propagation,
    clusters,
    problems,
  };
}

export function renderFederatedObject(report: FederatedObjectReport, now: number): string {
  const propagation = report.propagation;
  const rows: string[][] = [
    ['Object:', `${report.kind} ${report.namespace ? `${report.namespace}/` : ''}${report.name}`],
    [
      'Propagation:',
      propagation === null
        ? 'not reported yet'
        : [
            `${propagation.status}${propagation.reason ? ` (${propagation.reason})` : ''}${propagation.lastTransitionTime ? ` for ${ageSince(propagation.lastTransitionTime, now)}` : ''}`,
            ...(propagation.lastUpdateTime ? [`last update ${ageSince(propagation.lastUpdateTime, now)} ago`] : []),
          ].join(', '),
    ],
  ];
  if (report.generation !== undefined) rows.push(['Generation:', `${report.generation} (observed ${report.observedGeneration ?? 'none'})`]);
  const clusters =
    report.clusters.length === 0
      ? 'No clusters in the status.\n'
      : renderTable(
          ['CLUSTER', 'STATUS'],
          report.clusters.map((c) => [c.name, c.status]),
        );
  return `${renderTable(undefined, rows)}\n${clusters}`;
}

// ---------------------------------------------------------------------------------------------

/** By name, byte-wise (the API server's list order). */
function sortByName(objects: readonly KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => compare(a.metadata.name ?? '', b.metadata.name ?? ''));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------
// Which federated type a TYPE argument names, from the FederatedTypeConfigs alone (no discovery)

export interface FederatedTypeRef {
  group: string;
  version: string;
  /** Plural resource name, e.g. federateddeployments. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

/**
 * The federated type of the FederatedTypeConfig that TYPE names, by the federated type's kind,
 * plural, plural.group or singular, or by the target type's (deployments.apps, Deployment):
 * `status deployments.apps web` means the FederatedDeployment web. undefined when no
 * FederatedTypeConfig matches (short names such as fdeploy need discovery).
 */
export function federatedTypeNamed(typeConfigs: readonly KubeObject[], name: string): FederatedTypeRef | undefined {
  const wanted = name.toLowerCase();
  const refOf = (value: unknown): { group: string; version: string; kind: string; plural: string; scope: string } | undefined => {
    if (!isPlainObject(value)) return undefined;
    const { group, version, kind, pluralName, scope } = value;
    if (typeof kind !== 'string' || typeof pluralName !== 'string') return undefined;
    return {
      group: typeof group === 'string' ? group : '',
      version: typeof version === 'string' ? version : '',
      kind,
      plural: pluralName,
      scope: typeof scope === 'string' ? scope : 'Namespaced',
    };
  };
  const forms = (ref: { group: string; kind: string; plural: string }) => [
    ref.kind.toLowerCase(),
    ref.plural.toLowerCase(),
    groupQualifiedName(ref.plural, ref.group).toLowerCase(),
  ];
  for (const byTarget of [false, true]) {
    for (const typeConfig of typeConfigs) {
      const spec = isPlainObject(typeConfig.spec) ? typeConfig.spec : {};
      const federated = refOf(spec.federatedType);
      if (federated === undefined) continue;
      const target = refOf(spec.targetType);
      const names = byTarget ? [...(target ? forms(target) : []), (typeConfig.metadata.name ?? '').toLowerCase()] : forms(federated);
      if (names.includes(wanted)) {
        return {
          group: federated.group,
          version: federated.version,
          resource: federated.plural,
          kind: federated.kind,
          namespaced: federated.scope !== 'Cluster',
        };
      }
    }
  }
  return undefined;
}
