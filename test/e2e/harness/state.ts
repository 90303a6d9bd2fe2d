// Paths, versions and the shape of `.e2e/state.json`, shared by the harness CLI and the test library.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterPki } from './pki.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const E2E_DIR = join(REPO_ROOT, '.e2e');
export const STATE_FILE = join(E2E_DIR, 'state.json');
export const KUBECONFIG_FILE = join(E2E_DIR, 'kubeconfig');
export const GO_DIR = join(REPO_ROOT, 'test', 'e2e', 'go');

/** Namespace KubeFed's chart installs into (DefaultKubeFedSystemNamespace). */
export const KUBEFED_NAMESPACE = 'kube-federation-system';
/** Name of the leader-election lock the KubeFed controller-manager takes (ConfigMap lock). */
export const KUBEFED_LOCK_NAME = 'kubefed-controller-manager';
export const HOST_CLUSTER = 'cluster1';

export function cacheRoot(): string {
  const fromEnv = process.env['KUBEFEDCTL_E2E_CACHE'];
  return fromEnv && fromEnv.trim() !== '' ? resolve(fromEnv) : join(homedir(), '.cache', 'kubefedctl-e2e');
}

/** Number of clusters `up` starts: 2 by default (cluster1 = host, cluster2 = member), KUBEFEDCTL_E2E_CLUSTERS=3 adds cluster3. */
export function wantedClusterCount(): number {
  const raw = process.env['KUBEFEDCTL_E2E_CLUSTERS'];
  if (raw === undefined || raw.trim() === '') return 2;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > 9) {
    throw new Error(`KUBEFEDCTL_E2E_CLUSTERS must be an integer between 2 and 9, got ${JSON.stringify(raw)}`);
  }
  return n;
}

export function clusterNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `cluster${i + 1}`);
}

export interface Binaries {
  kubeApiserver: string;
  kubeControllerManager: string;
  etcd: string;
  kubefedControllerManager: string;
  /** The original Go kubefedctl v0.10.0, built from the same module: a reference oracle for differential tests. */
  kubefedctlGo: string;
  /** Directory holding KubeFed v0.10.0's `charts/` tree as released (CRDs, FTC template). */
  kubefedChartDir: string;
  /** kubectl of the same Kubernetes version (for the kubectl plugin tests). */
  kubectl: string;
}

/** Karmada's control-plane binaries and CRDs, built from the shared source tarball (KUBEFEDCTL_E2E_KARMADA=1). */
export interface KarmadaBinaries {
  version: string;
  controllerManager: string;
  scheduler: string;
  aggregatedApiserver: string;
  webhook: string;
  /** charts/karmada/_crds/bases of the same source. */
  crdDir: string;
}

/** Whether `up` also starts a Karmada control plane (KUBEFEDCTL_E2E_KARMADA=1). */
export function karmadaWanted(): boolean {
  const raw = process.env['KUBEFEDCTL_E2E_KARMADA']?.trim() ?? '';
  if (raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`KUBEFEDCTL_E2E_KARMADA must be 0 or 1, got ${JSON.stringify(raw)}`);
}

/** A Karmada process with the loopback ports it was given (0 = none). */
export interface KarmadaProc extends ProcInfo {
  port: number;
  healthPort: number;
  metricsPort: number;
}

/**
 * The Karmada control plane: its kube-apiserver (a ClusterState like the others, etcd prefix /karmada, admin
 * CN=system:admin) with a kube-controller-manager, then Karmada's own four processes.
 */
export interface KarmadaState {
  /** Context name in the kubeconfig. */
  context: string;
  version: string;
  binaries: KarmadaBinaries;
  apiserver: ClusterState;
  aggregatedApiserver: KarmadaProc;
  webhook: KarmadaProc;
  controllerManager: KarmadaProc;
  scheduler: KarmadaProc;
  /** Seconds from the start of the Karmada part of `up` to every component ready. */
  readySeconds?: number;
}

export interface Versions {
  kubernetes: string;
  etcd: string;
  kubefed: string;
}

export interface ProcInfo {
  pid: number;
  /** Absolute path of the executable, used to recognise the process (guards against pid reuse). */
  bin: string;
  args: string[];
  log: string;
}

/** caFile is the CA that signed the serving cert and the admin client cert (--client-ca-file, --root-ca-file). */
export interface ClusterState extends ClusterPki {
  name: string;
  role: 'host' | 'member' | 'karmada';
  /** https://127.0.0.1:<port> */
  server: string;
  port: number;
  dir: string;
  /** Per-cluster kubeconfig (admin token) used by kube-controller-manager (and KubeFed on the host). */
  adminKubeconfig: string;
  etcdPrefix: string;
  apiserver: ProcInfo;
  controllerManager: ProcInfo | null;
}

export interface E2eState {
  version: 1;
  createdAt: string;
  repoRoot: string;
  dir: string;
  kubeconfig: string;
  versions: Versions;
  binaries: Binaries;
  etcd: ProcInfo & { clientUrl: string; clientPort: number; peerPort: number; dataDir: string };
  hostCluster: string;
  clusters: Record<string, ClusterState>;
  kubefed: (ProcInfo & { namespace: string; healthzPort: number; metricsPort: number }) | null;
  /** Absent unless KUBEFEDCTL_E2E_KARMADA=1; null while it is being started. */
  karmada?: KarmadaState | null;
}

export function readState(file = STATE_FILE): E2eState | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as E2eState;
    return parsed.version === 1 ? parsed : null;
  } catch {
    return null;
  }
}

export function writeState(state: E2eState, file = STATE_FILE): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}
