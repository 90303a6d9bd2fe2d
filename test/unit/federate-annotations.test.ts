// federate --annotations=overrides, checked through the preview engine (the one model of what
// KubeFed v0.10.0 writes): the whole-map "add" reaches the member object on create and on update;
// a per-key path, the form people write by hand, fails on create.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { annotationOverrides, defaultFederatedType, federateObject } from '../../src/core/federate.js';
import { type LiveState, previewFederation, readPreviewInputs } from '../../src/core/preview/index.js';
import type { KubeObject } from '../../src/core/types.js';

const INGRESS: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {
    name: 'web',
    namespace: 'apps',
    labels: { app: 'web' },
    annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  spec: { rules: [{ host: 'web.example.com' }] },
};
const CLUSTERS = [
  { name: 'cluster1', labels: {}, ready: true },
  { name: 'cluster2', labels: {}, ready: true },
];

function previewOf(federated: KubeObject, live?: (cluster: string) => LiveState | undefined) {
  // Namespaced objects go where their namespace is federated to as well.
  const namespace: KubeObject = {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedNamespace',
    metadata: { name: 'apps', namespace: 'apps' },
    spec: { placement: { clusterSelector: {} } },
  };
  const inputs = readPreviewInputs(
    [namespace, federated].map((object, index) => ({ object, source: 'test', document: index + 1, line: 1 })),
    { clusters: CLUSTERS },
  );
  return previewFederation(inputs, live ? { live: (cluster) => live(cluster) } : {});
}

describe('federate --annotations=overrides', () => {
  const { object, warnings } = federateObject(INGRESS, defaultFederatedType('Ingress', true), {}, { annotationClusters: ['cluster2', 'cluster1'] });

  test('writes no warning, and no annotations into the template', () => {
    assert.deepEqual(warnings, []);
    assert.deepEqual((object.spec as { template: { metadata: unknown } }).template.metadata, { labels: { app: 'web' } });
  });

  test('the annotations reach every member object on create (preview)', () => {
    const result = previewOf(object);
    assert.deepEqual(result.errors, []);
    for (const cluster of result.clusters) {
      const item = cluster.items.find((candidate) => candidate.source.kind === 'FederatedIngress');
      assert.equal(item?.action, 'create', cluster.name);
      assert.deepEqual(item.object?.metadata.annotations, { 'nginx.ingress.kubernetes.io/rewrite-target': '/' }, cluster.name);
    }
  });

  test('and on update, replacing what the member had (preview with live state)', () => {
    const live: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'web',
        namespace: 'apps',
        resourceVersion: '7',
        generation: 1,
        labels: { app: 'web', 'kubefed.io/managed': 'true' },
        annotations: { old: 'x' },
      },
      spec: { rules: [{ host: 'web.example.com' }] },
    };
    const result = previewOf(object, () => ({ object: live, recordedVersion: 'gen:1' }));
    assert.deepEqual(result.errors, []);
    for (const cluster of result.clusters) {
      const item = cluster.items.find((candidate) => candidate.source.kind === 'FederatedIngress');
      assert.equal(item?.action, 'update', cluster.name);
      assert.deepEqual(item.object?.metadata.annotations, { 'nginx.ingress.kubernetes.io/rewrite-target': '/' }, cluster.name);
    }
  });

  test('a per-key override path fails on create (why the whole map is written)', () => {
    const perKey: KubeObject = {
      ...object,
      spec: {
        ...(object.spec as object),
        overrides: CLUSTERS.map(({ name }) => ({ clusterName: name, clusterOverrides: [{ op: 'add', path: '/metadata/annotations/a', value: 'b' }] })),
      },
    };
    const result = previewOf(perKey);
    assert.equal(result.errors.length, 2, JSON.stringify(result.errors));
    for (const error of result.errors) assert.equal(error.reason, 'ApplyOverridesFailed');
  });

  test('without it the warning names the flag', () => {
    const dropped = federateObject(INGRESS, defaultFederatedType('Ingress', true));
    assert.match(dropped.warnings[0] ?? '', /--annotations=overrides/);
    assert.equal((dropped.object.spec as { overrides?: unknown }).overrides, undefined);
  });

  test('annotations the source cluster writes itself are not carried', () => {
    assert.deepEqual(annotationOverrides({ 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, ['c1']), []);
  });
});
