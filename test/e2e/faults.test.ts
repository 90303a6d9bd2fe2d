// join and unjoin under real faults, against real kube-apiservers and the real KubeFed controller.
//
// The CLI reaches both clusters through our fault proxy (harness/fault-proxy.ts): one FaultPlan in front
// of host and member numbers every write of a command in the order the apiservers receive it. A clean
// run records how many write steps join and unjoin have; then, for every step n:
//   - the n-th write is forwarded and its answer dropped (connection reset after the apiserver answered):
//     either the command succeeds (and KubeFed marks the cluster Ready) or it fails with one clean error
//     line and both clusters hold exactly what they held before;
//   - the same with a 503 in place of the answer (join and unjoin); unjoin must then succeed: a
//     delete whose outcome is unknown is settled by reading it back (404 or terminating = done);
//   - SIGINT / SIGTERM while the n-th write is in flight (the apiserver has done it, its answer is held
//     back until the signal is sent): exit 130 / 143 and both clusters as before.
// Then: join right after unjoin (terminating namespace), 20 join/unjoin cycles without sleeps, and with
// KUBEFEDCTL_E2E_CLUSTERS>=6 the several-names form of join and unjoin.
//
// The proxied kubeconfig keeps each cluster's CA and admin token; only `server` points at the proxy.
// join gets --api-endpoint <real server>, so the KubeFed controller talks to the member directly and the
// proxy's faults only ever hit the CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { type E2eEnv, type ExecResult, loadE2eEnv } from './harness/env.js';
import { FaultPlan, issueProxyCert, startFaultProxy, type FaultProxy, type Hold, type RequestRecord } from './harness/fault-proxy.js';
import {
  MANAGED,
  NS,
  adminContext,
  assertNoTokenPrinted,
  describeRun,
  getObject,
  kubefedctl,
  limitedUser,
  listNames,
  snapshot,
  signalSeen,
  startKubefedctl,
  tokenOf,
  waitForNamespaceGone,
  writeKubeconfig,
  writeKubeconfigVia,
} from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const MEMBER = env.clusters.find((c) => c !== HOST)!;
const SA = `${MEMBER}-${HOST}`;
const CLUSTER_LABEL = 'kubefed.io/cluster-name';
const KFC_PATH = `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters`;
const seenTokens = new Set<string>();
// The proxy certificate is issued by the cluster's own CA, whose key only the harness-started environment has.
const needsHarness = !env.state && 'needs the harness-started environment (the fault proxy certificate is signed by the cluster CA)';

// ------------------------------------------------------------------------------------------------
// helpers

const direct = (args: string[]): Promise<ExecResult> => kubefedctl(env, [...args, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig]);

async function kubefedCluster(name = MEMBER): Promise<any> {
  return getObject(env, HOST, `${KFC_PATH}/${name}`);
}

function isReady(kfc: any): boolean {
  return ((kfc?.status?.conditions ?? []) as Array<{ type: string; status: string }>).some((c) => c.type === 'Ready' && c.status === 'True');
}

async function waitReady(name = MEMBER): Promise<void> {
  await env.waitFor(async () => isReady(await kubefedCluster(name)), 60_000, { what: `KubeFed to mark cluster ${name} Ready` });
}

async function recordToken(cluster = MEMBER, secret = `${cluster}-${HOST}`): Promise<void> {
  const token = await tokenOf(env, cluster, NS, secret);
  if (token) seenTokens.add(token);
}

/** Host secrets labelled for this cluster. */
async function hostSecretsOf(name = MEMBER): Promise<string[]> {
  return listNames(env, HOST, `/api/v1/namespaces/${NS}/secrets?labelSelector=${CLUSTER_LABEL}=${name}`);
}

/**
 * Waits until the member's kube-federation-system namespace is either gone or present and not being
 * deleted: after a rollback nothing else is asynchronous, so the snapshot is final then.
 */
async function settleNamespace(cluster = MEMBER): Promise<'gone' | 'present'> {
  return env.waitFor(
    async () => {
      const ns = await getObject(env, cluster, `/api/v1/namespaces/${NS}`);
      if (!ns) return 'gone' as const;
      return ns.metadata.deletionTimestamp ? false : ('present' as const);
    },
    90_000,
    { what: `namespace ${NS} in ${cluster} deleted or settled` },
  );
}

/** Both clusters as `expected`; allows a few seconds for garbage collection. */
async function expectClusters(expected: Record<string, string[]>, what: string, member = MEMBER): Promise<void> {
  const same = async () => JSON.stringify(await snapshot(env, HOST, member)) === JSON.stringify(expected);
  await env.waitFor(same, 5_000, { what }).catch(() => undefined);
  assert.deepEqual(await snapshot(env, HOST, member), expected, what);
}

