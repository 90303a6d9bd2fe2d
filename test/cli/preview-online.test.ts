// kubefedctl preview TYPE [NAME] against an in-memory host cluster and member clusters: what is
// read, how TYPE resolves, --live actions from member objects and PropagatedVersions, members
// that cannot be read, exit codes. The PropagatedVersion hashes below were computed with KubeFed
// v0.10.0's own sync.GetTemplateHash and sync.GetOverrideHash (a Go program built against
// sigs.k8s.io/kubefed v0.10.0), so `unchanged` here means the controller would agree.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { offlineTypeResources } from '../../src/core/builtin-types.js';
import { GVR } from '../../src/core/gvr.js';
import { overrideVersion, templateVersion } from '../../src/core/preview/versions.js';
import { defaultEnableTypeDirective } from '../../src/core/enable-directive.js';
import type { GroupVersionResource, KubeObject } from '../../src/core/types.js';
import { FakeCluster, apiError, createFakeEnv, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';
const FED = (resource: string): GroupVersionResource => ({ group: 'types.kubefed.io', version: 'v1beta1', resource });
const CONFIG_MAPS: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const PROPAGATED_VERSIONS: GroupVersionResource = { group: 'core.kubefed.io', version: 'v1alpha1', resource: 'propagatedversions' };
const RSPS: GroupVersionResource = { group: 'scheduling.kubefed.io', version: 'v1alpha1', resource: 'replicaschedulingpreferences' };
/** GetTemplateHash and GetOverrideHash of FederatedConfigMap app/settings, from KubeFed's Go code. */
const SETTINGS_TEMPLATE_VERSION = '422da1741e979236e68e0255aa02934a';
const SETTINGS_OVERRIDE_VERSION = 'a2cb78aa5ebbe31e8aa547208fd6e101';

function crd(plural: string, kind: string, group: string, version: string, scope: 'Namespaced' | 'Cluster' = 'Namespaced'): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: { group, names: { kind, plural }, scope, versions: [{ name: version, served: true, storage: true }] },
  };
}

function kubefedCluster(name: string, labels: Record<string, string>, ready = true): KubeObject {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedCluster',
    metadata: { name, namespace: NS, labels },
    spec: { apiEndpoint: `https://${name}.fake.invalid:6443`, secretRef: { name: `${name}-x` } },
    status: { conditions: [ready ? { type: 'Ready', status: 'True' } : { type: 'Offline', status: 'True' }] },
  };
}

const SETTINGS: KubeObject = {
  apiVersion: 'types.kubefed.io/v1beta1',
  kind: 'FederatedConfigMap',
  metadata: { name: 'settings', namespace: 'app' },
  spec: {
    template: { data: { mode: 'fast' } },
    placement: { clusters: [{ name: 'm1' }, { name: 'm2' }, { name: 'm3' }] },
    overrides: [{ clusterName: 'm2', clusterOverrides: [{ path: '/data/mode', value: 'slow' }] }],
  },
};

