// The API resources a Kubernetes 1.32 API server serves with its default configuration, as
// `kubectl api-resources` lists them (server-preferred versions only). `enable --offline` looks
// names up here instead of asking a cluster, so it produces the same FederatedTypeConfig and CRD
// as `enable -o yaml` against a 1.32 cluster. Sources: k8s.io/kubernetes v1.32 pkg/registry
// (ShortNames, SingularQualifiedResource, NamespaceScoped), pkg/controlplane/instance.go (groups
// enabled by default) and the aggregator's group priorities (server order of /apis).

import { type ApiResource, type DiscoveryGroup, type DiscoverySnapshot, groupVersionKey, lookupApiResource } from './api-resources.js';
import { federatedCrdForTarget, typeConfigForTarget } from './type-config.js';
import { type EnableTypeDirective } from './enable-directive.js';
import { FEDERATED_GROUP, FEDERATED_VERSION } from './constants.js';
import type { KubeObject } from './types.js';

export const BUILTIN_KUBERNETES_VERSION = '1.32';

export interface BuiltinApiResource extends ApiResource {
  /** spec.replicas is an int32 in the OpenAPI schema: the federated type gets spec.retainReplicas. */
  scalable: boolean;
}

/** /api then /apis, in the order a 1.32 server lists them. */
export const BUILTIN_API_GROUPS: readonly DiscoveryGroup[] = [
  { name: '', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'apiregistration.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'apps', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'events.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'authentication.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'authorization.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'autoscaling', preferredVersion: 'v2', versions: ['v2', 'v1'] },
  { name: 'batch', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'certificates.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'networking.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'policy', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'rbac.authorization.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'storage.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'admissionregistration.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'apiextensions.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'scheduling.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'coordination.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'node.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'discovery.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
  { name: 'flowcontrol.apiserver.k8s.io', preferredVersion: 'v1', versions: ['v1'] },
];

type Scope = 'Namespaced' | 'Cluster';

function resource(
  groupVersion: string,
  name: string,
  kind: string,
  scope: Scope,
  shortNames: string[] = [],
  extra: { singularName?: string; scalable?: boolean } = {},
): BuiltinApiResource {
  const slash = groupVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : groupVersion.slice(0, slash),
    version: slash < 0 ? groupVersion : groupVersion.slice(slash + 1),
    name,
    singularName: extra.singularName ?? kind.toLowerCase(),
    kind,
    namespaced: scope === 'Namespaced',
    shortNames,
    scalable: extra.scalable ?? false,
  };
}

const SCALABLE = { scalable: true };

