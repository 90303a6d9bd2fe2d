// Fake clusters for join and unjoin, served by fake-apiserver.ts: a host with KubeFed whose
// controller marks each joined cluster Offline, NotReady, then Ready, and members whose token
// controller fills in token Secrets. Used by the terminal tests; loads no test framework.
import { GVR } from '../../src/core/gvr.js';
import type { KubeObject } from '../../src/core/types.js';
import type { FakeRequest } from './fake-cluster.js';
import { WatchableFakeCluster } from './fake-apiserver.js';

export const KUBEFED_NS = 'kube-federation-system';

/** A host for join: KubeFed installed, and its controller marking each joined cluster Offline, then NotReady, then Ready. */
export function joinHost(stepMs = 400): WatchableFakeCluster {
  const host = new WatchableFakeCluster({ contextName: 'host' }).installKubeFed();
  host.add({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig', metadata: { name: 'kubefed', namespace: KUBEFED_NS }, spec: { scope: 'Cluster' } });
  host.after('create', 'kubefedclusters', (request: FakeRequest, cluster) => {
    const name = (request.body as KubeObject).metadata.name!;
    const steps: Array<Array<Record<string, string>>> = [
      [{ type: 'Offline', status: 'True', reason: 'ClusterNotReachable', message: 'cluster is not reachable' }],
      [
        { type: 'Ready', status: 'False', reason: 'ClusterNotReady', message: '/healthz responded without ok' },
        { type: 'Offline', status: 'False', reason: 'ClusterReachable', message: 'cluster is reachable' },
      ],
      [{ type: 'Ready', status: 'True', reason: 'ClusterReady', message: '/healthz responded with ok' }],
    ];
    steps.forEach((conditions, index) => {
      setTimeout(
        () => {
          if (!cluster.peek(GVR.kubefedClusters, name, KUBEFED_NS)) return;
          cluster.modify(GVR.kubefedClusters, name, KUBEFED_NS, (kfc) => {
            kfc.status = { conditions: conditions.map((c) => ({ ...c, lastProbeTime: new Date().toISOString() })) };
          });
        },
        stepMs * (index + 1),
      );
    });
  });
  return host;
}

/** A member whose token controller fills in a token Secret shortly after it is created. */
export function joinMember(contextName: string): WatchableFakeCluster {
  const member = new WatchableFakeCluster({ contextName });
  member.after('create', 'secrets', (request: FakeRequest, cluster) => {
    setTimeout(() => {
      if (!cluster.peek(GVR.secrets, request.name!, request.namespace)) return;
      cluster.modify(GVR.secrets, request.name!, request.namespace, (secret) => {
        secret.data = { token: Buffer.from(`token-of-${contextName}`).toString('base64'), 'ca.crt': Buffer.from('CA').toString('base64') };
      });
    }, 20);
  });
  return member;
}
