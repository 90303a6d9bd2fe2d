// `kubefedctl get clusters`: KubeFedClusters as kubectl would print them, plus the readiness
// verdict KubeFed itself uses. Pure: objects and a clock in, text out.
//
// What KubeFed v0.10.0 stores (controller/kubefedcluster/clusterclient.go): a healthy cluster has
// only Ready=True; an unhealthy /healthz gives Ready=False plus Offline=False; an unreachable one
// has only Offline=True (no Ready condition at all); a cluster without a usable client has
// ConfigMalformed=True. kubernetesVersion is set only while Ready.

import { ageSince } from './age.js';
import { GVR, qualifiedName } from './gvr.js';
import { renderTable } from './table.js';
import { type KubeObject, isPlainObject } from './types.js';

export type Readiness = 'True' | 'False' | 'Unknown';

export interface ClusterCondition {
  type: string;
  status: string;
  reason?: string | undefined;
  message?: string | undefined;
  lastProbeTime?: string | undefined;
  lastTransitionTime?: string | undefined;
}

export interface ClusterSummary {
  name: string;
  ready: Readiness;
  /** The reason and message of the condition READY was decided by. */
  reason: string | undefined;
  message: string | undefined;
  kubernetesVersion: string | undefined;
  creationTimestamp: string | undefined;
  lastProbeTime: string | undefined;
  apiEndpoint: string | undefined;
  proxyUrl: string | undefined;
  tls: string;
  secret: string | undefined;
  /** When the Secret holding the cluster's credentials was created (join or the last rotate-credentials). */
  credentialsCreated?: string | undefined;
}

/** The names `get` accepts for KubeFedClusters, as kubectl accepts plural, singular, short and qualified names. */
export const CLUSTER_TYPE_NAMES = [
  'clusters',
  'cluster',
  'kubefedclusters',
  'kubefedcluster',
  'kfc',
  'kubefedclusters.core.kubefed.io',
  'kubefedcluster.core.kubefed.io',
] as const;

export const CLUSTER_OUTPUT_FORMATS = ['wide', 'json', 'yaml', 'name'] as const;
export type ClusterOutputFormat = (typeof CLUSTER_OUTPUT_FORMATS)[number];

const NONE = '<none>';

export function clusterConditions(object: KubeObject): ClusterCondition[] {
  const conditions = isPlainObject(object.status) ? object.status.conditions : undefined;
  if (!Array.isArray(conditions)) return [];
  return conditions.flatMap((c): ClusterCondition[] =>
    isPlainObject(c) && typeof c.type === 'string'
      ? [
          {
            type: c.type,
            status: String(c.status ?? ''),
            reason: text(c.reason),
            message: text(c.message),
            lastProbeTime: text(c.lastProbeTime),
            lastTransitionTime: text(c.lastTransitionTime),
          },
        ]
      : [],
  );
}

/**
 * READY, never blank: the Ready condition's status; without one, False if the cluster is Offline
 * or its config is malformed (the same test as KubeFed's IsClusterReady); else Unknown (never
 * probed, e.g. no controller is running).
 */
export function clusterReadiness(object: KubeObject): { ready: Readiness; condition: ClusterCondition | undefined } {
  const conditions = clusterConditions(object);
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready) return { ready: ready.status === 'True' ? 'True' : ready.status === 'False' ? 'False' : 'Unknown', condition: ready };
  const failing = conditions.find((c) => (c.type === 'Offline' || c.type === 'ConfigMalformed') && c.status === 'True');
  if (failing) return { ready: 'False', condition: failing };
  return { ready: 'Unknown', condition: undefined };
}

/** How the controller checks the cluster's serving certificate: insecure, skip:<checks>, ca-bundle or system-ca. */
export function tlsMode(spec: Record<string, unknown>): string {
  const disabled = Array.isArray(spec.disabledTLSValidations) ? spec.disabledTLSValidations.filter((v): v is string => typeof v === 'string') : [];
  if (disabled.includes('*')) return 'insecure';
  if (disabled.length > 0) return `skip:${disabled.join(',')}`;
  return typeof spec.caBundle === 'string' && spec.caBundle !== '' ? 'ca-bundle' : 'system-ca';
}

