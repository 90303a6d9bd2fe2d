// kubefedctl unjoin: remove the registration of one or more clusters. This module wires the
// command and completes its options; run/unjoin.ts observes, plans and applies.

import { type Command, Option } from 'commander';
import { type ClusterIdentityFlags, type MemberIdentity, completeMemberCommand, throwIfProblems } from '../cli/cluster-identity.js';
import type { CommandEnv } from '../cli/command-env.js';
import {
  type DryRunStrategy,
  type GlobalSubcommandFlags,
  type OutputFlags,
  type Problem,
  type QuietFlags,
  DEFAULT_WAIT,
  addClusterIdentityFlags,
  addGlobalSubcommandFlags,
  kubefedNamespace,
  outputOption,
  quietOption,
} from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import type { OutputFormat } from '../core/printers.js';

interface UnjoinFlags extends GlobalSubcommandFlags, ClusterIdentityFlags, OutputFlags, QuietFlags {
  force?: boolean;
  wait?: string;
}

export interface UnjoinOptions {
  members: MemberIdentity[];
  hostContext: string;
  hostName: string;
  namespace: string;
  /** Clean up what can be cleaned even when the member cannot be reached or is not joined. */
  force: boolean;
  /** Names of members whose context is missing (tolerated with --force: only the host is cleaned). */
  membersWithoutContext: string[];
  waitTimeoutMs: number | undefined;
  dryRun: DryRunStrategy;
  output: OutputFormat | undefined;
  kubeconfig: string | undefined;
}

export const unjoinCommand: CommandDefinition = {
  name: 'unjoin',
  summary: 'Remove the registration of clusters from a KubeFed control plane',
  arguments: [['[CLUSTER_NAME...]', 'names of the joined clusters; each is also its context unless --cluster-context is given']],
  register: registerUnjoin,
};

function registerUnjoin(command: Command, run: CommandRunner): void {
  command.description(
    'Unjoin removes the registration of Kubernetes clusters from a KubeFed control plane. The current context is assumed to host the control plane; otherwise use --host-cluster-context.',
  );
  addGlobalSubcommandFlags(command);
  addClusterIdentityFlags(command);
  command
    .option('--force', 'Delete federated cluster and secret resources even if resources in the cluster targeted for unjoin are not removed successfully.')
    .addOption(
      new Option(
        '--wait [timeout]',
        `Wait until what unjoin deleted is gone, including the member's namespace, which takes a while to terminate (default timeout ${DEFAULT_WAIT}). Without it, unjoin returns once the deletions are accepted; a later join waits for the namespace itself.`,
      ).preset(DEFAULT_WAIT),
    )
    .addOption(outputOption(['yaml', 'json'], 'With --dry-run, print the planned operations in this format instead of a summary. One of: yaml|json.'))
    .addOption(quietOption())
    .addHelpText('after', '\nExamples:\n  # Unjoin cluster "foo" from the control plane in context "bar"\n  kubefedctl unjoin foo --host-cluster-context=bar')
    .action((clusterNames: string[], flags: UnjoinFlags) =>
      run(async (env) => {
        const options = await completeUnjoinOptions(clusterNames, flags, env);
        const { runUnjoin } = await import('../run/unjoin.js');
        await runUnjoin(options, env);
      }),
    );
}

async function completeUnjoinOptions(clusterNames: string[], flags: UnjoinFlags, env: CommandEnv): Promise<UnjoinOptions> {
  const problems: Problem[] = [];
  const { dryRun, waitTimeoutMs, access, members, host } = await completeMemberCommand('unjoin', clusterNames, flags, env, problems);
  const force = flags.force === true;
  // With --force a missing member context is tolerated: the host side is still cleaned.
  const missingMemberContexts = problems.filter((p) => p.code === 'CONTEXT_NOT_FOUND' && p.subject === 'member');
  throwIfProblems(force ? problems.filter((p) => !missingMemberContexts.includes(p)) : problems, 'unjoin');
  const membersWithoutContext = force ? members.filter((m) => !access?.kubeconfig.contextNames.includes(m.clusterContext)).map((m) => m.clusterName) : [];
  return {
    members,
    ...host,
    namespace: kubefedNamespace(flags),
    force,
    membersWithoutContext,
    waitTimeoutMs,
    dryRun,
    output: flags.output,
    kubeconfig: flags.kubeconfig,
  };
}
