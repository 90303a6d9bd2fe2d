// Commander wiring for the commands that talk to clusters. Each action lazily imports its run
// module, so --help never loads cluster code.

import { type Command, Option } from 'commander';
import { addGlobalSubcommandFlags, outputOption } from '../cli/flags.js';
import type { CommandEnv } from '../cli/command-env.js';
import { FEDERATED_GROUP, FEDERATED_VERSION } from '../core/constants.js';

type Run = (action: () => Promise<void>) => Promise<void>;
type Env = () => CommandEnv;

export function registerJoin(program: Command, run: Run, env: Env): void {
  const command = program
    .command('join')
    .summary('Register a cluster with a KubeFed control plane')
    .description(
      'Join registers a Kubernetes cluster with a KubeFed control plane. The current context is assumed to host the control plane; otherwise use --host-cluster-context.',
    )
    .argument('[CLUSTER_NAME]', 'name of the cluster to join (an RFC 1123 subdomain)');
  addGlobalSubcommandFlags(command);
  addClusterIdentityFlags(command);
  command
    .option(
      '--secret-name <name>',
      'Name of the secret where the cluster\'s credentials will be stored in the host cluster. This name should be a valid RFC 1035 label. If unspecified, defaults to a generated name containing the cluster name.',
    )
    .option(
      '--error-on-existing',
      "Whether the join operation will throw an error if it encounters existing artifacts with the same name as those it's trying to create. If false, the join operation will update existing artifacts to match its own specification. (default true)",
    )
    .addOption(new Option('--no-error-on-existing').hideHelp())
    .option('--api-endpoint <url>', 'API endpoint of the joining cluster as the KubeFed controller reaches it (default: the server of the cluster context).')
    .option('--token-timeout <duration>', 'How long to wait for the service account token to be issued.', '30s')
    .addOption(new Option('--wait [timeout]', 'Wait until KubeFed reports the cluster Ready (default timeout 60s).'))
    .addOption(outputOption(['yaml', 'json'], 'With --dry-run, print the planned objects in this format instead of a summary. One of: yaml|json.'))
    .option('-q, --quiet', 'Print nothing but errors.')
    .addHelpText('after', '\nExamples:\n  # Join cluster "foo" to the control plane in context "bar"; the cluster name must be a valid RFC 1123 subdomain\n  # name, and the cluster context must be given if it differs from the cluster name.\n  kubefedctl join foo --host-cluster-context=bar')
    .action((clusterName: string | undefined, flags: Record<string, unknown>) =>
      run(async () => {
        const { runJoinCommand } = await import('./join.js');
        await runJoinCommand(clusterName, flags, env());
      }),
    );
}

export function registerUnjoin(program: Command, run: Run, env: Env): void {
  const command = program
    .command('unjoin')
    .summary('Remove the registration of a cluster from a KubeFed control plane')
    .description('Unjoin removes the registration of a Kubernetes cluster from a KubeFed control plane. The current context is assumed to host the control plane; otherwise use --host-cluster-context.')
    .argument('[CLUSTER_NAME]', 'name of the joined cluster');
  addGlobalSubcommandFlags(command);
  addClusterIdentityFlags(command);
  command
    .option('--force', 'Delete federated cluster and secret resources even if resources in the cluster targeted for unjoin are not removed successfully.')
    .addOption(outputOption(['yaml', 'json'], 'With --dry-run, print the planned operations in this format instead of a summary. One of: yaml|json.'))
    .option('-q, --quiet', 'Print nothing but errors.')
    .addHelpText('after', '\nExamples:\n  # Unjoin cluster "foo" from the control plane in context "bar"\n  kubefedctl unjoin foo --host-cluster-context=bar')
    .action((clusterName: string | undefined, flags: Record<string, unknown>) =>
      run(async () => {
        const { runUnjoinCommand } = await import('./unjoin.js');
        await runUnjoinCommand(clusterName, flags, env());
      }),
    );
}

function addClusterIdentityFlags(command: Command): void {
  command
    .option('--cluster-context <context>', "Name of the cluster's context in the local kubeconfig. Defaults to cluster name if unspecified.")
    .option(
      '--host-cluster-name <name>',
      'If set, overrides the use of host-cluster-context name in resource names created in the target cluster. This option must be used when the context name has characters invalid for kubernetes resources like "/" and ":".',
    );
}

