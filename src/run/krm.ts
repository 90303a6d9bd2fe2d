// `kubefedctl federate --krm`: a ResourceList on stdin, the federated ResourceList on stdout. On
// failure stdout still gets a ResourceList, with the error as a result, and the error goes to
// stderr with a non-zero exit (the KRM functions specification).

import type { CommandEnv } from '../cli/command-env.js';
import type { FederateOptions } from '../commands/federate.js';
import { failedResourceList, federateResourceList, resourceListApiVersion } from '../core/krm.js';
import { toYaml } from '../core/yaml.js';
import { readAll } from '../io.js';

export async function runKrmFederate(options: Extract<FederateOptions, { mode: 'krm' }>, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: true });
  for (const flag of options.ignoredFlags) ui.logger.warn(`${flag} is ignored with --krm (the function reads only the ResourceList)`);
  const text = await readAll(env.ctx.stdin);
  let output;
  try {
    output = federateResourceList(text, { placement: options.placement, passthroughKinds: options.passthroughKinds });
  } catch (error) {
    env.ctx.stdout.write(toYaml(failedResourceList(error instanceof Error ? error.message : String(error), resourceListApiVersion(text))));
    throw error;
  }
  env.ctx.stdout.write(toYaml(output));
}
