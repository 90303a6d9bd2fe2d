// ClusterClient over raw HTTPS with JSON bodies. Raw node:https rather than @kubernetes/client-node:
// its serializer drops fields it does not know (CRD schemas lose x-kubernetes-* keys), and its
// import alone costs ~400 ms.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Duplex } from 'node:stream';

import { ClusterApiError, ConfigError, InternalError, TimeoutError } from '../errors.js';
import { isPlainObject, joinApiVersion, type GroupVersionResource, type KubeObject } from '../core/types.js';
import type { Logger } from '../log.js';
import { redactHeaders, redactObject, redactText } from '../redact.js';
import { errorFromNetworkFailure, errorFromResponse } from './api-errors.js';
import { formatDuration } from '../core/duration.js';
import { createCredentialProvider, type CredentialProvider, type ExecCredentialCache, type RequestCredentials } from './credentials.js';
import type {
  ApiGroupInfo,
  ApiResourceInfo,
  ClusterClient,
  ContextInfo,
  Kubeconfig,
  ListOptions,
  PatchType,
  WatchEvent,
  WriteOptions,
} from './types.js';

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
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_PAGE_SIZE = 500;
const BODY_LOG_LIMIT = 10_240;

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
    logger: deps.logger,
  });
  return new RestClusterClient(context, credentials, { userMissing: context.userName !== '' && user === undefined, ...deps });
}

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestSpec {
  method: HttpMethod;
  /** API path without the server's own path prefix, e.g. /api/v1/namespaces. */
  path: string;
  query?: Record<string, string | undefined> | undefined;
  body?: unknown;
  contentType?: string | undefined;
  /** For error messages: kubectl verb and the object or collection. */
  verb: string;
  target: string;
  /** Resource the request is about, for redacting Secret payloads in logs. */
  resource?: string | undefined;
}

interface Exchange {
  response: http.IncomingMessage;
  url: string;
  startedAt: number;
  /** Stops the per-request timer (streams outlive it). */
  settle(): void;
  timedOut(): boolean;
}

interface BufferedResponse {
  status: number;
  body: string;
  /** The parsed body; a body that is not JSON is a ClusterApiError (not an API server?). */
  json(): unknown;
}

const CANCELLED = Symbol('cancelled');

class RestClusterClient implements ClusterClient {
  readonly contextName: string;
  readonly context: ContextInfo;
  #requestCount = 0;
  readonly #credentials: CredentialProvider;
  readonly #logger: Logger;
  readonly #serverUrl: URL;
  readonly #basePath: string;
  readonly #agent: http.Agent;
  readonly #tlsOptions: tls.ConnectionOptions;
  readonly #proxyLabel: string | undefined;
  readonly #timeoutMs: number;
  readonly #pageSize: number;
  readonly #userAgent: string;
  readonly #userMissing: boolean;

