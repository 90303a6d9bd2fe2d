// What `kubefedctl join` does once its options are complete: read the KubeFed scope once, then for
// each member (concurrently, with a bound) observe both clusters, plan (core/join-plan.ts) and
// apply atomically, or print the plan for --dry-run. One member's failure rolls back that member
// only and never touches another's objects.

import type { CommandEnv } from '../cli/command-env.js';
import { type Spinner, type Ui, hostClusterFlags } from '../cli/ui.js';
import { Applier, generatedName, settledInOrder } from '../cluster/applier.js';
import { readCaBundleBase64 } from '../cluster/tls.js';
import type { ClusterClient } from '../cluster/types.js';
import type { JoinOptions } from '../commands/join.js';
import { conditionsOf, describeConditions } from '../core/conditions.js';
import { DEFAULT_KUBEFED_NAMESPACE, KUBEFED_CONFIG_NAME } from '../core/constants.js';
import { formatDuration } from '../core/duration.js';
import { GVR, qualifiedName } from '../core/gvr.js';
import {
  type IssuedToken,
  type JoinSettings,
  type KubefedScope,
  type ObservedJoinState,
  REDACTED_TOKEN,
  afterNamespaceTermination,
  checkHostConflicts,
  joinNames,
  planJoinHost,
  planJoinMember,
  readyWait,
  secretRefName,
} from '../core/join-plan.js';
import { isLoopbackEndpoint } from '../core/naming.js';
import { type Operation, type WaitOperation, describeOperation, dryRunSuffix, inStageOrder, printPlanText } from '../core/plan.js';
import type { KubeObject } from '../core/types.js';
import { ClusterApiError, OperationError } from '../errors.js';
import { printPlannedObjects, runPerMember } from './per-member.js';

export async function runJoin(options: JoinOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: options.output !== undefined });
  const access = await env.clusterAccess(options.kubeconfig);
  const host = await access.client(options.hostContext);
  let scope: Promise<KubefedScope> | undefined;
  await runPerMember(options.members, { doing: 'Joining', failedTo: 'joined' }, ui, env, async (member, spinner) => {
    // Read once for all members, inside the work so that the spinner covers it.
    scope ??= (async () => {
      ui.logger.log(2, `Performing preflight checks (host context "${options.hostContext}")`);
      return readKubefedScope(host, options.namespace);
    })();
    return joinMember(options, member, { host, member: await access.client(member.clusterContext) }, scope, ui, env, spinner);
  });
  if (options.dryRun === 'none') {
    const flags = hostClusterFlags({
      hostContext: options.hostContext,
      kubeconfig: options.kubeconfig,
      namespace: options.namespace,
      defaultNamespace: DEFAULT_KUBEFED_NAMESPACE,
    });
    ui.nextSteps(`Next, federate a namespace and what is in it to the joined cluster${options.members.length > 1 ? 's' : ''}:`, [
      `kubefedctl federate namespace <namespace> --contents${flags}`,
    ]);
  }
}

export async function readKubefedScope(host: ClusterClient, namespace: string): Promise<KubefedScope> {
  let config: KubeObject | undefined;
  try {
    config = await host.get(GVR.kubefedConfigs, KUBEFED_CONFIG_NAME, namespace);
  } catch (error) {
    if (error instanceof ClusterApiError && error.status === 404) config = undefined;
    else
      throw new OperationError('KUBEFED_CONFIG', `Error retrieving KubeFedConfig "${namespace}/${KUBEFED_CONFIG_NAME}": ${(error as Error).message}`, {
        cause: error,
      });
  }
  if (!config) {
    throw new OperationError(
      'NO_CONTROL_PLANE',
      `A KubeFedConfig named "${KUBEFED_CONFIG_NAME}" was not found in namespace "${namespace}". Is a KubeFed control plane running in this namespace?`,
      { hint: `Check --host-cluster-context (now "${host.contextName}") and --kubefed-namespace.` },
    );
  }
  const scope = (config.spec as { scope?: string } | undefined)?.scope;
  return scope === 'Namespaced' ? 'Namespaced' : 'Cluster';
}

/**
 * Both clusters' current state of what join writes, read in parallel, together with the
 * KubeFedConfig's scope (the RBAC objects of both scopes are read, so nothing waits for it).
 */
