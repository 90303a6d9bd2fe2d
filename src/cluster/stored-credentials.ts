// A member cluster reached the way KubeFed's controller reaches it: the KubeFedCluster's
// apiEndpoint, caBundle, disabledTLSValidations and proxyURL, with the token of the Secret its
// secretRef names (pkg/controller/util/cluster_util.go BuildClusterConfig). Shaped as a one-context
// kubeconfig so the ordinary client (TLS, proxy, token handling) serves it. Holds a token: never
// log or print the result.

import { OperationError } from '../errors.js';
import { type KubeObject, isPlainObject } from '../core/types.js';
import type { ContextInfo, Kubeconfig, KubeconfigUser } from './types.js';

/** The context name the stored credentials of cluster `name` go by (in -v logs and messages). */
export function storedCredentialsContext(name: string): string {
  return `kubefedcluster/${name}`;
}

/** Throws OperationError when the KubeFedCluster or its Secret cannot give a way in. */
export function storedCredentialsKubeconfig(cluster: KubeObject, secret: KubeObject | undefined): Kubeconfig {
  const name = cluster.metadata.name ?? '';
  const spec = isPlainObject(cluster.spec) ? cluster.spec : {};
  const contextName = storedCredentialsContext(name);
  const endpoint = typeof spec.apiEndpoint === 'string' ? spec.apiEndpoint : '';
  if (endpoint === '') throw new OperationError('NO_STORED_CREDENTIALS', `KubeFedCluster "${name}" has no spec.apiEndpoint`);
  const rawData = secret?.data;
  const data = isPlainObject(rawData) ? rawData : undefined;
  const token = typeof data?.token === 'string' ? Buffer.from(data.token, 'base64').toString('utf8') : '';
  if (token === '') {
    throw new OperationError('NO_STORED_CREDENTIALS', `the Secret of KubeFedCluster "${name}" holds no token`, {
      hint: `Name a kubeconfig context for the member with --cluster-context, or re-join the cluster (kubefedctl join ${name}).`,
    });
  }
  const disabled = Array.isArray(spec.disabledTLSValidations) ? spec.disabledTLSValidations : [];
  const caBundle = typeof spec.caBundle === 'string' && spec.caBundle !== '' ? spec.caBundle : undefined;
  const insecure = disabled.includes('*');
  const context: ContextInfo = {
    name: contextName,
    clusterName: name,
    userName: contextName,
    namespace: 'default',
    server: endpoint,
    // KubeFed ignores the CA when verification is off; so does the client (it refuses both at once).
    caData: insecure ? undefined : caBundle,
    insecureSkipTlsVerify: insecure,
    proxyUrl: typeof spec.proxyURL === 'string' && spec.proxyURL !== '' ? spec.proxyURL : undefined,
  };
  const user: KubeconfigUser = { name: contextName, token };
  return {
    files: [],
    currentContext: contextName,
    contextNames: [contextName],
    context: () => ({ ...context }),
    user: () => ({ ...user }),
  };
}
