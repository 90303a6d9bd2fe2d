// The pure pieces of migrate: KubeFed placements as cluster sets, cluster names and renames,
// --karmada-version, override conversion edge cases, and version-dependent policy fields.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseManifests } from '../../src/core/manifest.js';
import {
  KARMADA_CLUSTER_NAMES,
  OCM_CLUSTER_NAMES,
  karmadaClusterNameProblems,
  parseRenames,
  suggestClusterName,
} from '../../src/core/migrate/cluster-names.js';
import { readMigrationInputs } from '../../src/core/migrate/inputs.js';
import { migrateToKarmada } from '../../src/core/migrate/karmada.js';
import { type KarmadaMigrationOptions, parseKarmadaVersion } from '../../src/core/migrate/options.js';
import { EVERY_CLUSTER, clusterAffinityOf, clusterSetOf, intersect } from '../../src/core/migrate/placement.js';
import { LabelSelectorError } from '../../src/core/preview/label-selector.js';
import { UsageError } from '../../src/errors.js';

const OPTIONS: KarmadaMigrationOptions = {
  emptyPlacement: 'suspend',
  renames: new Map(),
  karmadaVersion: { major: 1, minor: 18 },
  keepTemplateAnnotations: false,
  clusterNamespace: 'karmada-cluster',
};

function migrate(yaml: string, options: Partial<KarmadaMigrationOptions> = {}) {
  const inputs = readMigrationInputs(parseManifests({ name: 'in.yaml', text: yaml }), { builtinTypeConfigs: true });
  return migrateToKarmada(inputs, { ...OPTIONS, ...options });
}

const configMap = (spec: string) => `apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: app, namespace: app}
spec: {placement: {clusterSelector: {}}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: c, namespace: app}
spec:
  template: {data: {k: v}}
${spec}`;

