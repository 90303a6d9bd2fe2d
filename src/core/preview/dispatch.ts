// What the sync controller does for one federated object in one member cluster
// (syncToClusters and the managed dispatcher of KubeFed v0.10.0, pkg/controller/sync): skip a
// cluster that is not Ready, delete (or unlabel) what is no longer placed, create what is missing,
// adopt an unlabelled object unless adoptResources is Disabled, update what KubeFed manages.
// Offline (no live state) every placed object is a create.

import { cloneJson } from '../federate.js';
import type { KubeObject } from '../types.js';
import { type FederatedObject, KubeFedFailure, type KubeFedFailureReason, type LiveState, type MemberCluster, type PreviewAction } from './model.js';
import { objectForCluster } from './object-for-cluster.js';
import { MANAGED_LABEL, type OverridesMap, OverridesError, applyClusterOverrides } from './overrides.js';
import { RetentionError, hasManagedLabel, isExplicitlyUnmanaged, objectNeedsUpdate, retainClusterFields } from './retention.js';
import { getLabels, getMetaString, lenient, nestedField, setMetaField } from './unstructured.js';

export interface DispatchInput {
  federated: FederatedObject;
  /** getOverrides' result for the object, or its error (which fails every cluster that applies overrides). */
  overrides: OverridesMap | OverridesError;
  cluster: MemberCluster;
  selected: boolean;
  /** The member object under the target's name; undefined when live state is not known. */
  live: LiveState | undefined;
  /** Live state under another name, for a create whose overrides renamed the object. */
  liveAt?: ((namespace: string, name: string) => LiveState | undefined) | undefined;
  adoptResources: boolean;
}

export interface Dispatch {
  /** null when KubeFed does nothing in this cluster, or only fails. */
  action: PreviewAction | null;
  object: KubeObject | null;
  warnings: string[];
  failure: { reason: KubeFedFailureReason; message: string } | null;
  /** A few words for --explain when there is no action (e.g. "already being deleted"). */
  note?: string | undefined;
}

const NOTHING: Dispatch = { action: null, object: null, warnings: [], failure: null };

export function dispatchForCluster(input: DispatchInput): Dispatch {
  const { cluster, selected, live } = input;
  if (!cluster.ready) return selected ? { ...NOTHING, action: 'skip:NotReady' } : NOTHING;
  const liveObject = live?.object ?? null;
  // The sync controller only sees member objects through a cache filtered on the managed label.
  const managed = liveObject !== null && hasManagedLabel(liveObject);
  if (!selected) {
    if (!managed) return NOTHING;
    if (lenient(() => nestedField(liveObject, 'metadata', 'deletionTimestamp')) != null)
      return { ...NOTHING, note: 'already being deleted (WaitingForRemoval)' };
    if (isNamespaceInHostCluster(input, live)) return { ...NOTHING, action: 'unlabel', object: withoutManagedLabel(liveObject) };
    return { ...NOTHING, action: 'delete' };
  }
  if (managed) return update(input, liveObject, 'update');

  const warnings: string[] = [];
  const created = tryStep(warnings, () => desiredForCreate(input, warnings));
  if ('failure' in created) return created.failure;
  const { object } = created;
  // POST answers AlreadyExists for the name the overrides left, which may not be the target's.
  const targetNamespaced = input.federated.typeConfig.targetType.scope === 'Namespaced';
  const namespace = targetNamespaced ? getMetaString(object, 'namespace') : '';
  const name = getMetaString(object, 'name');
  const renamed =
    name !== (input.federated.object.metadata.name ?? '') || namespace !== (targetNamespaced ? (input.federated.object.metadata.namespace ?? '') : '');
  const existing = renamed ? input.liveAt?.(namespace, name) : live;
  const existingObject = existing?.object ?? null;
  if (existingObject === null) return { action: 'create', object, warnings, failure: null };
  if (!input.adoptResources && !isNamespaceInHostCluster(input, existing)) {
    return { action: 'conflict:AlreadyExists', object: null, warnings, failure: { reason: 'AlreadyExists', message: 'Resource pre-exist in cluster' } };
  }
  return update({ ...input, live: existing }, existingObject, 'adopt');
}

/** IsNamespaceInHostCluster: only a Namespace target can be the host cluster's own namespace. */
function isNamespaceInHostCluster(input: DispatchInput, state: LiveState | undefined): boolean {
  return input.federated.typeConfig.targetType.kind === 'Namespace' && state?.isHostNamespace === true;
}

function desiredForCreate(input: DispatchInput, warnings: string[]): KubeObject {
  const { object, warnings: templateWarnings } = objectForCluster(input.federated);
  warnings.push(...templateWarnings);
  return overridden(input, object);
}

/** The Update operation: ManagedLabelFalse, ObjectForCluster, RetainClusterFields, ApplyOverrides, ObjectNeedsUpdate. */
function update(input: DispatchInput, live: KubeObject, action: 'update' | 'adopt'): Dispatch {
  if (isExplicitlyUnmanaged(live)) {
    return {
      ...NOTHING,
      action: 'refused:ManagedLabelFalse',
      failure: { reason: 'ManagedLabelFalse', message: `Unable to manage the object which has label ${MANAGED_LABEL}: false` },
    };
  }
  const warnings: string[] = [];
  const result = tryStep(warnings, () => {
    const { object, warnings: templateWarnings } = objectForCluster(input.federated);
    warnings.push(...templateWarnings);
    let retained: KubeObject;
    try {
      retained = retainClusterFields(input.federated.typeConfig.targetType.kind, object, live, input.federated.object);
    } catch (error) {
      if (error instanceof RetentionError) throw new KubeFedFailure('FieldRetentionFailed', error.message);
      throw error;
    }
    return overridden(input, retained);
  });
  if ('failure' in result) return result.failure;
  const needsUpdate = objectNeedsUpdate(result.object, live, input.live?.recordedVersion);
  return { action: needsUpdate ? action : 'unchanged', object: result.object, warnings, failure: null };
}

function overridden(input: DispatchInput, object: KubeObject): KubeObject {
  if (input.overrides instanceof OverridesError)
    throw new KubeFedFailure('ApplyOverridesFailed', `Error reading cluster overrides: ${input.overrides.message}`);
  try {
    return applyClusterOverrides(object, input.overrides.get(input.cluster.name));
  } catch (error) {
    if (error instanceof OverridesError) throw new KubeFedFailure('ApplyOverridesFailed', error.message);
    throw error;
  }
}

function tryStep(warnings: string[], step: () => KubeObject): { object: KubeObject } | { failure: Dispatch } {
  try {
    return { object: step() };
  } catch (error) {
    if (!(error instanceof KubeFedFailure)) throw error;
    return { failure: { action: null, object: null, warnings, failure: { reason: error.reason, message: error.message } } };
  }
}

/** RemoveManagedLabel: what KubeFed writes back to the host cluster's own Namespace. */
function withoutManagedLabel(live: KubeObject): KubeObject {
  const copy = cloneJson(live) as KubeObject & Record<string, unknown>;
  const labels = getLabels(copy);
  if (labels?.[MANAGED_LABEL] === 'true') {
    const rest = { ...labels };
    delete rest[MANAGED_LABEL];
    setMetaField(copy, 'labels', rest);
  }
  return copy;
}