/** exit 1, exactly one "error:" line (hint lines allowed), no stack trace, nothing unrendered. */
function assertCleanFailure(result: ExecResult, detail: string): void {
  assert.equal(result.code, 1, detail);
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
  assert.equal(errorLines.length, 1, `exactly one "error:" line\n${detail}`);
  assert.ok(errorLines[0]!.length > 'error: '.length + 10, `a message, not just "error:"\n${detail}`);
  assert.doesNotMatch(result.stderr, /^\s+at .+(:\d+:\d+\)?|\(native\))$/m, `no stack trace\n${detail}`);
  assert.doesNotMatch(result.stderr, /\[object Object\]|\bundefined\b/, `nothing unrendered\n${detail}`);
}

function detailOf(result: ExecResult, plan: FaultPlan): string {
  return `${describeRun(result)}\n--- writes seen by the proxy\n${plan.describeWrites()}`;
}

/** The fault was really applied to write n (the command reached it). */
function assertFaultApplied(plan: FaultPlan, n: number, outcome: RequestRecord['outcome'], result: ExecResult): RequestRecord {
  const write = plan.writes.find((w) => w.write === n);
  assert.ok(write, `the command never made write ${n}\n${detailOf(result, plan)}`);
  assert.equal(write.outcome, outcome, `write ${n}: ${detailOf(result, plan)}`);
  return write;
}

// ------------------------------------------------------------------------------------------------

