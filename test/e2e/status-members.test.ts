// status TYPE NAME --members against real members and the real KubeFed controller: each member's
// Deployment judged as kubectl rollout status judges it, read with the credentials KubeFed stores
// (and with --member-context); then a StatefulSet and a DaemonSet.
//
// The members run kube-controller-manager but no kubelet or scheduler, so the states are real ones:
// replicas 0 rolls out at once (finished); replicas 2 makes pods that stay Pending, so the rollout
// waits for available replicas forever (in progress); the same with progressDeadlineSeconds 1 makes
// the deployment controller report ProgressDeadlineExceeded once a new pod template starts a
// rollout (stuck). A status written through the
// status subresource would not hold: the deployment controller writes the status back at its next
// sync. --wait is proven to end when the last member finishes (after the override that holds it
// back is removed), and to fail at its timeout naming the member that has not.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type E2eEnv, loadE2eEnv, uniqueName } from './harness/env.js';
import { NS, describeRun, getObject, kubefedctl, startKubefedctl, waitForNamespaceGone } from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const MEMBERS = env.clusters.filter((c) => c !== HOST).slice(0, 2);
const [C2, C3] = MEMBERS as [string, string];
const APP = uniqueName('e2e-rollout');
const FED = '/apis/types.kubefed.io/v1beta1';
const FDEPLOY = `${FED}/namespaces/${APP}/federateddeployments/web`;

const cli = (...args: string[]) => kubefedctl(env, [...args, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig]);
const status = (...args: string[]) => cli('status', 'FederatedDeployment', 'web', '-n', APP, '--members', ...args);

/** Overrides per cluster of the FederatedDeployment (JSON patches of the member object). */
async function setOverrides(overrides: Record<string, Array<{ op?: string; path: string; value: unknown }>>): Promise<void> {
  const response = await env.adminRequest(HOST, 'PATCH', FDEPLOY, {
    spec: { overrides: Object.entries(overrides).map(([clusterName, clusterOverrides]) => ({ clusterName, clusterOverrides })) },
  });
  assert.equal(response.status, 200, response.text);
}

async function memberDeployment(cluster: string): Promise<any> {
  return getObject(env, cluster, `/apis/apps/v1/namespaces/${APP}/deployments/web`);
}

/** Both members joined afresh (a registration an earlier file left is replaced). */
async function joinMembersAfresh(): Promise<void> {
  for (const member of MEMBERS) {
    await cli('unjoin', member, '--force');
    await waitForNamespaceGone(env, member, NS);
    const join = await cli('join', member, '--wait=90s');
    assert.equal(join.code, 0, describeRun(join));
  }
}

/** The namespace on the host and its FederatedNamespace placed on both members. */
function federatedNamespace(ns: string): Array<readonly [string, unknown]> {
  return [
    ['/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }],
    [
      `${FED}/namespaces/${ns}/federatednamespaces`,
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedNamespace',
        metadata: { name: ns, namespace: ns },
        spec: { placement: { clusters: MEMBERS.map((name) => ({ name })) } },
      },
    ],
  ];
}

