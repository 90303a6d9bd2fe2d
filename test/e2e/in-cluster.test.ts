// In-cluster configuration against a real kube-apiserver with real service-account tokens: the CLI
// runs with no kubeconfig, KUBERNETES_SERVICE_HOST/PORT pointing at the host cluster, and a
// service-account volume laid out as the kubelet lays it out, mounted at the real path
// /var/run/secrets/kubernetes.io/serviceaccount in a private mount namespace (unshare, as root) so
// that the code path under test is exactly the one a pod takes. Token rotation is checked across
// runs and within one run (a TLS relay holds the first response while the token is rotated and
// the old one revoked).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type E2eEnv, type ExecResult, execFileCollect, loadE2eEnv, REPO_ROOT, uniqueName } from './harness/env.js';
import { kubeRequest } from './harness/kube.js';
import { describeRun } from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const NAMESPACE = uniqueName('kfc-in-cluster');
const SA = 'kfc-reader';
const RBAC = 'rbac.authorization.k8s.io';
const MOUNT = '/run/secrets/kubernetes.io/serviceaccount';
const tokens: string[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), 'kfc-e2e-in-cluster-'));
const saDir = path.join(work, 'serviceaccount');
const home = path.join(work, 'home');
let generation = 0;

const fingerprint = (token: string): string => createHash('sha256').update(token).digest('hex').slice(0, 12);

async function create(apiPath: string, body: unknown): Promise<any> {
  const response = await env.adminRequest(HOST, 'POST', apiPath, body);
  assert.equal(response.status, 201, `POST ${apiPath}: ${response.text}`);
  return response.body;
}

/** A token for the service account, valid until the Secret `holder` is deleted (a bound token). */
async function boundToken(holder: string): Promise<string> {
  const secret = await create(`/api/v1/namespaces/${NAMESPACE}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: holder }, type: 'Opaque' });
  const request = await create(`/api/v1/namespaces/${NAMESPACE}/serviceaccounts/${SA}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600, boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: holder, uid: secret.metadata.uid } },
  });
  const token = request.status.token as string;
  tokens.push(token);
  return token;
}

