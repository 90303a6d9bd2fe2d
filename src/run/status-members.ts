// `kubefedctl status TYPE NAME --members` and `status --check --members`: read each federated object
// in every member KubeFed placed it on and report what `kubectl rollout status` would judge there
// (core/rollout.ts). Members are reached with the credentials KubeFed stores (the KubeFedCluster and
// its Secret) unless --member-context names a kubeconfig context for them. --wait polls until every
// member has rolled out, or fails at its timeout naming the clusters that have not.

import type { ClusterAccess, CommandEnv } from '../cli/command-env.js';
import type { Spinner } from '../cli/ui.js';
import { storedCredentialsKubeconfig } from '../cluster/stored-credentials.js';
import type { ClusterClient } from '../cluster/types.js';
import type { StatusOptions } from '../commands/status.js';
import { formatDuration } from '../core/duration.js';
import { GVR, qualifiedName } from '../core/gvr.js';
import { secretRefName } from '../core/join-plan.js';
import { printJsonValue } from '../core/json.js';
import type { TypeConfig } from '../core/preview/model.js';
import { type MemberRollout, type MembersReport, memberRollout, membersReport, renderMembersReport, renderedForCluster } from '../core/rollout.js';
import type { GroupVersionResource, KubeObject } from '../core/types.js';
import { isPlainObject } from '../core/types.js';
import { EXIT_CODES, KubefedctlError, OperationError, TimeoutError } from '../errors.js';

/** A federated object to report on, with the FederatedTypeConfig of its type. */
export interface MembersTarget {
  typeConfig: TypeConfig;
  federatedGvr: GroupVersionResource;
  name: string;
  namespace: string | undefined;
}

const POLL_MS = 1_000;

