// Bridges the CLI to the cluster adapters. Only imported (dynamically) by commands that need a
// cluster.

import type { CliContext, GlobalSettings } from './context.js';
import type { ClusterAccess } from './command-env.js';
import { createLogger } from '../log.js';
import { createClusterFactory } from '../cluster/factory.js';

export async function openClusterAccess(ctx: CliContext, settings: GlobalSettings, kubeconfigFlag: string | undefined): Promise<ClusterAccess> {
  const logger = createLogger((text) => ctx.stderr.write(text), settings.verbosity, { quiet: settings.quiet, painter: settings.painter });
  const factory = createClusterFactory({ explicitKubeconfig: kubeconfigFlag || undefined, env: ctx.env, homeDir: ctx.homeDir, logger });
  // Loaded now, so a missing or broken kubeconfig is reported with the command's other problems.
  return { kubeconfig: factory.kubeconfig(), client: factory };
}
