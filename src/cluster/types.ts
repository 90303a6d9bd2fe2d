// The port between commands and clusters. Commands and tests depend on these interfaces only;
// cluster/rest-client.ts implements them over raw HTTPS with credentials from the kubeconfig.

import type { ApiResource } from '../core/api-resources.js';
import type { GroupVersionResource, KubeObject } from '../core/types.js';

/** What kubeconfig says about one context, resolved the way kubectl resolves it. */
export interface ContextInfo {
  /** Context name. */
  name: string;
  clusterName: string;
  userName: string;
  /** Namespace of the context, or "default". */
  namespace: string;
  /** The cluster's `server` exactly as written (trailing slash kept). */
  server: string;
  /** Inline certificate-authority-data (base64), if the kubeconfig had it inline. */
  caData?: string | undefined;
  /** Absolute path of certificate-authority, if given as a file. */
  caFile?: string | undefined;
  insecureSkipTlsVerify: boolean;
  proxyUrl?: string | undefined;
  tlsServerName?: string | undefined;
  /** The cluster's `disable-compression`: do not ask the server for gzip responses. */
  disableCompression?: boolean | undefined;
  /** The cluster's `extensions[client.authentication.k8s.io/exec]`, handed to exec plugins as spec.cluster.config. */
  execClusterConfig?: unknown;
}

export type ExecInteractiveMode = 'Never' | 'IfAvailable' | 'Always';

/** A user's `exec` stanza (client-go credential plugin). */
export interface ExecCredentialConfig {
  /** client.authentication.k8s.io/v1 or v1beta1. */
  apiVersion: string;
  /** Absolute when the kubeconfig gave a path with a separator; otherwise looked up on PATH. */
  command: string;
  args: string[];
  /** Added to the plugin's environment only. */
  env: Array<{ name: string; value: string }>;
  installHint?: string | undefined;
  provideClusterInfo: boolean;
  /** As written; undefined when absent (v1beta1 then means IfAvailable, v1 requires it). */
  interactiveMode?: string | undefined;
}

/**
 * A kubeconfig `users[].user` stanza with relative file paths already made absolute.
 * Holds secrets: never log or print it.
 */
export interface KubeconfigUser {
  name: string;
  /** The kubeconfig file that defines this user (the first one, when several do); refreshed OIDC tokens are written there. */
  origin?: string | undefined;
  token?: string | undefined;
  /** Absolute path; re-read on every request. */
  tokenFile?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  clientCertificate?: string | undefined;
  /** Base64 PEM, as written. */
  clientCertificateData?: string | undefined;
  clientKey?: string | undefined;
  /** Base64 PEM, as written. */
  clientKeyData?: string | undefined;
  exec?: ExecCredentialConfig | undefined;
  authProvider?: { name: string; config: Record<string, string> } | undefined;
  impersonate?: string | undefined;
  impersonateUid?: string | undefined;
  impersonateGroups?: string[] | undefined;
  impersonateUserExtra?: Record<string, string[]> | undefined;
}

export interface Kubeconfig {
  /** Files that were read, in order (missing KUBECONFIG entries skipped). */
  readonly files: readonly string[];
  readonly currentContext: string | undefined;
  readonly contextNames: readonly string[];
  /** Throws ConfigError `context "x" does not exist` for an unknown name; undefined = current context. */
  context(name?: string): ContextInfo;
  /**
   * Credentials of the context's user; undefined when the context names no user or one the
   * kubeconfig does not define (requests are then anonymous, as with kubectl). Optional so that
   * hand-written fakes need not provide it.
   */
  user?(contextName?: string): KubeconfigUser | undefined;
}

export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Page size; the client follows `continue` tokens and returns all items. */
  limit?: number | undefined;
  /**
   * resourceVersion=0: the API server answers from its watch cache instead of reading etcd, far
   * cheaper for a burst of lists, and current to within moments (a list is out of date as soon as
   * it is answered anyway).
   */
  fromCache?: boolean | undefined;
}

export interface WriteOptions {
  /** Sends dryRun=All: the server validates and admits but persists nothing. */
  serverDryRun?: boolean | undefined;
}

export type PatchType = 'merge' | 'json' | 'strategic';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

/** A resource as discovery lists it (subresources are not listed); always with its verbs. */
export interface ApiResourceInfo extends ApiResource {
  shortNames: string[];
  verbs: string[];
  categories?: string[] | undefined;
}

export interface ApiGroupInfo {
  name: string;
  preferredVersion: string;
  versions: string[];
}

export interface ClusterClient {
  readonly contextName: string;
  readonly context: ContextInfo;
  /** Number of HTTP requests this client has sent (benchmarks report it). */
  readonly requestCount: number;
  /**
   * Starts connecting now, without waiting: a command that knows which clusters it will talk to
   * calls it early, so that the TLS handshake overlaps the rest of its start. A failure is left for
   * the first request to report.
   */
  preconnect(): void;

  /** undefined when the object does not exist (404); other failures throw ClusterApiError. */
  get(gvr: GroupVersionResource, name: string, namespace?: string): Promise<KubeObject | undefined>;
  /** Throws AlreadyExistsError on 409 AlreadyExists. Returns the object as stored. */
  create(gvr: GroupVersionResource, object: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  /** PUT of the whole object. */
  update(gvr: GroupVersionResource, object: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  patch(gvr: GroupVersionResource, name: string, namespace: string | undefined, patch: unknown, type: PatchType, options?: WriteOptions): Promise<KubeObject>;
  /** false when it was already gone (404). */
  delete(
    gvr: GroupVersionResource,
    name: string,
    namespace?: string,
    options?: WriteOptions & { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' },
  ): Promise<boolean>;
  /** Follows pagination. */
  list(gvr: GroupVersionResource, options?: ListOptions): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  /**
   * Watches until `until(event)` returns a value other than undefined, which it resolves with,
   * or rejects with TimeoutError after timeoutMs. Starts from a fresh list, so the current state
   * counts as ADDED events.
   */
  watchUntil<T>(
    gvr: GroupVersionResource,
    options: ListOptions & { timeoutMs: number; description: string },
    until: (event: WatchEvent) => T | undefined,
  ): Promise<T>;

  /** Discovery: /api and /apis. */
  serverGroups(): Promise<ApiGroupInfo[]>;
  /** Discovery: resources of one group/version (no subresources). */
  serverResources(group: string, version: string): Promise<ApiResourceInfo[]>;
  /** Raw GET of a path (e.g. /openapi/v2, /version); parsed JSON. */
  getRaw(path: string): Promise<unknown>;
  /** Drops idle keep-alive connections. Optional; idle sockets never keep the process alive anyway. */
  close?(): void;
}

/** Creates clients by kubeconfig context; one per context per command run. */
export type ClusterFactory = (contextName: string | undefined) => Promise<ClusterClient>;
