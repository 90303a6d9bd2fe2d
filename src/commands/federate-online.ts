// kubefedctl federate TYPE NAME [--contents]: federate objects of the host cluster. Reads
// everything first (discovery, type configs, objects), then prints or writes; re-runs update.

import type { CommandEnv } from '../cli/command-env.js';
import { dryRunStrategy, kubefedNamespace } from '../cli/flags.js';
import type { Ui } from '../cli/ui.js';
import type { ClusterClient } from '../cluster/types.js';
import { type ApiResource, type DiscoverySnapshot, groupQualifiedName, lookupApiResource, preferredResourceLists } from '../core/api-resources.js';
import { type FederatedType, federateObject } from '../core/federate.js';
import { type ContentsType, namespaceContentTypes, skipReason } from '../core/namespace-contents.js';
import { printObjects, sortKeysDeep } from '../core/printers.js';
import { FTC_GVR, defaultEnableTypeDirective, typeConfigApiResource } from '../core/type-config.js';
import type { GroupVersionResource, KubeObject } from '../core/types.js';
import { ClusterApiError, KubefedctlError, OperationError, PartialFailureError, UsageError } from '../errors.js';
import { createTypeResources, discoverApiResources, generateTypeResources, prefixError } from './enable.js';
import type { FederateOptions } from './federate.js';

type OnlineOptions = Extract<FederateOptions, { mode: 'online' }>;

/** One type's worth of objects to federate, with the federated type they go into. */
interface ArtifactSet {
  target: ApiResource;
  federatedType: FederatedType & { pluralName: string };
  /** The FederatedTypeConfig is not installed: --enable-type creates it. */
  needsEnable: boolean;
  objects: KubeObject[];
}

interface Skipped {
  type: string;
  name: string;
  reason: string;
}

const CREATE_RETRY_MS = 10_000;
/** Writes in flight at once: enough to hide round trips, few enough not to trip API priority and fairness. */
const WRITE_CONCURRENCY = 8;
/** Above this many objects of one type, one LIST answers "does it exist" instead of a GET each. */
const LIST_THRESHOLD = 3;

export async function runOnlineFederate(options: OnlineOptions, env: CommandEnv): Promise<void> {
  const dryRun = dryRunStrategy(options.flags.dryRun);
  const ui = env.ui({ machineOutput: options.output !== undefined });
  const access = await env.clusterAccess(options.flags.kubeconfig);
  const hostContext = options.flags.hostClusterContext || undefined;
  const client = await access.client(hostContext);
  const namespace = options.namespace || access.kubeconfig.context(hostContext).namespace;
  const kubefedNs = kubefedNamespace(options.flags);

  const snapshot = await discoverApiResources(client);
  let target: ApiResource;
  try {
    target = lookupApiResource(snapshot, options.typeName).resource;
  } catch (error) {
    throw prefixError(error, `Failed to find target API resource ${options.typeName}`);
  }
  if (options.contents && target.kind !== 'Namespace') {
    throw new UsageError("Flag '--contents' can only be used with type 'namespaces'.");
  }

  const typeConfigs = new TypeConfigs(client, kubefedNs, options);
  const object = await client.get(gvrOf(target), options.resourceName, target.namespaced ? namespace : undefined);
  if (!object) {
    throw new OperationError('NOT_FOUND', `Error retrieving target ${target.kind} "${target.namespaced ? `${namespace}/` : ''}${options.resourceName}": not found`, {
      hint: target.namespaced ? 'Check the name and -n/--namespace.' : 'Check the name.',
    });
  }
  const sets: ArtifactSet[] = [await typeConfigs.artifactSet(target, [object])];
  const skipped: Skipped[] = [];
  if (options.contents) {
    const contents = await namespaceContents(client, snapshot, options.resourceName, options.skipApiResources, skipped, ui);
    for (const { type, objects } of contents) sets.push(await typeConfigs.artifactSet(type.resource, objects));
  }

  const federated = sets.flatMap((set) => set.objects.map((o) => ({ set, object: federateObject(o, set.federatedType, options.placement) })));
  for (const { object } of federated) for (const warning of object.warnings) ui.logger.warn(warning);
  if (options.contents) printContentsTable(sets, skipped, ui);

  if (options.output) {
    env.ctx.stdout.write(printObjects(federated.map((f) => f.object.object), options.output));
    return;
  }

  const print = (line: string) => env.ctx.stdout.write(`${line}\n`);
  const failures: Error[] = [];
  for (const set of sets) {
    if (set.needsEnable) {
      const generated = await generateTypeResources(client, { ...defaultEnableTypeDirective(groupQualifiedName(set.target.name, set.target.group)), targetVersion: set.target.version }, ui);
      await createTypeResources(client, generated, { namespace: kubefedNs, dryRun }, print);
    }
    const objects = federated.filter((f) => f.set === set).map((f) => f.object.object);
    const existing = await existingFederatedObjects(client, set, objects);
    const results = await mapWithConcurrency(objects, WRITE_CONCURRENCY, async (object): Promise<{ line: string } | { error: unknown }> => {
      try {
        return { line: await writeFederated(client, set, object, existing.get(objectKey(object)), { dryRun, errorOnExisting: options.errorOnExisting }, ui) };
      } catch (error) {
        return { error };
      }
    });
    // Printed in input order, whatever order the concurrent writes finished in.
    for (const result of results) {
      if ('line' in result) {
        print(result.line);
        continue;
      }
      const error = result.error;
      if (!(error instanceof KubefedctlError) || sets.length === 1) throw error;
      failures.push(error);
      ui.logger.warn(error.message);
    }
  }
  if (failures.length > 0) throw new PartialFailureError(`${failures.length} federated resource(s) could not be written`, failures);
}

