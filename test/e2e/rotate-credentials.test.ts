// rotate-credentials against real kube-apiservers and the real KubeFed controller (v0.10.0).
//
// What is proven: after a rotation the member refuses the old token (401); KubeFed, whose controller
// process is the same one as before (no restart), reports the cluster Ready and propagates a change
// made after the old token was revoked, so both its health checker and its sync controller rebuilt
// their clients from the new Secret. Then the same through the fault proxy (harness/fault-proxy.ts)
// with the answer of each write step lost, and with a refused switch (the old credentials must stay
// as they were), with Ctrl-C (SIGINT) while each write is in flight, and for two clusters in one command.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type E2eEnv, type ExecResult, loadE2eEnv, uniqueName } from './harness/env.js';
import { FaultPlan, issueProxyCert, startFaultProxy, type FaultProxy } from './harness/fault-proxy.js';
import { kubeRequest } from './harness/kube.js';
import {
  NS,
  assertNoTokenPrinted,
  describeRun,
  getObject,
  kubefedctl,
  listNames,
  snapshot,
  signalSeen,
  startKubefedctl,
  waitForNamespaceGone,
  writeKubeconfigVia,
} from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const MEMBER = env.clusters.find((c) => c !== HOST)!;
const OTHER = env.clusters.find((c) => c !== HOST && c !== MEMBER);
const SA = `${MEMBER}-${HOST}`;
const APP = uniqueName('e2e-rotate');
const KFC_PATH = `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters/${MEMBER}`;
const FED = '/apis/types.kubefed.io/v1beta1';
const needsHarness = !env.state && 'needs the harness-started environment (the fault proxy certificate is signed by the cluster CA; the controller pid)';
const seenTokens = new Set<string>();

const direct = (args: string[]): Promise<ExecResult> => kubefedctl(env, [...args, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig]);

