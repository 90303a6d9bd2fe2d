// An in-memory API server behind the ClusterClient port, for command tests (kubectl's
// TestFactory + fake REST client, in small). It keeps objects by group/resource/namespace/name
// with resourceVersions, refuses what a real API server refuses where a bug could hide behind the
// difference (see "What a real API server refuses" below), serves discovery (Kubernetes
// 1.32's built-in types plus whatever CRDs it stores), logs every request, and can fail the Nth
// call of a verb or react to a call (e.g. play a controller that updates status after a patch).
//
//   const cluster = new FakeCluster().installKubeFed();
//   cluster.after('patch', 'federatedtypeconfigs', (req) => cluster.modify(...));
//   const fake = createFakeEnv(cluster);
//   const result = await runWithFakeEnv(['enable', 'deployments.apps'], fake);
//   assert.deepEqual(cluster.writes().map(describeRequest), [...]);

import type { ClusterAccess, CommandEnv } from '../../src/cli/command-env.js';
import type { CliContext, GlobalSettings } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/run.js';
import { createUi } from '../../src/cli/ui.js';
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
} from '../../src/cluster/types.js';
import { BUILTIN_API_GROUPS, BUILTIN_API_RESOURCES, offlineTypeResources } from '../../src/core/builtin-types.js';
import { defaultEnableTypeDirective } from '../../src/core/enable-directive.js';
import { GVR, qualifiedResource } from '../../src/core/gvr.js';
import { type GroupVersionResource, type KubeObject, isPlainObject, splitApiVersion } from '../../src/core/types.js';
import { AlreadyExistsError, ClusterApiError, ConfigError, ConflictError, ForbiddenError, NotFoundError, TimeoutError } from '../../src/errors.js';
import { errorFromResponse } from '../../src/cluster/api-errors.js';
import { Readable } from 'node:stream';

export type FakeVerb = 'get' | 'create' | 'update' | 'patch' | 'delete' | 'list' | 'watch' | 'serverGroups' | 'serverResources' | 'getRaw';

export interface FakeRequest {
  verb: FakeVerb;
  gvr?: GroupVersionResource | undefined;
  name?: string | undefined;
  namespace?: string | undefined;
  /** create/update: the object sent; patch: the patch. */
  body?: unknown;
  patchType?: PatchType | undefined;
  /** Sent with dryRun=All. */
  dryRun: boolean;
  listOptions?: ListOptions | undefined;
  /** getRaw path, or the group/version of serverResources. */
  path?: string | undefined;
}

export const WRITE_VERBS: ReadonlySet<FakeVerb> = new Set(['create', 'update', 'patch', 'delete']);

/** "create customresourcedefinitions federateddeployments.types.kubefed.io", "patch federatedtypeconfigs kube-federation-system/x (dry run)". */
export function describeRequest(request: FakeRequest): string {
  const target = request.gvr
    ? `${request.gvr.resource}${request.name !== undefined ? ` ${request.namespace ? `${request.namespace}/` : ''}${request.name}` : request.namespace ? ` -n ${request.namespace}` : ''}`
    : (request.path ?? '');
  return `${request.verb} ${target}${request.dryRun ? ' (dry run)' : ''}`.trimEnd();
}

export interface FaultSpec {
  verb: FakeVerb;
  /** Only calls on this resource (plural) count. */
  resource?: string;
  name?: string;
  /** Only calls with this getRaw path or discovery path ('/apis/metrics.k8s.io/v1beta1') count. */
  path?: string;
  /** Which matching call fails, 1-based (default 1). */
  nth?: number;
  /** How many consecutive matching calls fail from the nth on (default 1; Infinity for all). */
  times?: number;
  /** Default: HTTP 500 InternalError. */
  error?: Error | ((request: FakeRequest) => Error);
  /**
   * The write is applied, then its response is lost: the error is thrown after the change (a
   * reset connection or timeout on a real network). Default: the call fails before changing anything.
   */
  afterApplied?: boolean;
}

export type Reaction = (request: FakeRequest, cluster: FakeCluster) => void | Promise<void>;

export interface FakeClusterOptions {
  contextName?: string;
  /** API groups and resources served besides the stored CRDs; default: Kubernetes 1.32's built-in ones. */
  groups?: ApiGroupInfo[];
  resources?: ApiResourceInfo[];
  /** Answers of getRaw by path; '/openapi/v2' defaults to builtinOpenApiV2(). */
  raw?: Record<string, unknown>;
}

/**
 * A small OpenAPI v2 document shaped like a 1.32 server's: one definition per built-in kind,
 * carrying x-kubernetes-group-version-kind, with spec behind a $ref and spec.replicas an int32
 * for the scalable kinds (as in the real swagger.json).
 */
