// The Go tool's deprecatedapis.go: API versions that serve the same objects under another group
// or version. Only one of them may be federated, or two sync controllers would fight over the
// same objects. The table is KubeFed v0.10.0's, unchanged (it lacks networking.k8s.io/v1 for
// ingresses although that is the default target since v0.10.0; see the spec's §6).

export interface GroupVersionRef {
  group: string;
  version: string;
}

export const EQUIVALENT_APIS: Readonly<Record<string, readonly GroupVersionRef[]>> = {
  deployments: [
    { group: 'apps', version: 'v1' },
    { group: 'apps', version: 'v1beta1' },
    { group: 'apps', version: 'v1beta2' },
    { group: 'extensions', version: 'v1beta1' },
  ],
  daemonsets: [
    { group: 'apps', version: 'v1' },
    { group: 'apps', version: 'v1beta1' },
    { group: 'apps', version: 'v1beta2' },
    { group: 'extensions', version: 'v1beta1' },
  ],
  statefulsets: [
    { group: 'apps', version: 'v1' },
    { group: 'apps', version: 'v1beta1' },
    { group: 'apps', version: 'v1beta2' },
  ],
  replicasets: [
    { group: 'apps', version: 'v1' },
    { group: 'apps', version: 'v1beta1' },
    { group: 'apps', version: 'v1beta2' },
    { group: 'extensions', version: 'v1beta1' },
  ],
  networkpolicies: [
    { group: 'networking.k8s.io', version: 'v1' },
    { group: 'extensions', version: 'v1beta1' },
  ],
  podsecuritypolicies: [
    { group: 'policy', version: 'v1beta1' },
    { group: 'extensions', version: 'v1beta1' },
  ],
  ingresses: [
    { group: 'networking.k8s.io', version: 'v1beta1' },
    { group: 'extensions', version: 'v1beta1' },
  ],
};

export interface PluralGroupVersion extends GroupVersionRef {
  pluralName: string;
}

/**
 * IsEquivalentAPI: same plural, and the candidate's group/version is another entry of that
 * plural's list than the existing one. Identical APIs are not "equivalent" (re-enabling is fine).
 */
export function isEquivalentApi(existing: PluralGroupVersion, candidate: PluralGroupVersion): boolean {
  if (existing.pluralName !== candidate.pluralName) return false;
  const apis = Object.hasOwn(EQUIVALENT_APIS, existing.pluralName) ? EQUIVALENT_APIS[existing.pluralName]! : undefined;
  if (apis === undefined) return false;
  return apis.some(
    (api) => !(api.group === existing.group && api.version === existing.version) && api.group === candidate.group && api.version === candidate.version,
  );
}