describe('join and unjoin survive real faults', { skip: needsHarness, timeout: 3_600_000 }, () => {
  const plan = new FaultPlan();
  const proxies: FaultProxy[] = [];
  let viaProxy = '';
  let certDir = '';
  let baseline: Record<string, string[]>;
  let joinSteps = 0;
  let unjoinSteps = 0;
  /** "<via> <method> <path>" of each write of the clean join, in order. */
  let cleanJoinWrites: string[] = [];

  const joinArgs = (extra: string[] = []) => [
    'join',
    MEMBER,
    '--host-cluster-context',
    HOST,
    '--kubeconfig',
    viaProxy,
    '--api-endpoint',
    env.server(MEMBER),
    ...extra,
  ];
  const unjoinArgs = (extra: string[] = []) => ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', viaProxy, ...extra];

  /** Nothing of MEMBER's joins left anywhere, the member namespace gone, both clusters as the baseline. */
  async function resetMember(): Promise<void> {
    plan.reset();
    const result = await direct(['unjoin', MEMBER, '--force']);
    assert.equal(result.code, 0, `reset: unjoin --force\n${describeRun(result)}`);
    await waitForNamespaceGone(env, MEMBER, NS);
    await expectClusters(baseline, 'reset: both clusters as before the tests');
  }

  /** After a successful join: Ready, and exactly one host secret, the one the KubeFedCluster uses. */
  async function assertJoined(detail: string): Promise<void> {
    await waitReady();
    await recordToken();
    const kfc = await kubefedCluster();
    assert.equal(kfc.spec.apiEndpoint, env.server(MEMBER), detail);
    assert.deepEqual(await hostSecretsOf(), [`${NS}/${kfc.spec.secretRef.name}`], `one host secret, the one the KubeFedCluster references\n${detail}`);
    assert.ok(await getObject(env, MEMBER, `/api/v1/namespaces/${NS}/serviceaccounts/${SA}`), `service account ${SA}\n${detail}`);
    assert.ok(
      await getObject(env, MEMBER, `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kubefed-controller-manager:${SA}`),
      `cluster role binding\n${detail}`,
    );
  }

  before(async () => {
    certDir = mkdtempSync(path.join(os.tmpdir(), 'kfc-fault-proxy-'));
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
    // A previous crashed run may have left a registration behind.
    await direct(['unjoin', MEMBER, '--force']);
    await waitForNamespaceGone(env, MEMBER, NS);
    baseline = await snapshot(env, HOST, MEMBER);
  });

  after(async () => {
    try {
      plan.reset();
      await direct(['unjoin', MEMBER, '--force']);
      await waitForNamespaceGone(env, MEMBER, NS);
    } finally {
      for (const proxy of proxies) await proxy.close();
      rmSync(certDir, { recursive: true, force: true });
      if (viaProxy) rmSync(path.dirname(viaProxy), { recursive: true, force: true });
    }
    assertNoTokenPrinted(seenTokens);
  });

  /** The clean run, once: the step tests need its numbers even when run alone (--test-name-pattern). */
  let recorded: Promise<void> | undefined;
  const recordSteps = (): Promise<void> => (recorded ??= recordStepsOnce());

  async function recordStepsOnce(): Promise<void> {
    await resetMember();
    const join = await kubefedctl(env, joinArgs());
    assert.equal(join.code, 0, detailOf(join, plan));
    await assertJoined(detailOf(join, plan));
    const joinWrites = plan.writes.map((w) => `${w.via} ${w.method} ${w.path}`);
    joinSteps = plan.writeCount;
    cleanJoinWrites = joinWrites;
    // Every object join creates was written through the proxy.
    for (const expected of [
      `${MEMBER} POST /api/v1/namespaces`,
      `${MEMBER} POST /api/v1/namespaces/${NS}/serviceaccounts`,
      `${MEMBER} POST /api/v1/namespaces/${NS}/secrets`,
      `${MEMBER} POST /apis/rbac.authorization.k8s.io/v1/clusterroles`,
      `${MEMBER} POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings`,
      `${HOST} POST /api/v1/namespaces/${NS}/secrets`,
      `${HOST} POST ${KFC_PATH}`,
    ]) {
      assert.ok(joinWrites.includes(expected), `join wrote ${expected}\n${plan.describeWrites()}`);
    }

    plan.reset();
    const unjoin = await kubefedctl(env, unjoinArgs());
    assert.equal(unjoin.code, 0, detailOf(unjoin, plan));
    unjoinSteps = plan.writeCount;
    const unjoinWrites = plan.writes.map((w) => `${w.via} ${w.method} ${w.path}`);
    for (const expected of [
      `${MEMBER} DELETE /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kubefed-controller-manager%3A${SA}`,
      `${MEMBER} DELETE /apis/rbac.authorization.k8s.io/v1/clusterroles/kubefed-controller-manager%3A${SA}`,
      `${MEMBER} DELETE /api/v1/namespaces/${NS}/serviceaccounts/${SA}`,
      `${MEMBER} DELETE /api/v1/namespaces/${NS}`,
      `${HOST} DELETE ${KFC_PATH}/${MEMBER}`,
    ]) {
      assert.ok(unjoinWrites.includes(expected), `unjoin wrote ${expected}\n${plan.describeWrites()}`);
    }
    assert.ok(
      unjoinWrites.some((w) => w.startsWith(`${HOST} DELETE /api/v1/namespaces/${NS}/secrets/${MEMBER}-`)),
      `unjoin deleted the host secret\n${plan.describeWrites()}`,
    );
    await waitForNamespaceGone(env, MEMBER, NS);
    await expectClusters(baseline, 'after the clean unjoin');
  }

  test('a clean join and unjoin through the proxy: record their write steps', async (t) => {
    await recordSteps();
    t.diagnostic(`write steps: join ${joinSteps} (${cleanJoinWrites.join(', ')}), unjoin ${unjoinSteps}`);
  });

  /** join with a fault on write n: success (Ready, no duplicate) or a clean failure with both clusters as before. */
  async function joinWithFault(t: TestContext, n: number, inject: () => void, outcome: RequestRecord['outcome']): Promise<void> {
    await resetMember();
    const before = await snapshot(env, HOST, MEMBER);
    inject();
    const result = await kubefedctl(env, joinArgs());
    const detail = detailOf(result, plan);
    const write = assertFaultApplied(plan, n, outcome, result);
    t.diagnostic(`write ${n} = ${write.method} ${write.path} via ${write.via}: exit ${result.code}`);
    if (result.code === 0) {
      await assertJoined(detail);
    } else {
      assertCleanFailure(result, detail);
      await settleNamespace();
      await expectClusters(before, `after the failed join both clusters hold what they held before\n${detail}`);
    }
  }

  test('join: the answer to write n is lost (reset after the apiserver answered), for every n', async (t) => {
    await recordSteps();
    for (let n = 1; n <= joinSteps; n++) {
      await t.test(`write ${n} of ${joinSteps}`, (st) => joinWithFault(st, n, () => plan.dropResponseOfWrite(n), 'response-dropped'));
    }
  });

  test('join: write n is done but answered 503, for every n', async (t) => {
    await recordSteps();
    for (let n = 1; n <= joinSteps; n++) {
      await t.test(`write ${n} of ${joinSteps}`, (st) => joinWithFault(st, n, () => plan.failWrite(n, 503, { forward: true }), 'failed-after-forwarding'));
    }
  });

  test('join: the host secret (generateName) is created but its answer never comes: the client times out', { timeout: 180_000 }, async (t) => {
    await recordSteps();
    const hostSecretStep = cleanJoinWrites.indexOf(`${HOST} POST /api/v1/namespaces/${NS}/secrets`) + 1;
    assert.ok(hostSecretStep > 0, `the clean join wrote the host secret\n${cleanJoinWrites.join('\n')}`);
    await joinWithFault(t, hostSecretStep, () => plan.stallResponseOfWrite(hostSecretStep), 'response-stalled');
  });

  /**
   * unjoin with a fault on write n (member or host): every delete whose outcome is unknown is settled
   * by reading (404 or terminating = done), so the run succeeds and both clusters are as before the
   * join. (Before issue 19, a lost answer to the host Secret's DELETE made unjoin exit 1, and the
   * re-run exit 1 too: "cluster is not joined".) A re-run then says there is nothing to unjoin.
   */
  async function unjoinWithFault(st: TestContext, n: number, inject: () => void, outcome: RequestRecord['outcome'], faulted: string[] = []): Promise<void> {
    await resetMember();
    const join = await direct(['join', MEMBER]);
    assert.equal(join.code, 0, describeRun(join));
    await recordToken();
    plan.reset();
    inject();
    const result = await kubefedctl(env, unjoinArgs());
    const detail = detailOf(result, plan);
    const write = assertFaultApplied(plan, n, outcome, result);
    st.diagnostic(`write ${n} = ${write.method} ${write.path} via ${write.via}: exit ${result.code}`);
    faulted.push(`${write.via} ${write.method} ${write.path}`);
    assert.equal(result.code, 0, `a write whose outcome is unknown is settled by reading\n${detail}`);
    assert.equal(await kubefedCluster(), undefined, detail);
    await waitForNamespaceGone(env, MEMBER, NS);
    await expectClusters(baseline, `everything join created is gone from both clusters\n${detail}`);
    plan.reset();
    const again = await kubefedctl(env, unjoinArgs());
    assert.equal(again.code, 1, `nothing left: not joined\n${detailOf(again, plan)}`);
    assert.match(again.stderr, /is not joined/, detailOf(again, plan));
    assert.equal(plan.writeCount, 0, `the re-run writes nothing\n${detailOf(again, plan)}`);
  }

  test('unjoin: the answer to write n is lost, for every n (member and host): exit 0, everything removed', async (t) => {
    await recordSteps();
    const faulted: string[] = [];
    for (let n = 1; n <= unjoinSteps; n++) {
      await t.test(`write ${n} of ${unjoinSteps}`, (st) => unjoinWithFault(st, n, () => plan.dropResponseOfWrite(n), 'response-dropped', faulted));
    }
    // Every write of the clean unjoin had its answer dropped once, the host's two deletes among them.
    assert.ok(
      faulted.some((w) => w.startsWith(`${HOST} DELETE /api/v1/namespaces/${NS}/secrets/`)),
      `the host secret's DELETE was faulted\n${faulted.join('\n')}`,
    );
    assert.ok(faulted.includes(`${HOST} DELETE ${KFC_PATH}/${MEMBER}`), `the KubeFedCluster's DELETE was faulted\n${faulted.join('\n')}`);
    assert.ok(
      faulted.some((w) => w.startsWith(`${MEMBER} `)),
      `member writes were faulted\n${faulted.join('\n')}`,
    );
  });

  test('unjoin: write n is done but answered 503, for every n (member and host): exit 0, everything removed', async (t) => {
    await recordSteps();
    for (let n = 1; n <= unjoinSteps; n++) {
      await t.test(`write ${n} of ${unjoinSteps}`, (st) => unjoinWithFault(st, n, () => plan.failWrite(n, 503, { forward: true }), 'failed-after-forwarding'));
    }
  });

  /**
   * Sends `signal` while the request `hold` catches is in flight, then lets it go on; expects `code` and
   * both clusters as before. A held write has been done by the apiserver before the signal is sent, so
   * what the CLI must undo does not depend on timing.
   */
  async function joinInterrupted(t: TestContext, signal: NodeJS.Signals, code: number, hold: () => Hold, what: string): Promise<void> {
    await resetMember();
    const before = await snapshot(env, HOST, MEMBER);
    const held = hold();
    const run = startKubefedctl(joinArgs());
    const arrived = await Promise.race([held.arrived, run.result.then(() => undefined)]);
    if (!arrived) {
      const early = await run.result;
      assert.fail(`the command ended before ${what}\n${detailOf(early, plan)}`);
    }
    run.child.kill(signal);
    // Release the held answer only once the CLI has seen the signal, so that the test does not
    // depend on which of the two events the CLI's event loop happens to take first.
    await signalSeen(run);
    held.release();
    const result = await run.result;
    const detail = `${detailOf(result, plan)}\n(signal ${signal} sent while ${what} was in flight; process ended with ${result.signal ?? `exit ${result.code}`})`;
    t.diagnostic(`${what}: exit ${result.code ?? result.signal}`);
    assert.equal(result.code, code, detail);
    assert.doesNotMatch(result.stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace\n${detail}`);
    await settleNamespace();
    await expectClusters(before, `after ${signal} both clusters hold what they held before\n${detail}`);
  }

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`join: ${signal} while write n is in flight exits ${code} and rolls back, for every n`, async (t) => {
      await recordSteps();
      for (let n = 1; n <= joinSteps; n++) {
        await t.test(`write ${n} of ${joinSteps}`, (st) => joinInterrupted(st, signal, code, () => plan.holdResponseOfWrite(n), `write ${n}`));
      }
    });
  }

  test('join: SIGINT while waiting for the service account token exits 130 and rolls back', async (t) => {
    const tokenSecretCreated = () => plan.writes.some((w) => w.via === MEMBER && w.method === 'POST' && w.path === `/api/v1/namespaces/${NS}/secrets`);
    await joinInterrupted(
      t,
      'SIGINT',
      130,
      () => plan.holdRequest((r) => r.via === MEMBER && r.method === 'GET' && r.path.startsWith(`/api/v1/namespaces/${NS}/secrets`) && tokenSecretCreated()),
      'the read of the token secret',
    );
  });

  test('join: a second SIGINT during the rollback exits 130 at once and says what may be left', async () => {
    await recordSteps();
    assert.ok(joinSteps >= 3, `join has at least 3 write steps\n${cleanJoinWrites.join('\n')}`);
    await resetMember();
    const hold2 = plan.holdResponseOfWrite(2);
    const hold3 = plan.holdWrite(3);
    const run = startKubefedctl(joinArgs());
    try {
      const arrived = await Promise.race([hold2.arrived, run.result.then(() => undefined)]);
      if (!arrived) assert.fail(`the command ended before write 2\n${detailOf(await run.result, plan)}`);
      run.child.kill('SIGINT');
      await signalSeen(run);
      hold2.release();
      // The next write after the first SIGINT is the rollback's first delete.
      const third = await Promise.race([hold3.arrived, run.result.then(() => undefined)]);
      if (!third) {
        const ended = await run.result;
        assert.fail(`after one SIGINT the command ended without a rollback write\n${detailOf(ended, plan)}`);
      }
      assert.equal(third.method, 'DELETE', `after SIGINT the next write is a rollback delete\n${plan.describeWrites()}`);
      const sentAt = Date.now();
      run.child.kill('SIGINT');
      const result = await run.result;
      const detail = detailOf(result, plan);
      assert.equal(result.code, 130, detail);
      assert.ok(result.exitedAt - sentAt < 3_000, `exited ${result.exitedAt - sentAt} ms after the second SIGINT\n${detail}`);
      // Created by then and not yet deleted: the namespace (write 1) and, in it, the service account (write 2).
      assert.match(result.stderr, new RegExp(`namespace.*${NS}|${NS}.*namespace`, 'i'), `names the namespace join created, which may be left\n${detail}`);
    } finally {
      hold2.release();
      hold3.release();
      await run.result;
    }
    await resetMember();
  });

  test('enable, federate and disable: the answer to write n is lost, for every n: each ends as its clean run does', async (t) => {
    // limitranges: a type no other test enables; LIMITS is the object federated.
    const TYPE = 'limitranges';
    const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/federatedlimitranges.types.kubefed.io';
    const FTC_PATH = `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/federatedtypeconfigs/${TYPE}`;
    const APP = 'kfc-lost-answers';
    const FEDERATED_PATH = `/apis/types.kubefed.io/v1beta1/namespaces/${APP}/federatedlimitranges/limits`;
    const viaProxyArgs = (args: string[]) => [...args, '--host-cluster-context', HOST, '--kubeconfig', viaProxy];
    const notEnabled = async () => {
      await direct(['disable', TYPE, '--delete-crd', '--timeout=30s']);
      await env.waitFor(async () => (await getObject(env, HOST, CRD_PATH)) === undefined && (await getObject(env, HOST, FTC_PATH)) === undefined, 60_000, {
        what: `${TYPE} not enabled`,
      });
    };
    // KubeFed's controller must have started the type's sync controller before the type goes again:
    // v0.10.0 exits (F "failed to wait for all data stores to sync") when its CRD goes from under a
    // sync controller still starting.
    const running = () =>
      env.waitFor(async () => (await getObject(env, HOST, FTC_PATH))?.status?.propagationController === 'Running', 60_000, {
        what: `KubeFed to run the sync controller of ${TYPE}`,
      });
    const enabled = async () => {
      const result = await direct(['enable', TYPE]);
      assert.equal(result.code, 0, describeRun(result));
      await running();
    };
    // While the type is enabled, KubeFed's controller lets its finalizer go; after a failure that
    // left the type disabled, nobody would, so the finalizer is taken off by hand.
    const notFederated = async () => {
      await env.adminRequest(HOST, 'DELETE', FEDERATED_PATH);
      const gone = async () => (await getObject(env, HOST, FEDERATED_PATH)) === undefined;
      if (await env.waitFor(gone, 30_000).catch(() => false)) return;
      await env.adminRequest(HOST, 'PATCH', FEDERATED_PATH, { metadata: { finalizers: null } });
      await env.waitFor(gone, 30_000, { what: 'the FederatedLimitRange gone' });
    };
    /** The clean run through the proxy: its output and how many writes it makes; then run n for each n with write n's answer dropped. */
    async function everyWrite(command: string[], prepare: () => Promise<void>, check: (detail: string) => Promise<void>): Promise<void> {
      await prepare();
      plan.reset();
      const clean = await kubefedctl(env, viaProxyArgs(command));
      assert.equal(clean.code, 0, describeRun(clean));
      await check(describeRun(clean));
      const steps = plan.writeCount;
      assert.ok(steps > 0, `${command.join(' ')} writes\n${describeRun(clean)}`);
      for (let n = 1; n <= steps; n++) {
        await prepare();
        plan.reset();
        plan.dropResponseOfWrite(n);
        const result = await kubefedctl(env, viaProxyArgs(command));
        const detail = detailOf(result, plan);
        const write = assertFaultApplied(plan, n, 'response-dropped', result);
        t.diagnostic(`${command[0]}: write ${n} of ${steps} = ${write.method} ${write.path}: exit ${result.code}`);
        assert.equal(result.code, 0, detail);
        assert.equal(result.stdout, clean.stdout, `the output of a clean run\n${detail}`);
        await check(detail);
      }
    }

    // A crashed earlier run may have left the namespace (maybe terminating, held by a federated
    // object whose finalizer nobody removes any more).
    await env.adminRequest(HOST, 'PATCH', FEDERATED_PATH, { metadata: { finalizers: null } });
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${APP}`);
    await waitForNamespaceGone(env, HOST, APP);
    for (const [path, body] of [
      ['/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP } }],
      [
        `/api/v1/namespaces/${APP}/limitranges`,
        { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] } },
      ],
    ] as const) {
      const created = await env.adminRequest(HOST, 'POST', path, body);
      assert.equal(created.status, 201, created.text);
    }
    try {
      await everyWrite(['enable', TYPE], notEnabled, async (detail) => {
        assert.ok(await getObject(env, HOST, CRD_PATH), `the federated CRD\n${detail}`);
        assert.equal((await getObject(env, HOST, FTC_PATH))?.spec?.propagation, 'Enabled', detail);
        await running();
      });
      await enabled();
      await everyWrite(['federate', TYPE, 'limits', '-n', APP], notFederated, async (detail) => {
        const [federated, live] = [await getObject(env, HOST, FEDERATED_PATH), await getObject(env, HOST, `/api/v1/namespaces/${APP}/limitranges/limits`)];
        assert.deepEqual(federated?.spec?.template?.spec, live.spec, `the template holds the live spec (with the server's defaults)\n${detail}`);
      });
      await notFederated();
      await everyWrite(['disable', TYPE, '--timeout=60s'], enabled, async (detail) => {
        assert.equal(await getObject(env, HOST, FTC_PATH), undefined, `the FederatedTypeConfig is gone\n${detail}`);
      });
    } finally {
      plan.reset();
      await notFederated().catch(() => undefined);
      await notEnabled();
      await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${APP}`);
      await waitForNamespaceGone(env, HOST, APP);
    }
    if (env.state?.kubefed) assert.doesNotThrow(() => process.kill(env.state!.kubefed!.pid, 0), "KubeFed's controller manager is still running");
  });

  test('unjoin: a type whose list in the member namespace is refused (403) keeps the namespace, with a warning; unjoin --force then removes it', async () => {
    await resetMember();
    const joined = await kubefedctl(env, joinArgs());
    assert.equal(joined.code, 0, describeRun(joined));
    await assertJoined(describeRun(joined));
    plan.failRequest((r) => r.via === MEMBER && r.method === 'GET' && r.path === `/api/v1/namespaces/${NS}/podtemplates`, 403);
    const result = await kubefedctl(env, unjoinArgs());
    const detail = detailOf(result, plan);
    assert.equal(result.code, 0, detail);
    assert.ok(
      plan.requests.some((r) => r.fault === 'fail-403' && r.outcome === 'failed-without-forwarding'),
      `the list was refused\n${detail}`,
    );
    assert.match(
      result.stderr,
      new RegExp(
        `^Warning: cluster "${MEMBER}": keeping the member namespace: namespace "${NS}" may hold other objects: could not list podtemplates \\(Forbidden\\); delete it yourself once it is empty$`,
        'm',
      ),
      detail,
    );
    assert.equal(await settleNamespace(), 'present', `the namespace is kept, not being deleted\n${detail}`);
    assert.equal(await kubefedCluster(), undefined, `the registration is gone\n${detail}`);
    assert.equal(await getObject(env, MEMBER, `/api/v1/namespaces/${NS}/serviceaccounts/${SA}`), undefined, `join's service account is gone\n${detail}`);
    // Nothing refused now: the labelled namespace holds nothing else and goes.
    await resetMember();
  });

  test('join right after unjoin, no sleep (the member namespace is still terminating)', async () => {
    await resetMember();
    const first = await direct(['join', MEMBER]);
    assert.equal(first.code, 0, describeRun(first));
    await recordToken();
    const unjoin = await direct(['unjoin', MEMBER]);
    assert.equal(unjoin.code, 0, describeRun(unjoin));
    const again = await direct(['join', MEMBER]);
    assert.equal(again.code, 0, describeRun(again));
    await waitReady();
    await recordToken();
    const last = await direct(['unjoin', MEMBER]);
    assert.equal(last.code, 0, describeRun(last));
    await waitForNamespaceGone(env, MEMBER, NS);
    await expectClusters(baseline, 'after join, unjoin, join, unjoin');
  });

  test(
    '20 back-to-back join/unjoin cycles, some with a --error-on-existing=false re-join: all exit 0, Ready each time, nothing orphaned',
    { timeout: 900_000 },
    async (t) => {
      await resetMember();
      const cycles = 20;
      for (let i = 1; i <= cycles; i++) {
        const join = await direct(['join', MEMBER]);
        assert.equal(join.code, 0, `cycle ${i}: join\n${describeRun(join)}`);
        await waitReady();
        await recordToken();
        if (i % 4 === 0) {
          const rejoin = await direct(['join', MEMBER, '--error-on-existing=false']);
          assert.equal(rejoin.code, 0, `cycle ${i}: re-join with --error-on-existing=false\n${describeRun(rejoin)}`);
          await waitReady();
          const kfc = await kubefedCluster();
          assert.deepEqual(await hostSecretsOf(), [`${NS}/${kfc.spec.secretRef.name}`], `cycle ${i}: one host secret after the re-join`);
        }
        const unjoin = await direct(['unjoin', MEMBER]);
        assert.equal(unjoin.code, 0, `cycle ${i}: unjoin\n${describeRun(unjoin)}`);
        // Orphans: the member namespace may still be terminating, everything else is gone at once.
        assert.equal(await kubefedCluster(), undefined, `cycle ${i}: KubeFedCluster left`);
        assert.deepEqual(await listNames(env, HOST, `/api/v1/namespaces/${NS}/secrets`), baseline[`${HOST} secrets`], `cycle ${i}: host secrets`);
        assert.deepEqual(
          await listNames(env, MEMBER, `/apis/rbac.authorization.k8s.io/v1/clusterroles?labelSelector=${MANAGED}`),
          baseline[`${MEMBER} clusterroles`],
          `cycle ${i}: member cluster roles`,
        );
        assert.deepEqual(
          await listNames(env, MEMBER, `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?labelSelector=${MANAGED}`),
          baseline[`${MEMBER} clusterrolebindings`],
          `cycle ${i}: member cluster role bindings`,
        );
        assert.deepEqual(await listNames(env, MEMBER, `/api/v1/namespaces/${NS}/secrets`), [], `cycle ${i}: member secrets`);
        assert.deepEqual(
          (await listNames(env, MEMBER, `/api/v1/namespaces/${NS}/serviceaccounts`)).filter((n) => n !== `${NS}/default`),
          [],
          `cycle ${i}: member service accounts`,
        );
        t.diagnostic(`cycle ${i} ok`);
      }
      await waitForNamespaceGone(env, MEMBER, NS);
      await expectClusters(baseline, `after ${cycles} cycles`);
    },
  );
});

