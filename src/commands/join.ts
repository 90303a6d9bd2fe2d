// kubefedctl join: register one or more clusters with a KubeFed control plane. This module wires
// the command and completes its options (every problem reported at once, before any request);
// run/join.ts observes, plans and applies.

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
  addErrorOnExistingFlag,
  addGlobalSubcommandFlags,
  collectProblem,
  kubefedNamespace,
  outputOption,
  parseDuration,
  quietOption,
} from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import { dns1123SubdomainProblems } from '../core/naming.js';
import type { OutputFormat } from '../core/printers.js';

interface JoinFlags extends GlobalSubcommandFlags, ClusterIdentityFlags, OutputFlags, QuietFlags {
  secretName?: string;
  errorOnExisting?: boolean;
  apiEndpoint?: string;
  tokenTimeout?: string;
  /** The preset for a bare --wait (argv.ts writes it in). */
  wait?: string;
}

export interface JoinOptions {
  members: MemberIdentity[];
  hostContext: string;
  hostName: string;
  namespace: string;
  secretName: string | undefined;
  errorOnExisting: boolean;
  apiEndpoint: string | undefined;
  tokenTimeoutMs: number;
  waitTimeoutMs: number | undefined;
  dryRun: DryRunStrategy;
  output: OutputFormat | undefined;
  kubeconfig: string | undefined;
}

export const joinCommand: CommandDefinition = {
  name: 'join',
  summary: 'Register clusters with a KubeFed control plane',
  arguments: [['[CLUSTER_NAME...]', 'names of the clusters to join (RFC 1123 subdomains); each is also its context unless --cluster-context is given']],
  register: registerJoin,
};

function registerJoin(command: Command, run: CommandRunner): void {
  command.description(
    'Join registers Kubernetes clusters with a KubeFed control plane. The current context is assumed to host the control plane; otherwise use --host-cluster-context. Several clusters are joined concurrently, each rolled back on its own if it fails.',
  );
  addGlobalSubcommandFlags(command);
  addClusterIdentityFlags(command);
  command.option(
    '--secret-name <name>',
    "Name of the secret where the cluster's credentials will be stored in the host cluster. This name should be a valid RFC 1035 label. If unspecified, defaults to a generated name containing the cluster name.",
  );
  addErrorOnExistingFlag(
    command,
    "Whether the join operation will throw an error if it encounters existing artifacts with the same name as those it's trying to create. If false, the join operation will update existing artifacts to match its own specification. (default true)",
  );
  command
    .option('--api-endpoint <url>', 'API endpoint of the joining cluster as the KubeFed controller reaches it (default: the server of the cluster context).')
    .option('--token-timeout <duration>', 'How long to wait for the service account token to be issued.', '30s')
    .addOption(new Option('--wait [timeout]', `Wait until KubeFed reports the cluster Ready (default timeout ${DEFAULT_WAIT}).`).preset(DEFAULT_WAIT))
    .addOption(outputOption(['yaml', 'json'], 'With --dry-run, print the planned objects in this format instead of a summary. One of: yaml|json.'))
    .addOption(quietOption())
    .addHelpText(
      'after',
      '\nExamples:\n  # Join cluster "foo" to the control plane in context "bar"; the cluster name must be a valid RFC 1123 subdomain\n  # name, and the cluster context must be given if it differs from the cluster name.\n  kubefedctl join foo --host-cluster-context=bar\n\n  # Join three clusters whose contexts are named like them, and wait until KubeFed reports them Ready\n  kubefedctl join c2 c3 c4 --host-cluster-context=c1 --wait',
    )
    .action((clusterNames: string[], flags: JoinFlags) =>
      run(async (env) => {
        const options = await completeJoinOptions(clusterNames, flags, env);
        const { runJoin } = await import('../run/join.js');
        await runJoin(options, env);
      }),
    );
}

async function completeJoinOptions(clusterNames: string[], flags: JoinFlags, env: CommandEnv): Promise<JoinOptions> {
  const problems: Problem[] = [];
  const tokenTimeoutMs = collectProblem(problems, () => parseDuration('--token-timeout', flags.tokenTimeout ?? '30s'));
  if (flags.secretName !== undefined) {
    const secretProblems = dns1123SubdomainProblems(flags.secretName);
    if (secretProblems.length > 0)
      problems.push({ kind: 'usage', code: 'INVALID_SECRET_NAME', message: `invalid --secret-name "${flags.secretName}": ${secretProblems.join('; ')}` });
    if (clusterNames.length > 1)
      problems.push({
        kind: 'usage',
        code: 'SECRET_NAME_WITH_SEVERAL_CLUSTERS',
        message: '--secret-name names the secret of one cluster, but several cluster names were given',
      });
  }
  if (flags.apiEndpoint !== undefined) {
    if (!/^https?:\/\/[^/]+/.test(flags.apiEndpoint))
      problems.push({
        kind: 'usage',
        code: 'INVALID_API_ENDPOINT',
        message: `invalid --api-endpoint "${flags.apiEndpoint}": expected an http(s) URL such as https://10.0.0.1:6443`,
      });
    if (clusterNames.length > 1)
      problems.push({
        kind: 'usage',
        code: 'API_ENDPOINT_WITH_SEVERAL_CLUSTERS',
        message: '--api-endpoint names the endpoint of one cluster, but several cluster names were given',
      });
  }
  const { dryRun, waitTimeoutMs, members, host } = await completeMemberCommand('join', clusterNames, flags, env, problems);
  throwIfProblems(problems, 'join');
  return {
    members,
    ...host,
    namespace: kubefedNamespace(flags),
    secretName: flags.secretName,
    errorOnExisting: flags.errorOnExisting !== false,
    apiEndpoint: flags.apiEndpoint,
    tokenTimeoutMs: tokenTimeoutMs!,
    waitTimeoutMs,
    dryRun,
    output: flags.output,
    kubeconfig: flags.kubeconfig,
  };
}
