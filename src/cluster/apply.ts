// Executes plan operations and remembers how to undo them, so a failed join leaves both clusters
// as they were: objects this run created are deleted in reverse order, a binding this run replaced
// is restored. Objects that existed before are never deleted.

import type { ClusterClient } from './types.js';
import type { ClusterRoleInPlan, WriteOperation } from '../core/join-plan.js';
import { qualifiedName } from '../core/gvr.js';
import type { KubeObject } from '../core/types.js';
import type { Logger } from '../log.js';

export function describeOperation(op: WriteOperation, resultName?: string): string {
  const name = op.verb === 'create' || op.verb === 'update' ? (resultName ?? op.object.metadata.name ?? `${op.object.metadata.generateName ?? ''}<generated>`) : op.name;
  const namespace = op.verb === 'create' || op.verb === 'update' ? op.object.metadata.namespace : op.namespace;
  return `${op.verb} ${qualifiedName(op.gvr, name, namespace)}`;
}

interface UndoStep {
  description: string;
  undo: () => Promise<void>;
}

export interface RollbackReport {
  rolledBack: string[];
  failed: string[];
}

export class WriteJournal {
  private readonly undoSteps: UndoStep[] = [];
  private readonly clients: Record<ClusterRoleInPlan, ClusterClient>;
  private readonly serverDryRun: boolean;
  private readonly logger: Logger;
  readonly applied: string[] = [];

  constructor(clients: Record<ClusterRoleInPlan, ClusterClient>, options: { serverDryRun: boolean; logger: Logger }) {
    this.clients = clients;
    this.serverDryRun = options.serverDryRun;
    this.logger = options.logger;
  }

  async apply(op: WriteOperation, previous?: KubeObject): Promise<KubeObject | undefined> {
    const client = this.clients[op.cluster];
    const writeOptions = { serverDryRun: this.serverDryRun };
    const where = `in ${op.cluster} cluster "${client.contextName}"`;
    this.logger.log(2, `${capitalize(describeOperation(op))} ${where}`);
    let result: KubeObject | undefined;
    switch (op.verb) {
      case 'create': {
        result = await client.create(op.gvr, op.object, writeOptions);
        const name = result.metadata.name!;
        const namespace = result.metadata.namespace;
        if (!this.serverDryRun) {
          this.undoSteps.push({
            description: `deleted ${qualifiedName(op.gvr, name, namespace)} ${where}`,
            undo: async () => void (await client.delete(op.gvr, name, namespace, { propagationPolicy: 'Background' })),
          });
        }
        break;
      }
      case 'update':
        result = await client.update(op.gvr, op.object, writeOptions);
        break;
      case 'patch':
        result = await client.patch(op.gvr, op.name, op.namespace, op.patch, 'merge', writeOptions);
        break;
      case 'delete': {
        await client.delete(op.gvr, op.name, op.namespace, writeOptions);
        if (previous && !this.serverDryRun) {
          const restored = withoutServerFields(previous);
          this.undoSteps.push({
            description: `restored ${qualifiedName(op.gvr, op.name, op.namespace)} ${where}`,
            undo: async () => {
              const existing = await client.get(op.gvr, op.name, op.namespace);
              if (existing) await client.delete(op.gvr, op.name, op.namespace);
              await client.create(op.gvr, restored);
            },
          });
        }
        break;
      }
    }
    this.applied.push(`${describeOperation(op, result?.metadata.name)} ${where}`);
    return result;
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
}

function withoutServerFields(object: KubeObject): KubeObject {
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, managedFields: _mf, generation: _g, ...metadata } = object.metadata;
  return { ...object, metadata };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
