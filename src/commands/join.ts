// kubefedctl join: validate everything, observe both clusters, plan, then apply with rollback
// (or print the plan for --dry-run).

import { readFile } from 'node:fs/promises';
import type { CommandEnv } from '../cli/command-env.js';
import { type DryRunStrategy, type GlobalSubcommandFlags, dryRunStrategy, kubefedNamespace, parseDuration } from '../cli/flags.js';
import type { Ui } from '../cli/ui.js';
import { WriteJournal, describeOperation } from '../cluster/apply.js';
import type { ClusterClient, ContextInfo } from '../cluster/types.js';
import { KUBEFED_CONFIG_NAME } from '../core/constants.js';
import { GVR, qualifiedName } from '../core/gvr.js';
import {
  type JoinSettings,
  type KubefedScope,
  type ObservedJoinState,
  type WriteOperation,
  checkHostConflicts,
  hostSecretWrite,
  joinNames,
  kubefedClusterWrite,
  memberWrites,
} from '../core/join-plan.js';
import { dns1123SubdomainProblems, isLoopbackEndpoint } from '../core/naming.js';
import { type OutputFormat, printObjects } from '../core/printers.js';
import type { KubeObject } from '../core/types.js';
import { redactObject } from '../redact.js';
import { ClusterApiError, KubefedctlError, OperationError, TimeoutError } from '../errors.js';
import { type Problem, openClusterAccessCollecting, resolveIdentity, throwIfProblems } from './cluster-identity.js';

interface JoinFlags extends GlobalSubcommandFlags {
  clusterContext?: string;
  hostClusterName?: string;
  secretName?: string;
  errorOnExisting?: boolean;
  apiEndpoint?: string;
  tokenTimeout?: string;
  wait?: string;
  output?: OutputFormat;
  quiet?: boolean;
}

export interface JoinOptions {
  clusterName: string;
  hostContext: string;
  clusterContext: string;
  hostName: string;
  namespace: string;
  secretName: string | undefined;
  errorOnExisting: boolean;
  apiEndpoint: string | undefined;
  tokenTimeoutMs: number;
  waitTimeoutMs: number | undefined;
  dryRun: DryRunStrategy;
  output: OutputFormat | undefined;
  kubeconfig: string | undefined;
}

const DEFAULT_WAIT_MS = 60_000;
const REDACTED_TOKEN = 'PHJlZGFjdGVkPg=='; // base64("<redacted>"): dry-run output never carries a token

export async function runJoinCommand(clusterName: string | undefined, rawFlags: Record<string, unknown>, env: CommandEnv): Promise<void> {
  const flags = rawFlags as JoinFlags;
  const problems: Problem[] = [];
  const dryRun = collect(problems, () => dryRunStrategy(flags.dryRun));
  const tokenTimeoutMs = collect(problems, () => parseDuration('--token-timeout', flags.tokenTimeout ?? '30s'));
  const waitTimeoutMs = flags.wait === undefined ? undefined : flags.wait === 'default' ? DEFAULT_WAIT_MS : collect(problems, () => parseDuration('--wait', flags.wait!));
  if (flags.secretName !== undefined) {
    const secretProblems = dns1123SubdomainProblems(flags.secretName);
    if (secretProblems.length > 0) problems.push({ kind: 'usage', message: `invalid --secret-name "${flags.secretName}": ${secretProblems.join('; ')}` });
  }
  if (flags.apiEndpoint !== undefined && !/^https?:\/\/[^/]+/.test(flags.apiEndpoint)) {
    problems.push({ kind: 'usage', message: `invalid --api-endpoint "${flags.apiEndpoint}": expected an http(s) URL such as https://10.0.0.1:6443` });
  }
  if (flags.output && dryRun === 'none') problems.push({ kind: 'usage', message: '-o/--output prints the planned objects and needs --dry-run' });
  if (dryRun !== 'none' && waitTimeoutMs !== undefined) problems.push({ kind: 'usage', message: '--wait cannot be combined with --dry-run' });

  const ui = env.ui({ machineOutput: flags.output !== undefined });
  const access = await openClusterAccessCollecting(env, flags.kubeconfig, problems);
  const identity = resolveIdentity('join', clusterName, flags, access?.kubeconfig, problems);
  throwIfProblems(problems, 'join');

  const options: JoinOptions = {
    ...identity,
    namespace: kubefedNamespace(flags),
    secretName: flags.secretName,
    errorOnExisting: flags.errorOnExisting !== false,
    apiEndpoint: flags.apiEndpoint,
    tokenTimeoutMs: tokenTimeoutMs ?? 30_000,
    waitTimeoutMs,
    dryRun: dryRun ?? 'none',
    output: flags.output,
    kubeconfig: flags.kubeconfig,
  };
  // A kubeconfig that failed to load was a reported problem, so by now it is loaded.
  const clusters = access!;
  const host = await clusters.client(options.hostContext);
  const member = await clusters.client(options.clusterContext);
  await joinCluster(options, { host, member }, ui, env);
}

