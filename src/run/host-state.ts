// What KubeFed keeps on the host cluster, read one way by the commands that judge the federation
// from it (preview, promote, migrate): its FederatedTypeConfigs, KubeFedConfig and KubeFedClusters,
// and lists whose items carry their type and whose failures say what was being read.

import type { ClusterClient } from '../cluster/types.js';
import { KUBEFED_CONFIG_NAME, KUBEFED_CORE_GROUP, KUBEFED_CORE_VERSION } from '../core/constants.js';
import { GVR } from '../core/gvr.js';
import { SCHEDULING_GROUP } from '../core/preview/inputs.js';
import { type GroupVersionResource, type KubeObject, joinApiVersion } from '../core/types.js';
import { prefixError } from '../errors.js';

export const RSP_GVR: GroupVersionResource = { group: SCHEDULING_GROUP, version: 'v1alpha1', resource: 'replicaschedulingpreferences' };

/** KubeFed's own objects in its namespace; the KubeFedConfig is undefined when there is none. */
export interface KubefedState {
  typeConfigs: KubeObject[];
  kubefedConfig: KubeObject | undefined;
  clusters: KubeObject[];
}

/** The FederatedTypeConfigs, the KubeFedConfig and the KubeFedClusters of KubeFed's namespace, read in parallel. */
export async function readKubefedState(host: ClusterClient, kubefedNamespace: string): Promise<KubefedState> {
  const [typeConfigs, kubefedConfig, clusters] = await Promise.all([
    readList(host, GVR.federatedTypeConfigs, 'FederatedTypeConfig', kubefedNamespace, 'FederatedTypeConfigs'),
    host.get(GVR.kubefedConfigs, KUBEFED_CONFIG_NAME, kubefedNamespace).catch((error: unknown) => {
      throw prefixError(error, `Failed to read KubeFedConfig ${kubefedNamespace}/${KUBEFED_CONFIG_NAME}`);
    }),
    readList(host, GVR.kubefedClusters, 'KubeFedCluster', kubefedNamespace, 'KubeFedClusters'),
  ]);
  return {
    typeConfigs,
    kubefedConfig: kubefedConfig && { ...kubefedConfig, apiVersion: joinApiVersion(KUBEFED_CORE_GROUP, KUBEFED_CORE_VERSION), kind: 'KubeFedConfig' },
    clusters,
  };
}

/** Every object of a type (in a namespace, or in all); `what` names them if the list fails. */
export async function readList(
  client: ClusterClient,
  gvr: GroupVersionResource,
  kind: string,
  namespace: string | undefined,
  what: string,
): Promise<KubeObject[]> {
  const { items } = await client.list(gvr, { namespace }).catch((error: unknown) => {
    throw prefixError(error, `Failed to list ${what}${namespace ? ` in namespace ${namespace}` : ''}`);
  });
  return items.map((item) => ({ ...item, apiVersion: joinApiVersion(gvr.group, gvr.version), kind }));
}
