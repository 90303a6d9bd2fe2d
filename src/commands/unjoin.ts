// kubefedctl unjoin: find what join created (by name, as the Go tool, and by label), then delete
// it member-first, host-last. Plan first, so --dry-run shows exactly what would go.

import type { CommandEnv } from '../cli/command-env.js';
import { type GlobalSubcommandFlags, dryRunStrategy, kubefedNamespace } from '../cli/flags.js';
import type { Ui } from '../cli/ui.js';
import type { ClusterClient } from '../cluster/types.js';
import { CLUSTER_NAME_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../core/constants.js';
import { GVR, KIND_OF, qualifiedName } from '../core/gvr.js';
import { joinNames } from '../core/join-plan.js';
import { type OutputFormat, printObjects } from '../core/printers.js';
import type { GroupVersionResource, KubeObject } from '../core/types.js';
import { ClusterApiError, OperationError } from '../errors.js';
import { type Problem, openClusterAccessCollecting, resolveIdentity, throwIfProblems } from './cluster-identity.js';

interface UnjoinFlags extends GlobalSubcommandFlags {
  clusterContext?: string;
  hostClusterName?: string;
  force?: boolean;
  output?: OutputFormat;
  quiet?: boolean;
}

interface DeleteStep {
  cluster: 'member' | 'host';
  gvr: GroupVersionResource;
  name: string;
  namespace?: string | undefined;
  /** Why this object is deleted (shown in dry-run and -v=2). */
  reason: string;
}

export interface UnjoinPlan {
  member: DeleteStep[];
  host: DeleteStep[];
  /** Member namespace kept and why (undefined when it is deleted or absent). */
  keptNamespaceReason?: string | undefined;
  notes: string[];
}

export async function runUnjoinCommand(clusterName: string | undefined, rawFlags: Record<string, unknown>, env: CommandEnv): Promise<void> {
  const flags = rawFlags as UnjoinFlags;
  const problems: Problem[] = [];
  let dryRun: ReturnType<typeof dryRunStrategy> = 'none';
  try {
    dryRun = dryRunStrategy(flags.dryRun);
  } catch (error) {
    problems.push({ kind: 'usage', message: (error as Error).message });
  }
  if (flags.output && dryRun === 'none') problems.push({ kind: 'usage', message: '-o/--output prints the planned deletions and needs --dry-run' });
  const force = flags.force === true;
  const ui = env.ui({ machineOutput: flags.output !== undefined });
  const access = await openClusterAccessCollecting(env, flags.kubeconfig, problems);
  const identity = resolveIdentity('unjoin', clusterName, flags, access?.kubeconfig, problems);
  // With --force an unreachable or missing member is tolerated: the host side is still cleaned.
  const memberContextMissing = problems.some((p) => p.message.startsWith(`context "${identity.clusterContext}" does not exist`) && !p.message.includes('--host-cluster-context'));
  const blocking = force ? problems.filter((p) => !(memberContextMissing && p.message.startsWith(`context "${identity.clusterContext}"`))) : problems;
  throwIfProblems(blocking, 'unjoin');
  if (force && memberContextMissing) ui.logger.warn(`context "${identity.clusterContext}" does not exist; with --force only the host cluster is cleaned up`);

  const namespace = kubefedNamespace(flags);
  // A kubeconfig that failed to load was a reported problem, so by now it is loaded.
  const clusters = access!;
  const host = await clusters.client(identity.hostContext);
  const member = force && memberContextMissing ? undefined : await clusters.client(identity.clusterContext);
  const spinner = await ui.spinner(`Unjoining cluster "${identity.clusterName}"`);
  try {
    const plan = await planUnjoin({ ...identity, namespace, force }, { host, member }, ui);
    if (dryRun === 'client') {
      spinner.stop();
      printUnjoinPlan(identity.clusterName, plan, { host, member }, flags.output, env);
      return;
    }
    await applyUnjoin(plan, { host, member }, { force, serverDryRun: dryRun === 'server' }, ui, spinner);
    spinner.stop();
    if (!env.settings.quiet) env.ctx.stdout.write(`${qualifiedName(GVR.kubefedClusters, identity.clusterName)} unjoined${dryRun === 'server' ? ' (server dry run)' : ''}\n`);
  } catch (error) {
    spinner.fail(`Unjoining cluster "${identity.clusterName}" failed`);
    throw error;
  }
}

interface UnjoinTarget {
  clusterName: string;
  hostName: string;
  hostContext: string;
  clusterContext: string;
  namespace: string;
  force: boolean;
}

async function planUnjoin(target: UnjoinTarget, clients: { host: ClusterClient; member: ClusterClient | undefined }, ui: Ui): Promise<UnjoinPlan> {
  const ns = target.namespace;
  const plan: UnjoinPlan = { member: [], host: [], notes: [] };
  const kubefedCluster = await clients.host.get(GVR.kubefedClusters, target.clusterName, ns);
  if (!kubefedCluster) {
    if (!target.force) {
      throw new OperationError('NOT_JOINED', `cluster "${target.clusterName}" is not joined: there is no KubeFedCluster "${ns}/${target.clusterName}" in host cluster "${clients.host.contextName}"`, {
        hint: 'Check the cluster name and --kubefed-namespace; --force cleans up leftovers of a partial join and succeeds.',
      });
    }
    plan.notes.push(`no KubeFedCluster "${ns}/${target.clusterName}" in the host cluster; cleaning up leftovers only`);
  }

  if (clients.member) {
    try {
      await planMemberDeletes(target, clients.member, clients.host, plan);
    } catch (error) {
      if (!target.force) throw error;
      ui.logger.warn(`cannot inspect cluster "${target.clusterName}" (${(error as Error).message}); with --force its objects are left in place`);
      plan.member = [];
    }
  }

  const secretName = (kubefedCluster?.spec as { secretRef?: { name?: string } } | undefined)?.secretRef?.name;
  const hostSecrets = new Set<string>();
  if (secretName) {
    plan.host.push({ cluster: 'host', gvr: GVR.secrets, name: secretName, namespace: ns, reason: 'credentials referenced by the KubeFedCluster' });
    hostSecrets.add(secretName);
  }
  const labelled = await clients.host.list(GVR.secrets, { namespace: ns, labelSelector: selectorFor(target.clusterName) });
  for (const secret of labelled.items) {
    const name = secret.metadata.name!;
    if (hostSecrets.has(name)) continue;
    plan.host.push({ cluster: 'host', gvr: GVR.secrets, name, namespace: ns, reason: 'credentials from an earlier join (labelled)' });
  }
  if (kubefedCluster) plan.host.push({ cluster: 'host', gvr: GVR.kubefedClusters, name: target.clusterName, namespace: ns, reason: 'the cluster registration' });
  return plan;
}

function selectorFor(clusterName: string): string {
  return `${CLUSTER_NAME_LABEL}=${clusterName},${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
}

async function planMemberDeletes(target: UnjoinTarget, member: ClusterClient, host: ClusterClient, plan: UnjoinPlan): Promise<void> {
  const ns = target.namespace;
  const names = joinNames(target);
  const selector = selectorFor(target.clusterName);
  const candidates: Array<[GroupVersionResource, string, string | undefined]> = [
    [GVR.clusterRoleBindings, names.role, undefined],
    [GVR.clusterRoles, names.role, undefined],
    [GVR.clusterRoleBindings, names.healthCheckRole, undefined],
    [GVR.clusterRoles, names.healthCheckRole, undefined],
    [GVR.roleBindings, names.role, ns],
    [GVR.roles, names.role, ns],
    [GVR.serviceAccounts, names.serviceAccount, ns],
    [GVR.secrets, names.serviceAccount, ns],
  ];
  const seen = new Set<string>();
  const key = (gvr: GroupVersionResource, name: string, namespace?: string) => `${gvr.resource}/${namespace ?? ''}/${name}`;
  const existing = await Promise.all(candidates.map(([gvr, name, namespace]) => member.get(gvr, name, namespace)));
  candidates.forEach(([gvr, name, namespace], index) => {
    if (!existing[index]) return;
    seen.add(key(gvr, name, namespace));
    plan.member.push({ cluster: 'member', gvr, name, namespace, reason: 'created by join (by name)' });
  });
  // Objects labelled by an earlier join of this cluster, e.g. under another --host-cluster-name.
  const labelled = await Promise.all(
    [GVR.clusterRoleBindings, GVR.clusterRoles, GVR.roleBindings, GVR.roles, GVR.serviceAccounts, GVR.secrets].map(async (gvr) => {
      const namespaced = gvr === GVR.roleBindings || gvr === GVR.roles || gvr === GVR.serviceAccounts || gvr === GVR.secrets;
      const listed = await member.list(gvr, { namespace: namespaced ? ns : undefined, labelSelector: selector });
      return listed.items.map((item) => [gvr, item] as const);
    }),
  );
  for (const [gvr, item] of labelled.flat()) {
    const name = item.metadata.name!;
    const namespace = item.metadata.namespace;
    if (seen.has(key(gvr, name, namespace))) continue;
    seen.add(key(gvr, name, namespace));
    plan.member.push({ cluster: 'member', gvr, name, namespace, reason: 'created by join (labelled)' });
  }

  const memberNamespace = await member.get(GVR.namespaces, ns);
  if (!memberNamespace) return;
  const hostNamespace = await host.get(GVR.namespaces, ns);
  if (hostNamespace && hostNamespace.metadata.uid === memberNamespace.metadata.uid) {
    plan.keptNamespaceReason = `namespace "${ns}" is the host cluster's own control-plane namespace`;
    return;
  }
  const labels = memberNamespace.metadata.labels ?? {};
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || labels[CLUSTER_NAME_LABEL] !== target.clusterName) {
    plan.keptNamespaceReason = `namespace "${ns}" was not created by kubefedctl join for this cluster`;
    return;
  }
  const others = await foreignObjects(member, ns, seen, key);
  if (others.length > 0) {
    plan.keptNamespaceReason = `namespace "${ns}" holds other objects (${others.slice(0, 5).join(', ')}${others.length > 5 ? `, and ${others.length - 5} more` : ''})`;
    return;
  }
  plan.member.push({ cluster: 'member', gvr: GVR.namespaces, name: ns, reason: 'created by join and holds nothing else' });
}