export async function runMembersStatus(
  options: StatusOptions,
  env: CommandEnv,
  host: ClusterClient,
  access: ClusterAccess,
  targets: () => Promise<MembersTarget[]>,
): Promise<void> {
  const ui = env.ui({ machineOutput: options.output !== undefined });
  const clients = new Map<string, Promise<ClusterClient>>();
  const memberClient = (cluster: string): Promise<ClusterClient> => {
    let client = clients.get(cluster);
    if (!client) {
      const context = options.memberContexts.get(cluster);
      client = context !== undefined ? access.client(context) : storedCredentialsClient(host, access, cluster, options.kubefedNamespace);
      clients.set(cluster, client);
    }
    return client;
  };
  const deadline = options.waitTimeoutMs === undefined ? undefined : Date.now() + options.waitTimeoutMs;
  const spinner: Spinner | undefined =
    deadline === undefined ? undefined : await ui.spinner(`Waiting up to ${formatDuration(options.waitTimeoutMs!)} for every member to roll out`);
  let reports: MembersReport[];
  for (;;) {
    reports = await Promise.all((await targets()).map((target) => readMembersReport(host, target, memberClient)));
    const waiting = reports.flatMap((r) => r.problems);
    const stuck = reports.some((r) => r.clusters.some((c) => c.state === 'stuck'));
    if (deadline === undefined || waiting.length === 0 || stuck || Date.now() + POLL_MS > deadline) break;
    spinner?.update(`Waiting for ${waiting.length} to roll out: ${waiting[0]}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  spinner?.stop();

  const problems = reports.flatMap((r) => r.problems.map((p) => (options.target ? p : `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${p}`)));
  const out = env.ctx.stdout;
  const value = options.target ? { ...reports[0]!, ok: problems.length === 0 } : { objects: reports, problems, ok: problems.length === 0 };
  if (options.output === 'json') out.write(printJsonValue(value));
  else if (options.output === 'yaml') out.write((await import('../core/yaml.js')).toYaml(value));
  else {
    const text = reports.length === 0 ? 'No federated objects found.\n' : reports.map(renderMembersReport).join('\n');
    out.write(text + (problems.length > 0 ? `\nNot rolled out:\n${problems.map((p) => `  - ${p}\n`).join('')}` : ''));
  }
  if (problems.length === 0) return;
  const what = problems.length === 1 ? problems[0]! : `${problems.length} not rolled out (see the report)`;
  if (deadline !== undefined) throw new TimeoutError(`not every member rolled out within ${formatDuration(options.waitTimeoutMs!)}: ${what}`);
  if (options.check) throw new OperationError('CHECK_FAILED', `status check failed: ${what}`);
}

/** One federated object: where KubeFed placed it, and each member's verdict. */
async function readMembersReport(
  host: ClusterClient,
  target: MembersTarget,
  memberClient: (cluster: string) => Promise<ClusterClient>,
): Promise<MembersReport> {
  const { typeConfig } = target;
  const kind = typeConfig.targetType.kind;
  const federated = await host.get(target.federatedGvr, target.name, target.namespace);
  if (!federated) {
    throw new OperationError('NOT_FOUND', `${qualifiedName(target.federatedGvr, target.name, target.namespace)} not found`);
  }
  const targetGvr: GroupVersionResource = {
    group: typeConfig.targetType.group,
    version: typeConfig.targetType.version,
    resource: typeConfig.targetType.pluralName,
  };
  // A Namespace's federated object lives in the namespace it federates; other targets are named like it.
  const namespace = typeConfig.targetType.scope === 'Namespaced' ? target.namespace : undefined;
  const rollouts = await Promise.all(
    placedClusters(federated).map(async (cluster): Promise<MemberRollout> => {
      let live: KubeObject | undefined | Error;
      try {
        live = await (await memberClient(cluster)).get(targetGvr, target.name, namespace);
      } catch (error) {
        live = error instanceof Error ? error : new Error(String(error));
      }
      return memberRollout(cluster, kind, live, renderedForCluster(federated, target.typeConfig, cluster));
    }),
  );
  return membersReport({ kind, name: target.name, namespace }, rollouts);
}

/** The clusters KubeFed placed the object on: its status (what the sync controller propagated to), else spec.placement.clusters. */
export function placedClusters(federated: KubeObject): string[] {
  const status = isPlainObject(federated.status) ? federated.status : {};
  const fromStatus = Array.isArray(status.clusters) ? status.clusters.filter(isPlainObject).map((c) => c.name) : [];
  if (fromStatus.length > 0) return fromStatus.filter((name): name is string => typeof name === 'string');
  const spec = isPlainObject(federated.spec) ? federated.spec : {};
  const placement = isPlainObject(spec.placement) ? spec.placement : {};
  const clusters = Array.isArray(placement.clusters) ? placement.clusters.filter(isPlainObject).map((c) => c.name) : [];
  return clusters.filter((name): name is string => typeof name === 'string');
}

/** A client with the endpoint and token KubeFed uses for the cluster. */
async function storedCredentialsClient(host: ClusterClient, access: ClusterAccess, cluster: string, namespace: string): Promise<ClusterClient> {
  const kubefedCluster = await host.get(GVR.kubefedClusters, cluster, namespace);
  if (!kubefedCluster) throw new OperationError('NOT_JOINED', `no KubeFedCluster "${namespace}/${cluster}" in the host cluster`);
  const secretName = secretRefName(kubefedCluster);
  const secret = secretName ? await host.get(GVR.secrets, secretName, namespace) : undefined;
  if (!secret)
    throw new OperationError('NO_CREDENTIALS', `the Secret of KubeFedCluster "${cluster}" (${namespace}/${secretName ?? ''}) does not exist`, {
      hint: `Pass --member-context ${cluster}=<context>.`,
    });
  if (!access.clientFor)
    throw new KubefedctlError('NO_CLIENT', EXIT_CODES.failure, `cannot build a client from the credentials of KubeFedCluster "${cluster}"`);
  return access.clientFor(storedCredentialsKubeconfig(kubefedCluster, secret));
}
