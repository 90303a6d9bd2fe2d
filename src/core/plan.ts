// One plan type for every write any command makes. Commands observe the clusters, pure planners
// turn what they saw into Operations, and cluster/applier.ts applies them (or the printers below
// show them for --dry-run and -o). Operations name their cluster by a role ("host", "member", or
// a cluster's name for commands that span several); the applier maps roles to clients.

import { KIND_OF, qualifiedName } from './gvr.js';
import type { GroupVersionResource, KubeObject } from './types.js';

/** Texts a command wants instead of the default `<resource>/<name> <verb>ed` lines. */
export interface OperationMessages {
  /** The line printed once the operation succeeded. */
  done?: string | undefined;
  /** For deletes: the line printed when the object was already gone. */
  missing?: string | undefined;
  /** Prefix of the error when the operation fails ("Error creating CRD \"x\""). */
  failure?: string | undefined;
}

interface OperationBase {
  /** The role of the cluster the operation targets. */
  cluster: string;
  gvr: GroupVersionResource;
  /**
   * For an ordered apply: operations in a row with the same stage do not depend on each other and
   * are sent together (inStageOrder lines a plan up). Without a stage an operation runs alone.
   */
  stage?: number | undefined;
  /** Why the operation is planned (shown in dry-run plans and at -v=2). */
  reason?: string | undefined;
  messages?: OperationMessages | undefined;
}

export interface CreateOperation extends OperationBase {
  verb: 'create';
  /** metadata.generateName is allowed: the applier picks the name, so a lost response can be settled by reading. */
  object: KubeObject;
  /** A type whose CRD was created moments ago may not be served yet: retry 404s this long. */
  retryWhileNotServedMs?: number | undefined;
}

export interface UpdateOperation extends OperationBase {
  verb: 'update';
  object: KubeObject;
}

export interface PatchOperation extends OperationBase {
  verb: 'patch';
  name: string;
  namespace?: string | undefined;
  /** A JSON merge patch. */
  patch: Record<string, unknown>;
}

export interface DeleteOperation extends OperationBase {
  verb: 'delete';
  name: string;
  namespace?: string | undefined;
  /** The object as observed before: an atomic apply re-creates it if a later step fails. */
  restoreOnRollback?: KubeObject | undefined;
}

/** A condition to wait for; the predicates live in core/conditions.ts. */
/**
 * `cluster-ready-anew`: Ready, reported by clients KubeFed built after a spec change. KubeFed's
 * health checker starts each rebuilt client with a fresh Ready condition (a new lastTransitionTime),
 * while the clients it already had keep the condition's lastTransitionTime as long as it stays Ready.
 */
export type WaitCondition = 'token-issued' | 'cluster-ready' | 'cluster-ready-anew' | 'propagation-stopped' | 'deleted';

export interface WaitOperation extends OperationBase {
  verb: 'wait';
  name: string;
  namespace?: string | undefined;
  until: WaitCondition;
  timeoutMs: number;
  /** What is waited for, as a person reads it: "the token of service account ns/name". */
  description: string;
  /** For `cluster-ready-anew`: the Ready condition's lastTransitionTime before the change. */
  readyTransitionBefore?: string | undefined;
}

/** Fails the apply with `error` when any object of `gvr` exists (a precondition re-checked right before the next write). */
export interface RefuseIfAnyOperation extends OperationBase {
  verb: 'refuse-if-any';
  error: { code: string; message: string; hint?: string | undefined };
}

/** Nothing to write: the object already matches. Listed so plans and results say so. */
export interface UnchangedOperation extends OperationBase {
  verb: 'unchanged';
  name: string;
  namespace?: string | undefined;
}

export type WriteOperation = CreateOperation | UpdateOperation | PatchOperation | DeleteOperation;
export type Operation = WriteOperation | WaitOperation | RefuseIfAnyOperation | UnchangedOperation;

export type DryRunStrategy = 'none' | 'client' | 'server';

/** What applying (or, in a client dry run, not applying) one operation came to. */
export type Outcome = 'created' | 'updated' | 'patched' | 'deleted' | 'missing' | 'unchanged' | 'waited' | 'checked' | 'skipped';

export function isWrite(op: Operation): op is WriteOperation {
  return op.verb === 'create' || op.verb === 'update' || op.verb === 'patch' || op.verb === 'delete';
}

