// Offline federate: manifests from files, directories or stdin to Federated* wrappers on stdout.
// Loaded lazily so that --help never pays for js-yaml.

import type { CommandEnv } from '../cli/command-env.js';
import { federateManifests, passthroughMatcher } from '../core/federate-manifests.js';
import { printObjects } from '../core/printers.js';
import { readManifestSources } from '../io.js';
import type { FederateOptions } from '../commands/federate.js';

export async function runOfflineFederate(options: Extract<FederateOptions, { mode: 'offline' }>, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: true });
  for (const flag of options.ignoredFlags) ui.logger.warn(`${flag} is ignored with -f/--filename (offline federate reads only the manifests)`);
  const sources = await readManifestSources(options.filenames, { recursive: options.recursive, stdin: () => env.ctx.stdin, cwd: env.ctx.cwd });
  const annotationClusters = options.annotations === 'overrides' ? options.placement.clusters : undefined;
  const result = federateManifests(sources, options.placement, passthroughMatcher(options.passthroughKinds, { helmHooks: options.passthroughHelmHooks }), {
    annotationClusters,
  });
  for (const warning of result.warnings) ui.logger.warn(warning);
  if (result.objects.length === 0) {
    ui.logger.warn('no objects found in the input; nothing to federate');
    return;
  }
  env.ctx.stdout.write(printObjects(result.objects, options.output));
}
