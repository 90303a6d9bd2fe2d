// kubefedctl promote: bring objects that already run in a member cluster under federation without
// replacing them (Karmada's `karmadactl promote`; kubefed#607). This module wires the command and
// completes its options; run/promote.ts does the work.

import type { Command } from 'commander';
import {
  type DryRunStrategy,
  type GlobalSubcommandFlags,
  type OutputFlags,
  addBooleanFlag,
  addGlobalSubcommandFlags,
  dryRunStrategy,
  kubefedNamespace,
  namespaceOption,
  outputOption,
  throwIfUsageProblems,
} from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import type { OutputFormat } from '../core/printers.js';

interface PromoteFlags extends GlobalSubcommandFlags, OutputFlags {
  namespace?: string;
  cluster?: string;
  clusterContext?: string;
  selector?: string;
  dependencies?: boolean;
}

export interface PromoteOptions {
  typeName: string;
  /** Empty when a selector picks the objects. */
  names: string[];
  selector: string | undefined;
  namespace: string | undefined;
  /** The KubeFedCluster the objects run in. */
  cluster: string;
  /** --cluster-context; undefined: the context named like the cluster, else KubeFed's stored credentials. */
  clusterContext: string | undefined;
  dependencies: boolean;
  output: OutputFormat | undefined;
  dryRun: DryRunStrategy;
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
  kubefedNamespace: string;
}

export const promoteCommand: CommandDefinition = {
  name: 'promote',
  summary: 'Promote brings objects running in a member cluster under federation, adopted in place',
  arguments: [
    ['<TYPE-NAME>', 'API type of the objects, e.g. deployments.apps, deploy, cm'],
    ['[NAME...]', 'names of the objects (or -l SELECTOR)'],
  ],
  register: registerPromote,
};

function registerPromote(command: Command, run: CommandRunner): void {
  command.description(
    'Promote reads objects from member cluster --cluster and creates Federated objects placed on that cluster, so that KubeFed adopts the running objects (same uid, no restart) instead of replacing them. Before writing it shows what KubeFed will change in the member objects, and refuses when KubeFed would not adopt them.',
  );
  addGlobalSubcommandFlags(command);
  command
    .addOption(namespaceOption('The namespace of the objects in the member cluster.'))
    .addOption(
      outputOption(
        ['yaml', 'json'],
        'Print the objects promote would create (Federated objects, and the FederatedNamespace or host Namespace it needs) instead of creating them. One of: yaml|json.',
      ),
    )
    .option('--cluster <name>', 'The member cluster (KubeFedCluster name) the objects run in. They are placed on it only.')
    .option(
      '--cluster-context <context>',
      "The member's context in the kubeconfig. Default: the context named like the cluster if there is one, else the credentials KubeFed stores for the cluster (its KubeFedCluster and Secret).",
    )
    .option('-l, --selector <selector>', 'Promote every object of the type whose labels match (e.g. app=web), instead of naming them.');
  addBooleanFlag(command, '--dependencies', 'Also promote the ConfigMaps, Secrets and ServiceAccount the pod template of each object uses.');
  command
    .addHelpText(
      'after',
      `
Examples:
  # Promote a Deployment, its ConfigMaps, Secrets and ServiceAccount running in cluster2
  kubefedctl promote deployments.apps web -n shop --cluster cluster2 --dependencies

  # Several objects in one command; each is promoted (or rolled back) on its own
  kubefedctl promote services web api -n shop --cluster cluster2
  kubefedctl promote deploy -l tier=frontend -n shop --cluster cluster2

  # Show the Federated objects without creating them
  kubefedctl promote cm settings -n shop --cluster cluster2 -o yaml`,
    )
    .action((typeName: string, names: string[], flags: PromoteFlags) =>
      run(async (env) => {
        const options = completePromoteOptions(typeName, names, flags);
        const { runPromote } = await import('../run/promote.js');
        await runPromote(options, env);
      }),
    );
}

export function completePromoteOptions(typeName: string, names: readonly string[], flags: PromoteFlags): PromoteOptions {
  const problems: string[] = [];
  if (names.length === 0 && !flags.selector) problems.push('name the objects to promote (NAME...) or select them with -l SELECTOR');
  if (names.length > 0 && flags.selector) problems.push('NAME... and -l/--selector cannot be combined');
  if (new Set(names).size !== names.length) problems.push(`a name is given twice: ${names.join(' ')}`);
  if (!flags.cluster) problems.push('--cluster is required: the member cluster the objects run in');
  throwIfUsageProblems(problems, 'promote');
  return {
    typeName,
    names: [...names],
    selector: flags.selector || undefined,
    namespace: flags.namespace || undefined,
    cluster: flags.cluster!,
    clusterContext: flags.clusterContext || undefined,
    dependencies: flags.dependencies === true,
    output: flags.output,
    dryRun: dryRunStrategy(flags.dryRun),
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext || undefined,
    kubefedNamespace: kubefedNamespace(flags),
  };
}
