// kubefedctl status [TYPE NAME]: the control plane at a glance (KubeFedConfig, clusters, enabled
// types), or one federated object's propagation; --check makes problems fail the run (CI gates).
// This module wires the command and completes its options; run/status.ts reads and reports.

import { type Command, Option } from 'commander';
import {
  DEFAULT_WAIT,
  type GlobalSubcommandFlags,
  addGlobalSubcommandFlags,
  kubefedNamespace,
  namespaceOption,
  outputOption,
  parseDuration,
  collectUsageProblem,
  throwIfUsageProblems,
} from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';

interface StatusFlags extends GlobalSubcommandFlags {
  namespace?: string;
  output?: 'json' | 'yaml';
  check?: boolean;
  members?: boolean;
  memberContext?: string[];
  /** The preset for a bare --wait (argv.ts writes it in). */
  wait?: string;
}

export interface StatusOptions {
  /** undefined: the control plane; else one federated object. */
  target: { type: string; name: string; namespace: string | undefined } | undefined;
  output: 'json' | 'yaml' | undefined;
  check: boolean;
  /** --members: per member cluster, whether the object rolled out there. */
  members: boolean;
  /** --member-context C=CTX: reach cluster C through kubeconfig context CTX instead of KubeFed's credentials. */
  memberContexts: ReadonlyMap<string, string>;
  /** -n: with --members and no TYPE NAME, the namespace whose federated objects are reported. */
  namespace: string | undefined;
  /** --wait: with --members, until every member rolled out. */
  waitTimeoutMs: number | undefined;
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
  command.description(
    'Without arguments, status shows the KubeFed control plane: the KubeFedConfig (scope, resource adoption), the joined clusters and their readiness, and the enabled federated types with whether their propagation controllers run. With TYPE NAME it shows the Propagation condition of that federated object and its status in each cluster. --check exits 1 if any cluster is not Ready or any propagation is not OK.',
  );
  addGlobalSubcommandFlags(command, { dryRun: false });
  command
    .addOption(namespaceOption('Namespace of the federated object (default: the namespace of the host cluster context)'))
    .addOption(outputOption(['json', 'yaml'], 'Output format. One of: json|yaml.'))
    .addOption(
      new Option(
        '--check',
        'Exit 1 if any cluster is not Ready or any propagation is not OK (the report is printed either way); with --members, if any member has not rolled out.',
      ),
    )
    .addOption(
      new Option(
        '--members',
        'Read the object in every member KubeFed placed it on and show what "kubectl rollout status" would judge there (Deployments, StatefulSets, DaemonSets; other kinds: present and as KubeFed renders them). Without TYPE NAME: every federated object of the namespace (-n).',
      ),
    )
    .addOption(
      new Option(
        '--member-context <cluster=context>',
        'With --members: reach a member through a kubeconfig context instead of the credentials KubeFed stores (repeatable).',
      ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .addOption(
      new Option(
        '--wait [timeout]',
        `With --members: wait until every member has rolled out; exit 1 at the timeout, naming the clusters that have not (default timeout ${DEFAULT_WAIT}).`,
      ).preset(DEFAULT_WAIT),
    )
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

  # Wait up to 5 minutes until web has rolled out in every member it is placed on
  kubefedctl status FederatedDeployment web -n shop --members --wait=5m

  # Fail a CI job unless every federated object of namespace shop has rolled out everywhere
  kubefedctl status --check --members -n shop

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
  if (!type && flags.namespace && !flags.members) problems.push('-n/--namespace names the namespace of a federated object: use it with TYPE NAME or --members');
  if (!flags.members && flags.memberContext) problems.push('--member-context needs --members');
  if (!flags.members && flags.wait !== undefined) problems.push('--wait needs --members');
  const memberContexts = new Map<string, string>();
  for (const value of flags.memberContext ?? []) {
    const match = /^([^=]+)=(.+)$/.exec(value);
    if (match) memberContexts.set(match[1]!, match[2]!);
    else problems.push(`invalid --member-context "${value}": expected CLUSTER=CONTEXT`);
  }
  const wait = flags.wait;
  const waitTimeoutMs = wait === undefined ? undefined : collectUsageProblem(problems, () => parseDuration('--wait', wait));
  throwIfUsageProblems(problems, 'status');
  return {
    target: type && name ? { type, name, namespace: flags.namespace || undefined } : undefined,
    output: flags.output,
    check: flags.check === true,
    members: flags.members === true,
    memberContexts,
    namespace: flags.namespace || undefined,
    waitTimeoutMs,
    kubefedNamespace: kubefedNamespace(flags),
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext || undefined,
  };
}
