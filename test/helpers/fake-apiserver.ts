// A tiny Kubernetes API server on 127.0.0.1 over the in-memory FakeCluster, for tests that run
// the built CLI as a real process (under a pseudo-terminal, say): aggregated discovery, get, list,
// create, update, patch, delete, watch and raw documents, with Status errors, plain HTTP and a
// bearer token.
//
//   const host = await serveFakeCluster(new WatchableFakeCluster({ contextName: 'host' }).installKubeFed());
//   writeKubeconfig([host, member]);  // kubeconfigFor() below
//   ...
//   await host.close();
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiResourceInfo, PatchType, WatchEvent } from '../../src/cluster/types.js';
import type { GroupVersionResource, KubeObject } from '../../src/core/types.js';
import { ClusterApiError } from '../../src/errors.js';
import { FakeCluster, matchesListOptions } from './fake-cluster.js';

interface LoggedEvent {
  seq: number;
  gvr: GroupVersionResource;
  event: WatchEvent;
}

type Subscriber = (entry: LoggedEvent) => void;

/** A FakeCluster that keeps every change as a watch event, so that a server can stream them. */
export class WatchableFakeCluster extends FakeCluster {
  // Nothing #private: FakeCluster's constructor stores an object (through put) before this class's
  // fields and private methods exist.
  events?: LoggedEvent[];
  subscribers?: Set<Subscriber>;

  override put(gvr: GroupVersionResource, object: KubeObject): KubeObject {
    const existed = this.peek(gvr, object.metadata.name ?? '', object.metadata.namespace) !== undefined;
    const stored = super.put(gvr, object);
    this.publish(gvr, { type: existed ? 'MODIFIED' : 'ADDED', object: structuredClone(stored) });
    return stored;
  }

  override remove(gvr: GroupVersionResource, name: string, namespace?: string): boolean {
    const existing = this.peek(gvr, name, namespace);
    const removed = super.remove(gvr, name, namespace);
    if (existing) this.publish(gvr, { type: 'DELETED', object: existing });
    return removed;
  }

  /** Events after `seq` (a list's resourceVersion), then every new one, until the returned function is called. */
  subscribe(afterSeq: number, subscriber: Subscriber): () => void {
    for (const entry of this.events ?? []) if (entry.seq > afterSeq) subscriber(entry);
    (this.subscribers ??= new Set()).add(subscriber);
    return () => this.subscribers?.delete(subscriber);
  }

  private publish(gvr: GroupVersionResource, event: WatchEvent): void {
    const events = (this.events ??= []);
    // Ordered like resourceVersions: a delete comes after the last write.
    const seq = Math.max(Number(event.object.metadata.resourceVersion ?? 0), (events[events.length - 1]?.seq ?? 0) + 0.001);
    const entry = { seq, gvr, event };
    events.push(entry);
    for (const subscriber of this.subscribers ?? []) subscriber(entry);
  }
}

