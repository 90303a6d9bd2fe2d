// Resolving and validating the names join and unjoin derive from contexts and flags. Everything is
// checked before the first request, and all problems are reported at once.

import type { ClusterAccess, CommandEnv } from './command-env.js';
import { DEFAULT_WAIT, type DryRunStrategy, type Problem, collectProblem, dryRunStrategy, parseOptionalTimeout, throwIfUsageProblems } from './flags.js';
import type { Kubeconfig } from '../cluster/types.js';
import { ConfigError, EXIT_CODES, KubefedctlError } from '../errors.js';
import { dns1123SubdomainProblems, suggestResourceName } from '../core/naming.js';

export interface ClusterIdentityFlags {
  hostClusterContext?: string;
  clusterContext?: string;
  hostClusterName?: string;
}

/**
 * Loads the kubeconfig; if that fails, the failure joins the list of problems, so a missing
 * CLUSTER_NAME is not hidden behind a missing kubeconfig.
 */
export async function openClusterAccessCollecting(
  env: CommandEnv,
  kubeconfigFlag: string | undefined,
  problems: Problem[],
): Promise<ClusterAccess | undefined> {
  try {
    return await env.clusterAccess(kubeconfigFlag);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push({ kind: 'config', code: error.code, message: error.message });
    return undefined;
  }
}

export interface HostIdentity {
  hostContext: string;
  /** Host name used in resource names. */
  hostName: string;
}

/** One member: its name and the context that reaches it. */
export interface MemberIdentity {
  clusterName: string;
  clusterContext: string;
}

/** The commands that act on named member clusters. */
export type MemberCommand = 'join' | 'unjoin' | 'rotate-credentials';

/** How each command's messages call the member it acts on. */
const MEMBER_WORD: Record<MemberCommand, string> = { join: 'joining', unjoin: 'unjoining', 'rotate-credentials': 'member' };

/**
 * The members named on the command line: each name is also its context unless --cluster-context
 * is given, which then allows one name only.
 */
export function resolveMembers(
  command: MemberCommand,
  clusterNames: readonly string[],
  flags: ClusterIdentityFlags,
  kubeconfig: Kubeconfig | undefined,
  problems: Problem[],
): MemberIdentity[] {
  if (clusterNames.length === 0) problems.push({ kind: 'usage', code: 'CLUSTER_NAME_REQUIRED', message: 'CLUSTER_NAME is required' });
  if (flags.clusterContext && clusterNames.length > 1) {
    problems.push({
      kind: 'usage',
      code: 'CLUSTER_CONTEXT_WITH_SEVERAL_NAMES',
      message: `--cluster-context names the context of one cluster, but ${clusterNames.length} cluster names were given`,
    });
  }
  const seen = new Set<string>();
  return clusterNames.map((name) => {
    if (seen.has(name)) problems.push({ kind: 'usage', code: 'DUPLICATE_CLUSTER_NAME', message: `cluster "${name}" is named twice` });
    seen.add(name);
    const nameProblems = dns1123SubdomainProblems(name);
    if (nameProblems.length > 0)
      problems.push({ kind: 'usage', code: 'INVALID_CLUSTER_NAME', message: `invalid cluster name "${name}": ${nameProblems.join('; ')}` });
    const clusterContext = flags.clusterContext || name;
    if (kubeconfig && clusterContext && !kubeconfig.contextNames.includes(clusterContext)) {
      const how = flags.clusterContext
        ? '--cluster-context'
        : `the cluster name; pass --cluster-context if the ${MEMBER_WORD[command]} cluster's context has another name`;
      problems.push({ kind: 'config', code: 'CONTEXT_NOT_FOUND', subject: 'member', message: `context "${clusterContext}" does not exist (${how})` });
    }
    return { clusterName: name, clusterContext };
  });
}

