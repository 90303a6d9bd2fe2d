// What `kubefedctl get clusters` does once its options are complete: read the KubeFedClusters
// (their Secrets only for -o wide's CREDENTIALS-AGE, never their tokens) and print them, with kubectl get's exit codes and messages.

import type { CommandEnv } from '../cli/command-env.js';
import type { ClusterClient } from '../cluster/types.js';
import type { GetOptions } from '../commands/get.js';
import { clustersForOutput, renderClusterNames, renderClustersTable, summarizeCluster } from '../core/clusters-table.js';
import { GVR } from '../core/gvr.js';
import { printJsonValue } from '../core/json.js';
import type { KubeObject } from '../core/types.js';
import { KubefedctlError, OperationError } from '../errors.js';

const RESOURCE = 'kubefedclusters.core.kubefed.io';

export async function runGet(options: GetOptions, env: CommandEnv): Promise<void> {
  const access = await env.clusterAccess(options.kubeconfig);
  const client = await access.client(options.hostClusterContext);
  const { found, missing } = options.names.length > 0 ? await getNamed(client, options) : { found: await listClusters(client, options), missing: [] };
  const notFound = options.ignoreNotFound ? undefined : notFoundError(missing);
  // kubectl: a single named object that is missing prints nothing but the error.
  if (notFound && options.singleItemImplied) throw notFound;

  const out = env.ctx.stdout;
  switch (options.output) {
    case 'json':
    case 'yaml':
      // kubectl printGeneric: nothing at all when nothing was found and not-found is ignored.
      if (!(found.length === 0 && options.ignoreNotFound)) {
        const value = clustersForOutput(found, options.singleItemImplied);
        out.write(options.output === 'json' ? printJsonValue(value) : (await import('../core/yaml.js')).toYaml(value));
      }
      break;
    case 'name':
      out.write(renderClusterNames(found));
      break;
    default: {
      const wide = options.output === 'wide';
      const secretsCreated = wide ? await credentialSecretsCreated(client, found, options.namespace) : undefined;
      const table = renderClustersTable(found, { wide, noHeaders: options.noHeaders, now: env.ctx.now?.() ?? Date.now(), secretsCreated });
      out.write(table);
      if (table === '' && !notFound && !options.ignoreNotFound) env.ctx.stderr.write(`No resources found in ${options.namespace} namespace.\n`);
    }
  }
  if (notFound) throw notFound;
}

/**
 * -o wide: when each cluster's credentials were issued, from its Secret's creationTimestamp (the
 * Secret is read for its metadata only; its token is never printed). A Secret this user may not
 * read, or that is gone, is left out (<unknown>): the table is still printed.
 */
async function credentialSecretsCreated(client: ClusterClient, clusters: readonly KubeObject[], namespace: string): Promise<Map<string, string>> {
  const names = [...new Set(clusters.map((c) => summarizeCluster(c).secret).filter((name): name is string => name !== undefined))];
  const secrets = await Promise.all(names.map((name) => client.get(GVR.secrets, name, namespace).catch(() => undefined)));
  const created = new Map<string, string>();
  secrets.forEach((secret, index) => {
    const timestamp = secret?.metadata.creationTimestamp;
    if (typeof timestamp === 'string') created.set(names[index]!, timestamp);
  });
  return created;
}

async function listClusters(client: ClusterClient, options: GetOptions): Promise<KubeObject[]> {
  try {
    return (await client.list(GVR.kubefedClusters, { namespace: options.namespace, labelSelector: options.selector })).items;
  } catch (error) {
    if (error instanceof KubefedctlError && error.code === 'NOT_FOUND') {
      throw new OperationError(
        'KUBEFED_NOT_INSTALLED',
        `the server doesn't have a resource type "kubefedclusters" (${RESOURCE}) in context "${client.contextName}"`,
        {
          hint: 'Is KubeFed installed on this cluster? Name the host cluster with --host-cluster-context.',
          cause: error,
        },
      );
    }
    throw error;
  }
}

async function getNamed(client: ClusterClient, options: GetOptions): Promise<{ found: KubeObject[]; missing: string[] }> {
  const objects = await Promise.all(options.names.map((name) => client.get(GVR.kubefedClusters, name, options.namespace)));
  return {
    found: objects.filter((object): object is KubeObject => object !== undefined),
    missing: options.names.filter((_, index) => objects[index] === undefined),
  };
}

function notFoundError(missing: readonly string[]): OperationError | undefined {
  if (missing.length === 0) return undefined;
  return new OperationError('NOT_FOUND', `${RESOURCE} ${missing.map((name) => `"${name}"`).join(', ')} not found`, {
    hint: "List the joined clusters with 'kubefedctl get clusters'.",
  });
}