export function builtinOpenApiV2(): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  for (const entry of BUILTIN_API_RESOURCES) {
    const prefix = `io.k8s.api.${entry.group === '' ? 'core' : entry.group.replace(/\.k8s\.io$/, '').replace(/\./g, '')}.${entry.version}.${entry.kind}`;
    definitions[`${prefix}Spec`] = {
      type: 'object',
      properties: entry.scalable
        ? { replicas: { type: 'integer', format: 'int32' }, minReadySeconds: { type: 'integer', format: 'int32' } }
        : { other: { type: 'string' } },
    };
    definitions[prefix] = {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        spec: { $ref: `#/definitions/${prefix}Spec` },
      },
      'x-kubernetes-group-version-kind': [{ group: entry.group, kind: entry.kind, version: entry.version }],
    };
  }
  definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'] = { type: 'object', properties: { name: { type: 'string' } } };
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions };
}

const CRD_RESOURCE = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };
const NAMESPACES: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };
const SERVICE_ACCOUNTS: GroupVersionResource = { group: '', version: 'v1', resource: 'serviceaccounts' };
const CONFIG_MAPS: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const FIXED_TIMESTAMP = '2024-01-01T00:00:00Z';
const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Listener = (gvr: GroupVersionResource, event: WatchEvent) => void;

/** An error as the REST client raises it for an HTTP status. */
export function apiError(
  status: number,
  message: string,
  options: { reason?: string; context?: string; verb?: string; target?: string } = {},
): ClusterApiError {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    422: 'Invalid',
    500: 'InternalError',
    503: 'ServiceUnavailable',
  };
  const details = {
    context: options.context ?? 'fake',
    verb: options.verb ?? 'get',
    target: options.target ?? '',
    status,
    reason: options.reason ?? reasons[status],
    serverMessage: message,
  };
  if (status === 404) return new NotFoundError(details);
  if (status === 403) return new ForbiddenError(details);
  if (status === 409) return details.reason === 'AlreadyExists' ? new AlreadyExistsError(details) : new ConflictError(details);
  return new ClusterApiError(details);
}

export class FakeCluster implements ClusterClient {
  readonly contextName: string;
  readonly context: ContextInfo;
  readonly requests: FakeRequest[] = [];

  readonly #store = new Map<string, Map<string, KubeObject>>();
  readonly #groups: ApiGroupInfo[];
  readonly #resources: ApiResourceInfo[];
  readonly #raw = new Map<string, unknown>();
  readonly #faults: Array<FaultSpec & { seen: number }> = [];
  readonly #reactions: Array<{ verb: FakeVerb; resource: string; reaction: Reaction }> = [];
  readonly #listeners = new Set<Listener>();
  #resourceVersion = 1000;
  #uid = 0;

  constructor(options: FakeClusterOptions = {}) {
    this.contextName = options.contextName ?? 'fake';
    this.context = {
      name: this.contextName,
      clusterName: this.contextName,
      userName: `${this.contextName}-admin`,
      namespace: 'default',
      server: `https://${this.contextName}.fake.invalid:6443`,
      insecureSkipTlsVerify: false,
    };
    this.#groups = structuredClone(options.groups ?? BUILTIN_API_GROUPS.map((group) => ({ ...group, versions: [...group.versions] })));
    this.#resources = structuredClone(
      options.resources ??
        BUILTIN_API_RESOURCES.map(({ scalable: _scalable, ...resource }) => ({ ...resource, shortNames: [...resource.shortNames], verbs: DEFAULT_VERBS })),
    );
    this.#raw.set('/openapi/v2', builtinOpenApiV2());
    for (const [path, value] of Object.entries(options.raw ?? {})) this.#raw.set(path, value);
    this.put(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  }

  get requestCount(): number {
    return this.requests.length;
  }

  preconnect(): void {}

  // -------------------------------------------------------------------------------------------
  // Test controls (not logged)

  /** Stores objects as they are, finding their resource from apiVersion and kind. */
  add(...objects: KubeObject[]): this {
    for (const object of objects) this.put(this.gvrOf(object), object);
    return this;
  }

