// Overrides as KubeFed v0.10.0 applies them (pkg/controller/util/overrides.go, managedlabel.go):
// GetOverrides validates the whole spec.overrides once (any problem fails every cluster), then
// each cluster's list is applied as a JSON patch with evanphx/json-patch v4 semantics ("op"
// defaults to "replace", a null value is no value), and the managed label is added last.

import { cloneJson } from '../federate.js';
import { JsonPatchError, applyJsonPatch } from '../json-patch.js';
import { sortKeysDeep } from '../json.js';
import { type KubeObject, isPlainObject } from '../types.js';
import { getLabels, trySetNestedField } from './unstructured.js';

export const MANAGED_LABEL = 'kubefed.io/managed';

export interface ClusterOverride {
  op?: string | undefined;
  path: string;
  value?: unknown;
}

/** clusterName → its overrides, in spec order. */
export type OverridesMap = Map<string, ClusterOverride[]>;

/** GetOverrides' and ApplyJSONPatch's failures (the message is KubeFed's). */
export class OverridesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OverridesError';
  }
}

/** Paths that would break the association between federated and member objects. */
const INVALID_PATHS = new Set(['/metadata/namespace', '/metadata/name', '/metadata/generateName', '/kind']);

/** GetOverrides (after the input layer checked the shape). Throws OverridesError. */
export function getOverrides(federated: KubeObject): OverridesMap {
  const overrides = new Map<string, ClusterOverride[]>();
  const spec = isPlainObject(federated.spec) ? federated.spec : {};
  if (!Array.isArray(spec.overrides)) return overrides;
  for (const item of spec.overrides) {
    const entry = isPlainObject(item) ? item : {};
    const clusterName = typeof entry.clusterName === 'string' ? entry.clusterName : '';
    if (overrides.has(clusterName)) throw new OverridesError(`cluster ${JSON.stringify(clusterName)} appears more than once`);
    const clusterOverrides = (Array.isArray(entry.clusterOverrides) ? entry.clusterOverrides : []).map(readClusterOverride);
    const paths = new Set<string>();
    clusterOverrides.forEach(({ path }, index) => {
      if (INVALID_PATHS.has(path)) throw new OverridesError(`override[${index}] for cluster ${JSON.stringify(clusterName)} has an invalid path: ${path}`);
      if (paths.has(path)) throw new OverridesError(`path ${JSON.stringify(path)} appears more than once for cluster ${JSON.stringify(clusterName)}`);
      paths.add(path);
    });
    overrides.set(clusterName, clusterOverrides);
  }
  return overrides;
}

function readClusterOverride(raw: unknown): ClusterOverride {
  const item = isPlainObject(raw) ? raw : {};
  return {
    op: typeof item.op === 'string' ? item.op : undefined,
    path: typeof item.path === 'string' ? item.path : '',
    ...(item.value === undefined || item.value === null ? {} : { value: item.value }),
  };
}

/**
 * ApplyOverrides for one cluster: ApplyJSONPatch, then AddManagedLabel. Returns a new object;
 * throws OverridesError with the JSON patch library's (or the decoder's) message.
 */
export function applyClusterOverrides(object: KubeObject, overrides: readonly ClusterOverride[] | undefined): KubeObject {
  let patched: KubeObject;
  if (overrides === undefined) {
    patched = cloneJson(object);
  } else {
    const operations = overrides.map((override) => ({
      op: override.op === undefined || override.op === '' ? 'replace' : override.op,
      path: override.path,
      ...(override.value === undefined || override.value === null ? {} : { value: override.value }),
    }));
    let result: unknown;
    try {
      result = applyJsonPatch(object, operations, { mode: 'v4' });
    } catch (error) {
      if (!(error instanceof JsonPatchError)) throw error;
      const crash = error.panic ? ' (evanphx/json-patch v4.12.0 panics here: the KubeFed controller manager would crash)' : '';
      throw new OverridesError(`${error.message}${crash}`);
    }
    patched = decodeUnstructured(result);
  }
  return withManagedLabel(patched);
}

/** Unstructured.UnmarshalJSON of the patched document: an object with a kind. */
function decodeUnstructured(value: unknown): KubeObject {
  if (!isPlainObject(value)) {
    throw new OverridesError(`json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type map[string]interface {}`);
  }
  if (typeof value.kind !== 'string' || value.kind === '') {
    throw new OverridesError(`Object 'Kind' is missing in '${JSON.stringify(sortKeysDeep(value))}'`);
  }
  return value as KubeObject;
}

/** AddManagedLabel (in place): labels that are not a map of strings read as none, so they are replaced. */
export function withManagedLabel(object: KubeObject): KubeObject {
  const labels = { ...(getLabels(object) ?? {}), [MANAGED_LABEL]: 'true' };
  trySetNestedField(object as Record<string, unknown>, labels, 'metadata', 'labels');
  return object;
}
