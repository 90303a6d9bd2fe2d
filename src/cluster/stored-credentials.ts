// A client that reaches a member as KubeFed does: with the endpoint, CA, TLS settings and proxy of
// its KubeFedCluster and the token of the Secret that names (status --members). The credentials
// become a one-context kubeconfig in memory, so the client is built by the same code as any other
// (TLS, proxy, HTTP/2), and the token never touches the disk.

import { mergeKubeconfigFiles, parseKubeconfigText } from './kubeconfig.js';
import type { Kubeconfig } from './types.js';
import { isPlainObject, type KubeObject } from '../core/types.js';

/** The in-memory kubeconfig of a KubeFedCluster and its Secret; its one context is named like the cluster. */
export function kubeconfigOfKubeFedCluster(kubefedCluster: KubeObject, secret: KubeObject): Kubeconfig {
  const name = kubefedCluster.metadata.name ?? 'member';
  const spec = isPlainObject(kubefedCluster.spec) ? kubefedCluster.spec : {};
  const data = isPlainObject(secret.data) ? secret.data : {};
  const token = typeof data.token === 'string' ? Buffer.from(data.token, 'base64').toString('utf8') : '';
  const disabled = Array.isArray(spec.disabledTLSValidations) ? spec.disabledTLSValidations : [];
  const cluster: Record<string, unknown> = { server: spec.apiEndpoint };
  if (disabled.includes('*')) cluster['insecure-skip-tls-verify'] = true;
  else if (typeof spec.caBundle === 'string' && spec.caBundle !== '') cluster['certificate-authority-data'] = spec.caBundle;
  if (typeof spec.proxyURL === 'string' && spec.proxyURL !== '') cluster['proxy-url'] = spec.proxyURL;
  const document = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  };
  // JSON is YAML: the kubeconfig parser reads it as it would a file.
  return mergeKubeconfigFiles([parseKubeconfigText(JSON.stringify(document), `<KubeFedCluster ${name}>`)]);
}