  /** Stores (or replaces) an object, filling uid/resourceVersion, and tells watchers. */
  put(gvr: GroupVersionResource, object: KubeObject): KubeObject {
    const stored = structuredClone(object);
    const existing = this.peek(gvr, stored.metadata.name ?? '', stored.metadata.namespace);
    stored.metadata.uid ??= existing?.metadata.uid ?? `uid-${this.contextName}-${++this.#uid}`;
    stored.metadata.creationTimestamp ??= FIXED_TIMESTAMP;
    stored.metadata.resourceVersion = String(++this.#resourceVersion);
    this.#bucket(gvr).set(objectKey(stored.metadata.name ?? '', stored.metadata.namespace), stored);
    this.#emit(gvr, { type: existing ? 'MODIFIED' : 'ADDED', object: structuredClone(stored) });
    if (!existing && sameResource(gvr, NAMESPACES)) this.#populateNamespace(stored.metadata.name ?? '');
    return structuredClone(stored);
  }

  /** What Kubernetes' controllers put in every new namespace (at once here; moments later on a real server). */
  #populateNamespace(namespace: string): void {
    this.put(SERVICE_ACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
    this.put(CONFIG_MAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace },
      data: { 'ca.crt': `CA of ${this.contextName}` },
    });
  }

  /**
   * Puts a namespace in the Terminating state (deletionTimestamp set, waiting for its finalizer), as
   * a delete does on a real server while the namespace controller empties it. finishTermination() ends it.
   */
  startTermination(namespace: string): this {
    this.modify(NAMESPACES, namespace, undefined, (ns) => {
      ns.metadata.deletionTimestamp = FIXED_TIMESTAMP;
      ns.spec = { finalizers: ['kubernetes'] };
      ns.status = { phase: 'Terminating' };
    });
    return this;
  }

  /** The namespace controller's work: everything in the namespace goes, then the namespace. */
  finishTermination(namespace: string): this {
    for (const [key, bucket] of this.#store) {
      for (const object of [...bucket.values()]) {
        if (object.metadata.namespace === namespace) this.remove(this.#gvrOfBucket(key, object), object.metadata.name ?? '', namespace);
      }
    }
    this.remove(NAMESPACES, namespace);
    return this;
  }

  #gvrOfBucket(bucketKey: string, object: KubeObject): GroupVersionResource {
    const dot = bucketKey.indexOf('.');
    const resource = dot < 0 ? bucketKey : bucketKey.slice(0, dot);
    const group = dot < 0 ? '' : bucketKey.slice(dot + 1);
    return { group, version: splitApiVersion(object.apiVersion).version, resource };
  }

  peek(gvr: GroupVersionResource, name: string, namespace?: string): KubeObject | undefined {
    const found = this.#bucket(gvr).get(objectKey(name, namespace));
    return found === undefined ? undefined : structuredClone(found);
  }

  all(gvr: GroupVersionResource): KubeObject[] {
    return [...this.#bucket(gvr).values()].map((object) => structuredClone(object));
  }

  /** Changes a stored object as a controller would (new resourceVersion, MODIFIED event). */
  modify(gvr: GroupVersionResource, name: string, namespace: string | undefined, mutate: (object: KubeObject) => void): KubeObject {
    const current = this.peek(gvr, name, namespace);
    if (current === undefined) throw new Error(`fake: ${gvr.resource} ${objectKey(name, namespace)} does not exist`);
    mutate(current);
    return this.put(gvr, current);
  }

  remove(gvr: GroupVersionResource, name: string, namespace?: string): boolean {
    const bucket = this.#bucket(gvr);
    const key = objectKey(name, namespace);
    const existing = bucket.get(key);
    if (existing === undefined) return false;
    bucket.delete(key);
    this.#emit(gvr, { type: 'DELETED', object: structuredClone(existing) });
    if (isCrdResource(gvr)) this.#store.delete(crdStoreKey(existing));
    return true;
  }

  setRaw(path: string, value: unknown): this {
    this.#raw.set(path, value);
    return this;
  }

  /** Serves an extra API group (an aggregated API, say); CRDs need not be registered, they are served once stored. */
  serve(group: ApiGroupInfo, resources: ApiResourceInfo[]): this {
    this.#groups.push(structuredClone(group));
    this.#resources.push(...structuredClone(resources));
    return this;
  }

  /** The KubeFed control plane's CRDs (core.kubefed.io) and its namespace. */
  installKubeFed(namespace = 'kube-federation-system'): this {
    this.put(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const crds: Array<[string, string, 'Namespaced' | 'Cluster', string[]]> = [
      ['FederatedTypeConfig', 'federatedtypeconfigs', 'Namespaced', ['ftc']],
      ['KubeFedCluster', 'kubefedclusters', 'Namespaced', ['kfc']],
      ['KubeFedConfig', 'kubefedconfigs', 'Namespaced', []],
    ];
    for (const [kind, plural, scope, shortNames] of crds) {
      this.put(
        { ...CRD_RESOURCE, version: 'v1' },
        {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: `${plural}.core.kubefed.io` },
          spec: {
            group: 'core.kubefed.io',
            names: { kind, plural, ...(shortNames.length > 0 ? { shortNames } : {}) },
            scope,
            versions: [
              {
                name: 'v1beta1',
                served: true,
                storage: true,
                schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
                subresources: { status: {} },
              },
            ],
          },
        },
      );
    }
    return this;
  }

  /** What `kubefedctl enable <type>` leaves: the federated CRD and the FederatedTypeConfig (with `status`, e.g. the controller Running). */
  enableType(type: string, status?: KubeObject['status'], namespace = 'kube-federation-system'): this {
    const { typeConfig, crd } = offlineTypeResources(defaultEnableTypeDirective(type));
    this.put(GVR.customResourceDefinitions, crd);
    this.put(GVR.federatedTypeConfigs, { ...typeConfig, metadata: { ...typeConfig.metadata, namespace }, ...(status === undefined ? {} : { status }) });
    return this;
  }

  /**
   * Plays KubeFed's controller for disable: `delayMs` after propagation is patched, the
   * FederatedTypeConfig reports its propagation controller NotRunning (if it still exists: a patch
   * sent again after a lost answer may come after disable deleted it).
   */
  stopsPropagationControllerAfterPatch(delayMs: number): this {
    return this.after('patch', 'federatedtypeconfigs', (request) => {
      setTimeout(() => {
        if (!this.peek(GVR.federatedTypeConfigs, request.name!, request.namespace)) return;
        this.modify(GVR.federatedTypeConfigs, request.name!, request.namespace, (ftc) => {
          ftc.status = { propagationController: 'NotRunning' };
        });
      }, delayMs);
    });
  }

  /** Makes matching calls fail (the call is still logged). */
  failOn(fault: FaultSpec): this {
    this.#faults.push({ ...fault, seen: 0 });
    return this;
  }

  /** Runs after every successful, non-dry-run call of `verb` on `resource` ('*' for any). */
  after(verb: FakeVerb, resource: string, reaction: Reaction): this {
    this.#reactions.push({ verb, resource, reaction });
    return this;
  }

  writes(): FakeRequest[] {
    return this.requests.filter((request) => WRITE_VERBS.has(request.verb));
  }

  requestsOf(verb: FakeVerb, resource?: string): FakeRequest[] {
    return this.requests.filter((request) => request.verb === verb && (resource === undefined || request.gvr?.resource === resource));
  }

  /** The resource an object belongs to, from served discovery (built-ins and stored CRDs). */
  gvrOf(object: Pick<KubeObject, 'apiVersion' | 'kind'>): GroupVersionResource {
    const { group, version } = splitApiVersion(object.apiVersion);
    const resource = this.#servedResources().find((entry) => entry.group === group && entry.version === version && entry.kind === object.kind);
    if (resource === undefined) throw new Error(`fake: no served resource for ${object.apiVersion} ${object.kind}`);
    return { group, version, resource: resource.name };
  }

  // -------------------------------------------------------------------------------------------
  // ClusterClient

  async get(gvr: GroupVersionResource, name: string, namespace?: string): Promise<KubeObject | undefined> {
    await this.#begin({ verb: 'get', gvr, name, namespace, dryRun: false });
    const found = this.#isServed(gvr) ? this.peek(gvr, name, namespace) : undefined;
    await this.#react({ verb: 'get', gvr, name, namespace, dryRun: false });
    return found;
  }

  async create(gvr: GroupVersionResource, object: KubeObject, options?: WriteOptions): Promise<KubeObject> {
    const namespace = object.metadata.namespace;
    const request: FakeRequest = {
      verb: 'create',
      gvr,
      name: object.metadata.name,
      namespace,
      body: structuredClone(object),
      dryRun: options?.serverDryRun === true,
    };
    await this.#begin(request);
    this.#requireServed(gvr, 'create');
    this.#requireNamespace(gvr, namespace, 'create');
    // Like the API server: generateName gets a random 5-character suffix when no name is given.
    const name = object.metadata.name ?? (object.metadata.generateName ? `${object.metadata.generateName}${(++this.#uid).toString(36).padStart(5, 'x')}` : '');
    this.#requireValidName(gvr, object.kind, name);
    this.#requireNotTerminating(gvr, object.kind, name, namespace);
    if (this.peek(gvr, name, namespace) !== undefined) {
      throw apiError(409, `${qualifiedResource(gvr)} "${name}" already exists`, {
        reason: 'AlreadyExists',
        context: this.contextName,
        verb: 'create',
        target: name,
      });
    }
    const created = structuredClone(object);
    created.metadata.name = name;
    created.metadata.generation = 1;
    delete created.metadata.resourceVersion;
    const result = request.dryRun
      ? { ...created, metadata: { ...created.metadata, uid: 'dry-run', creationTimestamp: FIXED_TIMESTAMP } }
      : this.put(gvr, created);
    if (!request.dryRun) await this.#react(request);
    return result;
  }

  async update(gvr: GroupVersionResource, object: KubeObject, options?: WriteOptions): Promise<KubeObject> {
    const namespace = object.metadata.namespace;
    const name = object.metadata.name ?? '';
    const request: FakeRequest = { verb: 'update', gvr, name, namespace, body: structuredClone(object), dryRun: options?.serverDryRun === true };
    await this.#begin(request);
    this.#requireServed(gvr, 'update');
    const existing = this.#requireExisting(gvr, name, namespace, 'update');
    const sentVersion = object.metadata.resourceVersion;
    if (sentVersion === undefined && !this.#isBuiltin(gvr)) {
      // Custom resources do not allow an unconditional update; most built-in types do (as on a 1.32 server).
      throw apiError(422, `${object.kind}.${gvr.group} "${name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`, {
        context: this.contextName,
        verb: 'update',
        target: name,
      });
    }
    if (sentVersion !== undefined && sentVersion !== existing.metadata.resourceVersion) {
      throw apiError(
        409,
        `Operation cannot be fulfilled on ${qualifiedResource(gvr)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        {
          context: this.contextName,
          verb: 'update',
          target: name,
        },
      );
    }
    const updated = structuredClone(object);
    // The status subresource: a PUT of the object leaves status alone.
    if (existing.status === undefined) delete updated.status;
    else updated.status = existing.status;
    updated.metadata.uid = existing.metadata.uid;
    updated.metadata.creationTimestamp = existing.metadata.creationTimestamp;
    updated.metadata.generation = nextGeneration(existing, updated);
    if (request.dryRun) return updated;
    const result = this.put(gvr, updated);
    await this.#react(request);
    return result;
  }

  async patch(
    gvr: GroupVersionResource,
    name: string,
    namespace: string | undefined,
    patch: unknown,
    type: PatchType,
    options?: WriteOptions,
  ): Promise<KubeObject> {
    const request: FakeRequest = { verb: 'patch', gvr, name, namespace, body: structuredClone(patch), patchType: type, dryRun: options?.serverDryRun === true };
    await this.#begin(request);
    this.#requireServed(gvr, 'patch');
    const existing = this.#requireExisting(gvr, name, namespace, 'patch');
    const patched = (type === 'json' ? applyJsonPatch(existing, patch) : applyMergePatch(existing, patch)) as KubeObject;
    if (!isPlainObject(patched) || !isPlainObject(patched.metadata))
      throw apiError(422, 'the patch removed metadata', { context: this.contextName, verb: 'patch', target: name });
    patched.metadata.name = name;
    patched.metadata.uid = existing.metadata.uid;
    patched.metadata.generation = nextGeneration(existing, patched);
    if (request.dryRun) return patched;
    const result = this.put(gvr, patched);
    await this.#react(request);
    return result;
  }

  async delete(
    gvr: GroupVersionResource,
    name: string,
    namespace?: string,
    options?: WriteOptions & { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' },
  ): Promise<boolean> {
    const request: FakeRequest = { verb: 'delete', gvr, name, namespace, dryRun: options?.serverDryRun === true };
    await this.#begin(request);
    if (!this.#isServed(gvr)) return false;
    const existing = this.peek(gvr, name, namespace);
    if (existing === undefined) return false;
    // A namespace already terminating answers 200 and stays until its finalizer is done (1.32's namespace storage).
    if (sameResource(gvr, NAMESPACES) && existing.metadata.deletionTimestamp) return true;
    if (request.dryRun) return true;
    // A namespace goes with everything in it (the namespace controller's work, done at once here).
    if (sameResource(gvr, NAMESPACES)) this.finishTermination(name);
    else this.remove(gvr, name, namespace);
    await this.#react(request);
    return true;
  }

  async list(gvr: GroupVersionResource, options: ListOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const request: FakeRequest = { verb: 'list', gvr, namespace: options.namespace, listOptions: { ...options }, dryRun: false };
    await this.#begin(request);
    this.#requireServed(gvr, 'list');
    const items = this.all(gvr).filter((object) => matchesListOptions(object, options));
    await this.#react(request);
    return { items, resourceVersion: String(this.#resourceVersion) };
  }

  async watchUntil<T>(
    gvr: GroupVersionResource,
    options: ListOptions & { timeoutMs: number; description: string },
    until: (event: WatchEvent) => T | undefined,
  ): Promise<T> {
    const request: FakeRequest = { verb: 'watch', gvr, namespace: options.namespace, listOptions: { ...options }, dryRun: false };
    await this.#begin(request);
    this.#requireServed(gvr, 'watch');
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: { value: T } | { error: unknown }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        if ('value' in outcome) resolve(outcome.value);
        else reject(outcome.error);
      };
      const offer = (event: WatchEvent) => {
        try {
          const value = until(event);
          if (value !== undefined) finish({ value });
        } catch (error) {
          finish({ error });
        }
      };
      const listener: Listener = (eventGvr, event) => {
        if (sameResource(eventGvr, gvr) && matchesListOptions(event.object, options)) offer(structuredClone(event));
      };
      const timer = setTimeout(
        () => finish({ error: new TimeoutError(`timed out after ${options.timeoutMs}ms waiting for ${options.description}`) }),
        options.timeoutMs,
      );
      for (const object of this.all(gvr).filter((item) => matchesListOptions(item, options))) {
        offer({ type: 'ADDED', object });
        if (settled) return;
      }
      this.#listeners.add(listener);
    });
  }

  async serverGroups(): Promise<ApiGroupInfo[]> {
    await this.#begin({ verb: 'serverGroups', path: '/api, /apis', dryRun: false });
    const groups = structuredClone(this.#groups);
    for (const crd of this.all({ ...CRD_RESOURCE, version: 'v1' })) {
      const { group, versions } = crdServing(crd);
      const known = groups.find((entry) => entry.name === group);
      if (known === undefined) groups.push({ name: group, preferredVersion: versions[0] ?? '', versions });
      else for (const version of versions) if (!known.versions.includes(version)) known.versions.push(version);
    }
    return groups;
  }

  async serverResources(group: string, version: string): Promise<ApiResourceInfo[]> {
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    await this.#begin({ verb: 'serverResources', path, dryRun: false });
    const resources = this.#servedResources().filter((entry) => entry.group === group && entry.version === version);
    const groupServed = resources.length > 0 || this.#groups.some((entry) => entry.name === group && entry.versions.includes(version));
    if (!groupServed) throw apiError(404, 'the server could not find the requested resource', { context: this.contextName, target: path });
    return structuredClone(resources);
  }

  async getRaw(path: string): Promise<unknown> {
    await this.#begin({ verb: 'getRaw', path, dryRun: false });
    if (!this.#raw.has(path)) throw apiError(404, 'the server could not find the requested resource', { context: this.contextName, target: path });
    return structuredClone(this.#raw.get(path));
  }

  close(): void {}

  // -------------------------------------------------------------------------------------------

  async #begin(request: FakeRequest): Promise<void> {
    this.requests.push(request);
    this.#injectFault(request, false);
  }

  #injectFault(request: FakeRequest, applied: boolean): void {
    for (const fault of this.#faults) {
      if ((fault.afterApplied ?? false) !== applied) continue;
      if (fault.verb !== request.verb) continue;
      if (fault.resource !== undefined && fault.resource !== request.gvr?.resource) continue;
      if (fault.name !== undefined && fault.name !== request.name) continue;
      if (fault.path !== undefined && fault.path !== request.path) continue;
      fault.seen += 1;
      const first = fault.nth ?? 1;
      if (fault.seen >= first && fault.seen < first + (fault.times ?? 1)) {
        const error = typeof fault.error === 'function' ? fault.error(request) : fault.error;
        throw error ?? apiError(500, `fake: injected failure of ${describeRequest(request)}`, { context: this.contextName, verb: request.verb });
      }
    }
  }

  async #react(request: FakeRequest): Promise<void> {
    for (const { verb, resource, reaction } of this.#reactions) {
      if (verb === request.verb && (resource === '*' || resource === request.gvr?.resource)) await reaction(request, this);
    }
    this.#injectFault(request, true);
  }

  #emit(gvr: GroupVersionResource, event: WatchEvent): void {
    for (const listener of [...this.#listeners]) listener(gvr, event);
  }

  #bucket(gvr: GroupVersionResource): Map<string, KubeObject> {
    const key = `${gvr.resource}.${gvr.group}`;
    let bucket = this.#store.get(key);
    if (bucket === undefined) {
      bucket = new Map();
      this.#store.set(key, bucket);
    }
    return bucket;
  }

  #servedResources(): ApiResourceInfo[] {
    const fromCrds = this.all({ ...CRD_RESOURCE, version: 'v1' }).flatMap((crd) => {
      const { group, versions, names, namespaced } = crdServing(crd);
      return versions.map((version) => ({
        group,
        version,
        name: names.plural,
        singularName: names.singular,
        kind: names.kind,
        namespaced,
        shortNames: names.shortNames,
        verbs: DEFAULT_VERBS,
      }));
    });
    return [...this.#resources, ...fromCrds];
  }

  #isServed(gvr: GroupVersionResource): boolean {
    return this.#servedResources().some((entry) => entry.group === gvr.group && entry.version === gvr.version && entry.name === gvr.resource);
  }

  #requireServed(gvr: GroupVersionResource, verb: string): void {
    if (!this.#isServed(gvr))
      throw apiError(404, 'the server could not find the requested resource', { context: this.contextName, verb, target: qualifiedResource(gvr) });
  }

  #requireNamespace(gvr: GroupVersionResource, namespace: string | undefined, verb: string): void {
    const namespaced = this.#servedResources().find((entry) => entry.group === gvr.group && entry.name === gvr.resource)?.namespaced;
    if (!namespaced || namespace === undefined) return;
    if (this.peek(NAMESPACES, namespace) === undefined)
      throw apiError(404, `namespaces "${namespace}" not found`, { context: this.contextName, verb, target: namespace });
  }

  #isBuiltin(gvr: GroupVersionResource): boolean {
    return this.#resources.some((entry) => entry.group === gvr.group && entry.name === gvr.resource);
  }

  /** Names as the API server validates them: 422 Invalid otherwise. */
  #requireValidName(gvr: GroupVersionResource, kind: string, name: string): void {
    const problem = nameProblem(gvr, name);
    if (problem === undefined) return;
    throw apiError(422, `${kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": ${problem}`, {
      context: this.contextName,
      verb: 'create',
      target: name,
    });
  }

  /** Admission refuses new objects in a namespace that is being deleted (403, as NamespaceLifecycle does). */
  #requireNotTerminating(gvr: GroupVersionResource, kind: string, name: string, namespace: string | undefined): void {
    if (namespace === undefined || !this.peek(NAMESPACES, namespace)?.metadata.deletionTimestamp) return;
    const message = `${gvr.resource}${gvr.group ? `.${gvr.group}` : ''} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`;
    throw errorFromResponse({
      contextName: this.contextName,
      verb: 'create',
      target: `${kind} ${namespace}/${name}`,
      status: 403,
      body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'Forbidden', code: 403 }),
      credentialsDescription: 'fake credentials',
      userName: this.context.userName,
      userMissing: false,
    });
  }

  #requireExisting(gvr: GroupVersionResource, name: string, namespace: string | undefined, verb: string): KubeObject {
    const existing = this.peek(gvr, name, namespace);
    if (existing === undefined) throw apiError(404, `${qualifiedResource(gvr)} "${name}" not found`, { context: this.contextName, verb, target: name });
    return existing;
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Why the API server would refuse this name, or undefined: namespaces are DNS-1123 labels, RBAC
 * objects path segments (any name without "/" or "%", e.g. "kubefed-controller-manager:a-b"),
 * everything else (custom resources too) DNS-1123 subdomains.
 */
