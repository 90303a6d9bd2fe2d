// What `kubefedctl rotate-credentials` does once its options are complete: for each member
// (concurrently, each on its own) read what join left, plan (core/rotate-plan.ts) and apply through
// the applier, or print the plan for --dry-run. Up to the switch (the KubeFedCluster pointed at the
// new Secret) the run is atomic like join's: a failure or Ctrl-C rolls back what it created and the
// old credentials keep working. After the switch it rolls forward: the old credentials are revoked
// once KubeFed reports the cluster Ready with the new ones, and a failure there keeps them and says
// how to finish.

import type { CommandEnv } from '../cli/command-env.js';
import type { Spinner, Ui } from '../cli/ui.js';
import { Applier, generatedName, settledInOrder } from '../cluster/applier.js';
import type { ClusterClient } from '../cluster/types.js';
import type { RotateCredentialsOptions } from '../commands/rotate-credentials.js';
import { CLUSTER_NAME_LABEL } from '../core/constants.js';
import { formatDuration } from '../core/duration.js';
import { GVR, qualifiedName } from '../core/gvr.js';
import { REDACTED_TOKEN, joinNames, secretRefName } from '../core/join-plan.js';
import { type Operation, describeOperation, dryRunSuffix, inStageOrder, printPlanText } from '../core/plan.js';
import {
  type ObservedRotateState,
  type RotateNames,
  type RotateSettings,
  checkRotatable,
  planNewToken,
  planRevoke,
  planSwitch,
  readyWithNewSecretWait,
} from '../core/rotate-plan.js';
import { InterruptedError, KubefedctlError, OperationError } from '../errors.js';
import { printPlannedObjects, runPerMember } from './per-member.js';

type Clients = { host: ClusterClient; member: ClusterClient };

export async function runRotateCredentials(options: RotateCredentialsOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: options.output !== undefined });
  const access = await env.clusterAccess(options.kubeconfig);
  const host = await access.client(options.hostContext);
  await runPerMember(options.members, { doing: 'Rotating the credentials of', failedTo: 'given new credentials' }, ui, env, async (member, spinner) =>
    rotateMember(options, member.clusterName, { host, member: await access.client(member.clusterContext) }, ui, env, spinner),
  );
}

/** What join left for the cluster in both clusters, read in parallel (the referenced Secret once its name is known). */
export async function observeRotateState(settings: RotateSettings, clients: Clients): Promise<ObservedRotateState> {
  const ns = settings.namespace;
  const { serviceAccount } = joinNames(settings);
  const [kubefedCluster, labelled, sa, memberSecrets] = await settledInOrder([
    clients.host.get(GVR.kubefedClusters, settings.clusterName, ns),
    clients.host.list(GVR.secrets, { namespace: ns, labelSelector: `${CLUSTER_NAME_LABEL}=${settings.clusterName}` }),
    clients.member.get(GVR.serviceAccounts, serviceAccount, ns),
    clients.member.list(GVR.secrets, { namespace: ns, fieldSelector: 'type=kubernetes.io/service-account-token' }),
  ]);
  const refName = secretRefName(kubefedCluster);
  const hostSecret = refName ? (labelled.items.find((s) => s.metadata.name === refName) ?? (await clients.host.get(GVR.secrets, refName, ns))) : undefined;
  return { kubefedCluster, hostSecret, labelledHostSecrets: labelled.items, serviceAccount: sa, memberSecrets: memberSecrets.items };
}

