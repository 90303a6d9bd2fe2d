// KubeFed and Karmada managing the same member objects, on the real controllers: the facts the cut-over's
// order rests on (docs/karmada-interplay.md). Skips without a `karmada` context (KUBEFEDCTL_E2E_KARMADA=1).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadE2eEnv, uniqueName, type E2eEnv } from './harness/env.js';
import {
  CLUSTERS_PATH,
  executionNamespace,
  KARMADA_MANAGED_LABEL,
  karmadaApi,
  karmadaPath,
  registerMember,
  unregisterMember,
  type KarmadaApi,
} from './karmada-support.js';
import { describeRun, kubefedctl } from './support.js';

const HOST = 'cluster1';
const KUBEFED_LABEL = 'kubefed.io/managed';
let env: E2eEnv;
let karmada: KarmadaApi | undefined;
let member: string;
const base = (): string[] => ['--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig];
const cleanups: Array<() => Promise<unknown>> = [];

before(() => {
  env = loadE2eEnv();
  karmada = karmadaApi(env);
  member = env.clusters[1]!;
});

after(async () => {
  for (const fn of cleanups.reverse()) {
    await fn().catch((err: unknown) => console.error(`cleanup: ${err instanceof Error ? err.message : String(err)}`));
  }
});

const cmPath = (ns: string, name: string): string => `/api/v1/namespaces/${ns}/configmaps/${name}`;
const fedPath = (plural: string, ns: string, name: string): string => `/apis/types.kubefed.io/v1beta1/namespaces/${ns}/${plural}/${name}`;
const configMap = (ns: string, name: string): object => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { k: 'v' } });

async function inMember(path: string): Promise<any> {
  const r = await env.adminRequest(member, 'GET', path);
  return r.status === 200 ? r.body : undefined;
}

function policy(ns: string, name: string, conflictResolution: 'Overwrite' | 'Abort', configMaps: string[]): object {
  return {
    apiVersion: 'policy.karmada.io/v1alpha1',
    kind: 'PropagationPolicy',
    metadata: { name, namespace: ns },
    spec: {
      conflictResolution,
      resourceSelectors: configMaps.map((n) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: n })),
      placement: { clusterAffinity: { clusterNames: [member] } },
    },
  };
}

