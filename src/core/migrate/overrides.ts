// KubeFed overrides as Karmada plaintext overriders. KubeFed applies each cluster's overrides with
// evanphx/json-patch v4 (preview engine: getOverrides, applyClusterOverrides); Karmada applies
// plaintext overriders with v5, whose object lookup fails on a missing key. Each operation is
// replayed on the template with v4 and checked with v5: when v5 gives the same document, the
// operation is kept; a `replace` that v5 refuses but `add` reproduces becomes `add`; anything
// else is reported, never guessed.

import { cloneJson } from '../federate.js';
import { JsonPatchError, applyJsonPatch, jsonValuesEqual } from '../json-patch.js';
import type { FederatedObject } from '../preview/model.js';
import { type ClusterOverride, OverridesError, applyClusterOverrides, getOverrides } from '../preview/overrides.js';
import { type KubeObject, isPlainObject } from '../types.js';
import type { FindingSink } from './model.js';

/** One Karmada plaintext overrider. `value` absent: Karmada sends null, as KubeFed did. */
export interface PlaintextOverrider {
  path: string;
  operator: 'add' | 'remove' | 'replace';
  value?: unknown;
}

export interface ClusterRule {
  /** The KubeFed cluster name (renamed when printed). */
  cluster: string;
  plaintext: PlaintextOverrider[];
}

export interface ConvertedOverrides {
  rules: ClusterRule[];
  /** Placed clusters where KubeFed itself fails to apply the overrides (it propagates nothing there). */
  failingClusters: string[];
  /** getOverrides refused the whole spec.overrides: KubeFed propagates the object nowhere. */
  invalid: boolean;
}

export interface ConvertOverridesContext {
  federated: FederatedObject;
  /** What KubeFed patches in each cluster (ObjectForCluster). */
  kubefedObject: KubeObject;
  /** What Karmada patches: the resource template as migrate writes it. */
  karmadaTemplate: KubeObject;
  /** Whether the object is placed in a cluster: true, false, or undefined when it cannot be told offline. */
  isPlaced: (cluster: string) => boolean | undefined;
  /** An RSP rewrites /spec/replicas of every cluster: those overrides are dropped. */
  dropReplicaOverrides: boolean;
  findings: FindingSink;
}

const REPLICAS_PATH = '/spec/replicas';

export function convertOverrides(context: ConvertOverridesContext): ConvertedOverrides {
  const { federated, findings } = context;
  const result: ConvertedOverrides = { rules: [], failingClusters: [], invalid: false };
  let overrides: Map<string, ClusterOverride[]>;
  try {
    overrides = getOverrides(federated.object);
  } catch (error) {
    if (!(error instanceof OverridesError)) throw error;
    findings.error(
      'OVERRIDES_INVALID',
      'spec.overrides',
      `KubeFed refuses these overrides (${error.message}) and so propagates the object to no cluster (ApplyOverridesFailed). Fix spec.overrides first; with --allow-lossy the object is migrated as placed nowhere.`,
    );
    return { ...result, invalid: true };
  }
  const indexOf = overrideIndexes(federated.object);
  let annotationsWarned = false;
  for (const cluster of [...overrides.keys()].sort()) {
    const field = `spec.overrides[${indexOf.get(cluster) ?? 0}]`;
    let operations = overrides.get(cluster) ?? [];
    const placed = cluster === '' ? false : context.isPlaced(cluster);
    if (context.dropReplicaOverrides && operations.some(({ path }) => path === REPLICAS_PATH)) {
      findings.info(
        'RSP_REPLICAS_OVERRIDE_DROPPED',
        `${field}.clusterOverrides`,
        `the /spec/replicas override of cluster ${cluster} is the ReplicaSchedulingPreference's; Karmada divides the replicas itself (see replicaScheduling)`,
      );
      operations = operations.filter(({ path }) => path !== REPLICAS_PATH);
    }
    if (operations.length === 0) continue;
    if (cluster === '') {
      findings.info('OVERRIDE_FOR_NO_CLUSTER', field, 'overrides without a clusterName apply to no cluster in KubeFed; they are not migrated');
      continue;
    }
    if (!annotationsWarned && operations.some(({ path }) => path === '/metadata/annotations' || path.startsWith('/metadata/annotations/'))) {
      annotationsWarned = true;
      findings.warning(
        'OVERRIDE_ANNOTATIONS_LIVE',
        `${field}.clusterOverrides`,
        'KubeFed applied /metadata/annotations overrides to the live annotations of the member object (it keeps them on update); Karmada applies them to the template, whose annotations KubeFed never propagated. Check the annotations Karmada will write.',
      );
    }
    // Where the object is not placed KubeFed never applies the overrides: a failure there is no error.
    const sink = placed === false ? findings.scratch() : findings;
    const converted = convertClusterOperations({ ...context, findings: sink }, cluster, operations, field);
    if (converted === undefined) {
      if (placed === false) {
        const reason = sink.findings.find(({ severity }) => severity === 'error')?.message ?? '';
        findings.info('OVERRIDE_UNPLACED_CLUSTER_FAILS', field, `the object is not placed in cluster ${cluster}, whose overrides are not migrated: ${reason}`);
      } else {
        result.failingClusters.push(cluster);
      }
      continue;
    }
    if (sink !== findings) findings.absorb(sink);
    if (placed === false)
      findings.info(
        'OVERRIDE_UNPLACED_CLUSTER',
        field,
        `the object is not placed in cluster ${cluster}; its overrides are kept, as KubeFed keeps them, and act if the placement changes`,
      );
    result.rules.push({ cluster, plaintext: converted });
  }
  return result;
}

