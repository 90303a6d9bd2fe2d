// What `kubefedctl federate TYPE NAME [--contents]` does once its options are complete: read
// everything first (discovery, type configs, objects), plan the federated writes, then print them
// (-o) or apply them (bounded concurrency, each failure reported on its own); re-runs update.

import type { CommandEnv } from '../cli/command-env.js';
import type { Ui } from '../cli/ui.js';
import { Applier } from '../cluster/applier.js';
import { discoverApiResources } from '../cluster/discovery.js';
import type { ClusterClient } from '../cluster/types.js';
import type { FederateOptions } from '../commands/federate.js';
import { formatCount } from '../core/count.js';
import { type ApiResource, type DiscoverySnapshot, groupQualifiedName, lookupApiResource, preferredResourceLists } from '../core/api-resources.js';
import { type ServedFederatedType, federateObject, planFederatedWrites } from '../core/federate.js';
import { GVR, gvrOf } from '../core/gvr.js';
import { type ContentsType, namespaceContentTypes, skipReason } from '../core/namespace-contents.js';
import { type DryRunStrategy, resultLine } from '../core/plan.js';
import { printObjects } from '../core/printers.js';
import { type TableLayout, renderTable } from '../core/table.js';
import { federatedTypeForTarget, typeConfigApiResource } from '../core/type-config.js';
import { defaultEnableTypeDirective } from '../core/enable-directive.js';
import type { KubeObject } from '../core/types.js';
import { ClusterApiError, KubefedctlError, OperationError, PartialFailureError, UsageError, prefixError } from '../errors.js';
import { createTypeResources, generateTypeResources } from './type-resources.js';

type OnlineOptions = Extract<FederateOptions, { mode: 'online' }>;

/** One type's worth of objects to federate, with the federated type they go into. */
interface ArtifactSet {
  target: ApiResource;
  federatedType: ServedFederatedType;
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
  const dryRun = options.dryRun;
  const ui = env.ui({ machineOutput: options.output !== undefined });
  const access = await env.clusterAccess(options.kubeconfig);
  const hostContext = options.hostClusterContext;
  const client = await access.client(hostContext);
  const namespace = options.namespace || access.kubeconfig.context(hostContext).namespace;
  const kubefedNs = options.kubefedNamespace;

  // Reading a namespace's contents can take a while: at a terminal, say so.
  const reading = options.contents ? await ui.spinner(`Reading namespace "${options.resourceName}" and what is in it`) : undefined;
  const read = readForFederation(client, options, namespace, ui);
  const { sets, skipped } = await read.catch((error: unknown) => {
    reading?.fail(`Reading namespace "${options.resourceName}" failed`);
    throw error;
  });
  const objectCount = sets.reduce((sum, set) => sum + set.objects.length, 0);
  reading?.succeed(`Read namespace "${options.resourceName}" and what is in it`);

  const annotationClusters = options.annotations === 'overrides' ? await overrideClusters(client, options) : undefined;
  const federated = sets.map((set) => ({
    set,
    objects: set.objects.map((o) => federateObject(o, set.federatedType, options.placement, { annotationClusters })),
  }));
  for (const { objects } of federated) for (const { warnings } of objects) for (const warning of warnings) ui.logger.warn(warning);
  if (options.contents) printContentsPlan(sets, skipped, ui, dryRun);

  if (options.output) {
    env.ctx.stdout.write(
      printObjects(
        federated.flatMap((f) => f.objects.map((o) => o.object)),
        options.output,
      ),
    );
    return;
  }