export function nameProblem(gvr: GroupVersionResource, name: string): string | undefined {
  if (name === '') return 'name or generateName is required';
  if (gvr.group === 'rbac.authorization.k8s.io') {
    if (name === '.' || name === '..') return `may not be '${name}'`;
    return /[/%]/.test(name) ? `may not contain '${name.includes('/') ? '/' : '%'}'` : undefined;
  }
  if (sameResource(gvr, NAMESPACES)) {
    return name.length <= 63 && DNS1123_LABEL.test(name)
      ? undefined
      : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  }
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name)
    ? undefined
    : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
}

function objectKey(name: string, namespace: string | undefined): string {
  return `${namespace ?? ''}/${name}`;
}

function sameResource(a: GroupVersionResource, b: GroupVersionResource): boolean {
  return a.group === b.group && a.resource === b.resource;
}

function isCrdResource(gvr: GroupVersionResource): boolean {
  return gvr.group === CRD_RESOURCE.group && gvr.resource === CRD_RESOURCE.resource;
}

function crdStoreKey(crd: KubeObject): string {
  const { group, names } = crdServing(crd);
  return `${names.plural}.${group}`;
}

function crdServing(crd: KubeObject): {
  group: string;
  versions: string[];
  namespaced: boolean;
  names: { plural: string; singular: string; kind: string; shortNames: string[] };
} {
  const spec = isPlainObject(crd.spec) ? crd.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  const kind = typeof names.kind === 'string' ? names.kind : '';
  const versions = (Array.isArray(spec.versions) ? spec.versions : [])
    .filter((version): version is Record<string, unknown> => isPlainObject(version) && version.served !== false && typeof version.name === 'string')
    .map((version) => version.name as string);
  return {
    group: typeof spec.group === 'string' ? spec.group : '',
    versions,
    namespaced: spec.scope === 'Namespaced',
    names: {
      plural: typeof names.plural === 'string' ? names.plural : '',
      singular: typeof names.singular === 'string' ? names.singular : kind.toLowerCase(),
      kind,
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.filter((s): s is string => typeof s === 'string') : [],
    },
  };
}