/** clusterName → index in spec.overrides (getOverrides has checked that names are unique). */
function overrideIndexes(object: KubeObject): Map<string, number> {
  const indexes = new Map<string, number>();
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const list = Array.isArray(spec.overrides) ? spec.overrides : [];
  list.forEach((item, index) => {
    const name = isPlainObject(item) && typeof item.clusterName === 'string' ? item.clusterName : '';
    indexes.set(name, index);
  });
  return indexes;
}

/** The overriders for one cluster, or undefined when KubeFed fails there or v5 cannot say the same. */
function convertClusterOperations(
  context: ConvertOverridesContext,
  cluster: string,
  operations: readonly ClusterOverride[],
  field: string,
): PlaintextOverrider[] | undefined {
  const { findings } = context;
  // KubeFed's own verdict, on the object it patches (decoding included).
  try {
    applyClusterOverrides(context.kubefedObject, operations);
  } catch (error) {
    if (!(error instanceof OverridesError)) throw error;
    findings.error(
      'OVERRIDE_FAILS_IN_KUBEFED',
      `${field}.clusterOverrides`,
      `KubeFed cannot apply the overrides of cluster ${cluster} (${error.message}), so it propagates nothing there (ApplyOverridesFailed). Fix the override; with --allow-lossy cluster ${cluster} is excluded from the placement.`,
    );
    return undefined;
  }
  const plaintext: PlaintextOverrider[] = [];
  let state: unknown = cloneJson(context.karmadaTemplate);
  for (const [index, override] of operations.entries()) {
    const at = `${field}.clusterOverrides[${index}]`;
    const op = override.op === undefined || override.op === '' ? 'replace' : (override.op as PlaintextOverrider['operator']);
    if (!override.path.startsWith('/') && override.path !== '') {
      findings.warning(
        'OVERRIDE_PATH_WITHOUT_SLASH',
        `${at}.path`,
        `path ${JSON.stringify(override.path)} has no leading "/": both KubeFed and Karmada drop its first segment and patch ${JSON.stringify(`/${override.path.split('/').slice(1).join('/')}`)}; kept as is`,
      );
    }
    const operation = { op, path: override.path, ...(override.value === undefined ? {} : { value: override.value }) };
    let expected: unknown;
    try {
      expected = applyJsonPatch(state, [operation], { mode: 'v4' });
    } catch (error) {
      if (!(error instanceof JsonPatchError)) throw error;
      findings.error(
        'OVERRIDE_FAILS_ON_TEMPLATE',
        `${at}`,
        `the override fails on the Karmada template (${error.message}); with --allow-lossy cluster ${cluster} is excluded from the placement`,
      );
      return undefined;
    }
    let operator: PlaintextOverrider['operator'] = op;
    if (!sameUnderV5(state, operator, operation, expected)) {
      if (op === 'replace' && sameUnderV5(state, 'add', operation, expected)) {
        operator = 'add';
        findings.info(
          'REPLACE_BECOMES_ADD',
          `${at}.op`,
          `replace of ${override.path}, which the template does not have: KubeFed (json-patch v4) adds it, Karmada (v5) would fail, so the overrider is an add`,
        );
      } else {
        findings.error(
          'OVERRIDE_NOT_EQUIVALENT',
          `${at}`,
          `Karmada's json-patch v5 does not reproduce what KubeFed's v4 does for ${op} ${override.path}; rewrite the override (with --allow-lossy cluster ${cluster} is excluded from the placement)`,
        );
        return undefined;
      }
    }
    plaintext.push({ path: override.path, operator, ...(operator === 'remove' || override.value === undefined ? {} : { value: override.value }) });
    state = expected;
  }
  const template = context.karmadaTemplate;
  const patched = state as KubeObject;
  const identity = (object: KubeObject) => [object?.apiVersion, object?.kind, object?.metadata?.name, object?.metadata?.namespace ?? ''].join('\n');
  if (!isPlainObject(patched) || identity(patched) !== identity(template)) {
    findings.error(
      'OVERRIDE_CHANGES_IDENTITY',
      `${field}.clusterOverrides`,
      `the overrides of cluster ${cluster} change the object's apiVersion, kind, name or namespace; Karmada tracks member objects by the template's identity. Rewrite them (with --allow-lossy cluster ${cluster} is excluded from the placement).`,
    );
    return undefined;
  }
  return plaintext;
}

/** Karmada's applyJSONPatch for one overrider: the value is always sent (null when absent). */
function karmadaPatchOperation(overrider: PlaintextOverrider): { op: string; path: string; value: unknown } {
  return { op: overrider.operator, path: overrider.path, value: overrider.value ?? null };
}

function sameUnderV5(state: unknown, operator: PlaintextOverrider['operator'], operation: { path: string; value?: unknown }, expected: unknown): boolean {
  try {
    const result = applyJsonPatch(
      state,
      [karmadaPatchOperation({ path: operation.path, operator, ...(operation.value === undefined ? {} : { value: operation.value }) })],
      { mode: 'v5' },
    );
    return jsonValuesEqual(result, expected);
  } catch (error) {
    if (error instanceof JsonPatchError) return false;
    throw error;
  }
}
