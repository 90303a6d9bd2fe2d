// Plain object → Federated<Kind> wrapper, as the Go tool's FederatedResourceFromTargetResource
// does it, with one deliberate fix: headless Services keep `clusterIP: None`.

import { FEDERATED_GROUP, FEDERATED_VERSION } from './constants.js';
import { OperationError } from '../errors.js';
import { sortKeysDeep } from './json.js';
import type { Operation } from './plan.js';
import { type KubeObject, isPlainObject, joinApiVersion, objectRef } from './types.js';

/** The federated type an object is wrapped in (from a FederatedTypeConfig, or the defaults). */
export interface FederatedType {
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
}

export interface Placement {
  /** placement.clusters; when set KubeFed ignores any selector. */
  clusters?: readonly string[] | undefined;
  /** placement.clusterSelector.matchLabels; {} selects every joined cluster. */
  matchLabels?: Readonly<Record<string, string>> | undefined;
}

export interface FederateResult {
  object: KubeObject;
  warnings: string[];
}

/**
 * The federated type the Go tool derives without a FederatedTypeConfig: Federated<Kind> in
 * types.kubefed.io/v1beta1. A Namespace is namespaced as a federated type (it contains itself).
 */
export function defaultFederatedType(targetKind: string, targetNamespaced: boolean): FederatedType {
  return {
    group: FEDERATED_GROUP,
    version: FEDERATED_VERSION,
    kind: `Federated${targetKind}`,
    namespaced: targetKind === 'Namespace' ? true : targetNamespaced,
  };
}

export interface FederateObjectOptions {
  /**
   * The caller hands the target over (offline federate: freshly parsed, never read again), so
   * it becomes the template without a copy. Otherwise the target is left untouched.
   */
  consumeTarget?: boolean;
  /**
   * --annotations=overrides: the member clusters whose spec.overrides carry the target's
   * annotations (KubeFed strips annotations from the template). Undefined: they are dropped with
   * a warning, as the Go tool does.
   */
  annotationClusters?: readonly string[] | undefined;
  /** The drop warning names --annotations=overrides (not where the flag does not exist: --krm). Default true. */
  suggestAnnotationsFlag?: boolean | undefined;
}

/** --annotations: drop them with a warning (the Go tool's behaviour) or keep them as overrides. */
export const ANNOTATIONS_MODES = ['drop', 'overrides'] as const;
export type AnnotationsMode = (typeof ANNOTATIONS_MODES)[number];

/**
 * Annotations the source cluster's own tools and controllers write, which are not the object's
 * to carry to other clusters: kubectl apply's record of the host object, and the Deployment
 * controller's revision counter (written back every sync, it would fight the member's controller).
 */
const SOURCE_CLUSTER_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision']);

/**
 * spec.overrides that give every cluster the annotations as ONE whole value at /metadata/annotations
 * with op "add". Why this form (KubeFed v0.10.0, pkg/controller/sync/dispatch/managed.go and
 * retain.go): on create the member object is the template with metadata.annotations removed, so a
 * per-key path (/metadata/annotations/foo) has no parent and the JSON patch fails
 * (ApplyOverridesFailed); on update KubeFed first copies the member's annotations over, where "add"
 * of the whole map replaces them, and "replace" (the default op) would fail on create. So "add" of
 * the whole map is the one form that works on both. Its limit: the member's own annotations are
 * replaced by these on every update.
 */
export function annotationOverrides(annotations: Readonly<Record<string, string>>, clusters: readonly string[]): Array<Record<string, unknown>> {
  const value: Record<string, string> = {};
  for (const key of Object.keys(annotations).sort()) if (!SOURCE_CLUSTER_ANNOTATIONS.has(key)) value[key] = annotations[key]!;
  if (Object.keys(value).length === 0) return [];
  return [...clusters].sort().map((clusterName) => ({ clusterName, clusterOverrides: [{ op: 'add', path: '/metadata/annotations', value: { ...value } }] }));
}

export function federateObject(
  target: KubeObject,
  federatedType: FederatedType,
  placement: Placement = {},
  options: FederateObjectOptions = {},
): FederateResult {
  const warnings: string[] = [];
  // Everything read from the target is read before the template (maybe the target itself) is stripped.
  const { kind, metadata: targetMetadata } = target;
  const annotations = targetMetadata.annotations;
  const hasAnnotations = annotations !== undefined && Object.keys(annotations).length > 0;
  const annotationClusters = options.annotationClusters;
  // Read before the target (maybe the template itself) is stripped.
  const overrides = hasAnnotations && annotationClusters !== undefined ? annotationOverrides(annotations, annotationClusters) : [];
  if (hasAnnotations && annotationClusters === undefined) {
    warnings.push(
      `Annotations defined for ${kind} "${objectRef(target)}" will not appear in the template of the federated resource: ${formatGoMap(annotations)}${options.suggestAnnotationsFlag === false ? '' : ' (--annotations=overrides keeps them as per-cluster overrides)'}`,
    );
  }
  const labels = targetMetadata.labels;
  const metadata: KubeObject['metadata'] = { name: targetMetadata.name! };
  if (federatedType.namespaced) {
    const namespace = kind === 'Namespace' ? targetMetadata.name : targetMetadata.namespace;
    if (namespace) metadata.namespace = namespace;
  }

  const template = (options.consumeTarget ? target : cloneJson(target)) as Record<string, unknown>;
  removeUnwantedFields(kind, template);
  delete template.apiVersion;
  delete template.kind;
  delete template.status;
  delete template.metadata;
  if (labels && Object.keys(labels).length > 0) template.metadata = { labels: { ...labels } };

  return {
    object: {
      apiVersion: joinApiVersion(federatedType.group, federatedType.version),
      kind: federatedType.kind,
      metadata,
      spec: { placement: placementSpec(placement), template, ...(overrides.length > 0 ? { overrides } : {}) },
    },
    warnings,
  };
}

