// kubefedctl orphaning-deletion enable|disable|status: the kubefed.io/orphan annotation, which
// makes KubeFed leave member-cluster objects in place when their federated object is deleted.
// This module wires the commands; run/orphaning.ts reads and patches.

import type { Command } from 'commander';
import { type GlobalSubcommandFlags, addGlobalSubcommandFlags, namespaceOption, outputOption, throwIfUsageProblems } from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';

interface OrphaningFlags extends GlobalSubcommandFlags {
  namespace?: string;
  output?: 'json' | 'yaml';
}

type OrphaningVerb = 'enable' | 'disable' | 'status';

export interface OrphaningOptions {
  verb: OrphaningVerb;
  type: string;
  name: string;
  namespace: string | undefined;
  output: 'json' | 'yaml' | undefined;
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
}

const SUBCOMMANDS: ReadonlyArray<[OrphaningVerb, string]> = [
  ['enable', 'Enable the orphaning (i.e. retention) of resources managed by a federated resource upon its removal.'],
  ['disable', 'Disable orphaning deletion to ensure the removal of managed resources before removing the managing federated resource'],
  ['status', 'Get the orphaning deletion status of the federated resource'],
];

export const orphaningDeletionCommand: CommandDefinition = {
  name: 'orphaning-deletion',
  summary: 'Manage orphaning delete policy',
  group: true,
  register: registerOrphaningDeletion,
};

function registerOrphaningDeletion(parent: Command, run: CommandRunner): void {
  parent.description('Manage orphaning delete policy');
  for (const [verb, summary] of SUBCOMMANDS) {
    const command = parent
      .command(verb)
      .summary(summary)
      .description(summary)
      .argument('[RESOURCE-TYPE]', 'federated type, e.g. FederatedDeployment, fdeploy, federateddeployments.types.kubefed.io')
      .argument('[RESOURCE-NAME]', 'name of the federated resource');
    addGlobalSubcommandFlags(command, { hideNamespaceAndDryRun: true });
    command.addOption(namespaceOption('If present, the namespace scope for this CLI request'));
    if (verb === 'status') command.addOption(outputOption(['json', 'yaml'], 'Output format. One of: json|yaml.'));
    command.addHelpText('after', `\nExamples:\n  kubefedctl orphaning-deletion ${verb} FederatedDeployment foo -n bar`);
    command.action((type: string | undefined, name: string | undefined, flags: OrphaningFlags) =>
      run(async (env) => {
        const options = completeOrphaningOptions(verb, type, name, flags);
        const { runOrphaning } = await import('../run/orphaning.js');
        await runOrphaning(options, env);
      }),
    );
  }
  // Like the Go tool: without (or with an unknown) subcommand, print help and succeed.
  parent.action(() => run(async () => void parent.outputHelp()));
}

function completeOrphaningOptions(verb: OrphaningVerb, type: string | undefined, name: string | undefined, flags: OrphaningFlags): OrphaningOptions {
  const problems: string[] = [];
  if (!type) problems.push('resource type is required');
  if (!name) problems.push('resource name is required');
  throwIfUsageProblems(problems, `orphaning-deletion ${verb}`);
  return {
    verb,
    type: type!,
    name: name!,
    namespace: flags.namespace || undefined,
    output: flags.output,
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext || undefined,
  };
}
