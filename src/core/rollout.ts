// `status TYPE NAME --members`: per member cluster, what `kubectl rollout status` would judge of the
// object KubeFed placed there. Pure: the federated object, what each member holds, and what KubeFed
// would render for it in; a verdict per cluster out.
//
// The judgements follow kubectl v1.32 (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/
// rollout_status.go): a Deployment is rolled out once its controller observed the current
// generation, every replica is updated, no old replica is left and every updated one is available;
// a Deployment whose Progressing condition says ProgressDeadlineExceeded is stuck. StatefulSets and
// DaemonSets are judged only for the RollingUpdate strategy, as kubectl does. Every other kind is
// rolled out when the member holds it with every field KubeFed rendered (the API server's defaults
// may add fields, never change rendered ones).

import { objectForCluster } from './preview/object-for-cluster.js';
import { applyClusterOverrides, getOverrides } from './preview/overrides.js';
import type { TypeConfig } from './preview/model.js';
import { renderTable } from './table.js';
import { type KubeObject, isPlainObject } from './types.js';

/** rolled-out: done; progressing: not yet; stuck: will not finish by itself; missing: not in the member; unknown: could not be read. */
export type RolloutState = 'rolled-out' | 'progressing' | 'stuck' | 'missing' | 'unknown';

export interface MemberRollout {
  cluster: string;
  state: RolloutState;
  /** kubectl's words ("Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated..."). */
  message: string;
  /** Deployment, StatefulSet, DaemonSet: the counts the verdict was taken from. */
  generation?: number | undefined;
  observedGeneration?: number | undefined;
  replicas?: number | undefined;
  updated?: number | undefined;
  ready?: number | undefined;
  available?: number | undefined;
}

