// Library for e2e tests: access to the environment `cli.ts up` started (or to an existing one named by
// KUBEFEDCTL_E2E_KUBECONFIG).
//
//   const env = loadE2eEnv();
//   await env.adminRequest('cluster2', 'GET', '/api/v1/namespaces');
//   const r = await env.kubefedctl(['join', 'cluster2', '--host-cluster-context', 'cluster1',
//                                   '--kubeconfig', env.kubeconfig]);
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { startApiserver as startApiserverIn, stopApiserver as stopApiserverIn } from './cluster.js';
import { kubeRequest, type Credentials, type KubeResponse, type RequestOptions } from './kube.js';
import { waitFor as waitForImpl } from './procs.js';
import { HOST_CLUSTER, KUBECONFIG_FILE, KUBEFED_NAMESPACE, readState, REPO_ROOT, STATE_FILE, type E2eState } from './state.js';

export type { Credentials, KubeResponse, RequestOptions } from './kube.js';
export type { ClusterState, E2eState } from './state.js';
export { KUBEFED_NAMESPACE, REPO_ROOT } from './state.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; null if killed by a signal (e.g. the timeout). */
  code: number | null;
}

export interface ExecOptions {
  /** Added to the inherited environment (KUBECONFIG is removed from the inherited one; set it here if a test needs it). */
  env?: Record<string, string | undefined>;
  /** Written to stdin (stdin is closed either way). */
  input?: string;
  cwd?: string;
  /** Default 120 s; the process gets SIGKILL after that. */
  timeoutMs?: number;
}