/** A host with KubeFed, three Ready members (m1, m2 in eu; m3 in us) and a fourth that is not Ready. */
function hostCluster(): FakeCluster {
  const host = new FakeCluster({ contextName: 'host' }).installKubeFed();
  for (const type of ['namespaces', 'configmaps', 'deployments.apps']) {
    const { typeConfig, crd: federatedCrd } = offlineTypeResources(defaultEnableTypeDirective(type));
    host.put(GVR.customResourceDefinitions, federatedCrd);
    host.put(GVR.federatedTypeConfigs, { ...typeConfig, metadata: { ...typeConfig.metadata, namespace: NS } });
  }
  host.put(GVR.customResourceDefinitions, crd('propagatedversions', 'PropagatedVersion', 'core.kubefed.io', 'v1alpha1'));
  host.put(GVR.customResourceDefinitions, crd('replicaschedulingpreferences', 'ReplicaSchedulingPreference', 'scheduling.kubefed.io', 'v1alpha1'));
  host.add(
    {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedConfig',
      metadata: { name: 'kubefed', namespace: NS },
      spec: { scope: 'Cluster', syncController: { adoptResources: 'Enabled' } },
    },
    kubefedCluster('m1', { region: 'eu' }),
    kubefedCluster('m2', { region: 'eu' }),
    kubefedCluster('m3', { region: 'us' }),
    kubefedCluster('m4', { region: 'us' }, false),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'eu-only' } },
    {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedNamespace',
      metadata: { name: 'app', namespace: 'app' },
      spec: { placement: { clusterSelector: {} } },
    },
    {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedNamespace',
      metadata: { name: 'eu-only', namespace: 'eu-only' },
      spec: { placement: { clusterSelector: { matchLabels: { region: 'eu' } } } },
    },
    SETTINGS,
    {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'gone', namespace: 'app' },
      spec: { template: { data: { a: 'b' } }, placement: { clusters: [{ name: 'm2' }] } },
    },
    {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'everywhere', namespace: 'eu-only' },
      spec: { template: { data: { a: 'b' } }, placement: { clusterSelector: {} } },
    },
  );
  return host;
}

function member(context: string): FakeCluster {
  return new FakeCluster({ contextName: context }).add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } });
}

function managedConfigMap(name: string, data: Record<string, string>, labels: Record<string, string> = { 'kubefed.io/managed': 'true' }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app', labels }, data };
}

const preview = (clusters: FakeCluster[], ...args: string[]) => {
  const fake = createFakeEnv(clusters);
  return runWithFakeEnv(['preview', ...args, '--host-cluster-context', 'host'], fake).then((result) => ({ ...result, fake }));
};

/** `-o json` items per cluster as "action kind/name". */
function actions(stdout: string): Record<string, string[]> {
  const parsed = JSON.parse(stdout) as {
    clusters: Array<{ name: string; items: Array<{ action: string; object: KubeObject | null; source: { name: string } }> }>;
  };
  return Object.fromEntries(
    parsed.clusters.map((cluster) => [cluster.name, cluster.items.map((item) => `${item.action} ${item.object?.kind ?? '-'}/${item.source.name}`)]),
  );
}

