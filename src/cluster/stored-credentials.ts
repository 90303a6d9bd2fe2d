// Member clusters reached the way KubeFed's own controller reaches them: a KubeFedCluster's
// apiEndpoint, caBundle, proxyURL and disabled TLS validations, and the bearer token of the Secret
// its secretRef names (kubefed pkg/controller/util/cluster_util.go BuildClusterConfig). Commands
// that work on members a user may have no kubeconfig context for (migrate --execute) use these.

import type { ContextInfo, Kubeconfig, KubeconfigUser } from './types.js';
import type { KubeObject } from '../core/types.js';
import { isPlainObject } from '../core/types.js';
import { ConfigError, OperationError } from '../errors.js';

/** Whose credentials a client uses: KubeFed's (read from the host) or Karmada's own (after a cut-over registered it). */
export type CredentialsOwner = 'kubefed' | 'karmada';

/** The context name such a client carries in messages: "kubefed:cluster2". */
export function storedCredentialsContextName(clusterName: string, owner: CredentialsOwner = 'kubefed'): string {
  return `${owner}:${clusterName}`;
}

export interface StoredMember {
  kubefedCluster: KubeObject;
  /** The Secret its spec.secretRef names, as read from the KubeFed namespace. */
  secret: KubeObject | undefined;
}

/**
 * A kubeconfig with one context per member, named by storedCredentialsContextName. Fails with what
 * to fix when a KubeFedCluster lacks what KubeFed itself needs to reach the member.
 */
export function storedCredentialsKubeconfig(members: readonly StoredMember[], owner: CredentialsOwner = 'kubefed'): Kubeconfig {
  const contexts = new Map<string, { context: ContextInfo; user: KubeconfigUser }>();
  for (const member of members) {
    const name = member.kubefedCluster.metadata.name ?? '';
    const contextName = storedCredentialsContextName(name, owner);
    contexts.set(contextName, credentialsOf(name, contextName, member));
  }
  return {
    files: [],
    currentContext: undefined,
    contextNames: [...contexts.keys()],
    context(name?: string): ContextInfo {
      const found = contexts.get(name ?? '');
      if (!found) throw new ConfigError(`no stored KubeFed credentials for context "${name ?? ''}"`, { code: 'CONTEXT_NOT_FOUND' });
      return found.context;
    },
    user(name?: string): KubeconfigUser | undefined {
      return contexts.get(name ?? '')?.user;
    },
  };
}

function credentialsOf(clusterName: string, contextName: string, member: StoredMember): { context: ContextInfo; user: KubeconfigUser } {
  const spec = isPlainObject(member.kubefedCluster.spec) ? member.kubefedCluster.spec : {};
  const server = typeof spec.apiEndpoint === 'string' ? spec.apiEndpoint : '';
  const unusable = (what: string) =>
    new OperationError('STORED_CREDENTIALS_UNUSABLE', `KubeFedCluster "${clusterName}" ${what}`, {
      hint: `KubeFed cannot reach this member either; fix the registration (kubefedctl join ${clusterName} again) and rerun.`,
    });
  if (server === '') throw unusable('has no spec.apiEndpoint');
  const data = member.secret && isPlainObject(member.secret.data) ? member.secret.data : undefined;
  const tokenBase64 = data && typeof data.token === 'string' ? data.token : '';
  if (tokenBase64 === '') throw unusable(`has no Secret with a token (secretRef ${JSON.stringify(spec.secretRef ?? null)})`);
  const disabled = Array.isArray(spec.disabledTLSValidations) ? spec.disabledTLSValidations : [];
  const context: ContextInfo = {
    name: contextName,
    clusterName,
    userName: contextName,
    namespace: 'default',
    server,
    caData: typeof spec.caBundle === 'string' && spec.caBundle !== '' ? spec.caBundle : undefined,
    // KubeFed's "*" turns every check off; a single SubjectName/ValidityPeriod cannot be expressed to Node's TLS.
    insecureSkipTlsVerify: disabled.includes('*'),
    proxyUrl: typeof spec.proxyURL === 'string' && spec.proxyURL !== '' ? spec.proxyURL : undefined,
  };
  return { context, user: { name: contextName, token: Buffer.from(tokenBase64, 'base64').toString('utf8') } };
}
