// Shared pieces for the command e2e tests: kubeconfig variants, limited users, snapshots, and
// a record of every output so tests can assert that no token ever appeared.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { type E2eEnv, type ExecResult, KUBEFED_NAMESPACE, REPO_ROOT } from './harness/env.js';

export const NS = KUBEFED_NAMESPACE;
export const MANAGED = 'app.kubernetes.io/managed-by=kubefedctl';

export interface ContextSpec {
  name: string;
  cluster: Record<string, unknown>;
  user: Record<string, unknown>;
}

/** Writes a kubeconfig holding exactly these contexts; returns its path. */
export function writeKubeconfig(contexts: ContextSpec[], current?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-e2e-kubeconfig-'));
  const file = path.join(dir, 'config');
  writeFileSync(
    file,
    yaml.dump({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: contexts.map((c) => ({ name: c.name, cluster: c.cluster })),
      users: contexts.map((c) => ({ name: c.name, user: c.user })),
      contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: c.name } })),
      'current-context': current ?? contexts[0]!.name,
    }),
  );
  return file;
}

export function adminContext(env: E2eEnv, cluster: string, name = cluster): ContextSpec {
  const ca = env.caPem(cluster);
  return {
    name,
    cluster: { server: env.server(cluster), ...(ca ? { 'certificate-authority-data': Buffer.from(ca).toString('base64') } : {}) },
    user: { token: env.credentials(cluster).token },
  };
}

/** Everything kubefedctl printed in this process's tests, to check no token leaked. */
const outputs: string[] = [];

export async function kubefedctl(env: E2eEnv, args: string[], opts: Parameters<E2eEnv['kubefedctl']>[1] = {}): Promise<ExecResult> {
  const result = await env.kubefedctl(args, opts);
  outputs.push(result.stdout, result.stderr);
  return result;
}

export function assertNoTokenPrinted(tokens: Iterable<string>): void {
  const all = outputs.join('\n');
  for (const token of tokens) {
    if (!token) continue;
    assert.ok(!all.includes(token), 'a service account token appeared in kubefedctl output');
    assert.ok(!all.includes(Buffer.from(token).toString('base64')), 'a base64 token appeared in kubefedctl output');
  }
}