describe('KubeFed placements as cluster sets', () => {
  test('a list wins over the selector; an empty list and a nil selector are nothing; {} is every cluster', () => {
    assert.deepEqual(clusterSetOf({ clusters: ['b', 'a', 'a'], clusterSelector: { matchLabels: { x: 'y' } } }, 'o'), {
      kind: 'some',
      names: ['b', 'a'],
      selector: null,
    });
    assert.equal(clusterSetOf({ clusters: [], clusterSelector: {} }, 'o').kind, 'nothing');
    assert.equal(clusterSetOf({ clusters: null, clusterSelector: null }, 'o').kind, 'nothing');
    assert.deepEqual(clusterSetOf({ clusters: null, clusterSelector: { matchLabels: {} } }, 'o'), EVERY_CLUSTER);
    // intersectWithClusterSelector ignores the list.
    assert.deepEqual(clusterSetOf({ clusters: ['a'], clusterSelector: {} }, 'o', true), EVERY_CLUSTER);
    assert.throws(() => clusterSetOf({ clusters: null, clusterSelector: { matchExpressions: [{ key: 'a', operator: 'Is' }] } }, 'o'), LabelSelectorError);
  });

  test('intersections: names, merged selectors, conflicts', () => {
    const list = clusterSetOf({ clusters: ['a', 'b', 'c'], clusterSelector: null }, 'o');
    const other = clusterSetOf({ clusters: ['c', 'b'], clusterSelector: null }, 'o');
    assert.deepEqual(intersect(list, other, 'x'), { kind: 'some', names: ['b', 'c'], selector: null });
    assert.equal(intersect(list, clusterSetOf({ clusters: ['d'], clusterSelector: null }, 'o'), 'x').kind, 'nothing');
    const eu = clusterSetOf(
      { clusters: null, clusterSelector: { matchLabels: { region: 'eu' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] } },
      'o',
    );
    const gold = clusterSetOf(
      { clusters: null, clusterSelector: { matchLabels: { tier: 'gold' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] } },
      'o',
    );
    assert.deepEqual(intersect(eu, gold, 'x'), {
      kind: 'some',
      names: null,
      selector: { matchLabels: { region: 'eu', tier: 'gold' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
    });
    const us = clusterSetOf({ clusters: null, clusterSelector: { matchLabels: { region: 'us' } } }, 'o');
    assert.equal(intersect(eu, us, 'x').kind, 'nothing');
    const both = intersect(list, eu, 'x');
    assert.deepEqual(
      clusterAffinityOf(both as Extract<typeof both, { kind: 'some' }>, (name) => name.toUpperCase()),
      {
        clusterNames: ['A', 'B', 'C'],
        labelSelector: { matchLabels: { region: 'eu' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      },
    );
    assert.deepEqual(
      clusterAffinityOf(EVERY_CLUSTER as Extract<typeof EVERY_CLUSTER, { kind: 'some' }>, (name) => name),
      {},
    );
  });
});

describe('cluster names and --rename', () => {
  test('Karmada wants a DNS-1123 label of at most 48 characters; OCM a label of at most 63', () => {
    assert.deepEqual(karmadaClusterNameProblems('cluster-1'), []);
    assert.equal(karmadaClusterNameProblems('a'.repeat(49)).length, 1);
    assert.equal(karmadaClusterNameProblems('a.b').length, 1);
    assert.deepEqual(OCM_CLUSTER_NAMES.problems('a'.repeat(63)), []);
    assert.equal(suggestClusterName('eu-west-1.prod.example.com'), 'eu-west-1');
    assert.equal(suggestClusterName('.Weird_Name'), 'weird-name');
    assert.equal(suggestClusterName('x'.repeat(60)).length, 48);
  });

  test('parseRenames reports every problem at once', () => {
    assert.deepEqual(
      [...parseRenames(['a.b=a', 'c=d'], KARMADA_CLUSTER_NAMES)],
      [
        ['a.b', 'a'],
        ['c', 'd'],
      ],
    );
    assert.throws(
      () => parseRenames(['x', 'a=B_AD', 'c=z', 'd=z'], KARMADA_CLUSTER_NAMES),
      (error: unknown) =>
        error instanceof UsageError &&
        error.code === 'INVALID_RENAME' &&
        /3 problems/.test(error.message) &&
        /"B_AD"/.test(error.message) &&
        /same name/.test(error.message),
    );
  });

  test('--karmada-version', () => {
    assert.deepEqual(parseKarmadaVersion('v1.12.3'), { major: 1, minor: 12 });
    assert.deepEqual(parseKarmadaVersion('1.7'), { major: 1, minor: 7 });
    assert.throws(() => parseKarmadaVersion('v1.6'), UsageError);
    assert.throws(() => parseKarmadaVersion('latest'), UsageError);
  });
});

describe('version-dependent and hard-to-reach conversions', () => {
  test('before v1.11 there is no suspension: an object placed nowhere is an error unless omitted', () => {
    const nowhere = configMap('  placement: {clusters: []}\n');
    const old = migrate(nowhere, { karmadaVersion: { major: 1, minor: 10 } });
    assert.deepEqual(
      old.findings.filter(({ severity }) => severity === 'error').map(({ code }) => code),
      ['SUSPENSION_UNSUPPORTED'],
    );
    const omitted = migrate(nowhere, { karmadaVersion: { major: 1, minor: 10 }, emptyPlacement: 'omit' });
    assert.equal(omitted.findings.filter(({ severity }) => severity === 'error').length, 0);
    assert.deepEqual(
      omitted.groups[1]!.objects.map(({ kind }) => kind),
      ['ConfigMap'],
    );
  });

  test('an override v5 cannot reproduce is an error, never guessed', () => {
    // v4 silently ignores a replace of the whole document by a scalar; v5 fails it, and add too.
    const result = migrate(configMap('  placement: {clusterSelector: {}}\n  overrides: [{clusterName: cluster1, clusterOverrides: [{path: "", value: 3}]}]\n'));
    assert.deepEqual(
      result.findings.filter(({ severity }) => severity === 'error').map(({ code, field }) => `${code} ${field}`),
      ['OVERRIDE_NOT_EQUIVALENT spec.overrides[0].clusterOverrides[0]'],
    );
  });

  test('overrides of a cluster KubeFed does not place the object in are kept; failing ones there are only noted', () => {
    const result = migrate(
      configMap(
        '  placement: {clusters: [{name: cluster1}]}\n  overrides:\n  - {clusterName: cluster2, clusterOverrides: [{path: /data/k, value: w}]}\n  - {clusterName: cluster3, clusterOverrides: [{path: /data/x/y, value: w}]}\n',
      ),
    );
    assert.deepEqual(
      result.findings.filter(({ source }) => source === 'FederatedConfigMap app/c').map(({ severity, code }) => `${severity} ${code}`),
      ['info OVERRIDE_UNPLACED_CLUSTER', 'info OVERRIDE_UNPLACED_CLUSTER_FAILS'],
    );
  });

  test('findings never carry a Secret token', () => {
    const result = migrate(`apiVersion: core.kubefed.io/v1beta1
kind: KubeFedCluster
metadata: {name: c1, namespace: kube-federation-system}
spec: {apiEndpoint: "https://c1:6443", secretRef: {name: c1-s}, disabledTLSValidations: [ValidityPeriod]}
---
apiVersion: v1
kind: Secret
metadata: {name: c1-s, namespace: kube-federation-system}
stringData: {token: plain-text-token-value}
`);
    const secret = result.groups.at(-1)!.objects.find(({ kind }) => kind === 'Secret')!;
    assert.equal((secret.data as { token: string }).token, Buffer.from('plain-text-token-value').toString('base64'));
    const text = JSON.stringify(result.findings);
    assert.ok(!text.includes('plain-text-token-value') && !text.includes(Buffer.from('plain-text-token-value').toString('base64')));
    assert.ok(result.findings.some(({ code }) => code === 'TLS_VALIDATION_UNSUPPORTED'));
  });
});
