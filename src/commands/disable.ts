// kubefedctl disable: stop propagating a type (DisableFederation of pkg/kubefedctl/disable.go),
// optionally deleting its federated CRD.

import type { CommandEnv } from '../cli/command-env.js';
import { type DryRunStrategy, type GlobalSubcommandFlags, dryRunStrategy, kubefedNamespace, parseDuration } from '../cli/flags.js';
import type { Ui } from '../cli/ui.js';
import type { ClusterClient } from '../cluster/types.js';
import { groupQualifiedName } from '../core/api-resources.js';
import { FEDERATED_GROUP, FEDERATED_VERSION } from '../core/constants.js';
import {
  type DisableStep,
  FTC_GVR,
  FederatedInstancesExistError,
  type FederatedTypeRef,
  planDisable,
  quotedTypeConfigRef,
  typeConfigForTarget,
} from '../core/type-config.js';
import { type KubeObject, isPlainObject } from '../core/types.js';
import { NotFoundError, TimeoutError, UsageError } from '../errors.js';
import { applyPlannedWrite, findApiResource, prefixError } from './enable.js';

export interface DisableFlags extends GlobalSubcommandFlags {
  deleteCrd?: boolean;
  federatedGroup?: string;
  version?: string;
  timeout?: string;
}

export interface DisableOptions {
  /** NAME as given: a FederatedTypeConfig name when it contains a dot, else a type name to look up. */
  name: string;
  deleteCrd: boolean;
  /** Only for --delete-crd when the FederatedTypeConfig is gone: how to regenerate it. */
  federatedGroup: string;
  targetVersion: string;
  timeoutMs: number;
  dryRun: DryRunStrategy;
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
  namespace: string;
}

export async function runDisableCommand(name: string | undefined, flags: Record<string, unknown>, env: CommandEnv): Promise<void> {
  await runDisable(completeDisableOptions(name, flags as DisableFlags), env);
}

export function completeDisableOptions(name: string | undefined, flags: DisableFlags): DisableOptions {
  if (name === undefined || name === '') {
    throw new UsageError('NAME is required', { hint: "Name the type to disable, e.g. 'kubefedctl disable deployments.apps'. See 'kubefedctl disable --help'." });
  }
  const deleteCrd = flags.deleteCrd === true;
  if (!deleteCrd) {
    if (flags.version) throw new UsageError('--version flag valid only with --delete-crd');
    if (flags.federatedGroup !== undefined && flags.federatedGroup !== FEDERATED_GROUP) throw new UsageError('--federated-group flag valid only with --delete-crd');
  }
  return {
    name,
    deleteCrd,
    federatedGroup: flags.federatedGroup || FEDERATED_GROUP,
    targetVersion: flags.version ?? '',
    timeoutMs: parseDuration('--timeout', flags.timeout ?? '10s'),
    dryRun: dryRunStrategy(flags.dryRun),
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext,
    namespace: kubefedNamespace(flags),
  };
}

export async function runDisable(options: DisableOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui();
  const print = (line: string) => env.ctx.stdout.write(`${line}\n`);
  const access = await env.clusterAccess(options.kubeconfig);
  const client = await access.client(options.hostClusterContext);
  const namespace = options.namespace;

  // A dotted name is taken as the FederatedTypeConfig's name, so a type whose target API is gone
  // can still be disabled.
  const name = options.name.includes('.') ? options.name : await findApiResource(client, options.name, '', ui).then((target) => groupQualifiedName(target.name, target.group));
  const ref = quotedTypeConfigRef(namespace, name);

  const typeConfig = await client.get(FTC_GVR, name, namespace).catch((error: unknown) => {
    throw prefixError(error, `Error retrieving FederatedTypeConfig ${ref}`);
  });
  if (typeConfig === undefined) print(`FederatedTypeConfig ${ref} does not exist`);

  let regeneratedTypeConfig: KubeObject | undefined;
  if (typeConfig === undefined && options.deleteCrd) {
    const target = await findApiResource(client, name, options.targetVersion, ui);
    regeneratedTypeConfig = typeConfigForTarget(target, { federatedGroup: options.federatedGroup, federatedVersion: FEDERATED_VERSION });
  }

  const steps = planDisable({ namespace, name, typeConfig, deleteCrd: options.deleteCrd, regeneratedTypeConfig });
  for (const step of steps) await runStep(step, { client, ui, print, options, name, ref });
}

interface StepContext {
  client: ClusterClient;
  ui: Ui;
  print: (line: string) => void;
  options: DisableOptions;
  name: string;
  ref: string;
}

async function runStep(step: DisableStep, context: StepContext): Promise<void> {
  const { client, options } = context;
  switch (step.kind) {
    case 'refuse-if-instances-exist':
      if (await federatedInstancesExist(client, step.federatedType)) throw new FederatedInstancesExistError(step.federatedType.crdName);
      return;
    case 'disable-propagation':
    case 'delete-crd':
    case 'delete-type-config':
      context.print(await applyPlannedWrite(client, step.write, options.dryRun));
      return;
    case 'wait-until-stopped':
      await waitUntilPropagationStopped(context);
      return;
  }
}

/** A LIST of the federated type in all namespaces; a missing CRD (404) means none. */
async function federatedInstancesExist(client: ClusterClient, federatedType: FederatedTypeRef): Promise<boolean> {
  try {
    const { items } = await client.list(federatedType.gvr);
    return items.length > 0;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw prefixError(error, `Error listing ${federatedType.crdName} to check that none exist`);
  }
}

/** Watches the FederatedTypeConfig until the KubeFed controller reports its propagation controller NotRunning. */
async function waitUntilPropagationStopped({ client, ui, print, options, name, ref }: StepContext): Promise<void> {
  if (options.dryRun !== 'none') {
    ui.info(`Not waiting for the propagation controller of FederatedTypeConfig ${ref} to stop (${options.dryRun === 'server' ? 'server ' : ''}dry run)`);
    return;
  }
  ui.info(`Verifying propagation controller is stopped for FederatedTypeConfig ${ref}`);
  try {
    await client.watchUntil(
      FTC_GVR,
      { namespace: options.namespace, fieldSelector: `metadata.name=${name}`, timeoutMs: options.timeoutMs, description: `the propagation controller of FederatedTypeConfig ${ref} to stop` },
      (event) => {
        if (event.object.metadata.name !== name) return undefined;
        if (event.type === 'DELETED') return true;
        const status = event.object.status;
        return isPlainObject(status) && status.propagationController === 'NotRunning' ? true : undefined;
      },
    );
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw new TimeoutError(`Unable to verify propagation controller for FederatedTypeConfig ${ref} is stopped: timed out waiting for the condition`, {
        cause: error,
        hint: `Is the KubeFed controller manager running (kubectl -n ${options.namespace} get pods)? Propagation is disabled already; rerun with a longer --timeout (now ${formatTimeout(options.timeoutMs)}) to finish.`,
      });
    }
    throw prefixError(error, `Unable to verify propagation controller for FederatedTypeConfig ${ref} is stopped`);
  }
  print(`Propagation controller for FederatedTypeConfig ${ref} is stopped`);
}

function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
