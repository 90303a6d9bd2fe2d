// Offline federate: parsed manifests in, federated objects out, all or nothing.

import { type ManifestSource, parseManifests } from './manifest.js';
import { type FederateObjectOptions, type Placement, defaultFederatedType, federateObject } from './federate.js';
import type { KubeObject } from './types.js';

export interface FederateManifestsResult {
  objects: KubeObject[];
  warnings: string[];
}

/** The annotation that makes an object a Helm hook (pre-install Jobs, test Pods...). */
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';

/**
 * --passthrough-kinds: a kind ("Namespace", any case) or a group-qualified kind
 * ("CustomResourceDefinition.apiextensions.k8s.io") matches objects that stay as they are;
 * --passthrough-helm-hooks adds objects annotated helm.sh/hook (Helm finds hooks by that
 * annotation in the post-renderer's output: a federated hook would become a plain resource).
 */
export function passthroughMatcher(kinds: readonly string[], options: { helmHooks?: boolean } = {}): (object: KubeObject) => boolean {
  const wanted = new Set(kinds.map((k) => k.toLowerCase()));
  const helmHooks = options.helmHooks === true;
  if (wanted.size === 0 && !helmHooks) return () => false;
  return (object) => {
    if (helmHooks && object.metadata.annotations?.[HELM_HOOK_ANNOTATION] !== undefined) return true;
    const kind = object.kind.toLowerCase();
    const slash = object.apiVersion.indexOf('/');
    const group = slash < 0 ? '' : object.apiVersion.slice(0, slash).toLowerCase();
    return wanted.has(kind) || (group !== '' && wanted.has(`${kind}.${group}`));
  };
}

/**
 * Every source is parsed before anything is produced, so an invalid document anywhere means no
 * output at all. Offline there is no discovery: like the Go tool, an object is namespaced when it
 * carries metadata.namespace.
 */
export function federateManifests(
  sources: readonly ManifestSource[],
  placement: Placement = {},
  passthrough: (object: KubeObject) => boolean = () => false,
  options: Pick<FederateObjectOptions, 'annotationClusters'> = {},
): FederateManifestsResult {
  const parsed = sources.flatMap((source) => parseManifests(source));
  const objects: KubeObject[] = [];
  const warnings: string[] = [];
  for (const { object } of parsed) {
    if (passthrough(object)) {
      objects.push(object);
      continue;
    }
    const namespaced = typeof object.metadata.namespace === 'string' && object.metadata.namespace !== '';
    // The parsed objects are ours alone: the federated templates can reuse them instead of copies.
    const result = federateObject(object, defaultFederatedType(object.kind, namespaced), placement, {
      consumeTarget: true,
      annotationClusters: options.annotationClusters,
    });
    objects.push(result.object);
    warnings.push(...result.warnings);
  }
  return { objects, warnings };
}
