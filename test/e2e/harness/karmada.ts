// A Karmada control plane on loopback, started by `up` when KUBEFEDCTL_E2E_KARMADA=1: its kube-apiserver
// (the harness's kube-apiserver binary with the aggregation layer, in the harness's etcd under its own
// prefix), a kube-controller-manager for it, then karmada-aggregated-apiserver, karmada-webhook,
// karmada-controller-manager and karmada-scheduler. Members are not registered here: tests (and the
// cut-over) do that. Facts behind the flags: shared/notes/karmada-on-loopback/README.md.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { applyCrdsEstablished, applyObject, kubeOk, kubeRequest, type Credentials } from './kube.js';
import { makeKarmadaPki, type KarmadaPki } from './pki.js';
import { freePort, isAlive, spawnDaemon, tailFile, waitFor } from './procs.js';
import { writeState, type ClusterState, type E2eState, type KarmadaBinaries, type KarmadaProc, type KarmadaState, type ProcInfo } from './state.js';

export const KARMADA_CONTEXT = 'karmada';
const SYSTEM_NAMESPACE = 'karmada-system';
const AGGREGATED_SERVICE = { name: 'karmada-aggregated-apiserver', namespace: SYSTEM_NAMESPACE };

/** Basenames of the Karmada daemons, for finding strays of a crashed run. */
export const KARMADA_DAEMON_NAMES = ['karmada-controller-manager', 'karmada-scheduler', 'karmada-aggregated-apiserver', 'karmada-webhook'];

export interface KarmadaHooks {
  /** kube-apiserver flags shared with the member clusters (cluster.ts owns them). */
  apiserverArgs(c: Omit<ClusterState, 'apiserver' | 'controllerManager'>, etcdUrl: string): string[];
  /** Waits for a kube-apiserver's /readyz, failing early if it exited. */
  waitApiserver(c: ClusterState): Promise<void>;
  writeKubeconfigs(state: E2eState): void;
  log(msg: string): void;
}

/** Every Karmada process with the stop phase it belongs to (controllers, then apiservers; etcd is the harness's). */
export function karmadaProcs(k: KarmadaState): Array<{ what: string; p: ProcInfo; phase: 'controller' | 'apiserver' }> {
  const out: Array<{ what: string; p: ProcInfo; phase: 'controller' | 'apiserver' }> = [];
  const add = (what: string, p: ProcInfo | null, phase: 'controller' | 'apiserver'): void => {
    if (p && p.pid > 0) out.push({ what, p, phase });
  };
  add('karmada-controller-manager', k.controllerManager, 'controller');
  add('karmada-scheduler', k.scheduler, 'controller');
  add('karmada-webhook', k.webhook, 'controller');
  add('karmada kube-controller-manager', k.apiserver.controllerManager, 'controller');
  add('karmada-aggregated-apiserver', k.aggregatedApiserver, 'apiserver');
  add('karmada kube-apiserver', k.apiserver.apiserver, 'apiserver');
  return out;
}

export function karmadaPorts(k: KarmadaState): number[] {
  const procs = [k.aggregatedApiserver, k.webhook, k.controllerManager, k.scheduler];
  return [k.apiserver.port, ...procs.flatMap((p) => [p.port, p.healthPort, p.metricsPort])].filter((p) => p > 0);
}

function karmadaCreds(k: KarmadaState): Credentials {
  return { server: k.apiserver.server, ca: readFileSync(k.apiserver.caFile), token: k.apiserver.adminToken };
}

/** True if every Karmada process is alive and its apiserver answers /readyz. */
export async function karmadaHealthy(k: KarmadaState): Promise<boolean> {
  if (!karmadaProcs(k).every(({ p }) => isAlive(p.pid, p.bin)) || karmadaProcs(k).length !== 6) return false;
  const res = await kubeRequest(karmadaCreds(k), 'GET', '/readyz', undefined, { timeoutMs: 3000 }).catch(() => null);
  return res?.status === 200;
}

/** The kubeconfig entries of the `karmada` context: client certificate CN=system:admin (O=system:masters). */
export function karmadaKubeconfigEntries(k: KarmadaState): { cluster: object; user: object; context: object } {
  const c = k.apiserver;
  return {
    cluster: { name: KARMADA_CONTEXT, cluster: { server: c.server, 'certificate-authority-data': readFileSync(c.caFile).toString('base64') } },
    user: {
      name: `${KARMADA_CONTEXT}-admin`,
      user: {
        'client-certificate-data': readFileSync(c.adminCertFile).toString('base64'),
        'client-key-data': readFileSync(c.adminKeyFile).toString('base64'),
      },
    },
    context: { name: KARMADA_CONTEXT, context: { cluster: KARMADA_CONTEXT, user: `${KARMADA_CONTEXT}-admin` } },
  };
}

