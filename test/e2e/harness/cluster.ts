// Starting, checking and stopping the e2e environment: one shared etcd, per cluster a kube-apiserver and a
// kube-controller-manager, and KubeFed v0.10.0's control plane on the host cluster (cluster1).
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { request as httpRequest } from 'node:http';
import yaml from 'js-yaml';
import { ensureBinaries, ensureKarmadaBinaries } from './build.js';
import { KARMADA_DAEMON_NAMES, karmadaHealthy, karmadaKubeconfigEntries, karmadaPorts, karmadaProcs, startKarmada } from './karmada.js';
import { applyCrdsEstablished, applyObject, kubeRequest, resourcePath, type Credentials } from './kube.js';
import { makeClusterPki } from './pki.js';
import { findProcsMentioning, freePort, isAlive, listeningPorts, spawnDaemon, stopProc, tailFile, waitFor } from './procs.js';
import {
  clusterNames,
  E2E_DIR,
  HOST_CLUSTER,
  KUBECONFIG_FILE,
  KUBEFED_LOCK_NAME,
  KUBEFED_NAMESPACE,
  karmadaWanted,
  readState,
  REPO_ROOT,
  wantedClusterCount,
  writeState,
  type ClusterState,
  type E2eState,
  type ProcInfo,
} from './state.js';

const DAEMON_NAMES = new Set(['kube-apiserver', 'kube-controller-manager', 'etcd', 'kubefed-controller-manager', ...KARMADA_DAEMON_NAMES]);

const log = (msg: string): void => {
  process.stderr.write(`e2e: ${msg}\n`);
};

export function adminCreds(c: ClusterState): Credentials {
  return { server: c.server, ca: readFileSync(c.caFile), token: c.adminToken };
}

// ---------------------------------------------------------------------------------------------------------
// kubeconfigs

function kubeconfigYaml(clusters: ClusterState[], current: string, userPerCluster: boolean): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.server, 'certificate-authority-data': readFileSync(c.caFile).toString('base64') },
    })),
    users: clusters.map((c) => ({ name: userPerCluster ? `${c.name}-admin` : 'admin', user: { token: c.adminToken } })),
    contexts: clusters.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: userPerCluster ? `${c.name}-admin` : 'admin' },
    })),
    'current-context': current,
  };
  return yaml.dump(doc, { lineWidth: -1 });
}

function writeKubeconfigs(state: E2eState): void {
  const clusters = Object.values(state.clusters);
  for (const c of clusters) writeFileSync(c.adminKubeconfig, kubeconfigYaml([c], c.name, false), { mode: 0o600 });
  const merged = yaml.load(kubeconfigYaml(clusters, state.hostCluster, true)) as Record<string, unknown[]>;
  if (state.karmada) {
    const k = karmadaKubeconfigEntries(state.karmada);
    merged['clusters']!.push(k.cluster);
    merged['users']!.push(k.user);
    merged['contexts']!.push(k.context);
  }
  writeFileSync(state.kubeconfig, yaml.dump(merged, { lineWidth: -1 }), { mode: 0o600 });
}

// ---------------------------------------------------------------------------------------------------------
// process arguments