describe('KubeFed and Karmada on the same member', { timeout: 600_000 }, () => {
  test('adoption in place, orphaning, FederatedNamespace release, unjoin and Cluster deletion', async (t) => {
    if (!karmada) {
      t.skip('no `karmada` context in the environment kubeconfig (start it with KUBEFEDCTL_E2E_KARMADA=1)');
      return;
    }
    const k = karmada;
    const ns = uniqueName('e2e-interplay');
    // A second namespace that stays federated until the KubeFedCluster goes.
    const ns2 = uniqueName('e2e-interplay');
    cleanups.push(async () => {
      await kubefedctl(env, ['unjoin', member, ...base(), '--force']);
      for (const c of [HOST, member]) for (const n of [ns, ns2]) await env.adminRequest(c, 'DELETE', `/api/v1/namespaces/${n}`);
      await k.request('DELETE', `/api/v1/namespaces/${ns}`);
    });
    cleanups.push(() => unregisterMember(env, k, member));

    // KubeFed places `adopted` (Karmada will take it with Overwrite), `kept` (Abort) and `left` (stays federated).
    const join = await kubefedctl(env, ['join', member, ...base(), '--wait=90s', '--error-on-existing=false']);
    assert.equal(join.code, 0, describeRun(join));
    assert.equal((await env.adminRequest(HOST, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status, 201);
    assert.equal((await env.adminRequest(HOST, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns2 } })).status, 201);
    for (const name of ['adopted', 'kept', 'left']) {
      assert.equal((await env.adminRequest(HOST, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, name))).status, 201);
    }
    assert.equal((await env.adminRequest(HOST, 'POST', `/api/v1/namespaces/${ns2}/configmaps`, configMap(ns2, 'stays'))).status, 201);
    for (const n of [ns, ns2]) {
      const federated = await kubefedctl(env, ['federate', 'namespace', n, ...base(), '--contents']);
      assert.equal(federated.code, 0, describeRun(federated));
    }
    const stays = await env.waitFor(() => inMember(cmPath(ns2, 'stays')), 60_000, { what: `KubeFed placed ${ns2}/stays` });
    const placed = await env.waitFor(
      async () => {
        const all = await Promise.all(['adopted', 'kept', 'left'].map((n) => inMember(cmPath(ns, n))));
        return all.every(Boolean) ? Object.fromEntries(all.map((o) => [o.metadata.name, o])) : undefined;
      },
      60_000,
      { what: 'KubeFed placed the ConfigMaps' },
    );
    for (const o of Object.values<any>(placed)) assert.equal(o.metadata.labels?.[KUBEFED_LABEL], 'true');

    // a) Karmada with Overwrite adopts in place; e) with Abort it refuses an object lacking its label.
    await registerMember(env, k, member);
    assert.equal((await k.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status, 201);
    for (const name of ['adopted', 'kept']) assert.equal((await k.request('POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, name))).status, 201);
    assert.equal((await k.request('POST', karmadaPath('policy', 'propagationpolicies', ns), policy(ns, 'overwrite', 'Overwrite', ['adopted']))).status, 201);
    assert.equal((await k.request('POST', karmadaPath('policy', 'propagationpolicies', ns), policy(ns, 'abort', 'Abort', ['kept']))).status, 201);
    const adopted = await env.waitFor(
      async () => {
        const o = await inMember(cmPath(ns, 'adopted'));
        return o?.metadata.labels?.[KARMADA_MANAGED_LABEL] === 'true' ? o : undefined;
      },
      60_000,
      { what: 'Karmada adopted `adopted`' },
    );
    assert.equal(adopted.metadata.uid, placed['adopted'].metadata.uid, 'adopted in place, not recreated');
    const abortMessage = await env.waitFor(
      async () => {
        const works = await k.request('GET', karmadaPath('work', 'works', executionNamespace(member)));
        const work = works.body?.items?.find((w: any) => w.spec.workload.manifests.some((m: any) => m.kind === 'ConfigMap' && m.metadata.name === 'kept'));
        const applied = (work?.status?.conditions ?? []).find((c: any) => c.type === 'Applied');
        return applied?.status === 'False' ? (applied.message as string) : undefined;
      },
      60_000,
      { what: 'the Abort Work to report Applied=False' },
    );
    assert.match(abortMessage, /already exists in the cluster .* Karmada will not manage this resource/);
    const kept = await inMember(cmPath(ns, 'kept'));
    assert.equal(kept.metadata.resourceVersion, placed['kept'].metadata.resourceVersion, 'Abort left the object untouched');

    // b) Orphaned deletion of the FederatedConfigMap: same object, KubeFed's label gone, Karmada's kept.
    const fedAdopted = fedPath('federatedconfigmaps', ns, 'adopted');
    assert.equal((await env.adminRequest(HOST, 'PATCH', fedAdopted, { metadata: { annotations: { 'kubefed.io/orphan': 'true' } } })).status, 200);
    assert.equal((await env.adminRequest(HOST, 'DELETE', fedAdopted)).status, 200);
    const released = await env.waitFor(
      async () => {
        const o = await inMember(cmPath(ns, 'adopted'));
        return o && o.metadata.labels?.[KUBEFED_LABEL] === undefined ? o : undefined;
      },
      60_000,
      { what: 'KubeFed to drop its label from `adopted`' },
    );
    assert.equal(released.metadata.uid, placed['adopted'].metadata.uid);
    assert.equal(released.metadata.labels?.[KARMADA_MANAGED_LABEL], 'true');

    // b) Orphaned deletion of the FederatedNamespace keeps the namespace but deletes contents still federated.
    const fedNs = `/apis/types.kubefed.io/v1beta1/namespaces/${ns}/federatednamespaces/${ns}`;
    const memberNs = await inMember(`/api/v1/namespaces/${ns}`);
    assert.equal((await env.adminRequest(HOST, 'PATCH', fedNs, { metadata: { annotations: { 'kubefed.io/orphan': 'true' } } })).status, 200);
    // Even with its own orphan annotation: that governs deleting the Federated object, not losing placement.
    assert.equal(
      (await env.adminRequest(HOST, 'PATCH', fedPath('federatedconfigmaps', ns, 'left'), { metadata: { annotations: { 'kubefed.io/orphan': 'true' } } }))
        .status,
      200,
    );
    assert.equal((await env.adminRequest(HOST, 'DELETE', fedNs)).status, 200);
    await env.waitFor(async () => (await inMember(cmPath(ns, 'left'))) === undefined, 60_000, {
      what: 'KubeFed to delete `left` once its namespace is unplaced',
    });
    const nsAfter = await inMember(`/api/v1/namespaces/${ns}`);
    assert.equal(nsAfter?.metadata.uid, memberNs.metadata.uid, 'the namespace itself is kept');
    assert.equal((await inMember(cmPath(ns, 'adopted')))?.metadata.uid, placed['adopted'].metadata.uid, 'released objects are kept');
    // `kept` was deleted the same way; Karmada, finding nothing in its way any more, creates it anew.
    const recreated = await env.waitFor(
      async () => {
        const o = await inMember(cmPath(ns, 'kept'));
        return o && o.metadata.uid !== placed['kept'].metadata.uid ? o : undefined;
      },
      60_000,
      { what: '`kept` recreated by Karmada with a new uid' },
    );
    assert.equal(recreated.metadata.labels?.[KARMADA_MANAGED_LABEL], 'true');

    // c) Deleting the KubeFedCluster leaves what KubeFed placed, label and all.
    assert.equal(
      (await env.adminRequest(HOST, 'DELETE', `/apis/core.kubefed.io/v1beta1/namespaces/${env.kubefedNamespace}/kubefedclusters/${member}`)).status,
      200,
    );
    await new Promise((r) => setTimeout(r, 10_000));
    const staysAfterUnjoin = await inMember(cmPath(ns2, 'stays'));
    assert.equal(staysAfterUnjoin?.metadata.uid, stays.metadata.uid);
    assert.equal(staysAfterUnjoin.metadata.labels?.[KUBEFED_LABEL], 'true', 'KubeFed leaves its label behind');

    // d) Deleting the Karmada Cluster deletes what Karmada manages there, and only that.
    assert.equal((await k.request('DELETE', `${CLUSTERS_PATH}/${member}`)).status, 200);
    await env.waitFor(async () => (await inMember(cmPath(ns, 'adopted'))) === undefined, 90_000, { what: 'Karmada to delete `adopted` with its Cluster' });
    assert.equal((await inMember(cmPath(ns2, 'stays')))?.metadata.uid, stays.metadata.uid, 'an object Karmada never managed stays');
  });
});
