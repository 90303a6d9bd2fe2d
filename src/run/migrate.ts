// What `kubefedctl migrate karmada|ocm` does once its options are complete: read the Federated
// world (files, or the host cluster: every Federated object, FederatedNamespace, RSP, the
// KubeFedConfig, the KubeFedClusters and their Secrets), convert it with core/migrate, write the
// report, then the objects to stdout in one write, or nothing at all when something cannot be
// converted and --allow-lossy is not given. Secrets' data go to stdout only, never to the report.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandEnv } from '../cli/command-env.js';
import type { ClusterClient } from '../cluster/types.js';
import type { MigrateInput, MigrateOptions } from '../commands/migrate.js';
import { DEFAULT_KUBEFED_NAMESPACE } from '../core/constants.js';
import { GVR } from '../core/gvr.js';
import { type ManifestObject, parseManifests } from '../core/manifest.js';
import { readMigrationInputs } from '../core/migrate/inputs.js';
import { migrateToKarmada } from '../core/migrate/karmada.js';
import { countBySeverity } from '../core/migrate/model.js';
import { migrateToOcm, ocmRunbook } from '../core/migrate/ocm.js';
import { karmadaRunbook, renderMigrationOutput, renderReport } from '../core/migrate/report.js';
import { toTypeConfig } from '../core/preview/inputs.js';
import type { GroupVersionResource, KubeObject } from '../core/types.js';
import { isPlainObject } from '../core/types.js';
import { NotFoundError, OperationError } from '../errors.js';
import { readManifestSources } from '../io.js';
import { RSP_GVR, readKubefedState } from './host-state.js';

export async function runMigrate(options: MigrateOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: true });
  const { manifests, hostContext } =
    options.input.mode === 'offline' ? await readFiles(options.input, env) : await readHost(options.input, env, (text) => ui.logger.warn(text));
  const inputs = readMigrationInputs(manifests, {
    kubefedNamespace: options.input.kubefedNamespace,
    builtinTypeConfigs: options.input.mode === 'offline',
  });
  const runbookContext = { hostContext, kubefedNamespace: inputs.preview.kubefedNamespace };
  const result = options.target === 'karmada' ? migrateToKarmada(inputs, options.karmada) : migrateToOcm(inputs, options.ocm);
  const runbook =
    options.target === 'karmada' ? karmadaRunbook(result.sources, result.clusterNames, runbookContext) : ocmRunbook(result, options.ocm, runbookContext);
  const counts = countBySeverity(result.findings);
  const written = counts.error === 0 || options.allowLossy;
  const objectCount = result.groups.reduce((sum, group) => sum + group.objects.length, 0);
  const report = renderReport({ target: options.target, findings: result.findings, written, objectCount, runbook }, options.reportFormat);
  if (options.reportFile === undefined) {
    env.ctx.stderr.write(report);
  } else {
    try {
      writeFileSync(path.resolve(env.ctx.cwd, options.reportFile), report);
    } catch (error) {
      throw new OperationError('REPORT_UNWRITABLE', `cannot write the report to "${options.reportFile}": ${(error as Error).message}`, {
        hint: 'Nothing was written to stdout. Choose a writable --report file.',
      });
    }
  }
  if (!written) {
    throw new OperationError(
      'MIGRATION_INCOMPLETE',
      `${counts.error} finding${counts.error === 1 ? '' : 's'} cannot be migrated as KubeFed propagates ${counts.error === 1 ? 'it' : 'them'}; nothing was written to stdout`,
      {
        hint: `See the errors in the report${options.reportFile === undefined ? ' above' : ` (${options.reportFile})`}; fix the input, or pass --allow-lossy to write the rest.`,
      },
    );
  }
  if (objectCount === 0) {
    ui.logger.warn('nothing to migrate: the input holds no Federated object or KubeFedCluster that KubeFed propagates');
    return;
  }
  env.ctx.stdout.write(renderMigrationOutput(result.groups, options.output));
}

