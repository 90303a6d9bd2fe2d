// Which objects of a namespace `federate namespace NAME --contents` federates, and why it skips
// the rest. Pure: the command lists, this module decides.

import { type ApiResource, type PreferredResourceList, groupQualifiedName, nameMatchesResource } from './api-resources.js';
import { dns1123SubdomainProblems } from './naming.js';
import type { KubeObject } from './types.js';

/** Types the Go tool always skips, plus what clusters create for themselves. */
export const BUILTIN_SKIPPED_TYPES = ['endpoints', 'events', 'events.events.k8s.io', 'propagatedversions.core.kubefed.io'] as const;
export const CONTROLLER_CREATED_TYPES = ['pods', 'endpointslices.discovery.k8s.io', 'leases.coordination.k8s.io', 'controllerrevisions.apps'] as const;

export interface ContentsType {
  resource: ApiResource;
  /** plural.group */
  name: string;
}

/**
 * Candidate types in a deterministic order (core first, then by group and plural), one version
 * each (the newest the server prefers), as the Go tool's GetContainedArtifactsList filters them.
 */
export function namespaceContentTypes(lists: readonly PreferredResourceList[], skip: readonly string[]): ContentsType[] {
  const byName = new Map<string, ApiResource>();
  for (const list of lists) {
    if (list.resources.length === 0) continue;
    if (skip.includes(list.group) || list.group === 'extensions') continue;
    for (const resource of list.resources) {
      if (!resource.namespaced) continue;
      if (resource.verbs && !resource.verbs.includes('list')) continue;
      if (resource.kind.startsWith('Federated') && resource.group === 'types.kubefed.io') continue;
      const skipped = [...BUILTIN_SKIPPED_TYPES, ...CONTROLLER_CREATED_TYPES, ...skip].some((entry) => nameMatchesResource(entry, resource));
      if (skipped) continue;
      const name = groupQualifiedName(resource.name, resource.group);
      if (!byName.has(name)) byName.set(name, resource);
    }
  }
  return [...byName.entries()]
    .sort(([a, ra], [b, rb]) => (ra.group === '' ? 0 : 1) - (rb.group === '' ? 0 : 1) || ra.group.localeCompare(rb.group) || a.localeCompare(b))
    .map(([name, resource]) => ({ name, resource }));
}

/** Why an object of the namespace is not federated, or undefined when it is. */
export function skipReason(type: ContentsType, object: KubeObject): string | undefined {
  const owner = object.metadata.ownerReferences?.find((ref) => ref.controller === true);
  if (owner) return `created by its controller ${owner.kind}/${owner.name}`;
  const name = object.metadata.name ?? '';
  if (type.name === 'serviceaccounts' && name === 'default') return 'created by Kubernetes in every namespace';
  if (type.name === 'configmaps' && name === 'kube-root-ca.crt') return 'created by Kubernetes in every namespace';
  if (type.name === 'secrets' && object.type === 'kubernetes.io/service-account-token') return 'service account token (issued per cluster)';
  const problems = dns1123SubdomainProblems(name);
  if (problems.length > 0) return `name does not conform to the DNS-1123 subdomain spec: ${problems.join('; ')}`;
  return undefined;
}
