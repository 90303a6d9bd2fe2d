// In-cluster configuration, as client-go's clientcmd falls back to it when no kubeconfig gives a
// cluster (DeferredLoadingClientConfig, rest.InClusterConfig): the API server from
// KUBERNETES_SERVICE_HOST/PORT, the pod's service-account token (re-read on every request, since
// the kubelet rotates projected tokens in place), its CA and its namespace.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import type { ContextInfo, Kubeconfig, KubeconfigUser } from './types.js';
import { ConfigError } from '../errors.js';

/** Where the kubelet mounts the service account (client-go hard-codes it too). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The name commands show for the one context an in-cluster configuration has. */
export const IN_CLUSTER_CONTEXT = 'in-cluster';

export interface InClusterOptions {
  env: NodeJS.ProcessEnv;
  /** Tests only: a directory laid out like SERVICE_ACCOUNT_DIR. Not reachable from the command line. */
  serviceAccountDir?: string | undefined;
}

/** Why in-cluster configuration cannot be used, or undefined when it can (client-go's inClusterClientConfig.Possible). */
export function inClusterUnavailableReason(options: InClusterOptions): string | undefined {
  const host = options.env.KUBERNETES_SERVICE_HOST ?? '';
  const port = options.env.KUBERNETES_SERVICE_PORT ?? '';
  if (host === '' || port === '') return 'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set';
  const tokenFile = path.join(options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR, 'token');
  try {
    if (statSync(tokenFile).isDirectory()) return `${tokenFile} is a directory`;
  } catch {
    return `KUBERNETES_SERVICE_HOST is set, but there is no service-account token at ${tokenFile}`;
  }
  return undefined;
}

/**
 * The kubeconfig-shaped view of the pod's configuration: one context, "in-cluster". Call only
 * when inClusterUnavailableReason() says it is possible.
 */
export function inClusterKubeconfig(options: InClusterOptions): Kubeconfig {
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = options.env.KUBERNETES_SERVICE_HOST ?? '';
  const port = options.env.KUBERNETES_SERVICE_PORT ?? '';
  const caFile = path.join(dir, 'ca.crt');
  const context: ContextInfo = {
    name: IN_CLUSTER_CONTEXT,
    clusterName: IN_CLUSTER_CONTEXT,
    userName: IN_CLUSTER_CONTEXT,
    namespace: inClusterNamespace(options.env, dir),
    // Always https, as rest.InClusterConfig (net.JoinHostPort puts an IPv6 host in brackets).
    server: `https://${joinHostPort(host, port)}`,
    // client-go uses ca.crt only if it holds certificates; else the system roots.
    caFile: holdsCertificate(caFile) ? caFile : undefined,
    insecureSkipTlsVerify: false,
  };
  const user: KubeconfigUser = { name: IN_CLUSTER_CONTEXT, tokenFile: path.join(dir, 'token') };

  const check = (name: string | undefined): void => {
    if (name === undefined || name === IN_CLUSTER_CONTEXT) return;
    throw new ConfigError(`context "${name}" does not exist`, {
      code: 'CONTEXT_NOT_FOUND',
      hint: `No kubeconfig was found, so kubefedctl uses the pod's service account (in-cluster configuration), whose only context is "${IN_CLUSTER_CONTEXT}". Pass --kubeconfig or set KUBECONFIG to use named contexts.`,
    });
  };
  return {
    files: [],
    currentContext: IN_CLUSTER_CONTEXT,
    contextNames: [IN_CLUSTER_CONTEXT],
    context(name) {
      check(name);
      return { ...context };
    },
    user(name) {
      check(name);
      return { ...user };
    },
  };
}

/** POD_NAMESPACE (downward API) first, then the service account's namespace file, then "default". */
function inClusterNamespace(env: NodeJS.ProcessEnv, dir: string): string {
  const fromEnv = env.POD_NAMESPACE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    const fromFile = readFileSync(path.join(dir, 'namespace'), 'utf8').trim();
    if (fromFile !== '') return fromFile;
  } catch {
    // No namespace file: the default namespace, as client-go.
  }
  return 'default';
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function holdsCertificate(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes('-----BEGIN CERTIFICATE-----');
  } catch {
    return false;
  }
}
