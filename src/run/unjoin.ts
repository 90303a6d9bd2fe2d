// What `kubefedctl unjoin` does once its options are complete: for each member (concurrently, with
// a bound) read what join created, plan the deletions (core/unjoin-plan.ts) and apply them, or
// print the plan for --dry-run.

import type { CommandEnv } from '../cli/command-env.js';
import type { Spinner, Ui } from '../cli/ui.js';
import { Applier } from '../cluster/applier.js';
import type { ApiGroupInfo, ClusterClient } from '../cluster/types.js';
import type { UnjoinOptions } from '../commands/unjoin.js';
import { GVR, qualifiedName } from '../core/gvr.js';
import { type Operation, describeOperation, dryRunSuffix, planObjects, printPlanText } from '../core/plan.js';
import { printObjects } from '../core/printers.js';
import type { GroupVersionResource, KubeObject } from '../core/types.js';
import {
  LABELLED_MEMBER_TYPES,
  type ObservedMember,
  type ObservedUnjoin,
  type UnjoinTarget,
  isJoinObject,
  isNamespaceDefault,
  managedSelector,
  memberCandidatesByName,
  memberObjectKeys,
  namespaceKeepReason,
  planUnjoin,
} from '../core/unjoin-plan.js';
import { ClusterApiError, OperationError } from '../errors.js';
import { runPerMember } from './per-member.js';

export async function runUnjoin(options: UnjoinOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: options.output !== undefined });
  const access = await env.clusterAccess(options.kubeconfig);
  const host = await access.client(options.hostContext);
  await runPerMember(options.members, { doing: 'Unjoining', failedTo: 'unjoined' }, ui, env, async (member, spinner) => {
    const withoutContext = options.membersWithoutContext.includes(member.clusterName);
    if (withoutContext) ui.logger.warn(`context "${member.clusterContext}" does not exist; with --force only the host cluster is cleaned up`);
    const memberClient = withoutContext ? undefined : await access.client(member.clusterContext);
    return unjoinMember(options, { clusterName: member.clusterName, hostName: options.hostName, namespace: options.namespace }, { host, member: memberClient }, ui, env, spinner);
  });
}

type Clients = { host: ClusterClient; member: ClusterClient | undefined };

