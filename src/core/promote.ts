// kubefedctl promote, the pure part: which objects a pod template depends on (--dependencies),
// what KubeFed will change in the member object when it adopts it, and whether it adopts at all.
// The verdict comes from the preview engine (core/preview), the one model of what KubeFed
// v0.10.0 writes; this module only reads its answer for the one member cluster.

import { ORPHAN_ANNOTATION } from './constants.js';
import { sortKeysDeep } from './json.js';
import type { PreviewResult, SourceRef } from './preview/model.js';
import { type KubeObject, isPlainObject } from './types.js';

/** An object a pod template names; `optional` ones may be missing (the kubelet accepts that). */
export interface Dependency {
  kind: 'ConfigMap' | 'Secret' | 'ServiceAccount';
  name: string;
  optional: boolean;
}

/** The pod spec of a workload: Pod, the template of Deployment/ReplicaSet/StatefulSet/DaemonSet/Job, or CronJob's. */
export function podSpecOf(object: KubeObject): Record<string, unknown> | undefined {
  const spec = isPlainObject(object.spec) ? object.spec : undefined;
  if (spec === undefined) return undefined;
  if (object.kind === 'Pod') return spec;
  if (object.kind === 'CronJob') {
    const jobTemplate = isPlainObject(spec.jobTemplate) ? spec.jobTemplate : undefined;
    const jobSpec = isPlainObject(jobTemplate?.spec) ? jobTemplate.spec : undefined;
    const template = isPlainObject(jobSpec?.template) ? jobSpec.template : undefined;
    return isPlainObject(template?.spec) ? template.spec : undefined;
  }
  const template = isPlainObject(spec.template) ? spec.template : undefined;
  return isPlainObject(template?.spec) ? template.spec : undefined;
}

/**
 * The ConfigMaps, Secrets and ServiceAccount a pod spec uses: volumes (also projected ones), env
 * and envFrom of every container kind, imagePullSecrets and serviceAccountName. The "default"
 * ServiceAccount is left out: every namespace of every cluster has its own.
 */
export function podSpecDependencies(podSpec: Record<string, unknown>): Dependency[] {
  const found = new Map<string, Dependency>();
  const add = (kind: Dependency['kind'], name: unknown, optional: unknown) => {
    if (typeof name !== 'string' || name === '') return;
    const key = `${kind}/${name}`;
    const isOptional = optional === true;
    const known = found.get(key);
    // Required anywhere means required.
    if (known === undefined) found.set(key, { kind, name, optional: isOptional });
    else if (!isOptional) known.optional = false;
  };
  const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);
  const child = (value: unknown, key: string): Record<string, unknown> | undefined =>
    isPlainObject(value) && isPlainObject(value[key]) ? value[key] : undefined;

  for (const volume of list(podSpec.volumes)) {
    const configMap = child(volume, 'configMap');
    if (configMap) add('ConfigMap', configMap.name, configMap.optional);
    const secret = child(volume, 'secret');
    if (secret) add('Secret', secret.secretName, secret.optional);
    for (const source of list(child(volume, 'projected')?.sources)) {
      const projectedConfigMap = child(source, 'configMap');
      if (projectedConfigMap) add('ConfigMap', projectedConfigMap.name, projectedConfigMap.optional);
      const projectedSecret = child(source, 'secret');
      if (projectedSecret) add('Secret', projectedSecret.name, projectedSecret.optional);
    }
  }
  for (const container of [...list(podSpec.initContainers), ...list(podSpec.containers), ...list(podSpec.ephemeralContainers)]) {
    for (const from of list(container.envFrom)) {
      const configMapRef = child(from, 'configMapRef');
      if (configMapRef) add('ConfigMap', configMapRef.name, configMapRef.optional);
      const secretRef = child(from, 'secretRef');
      if (secretRef) add('Secret', secretRef.name, secretRef.optional);
    }
    for (const variable of list(container.env)) {
      const valueFrom = child(variable, 'valueFrom');
      const configMapKey = child(valueFrom, 'configMapKeyRef');
      if (configMapKey) add('ConfigMap', configMapKey.name, configMapKey.optional);
      const secretKey = child(valueFrom, 'secretKeyRef');
      if (secretKey) add('Secret', secretKey.name, secretKey.optional);
    }
  }
  for (const pullSecret of list(podSpec.imagePullSecrets)) add('Secret', pullSecret.name, false);
  const serviceAccount = typeof podSpec.serviceAccountName === 'string' ? podSpec.serviceAccountName : podSpec.serviceAccount;
  if (serviceAccount !== 'default') add('ServiceAccount', serviceAccount, false);
  return [...found.values()];
}