describe('preview TYPE (fake host)', () => {
  test('reads the host only: placement from KubeFedClusters and FederatedNamespaces, which are not shown themselves', async () => {
    const host = hostCluster();
    const result = await preview([host], 'federatedconfigmaps', '-n', 'app', '-o', 'name');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, ['m1/configmap/settings', 'm2/configmap/settings', 'm2/configmap/gone', 'm3/configmap/settings', ''].join('\n'));
    assert.deepEqual(result.fake.clientCalls, ['host'], 'no member cluster is contacted without --live');
    assert.deepEqual(host.writes(), [], 'nothing is written');
    assert.deepEqual(
      host.requestsOf('get').map((request) => `${request.gvr?.resource} ${request.namespace}/${request.name}`),
      ['kubefedconfigs kube-federation-system/kubefed', 'federatednamespaces app/app'],
      'one KubeFedConfig and the one FederatedNamespace that matters',
    );
    assert.match(result.stderr, /^$/);
  });

  test('TYPE may be the federated kind, its short form or the target type; NAME picks one object; -A reads every namespace', async () => {
    const host = hostCluster();
    for (const type of ['FederatedConfigMap', 'federatedconfigmaps.types.kubefed.io', 'configmaps', 'cm']) {
      const result = await preview([host], type, 'settings', '-n', 'app', '-o', 'name');
      assert.equal(result.code, 0, `${type}: ${result.stderr}`);
      assert.equal(result.stdout, 'm1/configmap/settings\nm2/configmap/settings\nm3/configmap/settings\n', type);
    }
    const all = await preview([host], 'federatedconfigmaps', '-A', '-o', 'name');
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^m1\/configmap\/everywhere$/m, 'the eu-only namespace places it in eu clusters');
    assert.doesNotMatch(all.stdout, /m3\/configmap\/everywhere/, 'but not in us ones');
    assert.deepEqual(
      host.requestsOf('list', 'federatednamespaces').map((request) => request.namespace),
      [undefined],
      '-A lists every FederatedNamespace',
    );
  });

  test('--explain names the host as the source, and a cluster that is not Ready is skipped', async () => {
    const host = hostCluster();
    host.modify(FED('federatedconfigmaps'), 'settings', 'app', (object) => {
      (object.spec as { placement: unknown }).placement = { clusters: [{ name: 'm1' }, { name: 'm4' }] };
    });
    const result = await preview([host], 'federatedconfigmap', 'settings', '-n', 'app', '--explain');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'FederatedConfigMap app/settings (host cluster host)',
        '  spec.overrides for cluster "m2" is not used: the object is not placed there',
        '  m1: create: listed in spec.placement.clusters; FederatedNamespace app/app places its namespace here too',
        '  m2: dropped: not listed in spec.placement.clusters',
        '  m3: dropped: not listed in spec.placement.clusters',
        '  m4: skip:NotReady: listed in spec.placement.clusters; FederatedNamespace app/app places its namespace here too; the cluster is not Ready (ClusterNotReady)',
        '',
      ].join('\n'),
    );
  });

  test('a KubeFed failure exits 1 with the rest printed', async () => {
    const host = hostCluster();
    host.modify(FED('federatedconfigmaps'), 'settings', 'app', (object) => {
      (object.spec as { overrides: unknown }).overrides = [{ clusterName: 'm3', clusterOverrides: [{ op: 'remove', path: '/data/absent' }] }];
    });
    const result = await preview([host], 'federatedconfigmap', 'settings', '-n', 'app', '-o', 'name');
    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'm1/configmap/settings\nm2/configmap/settings\n');
    assert.match(
      result.stderr,
      /^error: FederatedConfigMap app\/settings in cluster m3: ApplyOverridesFailed: error in remove for path: '\/data\/absent': Unable to remove nonexistent key: absent: missing value$/m,
    );
    assert.match(result.stderr, /^error: KubeFed would report 1 failure\(s\)/m);
  });

  test('unknown types, types without a FederatedTypeConfig and missing objects exit 1', async () => {
    const host = hostCluster();
    const unknown = await preview([host], 'gizmos');
    assert.notEqual(unknown.code, 0);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /Failed to find targeted gizmos type/);
    const notFederated = await preview([host], 'secrets', '-n', 'app');
    assert.equal(notFederated.code, 1);
    assert.match(
      notFederated.stderr,
      /^error: secrets is neither the federated type nor the target type of a FederatedTypeConfig in namespace kube-federation-system\n {2}hint: /,
    );
    const missing = await preview([host], 'federatedconfigmaps', 'nope', '-n', 'app');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /federatedconfigmaps.types.kubefed.io "nope" not found in namespace app/);
    const none = await preview([host], 'federateddeployments', '-n', 'app');
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /Warning: no FederatedDeployment found in namespace app/);
  });

  test('ReplicaSchedulingPreferences: the host object already carries the schedule, --simulate-rsp schedules again', async () => {
    const host = hostCluster();
    host.add(
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedDeployment',
        metadata: { name: 'web', namespace: 'app' },
        spec: { template: { spec: { replicas: 1 } }, placement: { clusters: [{ name: 'm1' }] } },
      },
      {
        apiVersion: 'scheduling.kubefed.io/v1alpha1',
        kind: 'ReplicaSchedulingPreference',
        metadata: { name: 'web', namespace: 'app' },
        spec: { targetKind: 'FederatedDeployment', totalReplicas: 6, clusters: { m1: { weight: 1 }, m3: { weight: 2 } } },
      },
    );
    const asIs = await preview([host], 'federateddeployments', '-n', 'app', '-o', 'name');
    assert.equal(asIs.code, 0, asIs.stderr);
    assert.equal(asIs.stdout, 'm1/deployment.apps/web\n');
    assert.match(
      asIs.stderr,
      /ReplicaSchedulingPreference app\/web: KubeFed's scheduler has already written its placement and replicas into FederatedDeployment app\/web/,
    );
    const simulated = await preview([host], 'federateddeployments', '-n', 'app', '--simulate-rsp', '-o', 'json');
    assert.equal(simulated.code, 0, simulated.stderr);
    const replicas = (
      JSON.parse(simulated.stdout) as { clusters: Array<{ name: string; items: Array<{ object: { spec: { replicas: number } } }> }> }
    ).clusters.map((cluster) => [cluster.name, cluster.items.map((item) => item.object.spec.replicas)]);
    assert.deepEqual(replicas, [
      ['m1', [2]],
      ['m2', [0]],
      ['m3', [4]],
      ['m4', []],
    ]);
    assert.equal(host.requestsOf('list', 'replicaschedulingpreferences').length, 2);
    assert.deepEqual(host.all(RSPS).length, 1);
  });
});

