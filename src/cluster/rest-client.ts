// ClusterClient over raw HTTPS with JSON bodies: the verbs, paths and discovery. Raw node:https
// rather than @kubernetes/client-node: its serializer drops fields it does not know (CRD schemas
// lose x-kubernetes-* keys), and its import alone costs ~400 ms (docs/dependencies.md).
// The HTTP exchange is transport.ts, watches watch.ts, TLS tls.ts, proxies proxy.ts.

import { InternalError } from '../errors.js';
import { isPlainObject, joinApiVersion, type GroupVersionResource, type KubeObject } from '../core/types.js';
import { qualifiedResource } from '../core/gvr.js';
import type { Logger } from '../log.js';
import { createCredentialProvider, type ExecCredentialCache } from './credentials.js';
import type { OidcCache } from './oidc.js';
import { createTransport, type ApiTransport, type RequestSpec } from './transport.js';
import { watchUntil } from './watch.js';
import type { ApiGroupInfo, ApiResourceInfo, ClusterClient, ContextInfo, Kubeconfig, ListOptions, PatchType, WatchEvent, WriteOptions } from './types.js';

export interface ClusterClientDeps {
  logger: Logger;
  /** Environment for exec plugins and HTTPS_PROXY / NO_PROXY. */
  env: NodeJS.ProcessEnv;
  /** Per-request timeout; 0 disables it. Watches use it only until the response starts. Default 30 s. */
  requestTimeoutMs?: number | undefined;
  /** Page size of list requests. Default 500, as kubectl. */
  defaultPageSize?: number | undefined;
  userAgent?: string | undefined;
  stdinIsTerminal?: boolean | undefined;
  /** Where exec plugins' stderr goes; default inherited. */
  pluginStderr?: NodeJS.WritableStream | undefined;
  execCache?: ExecCredentialCache | undefined;
  oidcCache?: OidcCache | undefined;
}

const DEFAULT_PAGE_SIZE = 500;

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export async function createClusterClient(kubeconfig: Kubeconfig, contextName: string | undefined, deps: ClusterClientDeps): Promise<ClusterClient> {
  const context = kubeconfig.context(contextName);
  const user = kubeconfig.user?.(context.name);
  const credentials = createCredentialProvider(context, user, {
    env: deps.env,
    stdinIsTerminal: deps.stdinIsTerminal,
    pluginStderr: deps.pluginStderr,
    execCache: deps.execCache,
    oidcCache: deps.oidcCache,
    logger: deps.logger,
  });
  const transport = await createTransport(context, credentials, {
    logger: deps.logger,
    env: deps.env,
    requestTimeoutMs: deps.requestTimeoutMs,
    userAgent: deps.userAgent,
    userMissing: context.userName !== '' && user === undefined,
  });
  return new RestClusterClient(context, transport, deps.defaultPageSize ?? DEFAULT_PAGE_SIZE);
}

class RestClusterClient implements ClusterClient {
  readonly contextName: string;
  readonly context: ContextInfo;
  readonly #transport: ApiTransport;
  readonly #pageSize: number;

  constructor(context: ContextInfo, transport: ApiTransport, pageSize: number) {
    this.context = context;
    this.contextName = context.name;
    this.#transport = transport;
    this.#pageSize = pageSize;
  }

  get requestCount(): number {
    return this.#transport.requestCount;
  }

  preconnect(): void {
    this.#transport.preconnect();
  }

  close(): void {
    this.#transport.close();
  }