async function unjoinMember(options: UnjoinOptions, target: UnjoinTarget, clients: Clients, ui: Ui, env: CommandEnv, spinner: Spinner | undefined): Promise<string> {
  const observed = await observeUnjoin(target, clients, options.force, ui);
  const plan = planUnjoin(target, observed, options.waitTimeoutMs);
  if (options.dryRun === 'client') {
    printUnjoinPlan(target.clusterName, plan.operations, plan.notes, clients, options, env);
    return '';
  }
  for (const note of plan.notes) ui.logger.log(1, note.text.replace(/^keep: /, 'Keeping the member namespace: '));
  const applier = new Applier(new Map([['host', clients.host], ...(clients.member ? [['member', clients.member] as const] : [])]), {
    dryRun: options.dryRun,
    logger: ui.logger,
    onStart: (op) => spinner?.update(op.verb === 'wait' ? `Waiting for ${op.description}` : `${describeOperation(op)} in ${op.cluster} cluster`),
  });
  const apply = async (op: Operation): Promise<void> => {
    try {
      await applier.applyOne(op);
    } catch (error) {
      const description = `${qualifiedName(op.gvr, 'name' in op ? op.name : '*', 'namespace' in op ? op.namespace : undefined)} in ${op.cluster} cluster "${(op.cluster === 'host' ? clients.host : clients.member!).contextName}"`;
      // Host objects are what unjoin is about; member cleanup failures only stop a non-forced unjoin.
      if (op.verb === 'wait' || !options.force || op.cluster === 'host') {
        if (error instanceof ClusterApiError && op.verb !== 'wait') {
          throw new OperationError('UNJOIN_DELETE', `could not delete ${description}: ${error.message}`, { cause: error, hint: op.cluster === 'member' ? 'Re-run with --force to remove the registration anyway.' : undefined });
        }
        throw error;
      }
      ui.logger.warn(`could not delete ${description}: ${(error as Error).message} (continuing because of --force)`);
    }
  };
  // Deletes within a phase do not depend on each other: they go at once. The phases keep the
  // order that matters: the member's objects (its namespace with them: deleting the namespace
  // deletes what is in it anyway, and a delete of an object already gone counts as done), then
  // the host's registration, so that a failure on the member leaves the cluster registered.
  for (const phase of unjoinPhases(plan.operations)) {
    const settled = await Promise.allSettled(phase.map(apply));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  return `${qualifiedName(GVR.kubefedClusters, target.clusterName)} unjoined${dryRunSuffix(options.dryRun)}`;
}

function unjoinPhases(operations: readonly Operation[]): Operation[][] {
  return [
    operations.filter((op) => op.cluster === 'member' && op.verb === 'delete'),
    operations.filter((op) => op.cluster === 'host'),
    operations.filter((op) => op.verb === 'wait'),
  ].filter((phase) => phase.length > 0);
}

async function observeUnjoin(target: UnjoinTarget, clients: Clients, force: boolean, ui: Ui): Promise<ObservedUnjoin> {
  const ns = target.namespace;
  const [kubefedCluster, labelledHostSecrets, member] = await Promise.all([
    clients.host.get(GVR.kubefedClusters, target.clusterName, ns),
    clients.host.list(GVR.secrets, { namespace: ns, labelSelector: managedSelector(target.clusterName) }),
    clients.member ? observeMember(target, clients.member, clients.host).catch((error: unknown) => failedMember(error, force, target, ui)) : undefined,
  ]);
  if (!kubefedCluster && !force) {
    throw new OperationError('NOT_JOINED', `cluster "${target.clusterName}" is not joined: there is no KubeFedCluster "${ns}/${target.clusterName}" in host cluster "${clients.host.contextName}"`, {
      hint: 'Check the cluster name and --kubefed-namespace; --force cleans up leftovers of a partial join and succeeds.',
    });
  }
  return { kubefedCluster, labelledHostSecrets: labelledHostSecrets.items, member };
}

function failedMember(error: unknown, force: boolean, target: UnjoinTarget, ui: Ui): undefined {
  if (!force) throw error;
  ui.logger.warn(`cannot inspect cluster "${target.clusterName}" (${(error as Error).message}); with --force its objects are left in place`);
  return undefined;
}

async function observeMember(target: UnjoinTarget, member: ClusterClient, host: ClusterClient): Promise<ObservedMember> {
  const ns = target.namespace;
  const candidates = memberCandidatesByName(target);
  const namespaceRead = Promise.all([member.get(GVR.namespaces, ns), host.get(GVR.namespaces, ns)]);
  // Discovery is started at once (2 requests with aggregated discovery), so that the expensive part,
  // listing every namespaced type, can begin as soon as the namespace turns out to be join's.
  const groupsRead = member.serverGroups();
  groupsRead.catch(() => {});
  const contentsRead = namespaceRead.then(([namespace, hostNamespace]) =>
    namespace && namespaceKeepReason(target, { namespace, hostNamespace, byName: [], labelled: [] }) === undefined ? namespaceContents(member, ns, groupsRead) : undefined,
  );
  const [found, labelledLists, [namespace, hostNamespace], contents] = await Promise.all([
    Promise.all(candidates.map(([gvr, name, namespace]) => member.get(gvr, name, namespace))),
    Promise.all(LABELLED_MEMBER_TYPES.map(({ gvr, namespaced }) => member.list(gvr, { namespace: namespaced ? ns : undefined, labelSelector: managedSelector(target.clusterName) }))),
    namespaceRead,
    contentsRead,
  ]);
  const observed: ObservedMember = {
    byName: candidates.flatMap(([gvr], index) => (found[index] ? [{ gvr, object: found[index] }] : [])),
    labelled: LABELLED_MEMBER_TYPES.flatMap(({ gvr }, index) => labelledLists[index]!.items.map((object) => ({ gvr, object }))),
    namespace,
    hostNamespace,
  };
  if (contents) {
    const ours = memberObjectKeys(observed);
    observed.foreignObjects = contents
      .filter(({ gvr, item }) => !isJoinObject(gvr, item, ours) && !isNamespaceDefault(gvr.resource, item, ours))
      .map(({ gvr, item }) => `${gvr.resource}/${item.metadata.name ?? ''}`)
      .sort();
  }
  return observed;
}

/** Everything in the namespace, from a LIST of every namespaced type that can be listed. */
async function namespaceContents(member: ClusterClient, ns: string, groupsRead: Promise<ApiGroupInfo[]>): Promise<Array<{ gvr: GroupVersionResource; item: KubeObject }>> {
  const groups = await groupsRead;
  const resourceLists = await Promise.all(
    groups.map(async (group) => {
      try {
        return await member.serverResources(group.name, group.preferredVersion);
      } catch {
        return [];
      }
    }),
  );
  const listable = resourceLists.flat().filter((r) => r.namespaced && r.verbs.includes('list') && !['events', 'bindings', 'localsubjectaccessreviews'].includes(r.name));
  const listed = await Promise.all(
    listable.map(async (resource) => {
      const gvr = { group: resource.group, version: resource.version, resource: resource.name };
      try {
        // From the watch cache: this burst lists every namespaced type at once.
        return (await member.list(gvr, { namespace: ns, fromCache: true })).items.map((item) => ({ gvr, item }));
      } catch {
        return [];
      }
    }),
  );
  return listed.flat();
}

function printUnjoinPlan(clusterName: string, operations: Operation[], notes: ReturnType<typeof planUnjoin>['notes'], clients: Clients, options: UnjoinOptions, env: CommandEnv): void {
  const contexts = new Map([
    ['member', clients.member?.contextName ?? ''],
    ['host', clients.host.contextName],
  ]);
  if (options.output) {
    env.ctx.stdout.write(printObjects(planObjects(operations, (role) => contexts.get(role) ?? role), options.output));
    return;
  }
  const headings = new Map<string, string>();
  if (clients.member) headings.set('member', `member cluster "${clients.member.contextName}"`);
  headings.set('host', `host cluster "${clients.host.contextName}"`);
  env.ctx.stdout.write(printPlanText(`Unjoin of cluster "${clusterName}" (dry run; nothing was changed):`, operations, headings, notes));
}
