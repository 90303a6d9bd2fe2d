// Resolving and validating the names join and unjoin derive from contexts and flags. Everything is
// checked before the first request, and all problems are reported at once.

import type { ClusterAccess, CommandEnv } from '../cli/command-env.js';
import type { Kubeconfig } from '../cluster/types.js';
import { ConfigError, EXIT_CODES, KubefedctlError, MultipleUsageErrors } from '../errors.js';
import { dns1123SubdomainProblems, suggestResourceName } from '../core/naming.js';

export interface ClusterIdentityFlags {
  hostClusterContext?: string;
  clusterContext?: string;
  hostClusterName?: string;
}

export interface ResolvedIdentity {
  clusterName: string;
  hostContext: string;
  clusterContext: string;
  /** Host name used in resource names. */
  hostName: string;
}

export interface Problem {
  message: string;
  /** usage problems exit 2; configuration problems exit 1. */
  kind: 'usage' | 'config';
}

/**
 * Loads the kubeconfig; if that fails, the failure joins the list of problems, so a missing
 * CLUSTER_NAME is not hidden behind a missing kubeconfig.
 */
export async function openClusterAccessCollecting(env: CommandEnv, kubeconfigFlag: string | undefined, problems: Problem[]): Promise<ClusterAccess | undefined> {
  try {
    return await env.clusterAccess(kubeconfigFlag);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push({ kind: 'config', message: error.message });
    return undefined;
  }
}

/** Names and contexts; context checks are skipped when the kubeconfig could not be loaded. */
export function resolveIdentity(command: 'join' | 'unjoin', clusterName: string | undefined, flags: ClusterIdentityFlags, kubeconfig: Kubeconfig | undefined, problems: Problem[]): ResolvedIdentity {
  const name = clusterName ?? '';
  if (!name) problems.push({ kind: 'usage', message: 'CLUSTER_NAME is required' });
  else {
    const nameProblems = dns1123SubdomainProblems(name);
    if (nameProblems.length > 0) problems.push({ kind: 'usage', message: `invalid cluster name "${name}": ${nameProblems.join('; ')}` });
  }
  const hostContext = flags.hostClusterContext || kubeconfig?.currentContext || '';
  const clusterContext = flags.clusterContext || name;
  if (!kubeconfig) {
    // Already reported as a problem by openClusterAccessCollecting.
  } else if (!hostContext) {
    problems.push({ kind: 'config', message: 'no host cluster context: the kubeconfig has no current-context; pass --host-cluster-context' });
  } else if (!kubeconfig.contextNames.includes(hostContext)) {
    problems.push({ kind: 'config', message: `context "${hostContext}" does not exist (--host-cluster-context)` });
  }
  if (kubeconfig && clusterContext && !kubeconfig.contextNames.includes(clusterContext)) {
    const how = flags.clusterContext ? '--cluster-context' : `the cluster name; pass --cluster-context if the ${command === 'join' ? 'joining' : 'unjoining'} cluster's context has another name`;
    problems.push({ kind: 'config', message: `context "${clusterContext}" does not exist (${how})` });
  }

  let hostName = flags.hostClusterName ?? '';
  if (hostName) {
    if (/[/:]/.test(hostName)) problems.push({ kind: 'usage', message: 'host-cluster-name may not contain "/" or ":"' });
    else {
      const hostProblems = dns1123SubdomainProblems(hostName);
      if (hostProblems.length > 0) problems.push({ kind: 'usage', message: `invalid --host-cluster-name "${hostName}": ${hostProblems.join('; ')}` });
    }
  } else if (hostContext) {
    hostName = hostContext;
    // Unlike the Go tool, this also catches a current-context that was not given as a flag (EKS ARNs, GKE names).
    if (/[/:]/.test(hostContext) || dns1123SubdomainProblems(hostContext).length > 0) {
      problems.push({
        kind: 'usage',
        message: `host-cluster-name must be set if the name of the host cluster context is not a valid resource name (context "${hostContext}"): pass --host-cluster-name=${suggestResourceName(hostContext)}`,
      });
    }
  }
  return { clusterName: name, hostContext, clusterContext, hostName };
}

/** Throws one error listing every problem; exit 2 if any is a usage problem, else 1. */
export function throwIfProblems(problems: Problem[], command: string): void {
  if (problems.length === 0) return;
  const messages = problems.map((p) => p.message);
  if (problems.some((p) => p.kind === 'usage')) throw new MultipleUsageErrors(messages, { hint: `See 'kubefedctl ${command} --help'.` });
  if (messages.length === 1) throw new ConfigError(messages[0]!);
  throw new KubefedctlError('CONFIG', EXIT_CODES.failure, `${messages.length} problems:\n  - ${messages.join('\n  - ')}`);
}
