// Bridges the CLI to the cluster adapters. Only imported (dynamically) by commands that need a
// cluster.

import type { CliContext, GlobalSettings } from './context.js';
import type { ClusterAccess } from './command-env.js';
import { createLogger } from '../log.js';
import { loadKubeconfig } from '../cluster/kubeconfig.js';
import { createClusterClient } from '../cluster/rest-client.js';
import type { ClusterClient } from '../cluster/types.js';

export async function openClusterAccess(ctx: CliContext, settings: GlobalSettings, kubeconfigFlag: string | undefined): Promise<ClusterAccess> {
  const logger = createLogger((text) => ctx.stderr.write(text), settings.verbosity, { quiet: settings.quiet });
  const kubeconfig = loadKubeconfig({ explicitPath: kubeconfigFlag || undefined, env: ctx.env, homeDir: ctx.homeDir });
  const clients = new Map<string, Promise<ClusterClient>>();
  return {
    kubeconfig,
    client(context) {
      const name = context || kubeconfig.currentContext || '';
      let client = clients.get(name);
      if (!client) {
        client = createClusterClient(kubeconfig, context || undefined, { logger, env: ctx.env });
        clients.set(name, client);
      }
      return client;
    },
  };
}