/** Secrets the API server or a controller owns, which are never promoted (every cluster makes its own). */
export function isServerOwnedSecret(secret: KubeObject): boolean {
  return (secret as { type?: unknown }).type === 'kubernetes.io/service-account-token';
}

/** Metadata the API server sets; a PUT leaves it as it is, so it is no change. */
const SERVER_METADATA = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);

/**
 * What KubeFed's write turns `live` into `desired`, one line per changed leaf (`~ path: a -> b`,
 * `+ path: b`, `- path: a`), status and server-set metadata left out. Empty: nothing changes.
 */
export function describeChanges(live: KubeObject, desired: KubeObject): string[] {
  const lines: string[] = [];
  const show = (value: unknown) => JSON.stringify(sortKeysDeep(value));
  const walk = (before: unknown, after: unknown, path: string) => {
    if (isPlainObject(before) && isPlainObject(after)) {
      for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
        if (path === '' && key === 'status') continue;
        if (path === 'metadata' && SERVER_METADATA.has(key)) continue;
        walk(before[key], after[key], path === '' ? key : `${path}.${key}`);
      }
      return;
    }
    if (show(before) === show(after)) return;
    if (before === undefined) lines.push(`+ ${path}: ${show(after)}`);
    else if (after === undefined) lines.push(`- ${path}: ${show(before)}`);
    else lines.push(`~ ${path}: ${show(before)} -> ${show(after)}`);
  };
  walk(live, desired, '');
  return lines;
}

/** The Federated object as promote creates it: KubeFed orphans the member object if it is deleted (rollback). */
export function withOrphaning(object: KubeObject): KubeObject {
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [ORPHAN_ANNOTATION]: 'true' } } };
}

/** The merge patch that ends the orphaning once a promotion is complete. */
export const END_ORPHANING_PATCH = { metadata: { annotations: { [ORPHAN_ANNOTATION]: null } } } as const;

export type AdoptionVerdict =
  | { ok: true; action: 'adopt' | 'unchanged' | 'update'; changes: string[] }
  | { ok: false; code: 'ADOPTION_DISABLED' | 'UNMANAGED_LABEL' | 'NOT_PLACED' | 'KUBEFED_WOULD_FAIL'; message: string };

/**
 * What KubeFed does with the member object of `source` in `cluster`, read from the preview
 * engine's result (which was given that object as live state). Only an adoption of the running
 * object (or an object already equal) is acceptable: anything else would replace, refuse or
 * miss it.
 */
export function adoptionVerdict(result: PreviewResult, cluster: string, source: SourceRef, live: KubeObject): AdoptionVerdict {
  const same = (candidate: SourceRef) => candidate.kind === source.kind && candidate.namespace === source.namespace && candidate.name === source.name;
  const error = result.errors.find((candidate) => same(candidate.source) && (candidate.cluster === cluster || candidate.cluster === null));
  const item = result.clusters.find((candidate) => candidate.name === cluster)?.items.find((candidate) => same(candidate.source));
  if (item?.action === 'conflict:AlreadyExists') {
    return {
      ok: false,
      code: 'ADOPTION_DISABLED',
      message: 'KubeFed would not adopt it (adoptResources is Disabled in the KubeFedConfig): it would report AlreadyExists and never manage it',
    };
  }
  if (item?.action === 'refused:ManagedLabelFalse') {
    return { ok: false, code: 'UNMANAGED_LABEL', message: 'it carries the label kubefed.io/managed=false, so KubeFed refuses to manage it' };
  }
  if (error !== undefined) return { ok: false, code: 'KUBEFED_WOULD_FAIL', message: `KubeFed would fail: ${error.reason}: ${error.message}` };
  if (item === undefined || item.object === null || (item.action !== 'adopt' && item.action !== 'unchanged' && item.action !== 'update')) {
    const why = result.explanations.find((explanation) => same(explanation.source))?.clusters.find((verdict) => verdict.cluster === cluster);
    return {
      ok: false,
      code: 'NOT_PLACED',
      message: `KubeFed would not place it in cluster "${cluster}"${item ? ` (${item.action})` : ''}${why ? `: ${why.verdict}, ${why.reason}` : ''}`,
    };
  }
  return { ok: true, action: item.action, changes: describeChanges(live, item.object) };
}