/** Objects in the namespace that are neither ours nor what Kubernetes puts in every namespace. */
async function foreignObjects(member: ClusterClient, ns: string, ours: Set<string>, key: (gvr: GroupVersionResource, name: string, namespace?: string) => string): Promise<string[]> {
  const groups = await member.serverGroups();
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
  const found: string[] = [];
  await Promise.all(
    listable.map(async (resource) => {
      const gvr = { group: resource.group, version: resource.version, resource: resource.name };
      let items: KubeObject[];
      try {
        items = (await member.list(gvr, { namespace: ns })).items;
      } catch {
        return;
      }
      for (const item of items) {
        const name = item.metadata.name!;
        if (ours.has(key(gvr, name, ns)) || isNamespaceDefault(resource.name, item, ours, key)) continue;
        found.push(`${resource.name}/${name}`);
      }
    }),
  );
  return found.sort();
}

function isNamespaceDefault(resource: string, item: KubeObject, ours: Set<string>, key: (gvr: GroupVersionResource, name: string, namespace?: string) => string): boolean {
  const name = item.metadata.name;
  if (resource === 'serviceaccounts' && name === 'default') return true;
  if (resource === 'configmaps' && name === 'kube-root-ca.crt') return true;
  if (resource === 'secrets' && item.type === 'kubernetes.io/service-account-token') {
    const owner = item.metadata.annotations?.['kubernetes.io/service-account.name'];
    return owner === 'default' || (owner !== undefined && ours.has(key(GVR.serviceAccounts, owner, item.metadata.namespace)));
  }
  return false;
}

