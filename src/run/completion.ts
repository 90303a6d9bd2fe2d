// Answers `__complete` / `__completeNoDesc` (Cobra's protocol): core/completion.ts decides what
// to offer; what only the kubeconfig or the host cluster knows is fetched here within one
// deadline. Completion runs on every Tab, so it never prompts, never prints an error and never
// fails: anything that goes wrong or takes too long just means fewer candidates.

import type { ClusterAccess, CommandEnv } from '../cli/command-env.js';
import type { CompletionRequestOptions } from '../commands/completion.js';
import { clusterReadiness } from '../core/clusters-table.js';
import {
  type Candidate,
  DIRECTIVE,
  type DynamicRequest,
  describeDirective,
  descriptionsWanted,
  formatCompletionOutput,
  planCompletion,
  withDynamicCandidates,
} from '../core/completion.js';
import { DEFAULT_KUBEFED_NAMESPACE } from '../core/constants.js';
import { GVR } from '../core/gvr.js';
import { summarizeTypeConfig } from '../core/status.js';
import type { GroupVersionResource, KubeObject } from '../core/types.js';
import type { ListOptions } from '../cluster/types.js';

/** How long a Tab may wait for the kubeconfig and the host cluster, in all. */
export const COMPLETION_DEADLINE_MS = 1000;
const DEADLINE_GRACE_MS = 100;

export async function runCompletionRequest(request: CompletionRequestOptions, env: CommandEnv): Promise<void> {
  let output: string;
  let directive: number;
  try {
    const plan = planCompletion(request.tree, request.words);
    let found: Candidate[] = [];
    if (plan.dynamic !== undefined) {
      const deadline = Date.now() + COMPLETION_DEADLINE_MS;
      // The requests to the host have the deadline; the whole gets a little more, so that join
      // can still offer the kubeconfig's contexts when the host did not answer in time.
      found = await withinDeadline(dynamicCandidates(plan.dynamic, env, deadline), deadline + DEADLINE_GRACE_MS).catch(() => []);
    }
    const descriptions = descriptionsWanted('kubefedctl', env.ctx.env, request.noDescriptions);
    directive = plan.directive;
    output = formatCompletionOutput(withDynamicCandidates(plan, found), directive, descriptions);
  } catch (error) {
    // A bug here must not break the shell: tell it to ignore this completion (exit 0, as kubectl
    // only reads the output of a plugin's completion that succeeded).
    directive = DIRECTIVE.error;
    output = formatCompletionOutput([], directive, false);
    env.ctx.stderr.write(`[Error] ${error instanceof Error ? error.message : String(error)}\n`);
  }
  env.ctx.stdout.write(output);
  // Cobra's note for a person trying __complete by hand; the scripts discard stderr.
  env.ctx.stderr.write(`Completion ended with directive: ${describeDirective(directive)}\n`);
}

/**
 * The promise's value, or a rejection once the deadline passes. The timer holds the process open
 * until then (whatever is still running after it cannot: main.ts ends a completion request at once).
 */
function withinDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('completion deadline passed')), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

async function dynamicCandidates(request: DynamicRequest, env: CommandEnv, deadline: number): Promise<Candidate[]> {
  const access = await env.clusterAccess(request.scope.kubeconfig, { silentWithTimeoutMs: Math.max(1, deadline - Date.now()) });
  const namespace = request.scope.kubefedNamespace ?? DEFAULT_KUBEFED_NAMESPACE;
  const list = async (gvr: GroupVersionResource, options?: ListOptions) =>
    (await withinDeadline((async () => (await access.client(request.scope.hostClusterContext)).list(gvr, options))(), deadline)).items;
  switch (request.source) {
    case 'contexts':
      return contexts(access);
    case 'unjoined-contexts': {
      // The contexts are known at once; the joined clusters only if the host answers in time.
      const joined = await list(GVR.kubefedClusters, { namespace }).catch(() => []);
      const names = new Set(joined.map((cluster) => cluster.metadata.name));
      return contexts(access).filter((context) => !names.has(context.value));
    }
    case 'clusters':
      return (await list(GVR.kubefedClusters, { namespace })).map(clusterCandidate);
    case 'namespaces':
      return (await list(GVR.namespaces)).map((object) => ({ value: object.metadata.name ?? '' }));
    case 'type-configs':
    case 'federated-types': {
      const types = (await list(GVR.federatedTypeConfigs, { namespace })).map(summarizeTypeConfig);
      return request.source === 'type-configs'
        ? types.map((type) => ({ value: type.name, description: `${type.federatedKind}, propagation ${type.propagation}` }))
        : types.filter((type) => type.federatedType !== '').map((type) => ({ value: type.federatedType, description: `${type.federatedKind} (${type.name})` }));
    }
  }
}

function contexts(access: ClusterAccess): Candidate[] {
  return access.kubeconfig.contextNames.map((name) => ({ value: name }));
}

function clusterCandidate(object: KubeObject): Candidate {
  const { ready, condition } = clusterReadiness(object);
  const description = ready === 'True' ? 'Ready' : ready === 'False' ? `not Ready${condition?.reason ? ` (${condition.reason})` : ''}` : 'readiness unknown';
  return { value: object.metadata.name ?? '', description };
}
