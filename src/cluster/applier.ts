// The one applier. Every command's plan (core/plan.ts) is applied here:
// - atomically (join): one operation at a time, remembering how to undo each, so a failure or an
//   interrupt leaves the clusters as they were: objects this run created are deleted in reverse
//   order, an object this run deleted is re-created. Objects that existed before are never deleted;
// - independently (federate --contents): with bounded concurrency, each failure reported on its own.
// A write whose response is lost (reset, timeout, 5xx) has an unknown outcome: it is settled by
// reading the object back, so rollback deletes what the server did create, a retry does not fail
// on AlreadyExists, and a delete that was done counts as done. The settled writes (createSettled,
// updateSettled, patchSettled, deleteSettled) are exported for commands that write outside a plan.

import { randomInt } from 'node:crypto';
import { isOutcomeUnknown } from './api-errors.js';
import type { ClusterClient } from './types.js';
import { type WatchedEvent, conditionMet, waitTimeoutText } from '../core/conditions.js';
import { qualifiedName } from '../core/gvr.js';
import {
  type CreateOperation,
  type DeleteOperation,
  type DryRunStrategy,
  type Operation,
  type Outcome,
  type UpdateOperation,
  type WaitOperation,
  describeOperation,
} from '../core/plan.js';
import { sortKeysDeep } from '../core/json.js';
import type { KubeObject } from '../core/types.js';
import { InterruptedError, KubefedctlError, NotFoundError, OperationError, TimeoutError, prefixError } from '../errors.js';
import type { Logger } from '../log.js';

export interface OperationResult {
  op: Operation;
  outcome: Outcome;
  /** The object as the server returned it (creates, updates, patches, waits). */
  object?: KubeObject | undefined;
}

export interface ApplierOptions {
  dryRun: DryRunStrategy;
  logger: Logger;
  /** Called before each operation starts (spinner text, progress). */
  onStart?: ((op: Operation) => void) | undefined;
  /** Called with each watch event of the object a wait watches (what it waits for, as it changes). */
  onWaitEvent?: ((op: WaitOperation, event: WatchedEvent) => void) | undefined;
  /** Aborting it stops an atomic apply before its next request and rolls back. */
  signal?: AbortSignal | undefined;
}

export interface RollbackReport {
  rolledBack: string[];
  failed: string[];
}

interface UndoStep {
  description: string;
  undo: () => Promise<void>;
}

