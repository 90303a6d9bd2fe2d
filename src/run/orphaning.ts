// What `kubefedctl orphaning-deletion enable|disable|status` does once its options are complete.

import type { CommandEnv } from '../cli/command-env.js';
import { Applier } from '../cluster/applier.js';
import { discoverApiResources } from '../cluster/discovery.js';
import type { OrphaningOptions } from '../commands/orphaning.js';
import { type ApiResource, groupQualifiedName, lookupApiResource } from '../core/api-resources.js';
import { FEDERATED_GROUP, ORPHAN_ANNOTATION } from '../core/constants.js';
import { gvrOf } from '../core/gvr.js';
import { printJsonValue } from '../core/json.js';
import { toYaml } from '../core/yaml.js';
import { OperationError, prefixError } from '../errors.js';

export async function runOrphaning(options: OrphaningOptions, env: CommandEnv): Promise<void> {
  const { verb, type, name } = options;
  const ui = env.ui({ machineOutput: options.output !== undefined });
  const access = await env.clusterAccess(options.kubeconfig);
  const client = await access.client(options.hostClusterContext);
  const namespace = options.namespace || access.kubeconfig.context(options.hostClusterContext).namespace;

  let resource: ApiResource;
  try {
    resource = lookupApiResource(await discoverApiResources(client), type).resource;
  } catch (error) {
    throw prefixError(error, `Failed to find targeted ${type} type`);
  }
  const qualified = groupQualifiedName(resource.name, resource.group);
  if (!resource.kind.startsWith('Federated') || resource.group !== FEDERATED_GROUP) {
    ui.logger.warn(`${qualified}/${resource.version} might not be a federated resource`);
  }
  const gvr = gvrOf(resource);
  const objectNamespace = resource.namespaced ? namespace : undefined;
  const ref = `${objectNamespace ? `${objectNamespace}/` : ''}${name}`;
  const object = await client.get(gvr, name, objectNamespace).catch((error: unknown) => {
    throw prefixError(error, `Failed to retrieve resource: "${ref}"`);
  });
  if (!object) throw new OperationError('NOT_FOUND', `Failed to retrieve resource: "${ref}": ${qualified} "${name}" not found`);
  const enabled = object.metadata.annotations?.[ORPHAN_ANNOTATION] === 'true';
  const display = `${resource.kind.toLowerCase()}.${resource.group}/${name}`;

  if (verb === 'status') {
    const status = enabled ? 'Enabled' : 'Disabled';
    const report = { kind: resource.kind, name, namespace: objectNamespace, orphaningDeletion: status };
    if (options.output === 'json') env.ctx.stdout.write(printJsonValue(report));
    else if (options.output === 'yaml') env.ctx.stdout.write(toYaml(report));
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
  const applier = new Applier(new Map([['host', client]]), { dryRun: 'none', logger: ui.logger });
  await applier.applyOne({
    verb: 'patch',
    cluster: 'host',
    gvr,
    name,
    namespace: objectNamespace,
    patch: { metadata: { annotations: { [ORPHAN_ANNOTATION]: want ? 'true' : null } } },
    messages: { failure: `Failed to update resource ${resource.kind} "${ref}"` },
  });
  if (!env.settings.quiet) env.ctx.stdout.write(`${display} orphaning deletion ${want ? 'enabled' : 'disabled'}\n`);
}
