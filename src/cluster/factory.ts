// One kubeconfig read and one client per context per command run. The REST client module is
// imported only when a client is first asked for, so commands that never talk to a cluster
// (--help, offline federate) do not pay for it.

import type { Logger } from '../log.js';
import { loadKubeconfig } from './kubeconfig.js';
import type { ClusterClientDeps } from './rest-client.js';
import type { ClusterClient, ClusterFactory, Kubeconfig } from './types.js';

export interface ClusterFactoryOptions {
  /** --kubeconfig */
  explicitKubeconfig?: string | undefined;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  logger: Logger;
  /** Passed through to every client (request timeout, exec plugin I/O...). */
  clientOptions?: Omit<ClusterClientDeps, 'logger' | 'env'> | undefined;
}

export interface ClusterFactoryWithKubeconfig extends ClusterFactory {
  /** The kubeconfig the clients use, loaded on first call (throws ConfigError like a client would). */
  kubeconfig(): Kubeconfig;
  /** A client for the current context of another kubeconfig (built in memory), not cached. */
  clientOf(kubeconfig: Kubeconfig): Promise<ClusterClient>;
}

export function createClusterFactory(options: ClusterFactoryOptions): ClusterFactoryWithKubeconfig {
  let kubeconfig: Kubeconfig | undefined;
  const clients = new Map<string, Promise<ClusterClient>>();

  const getKubeconfig = (): Kubeconfig => {
    kubeconfig ??= loadKubeconfig({ explicitPath: options.explicitKubeconfig, env: options.env, homeDir: options.homeDir });
    return kubeconfig;
  };

  const factory = async (contextName: string | undefined): Promise<ClusterClient> => {
    const config = getKubeconfig();
    // Resolving the name first lets `undefined` and the explicit current-context share a client.
    const resolvedName = config.context(contextName).name;
    let client = clients.get(resolvedName);
    if (client === undefined) {
      client = import('./rest-client.js').then(({ createClusterClient }) =>
        createClusterClient(config, resolvedName, { ...options.clientOptions, logger: options.logger, env: options.env }),
      );
      clients.set(resolvedName, client);
      // A failed creation (bad CA file, invalid exec config) is not cached: the next call reports it again.
      client.catch(() => clients.delete(resolvedName));
    }
    return client;
  };
  const clientOf = async (other: Kubeconfig): Promise<ClusterClient> => {
    const { createClusterClient } = await import('./rest-client.js');
    return createClusterClient(other, undefined, { ...options.clientOptions, logger: options.logger, env: options.env });
  };
  return Object.assign(factory, { kubeconfig: getKubeconfig, clientOf });
}