export function summarizeCluster(object: KubeObject): ClusterSummary {
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const status = isPlainObject(object.status) ? object.status : {};
  const { ready, condition } = clusterReadiness(object);
  const probes = clusterConditions(object)
    .map((c) => c.lastProbeTime)
    .filter((t): t is string => t !== undefined && !Number.isNaN(Date.parse(t)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    name: object.metadata.name ?? '',
    ready,
    reason: condition?.reason,
    message: condition?.message,
    kubernetesVersion: text(status.kubernetesVersion),
    creationTimestamp: text(object.metadata.creationTimestamp),
    lastProbeTime: probes.at(-1),
    apiEndpoint: text(spec.apiEndpoint),
    proxyUrl: text(spec.proxyURL),
    tls: tlsMode(spec),
    secret: isPlainObject(spec.secretRef) ? text(spec.secretRef.name) : undefined,
  };
}

export interface ClustersTableOptions {
  wide: boolean;
  noHeaders: boolean;
  /** ms since the epoch, for AGE and LAST-PROBE. */
  now: number;
  /**
   * -o wide: the creationTimestamp of each Secret the clusters name (by Secret name), for
   * CREDENTIALS-AGE; a Secret missing here (not found, not readable) shows <unknown>.
   */
  secretsCreated?: ReadonlyMap<string, string> | undefined;
}

export const CLUSTER_COLUMNS = ['NAME', 'READY', 'KUBERNETES-VERSION', 'AGE'] as const;
export const WIDE_CLUSTER_COLUMNS = ['API-ENDPOINT', 'PROXY-URL', 'TLS', 'SECRET', 'CREDENTIALS-AGE', 'REASON', 'LAST-PROBE'] as const;

export function clusterRow(summary: ClusterSummary, options: Pick<ClustersTableOptions, 'wide' | 'now'>): string[] {
  const row = [summary.name, summary.ready, summary.kubernetesVersion || NONE, ageSince(summary.creationTimestamp, options.now)];
  if (!options.wide) return row;
  return [
    ...row,
    summary.apiEndpoint || NONE,
    summary.proxyUrl || NONE,
    summary.tls,
    summary.secret || NONE,
    summary.secret ? (summary.credentialsCreated ? ageSince(summary.credentialsCreated, options.now) : '<unknown>') : NONE,
    summary.reason || NONE,
    summary.lastProbeTime ? ageSince(summary.lastProbeTime, options.now) : NONE,
  ];
}

/** The table of `get clusters`; "" for no objects, so the caller can say "No resources found". */
export function renderClustersTable(objects: readonly KubeObject[], options: ClustersTableOptions): string {
  const summaries = objects
    .map(summarizeCluster)
    .map((summary) => ({ ...summary, credentialsCreated: summary.secret ? options.secretsCreated?.get(summary.secret) : undefined }));
  return renderClusterSummaries(summaries, options);
}

export function renderClusterSummaries(clusters: readonly ClusterSummary[], options: ClustersTableOptions): string {
  if (clusters.length === 0) return '';
  const header = options.wide ? [...CLUSTER_COLUMNS, ...WIDE_CLUSTER_COLUMNS] : [...CLUSTER_COLUMNS];
  return renderTable(
    options.noHeaders ? undefined : header,
    clusters.map((cluster) => clusterRow(cluster, options)),
  );
}

/** -o name: kubefedcluster.core.kubefed.io/<name>, one per line. */
export function renderClusterNames(objects: readonly KubeObject[]): string {
  return objects.map((object) => `${qualifiedName(GVR.kubefedClusters, object.metadata.name ?? '')}\n`).join('');
}

/**
 * -o json|yaml: the objects as the server returned them (managedFields hidden, as kubectl does by
 * default); one named cluster is printed alone, anything else as a v1 List (kubectl printGeneric).
 */
export function clustersForOutput(objects: readonly KubeObject[], singleItemImplied: boolean): unknown {
  const cleaned = objects.map(withoutManagedFields);
  if (singleItemImplied && cleaned.length === 1) return cleaned[0];
  return { apiVersion: 'v1', kind: 'List', items: cleaned, metadata: { resourceVersion: '' } };
}

function withoutManagedFields(object: KubeObject): KubeObject {
  if (!('managedFields' in object.metadata)) return object;
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return { ...object, metadata };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
