// Offline federate: parsed manifests in, federated objects out, all or nothing.

import { type ManifestSource, parseManifests } from './manifest.js';
import { type Placement, defaultFederatedType, federateObject } from './federate.js';
import type { KubeObject } from './types.js';

export interface FederateManifestsResult {
  objects: KubeObject[];
  warnings: string[];
}

/**
 * Every source is parsed before anything is produced, so an invalid document anywhere means no
 * output at all. Offline there is no discovery: like the Go tool, an object is namespaced when it
 * carries metadata.namespace.
 */
export function federateManifests(sources: readonly ManifestSource[], placement: Placement = {}): FederateManifestsResult {
  const parsed = sources.flatMap((source) => parseManifests(source));
  const objects: KubeObject[] = [];
  const warnings: string[] = [];
  for (const { object } of parsed) {
    const namespaced = typeof object.metadata.namespace === 'string' && object.metadata.namespace !== '';
    // The parsed objects are ours alone: the federated templates can reuse them instead of copies.
    const result = federateObject(object, defaultFederatedType(object.kind, namespaced), placement, { consumeTarget: true });
    objects.push(result.object);
    warnings.push(...result.warnings);
  }
  return { objects, warnings };
}
