// What `kubefedctl unjoin` does once its options are complete: for each member (concurrently, with
// a bound) read what join created, plan the deletions (core/unjoin-plan.ts) and apply them, or
// print the plan for --dry-run.

import type { CommandEnv } from '../cli/command-env.js';
import type { Spinner, Ui } from '../cli/ui.js';
import { Applier, settledInOrder } from '../cluster/applier.js';
import type { ClusterClient } from '../cluster/types.js';
import type { UnjoinOptions } from '../commands/unjoin.js';
import { GVR, qualifiedName, qualifiedResource } from '../core/gvr.js';
import { type Operation, describeOperation, dryRunSuffix, planObjects, printPlanText } from '../core/plan.js';
import { printObjects } from '../core/printers.js';
import { type GroupVersionResource, type KubeObject, joinApiVersion } from '../core/types.js';
import {
  LABELLED_MEMBER_TYPES,
  type ObservedMember,
  type ObservedUnjoin,
  type UnjoinTarget,
  isJoinObject,
  isManagedFor,
  isNamespaceDefault,
  managedSelector,
  memberCandidatesByName,
  memberObjectKeys,
  namespaceKeep,
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
    return unjoinMember(
      options,
      { clusterName: member.clusterName, hostName: options.hostName, namespace: options.namespace },
      { host, member: memberClient },
      ui,
      env,
      spinner,
    );
  });
}

type Clients = { host: ClusterClient; member: ClusterClient | undefined };

export async function unjoinMember(
  options: UnjoinOptions,
  target: UnjoinTarget,
  clients: Clients,
  ui: Ui,
  env: CommandEnv,
  spinner: Spinner | undefined,
): Promise<string> {
  const observed = await observeUnjoin(target, clients, options.force, ui);
  const plan = planUnjoin(target, observed, options.waitTimeoutMs);
  if (options.dryRun === 'client') {
    printUnjoinPlan(target.clusterName, plan.operations, plan.notes, clients, options, env);
    return '';
  }
  for (const note of plan.notes) {
    const text = note.text.replace(/^keep: /, 'keeping the member namespace: ');
    if (note.warning) ui.logger.warn(`cluster "${target.clusterName}": ${text}`);
    else ui.logger.log(1, text.charAt(0).toUpperCase() + text.slice(1));
  }
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
          throw new OperationError('UNJOIN_DELETE', `could not delete ${description}: ${error.message}`, {
            cause: error,
            hint: op.cluster === 'member' ? 'Re-run with --force to remove the registration anyway.' : undefined,
          });
        }
        throw error;
      }
      ui.logger.warn(`could not delete ${description}: ${(error as Error).message} (continuing because of --force)`);
    }
  };
  // Deletes within a phase do not depend on each other: they go at once. The phases keep the
  // order that matters: the member's objects (its namespace with them: deleting the namespace
  // deletes what is in it anyway, and a delete of an object already gone counts as done), then
  // the host's credentials, then its registration, so that a failure anywhere before leaves the
  // cluster registered for a re-run to finish.
  for (const phase of unjoinPhases(plan.operations)) await settledInOrder(phase.map(apply));
  return `${qualifiedName(GVR.kubefedClusters, target.clusterName)} unjoined${dryRunSuffix(options.dryRun)}`;
}