export function apiserverArgs(c: Omit<ClusterState, 'apiserver' | 'controllerManager'>, etcdUrl: string): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    `--etcd-prefix=${c.etcdPrefix}`,
    `--secure-port=${c.port}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--cert-dir=${join(c.dir, 'apiserver-certs')}`,
    `--tls-cert-file=${c.servingCertFile}`,
    `--tls-private-key-file=${c.servingKeyFile}`,
    `--client-ca-file=${c.caFile}`,
    `--token-auth-file=${c.tokenAuthFile}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=https://127.0.0.1:${c.port}`,
    `--service-account-key-file=${c.saPubFile}`,
    `--service-account-signing-key-file=${c.saKeyFile}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    // The endpoints reconciler would publish 127.0.0.1 into default/kubernetes, which validation rejects.
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    '--v=1',
  ];
}

function controllerManagerArgs(c: ClusterState): string[] {
  return [
    `--kubeconfig=${c.adminKubeconfig}`,
    '--controllers=*',
    `--service-account-private-key-file=${c.saKeyFile}`,
    `--root-ca-file=${c.caFile}`,
    `--cluster-signing-cert-file=${c.caFile}`,
    `--cluster-signing-key-file=${c.caKeyFile}`,
    '--use-service-account-credentials=false',
    // Default is /usr/libexec/kubernetes/kubelet-plugins/volume/exec/, which KCM would create outside .e2e/.
    `--flex-volume-plugin-dir=${join(c.dir, 'flexvolume')}`,
    '--leader-elect=false',
    '--secure-port=0',
    `--cluster-name=${c.name}`,
    '--v=1',
  ];
}

// ---------------------------------------------------------------------------------------------------------
// readiness

function etcdHealthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest(`${url}/health`, { timeout: 2000, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"true"')));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function apiserverReady(c: ClusterState, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await kubeRequest(adminCreds(c), 'GET', '/readyz', undefined, { timeoutMs });
    return res.status === 200;
  } catch {
    return false;
  }
}

function assertAlive(p: ProcInfo, what: string): void {
  if (!isAlive(p.pid, p.bin)) throw new Error(`${what} (pid ${p.pid}) exited; last log lines from ${p.log}:\n${tailFile(p.log)}`);
}

export async function waitApiserver(c: ClusterState, timeoutMs = 120_000): Promise<void> {
  // (also the Karmada apiserver's, which is not one of state.clusters)
  await waitFor(
    async () => {
      assertAlive(c.apiserver, `kube-apiserver ${c.name}`);
      return apiserverReady(c);
    },
    timeoutMs,
    { what: `kube-apiserver ${c.name} /readyz`, intervalMs: 250 },
  );
}

/** The KubeFed leader-election record (ConfigMap lock), if held and renewed within `freshMs`. */
export async function kubefedLeader(host: ClusterState, freshMs = 30_000): Promise<string | null> {
  const res = await kubeRequest(adminCreds(host), 'GET', `/api/v1/namespaces/${KUBEFED_NAMESPACE}/configmaps/${KUBEFED_LOCK_NAME}`);
  if (res.status !== 200) return null;
  const raw = res.body?.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader'];
  if (typeof raw !== 'string') return null;
  const rec = JSON.parse(raw) as { holderIdentity?: string; renewTime?: string };
  if (!rec.holderIdentity || !rec.renewTime) return null;
  if (Date.now() - Date.parse(rec.renewTime) > freshMs) return null;
  return rec.holderIdentity;
}

// ---------------------------------------------------------------------------------------------------------
// KubeFed installation (what `helm install kubefed` would create, minus the in-cluster Deployments/RBAC/webhook)

function loadYamlDocs(file: string): any[] {
  return yaml.loadAll(readFileSync(file, 'utf8')).filter((d): d is any => d !== null && typeof d === 'object');
}

/** Renders the few Helm expressions the chart's FTC template could contain; refuses anything else. */
function renderHelmTemplate(text: string, namespace: string): string {
  const out = text.replace(/\{\{-?\s*\.Release\.Namespace\s*-?\}\}/g, namespace).replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');
  const leftover = /\{\{[\s\S]*?\}\}/.exec(out);
  if (leftover) throw new Error(`unsupported Helm expression in FederatedTypeConfig template: ${leftover[0]}`);
  return out;
}

export function kubefedConfigObject(namespace: string): any {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedConfig',
    metadata: { name: 'kubefed', namespace },
    spec: {
      scope: 'Cluster',
      // cacheSyncTimeout: when a FederatedTypeConfig changes twice in quick succession (disable, then
      // enable), KubeFed v0.10.0 stops the sync controller it just started while a reconcile of it waits
      // for the stopped informers; after cacheSyncTimeout that reconcile calls klog.Fatalf and the whole
      // controller-manager exits (seen in CI: every later test then waited for a Ready that never came).
      // A real deployment restarts the pod; here the wait is made longer than any test run instead.
      controllerDuration: { availableDelay: '1s', unavailableDelay: '2s', cacheSyncTimeout: '6h' },
      leaderElect: { leaseDuration: '6s', renewDeadline: '4s', retryPeriod: '1s', resourceLock: 'configmaps' },
      clusterHealthCheck: { period: '2s', failureThreshold: 1, successThreshold: 1, timeout: '3s' },
      syncController: { maxConcurrentReconciles: 1, adoptResources: 'Enabled' },
      statusController: { maxConcurrentReconciles: 1 },
      featureGates: [
        { name: 'PushReconciler', configuration: 'Enabled' },
        { name: 'SchedulerPreferences', configuration: 'Enabled' },
      ],
    },
  };
}

async function installKubefed(state: E2eState): Promise<void> {
  const host = state.clusters[state.hostCluster];
  if (!host) throw new Error('no host cluster');
  const creds = adminCreds(host);
  const chart = join(state.binaries.kubefedChartDir, 'charts', 'kubefed');
  const ns = KUBEFED_NAMESPACE;

  await applyObject(creds, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

  const crds = [...loadYamlDocs(join(chart, 'charts', 'controllermanager', 'crds', 'crds.yaml')), ...loadYamlDocs(join(chart, 'crds', 'crds.yaml'))].filter(
    (d) => d.kind === 'CustomResourceDefinition',
  );
  await applyCrdsEstablished(creds, crds);

  // The KubeFedConfig the chart would render, with short durations for tests.
  const kfc = kubefedConfigObject(ns);
  await waitFor(
    async () => {
      await applyObject(creds, resourcePath('core.kubefed.io/v1beta1', 'kubefedconfigs', ns), kfc);
      return true;
    },
    30_000,
    { what: 'KubeFedConfig kubefed created' },
  );

  // The chart's default FederatedTypeConfigs, installed into the release namespace.
  const ftcText = renderHelmTemplate(readFileSync(join(chart, 'templates', 'federatedtypeconfig.yaml'), 'utf8'), ns);
  const ftcs = (yaml.loadAll(ftcText) as any[]).filter((d) => d && d.kind === 'FederatedTypeConfig');
  await waitFor(
    async () => {
      for (const ftc of ftcs) {
        ftc.metadata.namespace = ns;
        await applyObject(creds, resourcePath('core.kubefed.io/v1beta1', 'federatedtypeconfigs', ns), ftc);
      }
      return true;
    },
    30_000,
    { what: 'FederatedTypeConfigs created' },
  );
}

async function startKubefed(state: E2eState): Promise<void> {
  const host = state.clusters[state.hostCluster];
  if (!host) throw new Error('no host cluster');
  const healthzPort = state.kubefed?.healthzPort ?? (await freePort());
  const metricsPort = state.kubefed?.metricsPort ?? (await freePort());
  const logFile = join(state.dir, 'logs', 'kubefed-controller-manager.log');
  const args = [
    `--kubeconfig=${host.adminKubeconfig}`,
    `--kubefed-namespace=${KUBEFED_NAMESPACE}`,
    `--healthz-addr=127.0.0.1:${healthzPort}`,
    `--metrics-addr=127.0.0.1:${metricsPort}`,
    '--v=2',
  ];
  const p = spawnDaemon(state.binaries.kubefedControllerManager, args, logFile);
  state.kubefed = { ...p, namespace: KUBEFED_NAMESPACE, healthzPort, metricsPort };
  writeState(state);
  await waitFor(
    async () => {
      assertAlive(p, 'kubefed-controller-manager');
      return (await kubefedLeader(host)) !== null;
    },
    90_000,
    { what: 'KubeFed controller-manager to hold its leader-election lock', intervalMs: 500 },
  );
}

// ---------------------------------------------------------------------------------------------------------
// apiserver / KCM lifecycle (also used by env.ts to stop and restart a member apiserver)

export function startApiserverProc(state: E2eState, name: string): ProcInfo {
  const c = state.clusters[name];
  if (!c) throw new Error(`unknown cluster ${name}`);
  if (isAlive(c.apiserver.pid, c.apiserver.bin)) throw new Error(`kube-apiserver ${name} is already running (pid ${c.apiserver.pid})`);
  const p = spawnDaemon(c.apiserver.bin, c.apiserver.args, c.apiserver.log);
  c.apiserver = p;
  return p;
}

export async function startApiserver(state: E2eState, name: string): Promise<void> {
  startApiserverProc(state, name);
  writeState(state);
  const c = state.clusters[name];
  if (c) await waitApiserver(c);
}

export async function stopApiserver(state: E2eState, name: string): Promise<void> {
  const c = state.clusters[name];
  if (!c) throw new Error(`unknown cluster ${name}`);
  await stopProc(c.apiserver);
  await waitFor(() => !listeningPorts().has(c.port), 10_000, { what: `port ${c.port} to close` });
}

// ---------------------------------------------------------------------------------------------------------
// up / status / down

/** True if every recorded process is alive, every apiserver is ready and KubeFed holds its lease. */
export async function isHealthy(state: E2eState | null, wantClusters: number): Promise<boolean> {
  if (!state || !existsSync(state.kubeconfig)) return false;
  const clusters = Object.values(state.clusters);
  if (clusters.length !== wantClusters) return false;
  const procs: ProcInfo[] = [state.etcd, ...clusters.map((c) => c.apiserver)];
  for (const c of clusters) if (c.controllerManager) procs.push(c.controllerManager);
  if (!state.kubefed) return false;
  procs.push(state.kubefed);
  if (!procs.every((p) => isAlive(p.pid, p.bin))) return false;
  if (!clusters.every((c) => c.controllerManager !== null)) return false;
  const ready = await Promise.all(clusters.map((c) => apiserverReady(c)));
  if (!ready.every(Boolean)) return false;
  // A Karmada control plane when, and only when, it is asked for.
  if (karmadaWanted() !== Boolean(state.karmada)) return false;
  if (state.karmada && !(await karmadaHealthy(state.karmada))) return false;
  const host = state.clusters[state.hostCluster];
  return host !== undefined && (await kubefedLeader(host).catch(() => null)) !== null;
}

export async function up(): Promise<E2eState> {
  const want = wantedClusterCount();
  const existing = readState();
  if (await isHealthy(existing, want)) {
    log(`environment already up (${Object.keys(existing!.clusters).join(', ')})`);
    return existing!;
  }
  if (existing || existsSync(E2E_DIR)) {
    log('cleaning up a previous (stale or partial) environment');
    await teardown(existing, false);
  }

  const { binaries, versions } = await ensureBinaries();
  const karmadaBinaries = karmadaWanted() ? await ensureKarmadaBinaries() : undefined;
  const started = Date.now();
  mkdirSync(join(E2E_DIR, 'logs'), { recursive: true, mode: 0o700 });

  const etcdClientPort = await freePort();
  const etcdPeerPort = await freePort();
  const etcdDataDir = join(E2E_DIR, 'etcd');
  const clientUrl = `http://127.0.0.1:${etcdClientPort}`;
  const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
  const etcdArgs = [
    '--name=e2e',
    `--data-dir=${etcdDataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=e2e=${peerUrl}`,
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];

  const names = clusterNames(want);
  const pkis = await Promise.all(names.map((n) => makeClusterPki(join(E2E_DIR, 'clusters', n, 'pki'), n)));

  const etcd = spawnDaemon(binaries.etcd, etcdArgs, join(E2E_DIR, 'logs', 'etcd.log'));
  const state: E2eState = {
    version: 1,
    createdAt: new Date().toISOString(),
    repoRoot: REPO_ROOT,
    dir: E2E_DIR,
    kubeconfig: KUBECONFIG_FILE,
    versions,
    binaries,
    etcd: { ...etcd, clientUrl, clientPort: etcdClientPort, peerPort: etcdPeerPort, dataDir: etcdDataDir },
    hostCluster: HOST_CLUSTER,
    clusters: {},
    kubefed: null,
  };
  writeState(state);

  for (const [i, name] of names.entries()) {
    const pki = pkis[i]!;
    const port = await freePort();
    const dir = join(E2E_DIR, 'clusters', name);
    const base = {
      name,
      role: name === HOST_CLUSTER ? ('host' as const) : ('member' as const),
      server: `https://127.0.0.1:${port}`,
      port,
      dir,
      ...pki,
      adminKubeconfig: join(dir, 'admin.kubeconfig'),
      etcdPrefix: `/${name}/registry`,
    };
    state.clusters[name] = {
      ...base,
      apiserver: { pid: 0, bin: binaries.kubeApiserver, args: apiserverArgs(base, clientUrl), log: join(E2E_DIR, 'logs', `${name}-kube-apiserver.log`) },
      controllerManager: null,
    };
  }
  writeKubeconfigs(state);

  await waitFor(
    async () => {
      assertAlive(state.etcd, 'etcd');
      return etcdHealthy(clientUrl);
    },
    30_000,
    { what: 'etcd /health' },
  );

  for (const name of names) startApiserverProc(state, name);
  writeState(state);
  await Promise.all(names.map((n) => waitApiserver(state.clusters[n]!)));
  log(`apiservers ready after ${((Date.now() - started) / 1000).toFixed(1)}s`);

  for (const name of names) {
    const c = state.clusters[name]!;
    c.controllerManager = spawnDaemon(binaries.kubeControllerManager, controllerManagerArgs(c), join(E2E_DIR, 'logs', `${name}-kube-controller-manager.log`));
  }
  writeState(state);

  await installKubefed(state);
  await startKubefed(state);

  // KCM is working once the default namespace has its ServiceAccount and root-CA ConfigMap.
  await Promise.all(
    names.map((n) => {
      const c = state.clusters[n]!;
      return waitFor(
        async () => {
          assertAlive(c.controllerManager!, `kube-controller-manager ${n}`);
          const creds = adminCreds(c);
          const sa = await kubeRequest(creds, 'GET', '/api/v1/namespaces/default/serviceaccounts/default');
          const cm = await kubeRequest(creds, 'GET', '/api/v1/namespaces/default/configmaps/kube-root-ca.crt');
          return sa.status === 200 && cm.status === 200;
        },
        90_000,
        { what: `kube-controller-manager ${n} (default ServiceAccount + kube-root-ca.crt)`, intervalMs: 500 },
      );
    }),
  );

  if (karmadaBinaries) {
    await startKarmada(state, karmadaBinaries, { apiserverArgs, waitApiserver, writeKubeconfigs, log });
  }

  writeState(state);
  log(
    `environment up in ${((Date.now() - started) / 1000).toFixed(1)}s: ${names.join(', ')} (host ${HOST_CLUSTER}), KubeFed ${versions.kubefed}, Kubernetes ${versions.kubernetes}, etcd ${versions.etcd}`,
  );
  return state;
}

