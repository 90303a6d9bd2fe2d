// What join writes, decided from what the clusters already hold. Pure: run/join.ts reads the
// observed state, this module decides, cluster/applier.ts applies (atomically, with rollback).
// The plan has two halves because the host side needs the token the member issues: the member
// half ends by waiting for it, the host half is planned from it (by the same functions for a
// real run and for a dry run, which passes a redacted token).

import { CLUSTER_NAME_LABEL, KUBEFED_CORE_GROUP, KUBEFED_CORE_VERSION, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './constants.js';
import { GVR } from './gvr.js';
import { healthCheckRoleName, roleName, serviceAccountName } from './naming.js';
// client-node's generated models type the built-in objects join builds; type-only, so nothing of
// the library loads at run time.
import type {
  RbacV1Subject,
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Namespace,
  V1PolicyRule,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import type { Operation, WaitOperation, WriteOperation } from './plan.js';
import type { GroupVersionResource, KubeObject } from './types.js';
import { OperationError } from '../errors.js';

export type { WriteOperation };

export type KubefedScope = 'Cluster' | 'Namespaced';

export interface JoinSettings {
  clusterName: string;
  /** The host's name in resource names: --host-cluster-name, else the host context name. */
  hostName: string;
  namespace: string;
  scope: KubefedScope;
  secretName?: string | undefined;
  /**
   * Without --secret-name: the name the run picked for a new host Secret (`<cluster>-xxxxx`, as
   * the API server would generate it), so the KubeFedCluster can reference it and a lost response
   * can be settled by name. Unset in dry runs, which show generateName.
   */
  generatedSecretName?: string | undefined;
  errorOnExisting: boolean;
  apiEndpoint: string;
  /** base64 CA from the member's kubeconfig (inline data or the file's content). */
  kubeconfigCaBundle?: string | undefined;
  insecureSkipTlsVerify: boolean;
  proxyUrl?: string | undefined;
}

export interface ObservedJoinState {
  memberNamespace?: KubeObject | undefined;
  /** A member namespace that is being deleted (after an unjoin): join waits until it is gone. */
  terminatingNamespace?: string | undefined;
  serviceAccount?: KubeObject | undefined;
  tokenSecret?: KubeObject | undefined;
  /** Existing RBAC objects keyed by `<resource>/<name>`. */
  rbac: ReadonlyMap<string, KubeObject>;
  kubefedCluster?: KubeObject | undefined;
  /** The host secret join would write: --secret-name's, or the one an existing KubeFedCluster references. */
  hostSecret?: KubeObject | undefined;
}

export interface JoinNames {
  serviceAccount: string;
  role: string;
  healthCheckRole: string;
}

export function joinNames(settings: Pick<JoinSettings, 'clusterName' | 'hostName' | 'namespace'>): JoinNames {
  const serviceAccount = serviceAccountName(settings.clusterName, settings.hostName);
  return { serviceAccount, role: roleName(serviceAccount), healthCheckRole: healthCheckRoleName(serviceAccount, settings.namespace) };
}

/** The name of the Secret a KubeFedCluster's spec.secretRef names. */
export function secretRefName(kubefedCluster: KubeObject | undefined): string | undefined {
  return (kubefedCluster?.spec as { secretRef?: { name?: string } } | undefined)?.secretRef?.name;
}

export function managedLabels(clusterName: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [CLUSTER_NAME_LABEL]: clusterName };
}

/** The member-side writes, in the Go tool's order: namespace, SA, token Secret, RBAC. */
export function memberWrites(settings: JoinSettings, observed: ObservedJoinState): WriteOperation[] {
  const names = joinNames(settings);
  const labels = managedLabels(settings.clusterName);
  const ns = settings.namespace;
  const writes: WriteOperation[] = [];
  const conflict = (message: string) =>
    new OperationError('ALREADY_EXISTS', message, {
      hint: 'Re-run with --error-on-existing=false to update the existing objects, or unjoin the cluster first.',
    });

  if (observed.serviceAccount && settings.errorOnExisting) {
    throw conflict(`service account: ${names.serviceAccount} already exists in joining cluster: ${settings.clusterName}`);
  }
  if (!observed.memberNamespace) {
    writes.push({
      verb: 'create',
      cluster: 'member',
      gvr: GVR.namespaces,
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } } satisfies V1Namespace,
    });
  }
  if (!observed.serviceAccount) {
    writes.push({
      verb: 'create',
      cluster: 'member',
      gvr: GVR.serviceAccounts,
      object: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: names.serviceAccount, namespace: ns, labels, annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } },
        automountServiceAccountToken: false,
      } satisfies V1ServiceAccount,
    });
  }
  if (!observed.tokenSecret) {
    writes.push({
      verb: 'create',
      cluster: 'member',
      gvr: GVR.secrets,
      object: {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: { name: names.serviceAccount, namespace: ns, labels, annotations: { 'kubernetes.io/service-account.name': names.serviceAccount } },
      } satisfies V1Secret,
    });
  } else if (settings.errorOnExisting) {
    throw conflict(`secret: ${ns}/${names.serviceAccount} already exists in joining cluster: ${settings.clusterName}`);
  }

  const subject: RbacV1Subject = { kind: 'ServiceAccount', name: names.serviceAccount, namespace: ns };
  const rbacGroup = 'rbac.authorization.k8s.io';
  const desired: Array<{ gvr: GroupVersionResource; object: KubeObject; what: string }> = [];
  const role = (gvr: GroupVersionResource, kind: 'Role' | 'ClusterRole', name: string, namespace: string | undefined, rules: V1PolicyRule[], what: string) =>
    desired.push({
      gvr,
      what,
      object: { apiVersion: `${rbacGroup}/v1`, kind, metadata: { name, ...(namespace ? { namespace } : {}), labels }, rules } satisfies V1Role | V1ClusterRole,
    });
  const binding = (
    gvr: GroupVersionResource,
    kind: 'RoleBinding' | 'ClusterRoleBinding',
    name: string,
    namespace: string | undefined,
    roleKind: 'Role' | 'ClusterRole',
    what: string,
  ) =>
    desired.push({
      gvr,
      what,
      object: {
        apiVersion: `${rbacGroup}/v1`,
        kind,
        metadata: { name, ...(namespace ? { namespace } : {}), labels },
        roleRef: { apiGroup: rbacGroup, kind: roleKind, name },
        subjects: [subject],
      } satisfies V1RoleBinding | V1ClusterRoleBinding,
    });
  if (settings.scope === 'Namespaced') {
    role(GVR.roles, 'Role', names.role, ns, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'role');
    binding(GVR.roleBindings, 'RoleBinding', names.role, ns, 'Role', 'role binding');
    // The Go tool writes the verb "Get", which RBAC (case-sensitive) never matches.
    role(
      GVR.clusterRoles,
      'ClusterRole',
      names.healthCheckRole,
      undefined,
      [
        { nonResourceURLs: ['/healthz'], verbs: ['get'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
      ],
      'health check cluster role',
    );
    binding(GVR.clusterRoleBindings, 'ClusterRoleBinding', names.healthCheckRole, undefined, 'ClusterRole', 'health check cluster role binding');
  } else {
    role(
      GVR.clusterRoles,
      'ClusterRole',
      names.role,
      undefined,
      [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['get'] },
      ],
      'cluster role',
    );
    binding(GVR.clusterRoleBindings, 'ClusterRoleBinding', names.role, undefined, 'ClusterRole', 'cluster role binding');
  }
  for (const { gvr, object, what } of desired) {
    const existing = observed.rbac.get(`${gvr.resource}/${object.metadata.name}`);
    if (!existing) {
      writes.push({ verb: 'create', cluster: 'member', gvr, object });
      continue;
    }
    if (settings.errorOnExisting) {
      throw conflict(`${what} for service account ${names.serviceAccount} in joining cluster ${settings.clusterName} already exists`);
    }
    const merged: KubeObject = {
      ...existing,
      metadata: { ...existing.metadata, labels: { ...(existing.metadata.labels ?? {}), ...labels } },
    };
    if ('rules' in object) {
      writes.push({ verb: 'update', cluster: 'member', gvr, object: { ...merged, rules: object.rules } });
    } else if (JSON.stringify(existing.roleRef) !== JSON.stringify(object.roleRef)) {
      // roleRef is immutable: replace the binding.
      writes.push({ verb: 'delete', cluster: 'member', gvr, name: object.metadata.name!, namespace: object.metadata.namespace });
      writes.push({ verb: 'create', cluster: 'member', gvr, object });
    } else {
      writes.push({ verb: 'update', cluster: 'member', gvr, object: { ...merged, subjects: object.subjects } });
    }
  }
  return writes;
}

