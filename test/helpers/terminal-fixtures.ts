// Clusters for the terminal tests, served over HTTP by fake-apiserver.ts: a host with KubeFed and
// a namespace of many objects, members whose token controller and KubeFed health checks are played
// with timers (what the real controllers would do, at a pace a person could watch).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { type FakeApiServer, type ServeOptions, WatchableFakeCluster, serveFakeCluster, writeFakeKubeconfig } from './fake-apiserver.js';

export { KUBEFED_NS, joinHost, joinMember } from './fake-kubefed.js';
import { KUBEFED_NS } from './fake-kubefed.js';

/**
 * Fake API servers for the tests of the enclosing describe (closed after them), each set with a
 * kubeconfig naming one context per cluster: `env` is the CLI's environment to reach them.
 */
export function servedClusters(): {
  readonly dir: string;
  serve(clusters: WatchableFakeCluster[], options?: ServeOptions): Promise<{ env: Record<string, string>; servers: FakeApiServer[] }>;
} {
  let dir = '';
  const servers: FakeApiServer[] = [];
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-terminal-'));
  });
  after(async () => {
    for (const server of servers) await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    async serve(clusters, options = {}) {
      const started = await Promise.all(clusters.map((cluster) => serveFakeCluster(cluster, options)));
      servers.push(...started);
      const kubeconfig = path.join(dir, `config-${servers.length}`);
      writeFakeKubeconfig(kubeconfig, started);
      return { env: { KUBECONFIG: kubeconfig, HOME: dir }, servers: started };
    },
  };
}

/** A host with KubeFed, the types enabled, and namespace `name` holding `count` objects to federate (the namespace among them) and 2 to skip. */
export function hostWithNamespace(name: string, count: number): WatchableFakeCluster {
  const host = new WatchableFakeCluster({ contextName: 'host' }).installKubeFed();
  host.add({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig', metadata: { name: 'kubefed', namespace: KUBEFED_NS }, spec: { scope: 'Cluster' } });
  for (const type of ['namespaces', 'configmaps', 'secrets']) {
    host.enableType(type);
  }
  host.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const configMaps = Math.ceil((count - 1) * 0.7);
  const pad = (i: number) => String(i).padStart(4, '0');
  for (let i = 1; i <= configMaps; i++)
    host.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${pad(i)}`, namespace: name }, data: { index: String(i) } });
  for (let i = 1; i <= count - 1 - configMaps; i++)
    host.add({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `secret-${pad(i)}`, namespace: name },
      type: 'Opaque',
      data: { index: Buffer.from(String(i)).toString('base64') },
    });
  // What the cluster made itself: skipped, with their reasons in the plan.
  host.add(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: name }, data: { 'ca.crt': 'x' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } },
  );
  return host;
}
