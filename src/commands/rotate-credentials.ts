// kubefedctl rotate-credentials: give joined clusters new service-account tokens without unjoining
// them. This module wires the command and completes its options (every problem reported at once,
// before any request); run/rotate-credentials.ts observes, plans and applies.

import type { Command } from 'commander';
import { type ClusterIdentityFlags, type MemberIdentity, completeMemberCommand, throwIfProblems } from '../cli/cluster-identity.js';
import type { CommandEnv } from '../cli/command-env.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import {
  type DryRunStrategy,
  type GlobalSubcommandFlags,
  type OutputFlags,
  type Problem,
  type QuietFlags,
  addClusterIdentityFlags,
  addGlobalSubcommandFlags,
  collectProblem,
  kubefedNamespace,
  outputOption,
  parseDuration,
  quietOption,
} from '../cli/flags.js';
import type { CommandRunner } from '../cli/runner.js';
import type { OutputFormat } from '../core/printers.js';

interface RotateCredentialsFlags extends GlobalSubcommandFlags, ClusterIdentityFlags, OutputFlags, QuietFlags {
  tokenTimeout?: string;
  timeout?: string;
}

export interface RotateCredentialsOptions {
  members: MemberIdentity[];
  hostContext: string;
  hostName: string;
  namespace: string;
  tokenTimeoutMs: number;
  /** How long KubeFed has to report the cluster Ready with the new credentials before the old ones are revoked. */
  timeoutMs: number;
  dryRun: DryRunStrategy;
  output: OutputFormat | undefined;
  kubeconfig: string | undefined;
}

const DEFAULT_READY_TIMEOUT = '2m';

export const rotateCredentialsCommand: CommandDefinition = {
  name: 'rotate-credentials',
  summary: 'Give joined clusters new credentials and revoke the old ones',
  arguments: [['[CLUSTER_NAME...]', 'names of joined clusters; each is also its context unless --cluster-context is given']],
  register: registerRotateCredentials,
};

function registerRotateCredentials(command: Command, run: CommandRunner): void {
  command.description(
    "Rotate-credentials issues a new service-account token in each named member cluster, stores it in a new Secret in the host cluster and points the cluster's KubeFedCluster at it; once KubeFed reports the cluster Ready with the new credentials, the old token is revoked (its Secret deleted) and the old host Secret deleted. KubeFed rebuilds its clients when the KubeFedCluster changes, so propagation goes on without a restart. A failure before the KubeFedCluster is switched leaves the old credentials as they were; one after it keeps them until a later run finishes. Several clusters are rotated concurrently, each on its own.",
  );
  addGlobalSubcommandFlags(command);
  addClusterIdentityFlags(command);
  command
    .option('--token-timeout <duration>', 'How long to wait for the new service account token to be issued.', '30s')
    .option(
      '--timeout <duration>',
      'How long to wait for KubeFed to report the cluster Ready with the new credentials before revoking the old ones.',
      DEFAULT_READY_TIMEOUT,
    )
    .addOption(outputOption(['yaml', 'json'], 'With --dry-run, print the planned objects in this format instead of a summary. One of: yaml|json.'))
    .addOption(quietOption())
    .addHelpText(
      'after',
      '\nExamples:\n  # Rotate the credentials KubeFed uses for cluster "c2" (context "c2"), control plane in context "c1"\n  kubefedctl rotate-credentials c2 --host-cluster-context=c1\n\n  # Show what would be written and deleted\n  kubefedctl rotate-credentials c2 c3 --host-cluster-context=c1 --dry-run',
    )
    .action((clusterNames: string[], flags: RotateCredentialsFlags) =>
      run(async (env) => {
        const options = await completeRotateCredentialsOptions(clusterNames, flags, env);
        const { runRotateCredentials } = await import('../run/rotate-credentials.js');
        await runRotateCredentials(options, env);
      }),
    );
}

async function completeRotateCredentialsOptions(clusterNames: string[], flags: RotateCredentialsFlags, env: CommandEnv): Promise<RotateCredentialsOptions> {
  const problems: Problem[] = [];
  const tokenTimeoutMs = collectProblem(problems, () => parseDuration('--token-timeout', flags.tokenTimeout ?? '30s'));
  const timeoutMs = collectProblem(problems, () => parseDuration('--timeout', flags.timeout ?? DEFAULT_READY_TIMEOUT));
  const { dryRun, members, host } = await completeMemberCommand('rotate-credentials', clusterNames, flags, env, problems);
  throwIfProblems(problems, 'rotate-credentials');
  return {
    members,
    ...host,
    namespace: kubefedNamespace(flags),
    tokenTimeoutMs: tokenTimeoutMs!,
    timeoutMs: timeoutMs!,
    dryRun,
    output: flags.output,
    kubeconfig: flags.kubeconfig,
  };
}
