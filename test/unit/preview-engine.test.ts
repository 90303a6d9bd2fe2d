// Unit tests of the preview engine's parts; the golden cases under test/golden/preview cover the
// whole pipeline.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultEnabledTypeConfigs } from '../../src/core/builtin-types.js';
import { parseManifests } from '../../src/core/manifest.js';
import { LabelSelectorError, labelSelectorAsSelector, selectorMatches } from '../../src/core/preview/label-selector.js';
import {
  type LiveState,
  type MemberCluster,
  parseClusterFlag,
  previewFederation,
  readPreviewInputs,
  renderClusterStreams,
  renderPreviewJson,
  selectClusters,
} from '../../src/core/preview/index.js';
import { applyClusterOverrides } from '../../src/core/preview/overrides.js';
import { objectNeedsUpdate, objectVersion, retainClusterFields } from '../../src/core/preview/retention.js';
import { fnv1Hash32, planReplicas } from '../../src/core/preview/rsp.js';
import type { KubeObject } from '../../src/core/types.js';
import { ManifestError, UsageError } from '../../src/errors.js';

function inputs(
  yaml: string,
  clusters: MemberCluster[] = [{ name: 'cluster1', labels: {}, ready: true }],
  options: Parameters<typeof readPreviewInputs>[1] = {},
) {
  return readPreviewInputs(parseManifests({ name: 'test.yaml', text: yaml }), { clusters, ...options });
}

const CONFIGMAP = `apiVersion: types.kubefed.io/v1beta1
kind: FederatedClusterRole
metadata:
  name: reader
spec:
  template:
    rules: []
  placement:
    clusterSelector: {}
`;

describe('fnv1Hash32 (Go hash/fnv New32)', () => {
  // Values printed by a Go program: h := fnv.New32(); h.Write([]byte(cluster)); h.Write([]byte(key)); h.Sum32().
  const GO_VALUES: Array<[string, number]> = [
    ['', 2166136261],
    ['a', 84696446],
    ['b', 84696445],
    ['cluster1test-namespace/web', 892547795],
    ['cluster2test-namespace/web', 393365124],
    ['cluster3test-namespace/web', 169306837],
    ['cluster2test-namespace/frontend', 1086433654],
    ['cluster3test-namespace/frontend', 4290586865],
    ['cluster1test-namespace/worker', 1257966213],
  ];
  for (const [text, expected] of GO_VALUES) test(`"${text}" → ${expected}`, () => assert.equal(fnv1Hash32(text), expected));
});

describe('planReplicas (planner.Plan without current state)', () => {
  const prefs = (entries: Record<string, { minReplicas?: number; maxReplicas?: number; weight?: number }>) =>
    new Map(Object.entries(entries).map(([name, p]) => [name, { minReplicas: p.minReplicas ?? 0, maxReplicas: p.maxReplicas, weight: p.weight ?? 0 }]));

  test('weights split the replicas, rounding up in hash order', () => {
    assert.deepEqual(
      Object.fromEntries(
        planReplicas(9, prefs({ cluster1: { weight: 2 }, cluster2: { weight: 1 } }), ['cluster1', 'cluster2', 'cluster3'], 'test-namespace/web'),
      ),
      {
        cluster1: 6,
        cluster2: 3,
        cluster3: 0,
      },
    );
  });

  test('weight 0 everywhere leaves only the minimums', () => {
    assert.deepEqual(Object.fromEntries(planReplicas(5, prefs({ '*': { minReplicas: 1 } }), ['a', 'b'], 'ns/x')), { a: 1, b: 1 });
  });

  test('minimums beyond the total go to the heaviest (then lowest hash) first', () => {
    const plan = planReplicas(3, prefs({ a: { minReplicas: 2, weight: 1 }, b: { minReplicas: 2, weight: 5 } }), ['a', 'b'], 'ns/x');
    assert.deepEqual(Object.fromEntries(plan), { a: 1, b: 2 });
  });

  test('maxReplicas caps and the rest flows to the others', () => {
    assert.deepEqual(Object.fromEntries(planReplicas(10, prefs({ a: { weight: 1, maxReplicas: 1 }, b: { weight: 1 } }), ['a', 'b'], 'ns/x')), { a: 1, b: 9 });
  });
});