async function readFiles(input: Extract<MigrateInput, { mode: 'offline' }>, env: CommandEnv): Promise<{ manifests: ManifestObject[]; hostContext: undefined }> {
  const sources = await readManifestSources(input.filenames, { recursive: input.recursive, stdin: () => env.ctx.stdin, cwd: env.ctx.cwd });
  return { manifests: sources.flatMap((source) => parseManifests(source)), hostContext: undefined };
}

/** Everything migrate needs from the host cluster, as manifests named after the context. */
async function readHost(
  input: Extract<MigrateInput, { mode: 'online' }>,
  env: CommandEnv,
  warn: (text: string) => void,
): Promise<{ manifests: ManifestObject[]; hostContext: string }> {
  const access = await env.clusterAccess(input.kubeconfig);
  const client = await access.client(input.hostClusterContext);
  const namespace = input.allNamespaces ? undefined : (input.namespace ?? access.kubeconfig.context(input.hostClusterContext).namespace);
  return { manifests: await readHostManifests(client, namespace, input.kubefedNamespace, warn), hostContext: client.contextName };
}

/**
 * The KubeFedConfig, FederatedTypeConfigs, Federated objects and RSPs of one namespace (or, with
 * undefined, of every namespace and the cluster-scoped ones), the KubeFedClusters and their Secrets.
 */
export async function readHostManifests(
  client: ClusterClient,
  namespace: string | undefined,
  kubefedNamespaceFlag: string | undefined,
  warn: (text: string) => void,
): Promise<ManifestObject[]> {
  const kubefedNamespace = kubefedNamespaceFlag ?? DEFAULT_KUBEFED_NAMESPACE;
  const allNamespaces = namespace === undefined;
  const objects: KubeObject[] = [];
  const { typeConfigs, kubefedConfig, clusters } = await readKubefedState(client, kubefedNamespace);
  if (kubefedConfig !== undefined) objects.push(kubefedConfig);
  if (typeConfigs.length === 0) {
    throw new OperationError('KUBEFED_NOT_FOUND', `no FederatedTypeConfig in namespace ${kubefedNamespace} of context ${client.contextName}`, {
      hint: 'Check --host-cluster-context and --kubefed-namespace: migrate reads a KubeFed host cluster.',
    });
  }
  objects.push(...typeConfigs);
  for (const ftc of typeConfigs) {
    const { federatedType } = toTypeConfig(ftc);
    const namespaced = federatedType.scope === 'Namespaced';
    if (!namespaced && !allNamespaces) continue;
    const gvr = { group: federatedType.group, version: federatedType.version, resource: federatedType.pluralName };
    objects.push(...(await listIfServed(client, gvr, namespaced ? namespace : undefined, warn)));
  }
  objects.push(...(await listIfServed(client, RSP_GVR, namespace, warn)));
  objects.push(...clusters);
  for (const cluster of clusters) {
    const spec = isPlainObject(cluster.spec) ? cluster.spec : {};
    const secretName = isPlainObject(spec.secretRef) && typeof spec.secretRef.name === 'string' ? spec.secretRef.name : '';
    if (secretName === '') continue;
    const secret = await client.get(GVR.secrets, secretName, kubefedNamespace);
    if (secret !== undefined) objects.push({ ...secret, apiVersion: 'v1', kind: 'Secret' });
  }
  const source = `context ${client.contextName}`;
  return objects.map((object, index) => ({ object, source, document: index + 1, line: 1 }));
}

async function listIfServed(
  client: ClusterClient,
  gvr: GroupVersionResource,
  namespace: string | undefined,
  warn: (text: string) => void,
): Promise<KubeObject[]> {
  try {
    return (await client.list(gvr, { namespace })).items;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    warn(`${gvr.resource}.${gvr.group} is not served by the host cluster: none read`);
    return [];
  }
}