  async get(gvr: GroupVersionResource, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const response = await this.#transport.request(
      { method: 'GET', path: resourcePath(gvr, namespace, name), verb: 'get', target: describeTarget(gvr, namespace, name), resource: gvr.resource },
      [404],
    );
    return response.status === 404 ? undefined : (response.json() as KubeObject);
  }

  async create(gvr: GroupVersionResource, object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const namespace = object.metadata.namespace;
    const response = await this.#transport.request({
      method: 'POST',
      path: resourcePath(gvr, namespace),
      query: dryRunQuery(options),
      body: object,
      contentType: 'application/json',
      verb: 'create',
      target: describeTarget(gvr, namespace, object.metadata.name ?? object.metadata.generateName),
      resource: gvr.resource,
    });
    return response.json() as KubeObject;
  }

  async update(gvr: GroupVersionResource, object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const { name, namespace } = object.metadata;
    if (name === undefined || name === '') throw new InternalError(`update of ${gvr.resource} without metadata.name`);
    const response = await this.#transport.request({
      method: 'PUT',
      path: resourcePath(gvr, namespace, name),
      query: dryRunQuery(options),
      body: object,
      contentType: 'application/json',
      verb: 'update',
      target: describeTarget(gvr, namespace, name),
      resource: gvr.resource,
    });
    return response.json() as KubeObject;
  }

  async patch(
    gvr: GroupVersionResource,
    name: string,
    namespace: string | undefined,
    patch: unknown,
    type: PatchType,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    const response = await this.#transport.request({
      method: 'PATCH',
      path: resourcePath(gvr, namespace, name),
      query: dryRunQuery(options),
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      verb: 'patch',
      target: describeTarget(gvr, namespace, name),
      resource: gvr.resource,
    });
    return response.json() as KubeObject;
  }

  async delete(
    gvr: GroupVersionResource,
    name: string,
    namespace?: string,
    options: WriteOptions & { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' } = {},
  ): Promise<boolean> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (options.propagationPolicy !== undefined) body.propagationPolicy = options.propagationPolicy;
    if (options.serverDryRun === true) body.dryRun = ['All'];
    const response = await this.#transport.request(
      {
        method: 'DELETE',
        path: resourcePath(gvr, namespace, name),
        query: dryRunQuery(options),
        body,
        contentType: 'application/json',
        verb: 'delete',
        target: describeTarget(gvr, namespace, name),
        resource: gvr.resource,
      },
      [404],
    );
    return response.status !== 404;
  }

  list(gvr: GroupVersionResource, options: ListOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    return this.#list(gvr, options, undefined);
  }

  async #list(gvr: GroupVersionResource, options: ListOptions, signal: AbortSignal | undefined): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const limit = options.limit ?? this.#pageSize;
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    let paginate = limit > 0;
    for (;;) {
      const query = {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        limit: paginate ? String(limit) : undefined,
        continue: continueToken,
        resourceVersion: options.fromCache && continueToken === undefined ? '0' : undefined,
      };
      const spec: RequestSpec = {
        method: 'GET',
        path: resourcePath(gvr, options.namespace),
        query,
        verb: 'list',
        target: describeTarget(gvr, options.namespace),
        resource: gvr.resource,
      };
      const response = await this.#transport.request(spec, continueToken !== undefined ? [410] : [], signal);
      if (response.status === 410) {
        // The continue token expired mid-way (compaction): start over in one unpaginated request, as kubectl's pager does.
        items.length = 0;
        continueToken = undefined;
        paginate = false;
        continue;
      }
      const list = response.json();
      if (!isPlainObject(list)) throw new TypeError(`list ${describeTarget(gvr, options.namespace)} returned a non-object`);
      const metadata = isPlainObject(list.metadata) ? list.metadata : {};
      if (continueToken === undefined) resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '';
      // The server leaves apiVersion and kind off list items.
      const apiVersion = typeof list.apiVersion === 'string' ? list.apiVersion : joinApiVersion(gvr.group, gvr.version);
      const kind = typeof list.kind === 'string' ? list.kind.replace(/List$/, '') : undefined;
      for (const item of Array.isArray(list.items) ? list.items : []) {
        if (!isPlainObject(item)) continue;
        items.push({
          ...item,
          apiVersion: typeof item.apiVersion === 'string' ? item.apiVersion : apiVersion,
          kind: typeof item.kind === 'string' ? item.kind : (kind ?? ''),
        } as KubeObject);
      }
      continueToken = typeof metadata.continue === 'string' && metadata.continue !== '' ? metadata.continue : undefined;
      if (continueToken === undefined) return { items, resourceVersion };
    }
  }

  watchUntil<T>(
    gvr: GroupVersionResource,
    options: ListOptions & { timeoutMs: number; description: string },
    until: (event: WatchEvent) => T | undefined,
  ): Promise<T> {
    const collection = {
      path: resourcePath(gvr, options.namespace),
      target: describeTarget(gvr, options.namespace),
      resource: gvr.resource,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      list: (signal: AbortSignal) => this.#list(gvr, options, signal),
    };
    return watchUntil(this.#transport, collection, options, until);
  }

  /**
   * Discovery asks for the aggregated form first (apidiscovery.k8s.io/v2, Kubernetes 1.30+): /api
   * and /apis then carry every group's resources, so discovery is 2 requests instead of one per
   * group/version. Older servers answer with the plain lists, and serverResources asks per version.
   */
  async serverGroups(): Promise<ApiGroupInfo[]> {
    const [core, named] = await Promise.all([this.#discoveryDocument('/api'), this.#discoveryDocument('/apis')]);
    const aggregated = isAggregatedDiscovery(core) && isAggregatedDiscovery(named) ? [core, named] : undefined;
    this.#aggregatedResources = aggregated && resourcesFromAggregatedDiscovery(aggregated);
    if (aggregated) return groupsFromAggregatedDiscovery(aggregated);
    const groups: ApiGroupInfo[] = [];
    if (isPlainObject(core) && Array.isArray(core.versions)) {
      const versions = core.versions.filter((v): v is string => typeof v === 'string');
      if (versions.length > 0) groups.push({ name: '', preferredVersion: versions[0]!, versions });
    }
    if (isPlainObject(named) && Array.isArray(named.groups)) {
      for (const group of named.groups) {
        if (!isPlainObject(group) || typeof group.name !== 'string') continue;
        const versions = (Array.isArray(group.versions) ? group.versions : [])
          .map((v) => (isPlainObject(v) && typeof v.version === 'string' ? v.version : undefined))
          .filter((v): v is string => v !== undefined);
        const preferred =
          isPlainObject(group.preferredVersion) && typeof group.preferredVersion.version === 'string' ? group.preferredVersion.version : versions[0];
        if (preferred !== undefined) groups.push({ name: group.name, preferredVersion: preferred, versions });
      }
    }
    return groups;
  }

  #aggregatedResources: Map<string, ApiResourceInfo[]> | undefined;

  async #discoveryDocument(path: '/api' | '/apis'): Promise<unknown> {
    const response = await this.#transport.request({ method: 'GET', path, verb: 'get', target: path, accept: AGGREGATED_DISCOVERY_ACCEPT });
    return response.json();
  }

  async serverResources(group: string, version: string): Promise<ApiResourceInfo[]> {
    const aggregated = this.#aggregatedResources?.get(joinApiVersion(group, version));
    if (aggregated) return aggregated;
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const response = await this.#transport.request({ method: 'GET', path, verb: 'get', target: `resources of ${joinApiVersion(group, version)}` });
    const list = response.json();
    if (!isPlainObject(list) || !Array.isArray(list.resources)) return [];
    const resources: ApiResourceInfo[] = [];
    for (const entry of list.resources) {
      if (!isPlainObject(entry) || typeof entry.name !== 'string' || entry.name.includes('/')) continue;
      resources.push({
        group: typeof entry.group === 'string' ? entry.group : group,
        version: typeof entry.version === 'string' ? entry.version : version,
        name: entry.name,
        singularName: typeof entry.singularName === 'string' ? entry.singularName : '',
        kind: typeof entry.kind === 'string' ? entry.kind : '',
        namespaced: entry.namespaced === true,
        shortNames: stringArray(entry.shortNames),
        verbs: stringArray(entry.verbs),
        categories: Array.isArray(entry.categories) ? stringArray(entry.categories) : undefined,
      });
    }
    return resources;
  }

  async getRaw(path: string): Promise<unknown> {
    const [pathname, search] = splitQuery(path.startsWith('/') ? path : `/${path}`);
    const resource = /\/secrets(\/|$)/.test(pathname) ? 'secrets' : undefined;
    const response = await this.#transport.request({ method: 'GET', path: pathname, query: search, verb: 'get', target: pathname, resource });
    try {
      return response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      return response.body;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Aggregated discovery (apidiscovery.k8s.io/v2: APIGroupDiscoveryList)

/** What kubectl asks for: the aggregated document, else the plain one. */
const AGGREGATED_DISCOVERY_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

function isAggregatedDiscovery(document: unknown): document is { items: unknown[] } {
  return isPlainObject(document) && document.kind === 'APIGroupDiscoveryList' && Array.isArray(document.items);
}

/** Versions are listed in preference order (the first is the preferred one). */
function groupsFromAggregatedDiscovery(documents: Array<{ items: unknown[] }>): ApiGroupInfo[] {
  const groups: ApiGroupInfo[] = [];
  for (const item of documents.flatMap((d) => d.items)) {
    if (!isPlainObject(item) || !Array.isArray(item.versions)) continue;
    const name = isPlainObject(item.metadata) && typeof item.metadata.name === 'string' ? item.metadata.name : '';
    const versions = item.versions.flatMap((v) => (isPlainObject(v) && typeof v.version === 'string' ? [v.version] : []));
    if (versions.length > 0) groups.push({ name, preferredVersion: versions[0]!, versions });
  }
  return groups;
}

function resourcesFromAggregatedDiscovery(documents: Array<{ items: unknown[] }>): Map<string, ApiResourceInfo[]> {
  const byVersion = new Map<string, ApiResourceInfo[]>();
  for (const item of documents.flatMap((d) => d.items)) {
    if (!isPlainObject(item) || !Array.isArray(item.versions)) continue;
    const group = isPlainObject(item.metadata) && typeof item.metadata.name === 'string' ? item.metadata.name : '';
    for (const entry of item.versions) {
      if (!isPlainObject(entry) || typeof entry.version !== 'string' || !Array.isArray(entry.resources)) continue;
      const version = entry.version;
      const resources: ApiResourceInfo[] = [];
      for (const resource of entry.resources) {
        if (!isPlainObject(resource) || typeof resource.resource !== 'string') continue;
        const kind = isPlainObject(resource.responseKind) && typeof resource.responseKind.kind === 'string' ? resource.responseKind.kind : '';
        resources.push({
          group,
          version,
          name: resource.resource,
          singularName: typeof resource.singularResource === 'string' ? resource.singularResource : '',
          kind,
          namespaced: resource.scope === 'Namespaced',
          shortNames: stringArray(resource.shortNames),
          verbs: stringArray(resource.verbs),
          categories: Array.isArray(resource.categories) ? stringArray(resource.categories) : undefined,
        });
      }
      byVersion.set(joinApiVersion(group, version), resources);
    }
  }
  return byVersion;
}

// ---------------------------------------------------------------------------------------------
// Paths and helpers

export function resourcePath(gvr: GroupVersionResource, namespace?: string, name?: string): string {
  const prefix = gvr.group === '' ? `/api/${gvr.version}` : `/apis/${gvr.group}/${gvr.version}`;
  const scope = namespace !== undefined && namespace !== '' ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${prefix}${scope}/${gvr.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}

function describeTarget(gvr: GroupVersionResource, namespace?: string, name?: string): string {
  const type = qualifiedResource(gvr);
  if (name === undefined) return namespace ? `${type} in namespace ${namespace}` : type;
  return `${type} ${namespace ? `${namespace}/${name}` : name}`;
}

function dryRunQuery(options: WriteOptions): Record<string, string | undefined> {
  return { dryRun: options.serverDryRun === true ? 'All' : undefined };
}

function splitQuery(path: string): [string, Record<string, string>] {
  const mark = path.indexOf('?');
  if (mark < 0) return [path, {}];
  return [path.slice(0, mark), Object.fromEntries(new URLSearchParams(path.slice(mark + 1)))];
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