/** The name an operation addresses; `<prefix><generated>` for a create with generateName. */
export function operationName(op: Operation, resultName?: string): string {
  if (op.verb === 'create' || op.verb === 'update') return resultName ?? op.object.metadata.name ?? `${op.object.metadata.generateName ?? ''}<generated>`;
  if (op.verb === 'refuse-if-any') return '*';
  return op.name;
}

export function operationNamespace(op: Operation): string | undefined {
  if (op.verb === 'create' || op.verb === 'update') return op.object.metadata.namespace;
  if (op.verb === 'refuse-if-any') return undefined;
  return op.namespace;
}

/** `create serviceaccount/ns/name`, `wait for the token of ...`. */
export function describeOperation(op: Operation, resultName?: string): string {
  if (op.verb === 'wait') return `wait for ${op.description}`;
  if (op.verb === 'refuse-if-any') return `check that no ${op.gvr.resource}.${op.gvr.group} exist`;
  return `${op.verb} ${qualifiedName(op.gvr, operationName(op, resultName), operationNamespace(op))}`;
}

export function dryRunSuffix(dryRun: DryRunStrategy): string {
  return dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
}

/** The result line of an applied operation: the command's own words, else `<ref> <outcome>`, with the dry-run suffix. */
export function resultLine(op: Operation, outcome: Outcome, dryRun: DryRunStrategy, resultName?: string): string {
  const custom = outcome === 'missing' ? op.messages?.missing : op.messages?.done;
  const text = custom ?? `${qualifiedName(op.gvr, operationName(op, resultName), operationNamespace(op))} ${outcome}`;
  return `${text}${dryRunSuffix(dryRun)}`;
}

export interface PlanNote {
  /** The role the note belongs to; undefined for a note about the whole plan. */
  cluster?: string | undefined;
  text: string;
  /** Worth a warning when the plan is applied (the user may have to act), not only a -v=1 line. */
  warning?: boolean | undefined;
}

/**
 * The human form of a plan: a title, then each cluster's operations in plan order with its notes
 * after them. `clusterHeadings` names each role ("member cluster \"ctx\"").
 */
export function printPlanText(
  title: string,
  operations: readonly Operation[],
  clusterHeadings: ReadonlyMap<string, string>,
  notes: readonly PlanNote[] = [],
): string {
  const lines = [title];
  for (const note of notes) if (note.cluster === undefined) lines.push(`  note: ${note.text}`);
  for (const [cluster, heading] of clusterHeadings) {
    lines.push(`  ${heading}:`);
    for (const op of operations) if (op.cluster === cluster) lines.push(`    ${describeOperation(op)}${op.reason ? `  (${op.reason})` : ''}`);
    for (const note of notes) if (note.cluster === cluster) lines.push(`    ${note.text}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The objects of a plan for `-o yaml|json`: what creates and updates write, patches as the object
 * they describe, deletes as references annotated with the planned operation and its cluster.
 * Callers redact secrets before printing.
 */
export function planObjects(operations: readonly Operation[], contextOf: (cluster: string) => string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const op of operations) {
    const typeOf = KIND_OF[op.gvr.resource] ?? { apiVersion: op.gvr.group ? `${op.gvr.group}/${op.gvr.version}` : op.gvr.version, kind: op.gvr.resource };
    switch (op.verb) {
      case 'create':
      case 'update':
        objects.push(op.object);
        break;
      case 'patch':
        objects.push({
          ...typeOf,
          ...op.patch,
          metadata: { ...(op.patch.metadata as object | undefined), name: op.name, ...(op.namespace ? { namespace: op.namespace } : {}) },
        } as KubeObject);
        break;
      case 'delete':
        objects.push({
          ...typeOf,
          metadata: {
            name: op.name,
            ...(op.namespace ? { namespace: op.namespace } : {}),
            annotations: { 'kubefedctl.io/planned-operation': 'delete', 'kubefedctl.io/cluster': contextOf(op.cluster) },
          },
        });
        break;
      default:
        break;
    }
  }
  return objects;
}

/**
 * A plan in the order an ordered apply sends it: by ascending stage (operations without one keep
 * their place at the front), each stage in plan order. Plans are printed in plan order.
 */
export function inStageOrder(operations: readonly Operation[]): Operation[] {
  return operations
    .map((op, index) => ({ op, index }))
    .sort((a, b) => (a.op.stage ?? -Infinity) - (b.op.stage ?? -Infinity) || a.index - b.index)
    .map(({ op }) => op);
}