export interface MembersReport {
  kind: string;
  name: string;
  namespace: string | undefined;
  clusters: MemberRollout[];
  /** The clusters that have not rolled out, one line each (what --check and --wait report). */
  problems: string[];
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function fieldsOf(object: KubeObject): {
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
  generation: number | undefined;
  observed: number | undefined;
} {
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const status = isPlainObject(object.status) ? object.status : {};
  return { spec, status, generation: num(object.metadata.generation), observed: num(status.observedGeneration) };
}

function deploymentRollout(object: KubeObject): Omit<MemberRollout, 'cluster'> {
  const { spec, status, generation, observed } = fieldsOf(object);
  const name = object.metadata.name ?? '';
  const replicas = num(spec.replicas) ?? 1;
  const updated = num(status.updatedReplicas) ?? 0;
  const current = num(status.replicas) ?? 0;
  const available = num(status.availableReplicas) ?? 0;
  const counts = { generation, observedGeneration: observed, replicas, updated, ready: num(status.readyReplicas) ?? 0, available };
  if (generation !== undefined && (observed ?? 0) < generation)
    return { state: 'progressing', message: 'Waiting for deployment spec update to be observed...', ...counts };
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isPlainObject) : [];
  if (conditions.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'))
    return { state: 'stuck', message: `deployment "${name}" exceeded its progress deadline`, ...counts };
  if (updated < replicas)
    return {
      state: 'progressing',
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`,
      ...counts,
    };
  if (current > updated)
    return {
      state: 'progressing',
      message: `Waiting for deployment "${name}" rollout to finish: ${current - updated} old replicas are pending termination...`,
      ...counts,
    };
  if (available < updated)
    return {
      state: 'progressing',
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
      ...counts,
    };
  return { state: 'rolled-out', message: `deployment "${name}" successfully rolled out`, ...counts };
}

function strategyType(spec: Record<string, unknown>): string {
  const strategy = isPlainObject(spec.updateStrategy) ? spec.updateStrategy : {};
  return typeof strategy.type === 'string' ? strategy.type : 'RollingUpdate';
}

function statefulSetRollout(object: KubeObject): Omit<MemberRollout, 'cluster'> {
  const { spec, status, generation, observed } = fieldsOf(object);
  const replicas = num(spec.replicas) ?? 1;
  const ready = num(status.readyReplicas) ?? 0;
  const updated = num(status.updatedReplicas) ?? 0;
  const counts = { generation, observedGeneration: observed, replicas, updated, ready, available: num(status.availableReplicas) ?? 0 };
  if (strategyType(spec) !== 'RollingUpdate')
    return { state: 'unknown', message: 'rollout status is only available for RollingUpdate strategy type', ...counts };
  if (!observed || (generation !== undefined && generation > observed))
    return { state: 'progressing', message: 'Waiting for statefulset spec update to be observed...', ...counts };
  if (ready < replicas) return { state: 'progressing', message: `Waiting for ${replicas - ready} pods to be ready...`, ...counts };
  // The API server defaults rollingUpdate (partition 0), so this is the usual path, as in kubectl.
  const rolling = isPlainObject(spec.updateStrategy) && isPlainObject(spec.updateStrategy.rollingUpdate) ? spec.updateStrategy.rollingUpdate : undefined;
  if (rolling) {
    const partition = num(rolling.partition);
    if (partition !== undefined && updated < replicas - partition)
      return {
        state: 'progressing',
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`,
        ...counts,
      };
    return { state: 'rolled-out', message: `partitioned roll out complete: ${updated} new pods have been updated...`, ...counts };
  }
  if (status.updateRevision !== status.currentRevision)
    return {
      state: 'progressing',
      message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${String(status.updateRevision)}...`,
      ...counts,
    };
  return {
    state: 'rolled-out',
    message: `statefulset rolling update complete ${num(status.currentReplicas) ?? 0} pods at revision ${String(status.currentRevision)}...`,
    ...counts,
  };
}

function daemonSetRollout(object: KubeObject): Omit<MemberRollout, 'cluster'> {
  const { spec, status, generation, observed } = fieldsOf(object);
  const name = object.metadata.name ?? '';
  const desired = num(status.desiredNumberScheduled) ?? 0;
  const updated = num(status.updatedNumberScheduled) ?? 0;
  const available = num(status.numberAvailable) ?? 0;
  const counts = { generation, observedGeneration: observed, replicas: desired, updated, ready: num(status.numberReady) ?? 0, available };
  if (strategyType(spec) !== 'RollingUpdate')
    return { state: 'unknown', message: 'rollout status is only available for RollingUpdate strategy type', ...counts };
  if (generation !== undefined && (observed ?? 0) < generation)
    return { state: 'progressing', message: 'Waiting for daemon set spec update to be observed...', ...counts };
  if (updated < desired)
    return {
      state: 'progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
      ...counts,
    };
  if (available < desired)
    return {
      state: 'progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
      ...counts,
    };
  return { state: 'rolled-out', message: `daemon set "${name}" successfully rolled out`, ...counts };
}

/**
 * Whether `actual` holds everything in `expected`: maps key by key, lists element by element (of
 * the same length), scalars equal. Extra fields in `actual` (defaults) are fine.
 */
export function holdsRendered(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected))
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, index) => holdsRendered(actual[index], item));
  if (isPlainObject(expected)) return isPlainObject(actual) && Object.entries(expected).every(([key, value]) => holdsRendered(actual[key], value));
  return actual === expected;
}

/** The fields of a rendered object the member must hold: everything but status and server-set metadata. */
function renderedFields(rendered: KubeObject): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = rendered;
  return {
    ...rest,
    metadata: {
      name: metadata.name,
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      ...(metadata.labels ? { labels: metadata.labels } : {}),
    },
  };
}

/**
 * One member's verdict. `live` is the object the member holds (undefined: not there; an Error: it
 * could not be read); `rendered` is what KubeFed would write there (for kinds without a rollout).
 */
export function memberRollout(cluster: string, kind: string, live: KubeObject | undefined | Error, rendered: KubeObject | undefined): MemberRollout {
  if (live instanceof Error) return { cluster, state: 'unknown', message: `could not be read: ${live.message}` };
  if (live === undefined) return { cluster, state: 'missing', message: `${kind} not found in the cluster` };
  if (kind === 'Deployment') return { cluster, ...deploymentRollout(live) };
  if (kind === 'StatefulSet') return { cluster, ...statefulSetRollout(live) };
  if (kind === 'DaemonSet') return { cluster, ...daemonSetRollout(live) };
  if (rendered && !holdsRendered(live, renderedFields(rendered)))
    return { cluster, state: 'progressing', message: `present, but not yet as KubeFed renders it` };
  return { cluster, state: 'rolled-out', message: 'present and as KubeFed renders it' };
}

export function membersReport(target: { kind: string; name: string; namespace: string | undefined }, clusters: MemberRollout[]): MembersReport {
  const sorted = [...clusters].sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
  const problems = sorted.filter((c) => c.state !== 'rolled-out').map((c) => `cluster "${c.cluster}": ${c.message}`);
  if (sorted.length === 0) problems.push('KubeFed has placed the object on no cluster');
  return { ...target, clusters: sorted, problems };
}

export function isWorkloadKind(kind: string): boolean {
  return WORKLOADS.has(kind);
}

/** The table of --members: CLUSTER STATE [UPDATED READY AVAILABLE] MESSAGE. */
export function renderMembersReport(report: MembersReport): string {
  const head = `${report.kind} ${report.namespace ? `${report.namespace}/` : ''}${report.name}\n`;
  if (report.clusters.length === 0) return `${head}No clusters: KubeFed has placed the object on none.\n`;
  const workload = isWorkloadKind(report.kind);
  const header = workload ? ['CLUSTER', 'STATE', 'GENERATION', 'UPDATED', 'READY', 'AVAILABLE', 'MESSAGE'] : ['CLUSTER', 'STATE', 'MESSAGE'];
  const count = (value: number | undefined, of?: number | undefined) => (value === undefined ? '-' : of === undefined ? String(value) : `${value}/${of}`);
  const rows = report.clusters.map((c) =>
    workload
      ? [
          c.cluster,
          c.state,
          c.generation === undefined ? '-' : `${c.observedGeneration ?? 0}/${c.generation}`,
          count(c.updated, c.replicas),
          count(c.ready, c.replicas),
          count(c.available, c.replicas),
          c.message,
        ]
      : [c.cluster, c.state, c.message],
  );
  return `${head}${renderTable(header, rows)}`;
}

/**
 * What KubeFed writes to `cluster` for the federated object: its template as ObjectForCluster
 * makes it, with the cluster's overrides (the preview's own functions). undefined when KubeFed could
 * not render it either (its status then says why).
 */
export function renderedForCluster(federated: KubeObject, typeConfig: TypeConfig, cluster: string): KubeObject | undefined {
  try {
    const { object } = objectForCluster({ object: federated, typeConfig, location: { file: '<host cluster>' } });
    return applyClusterOverrides(object, getOverrides(federated).get(cluster));
  } catch {
    return undefined;
  }
}
