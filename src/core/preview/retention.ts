// What KubeFed v0.10.0 keeps from the member object when it updates one
// (pkg/controller/sync/dispatch/retain.go), and whether it updates at all
// (pkg/controller/util/propagatedversion.go, meta.go). Overrides run after retention, so they
// can still change a retained field.

import { cloneJson } from '../federate.js';
import type { KubeObject } from '../types.js';
import { isPlainObject } from '../types.js';
import { MANAGED_LABEL } from './overrides.js';
import {
  AccessorError,
  getAnnotations,
  getFinalizers,
  getLabels,
  getMetaString,
  lenient,
  nestedBool,
  nestedInt64,
  nestedSlice,
  nestedString,
  nestedStringSlice,
  setMetaField,
  setNestedField,
} from './unstructured.js';

export class RetentionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetentionError';
  }
}

/**
 * RetainClusterFields: returns a copy of `desired` with resourceVersion, finalizers and
 * annotations taken from `live` (labels are not retained), then the Service, ServiceAccount or
 * replicas rules. Throws RetentionError with KubeFed's message ("failed to retain fields: ...").
 */
export function retainClusterFields(targetKind: string, desired: KubeObject, live: KubeObject, federated: KubeObject): KubeObject {
  const result = cloneJson(desired) as KubeObject & Record<string, unknown>;
  setMetaField(result, 'resourceVersion', getMetaString(live, 'resourceVersion'));
  setMetaField(result, 'finalizers', getFinalizers(live));
  setMetaField(result, 'annotations', getAnnotations(live));
  try {
    if (targetKind === 'Service') retainServiceFields(result, live);
    else if (targetKind === 'ServiceAccount') retainServiceAccountFields(result, live);
    else retainReplicas(result, live, federated);
  } catch (error) {
    if (error instanceof AccessorError || error instanceof RetentionError) throw new RetentionError(`failed to retain fields: ${error.message}`);
    throw error;
  }
  return result;
}

function wrapped<T>(context: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof AccessorError) throw new RetentionError(`${context}: ${error.message}`);
    throw error;
  }
}

function retainServiceFields(desired: Record<string, unknown>, live: KubeObject): void {
  // healthCheckNodePort, clusterIP(s) and nodePorts are allocated by the member cluster.
  const healthCheckNodePort = wrapped('Error retrieving healthCheckNodePort from service', () => nestedInt64(live, 'spec', 'healthCheckNodePort'));
  if (healthCheckNodePort.found && healthCheckNodePort.value > 0) {
    wrapped('Error setting healthCheckNodePort for service', () => setNestedField(desired, healthCheckNodePort.value, 'spec', 'healthCheckNodePort'));
  }
  const clusterIP = wrapped('Error retrieving clusterIP from cluster service', () => nestedString(live, 'spec', 'clusterIP'));
  if (clusterIP.found && clusterIP.value !== '') {
    wrapped('Error setting clusterIP for service', () => setNestedField(desired, clusterIP.value, 'spec', 'clusterIP'));
  }
  const clusterIPs = wrapped('Error retrieving clusterIPs from cluster service', () => nestedStringSlice(live, 'spec', 'clusterIPs'));
  if (clusterIPs.found && clusterIPs.value.length > 0) {
    wrapped('Error setting clusterIPs for service', () => setNestedField(desired, clusterIPs.value, 'spec', 'clusterIPs'));
  }
  const livePorts = wrapped('Error retrieving ports from cluster service', () => nestedSlice(live, 'spec', 'ports'));
  if (!livePorts.found) return;
  const desiredPortsField = wrapped('Error retrieving ports from service', () => nestedSlice(desired, 'spec', 'ports'));
  const desiredPorts = desiredPortsField.found ? cloneJson(desiredPortsField.value) : [];
  for (const desiredPort of desiredPorts) {
    for (const livePort of livePorts.value) {
      // retain.go asserts map[string]interface{} on both and panics otherwise.
      if (!isPlainObject(desiredPort) || !isPlainObject(livePort)) {
        throw new RetentionError('interface conversion: interface {} is not map[string]interface {} (the KubeFed controller manager panics here)');
      }
      // Go compares the interface values: a port without protocol does not match a live "TCP".
      if (!(goEqual(desiredPort.name, livePort.name) && goEqual(desiredPort.protocol, livePort.protocol) && goEqual(desiredPort.port, livePort.port))) continue;
      if (Object.hasOwn(livePort, 'nodePort')) desiredPort.nodePort = livePort.nodePort;
    }
  }
  // Set even when the template has no ports: the member Service then gets `ports: []`.
  wrapped('Error setting ports for service', () => setNestedField(desired, desiredPorts, 'spec', 'ports'));
}

