// The write plans of `enable` (CreateResources) and `disable` (DisableFederation), from what the
// host cluster holds. Pure: run/type-resources.ts and run/disable.ts read, these decide, the
// applier applies.

import { isDeepStrictEqual } from 'node:util';
import { InternalError } from '../errors.js';
import { GVR } from './gvr.js';
import type { Operation } from './plan.js';
import { federatedCrdName, typeConfigApiResource } from './type-config.js';
import { type GroupVersionResource, type JsonValue, type KubeObject, isPlainObject } from './types.js';

/** The names kubectl prints for the two kinds (`<resource>.<group>/<name>`). */
const CRD_RESOURCE_NAME = 'customresourcedefinition.apiextensions.k8s.io';
const FTC_RESOURCE_NAME = 'federatedtypeconfig.core.kubefed.io';

export interface EnableState {
  namespace: string;
  existingCrd: KubeObject | undefined;
  existingTypeConfig: KubeObject | undefined;
}

/**
 * The writes of CreateResources: the CRD is created, or its spec replaced (PUT, keeping the
 * resourceVersion); then the FederatedTypeConfig is created, or merge-patched to the new spec.
 * `result` is the line the Go tool prints once the write succeeded.
 */
export function planEnableWrites(state: EnableState, desired: { crd: KubeObject; typeConfig: KubeObject }): Operation[] {
  const crdName = desired.crd.metadata.name ?? '';
  const configName = desired.typeConfig.metadata.name ?? '';
  const writes: Operation[] = [];
  if (state.existingCrd === undefined) {
    writes.push({
      verb: 'create',
      cluster: 'host',
      gvr: GVR.customResourceDefinitions,
      object: desired.crd,
      messages: { done: `${CRD_RESOURCE_NAME}/${crdName} created`, failure: `Error creating CRD "${crdName}"` },
    });
  } else {
    const updated: KubeObject = { ...structuredClone(state.existingCrd), spec: structuredClone(desired.crd.spec) };
    writes.push({
      verb: 'update',
      cluster: 'host',
      gvr: GVR.customResourceDefinitions,
      object: updated,
      messages: { done: `${CRD_RESOURCE_NAME}/${crdName} updated`, failure: `Error updating CRD "${crdName}"` },
    });
  }
  if (state.existingTypeConfig === undefined) {
    const typeConfig: KubeObject = { ...structuredClone(desired.typeConfig), metadata: { ...desired.typeConfig.metadata, namespace: state.namespace } };
    writes.push({
      verb: 'create',
      cluster: 'host',
      gvr: GVR.federatedTypeConfigs,
      object: typeConfig,
      messages: {
        done: `${FTC_RESOURCE_NAME}/${configName} created in namespace ${state.namespace}`,
        failure: `Error creating FederatedTypeConfig "${configName}"`,
      },
    });
  } else {
    const specPatch = createMergePatch(state.existingTypeConfig.spec ?? null, desired.typeConfig.spec ?? null);
    writes.push({
      verb: 'patch',
      cluster: 'host',
      gvr: GVR.federatedTypeConfigs,
      name: configName,
      namespace: state.namespace,
      patch: specPatch === undefined ? {} : { spec: specPatch },
      messages: {
        done: `${FTC_RESOURCE_NAME}/${configName} updated in namespace ${state.namespace}`,
        failure: `Error updating FederatedTypeConfig "${configName}"`,
      },
    });
  }
  return writes;
}

/**
 * RFC 7386 merge patch turning `original` into `modified` (what controller-runtime's MergeFrom
 * sends); undefined when they are equal.
 */
export function createMergePatch(original: unknown, modified: unknown): JsonValue | undefined {
  if (isPlainObject(original) && isPlainObject(modified)) {
    const patch: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(modified)) {
      if (!Object.hasOwn(original, key)) patch[key] = value as JsonValue;
      else {
        const nested = createMergePatch(original[key], value);
        if (nested !== undefined) patch[key] = nested;
      }
    }
    for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) patch[key] = null;
    return Object.keys(patch).length > 0 ? patch : undefined;
  }
  return isDeepStrictEqual(original, modified) ? undefined : (modified as JsonValue);
}

// ---------------------------------------------------------------------------------------------
// disable (DisableFederation)

/** The federated type a FederatedTypeConfig (existing or regenerated) names, as disable needs it. */
export interface FederatedTypeRef {
  gvr: GroupVersionResource;
  crdName: string;
}

