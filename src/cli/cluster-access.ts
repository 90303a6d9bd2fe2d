// Bridges the CLI to the cluster adapters. Only imported (dynamically) by commands that need a
// cluster.

import { Writable } from 'node:stream';
import type { CliContext, GlobalSettings } from './context.js';
import type { AccessOptions, ClusterAccess } from './command-env.js';
import { createLogger } from '../log.js';
import { createClusterFactory } from '../cluster/factory.js';
import type { ClusterClient, Kubeconfig } from '../cluster/types.js';

export async function openClusterAccess(ctx: CliContext, settings: GlobalSettings, kubeconfigFlag: string | undefined, options: AccessOptions = {}): Promise<ClusterAccess> {
  const silent = options.silentWithTimeoutMs !== undefined;
  const logger = silent
    ? createLogger(() => {}, 0, { quiet: true })
    : createLogger((text) => ctx.stderr.write(text), settings.verbosity, { quiet: settings.quiet, painter: settings.painter });
  const clientOptions = silent
    ? { requestTimeoutMs: options.silentWithTimeoutMs, stdinIsTerminal: false, pluginStderr: new Writable({ write: (_chunk, _encoding, done) => done() }) }
    : undefined;
  const factory = createClusterFactory({ explicitKubeconfig: kubeconfigFlag || undefined, env: ctx.env, homeDir: ctx.homeDir, logger, clientOptions });
  const otherClients = new Map<string, Promise<ClusterClient>>();
  const clientFor = (kubeconfig: Kubeconfig, context: string): Promise<ClusterClient> => {
    let client = otherClients.get(context);
    if (client === undefined) {
      client = import('../cluster/rest-client.js').then(({ createClusterClient }) => createClusterClient(kubeconfig, context, { ...clientOptions, logger, env: ctx.env }));
      otherClients.set(context, client);
    }
    return client;
  };
  // Loaded now, so a missing or broken kubeconfig is reported with the command's other problems.
  return { kubeconfig: factory.kubeconfig(), client: factory, clientFor };
}