function nextGeneration(existing: KubeObject, updated: KubeObject): number {
  const generation = typeof existing.metadata.generation === 'number' ? existing.metadata.generation : 1;
  return JSON.stringify(existing.spec) === JSON.stringify(updated.spec) ? generation : generation + 1;
}

/** Equality-based label selectors (a=b, a!=b, a, !a) and metadata.name/metadata.namespace field selectors. */
export function matchesListOptions(object: KubeObject, options: ListOptions): boolean {
  if (options.namespace !== undefined && options.namespace !== '' && object.metadata.namespace !== options.namespace) return false;
  const labels = object.metadata.labels ?? {};
  for (const term of splitSelector(options.labelSelector)) {
    const match = /^(!?)([^=!]+?)\s*(?:(==|=|!=)\s*(.*))?$/.exec(term);
    if (!match) throw new Error(`fake: unsupported label selector term "${term}"`);
    const [, negated, key, op, value] = match;
    const present = Object.hasOwn(labels, key!);
    if (op === undefined ? (negated ? present : !present) : op === '!=' ? labels[key!] === value : labels[key!] !== value) return false;
  }
  for (const term of splitSelector(options.fieldSelector)) {
    const match = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw new Error(`fake: unsupported field selector term "${term}"`);
    const [, field, op, value] = match;
    const actual =
      field === 'metadata.name'
        ? object.metadata.name
        : field === 'metadata.namespace'
          ? object.metadata.namespace
          : field === 'type'
            ? typeof object.type === 'string'
              ? object.type
              : ''
            : undefined;
    if (actual === undefined && field !== 'metadata.namespace') throw new Error(`fake: unsupported field selector "${field}"`);
    if (op === '!=' ? actual === value : (actual ?? '') !== value) return false;
  }
  return true;
}