  const print = (line: string) => env.ctx.stdout.write(`${line}\n`);
  const applier = new Applier(new Map([['host', client]]), { dryRun, logger: ui.logger });
  const failures: Error[] = [];
  const fail = (error: unknown) => {
    if (!(error instanceof KubefedctlError) || sets.length === 1) throw error;
    failures.push(error);
    ui.logger.warn(error.message);
  };
  // A bar for the writes of --contents (count, rate, time left) at a terminal; it counts each
  // object when its write has finished.
  const bar = options.contents ? await ui.progress(dryRun === 'none' ? 'Federating' : 'Checking (dry run)', objectCount) : undefined;
  let written = 0;
  try {
    for (const { set, objects } of federated) {
      if (set.needsEnable) {
        const generated = await generateTypeResources(
          client,
          { ...defaultEnableTypeDirective(groupQualifiedName(set.target.name, set.target.group)), targetVersion: set.target.version },
          ui.logger,
        );
        await createTypeResources(client, generated, { namespace: kubefedNs, dryRun, logger: ui.logger }, print);
      }
      if (set.target.kind === 'Namespace')
        ui.logger.log(2, 'Resource to federate is a namespace. Given namespace will itself be the container for the federated namespace');
      const wanted = objects.map((o) => o.object);
      const plan = planFederatedWrites(set.federatedType, wanted, await existingFederatedObjects(client, set, wanted), {
        errorOnExisting: options.errorOnExisting,
        retryCreateWhileNotServedMs: CREATE_RETRY_MS,
      });
      for (const conflict of plan.conflicts) {
        bar?.advance(false);
        fail(conflict);
      }
      const results = await applier.applyConcurrently(plan.operations, WRITE_CONCURRENCY, (succeeded) => bar?.advance(succeeded));
      // Printed in plan order, whatever order the concurrent writes finished in.
      for (const result of results) {
        if ('error' in result) {
          fail(result.error);
        } else {
          written++;
          print(resultLine(result.op, result.outcome, dryRun));
        }
      }
    }
  } finally {
    bar?.finish();
  }
  // Counted after the writes: what was done, not what was meant to be.
  if (options.contents) ui.info(contentsSummary({ written, failed: failures.length, total: objectCount, types: sets.length, skipped: skipped.length, dryRun }));
  if (failures.length > 0) throw new PartialFailureError(`${failures.length} federated resource(s) could not be written`, failures);
}

/**
 * The clusters whose overrides carry annotations: the placement's list, else every joined
 * cluster (a selector may match any of them, and an override for an unplaced cluster is unused).
 */
async function overrideClusters(client: ClusterClient, options: OnlineOptions): Promise<readonly string[]> {
  if (options.placement.clusters !== undefined) return options.placement.clusters;
  const { items } = await client.list(GVR.kubefedClusters, { namespace: options.kubefedNamespace }).catch((error: unknown) => {
    throw prefixError(error, `Failed to list KubeFedClusters in namespace ${options.kubefedNamespace} (--annotations=overrides names each cluster)`);
  });
  return items.map((item) => item.metadata.name ?? '').filter((name) => name !== '');
}

/** The target object, and with --contents everything in its namespace worth federating, with the federated type of each. */
async function readForFederation(
  client: ClusterClient,
  options: OnlineOptions,
  namespace: string,
  ui: Ui,
): Promise<{ sets: ArtifactSet[]; skipped: Skipped[] }> {
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

  const typeConfigs = new TypeConfigs(client, options.kubefedNamespace, options);
  const object = await client.get(gvrOf(target), options.resourceName, target.namespaced ? namespace : undefined);
  if (!object) {
    throw new OperationError(
      'NOT_FOUND',
      `Error retrieving target ${target.kind} "${target.namespaced ? `${namespace}/` : ''}${options.resourceName}": not found`,
      {
        hint: target.namespaced ? 'Check the name and -n/--namespace.' : 'Check the name.',
      },
    );
  }
  const sets: ArtifactSet[] = [await typeConfigs.artifactSet(target, [object])];
  const skipped: Skipped[] = [];
  if (options.contents) {
    const contents = await namespaceContents(client, snapshot, options.resourceName, options.skipApiResources, skipped, ui);
    for (const { type, objects } of contents) sets.push(await typeConfigs.artifactSet(type.resource, objects));
  }

  return { sets, skipped };
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
      ftc = await this.client.get(GVR.federatedTypeConfigs, name, this.kubefedNs);
    } catch (error) {
      // -o only prints: like the Go tool, fall back to the default federated type.
      if (!this.options.output) throw error;
    }
    if (ftc) {
      return { target, needsEnable: false, federatedType: servedType(typeConfigApiResource(ftc, 'federatedType')) };
    }
    if (!this.options.enableType && !this.options.output) {
      throw new OperationError(
        'TYPE_NOT_ENABLED',
        `federatedtypeconfigs.core.kubefed.io "${name}" not found. Consider using '--enable-type' to optionally enable type while federating the resource`,
        {
          hint: `Or enable it first: kubefedctl enable ${name}`,
        },
      );
    }
    return { target, needsEnable: this.options.enableType, federatedType: servedType(federatedTypeForTarget(target, defaultEnableTypeDirective())) };
  }
}

