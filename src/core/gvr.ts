import { groupQualifiedName } from './api-resources.js';
import type { GroupVersionResource } from './types.js';
import { KUBEFED_CORE_GROUP, KUBEFED_CORE_VERSION } from './constants.js';

const core = (resource: string): GroupVersionResource => ({ group: '', version: 'v1', resource });
const rbac = (resource: string): GroupVersionResource => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource });

export const GVR = {
  namespaces: core('namespaces'),
  serviceAccounts: core('serviceaccounts'),
  secrets: core('secrets'),
  configMaps: core('configmaps'),
  clusterRoles: rbac('clusterroles'),
  clusterRoleBindings: rbac('clusterrolebindings'),
  roles: rbac('roles'),
  roleBindings: rbac('rolebindings'),
  customResourceDefinitions: { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' },
  kubefedClusters: { group: KUBEFED_CORE_GROUP, version: KUBEFED_CORE_VERSION, resource: 'kubefedclusters' },
  kubefedConfigs: { group: KUBEFED_CORE_GROUP, version: KUBEFED_CORE_VERSION, resource: 'kubefedconfigs' },
  federatedTypeConfigs: { group: KUBEFED_CORE_GROUP, version: KUBEFED_CORE_VERSION, resource: 'federatedtypeconfigs' },
} as const satisfies Record<string, GroupVersionResource>;

export const KIND_OF: Record<string, { apiVersion: string; kind: string }> = {
  namespaces: { apiVersion: 'v1', kind: 'Namespace' },
  serviceaccounts: { apiVersion: 'v1', kind: 'ServiceAccount' },
  secrets: { apiVersion: 'v1', kind: 'Secret' },
  clusterroles: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  clusterrolebindings: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  roles: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  rolebindings: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  kubefedclusters: { apiVersion: `${KUBEFED_CORE_GROUP}/${KUBEFED_CORE_VERSION}`, kind: 'KubeFedCluster' },
};

/** The group, version and resource of a type as discovery (or a table of types) describes it. */
export function gvrOf(resource: { group: string; version: string; name: string }): GroupVersionResource {
  return { group: resource.group, version: resource.version, resource: resource.name };
}

/** kubectl's `resource.group` form of a type, e.g. `roles.rbac.authorization.k8s.io`; `configmaps` for the core group. */
export function qualifiedResource(gvr: GroupVersionResource): string {
  return groupQualifiedName(gvr.resource, gvr.group);
}

/** kubectl's `resource.group/name` form, e.g. `kubefedcluster.core.kubefed.io/cluster2`. */
export function qualifiedName(gvr: GroupVersionResource, name: string, namespace?: string): string {
  const kind = (KIND_OF[gvr.resource]?.kind ?? gvr.resource).toLowerCase();
  const type = gvr.group ? `${kind}.${gvr.group}` : kind;
  return `${type}/${namespace ? `${namespace}/` : ''}${name}`;
}