export function federatedTypeRef(typeConfig: KubeObject): FederatedTypeRef {
  const federatedType = typeConfigApiResource(typeConfig, 'federatedType');
  return {
    gvr: { group: federatedType.group, version: federatedType.version, resource: federatedType.pluralName },
    crdName: federatedCrdName(federatedType),
  };
}

export interface DisableState {
  namespace: string;
  name: string;
  /** The FederatedTypeConfig as read, undefined when it does not exist. */
  typeConfig: KubeObject | undefined;
  deleteCrd: boolean;
  /** When the FederatedTypeConfig is gone but --delete-crd was given: the type config regenerated from discovery. */
  regeneratedTypeConfig?: KubeObject | undefined;
  /** How long to wait for the propagation controller to stop. */
  timeoutMs: number;
}

/** `"<namespace>/<name>"` as the Go tool prints a FederatedTypeConfig's QualifiedName with %q. */
export function quotedTypeConfigRef(namespace: string, name: string): string {
  return JSON.stringify(namespace ? `${namespace}/${name}` : name);
}

/**
 * DisableFederation's plan: refuse while federated objects exist, disable propagation, wait for
 * the controller to stop, refuse again (instances may have appeared meanwhile), delete the CRD
 * (before the FederatedTypeConfig), delete the config.
 */
export function planDisable(state: DisableState): Operation[] {
  const operations: Operation[] = [];
  const ref = quotedTypeConfigRef(state.namespace, state.name);
  const existing = state.typeConfig;
  const refuseIfInstances = (federatedType: FederatedTypeRef): Operation => ({
    verb: 'refuse-if-any',
    cluster: 'host',
    gvr: federatedType.gvr,
    error: federatedInstancesExist(federatedType.crdName),
    messages: { failure: `Error listing ${federatedType.crdName} to check that none exist` },
  });
  if (existing !== undefined) {
    if (state.deleteCrd) operations.push(refuseIfInstances(federatedTypeRef(existing)));
    if (isPlainObject(existing.spec) && existing.spec.propagation === 'Enabled') {
      operations.push({
        verb: 'patch',
        cluster: 'host',
        gvr: GVR.federatedTypeConfigs,
        name: state.name,
        namespace: state.namespace,
        patch: { spec: { propagation: 'Disabled' } },
        messages: { done: `Disabled propagation for FederatedTypeConfig ${ref}`, failure: `Error disabling propagation for FederatedTypeConfig ${ref}` },
      });
    }
    operations.push({
      verb: 'wait',
      cluster: 'host',
      gvr: GVR.federatedTypeConfigs,
      name: state.name,
      namespace: state.namespace,
      until: 'propagation-stopped',
      timeoutMs: state.timeoutMs,
      description: `the propagation controller of FederatedTypeConfig ${ref} to stop`,
      messages: {
        done: `Propagation controller for FederatedTypeConfig ${ref} is stopped`,
        failure: `Unable to verify propagation controller for FederatedTypeConfig ${ref} is stopped`,
      },
    });
  }
  if (state.deleteCrd) {
    const source = existing ?? state.regeneratedTypeConfig;
    if (source === undefined) throw new InternalError('planDisable: --delete-crd without a FederatedTypeConfig needs the regenerated one');
    const federatedType = federatedTypeRef(source);
    const crd = JSON.stringify(federatedType.crdName);
    operations.push(refuseIfInstances(federatedType));
    operations.push({
      verb: 'delete',
      cluster: 'host',
      gvr: GVR.customResourceDefinitions,
      name: federatedType.crdName,
      messages: {
        done: `customresourcedefinition ${crd} deleted`,
        missing: `customresourcedefinition ${crd} does not exist`,
        failure: `Error deleting crd ${crd}`,
      },
    });
  }
  if (existing !== undefined) {
    operations.push({
      verb: 'delete',
      cluster: 'host',
      gvr: GVR.federatedTypeConfigs,
      name: state.name,
      namespace: state.namespace,
      messages: {
        done: `federatedtypeconfig ${ref} deleted`,
        missing: `federatedtypeconfig ${ref} does not exist`,
        failure: `Error deleting FederatedTypeConfig ${ref}`,
      },
    });
  }
  return operations;
}

/** The refusal of --delete-crd while federated objects of the type exist. */
export function federatedInstancesExist(crdName: string): { code: string; message: string; hint: string } {
  return {
    code: 'FEDERATED_INSTANCES_EXIST',
    message: `Cannot delete CRD "${crdName}" while resource instances exist. Please try kubefedctl disable again after removing the resource instances or without the '--delete-crd' option`,
    hint: `List them with: kubectl get ${crdName} --all-namespaces`,
  };
}