function splitSelector(selector: string | undefined): string[] {
  return (selector ?? '')
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean);
}

/** RFC 7386. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** RFC 6902 add, remove, replace and test. */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw apiError(400, 'a JSON patch must be an array of operations');
  let document = structuredClone(target);
  for (const operation of patch) {
    if (!isPlainObject(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string')
      throw apiError(400, 'invalid JSON patch operation');
    const tokens =
      operation.path === ''
        ? []
        : operation.path
            .slice(1)
            .split('/')
            .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (tokens.length === 0) {
      if (operation.op === 'test') continue;
      document = structuredClone(operation.value);
      continue;
    }
    const parentTokens = tokens.slice(0, -1);
    const last = tokens[tokens.length - 1]!;
    let parent: unknown = document;
    for (const token of parentTokens) {
      parent = Array.isArray(parent) ? parent[Number(token)] : isPlainObject(parent) ? parent[token] : undefined;
      if (parent === undefined) throw apiError(422, `JSON patch path ${operation.path} does not exist`);
    }
    const container = parent as Record<string, unknown> | unknown[];
    const current = Array.isArray(container) ? container[last === '-' ? container.length : Number(last)] : container[last];
    switch (operation.op) {
      case 'test':
        if (JSON.stringify(current) !== JSON.stringify(operation.value)) throw apiError(422, `JSON patch test failed at ${operation.path}`);
        break;
      case 'remove':
        if (current === undefined) throw apiError(422, `JSON patch path ${operation.path} does not exist`);
        if (Array.isArray(container)) container.splice(Number(last), 1);
        else delete container[last];
        break;
      case 'add':
        if (Array.isArray(container)) container.splice(last === '-' ? container.length : Number(last), 0, structuredClone(operation.value));
        else container[last] = structuredClone(operation.value);
        break;
      case 'replace':
        if (current === undefined) throw apiError(422, `JSON patch path ${operation.path} does not exist`);
        if (Array.isArray(container)) container[Number(last)] = structuredClone(operation.value);
        else container[last] = structuredClone(operation.value);
        break;
      default:
        throw apiError(400, `JSON patch operation "${operation.op}" is not supported by the fake`);
    }
  }
  return document;
}

// ---------------------------------------------------------------------------------------------
// A CommandEnv over fake clusters, and an in-process run of the commander wiring with it.

export interface FakeEnvOptions {
  /** Default: the first cluster's context. */
  currentContext?: string;
  cwd?: string;
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  verbosity?: number;
}

export interface FakeEnv {
  env: CommandEnv;
  stdout(): string;
  stderr(): string;
  /** Every clusterAccess(kubeconfigFlag) call: offline paths must make none. */
  readonly clusterAccessCalls: Array<string | undefined>;
  /** Every client(context) call. */
  readonly clientCalls: Array<string | undefined>;
}

export function createFakeEnv(clusters: FakeCluster | FakeCluster[], options: FakeEnvOptions = {}): FakeEnv {
  const list = Array.isArray(clusters) ? clusters : [clusters];
  const byContext = new Map(list.map((cluster) => [cluster.contextName, cluster]));
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (chunk: string) => (stdout += chunk), isTTY: false },
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: false },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    homeDir: '/nonexistent-home',
  };
  const settings: GlobalSettings = { verbosity: options.verbosity ?? 0, quiet: false, color: false };
  const currentContext = options.currentContext ?? list[0]?.contextName;
  const kubeconfig: Kubeconfig = {
    files: ['/fake/kubeconfig'],
    currentContext,
    contextNames: [...byContext.keys()],
    context(name?: string): ContextInfo {
      const cluster = byContext.get(name || currentContext || '');
      if (cluster === undefined) throw new ConfigError(`context "${name ?? ''}" does not exist`, { code: 'CONTEXT_NOT_FOUND' });
      return cluster.context;
    },
  };
  const clusterAccessCalls: Array<string | undefined> = [];
  const clientCalls: Array<string | undefined> = [];
  const access: ClusterAccess = {
    kubeconfig,
    async client(context) {
      clientCalls.push(context);
      const cluster = byContext.get(context || currentContext || '');
      if (cluster === undefined) throw new ConfigError(`context "${context ?? ''}" does not exist`, { code: 'CONTEXT_NOT_FOUND' });
      return cluster;
    },
    // A kubeconfig built in memory (stored credentials) reaches the fake cluster of the same name.
    async clientFor(other) {
      const name = other.context().clusterName;
      clientCalls.push(name);
      const cluster = byContext.get(name);
      if (cluster === undefined) throw new ConfigError(`no fake cluster "${name}"`, { code: 'CONTEXT_NOT_FOUND' });
      return cluster;
    },
  };
  const env: CommandEnv = {
    ctx,
    settings,
    ui: (uiOptions = {}) =>
      createUi(ctx, { verbosity: settings.verbosity, quiet: settings.quiet, noColor: true, machineOutput: uiOptions.machineOutput ?? false }),
    clusterAccess: async (kubeconfigFlag) => {
      clusterAccessCalls.push(kubeconfigFlag);
      return access;
    },
    interrupts: { signal: new AbortController().signal, protect: () => ({ release: () => {} }) },
  };
  return { env, stdout: () => stdout, stderr: () => stderr, clusterAccessCalls, clientCalls };
}

export interface FakeRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command line through the real CLI (runCli: argv handling, commander, error rendering) against the fake clusters. */
export async function runWithFakeEnv(args: string[], fake: FakeEnv): Promise<FakeRunResult> {
  const before = { stdout: fake.stdout().length, stderr: fake.stderr().length };
  const code = await runCli(args, fake.env.ctx, { clusterAccess: fake.env.clusterAccess });
  return { code, stdout: fake.stdout().slice(before.stdout), stderr: fake.stderr().slice(before.stderr) };
}