async function rotateMember(
  options: RotateCredentialsOptions,
  clusterName: string,
  clients: Clients,
  ui: Ui,
  env: CommandEnv,
  spinner: Spinner | undefined,
): Promise<string> {
  const settings: RotateSettings = { clusterName, hostName: options.hostName, namespace: options.namespace };
  spinner?.update('Reading the current credentials in both clusters');
  const observed = await observeRotateState(settings, clients);
  checkRotatable(settings, observed);
  const { serviceAccount } = joinNames(settings);
  const names: RotateNames = { tokenSecret: generatedName(`${serviceAccount}-token-`), hostSecret: generatedName(`${clusterName}-`) };

  if (options.dryRun === 'client') {
    printRotatePlan(options, settings, observed, names, clients, env);
    return '';
  }
  const applier = new Applier(
    new Map([
      ['member', clients.member],
      ['host', clients.host],
    ]),
    { dryRun: options.dryRun, logger: ui.logger, onStart: (op) => spinner?.update(describeStep(op)), signal: env.interrupts.signal },
  );
  // Up to the switch, a failure or an interrupt undoes what this run created.
  const guard = env.interrupts.protect(() => applier.pendingUndo());
  try {
    const results = await applier.applyInOrder(planNewToken(settings, names, options.tokenTimeoutMs));
    const issued = results.find((r) => r.op.verb === 'wait')?.object;
    const token = (issued?.data as Record<string, string> | undefined)?.token ?? REDACTED_TOKEN.token;
    await applier.applyInOrder(planSwitch(settings, observed, names, token));
  } catch (error) {
    const state = await switchState(clients.host, settings, names);
    if (state === 'not-switched') {
      await rollBack(applier, clusterName, ui);
      throw error;
    }
    if (state === 'unknown') {
      // Neither rolled back (KubeFed may be using the new Secret) nor revoked (it may not).
      throw new OperationError(
        'ROTATION_UNKNOWN',
        `rotating the credentials of cluster "${clusterName}" failed and whether KubeFed now uses secret ${settings.namespace}/${names.hostSecret} could not be read: ${(error as Error).message}`,
        {
          hint: `Nothing was revoked. Run "kubefedctl rotate-credentials ${clusterName}" again: it deletes what this run left once KubeFed works with its own new token.`,
          cause: error,
        },
      );
    }
    // The patch reached the server though its answer did not: roll forward.
    ui.logger.log(2, `KubeFedCluster "${clusterName}" points at ${names.hostSecret} although the switch failed with: ${(error as Error).message}; going on`);
  } finally {
    guard.release();
  }
  if (options.dryRun === 'server') return `${qualifiedName(GVR.kubefedClusters, clusterName)} credentials rotated${dryRunSuffix(options.dryRun)}`;

  // Rolling forward: KubeFed uses the new Secret; the old credentials go once it works with them.
  const keep = (reason: string) =>
    new OperationError(
      'ROTATION_INCOMPLETE',
      `cluster "${clusterName}" now uses secret ${settings.namespace}/${names.hostSecret}, but ${reason}; its old credentials were kept (not revoked)`,
      {
        hint: `Run "kubefedctl rotate-credentials ${clusterName}" again to finish: it issues a fresh token and deletes every older one.`,
      },
    );
  try {
    await applier.applyOne(readyWithNewSecretWait(settings, observed, options.timeoutMs));
  } catch (error) {
    // Only a signal during the switch gets here interrupted (after it nothing is protected: a signal ends the run at once).
    if (error instanceof InterruptedError)
      ui.logger.warn(
        `cluster "${clusterName}" now uses secret ${settings.namespace}/${names.hostSecret}; its old credentials were kept (not revoked). Run "kubefedctl rotate-credentials ${clusterName}" again to finish.`,
      );
    else if (error instanceof KubefedctlError) throw keep(error.message);
    throw error;
  }
  const revoked = await applier.applyInOrder(inStageOrder(planRevoke(settings, observed, names))).catch((error: unknown) => {
    throw keep(`deleting them failed: ${(error as Error).message}`);
  });
  const count = revoked.filter((r) => r.op.cluster === 'member' && r.outcome === 'deleted').length;
  return `${qualifiedName(GVR.kubefedClusters, clusterName)} credentials rotated, Ready; ${count} old token${count === 1 ? '' : 's'} revoked`;
}

/** Whether the KubeFedCluster names the new Secret: the switch happened, whatever its answer said. */
async function switchState(host: ClusterClient, settings: RotateSettings, names: RotateNames): Promise<'switched' | 'not-switched' | 'unknown'> {
  try {
    return secretRefName(await host.get(GVR.kubefedClusters, settings.clusterName, settings.namespace)) === names.hostSecret ? 'switched' : 'not-switched';
  } catch {
    return 'unknown';
  }
}

async function rollBack(applier: Applier, clusterName: string, ui: Ui): Promise<void> {
  const report = await applier.rollback();
  const lines = report.rolledBack.map((line) => `  rolled back: ${line}`);
  lines.push(...report.failed.map((line) => `  ROLLBACK FAILED: ${line}`));
  const head = `rotating the credentials of cluster "${clusterName}" failed before the switch; the old credentials are unchanged`;
  ui.logger.warn(lines.length > 0 ? `${head}; undoing what this run created:\n${lines.join('\n')}` : head);
}

function describeStep(op: Operation): string {
  return op.verb === 'wait' ? `Waiting for ${op.description} (up to ${formatDuration(op.timeoutMs)})` : describeOperation(op);
}

function printRotatePlan(
  options: RotateCredentialsOptions,
  settings: RotateSettings,
  observed: ObservedRotateState,
  names: RotateNames,
  clients: Clients,
  env: CommandEnv,
): void {
  const plan = [
    ...planNewToken(settings, names, options.tokenTimeoutMs),
    ...planSwitch(settings, observed, names, REDACTED_TOKEN.token),
    readyWithNewSecretWait(settings, observed, options.timeoutMs),
    ...planRevoke(settings, observed, names),
  ];
  if (options.output) {
    printPlannedObjects(plan, clients, options.output, env);
    return;
  }
  const headings = new Map([
    ['member', `member cluster "${clients.member.contextName}"`],
    ['host', `host cluster "${clients.host.contextName}"`],
  ]);
  env.ctx.stdout.write(printPlanText(`Rotation of the credentials of cluster "${settings.clusterName}" (dry run; nothing was changed):`, plan, headings));
}