describe('label selectors (LabelSelectorAsSelector)', () => {
  test('nil matches nothing, {} everything', () => {
    assert.equal(selectorMatches(labelSelectorAsSelector(null), {}), false);
    assert.equal(selectorMatches(labelSelectorAsSelector({}), { any: 'x' }), true);
    assert.equal(selectorMatches(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }), {}), true);
  });

  test('an empty label value is valid and matches an empty label', () => {
    assert.equal(selectorMatches(labelSelectorAsSelector({ matchLabels: { tier: '' } }), { tier: '' }), true);
  });

  test('DoesNotExist with values is invalid', () => {
    assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] }), LabelSelectorError);
  });

  test('prefixed keys are validated as DNS subdomains', () => {
    assert.doesNotThrow(() => labelSelectorAsSelector({ matchLabels: { 'example.com/tier': 'a' } }));
    assert.throws(() => labelSelectorAsSelector({ matchLabels: { 'Example.com/tier': 'a' } }), /prefix part a lowercase RFC 1123 subdomain/);
  });
});

describe('parseClusterFlag', () => {
  test('name, labels and readiness', () => {
    assert.deepEqual(parseClusterFlag('cluster1'), { name: 'cluster1', labels: {}, ready: true });
    assert.deepEqual(parseClusterFlag('eu-1:region=eu,example.com/tier=gold'), {
      name: 'eu-1',
      labels: { region: 'eu', 'example.com/tier': 'gold' },
      ready: true,
    });
    assert.deepEqual(parseClusterFlag('c3:env=dev:notready'), { name: 'c3', labels: { env: 'dev' }, ready: false });
    assert.deepEqual(parseClusterFlag('c4:notready'), { name: 'c4', labels: {}, ready: false });
  });

  test('bad syntax is a usage error', () => {
    for (const value of ['', 'c1:env', 'c1:env=a,env=b', 'c1:bad key=x', 'c1:env=bad value', 'UPPER']) {
      assert.throws(() => parseClusterFlag(value), UsageError, value);
    }
  });
});

describe('readPreviewInputs', () => {
  test('namespaced objects default to "default"; cluster-scoped ones lose a namespace', () => {
    const read = inputs(`apiVersion: types.kubefed.io/v1beta1
kind: FederatedSecret
metadata:
  name: s
spec: {}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedClusterRole
metadata:
  name: r
  namespace: ignored
spec: {}
`);
    assert.deepEqual(
      read.federated.map(({ object }) => object.metadata.namespace),
      ['default', undefined],
    );
  });

  test('a federated object of another version than its FTC serves is invalid', () => {
    assert.throws(
      () => inputs(CONFIGMAP.replace('v1beta1', 'v1alpha1')),
      (error: unknown) => error instanceof ManifestError && /serves FederatedClusterRole as types.kubefed.io\/v1beta1/.test(error.message),
    );
  });

  test('the KubeFedConfig sets scope, adoption and the SchedulerPreferences gate', () => {
    const read = inputs(`apiVersion: core.kubefed.io/v1beta1
kind: KubeFedConfig
metadata:
  name: kubefed
  namespace: fed
spec:
  scope: Namespaced
  syncController:
    adoptResources: Disabled
  featureGates:
  - name: SchedulerPreferences
    configuration: Disabled
`);
    assert.deepEqual(read.settings, { scope: 'Namespaced', adoptResources: false, schedulerPreferences: false });
    assert.equal(read.kubefedNamespace, 'fed');
  });

  test('a KubeFedConfig in another namespace than --kubefed-namespace is invalid', () => {
    assert.throws(
      () =>
        inputs('apiVersion: core.kubefed.io/v1beta1\nkind: KubeFedConfig\nmetadata:\n  name: kubefed\n  namespace: fed\n', undefined, {
          kubefedNamespace: 'other',
        }),
      ManifestError,
    );
  });

  test('a cluster given twice is a usage error', () => {
    const twice = [
      { name: 'c', labels: {}, ready: true },
      { name: 'c', labels: {}, ready: false },
    ];
    assert.throws(() => inputs(CONFIGMAP, twice), UsageError);
  });
});

