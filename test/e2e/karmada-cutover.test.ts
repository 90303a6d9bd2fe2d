// `migrate karmada --execute` on real controllers: KubeFed v0.10.0 propagates a canary namespace and
// a main one (a ConfigMap with a per-cluster override, a Deployment on two clusters with a replicas
// override, a Secret placed by a label selector, a ConfigMap placed nowhere, a Deployment divided
// by a ReplicaSchedulingPreference) to real member apiservers; the cut-over moves them to a real
// Karmada v1.18.2 (apiserver, webhook, controller-manager, scheduler) while a poller reads every
// member object every 100 ms: none may ever be absent or change uid. Afterwards KubeFed's objects and
// join's service accounts are gone, each member holds what KubeFed had rendered there, and a
// template change in Karmada still reaches the members (Karmada's own credentials).
//
// The second test interrupts the cut-over (SIGINT) or kills it (SIGKILL) in every phase and reruns
// it; the third loses the answer of every third write to the host and to Karmada; the fourth makes
// Karmada unable to take an object (its CRD is missing there) and checks that nothing is released,
// then confirms the cut-over at a terminal (no, then yes).
// Needs KUBEFEDCTL_E2E_KARMADA=1 (a `karmada` context) and at least 3 clusters; skips otherwise.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HAS_SCRIPT, runInTerminal } from '../helpers/terminal.js';
import { type E2eEnv, loadE2eEnv } from './harness/env.js';
import { FaultPlan, issueProxyCert, startFaultProxy, type FaultProxy } from './harness/fault-proxy.js';
import { type KarmadaApi, KARMADA_CONTEXT, karmadaApi } from './karmada-support.js';
import { NS, adminContext, describeRun, getObject, kubefedctl, startKubefedctl, writeKubeconfig } from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const karmada: KarmadaApi | undefined = karmadaApi(env);
const MEMBERS = env.clusters.filter((name) => name !== HOST && name !== KARMADA_CONTEXT).slice(0, 3);
const skip =
  karmada === undefined
    ? 'no karmada context (KUBEFEDCTL_E2E_KARMADA=1 starts one)'
    : MEMBERS.length < 2
      ? 'needs at least 3 clusters (KUBEFEDCTL_E2E_CLUSTERS=3)'
      : false;
const RUN = process.pid;
const [M1, M2, M3] = MEMBERS as [string, string, string | undefined];

const TYPES = 'types.kubefed.io/v1beta1';
const fedPath = (plural: string, ns: string, name?: string) => `/apis/types.kubefed.io/v1beta1/namespaces/${ns}/${plural}${name ? `/${name}` : ''}`;

interface Watched {
  cluster: string;
  path: string;
}