function collect<T>(problems: Problem[], compute: () => T): T | undefined {
  try {
    return compute();
  } catch (error) {
    if (error instanceof KubefedctlError) {
      problems.push({ kind: 'usage', message: error.message });
      return undefined;
    }
    throw error;
  }
}

export async function readKubefedScope(host: ClusterClient, namespace: string): Promise<KubefedScope> {
  let config: KubeObject | undefined;
  try {
    config = await host.get(GVR.kubefedConfigs, KUBEFED_CONFIG_NAME, namespace);
  } catch (error) {
    if (error instanceof ClusterApiError && error.status === 404) config = undefined;
    else throw new OperationError('KUBEFED_CONFIG', `Error retrieving KubeFedConfig "${namespace}/${KUBEFED_CONFIG_NAME}": ${(error as Error).message}`, { cause: error });
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

async function caBundleFromKubeconfig(context: ContextInfo): Promise<string | undefined> {
  if (context.caData) return context.caData;
  if (context.caFile) return (await readFile(context.caFile)).toString('base64');
  return undefined;
}

export async function observeJoinState(settings: JoinSettings, clients: { host: ClusterClient; member: ClusterClient }): Promise<ObservedJoinState> {
  const names = joinNames(settings);
  const ns = settings.namespace;
  const rbacTargets =
    settings.scope === 'Namespaced'
      ? [
          [GVR.roles, names.role, ns],
          [GVR.roleBindings, names.role, ns],
          [GVR.clusterRoles, names.healthCheckRole, undefined],
          [GVR.clusterRoleBindings, names.healthCheckRole, undefined],
        ] as const
      : [
          [GVR.clusterRoles, names.role, undefined],
          [GVR.clusterRoleBindings, names.role, undefined],
        ] as const;
  const [memberNamespace, serviceAccount, tokenSecret, kubefedCluster, ...rbacObjects] = await Promise.all([
    clients.member.get(GVR.namespaces, ns),
    clients.member.get(GVR.serviceAccounts, names.serviceAccount, ns),
    clients.member.get(GVR.secrets, names.serviceAccount, ns),
    clients.host.get(GVR.kubefedClusters, settings.clusterName, ns),
    ...rbacTargets.map(([gvr, name, namespace]) => clients.member.get(gvr, name, namespace)),
  ]);
  const rbac = new Map<string, KubeObject>();
  rbacTargets.forEach(([gvr, name], index) => {
    const object = rbacObjects[index];
    if (object) rbac.set(`${gvr.resource}/${name}`, object);
  });
  // The secret a re-join writes: --secret-name's, else the one the KubeFedCluster already uses.
  const referencedSecret = (kubefedCluster?.spec as { secretRef?: { name?: string } } | undefined)?.secretRef?.name;
  const hostSecretName = settings.secretName ?? (settings.errorOnExisting ? undefined : referencedSecret);
  const hostSecret = hostSecretName ? await clients.host.get(GVR.secrets, hostSecretName, ns) : undefined;
  return { memberNamespace, serviceAccount, tokenSecret, rbac, kubefedCluster, hostSecret };
}

async function joinCluster(options: JoinOptions, clients: { host: ClusterClient; member: ClusterClient }, ui: Ui, env: CommandEnv): Promise<void> {
  const log = ui.logger;
  const spinner = await ui.spinner(`Joining cluster "${options.clusterName}"`);
  try {
    log.log(2, `Performing preflight checks (host context "${options.hostContext}", cluster context "${options.clusterContext}")`);
    const scope = await readKubefedScope(clients.host, options.namespace);
    const memberContext = clients.member.context;
    const settings: JoinSettings = {
      clusterName: options.clusterName,
      hostName: options.hostName,
      namespace: options.namespace,
      scope,
      secretName: options.secretName,
      errorOnExisting: options.errorOnExisting,
      apiEndpoint: options.apiEndpoint ?? memberContext.server,
      kubeconfigCaBundle: await caBundleFromKubeconfig(memberContext),
      insecureSkipTlsVerify: memberContext.insecureSkipTlsVerify,
      proxyUrl: memberContext.proxyUrl,
    };
    if (!options.apiEndpoint && isLoopbackEndpoint(settings.apiEndpoint) && options.clusterContext !== options.hostContext) {
      log.warn(
        `the API endpoint of cluster "${options.clusterName}" is a loopback address (${settings.apiEndpoint}); a KubeFed controller running elsewhere cannot reach it. Pass --api-endpoint with an address the controller can reach.`,
      );
    }
    if (memberContext.tlsServerName) {
      log.warn(`the kubeconfig sets tls-server-name "${memberContext.tlsServerName}" for cluster "${options.clusterName}", which a KubeFedCluster cannot carry; the controller verifies the endpoint's own name.`);
    }
    spinner.update('Reading the current state of both clusters');
    const observed = await observeJoinState(settings, clients);
    // The member checks first, so a re-join reports what the Go tool's preflight reports.
    const writes = memberWrites(settings, observed);
    checkHostConflicts(settings, observed);

    if (options.dryRun === 'client') {
      spinner.stop();
      printJoinPlan({ options, settings, observed, writes, clients, ui }, env);
      return;
    }
    const result = await applyJoin({ options, settings, observed, writes, clients, ui }, spinner);
    spinner.stop();
    if (!env.settings.quiet) env.ctx.stdout.write(`${result}\n`);
  } catch (error) {
    spinner.fail(`Joining cluster "${options.clusterName}" failed`);
    throw error;
  }
}

/** Everything decided before the first write: what to write, where, and how to talk about it. */
interface JoinRun {
  options: JoinOptions;
  settings: JoinSettings;
  observed: ObservedJoinState;
  writes: WriteOperation[];
  clients: { host: ClusterClient; member: ClusterClient };
  ui: Ui;
}

async function applyJoin({ options, settings, observed, writes, clients, ui }: JoinRun, spinner: Awaited<ReturnType<Ui['spinner']>>): Promise<string> {
  const serverDryRun = options.dryRun === 'server';
  const journal = new WriteJournal(clients, { serverDryRun, logger: ui.logger });
  const names = joinNames(settings);
  // A server dry run persists nothing, so objects in a namespace this run would create cannot be
  // checked by the server (it answers NotFound): say so and validate the rest.
  const namespacesToCreate = new Set(writes.flatMap((op) => (op.verb === 'create' && op.gvr === GVR.namespaces ? [op.object.metadata.name!] : [])));
  const checkableByServer = (op: WriteOperation) => {
    const namespace = op.verb === 'create' || op.verb === 'update' ? op.object.metadata.namespace : op.namespace;
    return !(serverDryRun && op.cluster === 'member' && namespace !== undefined && namespacesToCreate.has(namespace));
  };
  if (serverDryRun && namespacesToCreate.size > 0) {
    ui.logger.warn(`namespace "${[...namespacesToCreate].join('", "')}" does not exist yet in cluster "${options.clusterName}", so --dry-run=server cannot check the objects join would create in it`);
  }
  try {
    for (const op of writes) {
      if (!checkableByServer(op)) {
        ui.logger.log(2, `Not sent (server dry run): ${describeOperation(op)}`);
        continue;
      }
      spinner.update(describeOperation(op));
      const previous = op.verb === 'delete' ? observed.rbac.get(`${op.gvr.resource}/${op.name}`) : undefined;
      await journal.apply(op, previous);
    }

    let tokenBase64 = REDACTED_TOKEN;
    let tokenSecretCa: string | undefined;
    if (!serverDryRun) {
      spinner.update(`Waiting for the token of service account ${settings.namespace}/${names.serviceAccount}`);
      ui.logger.log(2, `Waiting up to ${options.tokenTimeoutMs / 1000}s for the token of service account ${settings.namespace}/${names.serviceAccount}`);
      const tokenSecret = await clients.member.watchUntil(
        GVR.secrets,
        { namespace: settings.namespace, fieldSelector: `metadata.name=${names.serviceAccount}`, timeoutMs: options.tokenTimeoutMs, description: `the token of service account ${settings.namespace}/${names.serviceAccount} in cluster "${options.clusterName}"` },
        (event) => (event.type !== 'DELETED' && (event.object.data as Record<string, string> | undefined)?.token ? event.object : undefined),
      );
      const data = tokenSecret.data as Record<string, string>;
      tokenBase64 = data.token!;
      tokenSecretCa = data['ca.crt'];
    }

    const secretWrite = hostSecretWrite(settings, observed, tokenBase64);
    let secretName = observed.hostSecret?.metadata.name ?? settings.secretName ?? '';
    if (secretWrite) {
      spinner.update(describeOperation(secretWrite));
      const stored = await journal.apply(secretWrite);
      secretName = stored?.metadata.name ?? secretName;
    } else {
      ui.logger.log(2, `Host secret ${settings.namespace}/${secretName} already holds the token; reusing it`);
    }
    const clusterWrite = kubefedClusterWrite(settings, observed, secretName, tokenSecretCa);
    spinner.update(describeOperation(clusterWrite));
    await journal.apply(clusterWrite);
  } catch (error) {
    spinner.stop();
    const report = await journal.rollback();
    const lines = report.rolledBack.map((line) => `  rolled back: ${line}`);
    lines.push(...report.failed.map((line) => `  ROLLBACK FAILED: ${line}`));
    if (lines.length > 0) ui.logger.warn(`join of cluster "${options.clusterName}" failed; undoing what this run created:\n${lines.join('\n')}`);
    else ui.logger.warn(`join of cluster "${options.clusterName}" failed before anything was created`);
    throw error;
  }

  const suffix = serverDryRun ? ' (server dry run)' : '';
  if (options.waitTimeoutMs !== undefined && !serverDryRun) {
    spinner.update(`Waiting for KubeFed to report cluster "${options.clusterName}" Ready`);
    await waitForReady(clients.host, settings, options.waitTimeoutMs);
  }
  return `${qualifiedName(GVR.kubefedClusters, options.clusterName)} joined${suffix}`;
}

export async function waitForReady(host: ClusterClient, settings: Pick<JoinSettings, 'clusterName' | 'namespace'>, timeoutMs: number): Promise<void> {
  let last: KubeObject | undefined;
  try {
    await host.watchUntil(
      GVR.kubefedClusters,
      { namespace: settings.namespace, fieldSelector: `metadata.name=${settings.clusterName}`, timeoutMs, description: `KubeFed to report cluster "${settings.clusterName}" Ready` },
      (event) => {
        last = event.object;
        const conditions = ((event.object.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []);
        return conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
      },
    );
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const conditions = (last?.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions ?? [];
    const described = conditions.length === 0 ? 'no conditions reported yet (is the KubeFed controller running?)' : conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`).join(', ');
    throw new TimeoutError(`cluster "${settings.clusterName}" was joined but KubeFed did not report it Ready within ${timeoutMs / 1000}s: ${described}`, {
      hint: 'Check that the KubeFed controller can reach the cluster\'s API endpoint (see --api-endpoint).',
    });
  }
}

function printJoinPlan({ options, settings, observed, writes, clients, ui }: JoinRun, env: CommandEnv): void {
  const names = joinNames(settings);
  const hostWrites: WriteOperation[] = [];
  const secretWrite = hostSecretWrite(settings, observed, REDACTED_TOKEN);
  if (secretWrite) hostWrites.push(secretWrite);
  const secretName = observed.hostSecret?.metadata.name ?? settings.secretName ?? `${settings.clusterName}-<generated>`;
  hostWrites.push(kubefedClusterWrite(settings, observed, secretName, settings.kubeconfigCaBundle ? undefined : '<ca.crt of the token secret>'));
  if (options.output) {
    const objects = [...writes, ...hostWrites].flatMap((op) => (op.verb === 'create' || op.verb === 'update' ? [redactObject(op.object) as KubeObject] : []));
    const patches = hostWrites.filter((op) => op.verb === 'patch');
    for (const op of patches) {
      if (op.verb === 'patch') objects.push({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster', metadata: { name: op.name, namespace: op.namespace }, ...(op.patch as object) } as KubeObject);
    }
    env.ctx.stdout.write(printObjects(objects, options.output));
    return;
  }
  const lines = [
    `Join of cluster "${options.clusterName}" (dry run; nothing was changed):`,
    `  member cluster "${clients.member.contextName}":`,
    ...writes.map((op) => `    ${describeOperation(op)}`),
    `    wait for the token of service account ${settings.namespace}/${names.serviceAccount}`,
    `  host cluster "${clients.host.contextName}" (KubeFed scope ${settings.scope}):`,
    ...hostWrites.map((op) => `    ${describeOperation(op)}`),
  ];
  if (!secretWrite) lines.push(`    reuse secret ${settings.namespace}/${secretName}`);
  env.ctx.stdout.write(`${lines.join('\n')}\n`);
  ui.logger.log(2, `KubeFedCluster API endpoint would be ${settings.apiEndpoint}`);
}