function servedType(resource: { group?: string | undefined; version: string; kind: string; pluralName: string; scope: string }): ServedFederatedType {
  return {
    group: resource.group ?? '',
    version: resource.version,
    kind: resource.kind,
    pluralName: resource.pluralName,
    namespaced: resource.scope === 'Namespaced',
  };
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
    throw new OperationError(
      'DISCOVERY_INCOMPLETE',
      `Error listing api resources: unable to retrieve the complete list of server APIs: ${snapshot.failures.map((f) => `${f.groupVersion}: ${f.message}`).join(', ')}`,
      {
        hint: `Skip the failing API groups with --skip-api-resources ${[...new Set(snapshot.failures.map((f) => f.groupVersion.split('/')[0]))].join(',')} (failed: ${failed}).`,
      },
    );
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
    throw new OperationError(
      'LIST_FAILED',
      `could not list ${listErrors.length} type(s) in namespace "${namespace}":\n  - ${listErrors.sort().join('\n  - ')}`,
      {
        hint: 'Fix access to these types, or leave them out with --skip-api-resources.',
      },
    );
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

/** The plan's columns two spaces apart, each as wide as its widest cell. */
const PLAN_LAYOUT: TableLayout = { minWidth: 0, padding: 2 };

/** Above this many rows, the plan a person sees at a terminal is a count per type and action. */
const PLAN_SUMMARY_ABOVE = 20;

/**
 * What --contents is about to do, printed before anything is written, and labelled so: one row
 * per object, or at a terminal, when that is long (3,001 rows would scroll the screen away before
 * the bar shows), one per type and action. The full list stays with --dry-run, -v=2 and wherever
 * stderr is not a terminal.
 */
function printContentsPlan(sets: ArtifactSet[], skipped: Skipped[], ui: Ui, dryRun: DryRunStrategy): void {
  const rows = contentsPlanRows(sets, skipped);
  const summarize = ui.live && dryRun === 'none' && rows.length > PLAN_SUMMARY_ABOVE;
  ui.info('Plan (nothing is written yet):');
  const table = summarize
    ? renderTable(['TYPE', 'COUNT', 'PLAN'], summarizePlanRows(rows), PLAN_LAYOUT)
    : renderTable(['TYPE', 'NAME', 'PLAN'], rows, PLAN_LAYOUT);
  // One ui.info per line (the table ends each with a newline).
  for (const line of table.split('\n').slice(0, -1)) ui.info(line);
  const count = sets.reduce((sum, set) => sum + set.objects.length, 0);
  ui.info(
    `Plan: federate ${formatCount(count)} object(s) of ${sets.length} type(s), skip ${formatCount(skipped.length)}${summarize ? ' (each object: --dry-run or -v=2)' : ''}`,
  );
}

/** [type, name, plan] per object to federate, then per object skipped. */
export function contentsPlanRows(sets: readonly ArtifactSet[], skipped: readonly Skipped[]): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = [];
  for (const set of sets)
    for (const object of set.objects)
      rows.push([groupQualifiedName(set.target.name, set.target.group), object.metadata.name ?? '', `federate as ${set.federatedType.kind}`]);
  for (const skip of skipped) rows.push([skip.type, skip.name, `skipped: ${skip.reason}`]);
  return rows;
}

/** [type, count, plan] per type and plan, in the order they first appear; counts right-aligned. */
export function summarizePlanRows(rows: ReadonlyArray<readonly [string, string, string]>): Array<[string, string, string]> {
  const counts = new Map<string, { type: string; plan: string; count: number }>();
  for (const [type, , plan] of rows) {
    const key = `${type}\n${plan}`;
    const entry = counts.get(key) ?? counts.set(key, { type, plan, count: 0 }).get(key)!;
    entry.count++;
  }
  const width = Math.max(5, ...[...counts.values()].map((entry) => formatCount(entry.count).length));
  return [...counts.values()].map((entry) => [entry.type, formatCount(entry.count).padStart(width), entry.plan]);
}

/** "federated 9,998 of 10,001 object(s) of 4 type(s); 3 failed, 2 skipped": what the writes did. */
function contentsSummary(counts: { written: number; failed: number; total: number; types: number; skipped: number; dryRun: DryRunStrategy }): string {
  const what = `${formatCount(counts.written)} of ${formatCount(counts.total)} object(s) of ${counts.types} type(s)`;
  const head = counts.dryRun === 'none' ? `federated ${what}` : `dry run: ${what} would be federated (nothing was written)`;
  const tail = [...(counts.failed > 0 ? [`${formatCount(counts.failed)} failed`] : []), `${formatCount(counts.skipped)} skipped`];
  return `${head}; ${tail.join(', ')}`;
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