export function describeRun(result: ExecResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

export async function getObject(env: E2eEnv, cluster: string, apiPath: string): Promise<any | undefined> {
  const response = await env.adminRequest(cluster, 'GET', apiPath);
  if (response.status === 404) return undefined;
  assert.equal(response.status, 200, `GET ${apiPath} on ${cluster}: ${response.text}`);
  return response.body;
}

export async function listNames(env: E2eEnv, cluster: string, apiPath: string): Promise<string[]> {
  const response = await env.adminRequest(cluster, 'GET', apiPath);
  if (response.status === 404) return [];
  assert.equal(response.status, 200, `GET ${apiPath} on ${cluster}: ${response.text}`);
  return (response.body.items as Array<{ metadata: { name: string; namespace?: string } }>)
    .map((i) => (i.metadata.namespace ? `${i.metadata.namespace}/` : '') + i.metadata.name)
    .sort();
}

/** What join/unjoin can touch, as name lists: equal snapshots mean nothing changed. */
export async function snapshot(env: E2eEnv, host: string, member: string, namespace = NS): Promise<Record<string, string[]>> {
  const entries: Array<[string, Promise<string[]>]> = [
    [`${member} namespaces`, listNames(env, member, '/api/v1/namespaces')],
    [`${member} serviceaccounts`, listNames(env, member, `/api/v1/namespaces/${namespace}/serviceaccounts`)],
    [`${member} secrets`, listNames(env, member, `/api/v1/namespaces/${namespace}/secrets`)],
    [`${member} clusterroles`, listNames(env, member, `/apis/rbac.authorization.k8s.io/v1/clusterroles?labelSelector=${MANAGED}`)],
    [`${member} clusterrolebindings`, listNames(env, member, `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?labelSelector=${MANAGED}`)],
    [
      `${member} kubefed clusterroles`,
      listNames(env, member, '/apis/rbac.authorization.k8s.io/v1/clusterroles').then((n) => n.filter((x) => x.startsWith('kubefed-controller-manager:'))),
    ],
    [`${member} roles`, listNames(env, member, `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`)],
    [`${host} secrets`, listNames(env, host, `/api/v1/namespaces/${namespace}/secrets`)],
    [`${host} kubefedclusters`, listNames(env, host, `/apis/core.kubefed.io/v1beta1/namespaces/${namespace}/kubefedclusters`)],
  ];
  const values = await Promise.all(entries.map(([, p]) => p));
  return Object.fromEntries(entries.map(([k], i) => [k, values[i]!]));
}

/** Waits until the member no longer shows a namespace that a rollback or unjoin deleted. */
export async function waitForNamespaceGone(env: E2eEnv, cluster: string, namespace: string): Promise<void> {
  await env.waitFor(async () => (await getObject(env, cluster, `/api/v1/namespaces/${namespace}`)) === undefined, 90_000, {
    what: `namespace ${namespace} deleted in ${cluster}`,
  });
}

/** The token of a service-account token Secret, to check it never leaks. */
export async function tokenOf(env: E2eEnv, cluster: string, namespace: string, secret: string): Promise<string | undefined> {
  const object = await getObject(env, cluster, `/api/v1/namespaces/${namespace}/secrets/${secret}`);
  const data = object?.data?.token as string | undefined;
  return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

/**
 * A service account in `cluster` with the permissions join needs, except `create` on `deniedResource`
 * (a real 403 from a real apiserver: the failure injection for rollback tests). Returns its token.
 */
export async function limitedUser(env: E2eEnv, cluster: string, name: string, deniedResource: string | undefined): Promise<string> {
  const rbac = 'rbac.authorization.k8s.io';
  const verbs = (resource: string) => ['get', 'list', 'watch', 'delete', 'update', 'patch', ...(resource === deniedResource ? [] : ['create'])];
  const core = ['namespaces', 'serviceaccounts', 'secrets', 'configmaps'];
  const rbacResources = ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'];
  const kubefed = ['kubefedclusters', 'kubefedconfigs'];
  const rules = [
    ...core.map((r) => ({ apiGroups: [''], resources: [r], verbs: verbs(r) })),
    ...rbacResources.map((r) => ({ apiGroups: [rbac], resources: [r], verbs: [...verbs(r), 'escalate', 'bind'] })),
    ...kubefed.map((r) => ({ apiGroups: ['core.kubefed.io'], resources: [r], verbs: verbs(r) })),
    { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list'] },
  ];
  const put = async (apiPath: string, body: unknown) => {
    const created = await env.adminRequest(cluster, 'POST', apiPath, body);
    if (created.status === 409) {
      const name = (body as { metadata: { name: string } }).metadata.name;
      const existing = await env.adminRequest(cluster, 'GET', `${apiPath}/${name}`);
      const replaced = await env.adminRequest(cluster, 'PUT', `${apiPath}/${name}`, {
        ...(body as object),
        metadata: { ...(body as { metadata: object }).metadata, resourceVersion: existing.body.metadata.resourceVersion },
      });
      assert.equal(replaced.status, 200, replaced.text);
    } else assert.equal(created.status, 201, created.text);
  };
  await put('/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  await put(`/apis/${rbac}/v1/clusterroles`, { apiVersion: `${rbac}/v1`, kind: 'ClusterRole', metadata: { name }, rules });
  await put(`/apis/${rbac}/v1/clusterrolebindings`, {
    apiVersion: `${rbac}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: rbac, kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: 'default' }],
  });
  const request = await env.adminRequest(cluster, 'POST', `/api/v1/namespaces/default/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  assert.equal(request.status, 201, request.text);
  return request.body.status.token as string;
}

/**
 * A kubeconfig with an admin context for every cluster of the environment (named like the cluster), where
 * the clusters in `servers` use that server instead, e.g. { cluster2: proxy.url } to send the member's
 * requests through a fault proxy. CA data and tokens stay the cluster's own.
 */
export function writeKubeconfigVia(env: E2eEnv, servers: Record<string, string>): string {
  return writeKubeconfig(
    env.clusters.map((cluster) => {
      const context = adminContext(env, cluster);
      const server = servers[cluster];
      return server === undefined ? context : { ...context, cluster: { ...context.cluster, server } };
    }),
    env.hostCluster,
  );
}

export interface RunningCommand {
  child: ChildProcess;
  /** Settles when the process has exited and its output is collected. */
  result: Promise<ExecResult & { signal: NodeJS.Signals | null; exitedAt: number }>;
}

/**
 * Starts `node bin/kubefedctl.js ...args` like env.kubefedctl, but returns at once with the child process,
 * so a test can signal it while it runs. Its output counts for assertNoTokenPrinted.
 */
export function startKubefedctl(args: string[], opts: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): RunningCommand {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv['KUBECONFIG'];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'kubefedctl.js'), ...args], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  child.stdin!.on('error', () => {});
  child.stdin!.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  const result = new Promise<ExecResult & { signal: NodeJS.Signals | null; exitedAt: number }>((resolve, reject) => {
    let exitedAt = 0;
    child.on('exit', () => (exitedAt = Date.now()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      outputs.push(stdout, stderr);
      resolve({ stdout, stderr, code, signal, exitedAt: exitedAt || Date.now() });
    });
  });
  return { child, result };
}

/** Resolves once the CLI says on stderr that it is undoing its work after a signal. */
export function signalSeen(run: RunningCommand): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the CLI did not acknowledge the signal within 5 s; stderr so far:\n${seen}`)), 5_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (/Interrupted by SIG/.test(seen)) done();
    };
    const done = () => {
      clearTimeout(timer);
      run.child.stderr!.off('data', onData);
      resolve();
    };
    run.child.stderr!.on('data', onData);
    // The process may already have ended (nothing left to undo): nothing to wait for.
    void run.result.then(done);
  });
}