export interface FakeApiServer {
  cluster: WatchableFakeCluster;
  url: string;
  /** Requests answered so far, as "VERB path". */
  readonly log: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Added before every write is answered (a real server's round trip), so progress can be seen. */
  writeLatencyMs?: number;
}

export const FAKE_TOKEN = 'fake-apiserver-token';

export async function serveFakeCluster(cluster: WatchableFakeCluster, options: ServeOptions = {}): Promise<FakeApiServer> {
  const log: string[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    open.add(response);
    response.on('close', () => open.delete(response));
    log.push(`${request.method} ${request.url}`);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(cluster, request, Buffer.concat(chunks).toString('utf8'), response, options).catch((error: unknown) => sendError(response, error));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    cluster,
    url: `http://127.0.0.1:${port}`,
    log,
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A kubeconfig with one context per server (named after its cluster's context), token users. */
export function writeFakeKubeconfig(file: string, servers: FakeApiServer[], current = servers[0]!.cluster.contextName): void {
  const entries = servers.map((s) => ({ name: s.cluster.contextName, url: s.url }));
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${current}`,
      'clusters:',
      ...entries.map((e) => `- name: ${e.name}\n  cluster: {server: "${e.url}"}`),
      'users:',
      ...entries.map((e) => `- name: ${e.name}\n  user: {token: ${FAKE_TOKEN}}`),
      'contexts:',
      ...entries.map((e) => `- name: ${e.name}\n  context: {cluster: ${e.name}, user: ${e.name}}`),
      '',
    ].join('\n'),
  );
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
};

async function handle(
  cluster: WatchableFakeCluster,
  request: http.IncomingMessage,
  body: string,
  response: http.ServerResponse,
  options: ServeOptions,
): Promise<void> {
  assert.equal(request.headers.authorization, `Bearer ${FAKE_TOKEN}`, 'the CLI sends the kubeconfig token');
  const url = new URL(request.url ?? '/', 'http://fake');
  const query = url.searchParams;
  if (url.pathname === '/api' || url.pathname === '/apis') return send(response, 200, await aggregatedDiscovery(cluster, url.pathname === '/api'));
  const target = parseResourcePath(url.pathname);
  // Anything else is a raw document (/openapi/v2), as FakeCluster.getRaw serves it.
  if (!target) return send(response, 200, await cluster.getRaw(url.pathname));
  const { gvr, namespace, name } = target;
  const dryRun = { serverDryRun: query.get('dryRun') === 'All' };
  const method = request.method ?? 'GET';
  if (method !== 'GET' && options.writeLatencyMs) await new Promise((resolve) => setTimeout(resolve, options.writeLatencyMs));
  switch (method) {
    case 'GET': {
      if (name !== undefined) {
        const found = await cluster.get(gvr, name, namespace);
        return found ? send(response, 200, found) : send(response, 404, status(404, 'NotFound', `${gvr.resource} "${name}" not found`));
      }
      const listOptions = { namespace, labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined };
      if (query.get('watch') === '1' || query.get('watch') === 'true')
        return watch(cluster, gvr, listOptions, Number(query.get('resourceVersion') ?? 0), response);
      const { items, resourceVersion } = await cluster.list(gvr, listOptions);
      return send(response, 200, { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion }, items });
    }
    case 'POST':
      return send(response, 201, await cluster.create(gvr, JSON.parse(body) as KubeObject, dryRun));
    case 'PUT':
      return send(response, 200, await cluster.update(gvr, JSON.parse(body) as KubeObject, dryRun));
    case 'PATCH':
      return send(
        response,
        200,
        await cluster.patch(gvr, name!, namespace, JSON.parse(body), PATCH_TYPES[request.headers['content-type'] ?? ''] ?? 'merge', dryRun),
      );
    case 'DELETE': {
      const deleted = await cluster.delete(gvr, name!, namespace, dryRun);
      return deleted
        ? send(response, 200, status(200, '', 'deleted', 'Success'))
        : send(response, 404, status(404, 'NotFound', `${gvr.resource} "${name}" not found`));
    }
    default:
      return send(response, 405, status(405, 'MethodNotAllowed', `${method} is not supported`));
  }
}

function watch(
  cluster: WatchableFakeCluster,
  gvr: GroupVersionResource,
  listOptions: { namespace?: string | undefined; fieldSelector?: string | undefined; labelSelector?: string | undefined },
  afterSeq: number,
  response: http.ServerResponse,
): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  const unsubscribe = cluster.subscribe(afterSeq, (entry) => {
    if (entry.gvr.group !== gvr.group || entry.gvr.resource !== gvr.resource || !matchesListOptions(entry.event.object, listOptions)) return;
    response.write(`${JSON.stringify(entry.event)}\n`);
  });
  response.on('close', unsubscribe);
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList of the core group (/api) or the named ones (/apis). */
async function aggregatedDiscovery(cluster: FakeCluster, core: boolean): Promise<unknown> {
  const groups = (await cluster.serverGroups()).filter((group) => (group.name === '') === core);
  const items = [];
  for (const group of groups) {
    const versions = [group.preferredVersion, ...group.versions.filter((v) => v !== group.preferredVersion)];
    const served = [];
    for (const version of versions) {
      let resources: ApiResourceInfo[];
      try {
        resources = await cluster.serverResources(group.name, version);
      } catch {
        continue;
      }
      served.push({
        version,
        resources: resources.map((r) => ({
          resource: r.name,
          responseKind: { group: r.group, version: r.version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singularName,
          shortNames: r.shortNames,
          verbs: r.verbs,
          ...(r.categories ? { categories: r.categories } : {}),
        })),
      });
    }
    items.push({ metadata: { name: group.name }, versions: served });
  }
  return { apiVersion: 'apidiscovery.k8s.io/v2', kind: 'APIGroupDiscoveryList', items };
}

function parseResourcePath(pathname: string): { gvr: GroupVersionResource; namespace: string | undefined; name: string | undefined } | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  const version = group === '' ? parts[1]! : parts[2]!;
  if (rest[0] === 'namespaces' && rest.length >= 3) return { gvr: { group, version, resource: rest[2]! }, namespace: rest[1], name: rest[3] };
  return { gvr: { group, version, resource: rest[0]! }, namespace: undefined, name: rest[1] };
}

function status(code: number, reason: string, message: string, outcome = 'Failure'): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: outcome, message, reason, code };
}

function sendError(response: http.ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof ClusterApiError) {
    send(response, error.status || 500, status(error.status || 500, error.details.reason ?? 'InternalError', error.details.serverMessage ?? error.message));
  } else {
    send(response, 500, status(500, 'InternalError', error instanceof Error ? error.message : String(error)));
  }
}

function send(response: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
