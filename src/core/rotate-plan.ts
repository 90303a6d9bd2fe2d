// What rotate-credentials writes, decided from what the clusters hold. Pure: run/rotate-credentials.ts
// reads and applies (cluster/applier.ts), this module decides.
//
// KubeFed (v0.10.0, pkg/controller/kubefedcluster/controller.go and util/federated_informer.go)
// builds a member's clients from the KubeFedCluster and the Secret its spec.secretRef names, and
// rebuilds them only when the KubeFedCluster's spec, labels or annotations change; it never watches
// the Secret. So a rotation writes the new token into a NEW Secret and points spec.secretRef at it:
// that spec change makes both the health checker and the sync controllers drop their cached clients
// and build new ones, with no restart. Rewriting the old Secret in place would go unnoticed until
// the controller restarts.
//
// The order keeps a working credential at every moment: new token (member) -> new host Secret ->
// KubeFedCluster points at it (the switch) -> KubeFed reports Ready from clients built after the
// switch -> the old token Secret (revoking the token) and the old host Secret are deleted. Before
// the switch a failure rolls back (the old credentials were never touched); after it, the run rolls
// forward, and a later run deletes what an interrupted one left.

import { CLUSTER_NAME_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './constants.js';
import { GVR } from './gvr.js';
import { type JoinSettings, joinNames, managedLabels } from './join-plan.js';
import type { Operation, WaitOperation } from './plan.js';
import type { KubeObject } from './types.js';
import type { V1Secret } from '@kubernetes/client-node';
import { OperationError } from '../errors.js';
import { readyTransitionTime } from './conditions.js';

export type RotateSettings = Pick<JoinSettings, 'clusterName' | 'hostName' | 'namespace'>;

export interface ObservedRotateState {
  kubefedCluster?: KubeObject | undefined;
  /** The host Secret the KubeFedCluster's spec.secretRef names (undefined when it is missing). */
  hostSecret?: KubeObject | undefined;
  /** Host Secrets labelled for this cluster by kubefedctl (join's and earlier rotations'). */
  labelledHostSecrets: readonly KubeObject[];
  serviceAccount?: KubeObject | undefined;
  /** The member's Secrets in the KubeFed namespace (service-account tokens are picked from them). */
  memberSecrets: readonly KubeObject[];
}

/** The names a rotation writes, picked by the run (random suffixes, as generateName would give). */
export interface RotateNames {
  tokenSecret: string;
  hostSecret: string;
}

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

/** Fails before any write when the cluster was not joined (by us or the Go tool) as rotation needs. */
export function checkRotatable(settings: RotateSettings, observed: ObservedRotateState): void {
  const { serviceAccount } = joinNames(settings);
  if (!observed.kubefedCluster) {
    throw new OperationError(
      'NOT_JOINED',
      `cluster "${settings.clusterName}" is not joined: there is no KubeFedCluster "${settings.namespace}/${settings.clusterName}" in the host cluster`,
      {
        hint: 'Check --host-cluster-context and --kubefed-namespace, or join the cluster first.',
      },
    );
  }
  if (!observed.serviceAccount) {
    throw new OperationError(
      'NO_SERVICE_ACCOUNT',
      `service account ${settings.namespace}/${serviceAccount} does not exist in cluster "${settings.clusterName}", so there is nothing to issue a new token for`,
      {
        hint: `Pass --host-cluster-name if the cluster was joined with another host name, or join it again (kubefedctl join ${settings.clusterName} --error-on-existing=false).`,
      },
    );
  }
}

/** The service account's token Secrets (join's and earlier rotations'), oldest first. */
export function tokenSecretsOf(settings: RotateSettings, observed: ObservedRotateState): KubeObject[] {
  const { serviceAccount } = joinNames(settings);
  return observed.memberSecrets
    .filter(
      (s) =>
        s.type === SERVICE_ACCOUNT_TOKEN_TYPE &&
        s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] === serviceAccount &&
        s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
    )
    .sort((a, b) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')));
}

/** Before the switch: a new token Secret for the service account, and the wait for its token. */
export function planNewToken(settings: RotateSettings, names: RotateNames, tokenTimeoutMs: number): Operation[] {
  const { serviceAccount } = joinNames(settings);
  const token: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: SERVICE_ACCOUNT_TOKEN_TYPE,
    metadata: {
      name: names.tokenSecret,
      namespace: settings.namespace,
      labels: managedLabels(settings.clusterName),
      annotations: { [SERVICE_ACCOUNT_NAME_ANNOTATION]: serviceAccount },
    },
  };
  return [
    { verb: 'create', cluster: 'member', gvr: GVR.secrets, object: token as KubeObject, reason: 'new token' },
    {
      verb: 'wait',
      cluster: 'member',
      gvr: GVR.secrets,
      name: names.tokenSecret,
      namespace: settings.namespace,
      until: 'token-issued',
      timeoutMs: tokenTimeoutMs,
      description: `the new token of service account ${settings.namespace}/${serviceAccount}`,
    },
  ];
}

