// migrate karmada against preview, over the whole golden corpus (test/golden/migrate-karmada):
// for every Federated object migrate converts without an error, the clusters Karmada would select
// with the emitted (Cluster)PropagationPolicy (Karmada's matching rules, written out here: exclude,
// then labelSelector AND clusterNames, empty = all; a suspended or missing policy selects nothing)
// are the clusters the preview engine places it in, and in each of them the template patched with
// the emitted OverridePolicy (json-patch v5, as Karmada applies plaintext overriders) is the
// object preview renders (json-patch v4, as KubeFed), but for KubeFed's managed label and the
// labels that are Karmada's own controls.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cloneJson } from '../../src/core/federate.js';
import { applyJsonPatch } from '../../src/core/json-patch.js';
import { parseManifests } from '../../src/core/manifest.js';
import { parseRenames, KARMADA_CLUSTER_NAMES } from '../../src/core/migrate/cluster-names.js';
import { readMigrationInputs } from '../../src/core/migrate/inputs.js';
import { migrateToKarmada } from '../../src/core/migrate/karmada.js';
import { type EmptyPlacementMode, type KarmadaMigrationOptions, parseKarmadaVersion } from '../../src/core/migrate/options.js';
import { type MemberCluster, previewFederation } from '../../src/core/preview/index.js';
import { describeSource, sourceRef } from '../../src/core/preview/model.js';
import type { KubeObject } from '../../src/core/types.js';
import { parseArgsLine } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../golden/migrate-karmada');
const MANAGED_LABEL = 'kubefed.io/managed';
/** Labels migrate adds on purpose: Karmada's own switches (see the NAMESPACE_SKIP_AUTO_PROPAGATION and RETAIN_REPLICAS findings). */
const KARMADA_CONTROL_LABELS = ['namespace.karmada.io/skip-auto-propagation', 'resourcetemplate.karmada.io/retain-replicas'];

interface CaseSetup {
  files: string[];
  options: KarmadaMigrationOptions;
}

function setup(dir: string): CaseSetup {
  const args = parseArgsLine(readFileSync(path.join(dir, 'args'), 'utf8'));
  const files: string[] = [];
  const renames: string[] = [];
  let emptyPlacement: EmptyPlacementMode = 'suspend';
  let version = 'v1.18';
  let keepTemplateAnnotations = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const value = () => args[++index]!;
    if (arg === '-f') files.push(value());
    else if (arg === '--rename') renames.push(value());
    else if (arg === '--empty-placement') emptyPlacement = value() as EmptyPlacementMode;
    else if (arg === '--karmada-version') version = value();
    else if (arg === '--keep-template-annotations') keepTemplateAnnotations = true;
    else if (arg === '-o' || arg === '--report-format' || arg === '--karmada-cluster-namespace') index++;
    else if (arg !== '--allow-lossy') assert.fail(`${dir}: the consistency test does not know ${arg}`);
  }
  return {
    files,
    options: {
      emptyPlacement,
      renames: parseRenames(renames, KARMADA_CLUSTER_NAMES),
      karmadaVersion: parseKarmadaVersion(version),
      keepTemplateAnnotations,
      clusterNamespace: 'karmada-cluster',
    },
  };
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
type Affinity = { clusterNames?: string[]; exclude?: string[]; labelSelector?: Selector };

/** metav1.LabelSelectorAsSelector(...).Matches for the operators selectors carry. */
function selectorMatches(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  const has = (key: string) => Object.hasOwn(labels, key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const ok =
      operator === 'In'
        ? has(key) && values.includes(labels[key]!)
        : operator === 'NotIn'
          ? !has(key) || !values.includes(labels[key]!)
          : operator === 'Exists'
            ? has(key)
            : operator === 'DoesNotExist'
              ? !has(key)
              : assert.fail(`operator ${operator}`);
    if (!ok) return false;
  }
  return true;
}

/** util.ClusterMatches (pkg/util/selector.go): exclude first, then labelSelector AND clusterNames (empty: all). */
function clusterMatches(cluster: MemberCluster, affinity: Affinity | undefined): boolean {
  if (affinity === undefined) return true;
  if (affinity.exclude?.includes(cluster.name)) return false;
  if (affinity.labelSelector !== undefined && !selectorMatches(affinity.labelSelector, cluster.labels)) return false;
  return (affinity.clusterNames ?? []).length === 0 || affinity.clusterNames!.includes(cluster.name);
}

/** Karmada's clusters for a template: those its policy's affinity selects; none when suspended or without policy. */
function karmadaClusters(policy: KubeObject | undefined, clusters: readonly MemberCluster[]): string[] {
  if (policy === undefined) return [];
  const spec = policy.spec as { placement?: { clusterAffinity?: Affinity }; suspension?: { dispatching?: boolean } };
  if (spec.suspension?.dispatching === true) return [];
  return clusters.filter((cluster) => clusterMatches(cluster, spec.placement?.clusterAffinity)).map(({ name }) => name);
}

/** The template as Karmada's override manager leaves it for one cluster: every matching rule's plaintext, as one v5 patch each. */
function karmadaObject(template: KubeObject, overridePolicy: KubeObject | undefined, cluster: MemberCluster): KubeObject {
  let object: unknown = cloneJson(template);
  const rules =
    (
      overridePolicy?.spec as
        | { overrideRules?: Array<{ targetCluster?: Affinity; overriders: { plaintext?: Array<{ path: string; operator: string; value?: unknown }> } }> }
        | undefined
    )?.overrideRules ?? [];
  for (const rule of rules) {
    if (rule.targetCluster !== undefined && !clusterMatches(cluster, rule.targetCluster)) continue;
    // overrideOption{Op, Path, Value any `json:"value,omitempty"`} holds an apiextensionsv1.JSON, which marshals an absent value as null.
    const patch = (rule.overriders.plaintext ?? []).map(({ operator, path: pointer, value }) => ({ op: operator, path: pointer, value: value ?? null }));
    object = applyJsonPatch(object, patch, { mode: 'v5' });
  }
  return object as KubeObject;
}