async function revoke(holder: string, token: string): Promise<void> {
  const response = await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${NAMESPACE}/secrets/${holder}`);
  assert.equal(response.status, 200, response.text);
  await env.waitFor(async () => (await whoAmI(token)) === 401, 30_000, { what: `token bound to ${holder} rejected` });
}

/** The status a request with `token` gets (200 once authenticated). */
async function whoAmI(token: string): Promise<number> {
  const creds = { ...env.credentials(HOST), token };
  return (await kubeRequest(creds, 'GET', `/apis/types.kubefed.io/v1beta1/namespaces/${NAMESPACE}/federatedconfigmaps/settings`)).status;
}

/** Writes a new generation of the volume and swaps `..data` to it, as the kubelet's atomic writer does. */
function writeServiceAccountVolume(token: string): void {
  generation += 1;
  const versioned = `..2026_12_01_00_00_0${generation}.000000000`;
  mkdirSync(path.join(saDir, versioned));
  writeFileSync(path.join(saDir, versioned, 'token'), token);
  writeFileSync(path.join(saDir, versioned, 'ca.crt'), env.caPem(HOST)!);
  writeFileSync(path.join(saDir, versioned, 'namespace'), NAMESPACE);
  symlinkSync(versioned, path.join(saDir, '..data_tmp'));
  renameSync(path.join(saDir, '..data_tmp'), path.join(saDir, '..data'));
  if (generation === 1) for (const name of ['token', 'ca.crt', 'namespace']) symlinkSync(path.join('..data', name), path.join(saDir, name));
}

/**
 * Runs kubefedctl as a pod would: no kubeconfig anywhere, the service variables set, the volume at
 * the kubelet's path. A private mount namespace keeps the mounts (a tmpfs over /run, then the
 * volume) away from the rest of the machine.
 */
function runInPod(args: string[], port: number): Promise<ExecResult> {
  const script = `mount -t tmpfs tmpfs /run && mkdir -p ${MOUNT} && mount --bind "$SA_DIR" ${MOUNT} && exec "$NODE" "$BIN" "$@"`;
  return execFileCollect('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...args], {
    env: {
      HOME: home,
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(port),
      SA_DIR: saDir,
      NODE: process.execPath,
      BIN: path.join(REPO_ROOT, 'bin', 'kubefedctl.js'),
      KUBEFEDCTL_E2E_KUBECONFIG: undefined,
    },
  });
}

interface Relay {
  port: number;
  /** Token fingerprint of each request, in arrival order, and whether it came after release(). */
  seen: Array<{ fingerprint: string; afterRelease: boolean; status?: number }>;
  firstRequest: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

/**
 * A TLS relay in front of the host's kube-apiserver, with the apiserver's own certificate (so the
 * cluster CA in ca.crt trusts it): requests go through as they are, Authorization included; the
 * response to the first request is held until release().
 */
async function startRelay(): Promise<Relay> {
  const cluster = env.state!.clusters[HOST]!;
  const upstream = new URL(env.server(HOST));
  let released = false;
  let releaseHeld: () => void = () => {};
  const held = new Promise<void>((resolve) => (releaseHeld = resolve));
  let signalFirst: () => void = () => {};
  const firstRequest = new Promise<void>((resolve) => (signalFirst = resolve));
  const seen: Relay['seen'] = [];
  const server = https.createServer({ cert: readFileSync(cluster.servingCertFile), key: readFileSync(cluster.servingKeyFile) }, (request, response) => {
    const authorization = request.headers.authorization ?? '';
    const entry: Relay['seen'][number] = { fingerprint: fingerprint(authorization.replace(/^Bearer /, '')), afterRelease: released };
    const index = seen.push(entry) - 1;
    const headers = { ...request.headers, host: upstream.host };
    const forward = https.request(
      { host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers, ca: env.caPem(HOST) },
      (answer) => {
        entry.status = answer.statusCode;
        const send = () => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        };
        if (index === 0) {
          signalFirst();
          void held.then(send);
        } else send();
      },
    );
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    firstRequest,
    release() {
      released = true;
      releaseHeld();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('in-cluster configuration with a real service-account token', { timeout: 300_000 }, () => {
  let hostPort: number;

  before(async () => {
    hostPort = Number(new URL(env.server(HOST)).port);
    mkdirSync(saDir, { recursive: true });
    mkdirSync(home, { recursive: true });
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    await create(`/api/v1/namespaces/${NAMESPACE}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA } });
    // Just what orphaning-deletion needs in its namespace (discovery is granted to every authenticated user).
    await create(`/apis/${RBAC}/v1/namespaces/${NAMESPACE}/roles`, {
      apiVersion: `${RBAC}/v1`,
      kind: 'Role',
      metadata: { name: SA },
      rules: [{ apiGroups: ['types.kubefed.io'], resources: ['federatedconfigmaps'], verbs: ['get', 'patch'] }],
    });
    await create(`/apis/${RBAC}/v1/namespaces/${NAMESPACE}/rolebindings`, {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: SA },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: SA },
      subjects: [{ kind: 'ServiceAccount', name: SA, namespace: NAMESPACE }],
    });
    await create(`/apis/types.kubefed.io/v1beta1/namespaces/${NAMESPACE}/federatedconfigmaps`, {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'settings' },
      spec: { placement: { clusters: [] }, template: { data: { mode: 'fast' } } },
    });
  });

  after(async () => {
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${NAMESPACE}`).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  test('uses the mounted token, CA and namespace, and follows the token as it rotates between runs', async () => {
    const first = await boundToken('holder-first');
    writeServiceAccountVolume(first);
    const run1 = await runInPod(['orphaning-deletion', 'status', 'federatedconfigmaps', 'settings', '-v=6'], hostPort);
    assert.equal(run1.code, 0, describeRun(run1));
    assert.equal(run1.stdout, 'Disabled\n');
    // The namespace came from the volume's namespace file, the server from the service variables.
    assert.match(
      run1.stderr,
      new RegExp(`GET https://127\\.0\\.0\\.1:${hostPort}/apis/types\\.kubefed\\.io/v1beta1/namespaces/${NAMESPACE}/federatedconfigmaps/settings 200`),
    );

    const second = await boundToken('holder-second');
    writeServiceAccountVolume(second);
    await revoke('holder-first', first);
    const run2 = await runInPod(['orphaning-deletion', 'enable', 'federatedconfigmaps', 'settings'], hostPort);
    assert.equal(run2.code, 0, describeRun(run2));
    const object = await env.adminRequest(HOST, 'GET', `/apis/types.kubefed.io/v1beta1/namespaces/${NAMESPACE}/federatedconfigmaps/settings`);
    assert.equal(object.body.metadata.annotations?.['kubefed.io/orphan'], 'true', 'the write was made with the rotated token');

    // Negative control: the revoked token in the volume makes the same command fail with a 401.
    writeServiceAccountVolume(first);
    const run3 = await runInPod(['orphaning-deletion', 'status', 'federatedconfigmaps', 'settings'], hostPort);
    assert.equal(run3.code, 1, describeRun(run3));
    assert.match(run3.stderr, /Unauthorized|401/);
    for (const run of [run1, run2, run3])
      for (const token of tokens) assert.ok(!`${run.stdout}${run.stderr}`.includes(token), 'a token appeared in the output');
  });

  test('re-reads the token within one run: requests after a rotation carry the new token', async (t) => {
    const old = await boundToken('holder-old');
    const fresh = await boundToken('holder-new');
    writeServiceAccountVolume(old);
    const relay = await startRelay();
    try {
      const running = runInPod(['orphaning-deletion', 'status', 'federatedconfigmaps', 'settings'], relay.port);
      await relay.firstRequest;
      // Let every request the CLI sent alongside the first one reach the API server with the old token.
      let count = -1;
      while (count !== relay.seen.length) {
        count = relay.seen.length;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      writeServiceAccountVolume(fresh);
      await revoke('holder-old', old);
      relay.release();
      const result = await running;
      assert.equal(result.code, 0, describeRun(result));
      assert.equal(result.stdout, 'Enabled\n', 'the first test enabled orphaning');

      assert.equal(relay.seen[0]!.fingerprint, fingerprint(old));
      const later = relay.seen.filter((r) => r.afterRelease);
      t.diagnostic(`${relay.seen.length} requests, ${later.length} of them after the rotation`);
      assert.ok(later.length >= 1, `requests after the rotation: ${later.length} of ${relay.seen.length}`);
      assert.deepEqual(new Set(later.map((r) => r.fingerprint)), new Set([fingerprint(fresh)]), 'every request after the rotation used the new token');
      assert.ok(later.every((r) => r.status !== 401));
    } finally {
      relay.release();
      await relay.close();
    }
  });
});
