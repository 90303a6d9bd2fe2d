// kubefedctl as a kustomize exec KRM function, with a real kustomize built from its Go module
// (test/e2e/go/kustomize), on examples/kustomize. Needs no cluster.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureToolBinaries, type ToolBinaries } from './harness/build.js';
import { type ExecResult, execFileCollect, REPO_ROOT } from './harness/env.js';
import { parseYamlDocument } from '../../src/core/yaml.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'kustomize');
const work = mkdtempSync(path.join(os.tmpdir(), 'kfc-e2e-kustomize-'));
const binDir = path.join(work, 'bin');
let tools: ToolBinaries;

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
}

function run(command: string, args: string[]): Promise<ExecResult> {
  return execFileCollect(command, args, { cwd: work, env: { PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` } });
}

function documents(stream: string): Doc[] {
  return stream
    .split(/^---\s*$/m)
    .map((text) => parseYamlDocument(text, 'kustomize output') as Doc | null | undefined)
    .filter((doc): doc is Doc => doc !== null && doc !== undefined);
}

const describeRun = (r: ExecResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
const build = (dir: string) => run(tools.kustomize, ['build', '--enable-alpha-plugins', '--enable-exec', dir]);
const ORCHESTRATION = /^(config\.kubernetes\.io|internal\.config\.kubernetes\.io|config\.k8s\.io|kustomize\.config\.k8s\.io)\//;

/** A copy of examples/kustomize whose federate.yaml is replaced by `functionConfig`. */
function exampleWith(name: string, functionConfig: string): string {
  const dir = path.join(work, name);
  cpSync(EXAMPLE, dir, { recursive: true });
  writeFileSync(path.join(dir, 'federate.yaml'), functionConfig);
  return dir;
}

describe('kustomize exec KRM function', { timeout: 3_600_000 }, () => {
  before(async () => {
    tools = await ensureToolBinaries();
    mkdirSync(binDir, { recursive: true });
    for (const bin of ['kubefedctl', 'kubefedctl-krm']) symlinkSync(path.join(REPO_ROOT, 'bin', `${bin}.js`), path.join(binDir, bin));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('kustomize build federates the kustomization through kubefedctl-krm', async () => {
    const result = await build(EXAMPLE);
    assert.equal(result.code, 0, describeRun(result));
    const docs = documents(result.stdout);
    assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort(), [
      'FederatedConfigMap/feature-flags-8dc2m895bg',
      'FederatedDeployment/web',
      'FederatedService/web',
      'Namespace/shop',
    ]);
    for (const doc of docs) {
      if (doc.kind === 'Namespace') {
        assert.equal(doc.apiVersion, 'v1', 'passthroughKinds keeps the Namespace as it is');
        assert.equal(doc.metadata.labels?.['app.kubernetes.io/part-of'], 'shop');
        continue;
      }
      assert.equal(doc.apiVersion, 'types.kubefed.io/v1beta1');
      assert.equal(doc.metadata.namespace, 'shop', 'kustomize set the namespace before the function ran');
      assert.deepEqual(doc.spec.placement, { clusters: [{ name: 'cluster1' }, { name: 'cluster2' }] });
      assert.equal(doc.spec.template.metadata.labels['app.kubernetes.io/part-of'], 'shop');
      // kustomize took its bookkeeping annotations back off the outer object, and none leaked into the template.
      assert.deepEqual(
        Object.keys(doc.metadata.annotations ?? {}).filter((k) => ORCHESTRATION.test(k)),
        [],
      );
      assert.equal(doc.spec.template.metadata.annotations, undefined);
    }
    const deployment = docs.find((d) => d.kind === 'FederatedDeployment')!;
    assert.equal(deployment.spec.template.spec.replicas, 3);
  });

  test("the function puts kustomize's annotations on the outer Federated object (what kustomize reads back)", async () => {
    // A function that records what kubefedctl-krm answers, then answers the same.
    const recorder = path.join(work, 'record-krm.sh');
    const recorded = path.join(work, 'function-output.yaml');
    writeFileSync(recorder, `#!/bin/sh\nkubefedctl-krm | tee "${recorded}"\n`, { mode: 0o755 });
    const dir = exampleWith('recorded', readFileSync(path.join(EXAMPLE, 'federate.yaml'), 'utf8').replace('path: kubefedctl-krm', `path: ${recorder}`));
    const result = await build(dir);
    assert.equal(result.code, 0, describeRun(result));
    const list = parseYamlDocument(readFileSync(recorded, 'utf8'), 'function output') as { kind: string; items: Doc[] };
    assert.equal(list.kind, 'ResourceList');
    for (const item of list.items) {
      assert.ok(item.metadata.annotations?.['config.kubernetes.io/index'] !== undefined, `${item.kind}/${item.metadata.name} keeps its index`);
      assert.ok(item.metadata.annotations?.['internal.config.kubernetes.io/id'] !== undefined, `${item.kind}/${item.metadata.name} keeps its id`);
      if (item.kind !== 'Namespace') assert.equal(item.spec.template.metadata?.annotations, undefined);
    }
  });

  test("`exec: {path: kubefedctl, args: [federate, --krm]}` works too, and a bad functionConfig fails the build with kubefedctl's message", async () => {
    const viaArgs = exampleWith(
      'via-args',
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: federate',
        '  annotations:',
        '    config.kubernetes.io/function: |',
        '      exec:',
        '        path: kubefedctl',
        '        args: [federate, --krm]',
        'data:',
        '  cluster-selector: region=eu',
        '',
      ].join('\n'),
    );
    const good = await build(viaArgs);
    assert.equal(good.code, 0, describeRun(good));
    const service = documents(good.stdout).find((d) => d.kind === 'FederatedService')!;
    assert.deepEqual(service.spec.placement, { clusterSelector: { matchLabels: { region: 'eu' } } });
    assert.equal(documents(good.stdout).find((d) => d.metadata.name === 'shop')?.kind, 'FederatedNamespace', 'no passthrough asked for');

    const bad = exampleWith(
      'bad',
      readFileSync(path.join(EXAMPLE, 'federate.yaml'), 'utf8').replace(
        'clusters: [cluster1, cluster2]',
        'clusters: [cluster1]\n    clusterSelector: {matchLabels: {region: eu}}',
      ),
    );
    const failed = await build(bad);
    assert.notEqual(failed.code, 0, describeRun(failed));
    assert.equal(failed.stdout, '');
    assert.match(failed.stderr, /functionConfig sets both placement clusters and a cluster selector/);
  });
});
