// kubefedctl get clusters [NAME...]: the joined clusters (KubeFedClusters) as kubectl get prints
// them. This module wires the command and completes its options; run/get.ts reads and prints.

import { type Command, Option } from 'commander';
import { type GlobalSubcommandFlags, addBooleanFlag, addGlobalSubcommandFlags, kubefedNamespace, outputOption, throwIfUsageProblems } from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import { CLUSTER_OUTPUT_FORMATS, CLUSTER_TYPE_NAMES, type ClusterOutputFormat } from '../core/clusters-table.js';

interface GetFlags extends GlobalSubcommandFlags {
  output?: ClusterOutputFormat;
  /** --no-headers */
  headers?: boolean;
  selector?: string;
  ignoreNotFound?: boolean;
}

export interface GetOptions {
  /** Cluster names, in the order given; empty for all. */
  names: string[];
  /** kubectl's singleItemImplied: exactly one name, so -o json|yaml prints the object, not a List. */
  singleItemImplied: boolean;
  selector: string | undefined;
  output: ClusterOutputFormat | undefined;
  noHeaders: boolean;
  ignoreNotFound: boolean;
  namespace: string;
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
}

export const getCommand: CommandDefinition = {
  name: 'get',
  summary: 'Display the joined clusters',
  arguments: [
    ['[TYPE]', `clusters (or ${CLUSTER_TYPE_NAMES.slice(1).join(', ')}); TYPE/NAME also works`],
    ['[NAME...]', 'names of the clusters to show (default: all)'],
  ],
  register: registerGet,
};

function registerGet(command: Command, run: CommandRunner): void {
  command.description(
    'Display the clusters joined to the KubeFed control plane (the KubeFedClusters in the KubeFed namespace of the host cluster) as kubectl get would, with the readiness KubeFed reports for each. Secrets are read only for the CREDENTIALS-AGE column of -o wide (when the credentials of each cluster were issued); their tokens are never printed.',
  );
  addGlobalSubcommandFlags(command, { dryRun: false });
  command
    .addOption(
      outputOption(
        CLUSTER_OUTPUT_FORMATS,
        'Output format. One of: wide|json|yaml|name. wide adds API-ENDPOINT, PROXY-URL, TLS, SECRET, REASON and LAST-PROBE.',
      ),
    )
    .addOption(new Option('--no-headers', "When using the default or wide output format, don't print headers."))
    .option('-l, --selector <selector>', 'Selector (label query) to filter on, supports =, ==, and != (e.g. -l key1=value1,key2=value2).');
  addBooleanFlag(command, '--ignore-not-found', 'If the requested cluster does not exist the command will return exit code 0.');
  command.addHelpText(
    'after',
    `
Examples:
  # List the joined clusters and whether KubeFed reports them Ready
  kubefedctl get clusters

  # Show where each cluster is reached and why it is not Ready
  kubefedctl get clusters -o wide

  # One cluster as JSON, for scripts
  kubefedctl get clusters cluster2 -o json

Exit codes: 0 also when no cluster is joined ("No resources found" on stderr); 1 when a named cluster does not exist (unless --ignore-not-found); 2 for usage errors.`,
  );
  command.action((type: string | undefined, names: string[], flags: GetFlags) =>
    run(async (env) => {
      const options = completeGetOptions(type, names, flags);
      const { runGet } = await import('../run/get.js');
      await runGet(options, env);
    }),
  );
}

function isClusterType(word: string): boolean {
  return (CLUSTER_TYPE_NAMES as readonly string[]).includes(word.toLowerCase());
}

function completeGetOptions(type: string | undefined, rest: readonly string[], flags: GetFlags): GetOptions {
  const problems: string[] = [];
  let names: string[] = [];
  if (!type) {
    problems.push('You must specify the type of resource to get: clusters');
  } else if (type.includes('/')) {
    // kubectl's TYPE/NAME form: every argument then has it (the -o name output reads back in).
    for (const arg of [type, ...rest]) {
      const slash = arg.indexOf('/');
      const [argType, name] = slash < 0 ? [arg, ''] : [arg.slice(0, slash), arg.slice(slash + 1)];
      if (slash < 0 || name === '')
        problems.push(
          `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubefedctl get clusters/cluster2'): "${arg}"`,
        );
      else if (!isClusterType(argType)) problems.push(`unknown resource type "${argType}": get shows clusters`);
      else names.push(name);
    }
  } else if (!isClusterType(type)) {
    problems.push(`unknown resource type "${type}": get shows clusters (also called ${CLUSTER_TYPE_NAMES.slice(1).join(', ')})`);
  } else {
    names = [...rest];
  }
  if (names.length > 0 && flags.selector) problems.push('name cannot be provided when a selector is specified');
  throwIfUsageProblems(problems, 'get');
  return {
    names,
    singleItemImplied: names.length === 1,
    selector: flags.selector || undefined,
    output: flags.output,
    noHeaders: flags.headers === false,
    ignoreNotFound: flags.ignoreNotFound === true,
    namespace: kubefedNamespace(flags),
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext || undefined,
  };
}