function placementSpec(placement: Placement): Record<string, unknown> {
  if (placement.clusters !== undefined) return { clusters: placement.clusters.map((name) => ({ name })) };
  return { clusterSelector: { matchLabels: { ...(placement.matchLabels ?? {}) } } };
}

/** Fields the member cluster assigns itself, which would make propagation fail or fight. */
export function removeUnwantedFields(targetKind: string, object: Record<string, unknown>): void {
  const spec = isPlainObject(object.spec) ? object.spec : undefined;
  switch (targetKind) {
    case 'Namespace':
      if (spec) delete spec.finalizers;
      break;
    case 'ServiceAccount':
      delete object.secrets;
      break;
    case 'Service': {
      if (!spec) break;
      if (Array.isArray(spec.ports)) {
        for (const port of spec.ports) if (isPlainObject(port)) delete port.nodePort;
      }
      // A headless Service is defined by clusterIP None; dropping it (as the Go tool does) turns it
      // into a ClusterIP Service in every member cluster.
      if (!isHeadless(spec)) {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      }
      break;
    }
    default:
      break;
  }
}

function isHeadless(spec: Record<string, unknown>): boolean {
  return spec.clusterIP === 'None' || (Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === 'None');
}

/** Go's fmt %v of a map[string]string: keys sorted, `map[k:v k2:v2]`. */
function formatGoMap(map: Record<string, string>): string {
  return `map[${Object.keys(map)
    .sort()
    .map((key) => `${key}:${map[key]}`)
    .join(' ')}]`;
}

/** A deep copy of JSON data (what manifests and API objects are); much faster than structuredClone. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = cloneJson((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** A federated type as the API serves it: the FederatedType plus its plural resource name. */
export interface ServedFederatedType extends FederatedType {
  pluralName: string;
}

export interface FederatedWritesPlan {
  operations: Operation[];
  /** Objects that exist already while --error-on-existing forbids updating them. */
  conflicts: OperationError[];
}

/**
 * create, update or unchanged for each federated object, from what exists (keyed by
 * `namespace/name`). A re-run converges: an existing object whose spec matches is left alone.
 */
export function planFederatedWrites(
  federatedType: ServedFederatedType,
  objects: readonly KubeObject[],
  existing: ReadonlyMap<string, KubeObject>,
  options: { errorOnExisting: boolean; retryCreateWhileNotServedMs: number },
): FederatedWritesPlan {
  const gvr = { group: federatedType.group, version: federatedType.version, resource: federatedType.pluralName };
  const operations: Operation[] = [];
  const conflicts: OperationError[] = [];
  for (const object of objects) {
    const name = object.metadata.name!;
    const namespace = object.metadata.namespace;
    const ref = `${federatedType.kind.toLowerCase()}.${gvr.group}/${name}`;
    const shown = `"${namespace ? `${namespace}/` : ''}${name}"`;
    const current = existing.get(`${namespace ?? ''}/${name}`);
    if (!current) {
      operations.push({
        verb: 'create',
        cluster: 'host',
        gvr,
        object,
        retryWhileNotServedMs: options.retryCreateWhileNotServedMs,
        messages: { done: `${ref} created`, failure: `Error creating federated resource ${shown}` },
      });
    } else if (options.errorOnExisting) {
      conflicts.push(
        new OperationError('ALREADY_EXISTS', `Error creating federated resource ${shown}: ${gvr.resource}.${gvr.group} "${name}" already exists`, {
          hint: 'Re-run without --error-on-existing to update it.',
        }),
      );
    } else if (JSON.stringify(sortKeysDeep(current.spec)) === JSON.stringify(sortKeysDeep(object.spec))) {
      // The server returns keys sorted; compare content, not key order.
      operations.push({ verb: 'unchanged', cluster: 'host', gvr, name, namespace, messages: { done: `${ref} unchanged` } });
    } else {
      operations.push({
        verb: 'update',
        cluster: 'host',
        gvr,
        object: { ...current, spec: object.spec },
        messages: { done: `${ref} updated`, failure: `Error updating federated resource ${shown}` },
      });
    }
  }
  return { operations, conflicts };
}