/** Fails before any write when the host already has what join would create. */
export function checkHostConflicts(settings: JoinSettings, observed: ObservedJoinState): void {
  if (!settings.errorOnExisting) return;
  const hint = 'Re-run with --error-on-existing=false to update it, or unjoin the cluster first.';
  if (observed.kubefedCluster) {
    throw new OperationError('ALREADY_EXISTS', `federated cluster ${settings.clusterName} already exists in host cluster`, { hint });
  }
  if (settings.secretName && observed.hostSecret) {
    throw new OperationError('ALREADY_EXISTS', `host cluster secret ${settings.secretName} already exists`, { hint });
  }
}

/**
 * The host Secret holding the member's token. Re-joins reuse the Secret the KubeFedCluster
 * already points to, so no orphaned Secret is left behind (the Go tool creates a new one each time).
 */
export function hostSecretWrite(settings: JoinSettings, observed: ObservedJoinState, tokenBase64: string): WriteOperation | undefined {
  const labels = managedLabels(settings.clusterName);
  const existing = observed.hostSecret;
  if (existing) {
    const data = existing.data as Record<string, string> | undefined;
    if (data?.token === tokenBase64) return undefined;
    return {
      verb: 'update',
      cluster: 'host',
      gvr: GVR.secrets,
      object: {
        ...existing,
        metadata: { ...existing.metadata, labels: { ...(existing.metadata.labels ?? {}), ...labels } },
        data: { ...(data ?? {}), token: tokenBase64 },
      },
    };
  }
  const metadata: KubeObject['metadata'] = settings.secretName
    ? { name: settings.secretName, namespace: settings.namespace, labels }
    : settings.generatedSecretName
      ? { name: settings.generatedSecretName, namespace: settings.namespace, labels }
      : { generateName: `${settings.clusterName}-`, namespace: settings.namespace, labels };
  return {
    verb: 'create',
    cluster: 'host',
    gvr: GVR.secrets,
    object: { apiVersion: 'v1', kind: 'Secret', metadata, data: { token: tokenBase64 } } satisfies V1Secret,
  };
}