/** The host's context and the name it has in resource names; context checks are skipped when the kubeconfig could not be loaded. */
export function resolveHost(flags: ClusterIdentityFlags, kubeconfig: Kubeconfig | undefined, problems: Problem[]): HostIdentity {
  const hostContext = flags.hostClusterContext || kubeconfig?.currentContext || '';
  if (!kubeconfig) {
    // Already reported as a problem by openClusterAccessCollecting.
  } else if (!hostContext) {
    problems.push({
      kind: 'config',
      code: 'NO_HOST_CONTEXT',
      subject: 'host',
      message: 'no host cluster context: the kubeconfig has no current-context; pass --host-cluster-context',
    });
  } else if (!kubeconfig.contextNames.includes(hostContext)) {
    problems.push({ kind: 'config', code: 'CONTEXT_NOT_FOUND', subject: 'host', message: `context "${hostContext}" does not exist (--host-cluster-context)` });
  }

  let hostName = flags.hostClusterName ?? '';
  if (hostName) {
    if (/[/:]/.test(hostName)) problems.push({ kind: 'usage', code: 'INVALID_HOST_CLUSTER_NAME', message: 'host-cluster-name may not contain "/" or ":"' });
    else {
      const hostProblems = dns1123SubdomainProblems(hostName);
      if (hostProblems.length > 0)
        problems.push({ kind: 'usage', code: 'INVALID_HOST_CLUSTER_NAME', message: `invalid --host-cluster-name "${hostName}": ${hostProblems.join('; ')}` });
    }
  } else if (hostContext) {
    hostName = hostContext;
    // Unlike the Go tool, this also catches a current-context that was not given as a flag (EKS ARNs, GKE names).
    if (/[/:]/.test(hostContext) || dns1123SubdomainProblems(hostContext).length > 0) {
      problems.push({
        kind: 'usage',
        code: 'HOST_CLUSTER_NAME_REQUIRED',
        message: `host-cluster-name must be set if the name of the host cluster context is not a valid resource name (context "${hostContext}"): pass --host-cluster-name=${suggestResourceName(hostContext)}`,
      });
    }
  }
  return { hostContext, hostName };
}

/** Throws one error listing every problem; exit 2 if any is a usage problem, else 1. */
export function throwIfProblems(problems: Problem[], command: string): void {
  if (problems.length === 0) return;
  const messages = problems.map((p) => p.message);
  if (problems.some((p) => p.kind === 'usage')) throwIfUsageProblems(messages, command);
  if (messages.length === 1) throw new ConfigError(messages[0]!);
  throw new KubefedctlError('CONFIG', EXIT_CODES.failure, `${messages.length} problems:\n  - ${messages.join('\n  - ')}`);
}

/** What join and unjoin share of their flags, completed: every problem joins `problems`. */
export interface MemberCommandBasics {
  dryRun: DryRunStrategy;
  waitTimeoutMs: number | undefined;
  access: ClusterAccess | undefined;
  members: MemberIdentity[];
  host: HostIdentity;
}

export async function completeMemberCommand(
  command: MemberCommand,
  clusterNames: readonly string[],
  flags: ClusterIdentityFlags & { kubeconfig?: string; dryRun?: string; wait?: string; output?: string },
  env: CommandEnv,
  problems: Problem[],
): Promise<MemberCommandBasics> {
  const dryRun = collectProblem(problems, () => dryRunStrategy(flags.dryRun)) ?? 'none';
  const waitTimeoutMs = collectProblem(problems, () => parseOptionalTimeout('--wait', flags.wait, DEFAULT_WAIT));
  if (flags.output && dryRun === 'none')
    problems.push({
      kind: 'usage',
      code: 'OUTPUT_NEEDS_DRY_RUN',
      message: `-o/--output prints the planned ${command === 'unjoin' ? 'deletions' : 'objects'} and needs --dry-run`,
    });
  if (dryRun !== 'none' && waitTimeoutMs !== undefined)
    problems.push({ kind: 'usage', code: 'WAIT_WITH_DRY_RUN', message: '--wait cannot be combined with --dry-run' });
  const access = await openClusterAccessCollecting(env, flags.kubeconfig, problems);
  const members = resolveMembers(command, clusterNames, flags, access?.kubeconfig, problems);
  const host = resolveHost(flags, access?.kubeconfig, problems);
  if (access && problems.length === 0) {
    // The clusters are known: their TLS handshakes can run while the command loads the rest.
    for (const context of new Set([host.hostContext, ...members.map((member) => member.clusterContext)])) {
      if (access.kubeconfig.contextNames.includes(context))
        void access.client(context).then(
          (client) => client.preconnect(),
          () => {},
        );
    }
  }
  return { dryRun, waitTimeoutMs, access, members, host };
}