function isReady(kfc: any): boolean {
  return ((kfc?.status?.conditions ?? []) as Array<{ type: string; status: string }>).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The member's token Secrets of the join's service account, by name. */
async function tokenSecrets(): Promise<Array<{ name: string; token: string }>> {
  const response = await env.adminRequest(MEMBER, 'GET', `/api/v1/namespaces/${NS}/secrets?fieldSelector=type%3Dkubernetes.io%2Fservice-account-token`);
  assert.equal(response.status, 200, response.text);
  return (response.body.items as any[])
    .filter((s) => s.metadata.annotations?.['kubernetes.io/service-account.name'] === SA)
    .map((s) => ({ name: s.metadata.name as string, token: Buffer.from(String(s.data?.token ?? ''), 'base64').toString('utf8') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What KubeFed uses now: the Secret the KubeFedCluster names and the token in it. */
async function credentialsInUse(cluster = MEMBER): Promise<{ hostSecret: string; token: string }> {
  const kfc = await getObject(env, HOST, `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters/${cluster}`);
  const hostSecret = kfc.spec.secretRef.name as string;
  const secret = await getObject(env, HOST, `/api/v1/namespaces/${NS}/secrets/${hostSecret}`);
  const token = Buffer.from(String(secret?.data?.token ?? ''), 'base64').toString('utf8');
  seenTokens.add(token);
  return { hostSecret, token };
}

async function statusWith(token: string, cluster = MEMBER): Promise<number> {
  const response = await kubeRequest({ server: env.server(cluster), ca: env.caPem(cluster), token }, 'GET', `/api/v1/namespaces/${NS}/serviceaccounts`);
  return response.status;
}

/** The member refuses the token; revocation reaches the authenticator's cache within moments. */
async function assertRevoked(token: string, detail: string): Promise<void> {
  await env.waitFor(async () => (await statusWith(token)) === 401, 20_000, { what: `the member refuses the old token (401)\n${detail}` });
}

function controllerPid(): number {
  const pid = env.state!.kubefed!.pid;
  process.kill(pid, 0); // throws if the controller is not running
  return pid;
}

/** A change to the federated ConfigMap made now reaches the member: KubeFed's sync controller works. */
async function assertPropagates(value: string, detail: string): Promise<void> {
  const patch = await env.adminRequest(HOST, 'PATCH', `${FED}/namespaces/${APP}/federatedconfigmaps/settings`, {
    spec: { template: { data: { rotation: value } } },
  });
  assert.equal(patch.status, 200, patch.text);
  await env.waitFor(async () => (await getObject(env, MEMBER, `/api/v1/namespaces/${APP}/configmaps/settings`))?.data?.rotation === value, 60_000, {
    what: `KubeFed propagates rotation=${value} to ${MEMBER}\n${detail}`,
  });
}

/**
 * After a finished rotation: one token Secret (the one KubeFed's host Secret holds), one host
 * Secret for the cluster (the one the KubeFedCluster names), the old token refused, the new one
 * accepted, KubeFed Ready, a change propagated, the controller not restarted.
 */
async function assertRotated(old: { hostSecret: string; token: string }, pid: number, detail: string): Promise<void> {
  const now = await credentialsInUse();
  assert.notEqual(now.hostSecret, old.hostSecret, `the KubeFedCluster names a new Secret\n${detail}`);
  assert.notEqual(now.token, old.token, `a new token\n${detail}`);
  assert.deepEqual(
    (await tokenSecrets()).map((s) => s.token === now.token),
    [true],
    `exactly one token Secret left, the one in use\n${detail}`,
  );
  assert.deepEqual(
    await listNames(env, HOST, `/api/v1/namespaces/${NS}/secrets?labelSelector=kubefed.io/cluster-name=${MEMBER}`),
    [`${NS}/${now.hostSecret}`],
    `one host Secret, the one in use\n${detail}`,
  );
  await assertRevoked(old.token, detail);
  assert.equal(await statusWith(now.token), 200, `the new token works\n${detail}`);
  await env.waitFor(async () => isReady(await getObject(env, HOST, KFC_PATH)), 30_000, { what: `KubeFed reports ${MEMBER} Ready\n${detail}` });
  await assertPropagates(now.hostSecret, detail);
  assert.equal(controllerPid(), pid, `the KubeFed controller was not restarted\n${detail}`);
}

function assertCleanFailure(result: ExecResult, detail: string): void {
  assert.equal(result.code, 1, detail);
  assert.equal(result.stderr.split('\n').filter((line) => line.startsWith('error: ')).length, 1, `exactly one "error:" line\n${detail}`);
  assert.doesNotMatch(result.stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace\n${detail}`);
}

describe('rotate-credentials against KubeFed', { skip: needsHarness, timeout: 1_800_000 }, () => {
  const plan = new FaultPlan();
  const proxies: FaultProxy[] = [];
  let viaProxy = '';
  let certDir = '';
  let pid = 0;
  let cleanWrites: string[] = [];
  const rotate = (extra: string[] = []) => kubefedctl(env, ['rotate-credentials', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', viaProxy, ...extra]);
  const detailOf = (result: ExecResult) => `${describeRun(result)}\n--- writes seen by the proxy\n${plan.describeWrites()}`;

  before(async () => {
    certDir = mkdtempSync(path.join(os.tmpdir(), 'kfc-rotate-proxy-'));
    const servers: Record<string, string> = {};
    for (const cluster of [HOST, MEMBER]) {
      const proxy = await startFaultProxy({
        upstream: env.server(cluster),
        upstreamCa: env.caPem(cluster)!,
        ...(await issueProxyCert(env.state!.clusters[cluster]!, certDir)),
        plan,
        label: cluster,
      });
      proxies.push(proxy);
      servers[cluster] = proxy.url;
    }
    viaProxy = writeKubeconfigVia(env, servers);
    await direct(['unjoin', MEMBER, '--force']);
    await waitForNamespaceGone(env, MEMBER, NS);
    const join = await direct(['join', MEMBER, '--wait=90s']);
    assert.equal(join.code, 0, describeRun(join));
    // Something KubeFed keeps propagating to the member throughout.
    for (const [p, body] of [
      ['/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP } }],
      [
        `${FED}/namespaces/${APP}/federatednamespaces`,
        {
          apiVersion: 'types.kubefed.io/v1beta1',
          kind: 'FederatedNamespace',
          metadata: { name: APP, namespace: APP },
          spec: { placement: { clusters: [{ name: MEMBER }] } },
        },
      ],
      [
        `${FED}/namespaces/${APP}/federatedconfigmaps`,
        {
          apiVersion: 'types.kubefed.io/v1beta1',
          kind: 'FederatedConfigMap',
          metadata: { name: 'settings', namespace: APP },
          spec: { template: { data: { rotation: 'none' } }, placement: { clusters: [{ name: MEMBER }] } },
        },
      ],
    ] as const) {
      const created = await env.adminRequest(HOST, 'POST', p, body);
      assert.equal(created.status, 201, created.text);
    }
    await assertPropagates('joined', 'before any rotation');
    pid = controllerPid();
  });

  after(async () => {
    try {
      plan.reset();
      await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${APP}`);
      await direct(['unjoin', MEMBER, '--force']);
      await waitForNamespaceGone(env, MEMBER, NS);
    } finally {
      for (const proxy of proxies) await proxy.close();
      rmSync(certDir, { recursive: true, force: true });
      if (viaProxy) rmSync(path.dirname(viaProxy), { recursive: true, force: true });
    }
    assertNoTokenPrinted(seenTokens);
  });

  test('a rotation: the old token is refused (401), KubeFed stays Ready and propagates, no controller restart; get clusters -o wide shows the new age', async (t) => {
    const old = await credentialsInUse();
    const dry = await rotate(['--dry-run']);
    assert.equal(dry.code, 0, describeRun(dry));
    assert.match(dry.stdout, new RegExp(`delete secret/${NS}/${SA}\\b`));
    assert.match(dry.stdout, /patch kubefedcluster\.core\.kubefed\.io/);
    assert.deepEqual(await credentialsInUse(), old, 'a dry run changes nothing');
    plan.reset();
    const result = await rotate();
    const detail = detailOf(result);
    assert.equal(result.code, 0, detail);
    assert.match(result.stdout, new RegExp(`^kubefedcluster\\.core\\.kubefed\\.io/${MEMBER} credentials rotated, Ready; 1 old token revoked$`, 'm'), detail);
    cleanWrites = plan.writes.map((w) => `${w.via} ${w.method} ${w.path}`);
    t.diagnostic(`write steps: ${cleanWrites.length} (${cleanWrites.join(', ')})`);
    // The two deletes go together (one stage), so their order between the clusters is free.
    const shapes = cleanWrites.map((w) => w.replace(/\/[^/]*$/, '/*'));
    assert.deepEqual(
      [...shapes.slice(0, 3), ...shapes.slice(3).sort()],
      [
        `${MEMBER} POST /api/v1/namespaces/${NS}/*`,
        `${HOST} POST /api/v1/namespaces/${NS}/*`,
        `${HOST} PATCH /apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters/*`,
        ...[`${MEMBER} DELETE /api/v1/namespaces/${NS}/secrets/*`, `${HOST} DELETE /api/v1/namespaces/${NS}/secrets/*`].sort(),
      ],
      `new token, new host Secret, the switch, then the old token and host Secret\n${detail}`,
    );
    await assertRotated(old, pid, detail);
    const wide = await direct(['get', 'clusters', MEMBER, '-o', 'wide']);
    const now = await credentialsInUse();
    assert.match(wide.stdout, new RegExp(`^${MEMBER} +True .* ${now.hostSecret} +\\d+s +ClusterReady`, 'm'), describeRun(wide));
  });

  test('the answer to each write step is lost: the rotation finishes (or fails cleanly and a re-run finishes), with the same proof', async (t) => {
    assert.equal(cleanWrites.length, 5, 'the clean rotation ran first');
    for (let n = 1; n <= cleanWrites.length; n++) {
      await t.test(`write ${n} of ${cleanWrites.length} (${cleanWrites[n - 1]})`, async (st) => {
        const old = await credentialsInUse();
        plan.reset();
        plan.dropResponseOfWrite(n);
        const result = await rotate();
        let detail = detailOf(result);
        const write = plan.writes.find((w) => w.write === n);
        assert.equal(write?.outcome, 'response-dropped', `write ${n} had its answer dropped\n${detail}`);
        st.diagnostic(`write ${n} = ${write!.method} ${write!.path}: exit ${result.code}`);
        if (result.code !== 0) {
          assertCleanFailure(result, detail);
          plan.reset();
          const again = await rotate();
          detail = `${detailOf(again)}\n--- first run\n${detail}`;
          assert.equal(again.code, 0, `re-running after the failure\n${detail}`);
        }
        await assertRotated(old, pid, detail);
      });
    }
  });

  test('SIGINT while write n is in flight: exit 130; before the switch the old credentials are as they were, after it KubeFed works with the new ones; a re-run finishes', async (t) => {
    assert.equal(cleanWrites.length, 5, 'the clean rotation ran first');
    const switchStep = cleanWrites.findIndex((w) => w.includes(' PATCH ')) + 1;
    for (let n = 1; n <= cleanWrites.length; n++) {
      await t.test(`write ${n} of ${cleanWrites.length} (${cleanWrites[n - 1]})`, async (st) => {
        const old = await credentialsInUse();
        const before = await snapshot(env, HOST, MEMBER);
        plan.reset();
        // The write is done by the apiserver and its answer held: what the run must handle does not depend on timing.
        const held = plan.holdResponseOfWrite(n);
        const run = startKubefedctl(['rotate-credentials', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', viaProxy]);
        const arrived = await Promise.race([held.arrived, run.result.then(() => undefined)]);
        if (!arrived) assert.fail(`the run ended before write ${n}\n${detailOf(await run.result)}`);
        run.child.kill('SIGINT');
        await signalSeen(run);
        held.release();
        const result = await run.result;
        const detail = `${detailOf(result)}\n(SIGINT while write ${n} was in flight)`;
        st.diagnostic(`write ${n}: exit ${result.code}`);
        assert.equal(result.code, 130, detail);
        assert.doesNotMatch(result.stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace\n${detail}`);
        const now = await credentialsInUse();
        if (n < switchStep) {
          assert.match(result.stderr, /failed before the switch; the old credentials are unchanged/, detail);
          assert.deepEqual(now, old, `KubeFed still uses the old Secret\n${detail}`);
          assert.deepEqual(await snapshot(env, HOST, MEMBER), before, `what the run created was undone\n${detail}`);
        } else {
          assert.notEqual(now.hostSecret, old.hostSecret, `the switch happened\n${detail}`);
          // Stopped during the switch, the run rolls forward as far as the signal lets it and says how to
          // finish; during the revocation nothing is left to undo, so the signal ends it at once.
          if (n === switchStep)
            assert.match(result.stderr, /its old credentials were kept \(not revoked\)\. Run "kubefedctl rotate-credentials .*" again to finish/, detail);
          else assert.match(result.stderr, /^error: interrupted by SIGINT$/m, detail);
        }
        assert.equal(await statusWith(now.token), 200, `the credentials KubeFed uses work\n${detail}`);
        await env.waitFor(async () => isReady(await getObject(env, HOST, KFC_PATH)), 30_000, { what: `KubeFed reports ${MEMBER} Ready\n${detail}` });
        plan.reset();
        const again = await rotate();
        assert.equal(again.code, 0, `re-running after the interrupt\n${detailOf(again)}\n--- interrupted run\n${detail}`);
        await assertRotated(old, pid, `${detailOf(again)}\n--- interrupted run\n${detail}`);
      });
    }
  });

  test(
    'several clusters in one command, each on its own: two joined members are rotated, one that is not joined fails alone',
    { skip: !OTHER && 'needs 3 clusters' },
    async () => {
      const joinOther = await direct(['join', OTHER!, '--wait=90s']);
      assert.equal(joinOther.code, 0, describeRun(joinOther));
      try {
        const old = { [MEMBER]: await credentialsInUse(MEMBER), [OTHER!]: await credentialsInUse(OTHER) };
        // The host as a member name: a context that exists but was never joined.
        const result = await direct(['rotate-credentials', MEMBER, OTHER!, HOST]);
        assert.equal(result.code, 1, describeRun(result));
        for (const cluster of [MEMBER, OTHER!]) {
          assert.match(
            result.stdout,
            new RegExp(`^kubefedcluster\\.core\\.kubefed\\.io/${cluster} credentials rotated, Ready; 1 old token revoked$`, 'm'),
            describeRun(result),
          );
          const now = await credentialsInUse(cluster);
          assert.notEqual(now.hostSecret, old[cluster]!.hostSecret, `${cluster}: a new Secret\n${describeRun(result)}`);
          await env.waitFor(async () => (await statusWith(old[cluster]!.token, cluster)) === 401, 20_000, { what: `${cluster} refuses its old token` });
          assert.equal(await statusWith(now.token, cluster), 200, `${cluster}: the new token works`);
        }
        assert.match(result.stderr, new RegExp(`"${HOST}"`), describeRun(result));
        assert.doesNotMatch(result.stdout, new RegExp(`/${HOST} `), 'nothing is said rotated for the cluster that is not joined');
        await assertPropagates('after-two-at-once', describeRun(result));
        assert.equal(controllerPid(), pid);
      } finally {
        await direct(['unjoin', OTHER!, '--force']);
      }
    },
  );

  test('the switch is refused (403): the old credentials stay exactly as they were and keep working', async () => {
    const old = await credentialsInUse();
    const before = await snapshot(env, HOST, MEMBER);
    plan.reset();
    const patchStep = cleanWrites.findIndex((w) => w.includes(' PATCH ')) + 1;
    plan.failWrite(patchStep, 403);
    const result = await rotate();
    const detail = detailOf(result);
    assertCleanFailure(result, detail);
    assert.match(result.stderr, /failed before the switch; the old credentials are unchanged/, detail);
    assert.deepEqual(await credentialsInUse(), old, `KubeFed still uses the old Secret\n${detail}`);
    assert.deepEqual(await snapshot(env, HOST, MEMBER), before, `the new token and host Secret were rolled back\n${detail}`);
    assert.equal(await statusWith(old.token), 200, `the old token still works\n${detail}`);
    await assertPropagates('after-refused-switch', detail);
    assert.equal(controllerPid(), pid);
  });
});