describe('several clusters in one command', { skip: needsHarness, timeout: 900_000 }, () => {
  const members = env.clusters.filter((c) => c !== HOST).slice(0, 5);
  const enough = members.length >= 5;
  const skip = enough ? false : `needs KUBEFEDCTL_E2E_CLUSTERS>=6 (this environment has ${env.clusters.length} clusters: ${env.clusters.join(', ')})`;
  const failing = members.at(-1)!;
  const limitedName = 'kfc-e2e-limited-multi';

  async function cleanAll(): Promise<void> {
    for (const member of members) {
      const result = await kubefedctl(env, ['unjoin', member, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--force']);
      assert.equal(result.code, 0, describeRun(result));
    }
    await Promise.all(members.map((member) => waitForNamespaceGone(env, member, NS)));
  }

  test(`join ${members.join(' ')} in one command, then unjoin them in one`, { skip }, async () => {
    await cleanAll();
    const joined = await kubefedctl(env, ['join', ...members, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig]);
    try {
      assert.equal(joined.code, 0, describeRun(joined));
      assert.deepEqual(joined.stdout.trim().split('\n').sort(), members.map((m) => `kubefedcluster.core.kubefed.io/${m} joined`).sort(), describeRun(joined));
      await Promise.all(members.map((m) => waitReady(m)));
      for (const m of members) await recordToken(m);
      const unjoined = await kubefedctl(env, ['unjoin', ...members, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig]);
      assert.equal(unjoined.code, 0, describeRun(unjoined));
      assert.deepEqual(
        unjoined.stdout.trim().split('\n').sort(),
        members.map((m) => `kubefedcluster.core.kubefed.io/${m} unjoined`).sort(),
        describeRun(unjoined),
      );
      for (const m of members) assert.equal(await kubefedCluster(m), undefined, `${m} unjoined`);
    } finally {
      await cleanAll();
    }
  });

  test(`one of five fails (${failing}: a real 403 on cluster roles): exit 1, the others joined, ${failing} rolled back`, { skip }, async () => {
    await cleanAll();
    const limitedToken = await limitedUser(env, failing, limitedName, 'clusterroles');
    const file = writeKubeconfig(
      env.clusters.map((c) => (c === failing ? { ...adminContext(env, c), user: { token: limitedToken } } : adminContext(env, c))),
      HOST,
    );
    const before = await snapshot(env, HOST, failing);
    const memberSide = (s: Record<string, string[]>) => Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith(`${failing} `)));
    try {
      const result = await kubefedctl(env, ['join', ...members, '--host-cluster-context', HOST, '--kubeconfig', file]);
      const detail = describeRun(result);
      assert.equal(result.code, 1, detail);
      const others = members.filter((m) => m !== failing);
      for (const m of others) assert.match(result.stdout, new RegExp(`^kubefedcluster\\.core\\.kubefed\\.io/${m} joined$`, 'm'), detail);
      assert.doesNotMatch(result.stdout, new RegExp(`/${failing} joined`), detail);
      assert.match(
        `${result.stdout}\n${result.stderr}`,
        new RegExp(`^.*\\b${failing}\\b.*(fail|error|forbidden).*$|^.*(fail|error|forbidden).*\\b${failing}\\b.*$`, 'im'),
        `a result line saying ${failing} failed\n${detail}`,
      );
      await Promise.all(others.map((m) => waitReady(m)));
      for (const m of others) await recordToken(m);
      // The failed cluster on its own: its member side as before, nothing of it on the host.
      await settleNamespace(failing);
      assert.deepEqual(memberSide(await snapshot(env, HOST, failing)), memberSide(before), `${failing} rolled back\n${detail}`);
      assert.equal(await kubefedCluster(failing), undefined, detail);
      assert.deepEqual(await hostSecretsOf(failing), [], detail);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
      await cleanAll();
      const rbac = '/apis/rbac.authorization.k8s.io/v1';
      await env.adminRequest(failing, 'DELETE', `${rbac}/clusterrolebindings/${limitedName}`);
      await env.adminRequest(failing, 'DELETE', `${rbac}/clusterroles/${limitedName}`);
      await env.adminRequest(failing, 'DELETE', `/api/v1/namespaces/default/serviceaccounts/${limitedName}`);
    }
  });
});