function comparable(object: KubeObject, dropReplicas: boolean): KubeObject {
  const copy = cloneJson(object);
  const labels = { ...(copy.metadata.labels ?? {}) };
  for (const key of [MANAGED_LABEL, ...KARMADA_CONTROL_LABELS]) delete labels[key];
  if (Object.keys(labels).length > 0) copy.metadata.labels = labels;
  else delete copy.metadata.labels;
  // ObjectForCluster passes server-set metadata through; a template to create cannot carry it.
  for (const field of ['uid', 'resourceVersion']) delete copy.metadata[field];
  if (dropReplicas) delete (copy.spec as Record<string, unknown>).replicas;
  return copy;
}

function inventory(): MemberCluster[] {
  const manifests = parseManifests({ name: 'inventory.yaml', text: readFileSync(path.join(ROOT, 'inventory.yaml'), 'utf8') });
  return manifests.map(({ object }) => ({ name: object.metadata.name!, labels: object.metadata.labels ?? {}, ready: true }));
}

describe('migrate karmada places and patches as preview does (golden corpus)', () => {
  const cases = readdirSync(ROOT)
    .filter((name) => statSync(path.join(ROOT, name)).isDirectory() && !name.startsWith('bad-'))
    .sort();
  let compared = 0;
  let objectsCompared = 0;
  for (const name of cases) {
    test(name, () => {
      const dir = path.join(ROOT, name);
      const { files, options } = setup(dir);
      const manifests = files.flatMap((file) => parseManifests({ name: file, text: readFileSync(path.join(dir, file), 'utf8') }));
      const inputs = readMigrationInputs(manifests, { builtinTypeConfigs: true });
      if (inputs.preview.clusters.length === 0) inputs.preview.clusters = inventory();
      const clusters = inputs.preview.clusters.map((cluster) => ({ ...cluster, ready: true }));
      const result = migrateToKarmada(inputs, options);
      const preview = previewFederation({ ...inputs.preview, clusters, warnings: [] }, { simulateRsp: true });
      const rename = (cluster: string) => options.renames.get(cluster) ?? cluster;
      const renamedClusters = clusters.map((cluster) => ({ ...cluster, name: rename(cluster.name) }));
      const failed = new Set(result.findings.filter(({ severity }) => severity === 'error').map(({ source }) => source));
      for (const federated of inputs.preview.federated) {
        const source = describeSource(sourceRef(federated.object));
        const group = result.groups.find((candidate) => candidate.source === source);
        if (failed.has(source)) continue;
        const placed = preview.clusters.filter((cluster) => cluster.items.some((item) => describeSource(item.source) === source && item.action === 'create'));
        if (group === undefined) {
          // Not migrated (KubeFed ignores it): KubeFed places it nowhere.
          assert.deepEqual(
            placed.map(({ name }) => name),
            [],
            `${source}: not migrated, yet preview places it`,
          );
          continue;
        }
        const [template, ...policies] = group.objects;
        const propagation = policies.find(({ kind }) => kind.endsWith('PropagationPolicy'));
        const override = policies.find(({ kind }) => kind.endsWith('OverridePolicy'));
        const selected = karmadaClusters(propagation, renamedClusters).sort();
        assert.deepEqual(selected, placed.map(({ name }) => rename(name)).sort(), `${source}: Karmada's clusters differ from preview's`);
        compared += 1;
        const divided = (propagation?.spec as { placement?: { replicaScheduling?: unknown } } | undefined)?.placement?.replicaScheduling !== undefined;
        for (const cluster of placed) {
          const item = cluster.items.find((candidate) => describeSource(candidate.source) === source)!;
          const karmadaCluster = renamedClusters.find(({ name }) => name === rename(cluster.name))!;
          const expected = comparable(item.object!, divided);
          const actual = comparable(karmadaObject(template!, override, karmadaCluster), divided);
          if (options.keepTemplateAnnotations) delete actual.metadata.annotations;
          assert.deepEqual(actual, expected, `${source} in ${cluster.name}: the Karmada object differs from preview's`);
          objectsCompared += 1;
        }
      }
    });
  }
  test('the corpus compares enough objects to mean something', () => {
    assert.ok(compared >= 70, `only ${compared} Federated objects compared`);
    assert.ok(objectsCompared >= 180, `only ${objectsCompared} (object, cluster) pairs compared`);
  });
  test('a wrong overrider is caught (the comparison can fail)', () => {
    const template: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'app' }, data: {} };
    const policy: KubeObject = {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'OverridePolicy',
      metadata: { name: 'x' },
      spec: {
        overrideRules: [{ targetCluster: { clusterNames: ['cluster1'] }, overriders: { plaintext: [{ path: '/data/key', operator: 'replace', value: 'v' }] } }],
      },
    };
    // Karmada's v5 refuses a replace of a missing key: exactly the trap migrate rewrites as add.
    assert.throws(() => karmadaObject(template, policy, { name: 'cluster1', labels: {}, ready: true }));
    assert.equal(existsSync(path.join(ROOT, 'overrides-semantics')), true);
  });
});
