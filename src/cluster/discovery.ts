// Discovery reads: every group/version's resources (as ServerPreferredResources reads them), the
// lookup of a type by any of its names, and the schema facts enable needs of a target type.

import type { ClusterClient } from './types.js';
import { type ApiResource, type DiscoveryFailure, type DiscoverySnapshot, groupVersionKey, lookupApiResource } from '../core/api-resources.js';
import { GVR } from '../core/gvr.js';
import { type TargetSchemaTraits, formatGroupVersionKind, schemaTraitsFromCrd, schemaTraitsFromOpenApiV2 } from '../core/type-config.js';
import { KubefedctlError, OperationError, goErrorText, prefixError } from '../errors.js';
import type { Logger } from '../log.js';

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

/** Discovery plus LookupAPIResource: the type `name` (plural, singular, kind, short name or plural.group) names. */
export async function findApiResource(client: ClusterClient, name: string, targetVersion: string, logger: Logger): Promise<ApiResource> {
  const snapshot = await discoverApiResources(client);
  const { resource, ignoredDiscoveryError } = lookupApiResource(snapshot, name, { targetVersion });
  if (ignoredDiscoveryError) logger.warn(`found the type "${name}" although discovery was incomplete: ${ignoredDiscoveryError}`);
  logger.log(2, `Found type "${resource.name}.${resource.group || 'core'}/${resource.version}"`);
  return resource;
}

/** schema.go: a CRD target's first version's schema, else the OpenAPI v2 document. */
export async function readTargetSchemaTraits(client: ClusterClient, target: ApiResource): Promise<TargetSchemaTraits> {
  if (target.group !== '') {
    const crdName = `${target.name}.${target.group}`;
    const crd = await client.get(GVR.customResourceDefinitions, crdName).catch((error: unknown) => {
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
