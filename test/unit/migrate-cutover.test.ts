// The pure decisions of `migrate karmada --execute`: when a binding counts as adopted, how the
// orphan mark is kept reversible (so a rerun converts the same policies), which member objects
// are wrong after a phase, and the order Federated objects are released in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ORPHAN_ANNOTATION } from '../../src/core/constants.js';
import { parseManifests } from '../../src/core/manifest.js';
import {
  CUTOVER_LABEL,
  ORPHAN_BEFORE_ANNOTATION,
  asBeforeCutover,
  bindingAdoption,
  bindingName,
  cutoverTargets,
  karmadaClusterRegistration,
  karmadaMemberAccess,
  memberObjectProblems,
  memberObjectState,
  orphanPatch,
  replicaDivisionChange,
} from '../../src/core/migrate/cutover.js';
import { readMigrationInputs } from '../../src/core/migrate/inputs.js';
import type { KubeObject } from '../../src/core/types.js';

function binding(clusters: string[], conditions: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'work.karmada.io/v1alpha2',
    kind: 'ResourceBinding',
    metadata: { name: 'web-deployment', namespace: 'app' },
    spec: { clusters: clusters.map((name) => ({ name })), ...extra },
    status: {
      conditions: Object.entries(conditions).map(([type, status]) => ({ type, status, reason: status === 'True' ? 'Success' : 'Pending', message: 'm' })),
    },
  };
}

describe('bindingAdoption', () => {
  test('adopted only when scheduled onto exactly the clusters KubeFed placed it on and fully applied', () => {
    assert.equal(bindingAdoption(undefined, ['c2']).adopted, false);
    assert.equal(bindingAdoption(binding(['c2', 'c3'], { Scheduled: 'True', FullyApplied: 'True' }), ['c3', 'c2']).adopted, true);
    const partial = bindingAdoption(binding(['c2'], { Scheduled: 'True', FullyApplied: 'True' }), ['c2', 'c3']);
    assert.equal(partial.adopted, false);
    assert.match(partial.reason, /scheduled onto c2, KubeFed placed it on c2, c3/);
    assert.match(bindingAdoption(binding(['c2'], { Scheduled: 'False' }), ['c2']).reason, /not scheduled \(Pending: m\)/);
    assert.match(bindingAdoption(binding(['c2'], { Scheduled: 'True', FullyApplied: 'False' }), ['c2']).reason, /not applied/);
  });

  test('an object KubeFed places nowhere is adopted once its binding dispatches nowhere', () => {
    assert.equal(bindingAdoption(binding([], {}), []).adopted, true);
    assert.equal(bindingAdoption(binding(['c2'], { Scheduled: 'True' }, { suspension: { dispatching: true } }), []).adopted, true);
    const dispatched = bindingAdoption(binding(['c2'], { Scheduled: 'True', FullyApplied: 'True' }), []);
    assert.equal(dispatched.adopted, false);
    assert.match(dispatched.reason, /where KubeFed placed it nowhere/);
  });

  test('binding names as Karmada generates them', () => {
    assert.equal(bindingName('Deployment', 'web'), 'web-deployment');
    assert.equal(bindingName('ClusterRole', 'system:reader'), 'system.reader-clusterrole');
    assert.equal(bindingName('ConfigMap', 'a:b'), 'a:b-configmap');
  });
});

describe('the orphan mark', () => {
  const federated = (annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name: 'c', namespace: 'app', ...(annotations ? { annotations } : {}) },
  });
  const marked = (object: KubeObject): KubeObject => {
    const patch = orphanPatch(object) as { metadata: { annotations: Record<string, string> } } | undefined;
    return patch ? { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, ...patch.metadata.annotations } } } : object;
  };

  test('records the value before, and a rerun converts the object as it was', () => {
    for (const before of [undefined, { [ORPHAN_ANNOTATION]: 'true' }, { [ORPHAN_ANNOTATION]: 'false', other: 'x' }] as Array<
      Record<string, string> | undefined
    >) {
      const original = federated(before);
      const once = marked(original);
      assert.equal(once.metadata.annotations?.[ORPHAN_ANNOTATION], 'true');
      assert.equal(orphanPatch(once), undefined, 'marked objects need no second patch');
      assert.deepEqual(marked(once), once);
      assert.deepEqual(asBeforeCutover(once).metadata.annotations ?? {}, original.metadata.annotations ?? {});
    }
    assert.equal(marked(federated({ [ORPHAN_ANNOTATION]: 'true' })).metadata.annotations?.[ORPHAN_BEFORE_ANNOTATION], 'true');
  });

  test('an object marked by hand with orphan only is patched to record it', () => {
    const patch = orphanPatch(federated({ [ORPHAN_ANNOTATION]: 'true' }));
    assert.deepEqual(patch, { metadata: { annotations: { [ORPHAN_ANNOTATION]: 'true', [ORPHAN_BEFORE_ANNOTATION]: 'true' } } });
  });
});

