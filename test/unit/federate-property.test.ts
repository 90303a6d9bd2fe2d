// Property: for random valid objects, federate's output parses back (with kubectl's YAML 1.1
// rules) and its template equals the input minus exactly the fields federate removes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { federateManifests } from '../../src/core/federate-manifests.js';
import { printJson, printYaml } from '../../src/core/printers.js';
import { parseYamlDocument, toYaml } from '../../src/core/yaml.js';
import type { KubeObject } from '../../src/core/types.js';

/** Small deterministic PRNG (mulberry32) so failures reproduce from the seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const TRICKY_STRINGS = [
  'yes',
  'no',
  'on',
  'OFF',
  'y',
  'n',
  '0644',
  '0x1F',
  '1e3',
  '1_000',
  '',
  'null',
  '~',
  '.5',
  '+1',
  '-',
  'true',
  '2001-12-14',
  '12:30',
  'a: b',
  '- x',
  '#c',
  ' lead',
  'trail ',
  'multi\nline\n',
  'tab\there',
  'quote"s',
  "apo'strophe",
  'ünïcødé',
  '@at',
  '*star',
  '&amp',
  '!bang',
  '%pct',
  '{x}',
  '[y]',
  '08',
  '1.10.2',
  '.inf',
  '<<',
];

function randomValue(r: ReturnType<typeof rng>, depth: number): unknown {
  const choice = r.int(depth > 2 ? 5 : 8);
  switch (choice) {
    case 0:
      return r.pick(TRICKY_STRINGS);
    case 1:
      return `s${r.int(1000)}`;
    case 2:
      return r.int(2) === 0 ? r.int(100000) - 50000 : Math.round(r.next() * 1e6) / 1e3;
    case 3:
      return r.int(2) === 0;
    case 4:
      return null;
    case 5:
    case 6: {
      const object: Record<string, unknown> = {};
      for (let i = r.int(4); i > 0; i--)
        object[r.int(3) === 0 ? r.pick(TRICKY_STRINGS.filter((s) => s !== '<<')) : `k${r.int(50)}`] = randomValue(r, depth + 1);
      return object;
    }
    default:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
  }
}

const KINDS = [
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'example.com/v1', kind: 'Widget', namespaced: true },
];

function randomObject(r: ReturnType<typeof rng>, index: number): KubeObject {
  const type = r.pick(KINDS);
  const metadata: KubeObject['metadata'] = { name: `obj-${index}` };
  if (type.namespaced && r.int(4) > 0) metadata.namespace = `ns${r.int(3)}`;
  if (r.int(2)) metadata.labels = { app: r.pick(TRICKY_STRINGS), [`l${r.int(9)}`]: `v${r.int(9)}` };
  if (r.int(3) === 0) metadata.annotations = { note: r.pick(TRICKY_STRINGS) };
  if (r.int(3) === 0) Object.assign(metadata, { uid: 'u-1', resourceVersion: '12', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z' });
  const object: KubeObject = { apiVersion: type.apiVersion, kind: type.kind, metadata };
  const spec = randomValue(r, 1);
  object.spec = spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? spec : { value: spec };
  const s = object.spec as Record<string, unknown>;
  if (type.kind === 'Service') {
    if (r.int(2)) {
      s.clusterIP = 'None';
      s.clusterIPs = ['None'];
    } else {
      s.clusterIP = '10.0.0.7';
      s.clusterIPs = ['10.0.0.7'];
    }
    s.ports = [{ port: 80, nodePort: 30000 + r.int(2000) }, { port: 443 }];
  }
  if (type.kind === 'Namespace') s.finalizers = ['kubernetes'];
  if (type.kind === 'ServiceAccount') object.secrets = [{ name: 'tok' }];
  if (r.int(2)) object.status = { phase: r.pick(TRICKY_STRINGS) };
  if (r.int(2)) object.data = randomValue(r, 1);
  return object;
}

/** What the template must be: the input minus what federate documents as removed. */
function expectedTemplate(input: KubeObject): Record<string, unknown> {
  const copy = structuredClone(input) as Record<string, unknown> & { spec?: Record<string, unknown> };
  delete copy.apiVersion;
  delete copy.kind;
  delete copy.status;
  delete copy.metadata;
  if (input.metadata.labels && Object.keys(input.metadata.labels).length > 0) copy.metadata = { labels: input.metadata.labels };
  if (input.kind === 'Namespace') delete copy.spec!.finalizers;
  if (input.kind === 'ServiceAccount') delete copy.secrets;
  if (input.kind === 'Service') {
    for (const port of copy.spec!.ports as Array<Record<string, unknown>>) delete port.nodePort;
    if (copy.spec!.clusterIP !== 'None') {
      delete copy.spec!.clusterIP;
      delete copy.spec!.clusterIPs;
    }
  }
  return copy;
}

describe('federate property test', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    test(`seed ${seed}: 40 random objects round-trip through YAML and JSON`, () => {
      const r = rng(seed);
      const inputs = Array.from({ length: 40 }, (_, i) => randomObject(r, i));
      const yamlStream = inputs.map((o) => toYaml(o)).join('---\n');
      const jsonText = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: inputs });
      for (const [label, text] of [
        ['yaml', yamlStream],
        ['json', jsonText],
      ] as const) {
        const { objects } = federateManifests([{ name: `input.${label}`, text }]);
        assert.equal(objects.length, inputs.length);
        const reparsed = printYaml(objects)
          .split(/^---\n/m)
          .filter(Boolean)
          .map((d) => parseYamlDocument(d, 'out') as KubeObject);
        const fromJson = (JSON.parse(printJson(objects)) as { items: KubeObject[] }).items;
        inputs.forEach((input, i) => {
          const expected = expectedTemplate(input);
          for (const output of [reparsed[i]!, fromJson[i]!]) {
            assert.equal(output.kind, `Federated${input.kind}`);
            assert.equal(output.metadata.name, input.metadata.name);
            const expectedNamespace = input.kind === 'Namespace' ? input.metadata.name : input.metadata.namespace;
            assert.equal(output.metadata.namespace, expectedNamespace);
            assert.deepEqual((output.spec as { template: unknown }).template, expected, `${label} object ${i} (${input.kind})`);
            assert.deepEqual((output.spec as { placement: unknown }).placement, { clusterSelector: { matchLabels: {} } });
          }
        });
      }
    });
  }
});

describe('federateObject ownership', () => {
  test('leaves the target untouched unless the caller hands it over', async () => {
    const { federateObject, defaultFederatedType } = await import('../../src/core/federate.js');
    const target = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'n', labels: { a: 'b' } },
      spec: { clusterIP: '10.0.0.1', ports: [{ port: 80, nodePort: 30000 }] },
      status: {},
    };
    const copy = structuredClone(target);
    const kept = federateObject(target, defaultFederatedType('Service', true));
    assert.deepEqual(target, copy, 'target unchanged');
    const consumed = federateObject(structuredClone(target), defaultFederatedType('Service', true), {}, { consumeTarget: true });
    assert.deepEqual(consumed.object, kept.object, 'same result either way');
  });
});