type Phase = 'controller' | 'apiserver' | 'etcd';

function allProcs(state: E2eState): Array<{ what: string; p: ProcInfo; phase: Phase }> {
  const out: Array<{ what: string; p: ProcInfo; phase: Phase }> = [];
  if (state.kubefed) out.push({ what: 'kubefed-controller-manager', p: state.kubefed, phase: 'controller' });
  for (const c of Object.values(state.clusters)) {
    if (c.controllerManager) out.push({ what: `kube-controller-manager ${c.name}`, p: c.controllerManager, phase: 'controller' });
  }
  for (const c of Object.values(state.clusters)) {
    if (c.apiserver.pid > 0) out.push({ what: `kube-apiserver ${c.name}`, p: c.apiserver, phase: 'apiserver' });
  }
  if (state.karmada) out.push(...karmadaProcs(state.karmada));
  out.push({ what: 'etcd', p: state.etcd, phase: 'etcd' });
  return out;
}

/**
 * The daemons of `state` that are no longer running, each with the line of its log that says why (a Go
 * fatal line or panic, else the last line). Tests stop and restart member apiservers, but each file puts
 * them back; a daemon missing after the run died on its own, and every later test failed for it.
 */
export function deadDaemons(state: E2eState): Array<{ what: string; why: string }> {
  return allProcs(state)
    .filter(({ p }) => !isAlive(p.pid, p.bin))
    .map(({ what, p }) => {
      const lines = tailFile(p.log, 400).split('\n');
      const fatal = lines.find((line) => /^F\d{4} |^panic: |^fatal error: /.test(line));
      return { what, why: `${fatal ?? lines.at(-1) ?? '(no log)'} (log ${p.log})` };
    });
}