/** Reads every watched member object every 100 ms; records what it saw. */
class Poller {
  readonly absent = new Map<string, number>();
  readonly uids = new Map<string, Set<string>>();
  reads = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly watched: readonly Watched[];
  constructor(watched: readonly Watched[]) {
    this.watched = watched;
  }
  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await Promise.all(
          this.watched.map(async ({ cluster, path }) => {
            const key = `${cluster}${path}`;
            const res = await env.adminRequest(cluster, 'GET', path);
            this.reads++;
            if (res.status === 404) this.absent.set(key, (this.absent.get(key) ?? 0) + 1);
            else if (res.status === 200) {
              const uids = this.uids.get(key) ?? new Set<string>();
              uids.add(res.body.metadata.uid);
              this.uids.set(key, uids);
            }
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
  assertNothingDeletedOrReplaced(): void {
    assert.deepEqual([...this.absent.entries()], [], 'a member object was absent during the cut-over');
    const replaced = [...this.uids.entries()].filter(([, uids]) => uids.size > 1).map(([key, uids]) => `${key}: ${[...uids].join(' -> ')}`);
    assert.deepEqual(replaced, [], 'a member object changed uid during the cut-over');
    assert.equal(this.uids.size, this.watched.length, 'every watched object was seen');
  }
}

/** The Federated world of one test: two namespaces (a canary and the main one). */
function scenario(suffix: string) {
  const canary = `kfc-cut-${suffix}-a-${RUN}`;
  const main = `kfc-cut-${suffix}-b-${RUN}`;
  const fedNamespace = (ns: string, placement: unknown) => ({
    apiVersion: TYPES,
    kind: 'FederatedNamespace',
    metadata: { name: ns, namespace: ns },
    spec: { placement },
  });
  const objects: Array<{ plural: string; ns: string; body: any }> = [
    { plural: 'federatednamespaces', ns: canary, body: fedNamespace(canary, { clusterSelector: {} }) },
    {
      plural: 'federatedconfigmaps',
      ns: canary,
      body: {
        apiVersion: TYPES,
        kind: 'FederatedConfigMap',
        metadata: { name: 'settings', namespace: canary },
        spec: {
          template: { data: { colour: 'blue' } },
          placement: { clusterSelector: {} },
          overrides: [{ clusterName: M2, clusterOverrides: [{ path: '/data/colour', value: 'green' }] }],
        },
      },
    },
    { plural: 'federatednamespaces', ns: main, body: fedNamespace(main, { clusters: MEMBERS.map((name) => ({ name })) }) },
    {
      plural: 'federateddeployments',
      ns: main,
      body: {
        apiVersion: TYPES,
        kind: 'FederatedDeployment',
        metadata: { name: 'web', namespace: main },
        spec: {
          template: deployment('web', 1),
          placement: { clusters: [{ name: M1 }, { name: M2 }] },
          overrides: [{ clusterName: M2, clusterOverrides: [{ path: '/spec/replicas', value: 3 }] }],
        },
      },
    },
    {
      plural: 'federatedsecrets',
      ns: main,
      body: {
        apiVersion: TYPES,
        kind: 'FederatedSecret',
        metadata: { name: 'token', namespace: main },
        spec: { template: { data: { k: 'dmFsdWU=' } }, placement: { clusterSelector: { matchLabels: { tier: 'gold' } } } },
      },
    },
    {
      plural: 'federatedconfigmaps',
      ns: main,
      body: {
        apiVersion: TYPES,
        kind: 'FederatedConfigMap',
        metadata: { name: 'nowhere', namespace: main },
        spec: { template: { data: { k: 'v' } }, placement: { clusters: [] } },
      },
    },
    {
      plural: 'federateddeployments',
      ns: main,
      body: {
        apiVersion: TYPES,
        kind: 'FederatedDeployment',
        metadata: { name: 'divided', namespace: main },
        spec: { template: deployment('divided', 4), placement: { clusters: [{ name: M1 }, { name: M2 }] } },
      },
    },
  ];
  const rsps = [
    {
      apiVersion: 'scheduling.kubefed.io/v1alpha1',
      kind: 'ReplicaSchedulingPreference',
      metadata: { name: 'divided', namespace: main },
      spec: { targetKind: 'FederatedDeployment', totalReplicas: 4, clusters: { [M1]: { weight: 1 }, [M2]: { weight: 1 } } },
    },
  ];
  // Where the two divisions differ: 4 replicas on equal weights over three clusters.
  if (M3) {
    objects.push({
      plural: 'federateddeployments',
      ns: main,
      body: {
        apiVersion: TYPES,
        kind: 'FederatedDeployment',
        metadata: { name: 'thirds', namespace: main },
        spec: { template: deployment('thirds', 4), placement: { clusters: MEMBERS.map((name) => ({ name })) } },
      },
    });
    rsps.push({
      apiVersion: 'scheduling.kubefed.io/v1alpha1',
      kind: 'ReplicaSchedulingPreference',
      metadata: { name: 'thirds', namespace: main },
      spec: { targetKind: 'FederatedDeployment', totalReplicas: 4, clusters: Object.fromEntries(MEMBERS.map((name) => [name, { weight: 1 }])) },
    });
  }
  // Where KubeFed places what (the expectations the end state is held to).
  const placed: Array<Watched & { check: (object: any) => void }> = [];
  for (const member of MEMBERS) {
    placed.push({ cluster: member, path: `/api/v1/namespaces/${canary}`, check: () => {} });
    placed.push({
      cluster: member,
      path: `/api/v1/namespaces/${canary}/configmaps/settings`,
      check: (o) => assert.equal(o.data.colour, member === M2 ? 'green' : 'blue', `settings in ${member}`),
    });
    placed.push({ cluster: member, path: `/api/v1/namespaces/${main}`, check: () => {} });
  }
  placed.push({ cluster: M1, path: `/apis/apps/v1/namespaces/${main}/deployments/web`, check: (o) => assert.equal(o.spec.replicas, 1, `web in ${M1}`) });
  placed.push({ cluster: M2, path: `/apis/apps/v1/namespaces/${main}/deployments/web`, check: (o) => assert.equal(o.spec.replicas, 3, `web in ${M2}`) });
  placed.push({ cluster: M2, path: `/api/v1/namespaces/${main}/secrets/token`, check: (o) => assert.equal(o.data.k, 'dmFsdWU=') });
  placed.push({
    cluster: M1,
    path: `/apis/apps/v1/namespaces/${main}/deployments/divided`,
    check: (o) => assert.equal(o.spec.replicas, 2, `divided in ${M1}`),
  });
  placed.push({
    cluster: M2,
    path: `/apis/apps/v1/namespaces/${main}/deployments/divided`,
    check: (o) => assert.equal(o.spec.replicas, 2, `divided in ${M2}`),
  });
  const nowhere: Watched[] = [
    ...MEMBERS.map((member) => ({ cluster: member, path: `/api/v1/namespaces/${main}/configmaps/nowhere` })),
    ...MEMBERS.filter((m) => m !== M2).map((member) => ({ cluster: member, path: `/api/v1/namespaces/${main}/secrets/token` })),
    ...(M3 ? [{ cluster: M3, path: `/apis/apps/v1/namespaces/${main}/deployments/web` }] : []),
  ];
  // KubeFed's RSP puts a 0-replica copy on a placed cluster without a weight; Karmada's division
  // places nothing there: the copy is kept, managed by nobody (and the run says so).
  const leftUnmanaged: Watched[] = M3 ? [{ cluster: M3, path: `/apis/apps/v1/namespaces/${main}/deployments/divided` }] : [];
  // Its replicas are compared before and after, not checked here.
  const thirds: Watched[] = M3 ? MEMBERS.map((member) => ({ cluster: member, path: `/apis/apps/v1/namespaces/${main}/deployments/thirds` })) : [];
  placed.push(...thirds.map((watched) => ({ ...watched, check: () => {} })));
  return { canary, main, objects, rsps, placed, nowhere, leftUnmanaged, thirds };
}

function deployment(name: string, replicas: number) {
  return {
    metadata: { labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.example/app:1' }] } },
    },
  };
}

/** Each member's spec.replicas of the watched object, by cluster. */
async function divisionOf(watched: readonly Watched[]): Promise<Record<string, number>> {
  const division: Record<string, number> = {};
  for (const { cluster, path } of watched) division[cluster] = (await getObject(env, cluster, path))?.spec?.replicas;
  return division;
}

/**
 * Karmada v1.18's division of static weights (pkg/scheduler/core/assignment.go, pkg/util/helper/webstermethod.go),
 * the rule docs/karmada-interplay.md states: Webster's method, one replica at a time to the highest
 * weight/(2*replicas+1); a tie goes to the cluster with fewer replicas, then by name, ascending or descending
 * as the FNV-32a hash of the template's uid is even or odd.
 */
function karmadaDivision(total: number, weights: Record<string, number>, templateUid: string): Record<string, number> {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(templateUid)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  const descending = (hash & 1) === 1;
  const replicas: Record<string, number> = Object.fromEntries(Object.keys(weights).map((cluster) => [cluster, 0]));
  const priority = (cluster: string) => weights[cluster]! / (2 * replicas[cluster]! + 1);
  for (let given = 0; given < total; given++) {
    const next = Object.keys(weights).sort(
      (a, b) => priority(b) - priority(a) || replicas[a]! - replicas[b]! || (descending ? b.localeCompare(a) : a.localeCompare(b)),
    )[0]!;
    replicas[next]! += 1;
  }
  return replicas;
}

async function ok(cluster: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await env.adminRequest(cluster, method, path, body);
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} in ${cluster}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
}

async function federateWorld(world: ReturnType<typeof scenario>): Promise<void> {
  const joined = await kubefedctl(env, ['join', ...MEMBERS, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--wait=120s']);
  assert.equal(joined.code, 0, describeRun(joined));
  await ok(HOST, 'PATCH', `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters/${M2}`, { metadata: { labels: { tier: 'gold' } } });
  for (const ns of [world.canary, world.main]) await ok(HOST, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const { plural, ns, body } of world.objects) await ok(HOST, 'POST', fedPath(plural, ns), body);
  for (const rsp of world.rsps) await ok(HOST, 'POST', `/apis/scheduling.kubefed.io/v1alpha1/namespaces/${world.main}/replicaschedulingpreferences`, rsp);
  // KubeFed has propagated everything (and the RSP has divided the replicas) before the cut-over starts.
  await env.waitFor(
    async () => {
      for (const { cluster, path, check } of world.placed) {
        const object = await getObject(env, cluster, path);
        if (object?.metadata?.labels?.['kubefed.io/managed'] !== 'true') return false;
        try {
          check(object);
        } catch {
          return false;
        }
      }
      return true;
    },
    120_000,
    { what: 'KubeFed to propagate the scenario' },
  );
}

async function assertEndState(world: ReturnType<typeof scenario>): Promise<void> {
  // Karmada has every object where KubeFed had it, with KubeFed's rendering, and KubeFed's mark is gone.
  await env.waitFor(
    async () => {
      for (const { cluster, path } of world.placed) {
        const labels = (await getObject(env, cluster, path))?.metadata?.labels ?? {};
        if (labels['kubefed.io/managed'] === 'true' || labels['karmada.io/managed'] !== 'true') return false;
      }
      return true;
    },
    60_000,
    { what: 'every member object to be managed by Karmada alone' },
  );
  for (const { cluster, path, check } of world.placed) check(await getObject(env, cluster, path));
  for (const { cluster, path } of world.nowhere) assert.equal(await getObject(env, cluster, path), undefined, `${path} must not be in ${cluster}`);
  for (const { cluster, path } of world.leftUnmanaged) {
    const object = await getObject(env, cluster, path);
    assert.equal(object?.spec?.replicas, 0, `${path} stays in ${cluster} with 0 replicas`);
    assert.equal(object.metadata.labels?.['kubefed.io/managed'], undefined);
    assert.equal(object.metadata.labels?.['karmada.io/managed'], undefined);
  }
  // KubeFed's objects are gone: the Federated objects, the RSP, the registrations, join's service accounts.
  for (const ns of [world.canary, world.main]) {
    for (const plural of ['federatednamespaces', 'federatedconfigmaps', 'federateddeployments', 'federatedsecrets']) {
      assert.deepEqual((await ok(HOST, 'GET', fedPath(plural, ns))).items, [], `${plural} left in ${ns}`);
    }
  }
  assert.deepEqual((await ok(HOST, 'GET', `/apis/scheduling.kubefed.io/v1alpha1/namespaces/${world.main}/replicaschedulingpreferences`)).items, []);
  assert.deepEqual(
    (await ok(HOST, 'GET', `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters`)).items,
    [],
    'every member is unjoined from KubeFed',
  );
  for (const member of MEMBERS) {
    const accounts = await env.adminRequest(member, 'GET', `/api/v1/namespaces/${NS}/serviceaccounts`);
    const left = accounts.status === 404 ? [] : (accounts.body.items as any[]).map((sa) => sa.metadata.name).filter((name: string) => name !== 'default');
    assert.deepEqual(left, [], `join's service accounts are gone from ${member}`);
  }
  // Karmada keeps working on its own credentials: a template change reaches the members.
  const patched = await karmada!.request('PATCH', `/api/v1/namespaces/${world.canary}/configmaps/settings`, { data: { colour: 'red' } });
  assert.equal(patched.status, 200, patched.text);
  await env.waitFor(async () => (await getObject(env, M1, `/api/v1/namespaces/${world.canary}/configmaps/settings`))?.data?.colour === 'red', 60_000, {
    what: 'a template change in Karmada to reach the member',
  });
  assert.equal((await getObject(env, M2, `/api/v1/namespaces/${world.canary}/configmaps/settings`)).data.colour, 'green', 'the override still applies');
}

/** The cut-over command line for these namespaces, in order. */
function cutoverArgs(namespaces: readonly string[], extra: string[] = [], { yes = true, kubeconfig = env.kubeconfig } = {}): string[] {
  const base = ['migrate', 'karmada', '--execute', ...(yes ? ['--yes'] : []), '--host-cluster-context', HOST, '--karmada-context', KARMADA_CONTEXT];
  return [...base, '--kubeconfig', kubeconfig, ...namespaces.flatMap((ns) => ['-n', ns]), ...extra];
}

function cutover(world: ReturnType<typeof scenario>, extra: string[] = []): string[] {
  return cutoverArgs([world.canary, world.main], extra);
}

/**
 * Removes what a test left: the namespaces (in Karmada first, so that Karmada deletes its copies),
 * the members' registration with Karmada (the Cluster, its Secrets, Karmada's service accounts in
 * the member), and any KubeFed registration.
 */
async function cleanUp(namespaces: readonly string[]): Promise<void> {
  for (const ns of namespaces) {
    await karmada!.request('DELETE', `/api/v1/namespaces/${ns}`);
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${ns}`);
    for (const member of MEMBERS) await env.adminRequest(member, 'DELETE', `/api/v1/namespaces/${ns}`);
  }
  for (const member of MEMBERS) {
    await karmada!.request('DELETE', `/apis/cluster.karmada.io/v1alpha1/clusters/${member}`);
    await env.waitFor(async () => (await karmada!.request('GET', `/apis/cluster.karmada.io/v1alpha1/clusters/${member}`)).status === 404, 90_000, {
      what: `Karmada to remove cluster ${member}`,
    });
    for (const name of [member, `${member}-impersonator`]) await karmada!.request('DELETE', `/api/v1/namespaces/karmada-cluster/secrets/${name}`);
    await env.adminRequest(member, 'DELETE', '/api/v1/namespaces/karmada-cluster');
    for (const kind of ['clusterrolebindings', 'clusterroles'])
      await env.adminRequest(member, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/${kind}/karmada-controller-manager:karmada-${member}`);
  }
  await kubefedctl(env, ['unjoin', ...MEMBERS, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--force']);
  for (const member of MEMBERS) {
    await env.waitFor(async () => (await env.adminRequest(member, 'GET', '/api/v1/namespaces/karmada-cluster')).status === 404, 90_000, {
      what: `karmada-cluster to be gone from ${member}`,
    });
  }
}

/** The phase lines the cut-over prints as it enters each phase (without a terminal), without the wave count. */
const PHASE_LINE =
  /^(Registering \d+ clusters? with Karmada|namespace \S+( \(\d of \d\))?: (marking|Karmada adopts|releasing)|Unjoining \d+ clusters? from KubeFed)/gm;
const phaseLabel = (line: string) => line.replace(/ \(\d of \d\)/, '').replace(/^(Registering|Unjoining) \d+ clusters?/, '$1');

/**
 * Runs the cut-over and sends `signal` 150 ms after it enters the first phase not in `stopped` (the
 * phases an earlier run was stopped in pass untouched); returns how it ended and the phase it was in then.
 */
async function stopInNextPhase(
  world: ReturnType<typeof scenario>,
  stopped: ReadonlySet<string>,
  signal: 'SIGINT' | 'SIGKILL',
): Promise<{ code: number | null; signal: NodeJS.Signals | null; phase: string; stderr: string }> {
  const running = startKubefedctl(cutover(world), { timeoutMs: 600_000 });
  let seen = '';
  let phase = 'no phase';
  let sent = false;
  running.child.stderr!.on('data', (chunk: Buffer) => {
    seen += chunk.toString('utf8');
    const phases = [...seen.matchAll(PHASE_LINE)].map((match) => phaseLabel(match[1]!));
    const next = phases.find((label) => !stopped.has(label));
    if (!sent && next !== undefined) {
      sent = true;
      setTimeout(() => {
        phase = phaseLabel([...seen.matchAll(PHASE_LINE)].at(-1)![1]!);
        running.child.kill(signal);
      }, 150);
    }
  });
  const result = await running.result;
  return { code: result.code, signal: result.signal, phase, stderr: result.stderr };
}

describe('migrate karmada --execute on real KubeFed and Karmada controllers', { skip: skip || undefined }, () => {
  const world = scenario('x');
  before(async () => {
    await federateWorld(world);
  });
  after(async () => {
    await cleanUp([world.canary, world.main]);
  });

  test('a canary namespace, then the main one: no member object is ever absent or replaced, and Karmada manages the result', async () => {
    const dry = await kubefedctl(env, cutover(world, ['--dry-run']));
    assert.equal(dry.code, 0, describeRun(dry));
    for (const phase of ['register:', 'orphan:', 'adopt:', 'release:', 'unregister:'])
      assert.ok(dry.stdout.includes(phase), `--dry-run shows the ${phase} phase:\n${dry.stdout}`);
    assert.ok(dry.stdout.includes(`Deployment ${world.main}/web stays in: ${[M1, M2].sort().join(', ')}`), dry.stdout);

    // KubeFed's division of "thirds": each share rounded up in its own order, so one member gets none.
    const kubefedThirds = await env.waitFor(
      async () => {
        const division = await divisionOf(world.thirds);
        return Object.values(division).reduce((sum, replicas) => sum + replicas, 0) === (M3 ? 4 : 0) && division;
      },
      60_000,
      { what: "KubeFed's RSP to divide the replicas of thirds" },
    );
    if (M3) assert.deepEqual(Object.values(kubefedThirds).sort(), [0, 2, 2], JSON.stringify(kubefedThirds));
    const poller = new Poller([...world.placed, ...world.leftUnmanaged]);
    poller.start();
    const started = Date.now();
    const run = await kubefedctl(env, cutover(world), { timeoutMs: 600_000 });
    const seconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await poller.stop();
    assert.equal(run.code, 0, describeRun(run));
    process.stderr.write(
      `cut-over of ${world.objects.length} Federated objects to ${MEMBERS.length} members: ${seconds.toFixed(1)}s, ${poller.reads} poller reads\n`,
    );
    assert.match(run.stdout, new RegExp(`namespace ${world.canary}: cut over to Karmada`));
    assert.match(run.stdout, /KubeFed released every member/);
    for (const { cluster } of world.leftUnmanaged)
      assert.match(run.stderr, new RegExp(`Deployment ${world.main}/divided in ${cluster}: KubeFed kept it there with no replicas`));
    poller.assertNothingDeletedOrReplaced();
    await assertEndState(world);
    if (M3) {
      // Karmada divides the same weights its own way (the stated rule), and the run said so.
      const template = await karmada!.request('GET', `/apis/apps/v1/namespaces/${world.main}/deployments/thirds`);
      const expected = karmadaDivision(4, Object.fromEntries(MEMBERS.map((member) => [member, 1])), template.body.metadata.uid);
      await env.waitFor(async () => JSON.stringify(await divisionOf(world.thirds)) === JSON.stringify(expected), 60_000, {
        what: `the members to hold Karmada's division ${JSON.stringify(expected)} (KubeFed's was ${JSON.stringify(kubefedThirds)})`,
      });
      const split = (division: Record<string, number>) => MEMBERS.map((member) => `${member}=${division[member]}`).join(', ');
      assert.ok(
        run.stderr.includes(`Deployment ${world.main}/thirds: Karmada divides its 4 replicas as ${split(expected)} where KubeFed had ${split(kubefedThirds)}`),
        run.stderr,
      );
      process.stderr.write(`4 replicas on weights 1:1:1: KubeFed ${split(kubefedThirds)}; Karmada ${split(expected)}\n`);
    }

    const again = await kubefedctl(env, cutover(world));
    assert.equal(again.code, 0, describeRun(again));
    assert.match(again.stderr, /Nothing left to cut over/);
  });
});

describe('migrate karmada --execute stopped (SIGINT) or killed (SIGKILL) in every phase, then run again', { skip: skip || undefined }, () => {
  const world = scenario('i');
  before(async () => {
    await federateWorld(world);
  });
  after(async () => {
    await cleanUp([world.canary, world.main]);
  });

  test('each run stops where it was (exit 130, or killed with no chance to tidy up), the next one continues, and the end state is the same', async () => {
    // Each run is stopped 150 ms into the first phase no earlier run was stopped in, so the runs walk
    // through the phases whatever the machine's speed (the controllers go on working between runs).
    // Odd runs get SIGINT, even runs SIGKILL (a crash: no rollback, no message).
    const poller = new Poller([...world.placed, ...world.leftUnmanaged]);
    poller.start();
    const outcomes: string[] = [];
    const stopped = new Set<string>();
    for (let run = 1; run <= 15; run++) {
      const signal = run % 2 === 1 ? 'SIGINT' : 'SIGKILL';
      const outcome = await stopInNextPhase(world, stopped, signal);
      const ended = outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.code}`;
      outcomes.push(`${outcome.phase}: ${ended}`);
      process.stderr.write(
        `--- run ${run} (${signal} in "${outcome.phase}"), ${ended}:\n${outcome.stderr
          .split('\n')
          .filter((line) => !/^(info|warning) /.test(line))
          .join('\n')}\n`,
      );
      if (outcome.signal === 'SIGKILL') {
        stopped.add(outcome.phase);
        continue;
      }
      if (outcome.code === 130) {
        assert.match(outcome.stderr, /Run the same command again to continue/, outcome.stderr);
        stopped.add(outcome.phase);
      } else {
        assert.equal(outcome.code, 0, `${outcome.phase}: ${outcome.stderr}`);
        break;
      }
    }
    const last = await kubefedctl(env, cutover(world), { timeoutMs: 600_000 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await poller.stop();
    process.stderr.write(`interrupted cut-over: ${outcomes.join('; ')}\n`);
    assert.equal(last.code, 0, describeRun(last));
    const stoppedIn = (how: RegExp) => new Set(outcomes.filter((line) => how.test(line)).map((line) => line.replace(/: (exit 130|killed by SIGKILL)$/, '')));
    const interrupted = stoppedIn(/exit 130$/);
    const killed = stoppedIn(/killed by SIGKILL$/);
    assert.ok(new Set([...interrupted, ...killed]).size >= 4, `runs were stopped in several phases: ${outcomes.join('; ')}`);
    assert.ok(interrupted.size >= 2 && killed.size >= 2, `both SIGINT and SIGKILL stopped runs in more than one phase: ${outcomes.join('; ')}`);
    poller.assertNothingDeletedOrReplaced();
    await assertEndState(world);
  });
});

describe('migrate karmada --execute when answers are lost', { skip: skip || undefined }, () => {
  const world = scenario('l');
  // One plan in front of the host and Karmada: their writes are numbered together, as the run makes them.
  // (Member writes go to the endpoints KubeFed stores and are not proxied; they use the same applier.)
  const plan = new FaultPlan();
  const proxies: FaultProxy[] = [];
  let certDir = '';
  let viaProxies = '';
  before(async () => {
    await federateWorld(world);
    certDir = mkdtempSync(path.join(os.tmpdir(), 'kfc-cut-proxy-'));
    const karmadaCluster = env.state!.karmada!.apiserver;
    const proxyOf = async (label: string, upstream: string, ca: string, cluster: { name: string; caFile: string; caKeyFile: string }) => {
      const proxy = await startFaultProxy({ upstream, upstreamCa: ca, ...(await issueProxyCert(cluster, certDir)), plan, label });
      proxies.push(proxy);
      return proxy.url;
    };
    const hostContext = adminContext(env, HOST);
    const karmadaCa = karmada!.creds.ca!.toString();
    viaProxies = writeKubeconfig(
      [
        { ...hostContext, cluster: { ...hostContext.cluster, server: await proxyOf(HOST, env.server(HOST), env.caPem(HOST)!, env.state!.clusters[HOST]!) } },
        {
          name: KARMADA_CONTEXT,
          cluster: {
            server: await proxyOf(KARMADA_CONTEXT, karmada!.creds.server, karmadaCa, karmadaCluster),
            'certificate-authority-data': Buffer.from(karmadaCa).toString('base64'),
          },
          user: { token: karmadaCluster.adminToken },
        },
      ],
      HOST,
    );
  });
  after(async () => {
    plan.reset();
    for (const proxy of proxies) await proxy.close();
    rmSync(certDir, { recursive: true, force: true });
    if (viaProxies) rmSync(path.dirname(viaProxies), { recursive: true, force: true });
    await cleanUp([world.canary, world.main]);
  });

  test('the answer of every third write to the host and to Karmada is lost: each is settled by reading, the run finishes, nothing is deleted or replaced', async (t) => {
    const poller = new Poller([...world.placed, ...world.leftUnmanaged]);
    poller.start();
    // The applier settles each lost answer by reading: one run finishes, no rerun needed.
    plan.reset();
    for (let n = 3; n <= 300; n += 3) plan.dropResponseOfWrite(n);
    const run = await kubefedctl(env, cutoverArgs([world.canary, world.main], [], { kubeconfig: viaProxies }), { timeoutMs: 600_000 });
    const dropped = plan.writes.filter((write) => write.outcome === 'response-dropped').map((write) => `${write.method} ${write.path} via ${write.via}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await poller.stop();
    const summary = `exit ${run.code}, ${plan.writeCount} writes, ${dropped.length} answers lost`;
    t.diagnostic(`${summary}\nlost answers:\n${dropped.join('\n')}`);
    assert.equal(run.code, 0, `every lost answer is settled within the run: ${summary}\n${describeRun(run)}`);
    // Lost answers in every kind of write the cut-over makes there.
    for (const [what, pattern] of [
      ['a registration write in Karmada', / \/api\/v1\/namespaces\/karmada-cluster\/secrets| \/apis\/cluster\.karmada\.io\/v1alpha1\/clusters/],
      ['an orphaning mark on the host', /^PATCH \/apis\/types\.kubefed\.io\/.* via /],
      [
        'a template or policy for Karmada to adopt',
        /^(POST|PUT) \/(api\/v1|apis\/(apps|policy\.karmada\.io)\/v1(alpha1)?)\/namespaces\/kfc-cut-l-.* via karmada$/,
      ],
      ['a release (delete of a Federated object) on the host', /^DELETE \/apis\/(types\.kubefed\.io|scheduling\.kubefed\.io)\/.* via /],
      [
        'an unjoin write on the host',
        /^DELETE \/(api\/v1\/namespaces\/kube-federation-system\/secrets|apis\/core\.kubefed\.io\/v1beta1\/namespaces\/kube-federation-system\/kubefedclusters)\//,
      ],
    ] as const) {
      assert.ok(
        dropped.some((line) => pattern.test(line)),
        `${what} lost its answer (else the plan numbering changed: see the diagnostic)\n${dropped.join('\n')}`,
      );
    }
    poller.assertNothingDeletedOrReplaced();
    await assertEndState(world);
  });
});

describe('migrate karmada --execute that Karmada cannot finish', { skip: skip || undefined }, () => {
  const ns = `kfc-cut-r-${RUN}`;
  const group = `cut${RUN}.example.com`;
  // A kind of its own per run: KubeFed names the federated CRD after the kind alone.
  const kind = `Gadget${RUN}`;
  const plural = `gadget${RUN}s`;
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
  const watched = MEMBERS.map((member) => ({ cluster: member, path: `/apis/${group}/v1/namespaces/${ns}/${plural}/w` }));
  const args = () => cutoverArgs([ns], ['--timeout', '60s']);
  before(async () => {
    for (const cluster of [HOST, ...MEMBERS]) await ok(cluster, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    const joined = await kubefedctl(env, ['join', ...MEMBERS, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--wait=120s']);
    assert.equal(joined.code, 0, describeRun(joined));
    await env.waitFor(async () => (await env.adminRequest(HOST, 'GET', `/apis/${group}/v1/${plural}`)).status === 200, 30_000, {
      what: 'the CRD to be served',
    });
    const enabled = await kubefedctl(env, ['enable', `${plural}.${group}`, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig]);
    assert.equal(enabled.code, 0, describeRun(enabled));
    await ok(HOST, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await ok(HOST, 'POST', fedPath('federatednamespaces', ns), {
      apiVersion: TYPES,
      kind: 'FederatedNamespace',
      metadata: { name: ns, namespace: ns },
      spec: { placement: { clusterSelector: {} } },
    });
    await env.waitFor(
      async () => (await env.adminRequest(HOST, 'GET', `/apis/types.kubefed.io/v1beta1/namespaces/${ns}/federated${plural}`)).status === 200,
      30_000,
      { what: 'the Federated type to be served' },
    );
    await ok(HOST, 'POST', `/apis/types.kubefed.io/v1beta1/namespaces/${ns}/federated${plural}`, {
      apiVersion: TYPES,
      kind: `Federated${kind}`,
      metadata: { name: 'w', namespace: ns },
      spec: { template: { spec: { size: 3 } }, placement: { clusterSelector: {} } },
    });
    await env.waitFor(
      async () => {
        for (const { cluster, path } of watched) if ((await getObject(env, cluster, path))?.metadata?.labels?.['kubefed.io/managed'] !== 'true') return false;
        return true;
      },
      120_000,
      { what: 'KubeFed to propagate the object' },
    );
  });
  after(async () => {
    // The namespace first: disable --delete-crd refuses while a Federated object of the type exists.
    await cleanUp([ns]);
    await env
      .waitFor(async () => (await env.adminRequest(HOST, 'GET', `/apis/types.kubefed.io/v1beta1/federated${plural}`)).body?.items?.length === 0, 60_000, {
        what: 'the Federated objects to be gone',
      })
      .catch(() => undefined);
    const disabled = await kubefedctl(env, ['disable', `${plural}.${group}`, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--delete-crd']);
    assert.equal(disabled.code, 0, describeRun(disabled));
    for (const cluster of [HOST, ...MEMBERS])
      await env.adminRequest(cluster, 'DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${plural}.${group}`);
    await karmada!.request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${plural}.${group}`);
  });

  test(
    'stops before releasing anything from KubeFed, says what to fix, and finishes once it is fixed (confirmed at a terminal)',
    { skip: !HAS_SCRIPT && 'no script(1) on this machine' },
    async (t) => {
      const poller = new Poller(watched);
      poller.start();
      const refused = await kubefedctl(env, args(), { timeoutMs: 300_000 });
      assert.equal(refused.code, 1, describeRun(refused));
      assert.match(refused.stderr, new RegExp(`Karmada does not serve ${plural}.${group.replaceAll('.', '\\.')}`), refused.stderr);
      assert.match(refused.stderr, /install its CustomResourceDefinition in Karmada/);
      // Nothing was released: the Federated objects are there and KubeFed still manages every member object.
      assert.ok(await getObject(env, HOST, `/apis/types.kubefed.io/v1beta1/namespaces/${ns}/federated${plural}/w`), 'the Federated object is still there');
      for (const { cluster, path } of watched)
        assert.equal((await getObject(env, cluster, path))?.metadata?.labels?.['kubefed.io/managed'], 'true', `${path} in ${cluster} is still KubeFed's`);

      const installed = await karmada!.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      assert.equal(installed.status, 201, installed.text);
      await env.waitFor(async () => (await karmada!.request('GET', `/apis/${group}/v1/${plural}`)).status === 200, 30_000, {
        what: 'Karmada to serve the type',
      });
      // Once fixed, a person runs it at a terminal without --yes: asked first, "n" changes nothing, "y" cuts over.
      const home = mkdtempSync(path.join(os.tmpdir(), 'kfc-cut-tty-'));
      t.after(() => rmSync(home, { recursive: true, force: true }));
      const atTerminal = (answer: string) => {
        let answered = false;
        return runInTerminal(cutoverArgs([ns], ['--timeout', '60s'], { yes: false }), {
          cols: 250,
          env: { HOME: home },
          timeoutMs: 300_000,
          onOutput: (raw, type) => {
            if (!answered && raw.includes('[y/N] ')) {
              answered = true;
              type(`${answer}\r`);
            }
          },
        });
      };
      const question = new RegExp(
        `^Cut over \\d+ Federated objects? \\(namespace ${ns}\\)( and register \\d clusters)? from KubeFed on "${HOST}" to Karmada on "${KARMADA_CONTEXT}"\\? \\[y/N\\] `,
      );
      const federatedPath = `/apis/types.kubefed.io/v1beta1/namespaces/${ns}/federated${plural}/w`;
      const versionBefore = (await getObject(env, HOST, federatedPath)).metadata.resourceVersion;
      const declined = await atTerminal('n');
      assert.equal(declined.code, 1, declined.raw);
      assert.ok(
        declined.rows.some((row) => question.test(row) && row.endsWith('] n')),
        declined.rows.join('\n'),
      );
      assert.ok(
        declined.rows.some((row) => row.includes('cut-over not confirmed: nothing was changed')),
        declined.rows.join('\n'),
      );
      assert.equal((await getObject(env, HOST, federatedPath)).metadata.resourceVersion, versionBefore, 'a declined cut-over wrote nothing');
      const fixed = await atTerminal('y');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await poller.stop();
      assert.equal(fixed.code, 0, fixed.raw);
      assert.ok(
        fixed.rows.some((row) => question.test(row) && row.endsWith('] y')),
        fixed.rows.join('\n'),
      );
      poller.assertNothingDeletedOrReplaced();
      for (const { cluster, path } of watched) {
        const labels = (await getObject(env, cluster, path))?.metadata?.labels ?? {};
        assert.equal(labels['karmada.io/managed'], 'true', `${path} in ${cluster} is Karmada's`);
        assert.equal(labels['kubefed.io/managed'], undefined);
      }
    },
  );
});

// The time a cut-over of many objects takes (KUBEFEDCTL_E2E_CUTOVER_OBJECTS=100 runs it; it is reported, not asserted).
const MANY = Number(process.env['KUBEFEDCTL_E2E_CUTOVER_OBJECTS'] ?? 0);
describe(
  `migrate karmada --execute of ${MANY} ConfigMaps in one namespace (timing)`,
  { skip: skip || (MANY > 0 ? undefined : 'KUBEFEDCTL_E2E_CUTOVER_OBJECTS is not set') },
  () => {
    const ns = `kfc-cut-n-${RUN}`;
    async function setUp(): Promise<void> {
      const joined = await kubefedctl(env, ['join', ...MEMBERS, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--wait=120s']);
      assert.equal(joined.code, 0, describeRun(joined));
      await ok(HOST, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await ok(HOST, 'POST', fedPath('federatednamespaces', ns), {
        apiVersion: TYPES,
        kind: 'FederatedNamespace',
        metadata: { name: ns, namespace: ns },
        spec: { placement: { clusterSelector: {} } },
      });
      for (let i = 0; i < MANY - 1; i++) {
        await ok(HOST, 'POST', fedPath('federatedconfigmaps', ns), {
          apiVersion: TYPES,
          kind: 'FederatedConfigMap',
          metadata: { name: `c${i}`, namespace: ns },
          spec: { template: { data: { i: String(i) } }, placement: { clusterSelector: {} } },
        });
      }
      await env.waitFor(
        async () => {
          for (const member of MEMBERS) {
            const list = await env.adminRequest(member, 'GET', `/api/v1/namespaces/${ns}/configmaps?labelSelector=kubefed.io%2Fmanaged%3Dtrue`);
            if (list.status !== 200 || list.body.items.length < MANY - 1) return false;
          }
          return true;
        },
        300_000,
        { what: `KubeFed to propagate ${MANY} objects` },
      );
    }

    // Set up inside the test: a name filter that skips it then skips its set-up too.
    test('is timed', async (t) => {
      t.after(() => cleanUp([ns]));
      await setUp();
      const started = Date.now();
      const run = await kubefedctl(env, cutoverArgs([ns], ['--timeout', '10m']), { timeoutMs: 900_000 });
      const seconds = (Date.now() - started) / 1000;
      assert.equal(run.code, 0, describeRun(run));
      process.stderr.write(`cut-over of ${MANY} Federated objects (${MEMBERS.length} members): ${seconds.toFixed(1)}s\n`);
    });
  },
);
