// kubefedctl enable: generate the FederatedTypeConfig and federated CRD of a type, then print
// them (-o, --offline) or create/update them on the host cluster. This module wires the command
// and completes its options; run/enable.ts does the rest.

import { type Command } from 'commander';
import {
  type DryRunStrategy,
  type GlobalSubcommandFlags,
  type OutputFlags,
  addBooleanFlag,
  addGlobalSubcommandFlags,
  dryRunStrategy,
  kubefedNamespace,
  outputOption,
} from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import { FEDERATED_GROUP, FEDERATED_VERSION } from '../core/constants.js';
import type { OutputFormat } from '../core/printers.js';
import { type EnableTypeDirective, defaultEnableTypeDirective } from '../core/enable-directive.js';
import { UsageError } from '../errors.js';

interface EnableFlags extends GlobalSubcommandFlags, OutputFlags {
  federatedGroup?: string;
  version?: string;
  federatedVersion?: string;
  filename?: string;
  offline?: boolean;
}

export interface EnableOptions {
  directive: { from: 'arguments'; value: EnableTypeDirective } | { from: 'file'; file: string };
  /** Print the objects instead of writing them. */
  output: OutputFormat | undefined;
  offline: boolean;
  dryRun: DryRunStrategy;
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
  namespace: string;
  /** Flags that have no effect with this combination; said on stderr. */
  warnings: string[];
}

export const enableCommand: CommandDefinition = {
  name: 'enable',
  summary: 'Enables propagation of a Kubernetes API type',
  arguments: [['[NAME]', 'API type: plural, singular, kind, short name or plural.group']],
  register: registerEnable,
};

function registerEnable(command: Command, run: CommandRunner): void {
  command.description(
    'Enables a Kubernetes API type (including a CRD) to be propagated. A CRD for the federated type is generated and a FederatedTypeConfig is created to configure a sync controller.',
  );
  addGlobalSubcommandFlags(command);
  command
    .option('--federated-group <group>', `The name of the API group to use for the generated federated type. (default "${FEDERATED_GROUP}")`)
    .option('--version <version>', 'Optional, the API version of the target type.')
    .option('--federated-version <version>', `The API version to use for the generated federated type. (default "${FEDERATED_VERSION}")`)
    .addOption(
      outputOption(
        ['yaml', 'json'],
        'If provided, the resources that would be created in the API by the command are instead output to stdout in the provided format. One of: yaml|json.',
      ),
    )
    .option(
      '-f, --filename <file>',
      'If provided, the command will be configured from the provided yaml file. Only --output will be accepted from the command line',
    );
  addBooleanFlag(
    command,
    '--offline',
    'Generate the FederatedTypeConfig and CRD of a built-in Kubernetes 1.32 type without a cluster or kubeconfig (implies -o yaml unless -o is given).',
  );
  command
    .addHelpText(
      'after',
      '\nExamples:\n  # Enable federation of Deployments\n  kubefedctl enable deployments.apps --host-cluster-context=cluster1\n\n  # Enable federation of a type configured by a file\n  kubefedctl enable -f deployment.yaml\n\n  # Bootstrap a GitOps repository without a cluster\n  kubefedctl enable deployments.apps --offline > federated-deployments.yaml',
    )
    .action((name: string | undefined, flags: EnableFlags) =>
      run(async (env) => {
        const options = completeEnableOptions(name, flags);
        const { runEnable } = await import('../run/enable.js');
        await runEnable(options, env);
      }),
    );
}

function completeEnableOptions(name: string | undefined, flags: EnableFlags): EnableOptions {
  const warnings: string[] = [];
  const dryRun = dryRunStrategy(flags.dryRun);
  const offline = flags.offline === true;
  let directive: EnableOptions['directive'];
  if (flags.filename !== undefined && flags.filename !== '') {
    const ignored = [
      name !== undefined ? `the NAME argument "${name}"` : undefined,
      flags.version ? '--version' : undefined,
      flags.federatedGroup ? '--federated-group' : undefined,
      flags.federatedVersion ? '--federated-version' : undefined,
    ].filter((item): item is string => item !== undefined);
    if (ignored.length > 0)
      warnings.push(`${ignored.join(', ')} ${ignored.length === 1 ? 'is' : 'are'} ignored with -f/--filename: the directive file configures the type`);
    directive = { from: 'file', file: flags.filename };
  } else {
    if (name === undefined || name === '') {
      throw new UsageError('NAME is required', {
        hint: "Name the type to enable, e.g. 'kubefedctl enable deployments.apps', or give a directive file with -f. See 'kubefedctl enable --help'.",
      });
    }
    const value = defaultEnableTypeDirective(name);
    if (flags.version) value.targetVersion = flags.version;
    if (flags.federatedGroup) value.federatedGroup = flags.federatedGroup;
    if (flags.federatedVersion) value.federatedVersion = flags.federatedVersion;
    directive = { from: 'arguments', value };
  }
  if (offline) {
    if (dryRun === 'server')
      throw new UsageError('--dry-run=server needs a cluster, and --offline never contacts one', {
        hint: 'Drop --offline to validate the objects on a cluster with --dry-run=server.',
      });
    const unused = [
      flags.kubeconfig !== undefined ? '--kubeconfig' : undefined,
      flags.hostClusterContext !== undefined ? '--host-cluster-context' : undefined,
      flags.kubefedNamespace !== undefined ? '--kubefed-namespace' : undefined,
      dryRun !== 'none' ? '--dry-run' : undefined,
    ].filter((item): item is string => item !== undefined);
    if (unused.length > 0) warnings.push(`${unused.join(', ')} ${unused.length === 1 ? 'has' : 'have'} no effect with --offline, which only prints`);
  } else if (flags.output !== undefined && dryRun !== 'none') {
    warnings.push('--dry-run has no effect with -o/--output, which only prints');
  }
  return {
    directive,
    output: flags.output ?? (offline ? 'yaml' : undefined),
    offline,
    dryRun,
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext,
    namespace: kubefedNamespace(flags),
    warnings,
  };
}