function gvrOf(resource: Pick<ApiResource, 'group' | 'version' | 'name'>): GroupVersionResource {
  return { group: resource.group, version: resource.version, resource: resource.name };
}

/** FederatedTypeConfig lookups (getTypeConfig), once per type. */
class TypeConfigs {
  private readonly cache = new Map<string, Promise<Omit<ArtifactSet, 'objects'>>>();
  private readonly client: ClusterClient;
  private readonly kubefedNs: string;
  private readonly options: OnlineOptions;

  constructor(client: ClusterClient, kubefedNs: string, options: OnlineOptions) {
    this.client = client;
    this.kubefedNs = kubefedNs;
    this.options = options;
  }

  async artifactSet(target: ApiResource, objects: KubeObject[]): Promise<ArtifactSet> {
    const name = groupQualifiedName(target.name, target.group);
    let entry = this.cache.get(name);
    if (!entry) {
      entry = this.lookup(target, name);
      this.cache.set(name, entry);
    }
    return { ...(await entry), objects };
  }

  private async lookup(target: ApiResource, name: string): Promise<Omit<ArtifactSet, 'objects'>> {
    let ftc: KubeObject | undefined;
    try {
      ftc = await this.client.get(FTC_GVR, name, this.kubefedNs);
    } catch (error) {
      // -o only prints: like the Go tool, fall back to the default federated type.
      if (!this.options.output) throw error;
    }
    if (ftc) {
      const federated = typeConfigApiResource(ftc, 'federatedType');
      return {
        target,
        needsEnable: false,
        federatedType: { group: federated.group ?? '', version: federated.version, kind: federated.kind, pluralName: federated.pluralName, namespaced: federated.scope === 'Namespaced' },
      };
    }
    if (!this.options.enableType && !this.options.output) {
      throw new OperationError('TYPE_NOT_ENABLED', `federatedtypeconfigs.core.kubefed.io "${name}" not found. Consider using '--enable-type' to optionally enable type while federating the resource`, {
        hint: `Or enable it first: kubefedctl enable ${name}`,
      });
    }
    return {
      target,
      needsEnable: this.options.enableType,
      federatedType: {
        group: 'types.kubefed.io',
        version: 'v1beta1',
        kind: `Federated${target.kind}`,
        pluralName: `federated${target.name}`,
        namespaced: target.kind === 'Namespace' || target.namespaced,
      },
    };
  }
}

async function namespaceContents(
  client: ClusterClient,
  snapshot: DiscoverySnapshot,
  namespace: string,
  skipApiResources: readonly string[],
  skipped: Skipped[],
  ui: Ui,
): Promise<Array<{ type: ContentsType; objects: KubeObject[] }>> {
  if (snapshot.failures.length > 0) {
    const failed = snapshot.failures.map((f) => f.groupVersion).join(', ');
    throw new OperationError('DISCOVERY_INCOMPLETE', `Error listing api resources: unable to retrieve the complete list of server APIs: ${snapshot.failures.map((f) => `${f.groupVersion}: ${f.message}`).join(', ')}`, {
      hint: `Skip the failing API groups with --skip-api-resources ${[...new Set(snapshot.failures.map((f) => f.groupVersion.split('/')[0]))].join(',')} (failed: ${failed}).`,
    });
  }
  const types = namespaceContentTypes(preferredResourceLists(snapshot), skipApiResources);
  ui.logger.log(2, `Listing ${types.length} types in namespace "${namespace}": ${types.map((t) => t.name).join(', ')}`);
  const listErrors: string[] = [];
  const listed = await Promise.all(
    types.map(async (type) => {
      try {
        return { type, items: (await client.list(gvrOf(type.resource), { namespace, limit: 500 })).items };
      } catch (error) {
        listErrors.push(`${type.name}: ${(error as Error).message}`);
        return { type, items: [] };
      }
    }),
  );
  if (listErrors.length > 0) {
    throw new OperationError('LIST_FAILED', `could not list ${listErrors.length} type(s) in namespace "${namespace}":\n  - ${listErrors.sort().join('\n  - ')}`, {
      hint: 'Fix access to these types, or leave them out with --skip-api-resources.',
    });
  }
  const result: Array<{ type: ContentsType; objects: KubeObject[] }> = [];
  for (const { type, items } of listed) {
    const objects: KubeObject[] = [];
    for (const item of [...items].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
      const reason = skipReason(type, item);
      if (reason) skipped.push({ type: type.name, name: item.metadata.name ?? '', reason });
      else objects.push(item);
    }
    if (objects.length > 0) result.push({ type, objects });
  }
  return result;
}