/** Go's == on two decoded JSON values held in interface{} (absent reads as nil). */
function goEqual(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

function retainServiceAccountFields(desired: Record<string, unknown>, live: KubeObject): void {
  // Keep the token secrets the member's controller generated, unless the template lists some.
  const desiredSecrets = wrapped('Error retrieving secrets from desired service account', () => nestedSlice(desired, 'secrets'));
  if (desiredSecrets.found && desiredSecrets.value.length > 0) return;
  const secrets = wrapped('Error retrieving secrets from service account', () => nestedSlice(live, 'secrets'));
  if (secrets.found && secrets.value.length > 0) wrapped('Error setting secrets for service account', () => setNestedField(desired, secrets.value, 'secrets'));
}

function retainReplicas(desired: Record<string, unknown>, live: KubeObject, federated: KubeObject): void {
  const retain = nestedBool(federated, 'spec', 'retainReplicas');
  if (!(retain.found && retain.value)) return;
  const replicas = nestedInt64(live, 'spec', 'replicas');
  if (replicas.found) setNestedField(desired, replicas.value, 'spec', 'replicas');
}

// --- managed label and versions ---------------------------------------------------------------

/** HasManagedLabel: the object is in KubeFed's label-filtered cache. */
export function hasManagedLabel(object: KubeObject): boolean {
  return getLabels(object)?.[MANAGED_LABEL] === 'true';
}

/** IsExplicitlyUnmanaged: `kubefed.io/managed: "false"`, which KubeFed refuses to touch. */
export function isExplicitlyUnmanaged(object: KubeObject): boolean {
  return getLabels(object)?.[MANAGED_LABEL] === 'false';
}

/** ObjectVersion: "gen:<generation>" when the generation is set, else "rv:<resourceVersion>". */
export function objectVersion(live: KubeObject): string {
  const generation = lenient(() => nestedInt64(live, 'metadata', 'generation')) ?? 0;
  return generation !== 0 ? `gen:${generation}` : `rv:${getMetaString(live, 'resourceVersion')}`;
}

/**
 * ObjectNeedsUpdate: the member object changed since KubeFed last wrote it (or KubeFed has no
 * record), or, for generation-versioned objects, its name, namespace, labels or annotations differ.
 */
export function objectNeedsUpdate(desired: KubeObject, live: KubeObject, recordedVersion: string | undefined): boolean {
  const targetVersion = objectVersion(live);
  if ((recordedVersion ?? '') !== targetVersion) return true;
  return targetVersion.startsWith('gen:') && !objectMetaEquivalent(desired, live);
}

function objectMetaEquivalent(a: KubeObject, b: KubeObject): boolean {
  if (getMetaString(a, 'name') !== getMetaString(b, 'name') || getMetaString(a, 'namespace') !== getMetaString(b, 'namespace')) return false;
  return stringMapsEquivalent(getLabels(a), getLabels(b)) && stringMapsEquivalent(getAnnotations(a), getAnnotations(b));
}

/** reflect.DeepEqual, or both empty (nil and {} count as the same). */
function stringMapsEquivalent(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const aKeys = Object.keys(a ?? {});
  const bKeys = Object.keys(b ?? {});
  if (aKeys.length === 0 && bKeys.length === 0) return true;
  return a !== undefined && b !== undefined && aKeys.length === bKeys.length && aKeys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
