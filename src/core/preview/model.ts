// The data `kubefedctl preview` works on: what it reads (federated objects, FederatedNamespaces,
// ReplicaSchedulingPreferences, member clusters, KubeFedConfig, FederatedTypeConfigs) and what it
// answers (per member cluster, the objects KubeFed would write there, plus KubeFed's failures).

import type { ManifestLocation } from '../../errors.js';
import type { KubeObject } from '../types.js';
import type { TypeConfigApiResource } from '../type-config.js';

export type KubeFedScope = 'Cluster' | 'Namespaced';

/** A member cluster: a KubeFedCluster's name, labels and readiness. */
export interface MemberCluster {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** IsClusterReady: a Ready condition with status True (offline clusters are Ready unless stated). */
  ready: boolean;
}

/** The parts of a FederatedTypeConfig the sync controller uses. */
export interface TypeConfig {
  /** metadata.name, e.g. "deployments.apps". */
  name: string;
  targetType: TypeConfigApiResource;
  federatedType: TypeConfigApiResource;
  propagationEnabled: boolean;
}

/** A Federated<Kind> object read from the input, with its type config and where it came from. */
export interface FederatedObject {
  object: KubeObject;
  typeConfig: TypeConfig;
  location: ManifestLocation;
}

export interface ReplicaSchedulingPreference {
  object: KubeObject;
  location: ManifestLocation;
}

/** KubeFedConfig fields the controllers read (webhook defaults when absent). */
export interface KubeFedSettings {
  scope: KubeFedScope;
  /** spec.syncController.adoptResources: Enabled (the default) or Disabled. */
  adoptResources: boolean;
  /** The SchedulerPreferences feature gate (on by default): RSPs are acted upon. */
  schedulerPreferences: boolean;
}

export interface PreviewInputs {
  /** Every federated object (FederatedNamespaces included), in input order. */
  federated: FederatedObject[];
  replicaSchedulingPreferences: ReplicaSchedulingPreference[];
  clusters: MemberCluster[];
  settings: KubeFedSettings;
  /** The KubeFed system namespace (KubeFedConfig's namespace, or --kubefed-namespace). */
  kubefedNamespace: string;
}

/** The member object KubeFed addresses for a federated object in one cluster. */
export interface TargetRef {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name from the FederatedTypeConfig. */
  resource: string;
  /** "" for cluster-scoped targets. */
  namespace: string;
  name: string;
}

/** What a member cluster holds for a target, as an unfiltered GET returns it. */
export interface LiveState {
  /** The member object, or null when the GET found nothing. */
  object: KubeObject | null;
  /** The PropagatedVersion's recorded version for this cluster ("gen:N" or "rv:X"), if any. */
  recordedVersion?: string | undefined;
  /** The object is the host cluster's own Namespace (same UID): KubeFed adopts it and never deletes it. */
  isHostNamespace?: boolean | undefined;
}

/** Live state per (cluster, target); undefined means "not known": the offline answer (create). */
export type LiveLookup = (cluster: string, target: TargetRef) => LiveState | undefined;

export interface PreviewOptions {
  /** --scope: overrides the KubeFedConfig's scope. */
  scope?: KubeFedScope | undefined;
  /** --simulate-rsp: apply ReplicaSchedulingPreferences to their targets before placing them. */
  simulateRsp?: boolean | undefined;
  /** --live: member objects; without it every placed object is a `create`. */
  live?: LiveLookup | undefined;
}

export const PREVIEW_ACTIONS = [
  'create',
  'update',
  'unchanged',
  'adopt',
  'conflict:AlreadyExists',
  'refused:ManagedLabelFalse',
  'delete',
  'unlabel',
  'skip:NotReady',
] as const;
export type PreviewAction = (typeof PREVIEW_ACTIONS)[number];

/** KubeFed's propagation status reasons that mean "KubeFed fails here" (sync/status/status.go). */
export type KubeFedFailureReason =
  'ComputePlacementFailed' | 'ComputeResourceFailed' | 'ApplyOverridesFailed' | 'FieldRetentionFailed' | 'ManagedLabelFalse' | 'AlreadyExists';

export interface SourceRef {
  kind: string;
  /** "" for cluster-scoped federated objects. */
  namespace: string;
  name: string;
}

export interface PreviewItem {
  action: PreviewAction;
  source: SourceRef;
  /** What KubeFed writes (create/update/adopt/unchanged: the desired object; unlabel: the object without the label); else null. */
  object: KubeObject | null;
  warnings: string[];
}

export interface PreviewClusterResult {
  name: string;
  ready: boolean;
  items: PreviewItem[];
}

export interface PreviewError {
  source: SourceRef;
  /** null when the whole object fails (ComputePlacementFailed). */
  cluster: string | null;
  reason: KubeFedFailureReason;
  message: string;
}

/** Why an object lands or not in each cluster (for --explain). */
export interface Explanation {
  source: SourceRef;
  location: ManifestLocation;
  /** Object-level facts: ignored objects, RSP rewrites, overrides for unplaced clusters... */
  notes: string[];
  clusters: Array<{ cluster: string; verdict: string; reason: string }>;
}

export interface PreviewResult {
  /** Sorted by name; items in input order. */
  clusters: PreviewClusterResult[];
  errors: PreviewError[];
  explanations: Explanation[];
  /** Things worth a line on stderr that are not KubeFed failures (e.g. an RSP that was not simulated). */
  warnings: string[];
}

export function sourceRef(object: KubeObject): SourceRef {
  return { kind: object.kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '' };
}

export function describeSource(source: SourceRef): string {
  return `${source.kind} ${source.namespace === '' ? source.name : `${source.namespace}/${source.name}`}`;
}

/** A failure KubeFed itself would record; becomes an entry of PreviewResult.errors. */
export class KubeFedFailure extends Error {
  readonly reason: KubeFedFailureReason;
  constructor(reason: KubeFedFailureReason, message: string) {
    super(message);
    this.name = 'KubeFedFailure';
    this.reason = reason;
  }
}