/** Characters the API server uses for generateName suffixes (no vowels, no look-alikes). */
const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class Applier {
  private readonly clients: ReadonlyMap<string, ClusterClient>;
  private readonly options: ApplierOptions;
  private readonly undoSteps: UndoStep[] = [];

  constructor(clients: ReadonlyMap<string, ClusterClient>, options: ApplierOptions) {
    this.clients = clients;
    this.options = options;
  }

  /**
   * Applies operations one after another, except that operations in a row with the same stage go
   * together; the first failure stops it (once the rest of its stage has settled, so that every
   * write that happened is journaled: call rollback() to undo).
   */
  async applyInOrder(operations: readonly Operation[]): Promise<OperationResult[]> {
    const results: OperationResult[] = [];
    for (let start = 0; start < operations.length;) {
      const stage = operations[start]!.stage;
      let end = start + 1;
      while (stage !== undefined && end < operations.length && operations[end]!.stage === stage) end++;
      if (end - start === 1) {
        results.push(await this.applyOne(operations[start]!));
      } else {
        this.throwIfInterrupted();
        results.push(...(await settledInOrder(operations.slice(start, end).map((op) => this.applyOne(op)))));
      }
      start = end;
    }
    // An interrupt that came during the last write still undoes the run.
    this.throwIfInterrupted();
    return results;
  }

  /**
   * Applies operations with at most `limit` in flight; every operation runs, and each result is
   * an OperationResult or the error it failed with, in input order. `onSettled` hears of each as
   * it finishes (a progress bar of finished writes; onStart reports only starts).
   */
  async applyConcurrently(
    operations: readonly Operation[],
    limit: number,
    onSettled?: (succeeded: boolean) => void,
  ): Promise<Array<OperationResult | { op: Operation; error: unknown }>> {
    return mapWithConcurrency(operations, limit, async (op) => {
      try {
        const result = await this.applyOne(op);
        onSettled?.(true);
        return result;
      } catch (error) {
        onSettled?.(false);
        return { op, error };
      }
    });
  }

  async applyOne(op: Operation): Promise<OperationResult> {
    this.throwIfInterrupted();
    const client = this.client(op.cluster);
    this.options.onStart?.(op);
    const where = `in ${op.cluster} cluster "${client.contextName}"`;
    this.options.logger.log(2, `${capitalize(describeOperation(op))} ${where}${op.reason ? ` (${op.reason})` : ''}`);
    try {
      return await this.execute(op, client, where);
    } catch (error) {
      // A refusal is the command's own message, not a failure of the request.
      const isRefusal = op.verb === 'refuse-if-any' && error instanceof KubefedctlError && error.code === op.error.code;
      if (error instanceof KubefedctlError && op.messages?.failure && !isRefusal) throw prefixError(error, op.messages.failure);
      throw error;
    }
  }

  /** Undoes in reverse order; keeps going past failures and reports them. */
  async rollback(): Promise<RollbackReport> {
    const report: RollbackReport = { rolledBack: [], failed: [] };
    for (const step of [...this.undoSteps].reverse()) {
      try {
        await step.undo();
        report.rolledBack.push(step.description);
      } catch (error) {
        report.failed.push(`${step.description}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.undoSteps.length = 0;
    return report;
  }

  /** What a rollback would undo, for the message after a second interrupt. */
  pendingUndo(): string[] {
    return this.undoSteps.map((step) => step.description);
  }

  private client(cluster: string): ClusterClient {
    const client = this.clients.get(cluster);
    if (!client) throw new OperationError('NO_CLIENT', `no client for the ${cluster} cluster`);
    return client;
  }

  #unlessInterrupted<T>(work: Promise<T>): Promise<T> {
    const signal = this.options.signal;
    if (!signal) return work;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new InterruptedError(String(signal.reason ?? 'interrupted')));
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private throwIfInterrupted(): void {
    if (this.options.signal?.aborted) throw new InterruptedError(String(this.options.signal.reason ?? 'interrupted'));
  }

  private async execute(op: Operation, client: ClusterClient, where: string): Promise<OperationResult> {
    const { dryRun } = this.options;
    const writeOptions = { serverDryRun: dryRun === 'server' };
    const record = dryRun === 'none';
    switch (op.verb) {
      case 'unchanged':
        return { op, outcome: 'unchanged' };
      case 'refuse-if-any':
        await refuseIfAny(client, op.gvr, op.error);
        return { op, outcome: 'checked' };
      case 'wait':
        if (dryRun !== 'none') {
          this.options.logger.log(0, `Not waiting for ${op.description} (${dryRun === 'server' ? 'server ' : ''}dry run)`);
          return { op, outcome: 'skipped' };
        }
        // A wait can be long (a namespace terminating, a token): an interrupt ends it at once.
        return { op, outcome: 'waited', object: await this.#unlessInterrupted(waitFor(client, op, this.options.onWaitEvent)) };
      case 'create': {
        if (dryRun === 'client') return { op, outcome: 'created' };
        const object = withConcreteName(op.object);
        const created = await createSettled(client, op, object, writeOptions);
        const name = created.metadata.name ?? object.metadata.name!;
        if (record) {
          this.undoSteps.push({
            description: `deleted ${qualifiedName(op.gvr, name, created.metadata.namespace)} ${where}`,
            undo: async () => void (await deleteSettled(client, op.gvr, name, created.metadata.namespace)),
          });
        }
        return { op, outcome: 'created', object: created };
      }
      case 'update':
        if (dryRun === 'client') return { op, outcome: 'updated' };
        return { op, outcome: 'updated', object: await updateSettled(client, op, writeOptions) };
      case 'patch':
        if (dryRun === 'client') return { op, outcome: 'patched' };
        return { op, outcome: 'patched', object: await patchSettled(client, op.gvr, op.name, op.namespace, op.patch, writeOptions) };
      case 'delete': {
        if (dryRun === 'client') return { op, outcome: (await client.get(op.gvr, op.name, op.namespace)) === undefined ? 'missing' : 'deleted' };
        const deleted = await deleteSettled(client, op.gvr, op.name, op.namespace, writeOptions.serverDryRun);
        if (record && op.restoreOnRollback) this.recordRestore(client, op, where);
        return { op, outcome: deleted ? 'deleted' : 'missing' };
      }
    }
  }

  private recordRestore(client: ClusterClient, op: DeleteOperation, where: string): void {
    const restored = withoutServerFields(op.restoreOnRollback!);
    this.undoSteps.push({
      description: `restored ${qualifiedName(op.gvr, op.name, op.namespace)} ${where}`,
      undo: async () => {
        if (await client.get(op.gvr, op.name, op.namespace)) await deleteSettled(client, op.gvr, op.name, op.namespace);
        await createSettled(client, { verb: 'create', cluster: op.cluster, gvr: op.gvr, object: restored }, restored, {});
      },
    });
  }
}

/** `<prefix>xxxxx` with a random suffix from the API server's own alphabet, as generateName gives. */
export function generatedName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_SUFFIX_ALPHABET[randomInt(NAME_SUFFIX_ALPHABET.length)];
  return `${prefix}${suffix}`;
}

/** A create by name: generateName is resolved here, so a lost response can be settled by a GET. */
function withConcreteName(object: KubeObject): KubeObject {
  if (object.metadata.name || !object.metadata.generateName) return object;
  const { generateName, ...metadata } = object.metadata;
  return { ...object, metadata: { ...metadata, name: generatedName(generateName) } };
}

/** True when `found` carries every label the desired object has: it is the object we wrote. */
function carriesLabels(found: KubeObject, desired: KubeObject): boolean {
  const labels = desired.metadata.labels ?? {};
  return Object.entries(labels).every(([key, value]) => found.metadata.labels?.[key] === value);
}

/** Creates, retrying 404s for op.retryWhileNotServedMs (a CRD created moments ago), as the Go tool does. */
async function createWhenServed(client: ClusterClient, op: CreateOperation, object: KubeObject, writeOptions: { serverDryRun?: boolean }): Promise<KubeObject> {
  const deadline = Date.now() + (op.retryWhileNotServedMs ?? 0);
  for (;;) {
    try {
      return await client.create(op.gvr, object, writeOptions);
    } catch (error) {
      if (!(error instanceof NotFoundError) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, NOT_SERVED_RETRY_PAUSE_MS));
    }
  }
}

/**
 * Creates by name; a lost answer is settled by a GET: the object found is ours when it carries the
 * labels we sent (the create was done), a foreign one fails with FOREIGN_OBJECT (it is neither
 * adopted nor, on rollback, deleted), and none means the create did not happen: it is sent again.
 */
export async function createSettled(
  client: ClusterClient,
  op: CreateOperation,
  object: KubeObject,
  writeOptions: { serverDryRun?: boolean },
): Promise<KubeObject> {
  const name = object.metadata.name!;
  const namespace = object.metadata.namespace;
  try {
    return await createWhenServed(client, op, object, writeOptions);
  } catch (error) {
    if (writeOptions.serverDryRun || !isOutcomeUnknown(error)) throw error;
    const found = await client.get(op.gvr, name, namespace);
    if (found && carriesLabels(found, object)) return found;
    if (found) {
      throw new OperationError(
        'FOREIGN_OBJECT',
        `the answer to the create of ${qualifiedName(op.gvr, name, namespace)} was lost, and the object found there does not carry the labels this run gave it: it was not created by this run and is left as it is`,
        {
          cause: error,
          hint: 'Check who created it; remove it if it is a leftover, then re-run.',
        },
      );
    }
    return client.create(op.gvr, object, writeOptions);
  }
}

/** Updates; a lost answer is settled by a GET: done when the object holds what we sent, else sent again at its current resourceVersion. */
export async function updateSettled(client: ClusterClient, op: UpdateOperation, writeOptions: { serverDryRun?: boolean }): Promise<KubeObject> {
  try {
    return await client.update(op.gvr, op.object, writeOptions);
  } catch (error) {
    if (writeOptions.serverDryRun || !isOutcomeUnknown(error)) throw error;
    const found = await client.get(op.gvr, op.object.metadata.name!, op.object.metadata.namespace);
    if (!found) throw error;
    if (holdsDesired(found, op.object)) return found;
    return client.update(op.gvr, { ...op.object, metadata: { ...op.object.metadata, resourceVersion: found.metadata.resourceVersion } }, writeOptions);
  }
}

/** Every field but metadata and status equal, and the desired labels present. */
function holdsDesired(found: KubeObject, desired: KubeObject): boolean {
  for (const key of Object.keys(desired)) {
    if (key === 'metadata' || key === 'status') continue;
    if (JSON.stringify(sortKeysDeep(found[key])) !== JSON.stringify(sortKeysDeep(desired[key]))) return false;
  }
  return carriesLabels(found, desired);
}

/**
 * Deletes; false when it was already gone. A lost answer is settled by a GET (reads are retried on a
 * broken connection, writes are not): gone or being deleted means done; still there means the
 * delete never arrived, and it is sent again.
 */
export async function deleteSettled(
  client: ClusterClient,
  gvr: Operation['gvr'],
  name: string,
  namespace: string | undefined,
  serverDryRun = false,
): Promise<boolean> {
  const options = { serverDryRun, propagationPolicy: 'Background' as const };
  try {
    return await client.delete(gvr, name, namespace, options);
  } catch (error) {
    if (serverDryRun || !isOutcomeUnknown(error)) throw error;
    const found = await client.get(gvr, name, namespace);
    if (found === undefined || found.metadata.deletionTimestamp) return true;
    await client.delete(gvr, name, namespace, options);
    return true;
  }
}

/**
 * A merge patch is idempotent: a lost answer is settled by reading (which also replaces a broken
 * connection; a write is never retried on one) and sending the patch again.
 */
export async function patchSettled(
  client: ClusterClient,
  gvr: Operation['gvr'],
  name: string,
  namespace: string | undefined,
  patch: unknown,
  writeOptions: { serverDryRun?: boolean },
): Promise<KubeObject> {
  try {
    return await client.patch(gvr, name, namespace, patch, 'merge', writeOptions);
  } catch (error) {
    if (writeOptions.serverDryRun || !isOutcomeUnknown(error)) throw error;
    if ((await client.get(gvr, name, namespace)) === undefined) throw error;
    return client.patch(gvr, name, namespace, patch, 'merge', writeOptions);
  }
}

async function refuseIfAny(client: ClusterClient, gvr: Operation['gvr'], refusal: { code: string; message: string; hint?: string | undefined }): Promise<void> {
  let count: number;
  try {
    count = (await client.list(gvr, { limit: 1 })).items.length;
  } catch (error) {
    // The type is not served (its CRD is gone): no instances.
    if (error instanceof NotFoundError) return;
    throw error;
  }
  if (count > 0) throw new OperationError(refusal.code, refusal.message, { hint: refusal.hint });
}

const DELETE_POLL_MS = { first: 100, max: 1000 };
const NOT_SERVED_RETRY_PAUSE_MS = 300;

/** Waits for the operation's condition; returns the object that satisfied it. */
async function waitFor(client: ClusterClient, op: WaitOperation, onEvent: ApplierOptions['onWaitEvent']): Promise<KubeObject | undefined> {
  if (op.until === 'deleted') return waitUntilGone(client, op);
  let lastSeen: KubeObject | undefined;
  try {
    return await client.watchUntil(
      op.gvr,
      { namespace: op.namespace, fieldSelector: `metadata.name=${op.name}`, timeoutMs: op.timeoutMs, description: op.description },
      (event) => {
        if (event.object.metadata.name !== op.name) return undefined;
        lastSeen = event.object;
        onEvent?.(op, event);
        return conditionMet(op, event) ? event.object : undefined;
      },
    );
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const { message, hint } = waitTimeoutText(op, lastSeen);
    throw new TimeoutError(message, { hint: hint ?? error.hint, cause: error });
  }
}

/** Polls until a GET answers 404: watching for a DELETED event could miss one that came before the watch. */
async function waitUntilGone(client: ClusterClient, op: WaitOperation): Promise<undefined> {
  const deadline = Date.now() + op.timeoutMs;
  let pause = DELETE_POLL_MS.first;
  while ((await client.get(op.gvr, op.name, op.namespace)) !== undefined) {
    if (Date.now() + pause > deadline) throw new TimeoutError(waitTimeoutText(op, undefined).message);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, DELETE_POLL_MS.max);
  }
  return undefined;
}

function withoutServerFields(object: KubeObject): KubeObject {
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, managedFields: _mf, generation: _g, deletionTimestamp: _dt, ...metadata } = object.metadata;
  return { ...object, metadata };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Promise.all, except that it waits for every promise to settle, and when several fail the first
 * failure in list order is thrown, so that the same problem is always the one reported (and every
 * write that happened has been journaled before the caller rolls back).
 */
export async function settledInOrder<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
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