export async function observeJoinState(
  settings: Omit<JoinSettings, 'scope'>,
  clients: { host: ClusterClient; member: ClusterClient },
  scopeRead: Promise<KubefedScope>,
): Promise<{ scope: KubefedScope; observed: ObservedJoinState }> {
  const names = joinNames(settings);
  const ns = settings.namespace;
  const rbacOf = (scope: KubefedScope) =>
    scope === 'Namespaced'
      ? ([
          [GVR.roles, names.role, ns],
          [GVR.roleBindings, names.role, ns],
          [GVR.clusterRoles, names.healthCheckRole, undefined],
          [GVR.clusterRoleBindings, names.healthCheckRole, undefined],
        ] as const)
      : ([
          [GVR.clusterRoles, names.role, undefined],
          [GVR.clusterRoleBindings, names.role, undefined],
        ] as const);
  const rbacCandidates = [...rbacOf('Namespaced'), ...rbacOf('Cluster')];
  const [scope, memberNamespace, serviceAccount, tokenSecret, kubefedCluster, ...rbacObjects] = await settledInOrder([
    scopeRead,
    clients.member.get(GVR.namespaces, ns),
    clients.member.get(GVR.serviceAccounts, names.serviceAccount, ns),
    clients.member.get(GVR.secrets, names.serviceAccount, ns),
    clients.host.get(GVR.kubefedClusters, settings.clusterName, ns),
    ...rbacCandidates.map(([gvr, name, namespace]) => clients.member.get(gvr, name, namespace)),
  ]);
  const found = new Map<string, KubeObject>();
  rbacCandidates.forEach(([gvr, name], index) => {
    const object = rbacObjects[index];
    if (object) found.set(`${gvr.resource}/${name}`, object);
  });
  const rbac = new Map<string, KubeObject>();
  for (const [gvr, name] of rbacOf(scope)) {
    const object = found.get(`${gvr.resource}/${name}`);
    if (object) rbac.set(`${gvr.resource}/${name}`, object);
  }
  // The secret a re-join writes: --secret-name's, else the one the KubeFedCluster already uses.
  const referencedSecret = secretRefName(kubefedCluster);
  const hostSecretName = settings.secretName ?? (settings.errorOnExisting ? undefined : referencedSecret);
  const hostSecret = hostSecretName ? await clients.host.get(GVR.secrets, hostSecretName, ns) : undefined;
  return { scope, observed: { memberNamespace, serviceAccount, tokenSecret, rbac, kubefedCluster, hostSecret } };
}

type Clients = { host: ClusterClient; member: ClusterClient };

/** Joins one member; returns its result line. */
async function joinMember(
  options: JoinOptions,
  member: JoinOptions['members'][number],
  clients: Clients,
  scopeRead: Promise<KubefedScope>,
  ui: Ui,
  env: CommandEnv,
  spinner: Spinner | undefined,
): Promise<string> {
  const log = ui.logger;
  const memberContext = clients.member.context;
  const common: Omit<JoinSettings, 'scope'> = {
    clusterName: member.clusterName,
    hostName: options.hostName,
    namespace: options.namespace,
    secretName: options.secretName,
    errorOnExisting: options.errorOnExisting,
    apiEndpoint: options.apiEndpoint ?? memberContext.server,
    kubeconfigCaBundle: readCaBundleBase64(memberContext),
    insecureSkipTlsVerify: memberContext.insecureSkipTlsVerify,
    proxyUrl: memberContext.proxyUrl,
  };
  spinner?.update('Reading the current state of both clusters');
  const { scope, observed: current } = await observeJoinState(common, clients, scopeRead);
  const settings: JoinSettings = { ...common, scope };
  if (!options.apiEndpoint && isLoopbackEndpoint(settings.apiEndpoint) && member.clusterContext !== options.hostContext) {
    log.warn(
      `the API endpoint of cluster "${member.clusterName}" is a loopback address (${settings.apiEndpoint}); a KubeFed controller running elsewhere cannot reach it. Pass --api-endpoint with an address the controller can reach.`,
    );
  }
  if (memberContext.tlsServerName) {
    log.warn(
      `the kubeconfig sets tls-server-name "${memberContext.tlsServerName}" for cluster "${member.clusterName}", which a KubeFedCluster cannot carry; the controller verifies the endpoint's own name.`,
    );
  }
  const observed = afterNamespaceTermination(current);
  if (observed.terminatingNamespace)
    log.warn(`namespace "${observed.terminatingNamespace}" in cluster "${member.clusterName}" is being deleted; waiting until it is gone before joining`);
  // The member checks first, so a re-join reports what the Go tool's preflight reports.
  const memberPlan = planJoinMember(settings, observed, options.tokenTimeoutMs);
  checkHostConflicts(settings, observed);

  if (options.dryRun === 'client') {
    printJoinPlan(options, settings, observed, memberPlan, clients, env);
    return '';
  }
  const hostSettings: JoinSettings = {
    ...settings,
    generatedSecretName: settings.secretName || observed.hostSecret ? undefined : generatedName(`${settings.clusterName}-`),
  };
  // --wait shows the KubeFedCluster's conditions each time they change.
  const conditions = {
    last: undefined as string | undefined,
    seen(op: WaitOperation, object: KubeObject) {
      if (op.until !== 'cluster-ready' || conditionsOf(object).length === 0) return;
      const now = describeConditions(object);
      if (now === this.last) return;
      this.last = now;
      spinner?.note(`  KubeFedCluster "${member.clusterName}": ${now}`);
      log.log(2, `KubeFedCluster "${member.clusterName}" reports ${now}`);
    },
  };
  const applier = new Applier(
    new Map([
      ['member', clients.member],
      ['host', clients.host],
    ]),
    {
      dryRun: options.dryRun,
      logger: log,
      onStart: (op) => spinner?.update(describeStep(op)),
      onWaitEvent: (op, event) => conditions.seen(op, event.object),
      signal: env.interrupts.signal,
    },
  );
  const guard = env.interrupts.protect(() => applier.pendingUndo());
  try {
    const memberResults = await applier.applyInOrder(inStageOrder(sendable(memberPlan, options, settings, log)));
    const tokenSecret = memberResults.find((r) => r.op.verb === 'wait' && r.op.until === 'token-issued')?.object;
    const hostPlan = planJoinHost(hostSettings, observed, tokenSecret ? issuedToken(tokenSecret) : REDACTED_TOKEN);
    if (!hostPlan.some((op) => op.gvr === GVR.secrets))
      log.log(2, `Host secret ${settings.namespace}/${observed.hostSecret?.metadata.name ?? ''} already holds the token; reusing it`);
    await applier.applyInOrder(hostPlan);
  } catch (error) {
    await rollBack(applier, member.clusterName, ui);
    throw error;
  } finally {
    guard.release();
  }
  // The join is complete: a cluster that does not become Ready is reported, not rolled back.
  const waitedForReady = options.waitTimeoutMs !== undefined && options.dryRun === 'none';
  if (waitedForReady) {
    spinner?.note(
      `Waiting up to ${formatDuration(options.waitTimeoutMs!)} for KubeFed to report cluster "${member.clusterName}" Ready; its conditions as they change:`,
    );
    await applier.applyOne(readyWait(settings, options.waitTimeoutMs!)).catch((error: unknown) => {
      spinner?.fail(`Cluster "${member.clusterName}" joined, not Ready: ${conditions.last ?? 'KubeFed reported no conditions'}`);
      throw error;
    });
  }
  return `${qualifiedName(GVR.kubefedClusters, member.clusterName)} joined${waitedForReady ? ', Ready' : ''}${dryRunSuffix(options.dryRun)}`;
}