async function applyUnjoin(
  plan: UnjoinPlan,
  clients: { host: ClusterClient; member: ClusterClient | undefined },
  options: { force: boolean; serverDryRun: boolean },
  ui: Ui,
  spinner: Awaited<ReturnType<Ui['spinner']>>,
): Promise<void> {
  for (const note of plan.notes) ui.logger.log(1, note);
  if (plan.keptNamespaceReason) ui.logger.log(1, `Keeping the member namespace: ${plan.keptNamespaceReason}`);
  for (const step of [...plan.member, ...plan.host]) {
    const client = step.cluster === 'host' ? clients.host : clients.member!;
    const description = `${qualifiedName(step.gvr, step.name, step.namespace)} in ${step.cluster} cluster "${client.contextName}"`;
    spinner.update(`Deleting ${description}`);
    ui.logger.log(2, `Deleting ${description} (${step.reason})`);
    try {
      await client.delete(step.gvr, step.name, step.namespace, { serverDryRun: options.serverDryRun });
    } catch (error) {
      const message = `could not delete ${description}: ${(error as Error).message}`;
      // Host objects are what unjoin is about; member cleanup failures only stop a non-forced unjoin.
      if (!options.force || step.cluster === 'host') {
        if (error instanceof ClusterApiError) throw new OperationError('UNJOIN_DELETE', message, { cause: error, hint: step.cluster === 'member' ? 'Re-run with --force to remove the registration anyway.' : undefined });
        throw error;
      }
      ui.logger.warn(`${message} (continuing because of --force)`);
    }
  }
}

function printUnjoinPlan(clusterName: string, plan: UnjoinPlan, clients: { host: ClusterClient; member: ClusterClient | undefined }, output: OutputFormat | undefined, env: CommandEnv): void {
  const steps = [...plan.member, ...plan.host];
  if (output) {
    const objects: KubeObject[] = steps.map((step) => ({
      apiVersion: KIND_OF[step.gvr.resource]?.apiVersion ?? `${step.gvr.group}/${step.gvr.version}`,
      kind: KIND_OF[step.gvr.resource]?.kind ?? step.gvr.resource,
      metadata: { name: step.name, ...(step.namespace ? { namespace: step.namespace } : {}), annotations: { 'kubefedctl.io/planned-operation': 'delete', 'kubefedctl.io/cluster': step.cluster === 'host' ? clients.host.contextName : (clients.member?.contextName ?? '') } },
    }));
    env.ctx.stdout.write(printObjects(objects, output));
    return;
  }
  const lines = [`Unjoin of cluster "${clusterName}" (dry run; nothing was changed):`];
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  if (clients.member) {
    lines.push(`  member cluster "${clients.member.contextName}":`);
    lines.push(...plan.member.map((s) => `    delete ${qualifiedName(s.gvr, s.name, s.namespace)}  (${s.reason})`));
    if (plan.keptNamespaceReason) lines.push(`    keep: ${plan.keptNamespaceReason}`);
  }
  lines.push(`  host cluster "${clients.host.contextName}":`);
  lines.push(...plan.host.map((s) => `    delete ${qualifiedName(s.gvr, s.name, s.namespace)}  (${s.reason})`));
  env.ctx.stdout.write(`${lines.join('\n')}\n`);
}