function statePorts(state: E2eState): number[] {
  const ports = [state.etcd.clientPort, state.etcd.peerPort, ...Object.values(state.clusters).map((c) => c.port)];
  if (state.kubefed) ports.push(state.kubefed.healthzPort, state.kubefed.metricsPort);
  if (state.karmada) ports.push(...karmadaPorts(state.karmada));
  return ports.filter((p) => p > 0);
}

/**
 * Stops every process recorded in `state` (SIGTERM, then SIGKILL), plus stray daemons of an earlier crashed
 * run found by their command line pointing into `.e2e/`, then removes `.e2e/`. With `verify`, throws if any
 * process survived or a recorded port is still listening.
 */
export async function teardown(state: E2eState | null, verify: boolean): Promise<void> {
  const procs = state ? allProcs(state) : [];
  // Controllers first (so they do not log storms of errors), then apiservers, then etcd.
  const groupsInOrder = (['controller', 'apiserver', 'etcd'] as const).map((phase) => procs.filter((x) => x.phase === phase));
  for (const group of groupsInOrder) await Promise.all(group.map((x) => stopProc(x.p)));

  const strays = findProcsMentioning(E2E_DIR + '/').filter((s) => DAEMON_NAMES.has(basename(s.argv[0] ?? '')));
  for (const s of strays) {
    log(`stopping stray ${basename(s.argv[0] ?? '?')} (pid ${s.pid})`);
    await stopProc({ pid: s.pid, bin: s.argv[0] ?? '' });
  }

  const problems: string[] = [];
  if (verify) {
    for (const { what, p } of procs) if (isAlive(p.pid, p.bin)) problems.push(`${what} (pid ${p.pid}) still running`);
    const left = findProcsMentioning(E2E_DIR + '/').filter((s) => DAEMON_NAMES.has(basename(s.argv[0] ?? '')));
    for (const s of left) problems.push(`${s.argv[0]} (pid ${s.pid}) still running`);
    if (state) {
      const ports = statePorts(state);
      try {
        await waitFor(() => ports.every((p) => !listeningPorts().has(p)), 10_000, { what: 'ports to close' });
      } catch {
        const open = listeningPorts();
        for (const p of ports) if (open.has(p)) problems.push(`port ${p} still listening`);
      }
    }
  }
  rmSync(E2E_DIR, { recursive: true, force: true });
  if (problems.length > 0) throw new Error(`e2e down left things behind:\n  ${problems.join('\n  ')}`);
}

export async function down(): Promise<void> {
  const state = readState();
  if (!state && !existsSync(E2E_DIR)) {
    log('nothing to stop');
    return;
  }
  await teardown(state, true);
  log(`stopped${state ? ` ${allProcs(state).length} processes` : ''}; removed ${E2E_DIR}`);
}
