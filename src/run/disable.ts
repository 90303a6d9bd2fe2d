// What `kubefedctl disable` does once its options are complete: find the FederatedTypeConfig,
// plan (core/type-config.ts planDisable) and apply, printing what the Go tool prints (and, at a
// terminal, a spinner while it waits for the propagation controller to stop).

import type { CommandEnv } from '../cli/command-env.js';
import { Applier } from '../cluster/applier.js';
import { findApiResource } from '../cluster/discovery.js';
import type { DisableOptions } from '../commands/disable.js';
import { groupQualifiedName } from '../core/api-resources.js';
import { FEDERATED_VERSION } from '../core/constants.js';
import { formatDuration } from '../core/duration.js';
import { GVR } from '../core/gvr.js';
import { resultLine } from '../core/plan.js';
import { typeConfigForTarget } from '../core/type-config.js';
import { planDisable, quotedTypeConfigRef } from '../core/type-config-plan.js';
import type { KubeObject } from '../core/types.js';
import { prefixError } from '../errors.js';

export async function runDisable(options: DisableOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui();
  const print = (line: string) => env.ctx.stdout.write(`${line}\n`);
  const access = await env.clusterAccess(options.kubeconfig);
  const client = await access.client(options.hostClusterContext);
  const namespace = options.namespace;

  // A dotted name is taken as the FederatedTypeConfig's name, so a type whose target API is gone
  // can still be disabled.
  const name = options.name.includes('.')
    ? options.name
    : await findApiResource(client, options.name, '', ui.logger).then((target) => groupQualifiedName(target.name, target.group));
  const ref = quotedTypeConfigRef(namespace, name);

  const typeConfig = await client.get(GVR.federatedTypeConfigs, name, namespace).catch((error: unknown) => {
    throw prefixError(error, `Error retrieving FederatedTypeConfig ${ref}`);
  });
  if (typeConfig === undefined) print(`FederatedTypeConfig ${ref} does not exist`);

  let regeneratedTypeConfig: KubeObject | undefined;
  if (typeConfig === undefined && options.deleteCrd) {
    const target = await findApiResource(client, name, options.targetVersion, ui.logger);
    regeneratedTypeConfig = typeConfigForTarget(target, { federatedGroup: options.federatedGroup, federatedVersion: FEDERATED_VERSION });
  }

  const applier = new Applier(new Map([['host', client]]), {
    dryRun: options.dryRun,
    logger: ui.logger,
    onStart: (op) => {
      if (op.verb === 'wait' && options.dryRun === 'none') ui.info(`Verifying propagation controller is stopped for FederatedTypeConfig ${ref}`);
    },
  });
  for (const op of planDisable({ namespace, name, typeConfig, deleteCrd: options.deleteCrd, regeneratedTypeConfig, timeoutMs: options.timeoutMs })) {
    // At a terminal, what it waits for and for how long, live.
    const spinner =
      op.verb === 'wait' && options.dryRun === 'none' ? await ui.spinner(`Waiting for ${op.description} (up to ${formatDuration(op.timeoutMs)})`) : undefined;
    const waited = op.verb === 'wait' ? op.description : '';
    const result = await applier.applyOne(op).catch((error: unknown) => {
      spinner?.fail(`Stopped waiting for ${waited}`);
      throw error;
    });
    spinner?.succeed(`Waited for ${waited}`);
    if (op.verb === 'refuse-if-any' || result.outcome === 'skipped') continue;
    print(resultLine(op, result.outcome, op.verb === 'wait' ? 'none' : options.dryRun));
  }
}