  constructor(context: ContextInfo, credentials: CredentialProvider, deps: ClusterClientDeps & { userMissing: boolean }) {
    this.context = context;
    this.contextName = context.name;
    this.#credentials = credentials;
    this.#logger = deps.logger;
    this.#timeoutMs = deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#pageSize = deps.defaultPageSize ?? DEFAULT_PAGE_SIZE;
    this.#userAgent = deps.userAgent ?? `kubefedctl (${process.platform}/${process.arch}) node/${process.version}`;
    this.#userMissing = deps.userMissing;
    this.#serverUrl = parseServerUrl(context);
    this.#basePath = this.#serverUrl.pathname.replace(/\/+$/, '');
    this.#tlsOptions = tlsOptionsFor(context, this.#serverUrl);
    const proxy = resolveProxy(context, deps.env, this.#serverUrl);
    this.#proxyLabel = proxy ? maskProxyCredentials(proxy) : undefined;
    this.#agent = createAgent(this.#serverUrl, proxy);
  }

  get requestCount(): number {
    return this.#requestCount;
  }

  close(): void {
    this.#agent.destroy();
  }

  async get(gvr: GroupVersionResource, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const response = await this.#request({ method: 'GET', path: resourcePath(gvr, namespace, name), verb: 'get', target: describeTarget(gvr, namespace, name), resource: gvr.resource }, [404]);
    return response.status === 404 ? undefined : (response.json() as KubeObject);
  }

  async create(gvr: GroupVersionResource, object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const namespace = object.metadata.namespace;
    const response = await this.#request({
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
    const response = await this.#request({
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

  async patch(gvr: GroupVersionResource, name: string, namespace: string | undefined, patch: unknown, type: PatchType, options: WriteOptions = {}): Promise<KubeObject> {
    const response = await this.#request({
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
    const response = await this.#request(
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
      const query = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: paginate ? String(limit) : undefined, continue: continueToken };
      const spec: RequestSpec = { method: 'GET', path: resourcePath(gvr, options.namespace), query, verb: 'list', target: describeTarget(gvr, options.namespace), resource: gvr.resource };
      const response = await this.#request(spec, continueToken !== undefined ? [410] : [], signal);
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
        items.push({ ...item, apiVersion: typeof item.apiVersion === 'string' ? item.apiVersion : apiVersion, kind: typeof item.kind === 'string' ? item.kind : (kind ?? '') } as KubeObject);
      }
      continueToken = typeof metadata.continue === 'string' && metadata.continue !== '' ? metadata.continue : undefined;
      if (continueToken === undefined) return { items, resourceVersion };
    }
  }

  async watchUntil<T>(
    gvr: GroupVersionResource,
    options: ListOptions & { timeoutMs: number; description: string },
    until: (event: WatchEvent) => T | undefined,
  ): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(CANCELLED);
        reject(new TimeoutError(`timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.description}`));
      }, options.timeoutMs);
    });
    try {
      return await Promise.race([this.#watchLoop(gvr, options, until, controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
      controller.abort(CANCELLED);
    }
  }

  async #watchLoop<T>(gvr: GroupVersionResource, options: ListOptions, until: (event: WatchEvent) => T | undefined, signal: AbortSignal): Promise<T> {
    let resourceVersion: string | undefined;
    let connectFailures = 0;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      if (resourceVersion === undefined) {
        const { items, resourceVersion: listedVersion } = await this.#list(gvr, options, signal);
        for (const object of items) {
          const result = until({ type: 'ADDED', object });
          if (result !== undefined) return result;
        }
        resourceVersion = listedVersion;
      }
      const startedAt = Date.now();
      let outcome: WatchOutcome<T>;
      try {
        outcome = await this.#watchOnce(gvr, options, resourceVersion, until, signal);
        connectFailures = 0;
      } catch (error) {
        // A transient network failure while (re)connecting is retried a few times; HTTP errors are final.
        if (signal.aborted || !isNetworkError(error) || ++connectFailures > 3) throw error;
        outcome = { kind: 'closed', resourceVersion };
      }
      if (outcome.kind === 'done') return outcome.value;
      resourceVersion = outcome.kind === 'expired' ? undefined : outcome.resourceVersion;
      // The server may close watches at any time; reconnect, but do not spin if it does so at once.
      if (Date.now() - startedAt < 1000) await delay(connectFailures > 0 ? 1000 * connectFailures : 200, signal);
    }
  }

  async #watchOnce<T>(
    gvr: GroupVersionResource,
    options: ListOptions,
    resourceVersion: string,
    until: (event: WatchEvent) => T | undefined,
    signal: AbortSignal,
  ): Promise<WatchOutcome<T>> {
    const spec: RequestSpec = {
      method: 'GET',
      path: resourcePath(gvr, options.namespace),
      query: {
        watch: '1',
        resourceVersion: resourceVersion === '' ? undefined : resourceVersion,
        allowWatchBookmarks: 'true',
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
      },
      verb: 'watch',
      target: describeTarget(gvr, options.namespace),
      resource: gvr.resource,
    };
    const exchange = await this.#open(spec, { signal, stream: true });
    const { response } = exchange;
    this.#logResponse(spec, exchange, response.statusCode ?? 0, response, '');
    if (response.statusCode !== 200) {
      const body = await readBody(response);
      exchange.settle();
      if (response.statusCode === 410) return { kind: 'expired' };
      throw this.#responseError(spec, response.statusCode ?? 0, body.toString('utf8'));
    }
    exchange.settle();

    let currentVersion = resourceVersion;
    return new Promise<WatchOutcome<T>>((resolve, reject) => {
      let buffered = '';
      let finished = false;
      const finish = (outcome: WatchOutcome<T> | Error) => {
        if (finished) return;
        finished = true;
        response.removeAllListeners('data');
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
        if (outcome instanceof Error || outcome.kind !== 'closed') response.destroy();
      };
      const handleLine = (line: string) => {
        if (line.trim() === '') return;
        let event: unknown;
        try {
          event = JSON.parse(line);
        } catch {
          finish(new TypeError(`watch ${spec.target}: the server sent a line that is not JSON`));
          return;
        }
        if (!isPlainObject(event) || typeof event.type !== 'string' || !isPlainObject(event.object)) return;
        const object = event.object as KubeObject;
        if (event.type === 'ERROR') {
          const status = object as { code?: unknown; reason?: unknown };
          if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') {
            finish({ kind: 'expired' });
            return;
          }
        } else {
          const version = isPlainObject(object.metadata) ? object.metadata.resourceVersion : undefined;
          if (typeof version === 'string' && version !== '') currentVersion = version;
        }
        let result: T | undefined;
        try {
          result = until({ type: event.type as WatchEvent['type'], object });
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (result !== undefined) {
          finish({ kind: 'done', value: result });
        } else if (event.type === 'ERROR') {
          const status = object as { code?: unknown };
          finish(this.#responseError(spec, typeof status.code === 'number' ? status.code : 500, JSON.stringify(object)));
        }
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf('\n');
        while (newline >= 0 && !finished) {
          handleLine(buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
        }
      });
      response.on('end', () => {
        if (!finished && buffered.trim() !== '') handleLine(buffered);
        finish({ kind: 'closed', resourceVersion: currentVersion });
      });
      response.on('error', () => finish({ kind: 'closed', resourceVersion: currentVersion }));
      response.on('close', () => finish({ kind: 'closed', resourceVersion: currentVersion }));
    });
  }

  async serverGroups(): Promise<ApiGroupInfo[]> {
    const [core, named] = await Promise.all([this.getRaw('/api'), this.getRaw('/apis')]);
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
        const preferred = isPlainObject(group.preferredVersion) && typeof group.preferredVersion.version === 'string' ? group.preferredVersion.version : versions[0];
        if (preferred !== undefined) groups.push({ name: group.name, preferredVersion: preferred, versions });
      }
    }
    return groups;
  }

  async serverResources(group: string, version: string): Promise<ApiResourceInfo[]> {
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const response = await this.#request({ method: 'GET', path, verb: 'get', target: `resources of ${joinApiVersion(group, version)}` });
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
    const response = await this.#request({ method: 'GET', path: pathname, query: search, verb: 'get', target: pathname, resource });
    try {
      return response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      return response.body;
    }
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  /** Sends a request and reads the whole answer; statuses in `allowed` are returned, other failures thrown. */
  async #request(spec: RequestSpec, allowed: readonly number[] = [], signal?: AbortSignal): Promise<BufferedResponse> {
    const exchange = await this.#open(spec, { signal, stream: false });
    const { response } = exchange;
    let raw: Buffer;
    try {
      raw = await readBody(response);
    } catch (error) {
      exchange.settle();
      throw this.#networkError(spec, exchange.url, error, exchange.timedOut());
    }
    exchange.settle();
    let body: string;
    try {
      body = (response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    } catch (error) {
      throw this.#networkError(spec, exchange.url, error, false);
    }
    const status = response.statusCode ?? 0;
    this.#logResponse(spec, exchange, status, response, body);
    if ((status >= 200 && status < 300) || allowed.includes(status)) {
      const json = () => {
        try {
          return body === '' ? undefined : (JSON.parse(body) as unknown);
        } catch (error) {
          throw new ClusterApiError(
            {
              context: this.contextName,
              verb: spec.verb,
              target: spec.target,
              status,
              reason: 'InvalidResponse',
              serverMessage: `${spec.method} ${exchange.url} answered with a body that is not JSON (${String(response.headers['content-type'] ?? 'no content type')})`,
            },
            { hint: `Check that server of cluster "${this.context.clusterName}" (${this.context.server}) is a Kubernetes API server.`, cause: error },
          );
        }
      };
      return { status, body, json };
    }
    throw this.#responseError(spec, status, body);
  }

  /** Opens the exchange, retrying once after a 401 with refreshed plugin credentials and on 429 Retry-After. */
  async #open(spec: RequestSpec, options: { signal?: AbortSignal | undefined; stream: boolean }): Promise<Exchange> {
    let refreshedCredentials = false;
    let throttled = 0;
    let resetRetried = false;
    for (;;) {
      const credentials = await this.#credentials.current();
      let exchange: Exchange;
      try {
        exchange = await this.#dispatch(spec, credentials, options);
      } catch (error) {
        if (isReusedSocketReset(error) && !resetRetried && spec.method !== 'POST' && spec.method !== 'PATCH') {
          resetRetried = true;
          continue;
        }
        throw error;
      }
      const status = exchange.response.statusCode ?? 0;
      if (status === 401 && !refreshedCredentials && this.#credentials.invalidate(credentials)) {
        refreshedCredentials = true;
        await this.#discard(spec, exchange);
        continue;
      }
      const retryAfter = retryAfterSeconds(exchange.response);
      if (retryAfter !== undefined && throttled < 3 && (status === 429 || (status >= 500 && spec.method === 'GET'))) {
        throttled++;
        await this.#discard(spec, exchange);
        await delay(Math.min(retryAfter, 10) * 1000, options.signal);
        continue;
      }
      return exchange;
    }
  }

  async #discard(spec: RequestSpec, exchange: Exchange): Promise<void> {
    const body = await readBody(exchange.response).catch(() => Buffer.alloc(0));
    exchange.settle();
    this.#logResponse(spec, exchange, exchange.response.statusCode ?? 0, exchange.response, body.toString('utf8'));
  }

  #dispatch(spec: RequestSpec, credentials: RequestCredentials, options: { signal?: AbortSignal | undefined; stream: boolean }): Promise<Exchange> {
    const url = this.#url(spec);
    const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const headers: Record<string, string | string[]> = {
      Accept: 'application/json',
      'User-Agent': this.#userAgent,
      ...credentials.headers,
    };
    if (!options.stream && this.context.disableCompression !== true) headers['Accept-Encoding'] = 'gzip';
    if (payload !== undefined) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    this.#requestCount++;
    this.#logRequest(spec, url, headers, payload);

    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const onExternalAbort = () => controller.abort(CANCELLED);
    if (options.signal?.aborted) controller.abort(CANCELLED);
    options.signal?.addEventListener('abort', onExternalAbort, { once: true });
    if (this.#timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(CANCELLED);
      }, this.#timeoutMs);
    }
    const settle = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onExternalAbort);
    };
    const startedAt = Date.now();
    const transport = this.#serverUrl.protocol === 'https:' ? https : http;

    return new Promise<Exchange>((resolve, reject) => {
      const request = transport.request(url, {
        method: spec.method,
        headers,
        agent: this.#agent,
        signal: controller.signal,
        ...this.#tlsOptions,
        ...(credentials.cert !== undefined ? { cert: credentials.cert, key: credentials.key } : {}),
      });
      request.on('response', (response) => {
        // After settle() our timer no longer guards the body; the external signal still cancels it.
        const { signal } = options;
        if (options.stream && signal) {
          const cancel = () => response.destroy();
          signal.addEventListener('abort', cancel, { once: true });
          response.once('close', () => signal.removeEventListener('abort', cancel));
        }
        resolve({ response, url, startedAt, settle, timedOut: () => timedOut });
      });
      request.on('error', (error) => {
        settle();
        if (options.signal?.aborted) {
          reject(options.signal.reason ?? error);
          return;
        }
        this.#logger.log(6, `${spec.method} ${url} (failed: ${errorLabel(error, timedOut)}) in ${Date.now() - startedAt} milliseconds`);
        const failure = this.#networkError(spec, url, error, timedOut);
        (failure as { reusedSocket?: boolean }).reusedSocket = request.reusedSocket;
        reject(failure);
      });
      request.end(payload);
    });
  }

  #url(spec: RequestSpec): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) if (value !== undefined) params.set(key, value);
    const query = params.toString();
    return `${this.#serverUrl.origin}${this.#basePath}${spec.path}${query === '' ? '' : `?${query}`}`;
  }

  #networkError(spec: RequestSpec, url: string, error: unknown, timedOut: boolean): ClusterApiError {
    return errorFromNetworkFailure({
      contextName: this.contextName,
      clusterName: this.context.clusterName,
      server: this.context.server,
      verb: spec.verb,
      target: spec.target,
      method: spec.method,
      url,
      error,
      timeoutMs: timedOut ? this.#timeoutMs : undefined,
      proxy: this.#proxyLabel,
    });
  }

  #responseError(spec: RequestSpec, status: number, body: string): ClusterApiError {
    return errorFromResponse({
      contextName: this.contextName,
      verb: spec.verb,
      target: spec.target,
      status,
      body,
      credentialsDescription: this.#credentials.description,
      userName: this.context.userName,
      userMissing: this.#userMissing,
    });
  }

  #logRequest(spec: RequestSpec, url: string, headers: Record<string, string | string[]>, payload: Buffer | undefined): void {
    if (!this.#logger.enabled(7)) return;
    const lines = [`${spec.method} ${url}`, 'Request Headers:'];
    for (const [name, value] of Object.entries(redactHeaders(headers))) lines.push(`    ${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
    this.#logger.log(7, lines.join('\n'));
    if (payload !== undefined && this.#logger.enabled(8)) {
      this.#logger.log(8, `Request Body: ${this.#bodyForLog(payload.toString('utf8'), spec.resource)}`);
    }
  }

  #logResponse(spec: RequestSpec, exchange: Exchange, status: number, response: http.IncomingMessage, body: string): void {
    if (!this.#logger.enabled(6)) return;
    const elapsed = Date.now() - exchange.startedAt;
    this.#logger.log(6, `${spec.method} ${exchange.url} ${status} ${response.statusMessage ?? ''} in ${elapsed} milliseconds`.replace(/ {2,}/g, ' '));
    if (!this.#logger.enabled(8)) return;
    const lines = ['Response Headers:'];
    for (const [name, value] of Object.entries(redactHeaders(response.headers))) lines.push(`    ${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
    this.#logger.log(8, lines.join('\n'));
    if (body !== '') this.#logger.log(8, `Response Body: ${this.#bodyForLog(body, spec.resource)}`);
  }

  #bodyForLog(text: string, resource: string | undefined): string {
    let rendered: string;
    try {
      let value: unknown = JSON.parse(text);
      if (resource === 'secrets') value = redactSecretPayload(value);
      rendered = JSON.stringify(redactObject(value));
    } catch {
      rendered = redactText(text);
    }
    return this.#logger.enabled(9) || rendered.length <= BODY_LOG_LIMIT ? rendered : `${rendered.slice(0, BODY_LOG_LIMIT)} [truncated ${rendered.length - BODY_LOG_LIMIT} chars]`;
  }
}

type WatchOutcome<T> = { kind: 'done'; value: T } | { kind: 'closed'; resourceVersion: string } | { kind: 'expired' };

// ---------------------------------------------------------------------------------------------
// Paths and helpers

export function resourcePath(gvr: GroupVersionResource, namespace?: string, name?: string): string {
  const prefix = gvr.group === '' ? `/api/${gvr.version}` : `/apis/${gvr.group}/${gvr.version}`;
  const scope = namespace !== undefined && namespace !== '' ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${prefix}${scope}/${gvr.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}

function describeTarget(gvr: GroupVersionResource, namespace?: string, name?: string): string {
  const type = gvr.group === '' ? gvr.resource : `${gvr.resource}.${gvr.group}`;
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

function readBody(response: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    response.on('aborted', () => reject(Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' })));
  });
}

function retryAfterSeconds(response: http.IncomingMessage): number | undefined {
  const header = response.headers['retry-after'];
  if (header === undefined) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isNetworkError(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 0;
}

function isReusedSocketReset(error: unknown): boolean {
  const failure = error as { reusedSocket?: unknown; cause?: { code?: unknown } } | null;
  return failure?.reusedSocket === true && failure.cause?.code === 'ECONNRESET';
}

function errorLabel(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/** Secret payloads in logs: data/stringData values of objects, list items and patches, and JSON-patch values. */
function redactSecretPayload(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => (isPlainObject(item) && typeof item.op === 'string' && 'value' in item ? { ...item, value: 'REDACTED' } : redactSecretPayload(item)));
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'data' || key === 'stringData') && isPlainObject(child)) {
      out[key] = Object.fromEntries(Object.keys(child).map((k) => [k, 'REDACTED']));
    } else {
      out[key] = redactSecretPayload(child);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// TLS

function parseServerUrl(context: ContextInfo): URL {
  // client-go accepts a bare host:port and assumes https.
  const written = context.server.includes('://') ? context.server : `https://${context.server}`;
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    throw new ConfigError(`server "${context.server}" of cluster "${context.clusterName}" is not a valid URL`, { code: 'KUBECONFIG_INVALID' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`server "${context.server}" of cluster "${context.clusterName}" must be an http:// or https:// URL`, { code: 'KUBECONFIG_INVALID' });
  }
  return url;
}

function tlsOptionsFor(context: ContextInfo, serverUrl: URL): tls.ConnectionOptions {
  if (serverUrl.protocol !== 'https:') return {};
  const hasCa = context.caData !== undefined || context.caFile !== undefined;
  if (context.insecureSkipTlsVerify && hasCa) {
    throw new ConfigError(`cluster "${context.clusterName}" sets both a certificate authority and insecure-skip-tls-verify`, {
      code: 'KUBECONFIG_INVALID',
      hint: 'kubectl refuses this too ("specifying a root certificates file with the insecure flag is not allowed"): remove one of them.',
    });
  }
  const options: tls.ConnectionOptions = { rejectUnauthorized: !context.insecureSkipTlsVerify };
  // Inline data wins over the file, as in client-go.
  if (context.caData !== undefined) options.ca = Buffer.from(context.caData, 'base64').toString('utf8');
  else if (context.caFile !== undefined) {
    try {
      options.ca = readFileSync(context.caFile, 'utf8');
    } catch (error) {
      throw new ConfigError(`unable to read certificate-authority "${context.caFile}" of cluster "${context.clusterName}": ${(error as Error).message}`, {
        code: 'KUBECONFIG_INVALID',
        cause: error,
      });
    }
  }
  if (context.tlsServerName !== undefined) options.servername = context.tlsServerName;
  return options;
}

// ---------------------------------------------------------------------------------------------
// Proxies: proxy-url of the cluster, else HTTPS_PROXY/HTTP_PROXY minus NO_PROXY, as client-go does.

function resolveProxy(context: ContextInfo, env: NodeJS.ProcessEnv, serverUrl: URL): URL | undefined {
  if (context.proxyUrl !== undefined) return parseProxyUrl(context.proxyUrl, `proxy-url of cluster "${context.clusterName}"`);
  const fromEnv = serverUrl.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (fromEnv === undefined || fromEnv === '' || shouldBypassProxy(serverUrl, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  return parseProxyUrl(fromEnv.includes('://') ? fromEnv : `http://${fromEnv}`, serverUrl.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY');
}

function parseProxyUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${source} "${text}" is not a valid URL`, { code: 'KUBECONFIG_INVALID' });
  }
  if (!['http:', 'https:', 'socks5:', 'socks5h:'].includes(url.protocol)) {
    throw new ConfigError(`${source} uses unsupported proxy scheme "${url.protocol.replace(/:$/, '')}"`, {
      code: 'KUBECONFIG_INVALID',
      hint: 'Supported proxy schemes: http, https and socks5.',
    });
  }
  return url;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** NO_PROXY matching as Go's golang.org/x/net/http/httpproxy does it. Exported for tests. */
export function shouldBypassProxy(serverUrl: URL, noProxy: string): boolean {
  const host = hostOf(serverUrl).toLowerCase();
  // Go's http.ProxyFromEnvironment never proxies loopback.
  if (host === 'localhost' || (net.isIP(host) !== 0 && isLoopback(host))) return true;
  const port = serverUrl.port || (serverUrl.protocol === 'https:' ? '443' : '80');
  for (const rawEntry of noProxy.split(',')) {
    const entry = rawEntry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      const [network, bits] = entry.split('/');
      if (network !== undefined && bits !== undefined && net.isIP(host) !== 0 && net.isIP(network) === net.isIP(host)) {
        const list = new net.BlockList();
        list.addSubnet(network, Number(bits), net.isIP(network) === 6 ? 'ipv6' : 'ipv4');
        if (list.check(host, net.isIP(host) === 6 ? 'ipv6' : 'ipv4')) return true;
      }
      continue;
    }
    let pattern = entry;
    let patternPort: string | undefined;
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    if (portMatch && net.isIP(entry) === 0) {
      pattern = portMatch[1]!;
      patternPort = portMatch[2];
    }
    if (patternPort !== undefined && patternPort !== port) continue;
    pattern = pattern.replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(pattern) !== 0) {
      if (pattern === host) return true;
      continue;
    }
    if (pattern.startsWith('*.')) pattern = pattern.slice(1);
    if (pattern.startsWith('.') ? host.endsWith(pattern) : host === pattern || host.endsWith(`.${pattern}`)) return true;
  }
  return false;
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}

function maskProxyCredentials(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  return copy.href.replace(/\/$/, '');
}

function createAgent(serverUrl: URL, proxy: URL | undefined): http.Agent {
  const options = { keepAlive: true };
  if (proxy === undefined) return serverUrl.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
  return serverUrl.protocol === 'https:' ? new TunnelingHttpsAgent(proxy, options) : new TunnelingHttpAgent(proxy, options);
}

type ConnectCallback = (error: Error | null, stream: Duplex) => void;

class TunnelingHttpsAgent extends https.Agent {
  readonly #proxy: URL;
  constructor(proxy: URL, options: https.AgentOptions) {
    super(options);
    this.#proxy = proxy;
  }
  override createConnection(options: https.RequestOptions, callback?: ConnectCallback): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? 'localhost');
    const port = Number(options.port ?? 443);
    openTunnel(this.#proxy, host, port).then(
      (socket) => {
        const secure = tls.connect({ ...(options as tls.ConnectionOptions), host, port, socket });
        callback?.(null, secure);
      },
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

class TunnelingHttpAgent extends http.Agent {
  readonly #proxy: URL;
  constructor(proxy: URL, options: http.AgentOptions) {
    super(options);
    this.#proxy = proxy;
  }
  override createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? 'localhost');
    const port = Number(options.port ?? 80);
    openTunnel(this.#proxy, host, port).then(
      (socket) => callback?.(null, socket),
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

class ProxyError extends Error {
  readonly code = 'EPROXY';
}

/** A TCP stream to host:port through the proxy (HTTP CONNECT or SOCKS5). */
async function openTunnel(proxy: URL, host: string, port: number): Promise<net.Socket> {
  const label = maskProxyCredentials(proxy);
  const proxyHost = hostOf(proxy);
  const isSocks = proxy.protocol.startsWith('socks5');
  const proxyPort = Number(proxy.port || (isSocks ? 1080 : proxy.protocol === 'https:' ? 443 : 80));
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const connection =
      proxy.protocol === 'https:'
        ? tls.connect({ host: proxyHost, port: proxyPort, servername: net.isIP(proxyHost) === 0 ? proxyHost : undefined }, () => resolve(connection))
        : net.connect({ host: proxyHost, port: proxyPort }, () => resolve(connection));
    connection.once('error', (error: NodeJS.ErrnoException) => reject(new ProxyError(`cannot connect to proxy ${label}: ${error.code ?? error.message}`, { cause: error })));
  });
  const reader = new SocketReader(socket);
  try {
    if (isSocks) await socks5Connect(reader, socket, proxy, host, port, label);
    else await httpConnect(reader, socket, proxy, host, port, label);
  } catch (error) {
    socket.destroy();
    throw error instanceof ProxyError ? error : new ProxyError(`proxy ${label} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    reader.release();
  }
  return socket;
}

async function httpConnect(reader: SocketReader, socket: net.Socket, proxy: URL, host: string, port: number, label: string): Promise<void> {
  const authority = `${net.isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  let request = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
  if (proxy.username !== '' || proxy.password !== '') {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    request += `Proxy-Authorization: Basic ${Buffer.from(credentials).toString('base64')}\r\n`;
  }
  socket.write(`${request}\r\n`);
  const head = (await reader.readUntil('\r\n\r\n')).toString('latin1');
  const statusLine = head.split('\r\n', 1)[0] ?? '';
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (status === undefined || !status.startsWith('2')) {
    throw new ProxyError(`proxy ${label} refused CONNECT ${authority}: ${statusLine.replace(/^HTTP\/1\.[01] /, '') || 'no answer'}`);
  }
}

const SOCKS_REPLIES: Record<number, string> = {
  1: 'general failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

async function socks5Connect(reader: SocketReader, socket: net.Socket, proxy: URL, host: string, port: number, label: string): Promise<void> {
  const username = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  const withPassword = username !== '' || password !== '';
  socket.write(Buffer.from(withPassword ? [5, 2, 0, 2] : [5, 1, 0]));
  const [version, method] = await reader.read(2);
  if (version !== 5) throw new ProxyError(`proxy ${label} is not a SOCKS5 proxy`);
  if (method === 2) {
    const user = Buffer.from(username);
    const pass = Buffer.from(password);
    socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]));
    const [, authStatus] = await reader.read(2);
    if (authStatus !== 0) throw new ProxyError(`proxy ${label} rejected the SOCKS5 username/password`);
  } else if (method !== 0) {
    throw new ProxyError(`proxy ${label} accepts none of our SOCKS5 authentication methods`);
  }
  let address: Buffer;
  if (net.isIPv4(host)) address = Buffer.from([1, ...host.split('.').map(Number)]);
  else if (net.isIPv6(host)) address = Buffer.concat([Buffer.from([4]), ipv6Bytes(host)]);
  else {
    // The proxy resolves names (as Go's SOCKS5 dialer lets it).
    const name = Buffer.from(host);
    address = Buffer.concat([Buffer.from([3, name.length]), name]);
  }
  const portBytes = Buffer.from([port >> 8, port & 0xff]);
  socket.write(Buffer.concat([Buffer.from([5, 1, 0]), address, portBytes]));
  const [, reply, , addressType] = await reader.read(4);
  if (reply !== 0) throw new ProxyError(`proxy ${label} could not connect to ${host}:${port}: ${SOCKS_REPLIES[reply ?? 1] ?? `SOCKS5 error ${reply}`}`);
  if (addressType === 1) await reader.read(4 + 2);
  else if (addressType === 4) await reader.read(16 + 2);
  else if (addressType === 3) {
    const [length] = await reader.read(1);
    await reader.read((length ?? 0) + 2);
  } else throw new ProxyError(`proxy ${label} sent an invalid SOCKS5 reply`);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const parts = [...headParts, ...Array<string>(8 - headParts.length - tailParts.length).fill('0'), ...tailParts];
  const bytes = Buffer.alloc(16);
  parts.forEach((part, index) => bytes.writeUInt16BE(parseInt(part, 16), index * 2));
  return bytes;
}

/** Reads the proxy handshake off a socket, then hands the socket (and any early bytes) back. */
class SocketReader {
  readonly #socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  #failure: Error | undefined;
  readonly #onData = (chunk: Buffer) => {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    this.#waiter?.();
  };
  readonly #onEnd = () => {
    this.#failure = new Error('the proxy closed the connection');
    this.#waiter?.();
  };
  readonly #onError = (error: Error) => {
    this.#failure = error;
    this.#waiter?.();
  };

  constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
  }

  async read(length: number): Promise<Buffer> {
    await this.#until(() => this.#buffer.length >= length);
    const chunk = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return chunk;
  }

  async readUntil(delimiter: string): Promise<Buffer> {
    await this.#until(() => this.#buffer.includes(delimiter));
    const end = this.#buffer.indexOf(delimiter) + delimiter.length;
    const chunk = this.#buffer.subarray(0, end);
    this.#buffer = this.#buffer.subarray(end);
    return chunk;
  }

  release(): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('error', this.#onError);
    this.#socket.pause();
    if (this.#buffer.length > 0) this.#socket.unshift(this.#buffer);
  }

  #until(ready: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (ready()) {
          this.#waiter = undefined;
          resolve();
        } else if (this.#failure !== undefined) {
          this.#waiter = undefined;
          reject(this.#failure);
        }
      };
      this.#waiter = check;
      check();
    });
  }
}