describe('preview TYPE --live (fake host and members)', () => {
  function world() {
    const host = hostCluster();
    host.add({
      apiVersion: 'core.kubefed.io/v1alpha1',
      kind: 'PropagatedVersion',
      metadata: { name: 'configmap-settings', namespace: 'app' },
      status: {
        templateVersion: SETTINGS_TEMPLATE_VERSION,
        overridesVersion: SETTINGS_OVERRIDE_VERSION,
        clusterVersions: [{ clusterName: 'm1', version: 'rv:7' }],
      },
    });
    const m1 = member('m1');
    m1.put(CONFIG_MAPS, managedConfigMap('settings', { mode: 'fast' }));
    // The version KubeFed recorded for m1 is the one m1 now holds: nothing to do there.
    const stored = m1.peek(CONFIG_MAPS, 'settings', 'app')!;
    host.modify(PROPAGATED_VERSIONS, 'configmap-settings', 'app', (version) => {
      (version.status as { clusterVersions: Array<{ version: string }> }).clusterVersions[0]!.version = `rv:${stored.metadata.resourceVersion}`;
    });
    m1.put(CONFIG_MAPS, managedConfigMap('gone', { a: 'b' }));
    const m2 = member('m2');
    m2.put(CONFIG_MAPS, managedConfigMap('settings', { mode: 'fast' }, { team: 'x' }));
    const m3 = member('m3-admin');
    return { host, m1, m2, m3 };
  }

  test('actions from what the members hold: unchanged, delete, adopt, create; --member-context names a context', async () => {
    const { host, m1, m2, m3 } = world();
    const result = await preview([host, m1, m2, m3], 'federatedconfigmaps', '-n', 'app', '--live', '--member-context', 'm3=m3-admin', '-o', 'json');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(actions(result.stdout), {
      m1: ['unchanged ConfigMap/settings', 'delete -/gone'],
      m2: ['adopt ConfigMap/settings', 'create ConfigMap/gone'],
      m3: ['create ConfigMap/settings'],
      m4: [],
    });
    assert.deepEqual([...new Set(result.fake.clientCalls)].sort(), ['host', 'm1', 'm2', 'm3-admin'], 'the not-Ready m4 is not contacted');
    for (const cluster of [m1, m2, m3]) assert.deepEqual(cluster.writes(), []);
    assert.equal(result.stderr, '');
    const adopted = (JSON.parse(result.stdout) as { clusters: Array<{ items: Array<{ object: KubeObject }> }> }).clusters[1]!.items[0]!.object;
    assert.deepEqual(adopted.metadata.labels, { 'kubefed.io/managed': 'true' }, 'labels are not retained: the unmanaged team label goes');
    assert.equal((adopted as unknown as { data: { mode: string } }).data.mode, 'slow', 'the override applies after retention');
  });

  test('a changed template invalidates the recorded versions: m1 becomes an update', async () => {
    const { host, m1, m2, m3 } = world();
    host.modify(FED('federatedconfigmaps'), 'settings', 'app', (object) => {
      (object.spec as { template: unknown }).template = { data: { mode: 'faster' } };
    });
    const result = await preview(
      [host, m1, m2, m3],
      'federatedconfigmap',
      'settings',
      '-n',
      'app',
      '--live',
      '--member-context',
      'm3=m3-admin',
      '--only-cluster',
      'm1',
      '-o',
      'json',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(actions(result.stdout), { m1: ['update ConfigMap/settings'] });
  });

  test('a member that cannot be reached, or has no context, is reported and its items say so; the others are read', async () => {
    const { host, m1, m2 } = world();
    m2.failOn({ verb: 'get', times: Infinity, error: apiError(0, 'connect ECONNREFUSED 10.0.0.2:6443', { context: 'm2' }) });
    const result = await preview([host, m1, m2], 'federatedconfigmaps', '-n', 'app', '--live');
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /^Warning: cannot read member cluster "m2": context "m2": Unable to reach cluster "m2": connect ECONNREFUSED 10\.0\.0\.2:6443; its items show what KubeFed would do if it held none of them$/m,
    );
    assert.match(result.stderr, /^Warning: cannot read member cluster "m3": the kubeconfig has no context "m3" \(name one with --member-context m3=CONTEXT\)/m);
    assert.match(result.stdout, /# cluster: m1 {2}action: unchanged {2}from: FederatedConfigMap app\/settings\n(?!# warning)/);
    assert.match(
      result.stdout,
      /# cluster: m2 {2}action: create {2}from: FederatedConfigMap app\/settings\n# warning: live state unknown \(context "m2": Unable to reach cluster "m2"/,
    );
    assert.match(
      result.stdout,
      /# cluster: m3 {2}action: create {2}from: FederatedConfigMap app\/settings\n# warning: live state unknown \(the kubeconfig has no context "m3"/,
    );
    assert.equal(m2.requestsOf('get').length, 1, 'an unreachable cluster is not asked again for every object');
  });

  test('a forbidden GET marks that item only', async () => {
    const { host, m1, m2, m3 } = world();
    m1.failOn({ verb: 'get', name: 'gone', error: apiError(403, 'configmaps "gone" is forbidden', { reason: 'Forbidden' }) });
    m2.failOn({ verb: 'get', name: 'settings', error: apiError(403, 'configmaps "settings" is forbidden', { reason: 'Forbidden' }) });
    const result = await preview([host, m1, m2, m3], 'federatedconfigmaps', '-n', 'app', '--live', '--member-context', 'm3=m3-admin', '-o', 'json');
    assert.equal(result.code, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as {
      clusters: Array<{ name: string; items: Array<{ action: string; source: { name: string }; warnings: string[] }> }>;
    };
    const items = Object.fromEntries(
      parsed.clusters.flatMap((cluster) => cluster.items.map((item) => [`${cluster.name} ${item.source.name}`, `${item.action} ${item.warnings.join('; ')}`])),
    );
    assert.deepEqual(
      items,
      {
        'm1 settings': 'unchanged ',
        'm2 settings': 'create live state unknown (ConfigMap app/settings: configmaps "settings" is forbidden): shown as if the cluster held no such object',
        'm2 gone': 'create ',
        'm3 settings': 'create ',
      },
      'm1 gone is absent: its GET failed, so preview cannot know KubeFed would delete it',
    );
    assert.match(
      result.stderr,
      /^Warning: member cluster "m1": cannot read ConfigMap app\/gone: configmaps "gone" is forbidden; preview treats it as absent$/m,
    );
    assert.match(result.stderr, /^Warning: member cluster "m2": cannot read ConfigMap app\/settings: configmaps "settings" is forbidden;/m);
  });

  test('--member-context needs --live and CLUSTER=CONTEXT', async () => {
    const result = await preview([hostCluster()], 'federatedconfigmaps', '--member-context', 'm3', '--member-context', 'm1=a');
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /invalid --member-context "m3": expected CLUSTER=CONTEXT/);
    assert.match(result.stderr, /--member-context is only used with --live/);
  });
});

describe('PropagatedVersion hashes (sync.GetTemplateHash, sync.GetOverrideHash)', () => {
  // Each expected value was printed by KubeFed v0.10.0's Go functions for the same object.
  const cases: Array<[string, KubeObject, string, string]> = [
    ['no spec', { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedConfigMap', metadata: { name: 'a' } }, '', ''],
    [
      'empty spec',
      { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedConfigMap', metadata: { name: 'a' }, spec: {} },
      '',
      '2979b7538b527abe06492021841caf47',
    ],
    [
      'empty overrides',
      { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedConfigMap', metadata: { name: 'a' }, spec: { overrides: [] } },
      '',
      'fd97e6d9a670c7dcdc2477764f78b459',
    ],
    [
      'escapes, number forms, omitted op and value, an empty clusterOverrides, a missing clusterName',
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedConfigMap',
        metadata: { name: 'a' },
        spec: {
          template: { data: { b: '<x> & y', a: 'line\u2028sep\btab\f', é: '1', z: '\u0001' }, metadata: { labels: { app: 'web' } } },
          placement: { clusters: [{ name: 'c1' }] },
          overrides: [
            {
              clusterName: 'c2',
              clusterOverrides: [
                { path: '/data/a', value: 'v' },
                { op: 'remove', path: '/data/b' },
                { op: 'add', path: '/x', value: { z: 1, a: [1.5, 1e-7, 1e21, 123456789012, true, null, {}] } },
                { op: 'add', path: '/y', value: null },
              ],
            },
            { clusterName: 'c3', clusterOverrides: [] },
            { clusterOverrides: [{ path: '/spec/replicas', value: 0 }] },
          ],
        },
      },
      '84c5d4436aee6b479fcc23f918ae8129',
      '11b758d04bbb8cd0d7fb44f392061fb2',
    ],
    [
      'a deployment with a replicas override',
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedDeployment',
        metadata: { name: 'a' },
        spec: {
          template: { spec: { replicas: 3, template: { spec: { containers: [{ name: 'n', image: 'nginx:1.27', args: ['a', 'b'] }] } } } },
          overrides: [{ clusterName: 'c2', clusterOverrides: [{ path: '/spec/replicas', value: 5 }] }],
        },
      },
      '98afbee389da771a464d7f18e67aed0b',
      'ead012ddb44f4f8c43d45513a9326ba6',
    ],
    [
      'keys sorted by code point (an astral character after U+FFFF), falsy values kept',
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedConfigMap',
        metadata: { name: 'a' },
        spec: {
          template: { data: { '\u{1F600}': 'astral', '\uFFFF': 'bmp' } },
          overrides: [
            {
              clusterName: 'c1',
              clusterOverrides: [
                { op: '', path: '', value: false },
                { path: '/a', value: 0 },
                { path: '/b', value: '' },
              ],
            },
          ],
        },
      },
      '134f6d79903ad43cbb4f30bba4e88149',
      '6f605e63be54349fab1b3e8cb71c68a6',
    ],
    ["the fake host's FederatedConfigMap app/settings", SETTINGS, SETTINGS_TEMPLATE_VERSION, SETTINGS_OVERRIDE_VERSION],
  ];
  for (const [name, object, template, overrides] of cases) {
    test(name, () => {
      assert.equal(templateVersion(object), template);
      assert.equal(overrideVersion(object), overrides);
    });
  }
});