describe('status --members against real members', { skip: MEMBERS.length < 2 && 'needs two members (KUBEFEDCTL_E2E_CLUSTERS=3)', timeout: 900_000 }, () => {
  before(async () => {
    await joinMembersAfresh();
    for (const [path, body] of [
      ...federatedNamespace(APP),
      [
        `${FED}/namespaces/${APP}/federateddeployments`,
        {
          apiVersion: 'types.kubefed.io/v1beta1',
          kind: 'FederatedDeployment',
          metadata: { name: 'web', namespace: APP },
          spec: {
            template: {
              spec: {
                replicas: 0,
                selector: { matchLabels: { app: 'web' } },
                template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] } },
              },
            },
            placement: { clusters: MEMBERS.map((name) => ({ name })) },
          },
        },
      ],
    ] as const) {
      const created = await env.adminRequest(HOST, 'POST', path, body);
      assert.equal(created.status, 201, created.text);
    }
  });

  after(async () => {
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${APP}`);
    for (const member of MEMBERS) {
      await cli('unjoin', member, '--force');
      await waitForNamespaceGone(env, member, NS);
    }
  });

  test('finished everywhere: every member rolled out (read with the credentials KubeFed stores), --check passes', async () => {
    const done = await env.waitFor(
      async () => {
        const result = await status('--check');
        return result.code === 0 ? result : undefined;
      },
      90_000,
      { what: 'status --members --check passes with replicas 0 everywhere' },
    );
    for (const member of MEMBERS)
      assert.match(
        done.stdout,
        new RegExp(`^${member} +rolled-out +(\\d+)/\\1 +0/0 +0/0 +0/0 +deployment "web" successfully rolled out$`, 'm'),
        describeRun(done),
      );
    const viaContexts = await status('--check', '--member-context', `${C2}=${C2}`, '--member-context', `${C3}=${C3}`, '-o', 'json');
    assert.equal(viaContexts.code, 0, describeRun(viaContexts));
    assert.equal(JSON.parse(viaContexts.stdout).ok, true);
    const namespaceCheck = await cli('status', '--check', '--members', '-n', APP);
    assert.equal(namespaceCheck.code, 0, describeRun(namespaceCheck));
    assert.match(namespaceCheck.stdout, new RegExp(`^Namespace ${APP}$`, 'm'), 'the FederatedNamespace is judged too (present and as rendered)');
  });

  test('in progress on one member: --check fails naming it; --wait times out naming it, and ends when it finishes, not before', async () => {
    await setOverrides({ [C3]: [{ path: '/spec/replicas', value: 2 }] });
    await env.waitFor(async () => (await memberDeployment(C3))?.status?.updatedReplicas === 2, 60_000, { what: `${C3} made 2 (Pending) replicas` });
    const check = await status('--check');
    assert.equal(check.code, 1, describeRun(check));
    assert.match(
      check.stdout,
      new RegExp(
        `^${C3} +progressing +\\d+/\\d+ +2/2 +0/2 +0/2 +Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available\\.\\.\\.$`,
        'm',
      ),
      describeRun(check),
    );
    assert.match(check.stdout, new RegExp(`^${C2} +rolled-out `, 'm'));
    assert.equal(
      check.stderr,
      `error: status check failed: cluster "${C3}": Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...\n`,
    );

    // A timeout names the member that has not rolled out, and only it.
    const timedOut = await status('--wait=3s');
    assert.equal(timedOut.code, 1, describeRun(timedOut));
    assert.match(
      timedOut.stderr,
      new RegExp(`^error: not every member rolled out within 3s: cluster "${C3}": Waiting for deployment "web" rollout to finish`, 'm'),
    );
    assert.doesNotMatch(timedOut.stderr, new RegExp(`cluster "${C2}"`));

    const waiting = startKubefedctl([
      'status',
      'FederatedDeployment',
      'web',
      '-n',
      APP,
      '--members',
      '--wait=120s',
      '--host-cluster-context',
      HOST,
      '--kubeconfig',
      env.kubeconfig,
    ]);
    const started = Date.now();
    let ended: number | undefined;
    void waiting.result.then(() => (ended = Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    assert.equal(ended, undefined, '--wait is still waiting while a member is in progress');
    const released = Date.now();
    await setOverrides({});
    const result = await waiting.result;
    assert.equal(result.code, 0, describeRun(result));
    assert.ok(ended! - started >= 5_000 && ended! >= released, `--wait ended after the release (${ended! - started} ms after it started)`);
    assert.match(result.stdout, new RegExp(`^${C3} +rolled-out `, 'm'));
  });

  test('stuck on one member (ProgressDeadlineExceeded): reported as stuck, and --wait fails at once instead of waiting for its timeout', async () => {
    // A new pod template starts a rollout, which the deployment controller times out (a scale alone
    // never does: a completed rollout cannot time out).
    await setOverrides({
      [C3]: [
        { path: '/spec/replicas', value: 2 },
        { path: '/spec/progressDeadlineSeconds', value: 1 },
        { op: 'add', path: '/spec/template/metadata/annotations', value: { revision: 'stuck' } },
      ],
    });
    await env.waitFor(
      async () =>
        ((await memberDeployment(C3))?.status?.conditions ?? []).some(
          (c: { type: string; reason: string }) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
        ),
      90_000,
      { what: `the deployment controller of ${C3} reports ProgressDeadlineExceeded` },
    );
    const started = Date.now();
    const stuck = await status('--wait=60s');
    assert.equal(stuck.code, 1, describeRun(stuck));
    assert.ok(Date.now() - started < 30_000, 'a stuck rollout ends the wait without waiting for the timeout');
    assert.match(stuck.stdout, new RegExp(`^${C3} +stuck +.*deployment "web" exceeded its progress deadline$`, 'm'), describeRun(stuck));
    assert.match(
      stuck.stderr,
      new RegExp(`^error: not every member rolled out within 60s: cluster "${C3}": deployment "web" exceeded its progress deadline$`, 'm'),
    );

    await setOverrides({});
  });
});

// A StatefulSet and a DaemonSet judged as kubectl rollout status judges them, on the same members: no
// kubelet, so replicas 0 and a cluster without nodes are finished rollouts; a replica, or a Node object
// (a node no kubelet runs), gives a pod that stays Pending: a rollout in progress.
describe(
  'status --members: StatefulSet and DaemonSet rollouts',
  { skip: MEMBERS.length < 2 && 'needs two members (KUBEFEDCTL_E2E_CLUSTERS=3)', timeout: 900_000 },
  () => {
    const ns = uniqueName('e2e-rollout-apps');
    const node = uniqueName('kfc-node');
    const types = ['statefulsets.apps', 'daemonsets.apps'];
    const podSpec = (app: string) => ({
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image: `registry.invalid/${app}:1` }] } },
    });
    const federated = (kind: string, name: string, spec: unknown) => ({
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: `Federated${kind}`,
      metadata: { name, namespace: ns },
      spec: { template: { spec }, placement: { clusters: MEMBERS.map((cluster) => ({ name: cluster })) } },
    });
    const rolloutOf = (kind: string, name: string, ...args: string[]) => cli('status', `Federated${kind}`, name, '-n', ns, '--members', ...args);
    /** status --check, until its result is the one awaited. */
    const checkUntil = (kind: string, name: string, awaited: (result: Awaited<ReturnType<typeof cli>>) => boolean, what: string) =>
      env.waitFor(
        async () => {
          const result = await rolloutOf(kind, name, '--check');
          return awaited(result) ? result : undefined;
        },
        90_000,
        { what },
      );

    before(async () => {
      await joinMembersAfresh();
      for (const type of types) {
        const enabled = await cli('enable', type);
        assert.equal(enabled.code, 0, describeRun(enabled));
      }
      for (const [path, body] of [
        ...federatedNamespace(ns),
        [`${FED}/namespaces/${ns}/federatedstatefulsets`, federated('StatefulSet', 'db', { replicas: 0, serviceName: 'db', ...podSpec('db') })],
        [`${FED}/namespaces/${ns}/federateddaemonsets`, federated('DaemonSet', 'agent', podSpec('agent'))],
      ] as const) {
        const created = await env.waitFor(
          async () => {
            const response = await env.adminRequest(HOST, 'POST', path, body);
            return response.status === 404 ? undefined : response; // the Federated CRDs may not be served yet
          },
          30_000,
          { what: `POST ${path}` },
        );
        assert.equal(created.status, 201, created.text);
      }
    });

    after(async () => {
      await env.adminRequest(C3, 'DELETE', `/api/v1/nodes/${node}`);
      await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${ns}`);
      await waitForNamespaceGone(env, HOST, ns).catch(() => undefined);
      for (const type of types) await cli('disable', type, '--delete-crd', '--timeout=60s');
      for (const member of MEMBERS) {
        await cli('unjoin', member, '--force');
        await env.adminRequest(member, 'DELETE', `/api/v1/namespaces/${ns}`);
      }
    });

    test('StatefulSet: replicas 0 is rolled out everywhere; a replica that stays Pending is in progress on that member only', async () => {
      const done = await checkUntil('StatefulSet', 'db', (result) => result.code === 0, 'the StatefulSet rolled out on every member');
      for (const member of MEMBERS)
        assert.match(
          done.stdout,
          new RegExp(`^${member} +rolled-out .*partitioned roll out complete: 0 new pods have been updated\\.\\.\\.$`, 'm'),
          describeRun(done),
        );

      const patched = await env.adminRequest(HOST, 'PATCH', `${FED}/namespaces/${ns}/federatedstatefulsets/db`, {
        spec: { overrides: [{ clusterName: C3, clusterOverrides: [{ path: '/spec/replicas', value: 1 }] }] },
      });
      assert.equal(patched.status, 200, patched.text);
      const progressing = await checkUntil(
        'StatefulSet',
        'db',
        (result) => result.code === 1 && new RegExp(`^${C3} +progressing `, 'm').test(result.stdout),
        `the StatefulSet in progress on ${C3}`,
      );
      assert.match(progressing.stdout, new RegExp(`^${C3} +progressing .*Waiting for 1 pods to be ready\\.\\.\\.$`, 'm'), describeRun(progressing));
      assert.match(progressing.stdout, new RegExp(`^${C2} +rolled-out `, 'm'), describeRun(progressing));
      assert.equal(progressing.stderr, `error: status check failed: cluster "${C3}": Waiting for 1 pods to be ready...\n`);
    });

    test('DaemonSet: no nodes is rolled out; a node whose pod stays Pending puts that member in progress', async () => {
      const done = await checkUntil('DaemonSet', 'agent', (result) => result.code === 0, 'the DaemonSet rolled out on every member');
      for (const member of MEMBERS)
        assert.match(done.stdout, new RegExp(`^${member} +rolled-out .*daemon set "agent" successfully rolled out$`, 'm'), describeRun(done));

      const created = await env.adminRequest(C3, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node } });
      assert.equal(created.status, 201, created.text);
      const progressing = await checkUntil('DaemonSet', 'agent', (result) => result.code === 1, `the DaemonSet in progress on ${C3}`);
      assert.match(
        progressing.stdout,
        new RegExp(`^${C3} +progressing .*Waiting for daemon set "agent" rollout to finish: 0 (out )?of 1 `, 'm'),
        describeRun(progressing),
      );
      assert.match(progressing.stdout, new RegExp(`^${C2} +rolled-out `, 'm'), describeRun(progressing));
      const timedOut = await rolloutOf('DaemonSet', 'agent', '--wait=3s');
      assert.equal(timedOut.code, 1, describeRun(timedOut));
      assert.match(timedOut.stderr, new RegExp(`^error: not every member rolled out within 3s: cluster "${C3}": Waiting for daemon set "agent"`, 'm'));
    });
  },
);
