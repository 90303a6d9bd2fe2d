// What `kubefedctl enable` does once its options are complete: print the generated objects
// (--offline, -o) or create/update them on the host cluster.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandEnv } from '../cli/command-env.js';
import { hostClusterFlags } from '../cli/ui.js';
import type { EnableOptions } from '../commands/enable.js';
import { groupQualifiedName } from '../core/api-resources.js';
import { offlineTypeResources } from '../core/builtin-types.js';
import { DEFAULT_KUBEFED_NAMESPACE } from '../core/constants.js';
import { printObjects } from '../core/printers.js';
import { parseEnableTypeDirective, typeConfigApiResource } from '../core/type-config.js';
import { type EnableTypeDirective } from '../core/enable-directive.js';
import { UsageError } from '../errors.js';
import { readAll } from '../io.js';

export async function runEnable(options: EnableOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: options.output !== undefined });
  for (const warning of options.warnings) ui.logger.warn(warning);
  const directive = await loadDirective(options.directive, env);

  if (options.offline) {
    const { typeConfig, crd } = offlineTypeResources(directive);
    env.ctx.stdout.write(printObjects([typeConfig, crd], options.output ?? 'yaml'));
    return;
  }

  // Cluster code loads only now: --offline never pays for it.
  const { createTypeResources, generateTypeResources } = await import('./type-resources.js');
  const access = await env.clusterAccess(options.kubeconfig);
  const client = await access.client(options.hostClusterContext);
  const { typeConfig, crd } = await generateTypeResources(client, directive, ui.logger);
  if (options.output !== undefined) {
    env.ctx.stdout.write(printObjects([typeConfig, crd], options.output));
    return;
  }
  await createTypeResources(client, { typeConfig, crd }, { namespace: options.namespace, dryRun: options.dryRun, logger: ui.logger }, (line) =>
    env.ctx.stdout.write(`${line}\n`),
  );
  if (options.dryRun === 'none') {
    const target = typeConfigApiResource(typeConfig, 'targetType');
    const flags = hostClusterFlags({
      hostContext: options.hostClusterContext,
      kubeconfig: options.kubeconfig,
      namespace: options.namespace,
      defaultNamespace: DEFAULT_KUBEFED_NAMESPACE,
    });
    ui.nextSteps(`Next, federate an object of this type (${target.kind}):`, [
      `kubefedctl federate ${groupQualifiedName(target.pluralName, target.group)} <name>${target.scope === 'Namespaced' ? ' -n <namespace>' : ''}${flags}`,
    ]);
  }
}

async function loadDirective(source: EnableOptions['directive'], env: CommandEnv): Promise<EnableTypeDirective> {
  if (source.from === 'arguments') return source.value;
  let text: string;
  try {
    text = source.file === '-' ? await readAll(env.ctx.stdin) : await readFile(path.resolve(env.ctx.cwd, source.file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : (error as Error).message;
    throw new UsageError(`Failed to load yaml from file "${source.file}": ${reason}`, { code: 'UNREADABLE_FILE' });
  }
  return parseEnableTypeDirective(source.file, text);
}