function unjoinPhases(operations: readonly Operation[]): Operation[][] {
  const isRegistration = (op: Operation) => op.cluster === 'host' && op.gvr.resource === GVR.kubefedClusters.resource;
  return [
    operations.filter((op) => op.cluster === 'member' && op.verb === 'delete'),
    // The registration goes last, alone, as in the Go tool: while any of the rest may be left, the
    // KubeFedCluster is there for a re-run to find.
    operations.filter((op) => op.cluster === 'host' && !isRegistration(op)),
    operations.filter(isRegistration),
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
  // Without the registration, a host Secret labelled for this cluster (left by an unjoin or a join
  // that failed part way) shows that it was joined to this host: a re-run removes what is left.
  // Member objects alone prove nothing: they may belong to a join of the same cluster to another host.
  if (!kubefedCluster && !force && labelledHostSecrets.items.length === 0) {
    throw new OperationError(
      'NOT_JOINED',
      `cluster "${target.clusterName}" is not joined: there is no KubeFedCluster "${ns}/${target.clusterName}" in host cluster "${clients.host.contextName}"`,
      {
        hint: 'Check the cluster name and --kubefed-namespace; --force cleans up leftovers of a partial join and succeeds.',
      },
    );
  }
  return { kubefedCluster, labelledHostSecrets: labelledHostSecrets.items, member };
}

function failedMember(error: unknown, force: boolean, target: UnjoinTarget, ui: Ui): undefined {
  if (!force) throw error;
  ui.logger.warn(`cannot inspect cluster "${target.clusterName}" (${(error as Error).message}); with --force its objects are left in place`);
  return undefined;
}

/**
 * What join left in the member, read once and all at once: its cluster-scoped objects by name and
 * by label; its namespaced ones (service account, token Secret, role, binding) from full lists of
 * those types in the namespace, which find them by name and by label too; and every other
 * namespaced type (from the watch cache), to tell whether the namespace holds anything else. The
 * lists go as soon as discovery answers, without waiting to learn whether the namespace may go.
 */
async function observeMember(target: UnjoinTarget, member: ClusterClient, host: ClusterClient): Promise<ObservedMember> {
  const ns = target.namespace;
  const selector = managedSelector(target.clusterName);
  const candidates = memberCandidatesByName(target);
  const clusterScoped = candidates.filter(([, , namespace]) => namespace === undefined);
  const namespaceRead = Promise.all([member.get(GVR.namespaces, ns), host.get(GVR.namespaces, ns)]);
  // A host that unjoins itself keeps its control-plane namespace (UID check): nothing else to list.
  // A failure to list them matters only if the namespace turns out to be join's.
  const othersRead: Promise<NamespaceContents | { error: unknown } | undefined> =
    member.context.server === host.context.server ? Promise.resolve(undefined) : otherNamespaceContents(member, ns).catch((error: unknown) => ({ error }));
  const [foundClusterScoped, labelledClusterScoped, ownLists, [namespace, hostNamespace], others] = await Promise.all([
    Promise.all(clusterScoped.map(([gvr, name]) => member.get(gvr, name))),
    Promise.all(
      LABELLED_MEMBER_TYPES.filter((type) => !type.namespaced).map(({ gvr }) =>
        member.list(gvr, { labelSelector: selector }).then((list) => ({ gvr, items: list.items })),
      ),
    ),
    Promise.all(
      LABELLED_MEMBER_TYPES.filter((type) => type.namespaced).map(({ gvr }) =>
        member.list(gvr, { namespace: ns }).then((list) => ({ gvr, items: list.items })),
      ),
    ),
    namespaceRead,
    othersRead,
  ]);
  const inNamespace = (gvr: GroupVersionResource, name: string) => ownLists.find((list) => list.gvr === gvr)?.items.find((item) => item.metadata.name === name);
  const byName = candidates.flatMap(([gvr, name, namespace]) => {
    const object = namespace === undefined ? foundClusterScoped[clusterScoped.findIndex(([g, n]) => g === gvr && n === name)] : inNamespace(gvr, name);
    return object ? [{ gvr, object }] : [];
  });
  const labelled = [
    ...labelledClusterScoped,
    ...ownLists.map(({ gvr, items }) => ({ gvr, items: items.filter((item) => isManagedFor(item, target.clusterName)) })),
  ].flatMap(({ gvr, items }) => items.map((object) => ({ gvr, object })));
  const observed: ObservedMember = { byName, labelled, namespace, hostNamespace };
  if (others && namespace && namespaceKeep(target, observed) === undefined) {
    if ('error' in others) throw others.error;
    const ours = memberObjectKeys(observed);
    observed.foreignObjects = [...ownLists.flatMap(({ gvr, items }) => items.map((item) => ({ gvr, item }))), ...others.items]
      .filter(({ gvr, item }) => !isJoinObject(gvr, item, ours) && !isNamespaceDefault(gvr.resource, item, ours))
      .map(({ gvr, item }) => `${gvr.resource}/${item.metadata.name ?? ''}`)
      .sort();
    observed.uncheckedTypes = others.unchecked;
  }
  return observed;
}

interface NamespaceContents {
  items: Array<{ gvr: GroupVersionResource; item: KubeObject }>;
  /** What could not be listed, and why: the namespace may hold objects of these types. */
  unchecked: string[];
}

/**
 * Everything in the namespace of the types whose objects deleting the namespace would delete
 * (namespaced, listable, deletable), other than join's own types, from a LIST of each type.
 */
async function otherNamespaceContents(member: ClusterClient, ns: string): Promise<NamespaceContents> {
  const unchecked: string[] = [];
  const groups = await member.serverGroups();
  const resourceLists = await Promise.all(
    groups.map(async (group) => {
      try {
        return await member.serverResources(group.name, group.preferredVersion);
      } catch (error) {
        unchecked.push(`the types of ${joinApiVersion(group.name, group.preferredVersion)} (${shortReason(error)})`);
        return [];
      }
    }),
  );
  const joinTypes = new Set(LABELLED_MEMBER_TYPES.filter((type) => type.namespaced).map(({ gvr }) => `${gvr.group}/${gvr.resource}`));
  const listable = resourceLists
    .flat()
    .filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('delete') && r.name !== 'events' && !joinTypes.has(`${r.group}/${r.name}`));
  const listed = await Promise.all(
    listable.map(async (resource) => {
      const gvr = { group: resource.group, version: resource.version, resource: resource.name };
      try {
        // From the watch cache: this burst lists every namespaced type at once.
        return (await member.list(gvr, { namespace: ns, fromCache: true })).items.map((item) => ({ gvr, item }));
      } catch (error) {
        // A type that went away since discovery (404) or cannot be listed after all (405) holds
        // nothing; anything else (403, 5xx, a timeout) leaves the question open.
        if (!(error instanceof ClusterApiError && (error.status === 404 || error.status === 405)))
          unchecked.push(`${qualifiedResource(gvr)} (${shortReason(error)})`);
        return [];
      }
    }),
  );
  return { items: listed.flat(), unchecked: unchecked.sort() };
}

function shortReason(error: unknown): string {
  if (error instanceof ClusterApiError) return error.details.reason ?? (error.status === 0 ? 'unreachable' : `HTTP ${error.status}`);
  return error instanceof Error ? error.message : String(error);
}

function printUnjoinPlan(
  clusterName: string,
  operations: Operation[],
  notes: ReturnType<typeof planUnjoin>['notes'],
  clients: Clients,
  options: UnjoinOptions,
  env: CommandEnv,
): void {
  const contexts = new Map([
    ['member', clients.member?.contextName ?? ''],
    ['host', clients.host.contextName],
  ]);
  if (options.output) {
    env.ctx.stdout.write(
      printObjects(
        planObjects(operations, (role) => contexts.get(role) ?? role),
        options.output,
      ),
    );
    return;
  }
  const headings = new Map<string, string>();
  if (clients.member) headings.set('member', `member cluster "${clients.member.contextName}"`);
  headings.set('host', `host cluster "${clients.host.contextName}"`);
  env.ctx.stdout.write(printPlanText(`Unjoin of cluster "${clusterName}" (dry run; nothing was changed):`, operations, headings, notes));
}