describe('retention and versions', () => {
  const desired: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', labels: { a: 'b' } }, spec: { ports: [{ port: 80 }] } };

  test('a template port without name or protocol matches a live port without them', () => {
    const live: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, nodePort: 30001 }] } };
    assert.deepEqual((retainClusterFields('Service', desired, live, desired).spec as { ports: unknown }).ports, [{ port: 80, nodePort: 30001 }]);
  });

  test('a live Service with ports gives a template without ports an empty list', () => {
    const live: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } };
    const noPorts: KubeObject = { ...desired, spec: {} };
    assert.deepEqual(retainClusterFields('Service', noPorts, live, noPorts).spec, { ports: [] });
  });

  test('retention does not modify its inputs', () => {
    const live: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', annotations: { x: 'y' } }, spec: { clusterIP: '10.0.0.1' } };
    const before = JSON.stringify(desired);
    retainClusterFields('Service', desired, live, desired);
    assert.equal(JSON.stringify(desired), before);
  });

  test('ObjectVersion prefers the generation', () => {
    assert.equal(objectVersion({ apiVersion: 'v1', kind: 'X', metadata: { resourceVersion: '7' } }), 'rv:7');
    assert.equal(objectVersion({ apiVersion: 'v1', kind: 'X', metadata: { resourceVersion: '7', generation: 2 } }), 'gen:2');
  });

  test('ObjectNeedsUpdate: nil and empty label maps are equivalent', () => {
    const live: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: 'n', generation: 2, labels: {} } };
    const want: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: 'n' } };
    assert.equal(objectNeedsUpdate(want, live, 'gen:2'), false);
    assert.equal(objectNeedsUpdate(want, live, 'gen:1'), true);
    assert.equal(objectNeedsUpdate(want, live, undefined), true);
  });
});

describe('overrides', () => {
  test('applyClusterOverrides returns a new object and adds the managed label last', () => {
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { 'kubefed.io/managed': 'x' } } };
    const result = applyClusterOverrides(object, [{ path: '/metadata/labels/kubefed.io~1managed', value: 'false' }]);
    assert.equal(result.metadata.labels?.['kubefed.io/managed'], 'true');
    assert.equal(object.metadata.labels?.['kubefed.io/managed'], 'x');
  });

  test('label values that are not strings make AddManagedLabel replace all labels', () => {
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { keep: 'me' } } };
    const result = applyClusterOverrides(object, [{ path: '/metadata/labels/count', value: 3 }]);
    assert.deepEqual(result.metadata.labels, { 'kubefed.io/managed': 'true' });
  });
});

describe('previewFederation with live state', () => {
  const clusters: MemberCluster[] = [{ name: 'cluster1', labels: {}, ready: true }];

  test('a lookup that answers undefined is the offline answer (create)', () => {
    const result = previewFederation(inputs(CONFIGMAP, clusters), { live: () => undefined });
    assert.deepEqual(
      result.clusters[0]!.items.map((item) => item.action),
      ['create'],
    );
  });

  test('the live lookup is asked for the target type, namespace and name', () => {
    const asked: unknown[] = [];
    previewFederation(inputs(CONFIGMAP, clusters), {
      live: (cluster, target) => {
        asked.push({ cluster, ...target });
        return { object: null };
      },
    });
    assert.deepEqual(asked, [
      { cluster: 'cluster1', group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', resource: 'clusterroles', namespace: '', name: 'reader' },
    ]);
  });

  test('an object renamed by an override is looked up under its new name on create', () => {
    const renamed = `${CONFIGMAP}  overrides:
  - clusterName: cluster1
    clusterOverrides:
    - path: /metadata
      value:
        name: other
`;
    const existing: LiveState = { object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'other' } } };
    const result = previewFederation(inputs(renamed, clusters), { live: (_cluster, target) => (target.name === 'other' ? existing : { object: null }) });
    assert.deepEqual(
      result.clusters[0]!.items.map((item) => [item.action, item.object?.metadata.name]),
      [['adopt', 'other']],
    );
  });

  test("only a Namespace can be the host cluster's namespace: another kind is deleted, not unlabelled", () => {
    const unplaced = CONFIGMAP.replace('    clusterSelector: {}', '    clusters: []');
    const live: LiveState = {
      isHostNamespace: true,
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', labels: { 'kubefed.io/managed': 'true' } } },
    };
    const result = previewFederation(inputs(unplaced, clusters), { live: () => live });
    assert.deepEqual(
      result.clusters[0]!.items.map((item) => item.action),
      ['delete'],
    );
  });

  test('an RSP and its target are matched by namespace, name and targetKind', () => {
    const read = inputs(`apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata:
  name: web
  namespace: default
spec: {}
---
apiVersion: scheduling.kubefed.io/v1alpha1
kind: ReplicaSchedulingPreference
metadata:
  name: web
  namespace: default
spec:
  targetKind: FederatedReplicaSet
  totalReplicas: 2
`);
    const result = previewFederation(read, { simulateRsp: true });
    assert.match(result.warnings.join('\n'), /the input has no FederatedReplicaSet default\/web/);
    assert.deepEqual(
      result.clusters[0]!.items.map((item) => item.action),
      [],
    );
  });
});

