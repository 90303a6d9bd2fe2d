// What `kubefedctl status` does once its options are complete: read the control plane (or one
// federated object) from the host cluster, print the report, and fail with --check when the
// report lists problems.

import type { CommandEnv } from '../cli/command-env.js';
import { discoverApiResources } from '../cluster/discovery.js';
import type { ClusterClient } from '../cluster/types.js';
import type { StatusOptions } from '../commands/status.js';
import { groupQualifiedName, lookupApiResource } from '../core/api-resources.js';
import { FEDERATED_GROUP, KUBEFED_CONFIG_NAME } from '../core/constants.js';
import { GVR } from '../core/gvr.js';
import { printJsonValue } from '../core/json.js';
import {
  type FederatedTypeRef,
  controlPlaneReport,
  federatedObjectReport,
  federatedTypeNamed,
  renderControlPlane,
  renderFederatedObject,
} from '../core/status.js';
import type { GroupVersionResource, KubeObject } from '../core/types.js';
import { KubefedctlError, OperationError, prefixError } from '../errors.js';
import { type MembersTarget, runMembersStatus } from './status-members.js';

export async function runStatus(options: StatusOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: options.output !== undefined });
  const access = await env.clusterAccess(options.kubeconfig);
  const client = await access.client(options.hostClusterContext);
  const now = env.ctx.now?.() ?? Date.now();
  let report: { problems: string[] };
  let text: string;
  if (options.target === undefined && options.members) {
    const namespace = options.namespace ?? access.kubeconfig.context(options.hostClusterContext).namespace;
    await runMembersStatus(options, env, client, access, () => everyFederatedObject(client, options.kubefedNamespace, namespace));
    return;
  }
  if (options.target === undefined) {
    const [kubefedConfig, clusters, typeConfigs] = await Promise.all([
      client.get(GVR.kubefedConfigs, KUBEFED_CONFIG_NAME, options.kubefedNamespace).catch(notInstalled(client, 'kubefedconfigs')),
      listKubeFed(client, GVR.kubefedClusters, options.kubefedNamespace),
      listKubeFed(client, GVR.federatedTypeConfigs, options.kubefedNamespace),
    ]);
    const controlPlane = controlPlaneReport({
      hostContext: client.contextName,
      kubefedNamespace: options.kubefedNamespace,
      kubefedConfig,
      clusters,
      typeConfigs,
    });
    report = controlPlane;
    text = renderControlPlane(controlPlane, now);
  } else {
    const { type, name } = options.target;
    const typeConfigs = await listKubeFed(client, GVR.federatedTypeConfigs, options.kubefedNamespace);
    const federatedType = federatedTypeNamed(typeConfigs, type) ?? (await federatedTypeByDiscovery(client, type, ui.logger.warn.bind(ui.logger)));
    const namespace = federatedType.namespaced ? (options.target.namespace ?? access.kubeconfig.context(options.hostClusterContext).namespace) : undefined;
    const gvr: GroupVersionResource = { group: federatedType.group, version: federatedType.version, resource: federatedType.resource };
    const resource = groupQualifiedName(federatedType.resource, federatedType.group);
    const object = await client.get(gvr, name, namespace).catch((error: unknown) => {
      throw prefixError(error, `Failed to retrieve ${resource} "${namespace ? `${namespace}/` : ''}${name}"`);
    });
    if (object === undefined) {
      throw new OperationError('NOT_FOUND', `${resource} "${name}" not found${namespace ? ` in namespace "${namespace}"` : ''}`, {
        hint:
          namespace && options.target.namespace === undefined
            ? `Looked in "${namespace}", the namespace of the host cluster context; name another with -n.`
            : undefined,
      });
    }
    if (options.members) {
      // The preview's reading of a FederatedTypeConfig, loaded only here (it is a bundle of its own).
      const { toTypeConfig } = await import('../core/preview/inputs.js');
      const typeConfig = typeConfigs.map(toTypeConfig).find((ftc) => ftc.federatedType.group === gvr.group && ftc.federatedType.pluralName === gvr.resource);
      if (!typeConfig)
        throw new OperationError(
          'NO_TYPE_CONFIG',
          `no FederatedTypeConfig in "${options.kubefedNamespace}" federates ${resource}, so which type it stands for in the members is unknown`,
        );
      const target: MembersTarget = { typeConfig, federatedGvr: gvr, name, namespace };
      await runMembersStatus(options, env, client, access, async () => [target]);
      return;
    }
    const objectReport = federatedObjectReport(object, resource);
    report = objectReport;
    text = renderFederatedObject(objectReport, now);
  }

  const out = env.ctx.stdout;
  const withVerdict = { ...report, ok: report.problems.length === 0 };
  if (options.output === 'json') out.write(printJsonValue(withVerdict));
  else if (options.output === 'yaml') out.write((await import('../core/yaml.js')).toYaml(withVerdict));
  else out.write(text + (report.problems.length > 0 ? `\nProblems:\n${report.problems.map((p) => `  - ${p}\n`).join('')}` : ''));

  if (options.check && report.problems.length > 0) {
    throw new OperationError(
      'CHECK_FAILED',
      `status check failed: ${report.problems.length === 1 ? report.problems[0]! : `${report.problems.length} problems (see the report)`}`,
    );
  }
}