async function rollBack(applier: Applier, clusterName: string, ui: Ui): Promise<void> {
  const report = await applier.rollback();
  const lines = report.rolledBack.map((line) => `  rolled back: ${line}`);
  lines.push(...report.failed.map((line) => `  ROLLBACK FAILED: ${line}`));
  if (lines.length > 0) ui.logger.warn(`join of cluster "${clusterName}" failed; undoing what this run created:\n${lines.join('\n')}`);
  else ui.logger.warn(`join of cluster "${clusterName}" failed before anything was created`);
}

function issuedToken(secret: KubeObject): IssuedToken {
  const data = secret.data as Record<string, string>;
  return { token: data.token!, caCrt: data['ca.crt'] };
}

function describeStep(op: Operation): string {
  return op.verb === 'wait' ? `Waiting for ${op.description} (up to ${formatDuration(op.timeoutMs)})` : describeOperation(op);
}

/**
 * A server dry run persists nothing, so objects in a namespace this run would create cannot be
 * checked by the server (it answers NotFound): say so and validate the rest.
 */
function sendable(plan: Operation[], options: JoinOptions, settings: JoinSettings, log: Ui['logger']): Operation[] {
  if (options.dryRun !== 'server') return plan;
  const created = new Set(plan.flatMap((op) => (op.verb === 'create' && op.gvr === GVR.namespaces ? [op.object.metadata.name!] : [])));
  if (created.size === 0) return plan;
  log.warn(
    `namespace "${[...created].join('", "')}" does not exist yet in cluster "${settings.clusterName}", so --dry-run=server cannot check the objects join would create in it`,
  );
  return plan.filter((op) => {
    const namespace = op.verb === 'create' || op.verb === 'update' ? op.object.metadata.namespace : 'namespace' in op ? op.namespace : undefined;
    const checkable = !(op.cluster === 'member' && namespace !== undefined && created.has(namespace));
    if (!checkable) log.log(2, `Not sent (server dry run): ${op.verb} ${op.gvr.resource}`);
    return checkable;
  });
}

function printJoinPlan(
  options: JoinOptions,
  settings: JoinSettings,
  observed: ObservedJoinState,
  memberPlan: Operation[],
  clients: Clients,
  env: CommandEnv,
): void {
  const caFromTokenSecret = settings.kubeconfigCaBundle ? undefined : '<ca.crt of the token secret>';
  const hostPlan = planJoinHost(settings, observed, { ...REDACTED_TOKEN, caCrt: caFromTokenSecret });
  const plan = [...memberPlan, ...hostPlan];
  if (options.output) {
    printPlannedObjects(plan, clients, options.output, env);
    return;
  }
  const headings = new Map([
    ['member', `member cluster "${clients.member.contextName}"`],
    ['host', `host cluster "${clients.host.contextName}" (KubeFed scope ${settings.scope})`],
  ]);
  const notes = hostPlan.some((op) => op.gvr === GVR.secrets)
    ? []
    : [{ cluster: 'host', text: `reuse secret ${settings.namespace}/${observed.hostSecret?.metadata.name ?? ''}` }];
  env.ctx.stdout.write(printPlanText(`Join of cluster "${settings.clusterName}" (dry run; nothing was changed):`, plan, headings, notes));
  env.ui().logger.log(2, `KubeFedCluster API endpoint would be ${settings.apiEndpoint}`);
}
