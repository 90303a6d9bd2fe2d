// The FederatedTypeConfig and federated CRD of a type on a host cluster: generated from discovery
// and the type's schema (GetResources), then created or updated (CreateResources). Shared by
// `enable` and by `federate --enable-type`.

import { Applier } from '../cluster/applier.js';
import { findApiResource, readTargetSchemaTraits } from '../cluster/discovery.js';
import type { ClusterClient } from '../cluster/types.js';
import type { ApiResource } from '../core/api-resources.js';
import { GVR } from '../core/gvr.js';
import { type DryRunStrategy, resultLine } from '../core/plan.js';
import { checkFederatedCrdTakeover, checkFederatedTypeUnchanged, federatedCrdForTarget, typeConfigForTarget } from '../core/type-config.js';
import { type EnableTypeDirective } from '../core/enable-directive.js';
import { planEnableWrites } from '../core/type-config-plan.js';
import type { KubeObject } from '../core/types.js';
import { OperationError, prefixError } from '../errors.js';
import type { Logger } from '../log.js';

/** GetResources: look the target up, read its schema, generate the FederatedTypeConfig and CRD. */
export async function generateTypeResources(
  client: ClusterClient,
  directive: EnableTypeDirective,
  logger: Logger,
): Promise<{ target: ApiResource; typeConfig: KubeObject; crd: KubeObject }> {
  const target = await findApiResource(client, directive.name, directive.targetVersion, logger);
  const typeConfig = typeConfigForTarget(target, directive);
  const traits = await readTargetSchemaTraits(client, target).catch((error: unknown) => {
    throw prefixError(error, 'Error initializing validation schema accessor');
  });
  return { target, typeConfig, crd: federatedCrdForTarget(target, directive, traits) };
}

/** CreateResources: namespace and FederatedTypeConfig checks, CRD create or update, FederatedTypeConfig create or patch. */
export async function createTypeResources(
  client: ClusterClient,
  desired: { typeConfig: KubeObject; crd: KubeObject },
  options: { namespace: string; dryRun: DryRunStrategy; logger: Logger },
  print: (line: string) => void,
): Promise<void> {
  const namespace = options.namespace;
  const namespaceObject = await client.get(GVR.namespaces, namespace).catch((error: unknown) => {
    throw prefixError(error, `Error attempting to determine whether KubeFed system namespace "${namespace}" exists`);
  });
  if (namespaceObject === undefined) {
    throw new OperationError('KUBEFED_NAMESPACE_NOT_FOUND', `KubeFed system namespace "${namespace}" does not exist: namespaces "${namespace}" not found`, {
      hint: 'Install KubeFed on the host cluster first, or name the namespace it runs in with --kubefed-namespace.',
    });
  }

  const configName = desired.typeConfig.metadata.name ?? '';
  const existingTypeConfig = await client.get(GVR.federatedTypeConfigs, configName, namespace).catch((error: unknown) => {
    throw prefixError(error, `Error retrieving FederatedTypeConfig "${configName}"`);
  });
  checkFederatedTypeUnchanged(existingTypeConfig, desired.typeConfig);

  const crdName = desired.crd.metadata.name ?? '';
  const existingCrd = await client.get(GVR.customResourceDefinitions, crdName).catch((error: unknown) => {
    throw prefixError(error, `Error getting CRD "${crdName}"`);
  });
  if (existingCrd !== undefined) {
    const { items } = await client.list(GVR.federatedTypeConfigs, { namespace }).catch((error: unknown) => {
      throw prefixError(error, 'Error getting FederatedTypeConfig list');
    });
    checkFederatedCrdTakeover(items, desired.typeConfig, crdName);
  }

  const applier = new Applier(new Map([['host', client]]), { dryRun: options.dryRun, logger: options.logger });
  for (const op of planEnableWrites({ namespace, existingCrd, existingTypeConfig }, desired)) {
    const result = await applier.applyOne(op);
    print(resultLine(op, result.outcome, options.dryRun));
  }
}