describe('member objects after a phase', () => {
  const object = (uid: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid, labels } });
  const before = new Map([['ConfigMap app/c in c2', 'u1']]);

  test('missing or replaced objects are always problems', () => {
    assert.deepEqual(memberObjectProblems(before, new Map([['ConfigMap app/c in c2', undefined]]), {}), ['ConfigMap app/c in c2 is missing']);
    assert.match(
      memberObjectProblems(before, new Map([['ConfigMap app/c in c2', memberObjectState(object('u2', {}))]]), {})[0]!,
      /was replaced \(uid u1 is now u2\)/,
    );
  });

  test('who manages it', () => {
    const both = new Map([['ConfigMap app/c in c2', memberObjectState(object('u1', { 'karmada.io/managed': 'true', 'kubefed.io/managed': 'true' }))]]);
    assert.deepEqual(memberObjectProblems(before, both, { karmadaManaged: true }), []);
    assert.match(memberObjectProblems(before, both, { kubefedManaged: false })[0]!, /still carries kubefed.io\/managed=true/);
    const kubefedOnly = new Map([['ConfigMap app/c in c2', memberObjectState(object('u1', { 'kubefed.io/managed': 'true' }))]]);
    assert.match(memberObjectProblems(before, kubefedOnly, { karmadaManaged: true })[0]!, /does not carry karmada.io\/managed=true/);
  });
});

describe('replica divisions', () => {
  test('the same division (a cluster missing on one side counts as 0) is no change', () => {
    assert.equal(replicaDivisionChange({ a: 2, b: 2, c: 0 }, { a: 2, b: 2 }), undefined);
    assert.equal(replicaDivisionChange({}, {}), undefined);
  });
  test('another division names both, cluster by cluster', () => {
    assert.equal(
      replicaDivisionChange({ c: 0, a: 2, b: 2 }, { a: 2, b: 1, c: 1 }),
      'Karmada divides its 4 replicas as a=2, b=1, c=1 where KubeFed had a=2, b=2, c=0',
    );
  });
});

describe('registration objects', () => {
  test('every object is labelled for its cluster, so a lost create is settled as ours', () => {
    for (const object of karmadaMemberAccess('c2')) assert.equal(object.metadata.labels?.[CUTOVER_LABEL], 'c2', `${object.kind} ${object.metadata.name}`);
    const cluster: KubeObject = {
      apiVersion: 'cluster.karmada.io/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'c2', labels: { region: 'eu' } },
      spec: { syncMode: 'Push', apiEndpoint: 'https://127.0.0.1:1' },
    };
    const objects = karmadaClusterRegistration({
      cluster,
      secretNamespace: 'karmada-cluster',
      token: 'dG9r',
      impersonatorToken: 'aW1w',
      caBundle: 'Y2E=',
      clusterId: 'uid-1',
    });
    assert.deepEqual(
      objects.map((object) => `${object.kind} ${object.metadata.name}`),
      ['Secret c2', 'Secret c2-impersonator', 'Cluster c2'],
    );
    const registered = objects[2]!;
    assert.deepEqual(registered.metadata.labels, { region: 'eu', [CUTOVER_LABEL]: 'c2' });
    assert.deepEqual(registered.spec, {
      syncMode: 'Push',
      apiEndpoint: 'https://127.0.0.1:1',
      id: 'uid-1',
      secretRef: { namespace: 'karmada-cluster', name: 'c2' },
      impersonatorSecretRef: { namespace: 'karmada-cluster', name: 'c2-impersonator' },
    });
    assert.deepEqual(objects[0]!.data, { token: 'dG9r', caBundle: 'Y2E=' });
  });
});

describe('cutoverTargets', () => {
  const yaml = `apiVersion: core.kubefed.io/v1beta1
kind: KubeFedCluster
metadata: {name: c2, namespace: kube-federation-system, labels: {region: eu}}
spec: {apiEndpoint: https://127.0.0.1:1, secretRef: {name: c2-x}}
status: {conditions: [{type: Ready, status: "True"}]}
---
apiVersion: core.kubefed.io/v1beta1
kind: KubeFedCluster
metadata: {name: c3, namespace: kube-federation-system}
spec: {apiEndpoint: https://127.0.0.1:2, secretRef: {name: c3-x}}
status: {conditions: [{type: Ready, status: "True"}]}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: app, namespace: app}
spec: {placement: {clusterSelector: {}}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: eu, namespace: app}
spec: {template: {data: {k: v}}, placement: {clusterSelector: {matchLabels: {region: eu}}}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: nowhere, namespace: app}
spec: {template: {data: {k: v}}, placement: {clusters: []}}
`;

  test('contents before the FederatedNamespace, with the clusters KubeFed places each on (renamed)', () => {
    const inputs = readMigrationInputs(parseManifests({ name: 'in.yaml', text: yaml }), { builtinTypeConfigs: true });
    const targets = cutoverTargets(inputs.preview, (name) => (name === 'c2' ? 'eu-1' : name));
    assert.deepEqual(
      targets.map((target) => [target.target.kind, target.source.name, target.clusters, target.federatedResource.resource]),
      [
        ['ConfigMap', 'eu', ['eu-1'], 'federatedconfigmaps'],
        ['ConfigMap', 'nowhere', [], 'federatedconfigmaps'],
        ['Namespace', 'app', ['c3', 'eu-1'], 'federatednamespaces'],
      ],
    );
  });
});