export function kubefedClusterSpec(settings: JoinSettings, secretName: string, tokenSecretCaBundle: string | undefined): Record<string, unknown> {
  const spec: Record<string, unknown> = { apiEndpoint: settings.apiEndpoint };
  const caBundle = settings.kubeconfigCaBundle || tokenSecretCaBundle;
  if (caBundle) spec.caBundle = caBundle;
  spec.secretRef = { name: secretName };
  if (settings.insecureSkipTlsVerify) spec.disabledTLSValidations = ['*'];
  spec.proxyURL = settings.proxyUrl ?? '';
  return spec;
}

export function kubefedClusterWrite(
  settings: JoinSettings,
  observed: ObservedJoinState,
  secretName: string,
  tokenSecretCaBundle: string | undefined,
): WriteOperation {
  const spec = kubefedClusterSpec(settings, secretName, tokenSecretCaBundle);
  const existing = observed.kubefedCluster;
  if (!existing) {
    return {
      verb: 'create',
      cluster: 'host',
      gvr: GVR.kubefedClusters,
      object: {
        apiVersion: `${KUBEFED_CORE_GROUP}/${KUBEFED_CORE_VERSION}`,
        kind: 'KubeFedCluster',
        metadata: { name: settings.clusterName, namespace: settings.namespace, labels: managedLabels(settings.clusterName) },
        spec,
      },
    };
  }
  // The spec is replaced wholesale, as the Go tool's merge patch of old→new does: fields the
  // new spec lacks are removed with null. Labels and annotations are kept.
  const oldSpec = (existing.spec ?? {}) as Record<string, unknown>;
  const patchSpec: Record<string, unknown> = { ...spec };
  for (const key of Object.keys(oldSpec)) if (!(key in spec)) patchSpec[key] = null;
  return {
    verb: 'patch',
    cluster: 'host',
    gvr: GVR.kubefedClusters,
    name: settings.clusterName,
    namespace: settings.namespace,
    patch: { metadata: { labels: managedLabels(settings.clusterName) }, spec: patchSpec },
  };
}

/** How long join waits for a terminating member namespace to be gone. */
export const NAMESPACE_TERMINATION_TIMEOUT_MS = 120_000;

/**
 * What the member will hold once a terminating namespace is gone: nothing in that namespace. join
 * plans from this, after a wait for the deletion to finish.
 */
