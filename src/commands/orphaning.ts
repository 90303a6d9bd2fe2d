// kubefedctl orphaning-deletion enable|disable|status: the kubefed.io/orphan annotation, which
// makes KubeFed leave member-cluster objects in place when their federated object is deleted.

import type { CommandEnv } from '../cli/command-env.js';
import { type ApiResource, groupQualifiedName, lookupApiResource } from '../core/api-resources.js';
import { FEDERATED_GROUP, ORPHAN_ANNOTATION } from '../core/constants.js';
import { toYaml } from '../core/yaml.js';
import { MultipleUsageErrors, OperationError } from '../errors.js';
import { discoverApiResources, prefixError } from './enable.js';

interface OrphaningFlags {
  kubeconfig?: string;
  hostClusterContext?: string;
  namespace?: string;
  output?: 'json' | 'yaml';
}

export type OrphaningVerb = 'enable' | 'disable' | 'status';

export async function runOrphaningCommand(verb: OrphaningVerb, type: string | undefined, name: string | undefined, rawFlags: Record<string, unknown>, env: CommandEnv): Promise<void> {
  const flags = rawFlags as OrphaningFlags;
  const problems: string[] = [];
  if (!type) problems.push('resource type is required');
  if (!name) problems.push('resource name is required');
  if (problems.length > 0) throw new MultipleUsageErrors(problems, { hint: `See 'kubefedctl orphaning-deletion ${verb} --help'.` });

  const ui = env.ui({ machineOutput: flags.output !== undefined });
  const access = await env.clusterAccess(flags.kubeconfig);
  const hostContext = flags.hostClusterContext || undefined;
  const client = await access.client(hostContext);
  const namespace = flags.namespace || access.kubeconfig.context(hostContext).namespace;

  let resource: ApiResource;
  try {
    resource = lookupApiResource(await discoverApiResources(client), type!).resource;
  } catch (error) {
    throw prefixError(error, `Failed to find targeted ${type} type`);
  }
  const qualified = groupQualifiedName(resource.name, resource.group);
  if (!resource.kind.startsWith('Federated') || resource.group !== FEDERATED_GROUP) {
    ui.logger.warn(`${qualified}/${resource.version} might not be a federated resource`);
  }
  const gvr = { group: resource.group, version: resource.version, resource: resource.name };
  const objectNamespace = resource.namespaced ? namespace : undefined;
  const ref = `${objectNamespace ? `${objectNamespace}/` : ''}${name}`;
  const object = await client.get(gvr, name!, objectNamespace).catch((error: unknown) => {
    throw prefixError(error, `Failed to retrieve resource: "${ref}"`);
  });
  if (!object) throw new OperationError('NOT_FOUND', `Failed to retrieve resource: "${ref}": ${qualified} "${name}" not found`);
  const enabled = object.metadata.annotations?.[ORPHAN_ANNOTATION] === 'true';
  const display = `${resource.kind.toLowerCase()}.${resource.group}/${name}`;

  if (verb === 'status') {
    const status = enabled ? 'Enabled' : 'Disabled';
    if (flags.output === 'json') env.ctx.stdout.write(`${JSON.stringify({ kind: resource.kind, name, namespace: objectNamespace, orphaningDeletion: status }, null, 2)}\n`);
    else if (flags.output === 'yaml') env.ctx.stdout.write(toYaml({ kind: resource.kind, name, namespace: objectNamespace, orphaningDeletion: status }));
    else env.ctx.stdout.write(`${status}\n`);
    return;
  }
  const want = verb === 'enable';
  if (enabled === want) {
    if (!env.settings.quiet) env.ctx.stdout.write(`${display} orphaning deletion already ${want ? 'enabled' : 'disabled'}\n`);
    return;
  }
  // A merge patch of the one annotation, not the Go tool's PUT of the whole object, so a concurrent
  // change by the sync controller cannot make it fail with a conflict.
  await client
    .patch(gvr, name!, objectNamespace, { metadata: { annotations: { [ORPHAN_ANNOTATION]: want ? 'true' : null } } }, 'merge')
    .catch((error: unknown) => {
      throw prefixError(error, `Failed to update resource ${resource.kind} "${ref}"`);
    });
  if (!env.settings.quiet) env.ctx.stdout.write(`${display} orphaning deletion ${want ? 'enabled' : 'disabled'}\n`);
}
