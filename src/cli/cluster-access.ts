// Bridges the CLI to the cluster adapters. Only imported (dynamically) by commands that need a
// cluster.

import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { CliContext, GlobalSettings } from './context.js';
import type { AccessOptions, ClusterAccess } from './command-env.js';
import type { Kubeconfig } from '../cluster/types.js';
import { createLogger } from '../log.js';
import { createClusterFactory } from '../cluster/factory.js';

export async function openClusterAccess(
  ctx: CliContext,
  settings: GlobalSettings,
  kubeconfigFlag: string | undefined,
  options: AccessOptions = {},
): Promise<ClusterAccess> {
  const silent = options.silentWithTimeoutMs !== undefined;
  const logger = silent
    ? createLogger(() => {}, 0, { quiet: true })
    : createLogger((text) => ctx.stderr.write(text), settings.verbosity, { quiet: settings.quiet, painter: settings.painter });
  const clientOptions = silent
    ? { requestTimeoutMs: options.silentWithTimeoutMs, stdinIsTerminal: false, pluginStderr: new Writable({ write: (_chunk, _encoding, done) => done() }) }
    : ctx.stderr.isTTY
      ? { pluginStderr: throughStderr(ctx) }
      : undefined;
  const factory = createClusterFactory({ explicitKubeconfig: kubeconfigFlag || undefined, env: ctx.env, homeDir: ctx.homeDir, logger, clientOptions });
  // Loaded now, so a missing or broken kubeconfig is reported with the command's other problems.
  const clientFor = async (kubeconfig: Kubeconfig) => {
    const { createClusterClient } = await import('../cluster/rest-client.js');
    return createClusterClient(kubeconfig, undefined, { ...clientOptions, logger, env: ctx.env });
  };
  return { kubeconfig: factory.kubeconfig(), client: factory, clientFor };
}

/**
 * At a terminal, what an exec credential plugin says (a sign-in link, a prompt) goes through our
 * own stderr, which the live lines own: they are erased first, and a prompt left open is not drawn
 * over. Elsewhere the plugin writes to the inherited stderr as kubectl's do.
 */
function throughStderr(ctx: CliContext): Writable {
  const decoder = new StringDecoder('utf8');
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      ctx.stderr.write(decoder.write(chunk));
      done();
    },
  });
}