describe('rendering', () => {
  test('renderClusterStreams gives every cluster its plain stream, empty ones included', () => {
    const two: MemberCluster[] = [
      { name: 'b', labels: {}, ready: true },
      { name: 'a', labels: {}, ready: false },
    ];
    const streams = renderClusterStreams(previewFederation(inputs(CONFIGMAP, two)));
    assert.deepEqual(
      streams.map(([cluster, text]) => [cluster, text.split('\n').slice(0, 3).join('|')]),
      [
        ['a', ''],
        ['b', '---|apiVersion: rbac.authorization.k8s.io/v1|kind: ClusterRole'],
      ],
    );
  });

  test('--only-cluster with an unknown cluster is a usage error naming the known ones', () => {
    const result = previewFederation(inputs(CONFIGMAP));
    assert.throws(
      () => selectClusters(result, 'nope'),
      (error: unknown) => error instanceof UsageError && /known: cluster1/.test(error.message),
    );
  });

  test('JSON output has exactly kind, clusters and errors, and hides resourceVersion by default', () => {
    const withVersion = CONFIGMAP.replace('    rules: []', '    metadata:\n      resourceVersion: "9"\n    rules: []');
    const result = previewFederation(inputs(withVersion));
    const parsed = JSON.parse(renderPreviewJson(result)) as { kind: string; clusters: Array<{ items: Array<{ object: KubeObject }> }> };
    assert.deepEqual(Object.keys(parsed), ['kind', 'clusters', 'errors']);
    assert.equal(parsed.clusters[0]!.items[0]!.object.metadata.resourceVersion, undefined);
    const shown = JSON.parse(renderPreviewJson(result, { showResourceVersion: true })) as typeof parsed;
    assert.equal(shown.clusters[0]!.items[0]!.object.metadata.resourceVersion, '9');
  });
});

describe('the default FederatedTypeConfigs (kubefedctl spec section 4)', () => {
  test('ten types; namespaces has a Namespaced federated type over a cluster-scoped target', () => {
    const configs = defaultEnabledTypeConfigs();
    assert.deepEqual(
      configs.map((ftc) => ftc.metadata.name),
      [
        'clusterroles.rbac.authorization.k8s.io',
        'configmaps',
        'deployments.apps',
        'ingresses.networking.k8s.io',
        'jobs.batch',
        'namespaces',
        'replicasets.apps',
        'secrets',
        'serviceaccounts',
        'services',
      ],
    );
    const namespaces = configs.find((ftc) => ftc.metadata.name === 'namespaces')!;
    assert.deepEqual((namespaces.spec as { federatedType: unknown }).federatedType, {
      kind: 'FederatedNamespace',
      pluralName: 'federatednamespaces',
      scope: 'Namespaced',
      version: 'v1beta1',
      group: 'types.kubefed.io',
    });
    assert.equal((namespaces.spec as { targetType: { scope: string } }).targetType.scope, 'Cluster');
    const ingresses = configs.find((ftc) => ftc.metadata.name === 'ingresses.networking.k8s.io')!;
    assert.equal((ingresses.spec as { targetType: { version: string } }).targetType.version, 'v1');
  });
});