export interface E2eEnv {
  /** Kubeconfig with contexts cluster1 (host), cluster2 (member) [, cluster3]; current-context cluster1. */
  kubeconfig: string;
  /** True when running against KUBEFEDCTL_E2E_KUBECONFIG instead of the harness-started environment. */
  external: boolean;
  /** Harness state (.e2e/state.json); null for an external environment. */
  state: E2eState | null;
  /** Context/cluster names, host first. */
  clusters: string[];
  hostCluster: string;
  kubefedNamespace: string;
  /** Whether stopApiserver/startApiserver are available (only for the harness-started environment). */
  canControlApiservers: boolean;
  server(cluster: string): string;
  /** PEM of the CA the cluster's apiserver serving cert chains to (undefined if the kubeconfig skips TLS verification). */
  caPem(cluster: string): string | undefined;
  credentials(cluster: string): Credentials;
  /** HTTPS + JSON request as the cluster admin. Body objects are JSON-encoded; PATCH defaults to merge-patch. */
  adminRequest<T = any>(cluster: string, method: string, path: string, body?: unknown, opts?: RequestOptions): Promise<KubeResponse<T>>;
  /** Runs `node bin/kubefedctl.js ...args` from the repo root. `--kubeconfig` is NOT added: pass it. */
  kubefedctl(args: string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * kubectl of the clusters' Kubernetes version, built by the harness; for an external environment,
   * KUBEFEDCTL_E2E_KUBECTL if set. undefined when there is none (tests that need it skip).
   */
  kubectlPath: string | undefined;
  /** Runs the original Go kubefedctl v0.10.0 (reference oracle); throws for an external environment. */
  kubefedctlGo(args: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Stops a cluster's kube-apiserver (SIGTERM, then SIGKILL) and waits until its port is closed. */
  stopApiserver(cluster: string): Promise<void>;
  /** Restarts it with the same port, certificates and etcd data, and waits for /readyz. */
  startApiserver(cluster: string): Promise<void>;
  waitFor: typeof waitFor;
}

/** Polls `fn` until it returns something other than undefined/null/false; errors thrown by `fn` mean "not yet". */
export function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs: number,
  opts?: { intervalMs?: number; what?: string },
): Promise<Exclude<T, false | null | undefined>> {
  return waitForImpl(fn, timeoutMs, opts);
}

/** A DNS-1123-safe unique name, e.g. uniqueName('e2e-ns') -> 'e2e-ns-3f9a1c'. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Runs a program to completion, collecting its output (what kubefedctl() and kubefedctlGo() use). */
export function execFileCollect(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['KUBECONFIG'];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

interface KubeconfigFile {
  clusters?: Array<{ name: string; cluster: Record<string, unknown> }>;
  users?: Array<{ name: string; user: Record<string, unknown> }>;
  contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
  'current-context'?: string;
}

/** Credentials of one context of a kubeconfig file (token or client certificate; no exec plugins). */
export function credsFromKubeconfig(file: string, context: string): Credentials {
  const cfg = yaml.load(readFileSync(file, 'utf8')) as KubeconfigFile;
  const base = dirname(file);
  const ctx = cfg.contexts?.find((c) => c.name === context)?.context;
  if (!ctx) throw new Error(`${file}: no context ${context}`);
  const cluster = cfg.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  const user = cfg.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (!cluster) throw new Error(`${file}: context ${context} names unknown cluster ${ctx.cluster}`);
  const str = (o: Record<string, unknown>, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const dataOrFile = (o: Record<string, unknown>, dataKey: string, fileKey: string): Buffer | undefined => {
    const data = str(o, dataKey);
    if (data) return Buffer.from(data, 'base64');
    const f = str(o, fileKey);
    if (f) return readFileSync(isAbsolute(f) ? f : resolve(base, f));
    return undefined;
  };
  if (user['exec'] || user['auth-provider']) {
    throw new Error(`${file}: user ${ctx.user} uses exec/auth-provider credentials, which the e2e helpers do not support; use a token or client certificate`);
  }
  const tokenFile = str(user, 'tokenFile');
  const token = str(user, 'token') ?? (tokenFile ? readFileSync(resolve(base, tokenFile), 'utf8').trim() : undefined);
  const server = str(cluster, 'server');
  if (!server) throw new Error(`${file}: cluster ${ctx.cluster} has no server`);
  const creds: Credentials = { server: server.replace(/\/+$/, '') };
  const ca = dataOrFile(cluster, 'certificate-authority-data', 'certificate-authority');
  if (ca) creds.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) creds.insecureSkipTlsVerify = true;
  if (token) creds.token = token;
  const cert = dataOrFile(user, 'client-certificate-data', 'client-certificate');
  const key = dataOrFile(user, 'client-key-data', 'client-key');
  if (cert) creds.cert = cert;
  if (key) creds.key = key;
  return creds;
}

/**
 * Loads the environment: `.e2e/state.json` + `.e2e/kubeconfig` written by `cli.ts up`, or, when
 * KUBEFEDCTL_E2E_KUBECONFIG is set, that kubeconfig (contexts cluster1, cluster2 [, cluster3]).
 */
export function loadE2eEnv(): E2eEnv {
  const externalFile = process.env['KUBEFEDCTL_E2E_KUBECONFIG'];
  const external = externalFile !== undefined && externalFile !== '';
  let state: E2eState | null = null;
  let kubeconfig: string;
  let clusters: string[];
  if (external) {
    kubeconfig = resolve(externalFile);
    if (!existsSync(kubeconfig)) throw new Error(`KUBEFEDCTL_E2E_KUBECONFIG=${externalFile}: no such file`);
    const cfg = yaml.load(readFileSync(kubeconfig, 'utf8')) as KubeconfigFile;
    const names = new Set((cfg.contexts ?? []).map((c) => c.name));
    clusters = ['cluster1', 'cluster2', 'cluster3', 'cluster4', 'cluster5'].filter((n) => names.has(n));
    if (!names.has('cluster1') || !names.has('cluster2')) {
      throw new Error(`${kubeconfig} must have contexts named cluster1 (KubeFed host) and cluster2 (member)`);
    }
  } else {
    state = readState();
    if (!state) throw new Error(`no e2e environment: ${STATE_FILE} is missing; run \`npm run e2e:up\` (or npm run test:e2e)`);
    kubeconfig = state.kubeconfig ?? KUBECONFIG_FILE;
    clusters = Object.keys(state.clusters);
  }

  const credCache = new Map<string, Credentials>();
  const credentials = (cluster: string): Credentials => {
    const hit = credCache.get(cluster);
    if (hit) return hit;
    let creds: Credentials;
    if (state) {
      const c = state.clusters[cluster];
      if (!c) throw new Error(`unknown cluster ${cluster} (have ${clusters.join(', ')})`);
      creds = { server: c.server, ca: readFileSync(c.caFile), token: c.adminToken };
    } else {
      creds = credsFromKubeconfig(kubeconfig, cluster);
    }
    credCache.set(cluster, creds);
    return creds;
  };

  const controlled = (): E2eState => {
    if (external) throw new Error('stopApiserver/startApiserver need the harness-started environment (not KUBEFEDCTL_E2E_KUBECONFIG)');
    const fresh = readState();
    if (!fresh) throw new Error(`${STATE_FILE} disappeared`);
    return fresh;
  };

  return {
    kubeconfig,
    external,
    state,
    clusters,
    hostCluster: HOST_CLUSTER,
    kubefedNamespace: KUBEFED_NAMESPACE,
    canControlApiservers: !external,
    server: (cluster) => credentials(cluster).server,
    caPem: (cluster) => {
      const ca = credentials(cluster).ca;
      return ca === undefined ? undefined : ca.toString();
    },
    credentials,
    adminRequest: (cluster, method, path, body, opts) => kubeRequest(credentials(cluster), method, path, body, opts),
    kubefedctl: (args, opts) => execFileCollect(process.execPath, [join(REPO_ROOT, 'bin', 'kubefedctl.js'), ...args], opts),
    kubectlPath: state ? state.binaries.kubectl : process.env['KUBEFEDCTL_E2E_KUBECTL'] || undefined,
    kubefedctlGo: (args, opts) => {
      if (!state) throw new Error('the Go kubefedctl is only available in the harness-started environment');
      return execFileCollect(state.binaries.kubefedctlGo, args, opts);
    },
    stopApiserver: async (cluster) => {
      await stopApiserverIn(controlled(), cluster);
    },
    startApiserver: async (cluster) => {
      const s = controlled();
      await startApiserverIn(s, cluster);
      state = s;
    },
    waitFor,
  };
}