/** `status --members` without TYPE NAME: every object of every namespaced federated type in `namespace`. */
async function everyFederatedObject(client: ClusterClient, kubefedNamespace: string, namespace: string): Promise<MembersTarget[]> {
  const { toTypeConfig } = await import('../core/preview/inputs.js');
  const typeConfigs = (await listKubeFed(client, GVR.federatedTypeConfigs, kubefedNamespace))
    .map(toTypeConfig)
    .filter((ftc) => ftc.federatedType.scope === 'Namespaced');
  const lists = await Promise.all(
    typeConfigs.map(async (typeConfig) => {
      const federated = typeConfig.federatedType;
      const federatedGvr: GroupVersionResource = { group: federated.group, version: federated.version, resource: federated.pluralName };
      const items = await client.list(federatedGvr, { namespace }).then(
        (list) => list.items,
        (error: unknown) => {
          // A type whose federated CRD is not served has no objects.
          if (error instanceof KubefedctlError && error.code === 'NOT_FOUND') return [];
          throw error;
        },
      );
      return items.map((object): MembersTarget => ({ typeConfig, federatedGvr, name: object.metadata.name ?? '', namespace }));
    }),
  );
  return lists.flat();
}

async function listKubeFed(client: ClusterClient, gvr: GroupVersionResource, namespace: string): Promise<KubeObject[]> {
  return (await client.list(gvr, { namespace }).catch(notInstalled(client, gvr.resource))).items;
}

/** A 404 for a KubeFed resource type: the control plane's CRDs are not installed. */
function notInstalled(client: ClusterClient, resource: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof KubefedctlError && error.code === 'NOT_FOUND') {
      throw new OperationError(
        'KUBEFED_NOT_INSTALLED',
        `the server doesn't have a resource type "${resource}" (core.kubefed.io) in context "${client.contextName}"`,
        {
          hint: 'Is KubeFed installed on this cluster? Name the host cluster with --host-cluster-context.',
          cause: error,
        },
      );
    }
    throw error;
  };
}

/** Short names (fdeploy) and types without a FederatedTypeConfig: ask discovery, as orphaning-deletion does. */
async function federatedTypeByDiscovery(client: ClusterClient, type: string, warn: (message: string) => void): Promise<FederatedTypeRef> {
  let resource;
  try {
    resource = lookupApiResource(await discoverApiResources(client), type).resource;
  } catch (error) {
    throw prefixError(error, `Failed to find targeted ${type} type`);
  }
  if (!resource.kind.startsWith('Federated') || resource.group !== FEDERATED_GROUP) {
    warn(`${groupQualifiedName(resource.name, resource.group)}/${resource.version} might not be a federated resource`);
  }
  return { group: resource.group, version: resource.version, resource: resource.name, kind: resource.kind, namespaced: resource.namespaced };
}