/**
 * The switch: the new host Secret (a copy of the old one's other keys with the new token), then
 * the KubeFedCluster pointed at it. The patch is the last write before the old credentials may go.
 */
export function planSwitch(settings: RotateSettings, observed: ObservedRotateState, names: RotateNames, tokenBase64: string): Operation[] {
  const oldData = (observed.hostSecret?.data ?? {}) as Record<string, string>;
  const secret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    ...(observed.hostSecret?.type ? { type: observed.hostSecret.type as string } : {}),
    metadata: { name: names.hostSecret, namespace: settings.namespace, labels: managedLabels(settings.clusterName) },
    data: { ...oldData, token: tokenBase64 },
  };
  return [
    { verb: 'create', cluster: 'host', gvr: GVR.secrets, object: secret as KubeObject, reason: 'holds the new token' },
    {
      verb: 'patch',
      cluster: 'host',
      gvr: GVR.kubefedClusters,
      name: settings.clusterName,
      namespace: settings.namespace,
      patch: { spec: { secretRef: { name: names.hostSecret } } },
      reason: 'KubeFed rebuilds its clients for the cluster when its spec changes',
    },
  ];
}

/** After the switch: until KubeFed reports the cluster Ready from clients it built with the new Secret. */
export function readyWithNewSecretWait(settings: RotateSettings, observed: ObservedRotateState, timeoutMs: number): WaitOperation {
  return {
    verb: 'wait',
    cluster: 'host',
    gvr: GVR.kubefedClusters,
    name: settings.clusterName,
    namespace: settings.namespace,
    until: 'cluster-ready-anew',
    readyTransitionBefore: readyTransitionTime(observed.kubefedCluster),
    timeoutMs,
    description: `KubeFed to report cluster "${settings.clusterName}" Ready with the new credentials`,
  };
}

/**
 * After KubeFed works with the new Secret: every other token Secret of the service account (deleting
 * it revokes its token) and every other host Secret kubefedctl wrote for the cluster, including
 * leftovers of an interrupted rotation.
 */
export function planRevoke(settings: RotateSettings, observed: ObservedRotateState, names: RotateNames): Operation[] {
  const tokens = tokenSecretsOf(settings, observed).filter((s) => s.metadata.name !== names.tokenSecret);
  const hostSecrets = new Map<string, KubeObject>();
  if (observed.hostSecret) hostSecrets.set(observed.hostSecret.metadata.name!, observed.hostSecret);
  for (const secret of observed.labelledHostSecrets)
    if (secret.metadata.labels?.[CLUSTER_NAME_LABEL] === settings.clusterName && secret.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE)
      hostSecrets.set(secret.metadata.name!, secret);
  hostSecrets.delete(names.hostSecret);
  return [
    ...tokens.map((s): Operation => ({
      verb: 'delete',
      cluster: 'member',
      gvr: GVR.secrets,
      name: s.metadata.name!,
      namespace: settings.namespace,
      reason: 'revokes the old token',
      stage: 1,
    })),
    ...[...hostSecrets.values()].map((s): Operation => ({
      verb: 'delete',
      cluster: 'host',
      gvr: GVR.secrets,
      name: s.metadata.name!,
      namespace: settings.namespace,
      reason: 'held the old token',
      stage: 1,
    })),
  ];
}
