// kubefedctl enable: generate the FederatedTypeConfig and federated CRD of a type, then print
// them (-o, --offline) or create/update them on the host cluster (CreateResources).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandEnv } from '../cli/command-env.js';
import { type DryRunStrategy, type GlobalSubcommandFlags, dryRunStrategy, kubefedNamespace } from '../cli/flags.js';
import type { Ui } from '../cli/ui.js';
import type { ClusterClient } from '../cluster/types.js';
import { type ApiResource, type DiscoveryFailure, type DiscoverySnapshot, groupVersionKey, lookupApiResource } from '../core/api-resources.js';
import { offlineTypeResources } from '../core/builtin-types.js';
import { type OutputFormat, printObjects } from '../core/printers.js';
import {
  CRD_GVR,
  type EnableTypeDirective,
  FTC_GVR,
  NAMESPACE_GVR,
  type PlannedWrite,
  type TargetSchemaTraits,
  checkFederatedCrdTakeover,
  checkFederatedTypeUnchanged,
  defaultEnableTypeDirective,
  federatedCrdForTarget,
  formatGroupVersionKind,
  parseEnableTypeDirective,
  planEnableWrites,
  schemaTraitsFromCrd,
  schemaTraitsFromOpenApiV2,
  typeConfigForTarget,
} from '../core/type-config.js';
import type { KubeObject } from '../core/types.js';
import { ClusterApiError, KubefedctlError, OperationError, UsageError } from '../errors.js';
import { readAll } from '../io.js';

export interface EnableFlags extends GlobalSubcommandFlags {
  federatedGroup?: string;
  version?: string;
  federatedVersion?: string;
  output?: OutputFormat;
  filename?: string;
  offline?: boolean;
}

export interface EnableOptions {
  directive: { from: 'arguments'; value: EnableTypeDirective } | { from: 'file'; file: string };
  /** Print the objects instead of writing them. */
  output: OutputFormat | undefined;
  offline: boolean;
  dryRun: DryRunStrategy;
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
  namespace: string;
  /** Flags that have no effect with this combination; said on stderr. */
  warnings: string[];
}

export async function runEnableCommand(name: string | undefined, flags: Record<string, unknown>, env: CommandEnv): Promise<void> {
  await runEnable(completeEnableOptions(name, flags as EnableFlags), env);
}

export function completeEnableOptions(name: string | undefined, flags: EnableFlags): EnableOptions {
  const warnings: string[] = [];
  const dryRun = dryRunStrategy(flags.dryRun);
  const offline = flags.offline === true;
  let directive: EnableOptions['directive'];
  if (flags.filename !== undefined && flags.filename !== '') {
    const ignored = [
      name !== undefined ? `the NAME argument "${name}"` : undefined,
      flags.version ? '--version' : undefined,
      flags.federatedGroup ? '--federated-group' : undefined,
      flags.federatedVersion ? '--federated-version' : undefined,
    ].filter((item): item is string => item !== undefined);
    if (ignored.length > 0) warnings.push(`${ignored.join(', ')} ${ignored.length === 1 ? 'is' : 'are'} ignored with -f/--filename: the directive file configures the type`);
    directive = { from: 'file', file: flags.filename };
  } else {
    if (name === undefined || name === '') {
      throw new UsageError('NAME is required', {
        hint: "Name the type to enable, e.g. 'kubefedctl enable deployments.apps', or give a directive file with -f. See 'kubefedctl enable --help'.",
      });
    }
    const value = defaultEnableTypeDirective(name);
    if (flags.version) value.targetVersion = flags.version;
    if (flags.federatedGroup) value.federatedGroup = flags.federatedGroup;
    if (flags.federatedVersion) value.federatedVersion = flags.federatedVersion;
    directive = { from: 'arguments', value };
  }
  if (offline) {
    if (dryRun === 'server') throw new UsageError('--dry-run=server needs a cluster, and --offline never contacts one', { hint: 'Drop --offline to validate the objects on a cluster with --dry-run=server.' });
    const unused = [
      flags.kubeconfig !== undefined ? '--kubeconfig' : undefined,
      flags.hostClusterContext !== undefined ? '--host-cluster-context' : undefined,
      flags.kubefedNamespace !== undefined ? '--kubefed-namespace' : undefined,
      dryRun !== 'none' ? '--dry-run' : undefined,
    ].filter((item): item is string => item !== undefined);
    if (unused.length > 0) warnings.push(`${unused.join(', ')} ${unused.length === 1 ? 'has' : 'have'} no effect with --offline, which only prints`);
  } else if (flags.output !== undefined && dryRun !== 'none') {
    warnings.push('--dry-run has no effect with -o/--output, which only prints');
  }
  return {
    directive,
    output: flags.output ?? (offline ? 'yaml' : undefined),
    offline,
    dryRun,
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext,
    namespace: kubefedNamespace(flags),
    warnings,
  };
}