function writeComponentKubeconfig(k: KarmadaState): void {
  const e = karmadaKubeconfigEntries(k);
  const doc = { apiVersion: 'v1', kind: 'Config', clusters: [e.cluster], users: [e.user], contexts: [e.context], 'current-context': KARMADA_CONTEXT };
  writeFileSync(k.apiserver.adminKubeconfig, yaml.dump(doc, { lineWidth: -1 }), { mode: 0o600 });
}

function assertAlive(p: ProcInfo, what: string): void {
  if (!isAlive(p.pid, p.bin)) throw new Error(`${what} (pid ${p.pid}) exited; last log lines from ${p.log}:\n${tailFile(p.log)}`);
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const ent of readdirSync(dir).sort()) {
    const p = join(dir, ent);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(ent)) out.push(p);
  }
  return out;
}

async function applyCrds(creds: Credentials, crdDir: string): Promise<void> {
  const crds = yamlFilesUnder(crdDir)
    .flatMap((f) => yaml.loadAll(readFileSync(f, 'utf8')) as any[])
    .filter((d) => d && d.kind === 'CustomResourceDefinition');
  if (crds.length === 0) throw new Error(`no CustomResourceDefinitions under ${crdDir}`);
  // POST, not client-side apply: resourcebindings is 114 KB, which a last-applied annotation would nearly hit.
  await applyCrdsEstablished(creds, crds);
}

/** Upstream's cluster-proxy admin RBAC, written out: system:admin may use clusters/proxy (unifiedAuth then grants the impersonator). */
function clusterProxyRbac(): Array<{ path: string; obj: object }> {
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  return [
    {
      path: `${rbac}/clusterroles`,
      obj: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'cluster-proxy-admin' },
        rules: [{ apiGroups: ['cluster.karmada.io'], resources: ['clusters/proxy'], verbs: ['*'] }],
      },
    },
    {
      path: `${rbac}/clusterrolebindings`,
      obj: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'cluster-proxy-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-proxy-admin' },
        subjects: [{ kind: 'User', name: 'system:admin' }],
      },
    },
  ];
}

/**
 * The webhooks karmada-webhook serves (cmd/webhook registers these paths), as upstream's
 * webhook-configuration registers them, but addressed by URL on loopback. Each entry has failurePolicy
 * Fail, so this is applied only once the webhook answers.
 */
const WEBHOOKS: Array<{ kind: 'mutate' | 'validate'; resource: string; group: string; scope: 'Namespaced' | 'Cluster'; ops?: string[]; timeout?: number }> = [
  { kind: 'mutate', resource: 'propagationpolicies', group: 'policy.karmada.io', scope: 'Namespaced' },
  { kind: 'mutate', resource: 'clusterpropagationpolicies', group: 'policy.karmada.io', scope: 'Cluster' },
  { kind: 'mutate', resource: 'overridepolicies', group: 'policy.karmada.io', scope: 'Namespaced' },
  { kind: 'mutate', resource: 'resourcebindings', group: 'work.karmada.io', scope: 'Namespaced', ops: ['CREATE'] },
  { kind: 'mutate', resource: 'clusterresourcebindings', group: 'work.karmada.io', scope: 'Cluster', ops: ['CREATE'] },
  { kind: 'mutate', resource: 'works', group: 'work.karmada.io', scope: 'Namespaced' },
  { kind: 'mutate', resource: 'federatedhpas', group: 'autoscaling.karmada.io', scope: 'Namespaced' },
  { kind: 'mutate', resource: 'multiclusterservices', group: 'networking.karmada.io', scope: 'Namespaced' },
  { kind: 'validate', resource: 'propagationpolicies', group: 'policy.karmada.io', scope: 'Namespaced' },
  { kind: 'validate', resource: 'clusterpropagationpolicies', group: 'policy.karmada.io', scope: 'Cluster' },
  { kind: 'validate', resource: 'overridepolicies', group: 'policy.karmada.io', scope: 'Namespaced' },
  { kind: 'validate', resource: 'clusteroverridepolicies', group: 'policy.karmada.io', scope: 'Cluster' },
  { kind: 'validate', resource: 'resourceinterpreterwebhookconfigurations', group: 'config.karmada.io', scope: 'Cluster' },
  { kind: 'validate', resource: 'resourceinterpretercustomizations', group: 'config.karmada.io', scope: 'Cluster', timeout: 10 },
  { kind: 'validate', resource: 'federatedresourcequotas', group: 'policy.karmada.io', scope: 'Namespaced' },
  { kind: 'validate', resource: 'multiclusteringresses', group: 'networking.karmada.io', scope: 'Namespaced' },
  { kind: 'validate', resource: 'federatedhpas', group: 'autoscaling.karmada.io', scope: 'Namespaced' },
  { kind: 'validate', resource: 'cronfederatedhpas', group: 'autoscaling.karmada.io', scope: 'Namespaced' },
  { kind: 'validate', resource: 'multiclusterservices', group: 'networking.karmada.io', scope: 'Namespaced' },
  { kind: 'validate', resource: 'resourcebindings', group: 'work.karmada.io', scope: 'Namespaced' },
  { kind: 'validate', resource: 'clustertaintpolicies', group: 'policy.karmada.io', scope: 'Cluster' },
];

