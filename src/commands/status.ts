// kubefedctl status [TYPE NAME]: the control plane at a glance (KubeFedConfig, clusters, enabled
// types), or one federated object's propagation; --check makes problems fail the run (CI gates).
// This module wires the command and completes its options; run/status.ts reads and reports.

import { type Command, Option } from 'commander';
import { type GlobalSubcommandFlags, addGlobalSubcommandFlags, kubefedNamespace, namespaceOption, outputOption } from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import { MultipleUsageErrors } from '../errors.js';

interface StatusFlags extends GlobalSubcommandFlags {
  namespace?: string;
  output?: 'json' | 'yaml';
  check?: boolean;
}

export interface StatusOptions {
  /** undefined: the control plane; else one federated object. */
  target: { type: string; name: string; namespace: string | undefined } | undefined;
  output: 'json' | 'yaml' | undefined;
  check: boolean;
  kubefedNamespace: string;
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
}

export const statusCommand: CommandDefinition = {
  name: 'status',
  summary: 'Show the control plane at a glance, or how a federated object propagated',
  arguments: [
    ['[TYPE]', 'federated type (FederatedDeployment, federateddeployments.types.kubefed.io, fdeploy) or its target type (deployments.apps)'],
    ['[NAME]', 'name of the federated object'],
  ],
  register: registerStatus,
};

function registerStatus(command: Command, run: CommandRunner): void {
  command
    .description(
      'Without arguments, status shows the KubeFed control plane: the KubeFedConfig (scope, resource adoption), the joined clusters and their readiness, and the enabled federated types with whether their propagation controllers run. With TYPE NAME it shows the Propagation condition of that federated object and its status in each cluster. --check exits 1 if any cluster is not Ready or any propagation is not OK.',
    );
  addGlobalSubcommandFlags(command, { dryRun: false });
  command
    .addOption(namespaceOption('Namespace of the federated object (default: the namespace of the host cluster context)'))
    .addOption(outputOption(['json', 'yaml'], 'Output format. One of: json|yaml.'))
    .addOption(new Option('--check', 'Exit 1 if any cluster is not Ready or any propagation is not OK (the report is printed either way).'))
    .addHelpText(
      'after',
      `
Examples:
  # The control plane at a glance
  kubefedctl status

  # Fail a CI job unless every cluster is Ready and every enabled type propagates
  kubefedctl status --check

  # How the FederatedDeployment web in namespace shop propagated
  kubefedctl status FederatedDeployment web -n shop

Exit codes: 0 (also with problems, unless --check); 1 with --check when there are problems, or when the host cluster cannot be read; 2 for usage errors.`,
    )
    .action((type: string | undefined, name: string | undefined, flags: StatusFlags) =>
      run(async (env) => {
        const options = completeStatusOptions(type, name, flags);
        const { runStatus } = await import('../run/status.js');
        await runStatus(options, env);
      }),
    );
}

function completeStatusOptions(type: string | undefined, name: string | undefined, flags: StatusFlags): StatusOptions {
  const problems: string[] = [];
  if (type && !name) problems.push(`NAME is required with TYPE: kubefedctl status ${type} NAME`);
  if (!type && flags.namespace) problems.push('-n/--namespace names the namespace of a federated object: use it with TYPE NAME');
  if (problems.length > 0) throw new MultipleUsageErrors(problems, { hint: "See 'kubefedctl status --help'." });
  return {
    target: type && name ? { type, name, namespace: flags.namespace || undefined } : undefined,
    output: flags.output,
    check: flags.check === true,
    kubefedNamespace: kubefedNamespace(flags),
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext || undefined,
  };
}