export function registerEnable(program: Command, run: Run, env: Env): void {
  const command = program
    .command('enable')
    .summary('Enables propagation of a Kubernetes API type')
    .description(
      'Enables a Kubernetes API type (including a CRD) to be propagated. A CRD for the federated type is generated and a FederatedTypeConfig is created to configure a sync controller.',
    )
    .argument('[NAME]', 'API type: plural, singular, kind, short name or plural.group');
  addGlobalSubcommandFlags(command);
  command
    .option('--federated-group <group>', `The name of the API group to use for the generated federated type. (default "${FEDERATED_GROUP}")`)
    .option('--version <version>', 'Optional, the API version of the target type.')
    .option('--federated-version <version>', `The API version to use for the generated federated type. (default "${FEDERATED_VERSION}")`)
    .addOption(outputOption(['yaml', 'json'], 'If provided, the resources that would be created in the API by the command are instead output to stdout in the provided format. One of: yaml|json.'))
    .option('-f, --filename <file>', 'If provided, the command will be configured from the provided yaml file. Only --output will be accepted from the command line')
    .option('--offline', 'Generate the FederatedTypeConfig and CRD of a built-in Kubernetes 1.32 type without a cluster or kubeconfig (implies -o yaml unless -o is given).')
    .addOption(new Option('--no-offline').hideHelp())
    .addHelpText('after', '\nExamples:\n  # Enable federation of Deployments\n  kubefedctl enable deployments.apps --host-cluster-context=cluster1\n\n  # Enable federation of a type configured by a file\n  kubefedctl enable -f deployment.yaml\n\n  # Bootstrap a GitOps repository without a cluster\n  kubefedctl enable deployments.apps --offline > federated-deployments.yaml')
    .action((name: string | undefined, flags: Record<string, unknown>) =>
      run(async () => {
        const { runEnableCommand } = await import('./enable.js');
        await runEnableCommand(name, flags, env());
      }),
    );
}

export function registerDisable(program: Command, run: Run, env: Env): void {
  const command = program
    .command('disable')
    .summary('Disables propagation of a Kubernetes API type')
    .description('Disables propagation of a Kubernetes API type. This command can also optionally delete the API resources added by the enable command.')
    .argument('[NAME]', 'API type or FederatedTypeConfig name');
  addGlobalSubcommandFlags(command);
  command
    .option('--delete-crd', "Whether to remove the API resource added by 'enable'.")
    .addOption(new Option('--no-delete-crd').hideHelp())
    .option('--federated-group <group>', `The name of the API group to use for deleting the federated CRD type when the federated type config does not exist. Only used with --delete-crd. (default "${FEDERATED_GROUP}")`)
    .option('--version <version>', 'The API version of the target type to use for deletion of the federated CRD type when the federated type config does not exist. Only used with --delete-crd.')
    .option('--timeout <duration>', 'How long to wait for the KubeFed controller to stop propagating the type (e.g. 10s, 2m).', '10s')
    .addHelpText('after', '\nExamples:\n  # Disable federation of Deployments\n  kubefedctl disable deployments.apps\n\n  # Disable federation of Deployments and delete the federated CRD\n  kubefedctl disable deployments.apps --delete-crd')
    .action((name: string | undefined, flags: Record<string, unknown>) =>
      run(async () => {
        const { runDisableCommand } = await import('./disable.js');
        await runDisableCommand(name, flags, env());
      }),
    );
}

export function registerOrphaningDeletion(program: Command, run: Run, env: Env): void {
  const parent = program.command('orphaning-deletion').summary('Manage orphaning delete policy').description('Manage orphaning delete policy');
  const subcommands = [
    ['enable', 'Enable the orphaning (i.e. retention) of resources managed by a federated resource upon its removal.'],
    ['disable', 'Disable orphaning deletion to ensure the removal of managed resources before removing the managing federated resource'],
    ['status', 'Get the orphaning deletion status of the federated resource'],
  ] as const;
  for (const [verb, summary] of subcommands) {
    const command = parent
      .command(verb)
      .summary(summary)
      .description(summary)
      .argument('[RESOURCE-TYPE]', 'federated type, e.g. FederatedDeployment, fdeploy, federateddeployments.types.kubefed.io')
      .argument('[RESOURCE-NAME]', 'name of the federated resource');
    addGlobalSubcommandFlags(command, { hideNamespaceAndDryRun: true });
    command.option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request');
    if (verb === 'status') command.addOption(outputOption(['json', 'yaml'], 'Output format. One of: json|yaml.'));
    command.addHelpText('after', `\nExamples:\n  kubefedctl orphaning-deletion ${verb} FederatedDeployment foo -n bar`);
    command.action((type: string | undefined, name: string | undefined, flags: Record<string, unknown>) =>
      run(async () => {
        const { runOrphaningCommand } = await import('./orphaning.js');
        await runOrphaningCommand(verb, type, name, flags, env());
      }),
    );
  }
  // Like the Go tool: without (or with an unknown) subcommand, print help and succeed.
  parent.action(() => run(async () => void parent.outputHelp()));
}