/** Path of a webhook: /<kind>-<singular>, where the singular is the resource minus its plural ending. */
function webhookPath(kind: string, resource: string): string {
  const singular = resource.endsWith('ies') ? `${resource.slice(0, -3)}y` : resource.replace(/s$/, '');
  return `/${kind}-${singular}`;
}

function webhookConfigurations(url: string, caBundle: string): Array<{ path: string; obj: object }> {
  const entry = (w: (typeof WEBHOOKS)[number]): object => ({
    name: `${w.resource.replace(/ies$/, 'y').replace(/s$/, '')}.${w.group}`,
    rules: [{ operations: w.ops ?? ['CREATE', 'UPDATE'], apiGroups: [w.group], apiVersions: ['*'], resources: [w.resource], scope: w.scope }],
    clientConfig: { url: `${url}${webhookPath(w.kind, w.resource)}`, caBundle },
    failurePolicy: 'Fail',
    // The resourcebinding validator reads other objects but writes nothing; upstream marks it NoneOnDryRun.
    sideEffects: w.kind === 'validate' && w.resource === 'resourcebindings' ? 'NoneOnDryRun' : 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: w.timeout ?? 3,
  });
  const adm = '/apis/admissionregistration.k8s.io/v1';
  return [
    {
      path: `${adm}/mutatingwebhookconfigurations`,
      obj: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: 'mutating-config' },
        webhooks: WEBHOOKS.filter((w) => w.kind === 'mutate').map(entry),
      },
    },
    {
      path: `${adm}/validatingwebhookconfigurations`,
      obj: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'validating-config' },
        webhooks: [
          ...WEBHOOKS.filter((w) => w.kind === 'validate').map(entry),
          // Deleting anything labelled deletion-protected is refused by the webhook.
          {
            name: 'resourcedeletionprotection.karmada.io',
            rules: [{ operations: ['DELETE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: '*' }],
            objectSelector: { matchExpressions: [{ key: 'resourcetemplate.karmada.io/deletion-protected', operator: 'Exists' }] },
            clientConfig: { url: `${url}/validate-resourcedeletionprotection`, caBundle },
            failurePolicy: 'Fail',
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
            timeoutSeconds: 3,
          },
        ],
      },
    },
  ];
}

async function httpOk(server: string, path: string, ca?: Buffer, token?: string): Promise<boolean> {
  const creds: Credentials = { server, ...(ca ? { ca } : {}), ...(token ? { token } : {}) };
  const res = await kubeRequest(creds, 'GET', path, undefined, { timeoutMs: 2000 }).catch(() => null);
  return res?.status === 200;
}

/** A not yet started process with the loopback ports it needs (0 where it needs none). */
async function proc(
  bin: string,
  args: (ports: { port: number; healthPort: number; metricsPort: number }) => string[],
  log: string,
  ports: { port: boolean; health: boolean; metrics: boolean },
): Promise<KarmadaProc> {
  const p = { port: ports.port ? await freePort() : 0, healthPort: ports.health ? await freePort() : 0, metricsPort: ports.metrics ? await freePort() : 0 };
  return { pid: 0, bin, args: args(p), log, ...p };
}

/**
 * Starts the Karmada control plane into `state.karmada` (written to state as each process starts, so `down`
 * finds a half-started one). Returns once every component is ready.
 */