/** Each list in the order its discovery document has it (sorted by plural). */
export const BUILTIN_API_RESOURCES: readonly BuiltinApiResource[] = [
  resource('v1', 'bindings', 'Binding', 'Namespaced'),
  resource('v1', 'componentstatuses', 'ComponentStatus', 'Cluster', ['cs']),
  resource('v1', 'configmaps', 'ConfigMap', 'Namespaced', ['cm']),
  resource('v1', 'endpoints', 'Endpoints', 'Namespaced', ['ep'], { singularName: 'endpoints' }),
  resource('v1', 'events', 'Event', 'Namespaced', ['ev']),
  resource('v1', 'limitranges', 'LimitRange', 'Namespaced', ['limits']),
  resource('v1', 'namespaces', 'Namespace', 'Cluster', ['ns']),
  resource('v1', 'nodes', 'Node', 'Cluster', ['no']),
  resource('v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', 'Namespaced', ['pvc']),
  resource('v1', 'persistentvolumes', 'PersistentVolume', 'Cluster', ['pv']),
  resource('v1', 'pods', 'Pod', 'Namespaced', ['po']),
  resource('v1', 'podtemplates', 'PodTemplate', 'Namespaced'),
  resource('v1', 'replicationcontrollers', 'ReplicationController', 'Namespaced', ['rc'], SCALABLE),
  resource('v1', 'resourcequotas', 'ResourceQuota', 'Namespaced', ['quota']),
  resource('v1', 'secrets', 'Secret', 'Namespaced'),
  resource('v1', 'serviceaccounts', 'ServiceAccount', 'Namespaced', ['sa']),
  resource('v1', 'services', 'Service', 'Namespaced', ['svc']),

  resource('apiregistration.k8s.io/v1', 'apiservices', 'APIService', 'Cluster'),

  resource('apps/v1', 'controllerrevisions', 'ControllerRevision', 'Namespaced'),
  resource('apps/v1', 'daemonsets', 'DaemonSet', 'Namespaced', ['ds']),
  resource('apps/v1', 'deployments', 'Deployment', 'Namespaced', ['deploy'], SCALABLE),
  resource('apps/v1', 'replicasets', 'ReplicaSet', 'Namespaced', ['rs'], SCALABLE),
  resource('apps/v1', 'statefulsets', 'StatefulSet', 'Namespaced', ['sts'], SCALABLE),

  resource('events.k8s.io/v1', 'events', 'Event', 'Namespaced', ['ev']),

  resource('authentication.k8s.io/v1', 'selfsubjectreviews', 'SelfSubjectReview', 'Cluster'),
  resource('authentication.k8s.io/v1', 'tokenreviews', 'TokenReview', 'Cluster'),

  resource('authorization.k8s.io/v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', 'Namespaced'),
  resource('authorization.k8s.io/v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', 'Cluster'),
  resource('authorization.k8s.io/v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', 'Cluster'),
  resource('authorization.k8s.io/v1', 'subjectaccessreviews', 'SubjectAccessReview', 'Cluster'),

  resource('autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', 'Namespaced', ['hpa']),

  resource('batch/v1', 'cronjobs', 'CronJob', 'Namespaced', ['cj']),
  resource('batch/v1', 'jobs', 'Job', 'Namespaced'),

  resource('certificates.k8s.io/v1', 'certificatesigningrequests', 'CertificateSigningRequest', 'Cluster', ['csr']),

  resource('networking.k8s.io/v1', 'ingressclasses', 'IngressClass', 'Cluster'),
  resource('networking.k8s.io/v1', 'ingresses', 'Ingress', 'Namespaced', ['ing']),
  resource('networking.k8s.io/v1', 'networkpolicies', 'NetworkPolicy', 'Namespaced', ['netpol']),

  resource('policy/v1', 'poddisruptionbudgets', 'PodDisruptionBudget', 'Namespaced', ['pdb']),

  resource('rbac.authorization.k8s.io/v1', 'clusterrolebindings', 'ClusterRoleBinding', 'Cluster'),
  resource('rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRole', 'Cluster'),
  resource('rbac.authorization.k8s.io/v1', 'rolebindings', 'RoleBinding', 'Namespaced'),
  resource('rbac.authorization.k8s.io/v1', 'roles', 'Role', 'Namespaced'),

  resource('storage.k8s.io/v1', 'csidrivers', 'CSIDriver', 'Cluster'),
  resource('storage.k8s.io/v1', 'csinodes', 'CSINode', 'Cluster'),
  resource('storage.k8s.io/v1', 'csistoragecapacities', 'CSIStorageCapacity', 'Namespaced'),
  resource('storage.k8s.io/v1', 'storageclasses', 'StorageClass', 'Cluster', ['sc']),
  resource('storage.k8s.io/v1', 'volumeattachments', 'VolumeAttachment', 'Cluster'),

  resource('admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', 'Cluster'),
  resource('admissionregistration.k8s.io/v1', 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', 'Cluster'),
  resource('admissionregistration.k8s.io/v1', 'validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', 'Cluster'),
  resource('admissionregistration.k8s.io/v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', 'Cluster'),

  resource('apiextensions.k8s.io/v1', 'customresourcedefinitions', 'CustomResourceDefinition', 'Cluster', ['crd', 'crds']),

  resource('scheduling.k8s.io/v1', 'priorityclasses', 'PriorityClass', 'Cluster', ['pc']),

  resource('coordination.k8s.io/v1', 'leases', 'Lease', 'Namespaced'),

  resource('node.k8s.io/v1', 'runtimeclasses', 'RuntimeClass', 'Cluster'),

  resource('discovery.k8s.io/v1', 'endpointslices', 'EndpointSlice', 'Namespaced'),

  resource('flowcontrol.apiserver.k8s.io/v1', 'flowschemas', 'FlowSchema', 'Cluster'),
  resource('flowcontrol.apiserver.k8s.io/v1', 'prioritylevelconfigurations', 'PriorityLevelConfiguration', 'Cluster'),
];

/** The built-in table as a discovery snapshot, for lookupApiResource. */
export function builtinDiscovery(): DiscoverySnapshot {
  const resources = new Map<string, BuiltinApiResource[]>();
  for (const group of BUILTIN_API_GROUPS) {
    for (const version of group.versions) resources.set(groupVersionKey(group.name, version), []);
  }
  for (const entry of BUILTIN_API_RESOURCES) resources.get(groupVersionKey(entry.group, entry.version))!.push(entry);
  return { groups: BUILTIN_API_GROUPS, resources, failures: [] };
}

export function findBuiltinResource(group: string, version: string, plural: string): BuiltinApiResource | undefined {
  return BUILTIN_API_RESOURCES.find((entry) => entry.group === group && entry.version === version && entry.name === plural);
}

export const OFFLINE_NOT_FOUND_HINT =
  `--offline knows only the built-in API types of Kubernetes ${BUILTIN_KUBERNETES_VERSION} (the names 'kubectl api-resources' lists for them). ` +
  'CRDs and aggregated APIs need a cluster: run enable without --offline against a cluster that serves the type (-o yaml prints without writing).';

/** enable --offline: the FederatedTypeConfig and federated CRD for a built-in type, without a cluster. */
export function offlineTypeResources(directive: EnableTypeDirective): { target: BuiltinApiResource; typeConfig: KubeObject; crd: KubeObject } {
  const { resource } = lookupApiResource(builtinDiscovery(), directive.name, { targetVersion: directive.targetVersion, notFoundHint: OFFLINE_NOT_FOUND_HINT });
  const target = findBuiltinResource(resource.group, resource.version, resource.name)!;
  return {
    target,
    typeConfig: typeConfigForTarget(target, directive),
    crd: federatedCrdForTarget(target, directive, { hasTemplateSchema: true, scalable: target.scalable }),
  };
}

/**
 * The FederatedTypeConfigs a KubeFed v0.10.0 installation enables by default (its Helm chart's
 * charts/kubefed/templates/federatedtypeconfig.yaml), by FTC name.
 */
export const KUBEFED_DEFAULT_ENABLED_TYPES = [
  'clusterroles.rbac.authorization.k8s.io',
  'configmaps',
  'deployments.apps',
  'ingresses.networking.k8s.io',
  'jobs.batch',
  'namespaces',
  'replicasets.apps',
  'secrets',
  'serviceaccounts',
  'services',
] as const;

/** Those FederatedTypeConfigs as `enable -o yaml` would print them against a 1.32 cluster. */
export function defaultEnabledTypeConfigs(): KubeObject[] {
  return KUBEFED_DEFAULT_ENABLED_TYPES.map((name) => {
    const dot = name.indexOf('.');
    const plural = dot < 0 ? name : name.slice(0, dot);
    const group = dot < 0 ? '' : name.slice(dot + 1);
    const target = BUILTIN_API_RESOURCES.find((entry) => entry.name === plural && entry.group === group)!;
    return typeConfigForTarget(target, { federatedGroup: FEDERATED_GROUP, federatedVersion: FEDERATED_VERSION });
  });
}