export async function runEnable(options: EnableOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: options.output !== undefined });
  for (const warning of options.warnings) ui.logger.warn(warning);
  const directive = await loadDirective(options.directive, env);

  if (options.offline) {
    const { typeConfig, crd } = offlineTypeResources(directive);
    env.ctx.stdout.write(printObjects([typeConfig, crd], options.output ?? 'yaml'));
    return;
  }

  const access = await env.clusterAccess(options.kubeconfig);
  const client = await access.client(options.hostClusterContext);
  const { typeConfig, crd } = await generateTypeResources(client, directive, ui);
  if (options.output !== undefined) {
    env.ctx.stdout.write(printObjects([typeConfig, crd], options.output));
    return;
  }
  await createTypeResources(client, { typeConfig, crd }, options, (line) => env.ctx.stdout.write(`${line}\n`));
}

async function loadDirective(source: EnableOptions['directive'], env: CommandEnv): Promise<EnableTypeDirective> {
  if (source.from === 'arguments') return source.value;
  let text: string;
  try {
    text = source.file === '-' ? await readAll(env.ctx.stdin) : await readFile(path.resolve(env.ctx.cwd, source.file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new UsageError(`Failed to load yaml from file "${source.file}": ${reason}`, { code: 'UNREADABLE_FILE' });
  }
  return parseEnableTypeDirective(source.file, text);
}

/** GetResources: look the target up, read its schema, generate the FederatedTypeConfig and CRD. */
export async function generateTypeResources(client: ClusterClient, directive: EnableTypeDirective, ui: Ui): Promise<{ target: ApiResource; typeConfig: KubeObject; crd: KubeObject }> {
  const target = await findApiResource(client, directive.name, directive.targetVersion, ui);
  const typeConfig = typeConfigForTarget(target, directive);
  const traits = await targetSchemaTraits(client, target).catch((error: unknown) => {
    throw prefixError(error, 'Error initializing validation schema accessor');
  });
  return { target, typeConfig, crd: federatedCrdForTarget(target, directive, traits) };
}

/** Discovery (every group/version, as ServerPreferredResources reads it) plus LookupAPIResource. */
export async function findApiResource(client: ClusterClient, name: string, targetVersion: string, ui: Ui): Promise<ApiResource> {
  const snapshot = await discoverApiResources(client);
  const { resource, ignoredDiscoveryError } = lookupApiResource(snapshot, name, { targetVersion });
  if (ignoredDiscoveryError) ui.logger.warn(`found the type "${name}" although discovery was incomplete: ${ignoredDiscoveryError}`);
  ui.logger.log(2, `Found type "${resource.name}.${resource.group || 'core'}/${resource.version}"`);
  return resource;
}

export async function discoverApiResources(client: ClusterClient): Promise<DiscoverySnapshot> {
  const groups = await client.serverGroups();
  const resources = new Map<string, ApiResource[]>();
  const failures: DiscoveryFailure[] = [];
  await Promise.all(
    groups.flatMap((group) =>
      group.versions.map(async (version) => {
        const key = groupVersionKey(group.name, version);
        try {
          resources.set(key, await client.serverResources(group.name, version));
        } catch (error) {
          if (!(error instanceof KubefedctlError)) throw error;
          failures.push({ groupVersion: key, message: goErrorText(error) });
        }
      }),
    ),
  );
  return { groups, resources, failures };
}

/** schema.go: a CRD target's first version's schema, else the OpenAPI v2 document. */
async function targetSchemaTraits(client: ClusterClient, target: ApiResource): Promise<TargetSchemaTraits> {
  if (target.group !== '') {
    const crdName = `${target.name}.${target.group}`;
    const crd = await client.get(CRD_GVR, crdName).catch((error: unknown) => {
      throw prefixError(error, `Error attempting retrieval of crd "${crdName}"`);
    });
    if (crd !== undefined) return schemaTraitsFromCrd(crd);
  }
  const document = await client.getRaw('/openapi/v2').catch((error: unknown) => {
    throw prefixError(error, 'Error loading openapi schema');
  });
  const gvk = { group: target.group, version: target.version, kind: target.kind };
  const traits = schemaTraitsFromOpenApiV2(document, gvk);
  if (traits === undefined) {
    throw new OperationError('OPENAPI_SCHEMA_NOT_FOUND', `Unable to find openapi schema for "${formatGroupVersionKind(gvk)}"`, {
      hint: "The API server's /openapi/v2 document does not describe the type; an aggregated API server may not publish its schema.",
    });
  }
  return traits;
}

/** CreateResources: namespace and FederatedTypeConfig checks, CRD create or update, FederatedTypeConfig create or patch. */
export async function createTypeResources(
  client: ClusterClient,
  desired: { typeConfig: KubeObject; crd: KubeObject },
  options: Pick<EnableOptions, 'namespace' | 'dryRun'>,
  print: (line: string) => void,
): Promise<void> {
  const namespace = options.namespace;
  const namespaceObject = await client.get(NAMESPACE_GVR, namespace).catch((error: unknown) => {
    throw prefixError(error, `Error attempting to determine whether KubeFed system namespace "${namespace}" exists`);
  });
  if (namespaceObject === undefined) {
    throw new OperationError('KUBEFED_NAMESPACE_NOT_FOUND', `KubeFed system namespace "${namespace}" does not exist: namespaces "${namespace}" not found`, {
      hint: 'Install KubeFed on the host cluster first, or name the namespace it runs in with --kubefed-namespace.',
    });
  }

  const configName = desired.typeConfig.metadata.name ?? '';
  const existingTypeConfig = await client.get(FTC_GVR, configName, namespace).catch((error: unknown) => {
    throw prefixError(error, `Error retrieving FederatedTypeConfig "${configName}"`);
  });
  checkFederatedTypeUnchanged(existingTypeConfig, desired.typeConfig);

  const crdName = desired.crd.metadata.name ?? '';
  const existingCrd = await client.get(CRD_GVR, crdName).catch((error: unknown) => {
    throw prefixError(error, `Error getting CRD "${crdName}"`);
  });
  if (existingCrd !== undefined) {
    const { items } = await client.list(FTC_GVR, { namespace }).catch((error: unknown) => {
      throw prefixError(error, 'Error getting FederatedTypeConfig list');
    });
    checkFederatedCrdTakeover(items, desired.typeConfig, crdName);
  }

  for (const write of planEnableWrites({ namespace, existingCrd, existingTypeConfig }, desired)) {
    print(await applyPlannedWrite(client, write, options.dryRun));
  }
}

/** Executes one planned write (or not, for --dry-run=client) and returns the line to print. */
export async function applyPlannedWrite(client: ClusterClient, write: PlannedWrite, dryRun: DryRunStrategy): Promise<string> {
  if (dryRun === 'client') {
    // A read is fine in a dry run, and tells whether the delete would find anything.
    if (write.verb === 'delete' && (await client.get(write.gvr, write.name, write.namespace)) === undefined) return `${write.resultIfMissing} (dry run)`;
    return `${write.result} (dry run)`;
  }
  const writeOptions = dryRun === 'server' ? { serverDryRun: true } : undefined;
  const suffix = dryRun === 'server' ? ' (server dry run)' : '';
  try {
    switch (write.verb) {
      case 'create':
        await client.create(write.gvr, write.object, writeOptions);
        break;
      case 'update':
        await client.update(write.gvr, write.object, writeOptions);
        break;
      case 'patch':
        await client.patch(write.gvr, write.name, write.namespace, write.patch, 'merge', writeOptions);
        break;
      case 'delete':
        if (!(await client.delete(write.gvr, write.name, write.namespace, writeOptions))) return `${write.resultIfMissing}${suffix}`;
        break;
    }
  } catch (error) {
    throw prefixError(error, write.failure);
  }
  return `${write.result}${suffix}`;
}

/**
 * The text client-go's error would have after `errors.Wrap`: the server's own message for an
 * HTTP error (as StatusError prints it), our full message otherwise.
 */
function goErrorText(error: KubefedctlError): string {
  return error instanceof ClusterApiError && error.details.status !== 0 ? error.details.serverMessage : error.message;
}

/** errors.Wrap(err, prefix): same code, exit code and hint, message "<prefix>: <cause>". */
export function prefixError(error: unknown, prefix: string): unknown {
  if (!(error instanceof KubefedctlError)) return error;
  return new KubefedctlError(error.code, error.exitCode, `${prefix}: ${goErrorText(error)}`, { hint: error.hint, cause: error });
}