export async function startKarmada(state: E2eState, binaries: KarmadaBinaries, hooks: KarmadaHooks): Promise<KarmadaState> {
  const started = Date.now();
  const save = (): void => writeState(state, join(state.dir, 'state.json'));
  const dir = join(state.dir, 'karmada');
  const logs = join(state.dir, 'logs');
  const pki: KarmadaPki = await makeKarmadaPki(join(dir, 'pki'), AGGREGATED_SERVICE);
  const port = await freePort();
  const kubeconfig = join(dir, 'admin.kubeconfig');
  const base = {
    name: KARMADA_CONTEXT,
    role: 'karmada' as const,
    server: `https://127.0.0.1:${port}`,
    port,
    dir,
    ...pki,
    adminKubeconfig: kubeconfig,
    // The harness's etcd, under its own prefix (the aggregated apiserver uses the same one).
    etcdPrefix: '/karmada/registry',
  };
  const apiserverArgs = [
    ...hooks.apiserverArgs(base, state.etcd.clientUrl),
    // As upstream's karmada-apiserver: no ServiceAccount admission (no pods here), and the aggregation layer.
    '--disable-admission-plugins=StorageObjectInUseProtection,ServiceAccount',
    `--proxy-client-cert-file=${pki.frontProxyClientCertFile}`,
    `--proxy-client-key-file=${pki.frontProxyClientKeyFile}`,
    `--requestheader-client-ca-file=${pki.frontProxyCaFile}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
  ];
  const apiserver: ClusterState = {
    ...base,
    apiserver: { pid: 0, bin: state.binaries.kubeApiserver, args: apiserverArgs, log: join(logs, 'karmada-kube-apiserver.log') },
    controllerManager: null,
  };
  const etcdFlags = [`--etcd-servers=${state.etcd.clientUrl}`, `--etcd-prefix=${base.etcdPrefix}`];
  const kc = [`--kubeconfig=${kubeconfig}`];
  // One instance each: no leases (they would need karmada-system before start); defaults bind :8080 and every interface.
  const controllerFlags = (p: { healthPort: number; metricsPort: number }): string[] => [
    ...kc,
    '--leader-elect=false',
    `--metrics-bind-address=127.0.0.1:${p.metricsPort}`,
    `--health-probe-bind-address=127.0.0.1:${p.healthPort}`,
  ];

  const k: KarmadaState = {
    context: KARMADA_CONTEXT,
    version: binaries.version,
    binaries,
    apiserver,
    aggregatedApiserver: await proc(
      binaries.aggregatedApiserver,
      (p) => [
        ...kc,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        ...etcdFlags,
        '--bind-address=127.0.0.1',
        `--secure-port=${p.port}`,
        `--cert-dir=${join(dir, 'aggregated-certs')}`,
        `--tls-cert-file=${pki.aggregatedCertFile}`,
        `--tls-private-key-file=${pki.aggregatedKeyFile}`,
      ],
      join(logs, 'karmada-aggregated-apiserver.log'),
      { port: true, health: false, metrics: false },
    ),
    webhook: await proc(
      binaries.webhook,
      (p) => [
        ...kc,
        '--bind-address=127.0.0.1',
        `--secure-port=${p.port}`,
        `--cert-dir=${pki.webhookCertDir}`,
        // Defaults (:8080, :8000) bind every interface and collide with the neighbours'.
        `--metrics-bind-address=127.0.0.1:${p.metricsPort}`,
        `--health-probe-bind-address=127.0.0.1:${p.healthPort}`,
      ],
      join(logs, 'karmada-webhook.log'),
      { port: true, health: true, metrics: true },
    ),
    controllerManager: await proc(
      binaries.controllerManager,
      (p) => [...controllerFlags(p), '--controllers=*', '--cluster-status-update-frequency=10s'],
      join(logs, 'karmada-controller-manager.log'),
      { port: false, health: true, metrics: true },
    ),
    scheduler: await proc(binaries.scheduler, controllerFlags, join(logs, 'karmada-scheduler.log'), { port: false, health: true, metrics: true }),
  };
  state.karmada = k;
  writeComponentKubeconfig(k);
  hooks.writeKubeconfigs(state);

  const spawnRecorded = (p: ProcInfo): void => {
    p.pid = spawnDaemon(p.bin, p.args, p.log).pid;
  };

  // 1. The apiserver, then what the Karmada components expect to find in it.
  spawnRecorded(apiserver.apiserver);
  save();
  await hooks.waitApiserver(apiserver);
  const creds = karmadaCreds(k);
  for (const ns of [SYSTEM_NAMESPACE, 'karmada-cluster']) {
    const labels = ns === 'karmada-cluster' ? { 'karmada.io/system': 'true' } : undefined;
    await applyObject(creds, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, ...(labels ? { labels } : {}) } });
  }
  for (const { path, obj } of clusterProxyRbac()) await applyObject(creds, path, obj);
  await applyCrds(creds, binaries.crdDir);
  hooks.log(`karmada: apiserver and CRDs ready after ${((Date.now() - started) / 1000).toFixed(1)}s`);

  // 2. The aggregated apiserver, reached through an ExternalName Service: Endpoints may not hold 127.0.0.1.
  spawnRecorded(k.aggregatedApiserver);
  spawnRecorded(k.webhook);
  save();
  const caPem = readFileSync(apiserver.caFile);
  await waitFor(
    async () => {
      assertAlive(k.aggregatedApiserver, 'karmada-aggregated-apiserver');
      // As the admin: it authenticates through the Karmada apiserver (TokenReview).
      return httpOk(`https://127.0.0.1:${k.aggregatedApiserver.port}`, '/readyz', caPem, apiserver.adminToken);
    },
    90_000,
    { what: 'karmada-aggregated-apiserver /readyz', intervalMs: 250 },
  );
  await applyObject(creds, `/api/v1/namespaces/${SYSTEM_NAMESPACE}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: AGGREGATED_SERVICE,
    spec: { type: 'ExternalName', externalName: '127.0.0.1' },
  });
  await applyObject(creds, '/apis/apiregistration.k8s.io/v1/apiservices', {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1alpha1.cluster.karmada.io' },
    spec: {
      caBundle: caPem.toString('base64'),
      group: 'cluster.karmada.io',
      groupPriorityMinimum: 2000,
      version: 'v1alpha1',
      versionPriority: 10,
      // The aggregator dials <externalName>:<port> and verifies <service>.<namespace>.svc.
      service: { ...AGGREGATED_SERVICE, port: k.aggregatedApiserver.port },
    },
  });
  await waitFor(
    async () => {
      const r = await kubeOk(creds, 'GET', '/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.cluster.karmada.io');
      return (r.body?.status?.conditions ?? []).some((c: any) => c.type === 'Available' && c.status === 'True');
    },
    60_000,
    { what: 'APIService v1alpha1.cluster.karmada.io Available', intervalMs: 250 },
  );

  // 3. kube-controller-manager only now, so its garbage collector discovers cluster.karmada.io from the start.
  apiserver.controllerManager = spawnDaemon(
    state.binaries.kubeControllerManager,
    [
      ...kc,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      // GC: bindings are owned by templates, Works by namespaces, join secrets by Clusters; namespace: deletions finish.
      '--controllers=namespace,garbagecollector,serviceaccount-token,clusterrole-aggregation',
      `--root-ca-file=${apiserver.caFile}`,
      `--service-account-private-key-file=${apiserver.saKeyFile}`,
      '--use-service-account-credentials=false',
      '--leader-elect=false',
      '--secure-port=0',
      `--cluster-name=${KARMADA_CONTEXT}`,
      '--v=1',
    ],
    join(logs, 'karmada-kube-controller-manager.log'),
  );
  save();

  // 4. The webhook must answer before it is registered: every entry fails closed.
  await waitFor(
    async () => {
      assertAlive(k.webhook, 'karmada-webhook');
      return httpOk(`https://127.0.0.1:${k.webhook.port}`, '/readyz/', caPem);
    },
    90_000,
    { what: 'karmada-webhook /readyz', intervalMs: 250 },
  );
  for (const { path, obj } of webhookConfigurations(`https://127.0.0.1:${k.webhook.port}`, caPem.toString('base64'))) {
    await applyObject(creds, path, obj);
  }

  // 5. The controllers.
  spawnRecorded(k.controllerManager);
  spawnRecorded(k.scheduler);
  save();
  await Promise.all(
    [
      { p: k.controllerManager, what: 'karmada-controller-manager' },
      { p: k.scheduler, what: 'karmada-scheduler' },
    ].map(({ p, what }) =>
      waitFor(
        async () => {
          assertAlive(p, what);
          return httpOk(`http://127.0.0.1:${p.healthPort}`, '/healthz');
        },
        90_000,
        { what: `${what} /healthz`, intervalMs: 250 },
      ),
    ),
  );
  assertAlive(apiserver.controllerManager, 'karmada kube-controller-manager');
  k.readySeconds = Math.round((Date.now() - started) / 100) / 10;
  save();
  hooks.log(`karmada ${k.version}: control plane ready in ${k.readySeconds}s (context ${KARMADA_CONTEXT}, ${k.apiserver.server})`);
  return k;
}