export function afterNamespaceTermination(observed: ObservedJoinState): ObservedJoinState {
  const namespace = observed.memberNamespace;
  if (!namespace?.metadata.deletionTimestamp) return observed;
  const rbac = new Map([...observed.rbac].filter(([key]) => !key.startsWith('roles/') && !key.startsWith('rolebindings/')));
  return { ...observed, memberNamespace: undefined, serviceAccount: undefined, tokenSecret: undefined, rbac, terminatingNamespace: namespace.metadata.name };
}

/**
 * The member half of a join: wait for a terminating namespace to be gone, the writes (with
 * rollback data), then the wait for the token. `observed` is as afterNamespaceTermination gives it.
 */
export function planJoinMember(settings: JoinSettings, observed: ObservedJoinState, tokenTimeoutMs: number): Operation[] {
  const names = joinNames(settings);
  const waitForTermination: Operation[] = observed.terminatingNamespace
    ? [
        {
          verb: 'wait',
          cluster: 'member',
          gvr: GVR.namespaces,
          name: observed.terminatingNamespace,
          until: 'deleted',
          timeoutMs: NAMESPACE_TERMINATION_TIMEOUT_MS,
          description: `namespace "${observed.terminatingNamespace}" to finish terminating (it is being deleted, e.g. by an earlier unjoin)`,
          stage: 0,
        },
      ]
    : [];
  const writes: Operation[] = memberWrites(settings, observed).map((op) => ({
    ...op,
    stage: memberWriteStage(op),
    // A binding replaced because its roleRef changed is re-created if a later step fails.
    ...(op.verb === 'delete' ? { restoreOnRollback: observed.rbac.get(`${op.gvr.resource}/${op.name}`) } : {}),
  }));
  const wait: WaitOperation = {
    verb: 'wait',
    cluster: 'member',
    gvr: GVR.secrets,
    name: names.serviceAccount,
    namespace: settings.namespace,
    until: 'token-issued',
    timeoutMs: tokenTimeoutMs,
    description: `the token of service account ${settings.namespace}/${names.serviceAccount}`,
    stage: 7,
  };
  return [...waitForTermination, ...writes, wait];
}

/**
 * When a member write can be sent: what it needs exists after the stages before it. The namespace
 * and the cluster roles need nothing; the service account and the role need the namespace, a
 * cluster role binding its cluster role (RBAC checks a binding against the role it grants); the
 * token Secret needs its service account (the token controller deletes a token Secret whose
 * service account does not exist) and a role binding its role. A binding replaced because its
 * roleRef changed is deleted the stage before it is created again.
 */
function memberWriteStage(op: Operation): number {
  const stage = { namespaces: 2, clusterroles: 2, serviceaccounts: 4, roles: 4, clusterrolebindings: 4, secrets: 6, rolebindings: 6 }[op.gvr.resource] ?? 6;
  return op.verb === 'delete' ? stage - 1 : stage;
}

/** What the member issued for the join's service account (base64, as the token Secret holds it). */
export interface IssuedToken {
  token: string;
  caCrt?: string | undefined;
}

/** The token a dry run plans with: base64("<redacted>"), so no plan ever carries a real one. */
export const REDACTED_TOKEN: IssuedToken = { token: 'PHJlZGFjdGVkPg==' };

/** The host half: the Secret holding the token (unless it already does), then the KubeFedCluster. */
export function planJoinHost(settings: JoinSettings, observed: ObservedJoinState, issued: IssuedToken): Operation[] {
  const operations: Operation[] = [];
  const secret = hostSecretWrite(settings, observed, issued.token);
  if (secret) operations.push(secret);
  const secretName =
    observed.hostSecret?.metadata.name ??
    settings.secretName ??
    (secret?.verb === 'create' ? (secret.object.metadata.name ?? `${secret.object.metadata.generateName ?? ''}<generated>`) : '');
  operations.push(kubefedClusterWrite(settings, observed, secretName, issued.caCrt));
  return operations;
}

/** --wait: until KubeFed reports the joined cluster Ready. */
export function readyWait(settings: Pick<JoinSettings, 'clusterName' | 'namespace'>, timeoutMs: number): WaitOperation {
  return {
    verb: 'wait',
    cluster: 'host',
    gvr: GVR.kubefedClusters,
    name: settings.clusterName,
    namespace: settings.namespace,
    until: 'cluster-ready',
    timeoutMs,
    description: `KubeFed to report cluster "${settings.clusterName}" Ready`,
  };
}