function printContentsTable(sets: ArtifactSet[], skipped: Skipped[], ui: Ui): void {
  const rows: string[][] = [['TYPE', 'NAME', 'RESULT']];
  for (const set of sets) for (const object of set.objects) rows.push([groupQualifiedName(set.target.name, set.target.group), object.metadata.name ?? '', `federated as ${set.federatedType.kind}`]);
  for (const skip of skipped) rows.push([skip.type, skip.name, `skipped: ${skip.reason}`]);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) ui.info(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
  const count = sets.reduce((sum, set) => sum + set.objects.length, 0);
  ui.info(`${count} object(s) of ${sets.length} type(s) federated, ${skipped.length} skipped`);
}

async function writeFederated(
  client: ClusterClient,
  set: ArtifactSet,
  object: KubeObject,
  existing: KubeObject | undefined,
  options: { dryRun: ReturnType<typeof dryRunStrategy>; errorOnExisting: boolean },
  ui: Ui,
): Promise<string> {
  const gvr = { group: set.federatedType.group, version: set.federatedType.version, resource: set.federatedType.pluralName };
  const name = object.metadata.name!;
  const namespace = object.metadata.namespace;
  const ref = `${set.federatedType.kind.toLowerCase()}.${gvr.group}/${name}`;
  const suffix = options.dryRun === 'client' ? ' (dry run)' : options.dryRun === 'server' ? ' (server dry run)' : '';
  if (set.target.kind === 'Namespace') ui.logger.log(2, 'Resource to federate is a namespace. Given namespace will itself be the container for the federated namespace');
  if (existing) {
    if (options.errorOnExisting) {
      throw new OperationError('ALREADY_EXISTS', `Error creating federated resource "${namespace ? `${namespace}/` : ''}${name}": ${gvr.resource}.${gvr.group} "${name}" already exists`, {
        hint: 'Re-run without --error-on-existing to update it.',
      });
    }
    // The server returns keys sorted; compare content, not key order.
    if (JSON.stringify(sortKeysDeep(existing.spec)) === JSON.stringify(sortKeysDeep(object.spec))) return `${ref} unchanged${suffix}`;
    if (options.dryRun === 'client') return `${ref} updated${suffix}`;
    await client.update(gvr, { ...existing, spec: object.spec }, { serverDryRun: options.dryRun === 'server' });
    return `${ref} updated${suffix}`;
  }
  if (options.dryRun === 'client') return `${ref} created${suffix}`;
  // A federated CRD enabled a moment ago may not be served yet: retry 404s for a while, as the Go tool does.
  const deadline = Date.now() + CREATE_RETRY_MS;
  for (;;) {
    try {
      await client.create(gvr, object, { serverDryRun: options.dryRun === 'server' });
      ui.logger.log(1, `Successfully created ${set.federatedType.kind} "${namespace ? `${namespace}/` : ''}${name}" from ${set.target.kind}`);
      return `${ref} created${suffix}`;
    } catch (error) {
      if (error instanceof ClusterApiError && error.status === 404 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        continue;
      }
      throw prefixError(error, `Error creating federated resource "${namespace ? `${namespace}/` : ''}${name}"`);
    }
  }
}

function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/**
 * Which of the federated objects already exist. A federated type enabled in this run (or, in a
 * dry run, not yet) is not served: a 404 means none exist.
 */
async function existingFederatedObjects(client: ClusterClient, set: ArtifactSet, objects: KubeObject[]): Promise<Map<string, KubeObject>> {
  const gvr = { group: set.federatedType.group, version: set.federatedType.version, resource: set.federatedType.pluralName };
  const found = new Map<string, KubeObject>();
  const notServed = (error: unknown) => {
    if (error instanceof ClusterApiError && error.status === 404) return undefined;
    throw error;
  };
  if (objects.length <= LIST_THRESHOLD) {
    for (const object of objects) {
      const existing = await client.get(gvr, object.metadata.name!, object.metadata.namespace).catch(notServed);
      if (existing) found.set(objectKey(object), existing);
    }
    return found;
  }
  for (const namespace of new Set(objects.map((object) => object.metadata.namespace))) {
    const listed = await client.list(gvr, { namespace, limit: 500 }).catch(notServed);
    for (const item of listed?.items ?? []) found.set(objectKey(item), item);
  }
  return found;
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
