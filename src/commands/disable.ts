// kubefedctl disable: stop propagating a type (DisableFederation of pkg/kubefedctl/disable.go),
// optionally deleting its federated CRD. This module wires the command and completes its options;
// run/disable.ts observes, plans and applies.

import type { Command } from 'commander';
import {
  type DryRunStrategy,
  type GlobalSubcommandFlags,
  addBooleanFlag,
  addGlobalSubcommandFlags,
  dryRunStrategy,
  kubefedNamespace,
  parseDuration,
} from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import { FEDERATED_GROUP } from '../core/constants.js';
import { UsageError } from '../errors.js';

interface DisableFlags extends GlobalSubcommandFlags {
  deleteCrd?: boolean;
  federatedGroup?: string;
  version?: string;
  timeout?: string;
}

export interface DisableOptions {
  /** NAME as given: a FederatedTypeConfig name when it contains a dot, else a type name to look up. */
  name: string;
  deleteCrd: boolean;
  /** Only for --delete-crd when the FederatedTypeConfig is gone: how to regenerate it. */
  federatedGroup: string;
  targetVersion: string;
  timeoutMs: number;
  dryRun: DryRunStrategy;
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
  namespace: string;
}

export const disableCommand: CommandDefinition = {
  name: 'disable',
  summary: 'Disables propagation of a Kubernetes API type',
  arguments: [['[NAME]', 'API type or FederatedTypeConfig name']],
  register: registerDisable,
};

function registerDisable(command: Command, run: CommandRunner): void {
  command.description('Disables propagation of a Kubernetes API type. This command can also optionally delete the API resources added by the enable command.');
  addGlobalSubcommandFlags(command);
  addBooleanFlag(command, '--delete-crd', "Whether to remove the API resource added by 'enable'.");
  command
    .option(
      '--federated-group <group>',
      `The name of the API group to use for deleting the federated CRD type when the federated type config does not exist. Only used with --delete-crd. (default "${FEDERATED_GROUP}")`,
    )
    .option(
      '--version <version>',
      'The API version of the target type to use for deletion of the federated CRD type when the federated type config does not exist. Only used with --delete-crd.',
    )
    .option('--timeout <duration>', 'How long to wait for the KubeFed controller to stop propagating the type (e.g. 10s, 2m).', '10s')
    .addHelpText(
      'after',
      '\nExamples:\n  # Disable federation of Deployments\n  kubefedctl disable deployments.apps\n\n  # Disable federation of Deployments and delete the federated CRD\n  kubefedctl disable deployments.apps --delete-crd',
    )
    .action((name: string | undefined, flags: DisableFlags) =>
      run(async (env) => {
        const options = completeDisableOptions(name, flags);
        const { runDisable } = await import('../run/disable.js');
        await runDisable(options, env);
      }),
    );
}

function completeDisableOptions(name: string | undefined, flags: DisableFlags): DisableOptions {
  if (name === undefined || name === '') {
    throw new UsageError('NAME is required', {
      hint: "Name the type to disable, e.g. 'kubefedctl disable deployments.apps'. See 'kubefedctl disable --help'.",
    });
  }
  const deleteCrd = flags.deleteCrd === true;
  if (!deleteCrd) {
    if (flags.version) throw new UsageError('--version flag valid only with --delete-crd');
    if (flags.federatedGroup !== undefined && flags.federatedGroup !== FEDERATED_GROUP)
      throw new UsageError('--federated-group flag valid only with --delete-crd');
  }
  return {
    name,
    deleteCrd,
    federatedGroup: flags.federatedGroup || FEDERATED_GROUP,
    targetVersion: flags.version ?? '',
    timeoutMs: parseDuration('--timeout', flags.timeout ?? '10s'),
    dryRun: dryRunStrategy(flags.dryRun),
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext,
    namespace: kubefedNamespace(flags),
  };
}
