// get clusters and status against real kube-apiservers and the real KubeFed controller: the
// readiness KubeFed reports (also for an unreachable member, which has no Ready condition at
// all), and the Propagation condition of a federated object as the sync controller writes it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type E2eEnv, loadE2eEnv, uniqueName } from './harness/env.js';
import { NS, describeRun, getObject, kubefedctl, waitForNamespaceGone } from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const MEMBER = env.clusters.find((c) => c !== HOST)!;
const APP = uniqueName('e2e-status');
const FED = '/apis/types.kubefed.io/v1beta1';

const cli = (...args: string[]) => kubefedctl(env, [...args, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig]);

async function create(path: string, body: unknown): Promise<void> {
  const response = await env.adminRequest(HOST, 'POST', path, body);
  assert.equal(response.status, 201, response.text);
}

describe('get clusters and status against KubeFed', { timeout: 600_000 }, () => {
  before(async () => {
    await kubefedctl(env, ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--force']);
    await waitForNamespaceGone(env, MEMBER, NS);
    const join = await cli('join', MEMBER, '--wait=90s');
    assert.equal(join.code, 0, describeRun(join));
  });

  after(async () => {
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${APP}`);
    await kubefedctl(env, ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--force']);
    await waitForNamespaceGone(env, MEMBER, NS);
    await waitForNamespaceGone(env, HOST, APP).catch(() => undefined);
  });

  test('get clusters: the member Ready with its Kubernetes version; -o json is the KubeFedCluster as stored', async () => {
    const table = await cli('get', 'clusters', MEMBER, '-o', 'wide');
    assert.equal(table.code, 0, describeRun(table));
    const [header, row] = table.stdout.trimEnd().split('\n');
    assert.match(header!, /^NAME +READY +KUBERNETES-VERSION +AGE +API-ENDPOINT +PROXY-URL +TLS +SECRET +CREDENTIALS-AGE +REASON +LAST-PROBE$/);
    assert.match(
      row!,
      new RegExp(
        `^${MEMBER} +True +v1\\.\\d+\\.\\d+ +\\d+s +${env.server(MEMBER).replace(/[.]/g, '\\.')} +<none> +ca-bundle +${MEMBER}-\\S+ +\\d+s +ClusterReady +\\d+s$`,
      ),
    );
    const json = await cli('get', 'clusters', MEMBER, '-o', 'json');
    const stored = await getObject(env, HOST, `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters/${MEMBER}`);
    const printed = JSON.parse(json.stdout);
    assert.equal(printed.metadata.uid, stored.metadata.uid);
    assert.deepEqual(printed.spec, stored.spec);
    assert.equal(printed.metadata.managedFields, undefined, 'managedFields hidden, as kubectl does');
  });

  test('status: the control plane at a glance; --check passes when every cluster is Ready and every enabled type runs', async () => {
    const result = await cli('status', '--check');
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /^Scope: +Cluster$/m);
    assert.match(result.stdout, new RegExp(`^${MEMBER} +True `, 'm'));
    assert.match(result.stdout, /^deployments\.apps +federateddeployments\.types\.kubefed\.io +Enabled +Running$/m);
    const json = JSON.parse((await cli('status', '-o', 'json')).stdout);
    assert.equal(json.ok, true);
    assert.equal(json.federatedTypes.length, 10, "the chart's ten default types");
  });

  test('status TYPE NAME: NamespaceNotFederated until the namespace is federated, then True with the member OK', async () => {
    const created = await env.adminRequest(HOST, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP } });
    assert.equal(created.status, 201, created.text);
    await create(`${FED}/namespaces/${APP}/federatedconfigmaps`, {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'settings', namespace: APP },
      spec: { template: { data: { mode: 'fast' } }, placement: { clusters: [{ name: MEMBER }] } },
    });
    await env.waitFor(
      async () => (await cli('status', 'FederatedConfigMap', 'settings', '-n', APP, '-o', 'json')).stdout.includes('NamespaceNotFederated'),
      60_000,
      { what: 'Propagation False (NamespaceNotFederated)' },
    );
    const failing = await cli('status', 'FederatedConfigMap', 'settings', '-n', APP, '--check');
    assert.equal(failing.code, 1, describeRun(failing));
    assert.equal(failing.stderr, 'error: status check failed: propagation is False (NamespaceNotFederated)\n');

    await create(`${FED}/namespaces/${APP}/federatednamespaces`, {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedNamespace',
      metadata: { name: APP, namespace: APP },
      spec: { placement: { clusters: [{ name: MEMBER }] } },
    });
    const ok = await env.waitFor(
      async () => {
        const result = await cli('status', 'configmaps', 'settings', '-n', APP, '--check');
        return result.code === 0 ? result : undefined;
      },
      90_000,
      { what: 'status --check passes for the FederatedConfigMap' },
    );
    assert.match(ok.stdout, /^Object: +FederatedConfigMap .*\/settings$/m);
    assert.match(ok.stdout, /^Propagation: +True for \d+s/m);
    assert.match(ok.stdout, new RegExp(`^${MEMBER} +OK$`, 'm'));
    assert.equal((await getObject(env, MEMBER, `/api/v1/namespaces/${APP}/configmaps/settings`))?.data?.mode, 'fast');
  });

  test(
    'an unreachable member: READY False (KubeFed stores only Offline=True), status --check fails, then Ready again',
    { skip: !env.canControlApiservers && 'needs the harness-started environment' },
    async () => {
      await env.stopApiserver(MEMBER);
      try {
        const offline = await env.waitFor(
          async () => {
            const result = await cli('get', 'clusters', MEMBER, '-o', 'wide');
            return /ClusterNotReachable/.test(result.stdout) ? result : undefined;
          },
          90_000,
          { what: `${MEMBER} reported Offline` },
        );
        assert.match(offline.stdout, new RegExp(`^${MEMBER} +False +<none> +`, 'm'));
        const stored = await getObject(env, HOST, `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters/${MEMBER}`);
        assert.deepEqual(
          stored.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`),
          ['Offline=True'],
          'no Ready condition at all',
        );
        const check = await cli('status', '--check');
        assert.equal(check.code, 1);
        assert.match(check.stderr, new RegExp(`^error: status check failed: cluster "${MEMBER}" is not Ready \\(ClusterNotReachable: `));
      } finally {
        await env.startApiserver(MEMBER);
      }
      await env.waitFor(async () => (await cli('get', 'clusters', MEMBER)).stdout.includes(' True '), 90_000, { what: `${MEMBER} Ready again` });
    },
  );
});
