// Differential test: `federate -f` of our CLI against the Go kubefedctl v0.10.0 on the realistic
// manifests in test/fixtures/differential/. Both outputs are parsed with a YAML 1.1 reader (ours,
// which follows go-yaml v2 and sigs.k8s.io/yaml) and must be equal document by document, up to
// the differences docs/compatibility.md lists on purpose:
//   - a List is federated item by item (the Go tool writes one FederatedList): we compare with the
//     Go tool's output for the items written as a multi-document stream;
//   - a comment-only document is skipped (the Go tool writes `kind: Federated`, `template: null`);
//   - a headless Service keeps `clusterIP: None` and `clusterIPs: [None]` (the Go tool drops them).
// Text is not compared: quoting may differ (we also quote "=", "<<" and YAML 1.1 timestamps that
// go-yaml v2 leaves plain, and use double quotes where go-yaml uses single quotes). Instead, our
// output must mean the same to a YAML 1.2 reader (js-yaml's default schema, which reads an
// unquoted timestamp as a Date) as to the YAML 1.1 one.
//
// Needs only the Go binary, no cluster: it runs within the e2e suite (npm run test:e2e) and alone,
//   npm run build && node --import tsx --test test/e2e/federate-differential.test.ts
// once the harness has built the binary into its cache (any `npm run e2e:up` or `test:e2e` does),
// or with KUBEFEDCTL_GO=/path/to/kubefedctl pointing at a Go kubefedctl v0.10.0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import yaml from 'js-yaml';
import { splitYamlStream } from '../../src/core/manifest.js';
import { parseYamlDocument, toYaml } from '../../src/core/yaml.js';
import { pinnedVersions } from './harness/build.js';
import { cacheRoot, readState, REPO_ROOT } from './harness/state.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'differential');
const OUR_CLI = path.join(REPO_ROOT, 'bin', 'kubefedctl.js');

/** KUBEFEDCTL_GO, else the running e2e environment's binary, else the newest build in the harness cache. */
function findGoKubefedctl(): string | undefined {
  const fromEnv = process.env['KUBEFEDCTL_GO'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const fromState = readState()?.binaries.kubefedctlGo;
  if (fromState !== undefined && existsSync(fromState)) return fromState;
  const root = cacheRoot();
  if (!existsSync(root)) return undefined;
  // build.ts names the directory kubefed-<version>_<hash of the wrapper module> (a build under way
  // is <that>.tmp-<pid>) and writes build.json last, once every binary is in place.
  const prefix = `kubefed-${pinnedVersions().kubefed}_`;
  const builds = readdirSync(root)
    .filter((name) => name.startsWith(prefix) && /^[0-9a-f]+$/.test(name.slice(prefix.length)) && existsSync(path.join(root, name, 'build.json')))
    .map((name) => path.join(root, name, 'bin', 'kubefedctl-go'))
    .filter((binary) => existsSync(binary))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return builds[0];
}

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

function run(command: string, args: string[]): Run {
  const env = { ...process.env };
  delete env['KUBECONFIG'];
  const result = spawnSync(command, args, { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, code: result.status };
}

function describeRun(name: string, r: Run): string {
  return `${name} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** The documents of a `federate -o yaml` output, parsed with our YAML 1.1 (go-yaml v2) reader. */
function parseOutput(text: string, source: string): Record<string, unknown>[] {
  return splitYamlStream(text)
    .filter((raw) => raw.text.trim() !== '')
    .map((raw) => parseYamlDocument(raw.text, source) as Record<string, unknown>);
}

function isCommentOnlyResult(document: Record<string, unknown>): boolean {
  const spec = document.spec as Record<string, unknown> | undefined;
  return document.kind === 'Federated' && spec !== undefined && spec.template === null;
}

/** Our documented headless-Service difference: remove what the Go tool drops, after checking we kept it. */
function withoutHeadlessClusterIp(document: Record<string, unknown>): Record<string, unknown> {
  if (document.kind !== 'FederatedService') return document;
  const copy = structuredClone(document) as { spec: { template: { spec?: Record<string, unknown> } } };
  const serviceSpec = copy.spec.template.spec;
  if (serviceSpec?.clusterIP !== 'None') return document;
  assert.deepEqual(serviceSpec.clusterIPs ?? ['None'], ['None'], 'a headless Service keeps clusterIPs: [None]');
  delete serviceSpec.clusterIP;
  delete serviceSpec.clusterIPs;
  return copy as unknown as Record<string, unknown>;
}

/** A fixture holding a List, rewritten as the stream of its items (what we federate it as). */
function listItemsAsStream(file: string, dir: string): string | undefined {
  const items: unknown[] = [];
  let sawList = false;
  for (const raw of splitYamlStream(readFileSync(file, 'utf8'))) {
    const document = parseYamlDocument(raw.text, file) as Record<string, unknown> | null | undefined;
    if (document === null || document === undefined) continue;
    if (document.kind === 'List' && Array.isArray(document.items)) {
      sawList = true;
      items.push(...document.items);
    } else {
      items.push(document);
    }
  }
  if (!sawList) return undefined;
  const stream = path.join(dir, `${path.basename(file, '.yaml')}-items.yaml`);
  writeFileSync(stream, items.map((item) => toYaml(item)).join('---\n'));
  return stream;
}

const goKubefedctl = findGoKubefedctl();
const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.yaml')).sort();

describe('federate -f: same objects as the Go kubefedctl v0.10.0', { skip: goKubefedctl === undefined ? 'the Go kubefedctl is not built (npm run e2e:up builds it; or set KUBEFEDCTL_GO)' : false }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubefedctl-differential-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // The Go tool loads a kubeconfig even for -f, though it sends nothing: give it one that points
  // at a closed loopback port.
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\nclusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]\n' +
      'contexts: [{name: none, context: {cluster: none, user: none}}]\nusers: [{name: none, user: {token: unused}}]\ncurrent-context: none\n',
  );

  test('the corpus is there and our CLI is built', () => {
    assert.ok(fixtures.length >= 8, `fixtures in ${FIXTURES}`);
    assert.ok(existsSync(path.join(REPO_ROOT, 'dist')), 'run `npm run build` first: the test runs bin/kubefedctl.js');
  });

  for (const name of fixtures) {
    test(name, () => {
      const file = path.join(FIXTURES, name);
      const ours = run(process.execPath, [OUR_CLI, 'federate', '-f', file]);
      assert.equal(ours.code, 0, describeRun('ours', ours));
      const goInput = listItemsAsStream(file, dir) ?? file;
      const go = run(goKubefedctl!, ['federate', '-f', goInput, '--kubeconfig', kubeconfig]);
      assert.equal(go.code, 0, describeRun('Go kubefedctl', go));

      const expected = parseOutput(go.stdout, 'Go output').filter((document) => !isCommentOnlyResult(document));
      const actual = parseOutput(ours.stdout, 'our output').map(withoutHeadlessClusterIp);
      assert.equal(actual.length, expected.length, `document count\n${describeRun('ours', ours)}\n${describeRun('Go', go)}`);
      actual.forEach((document, index) => assert.deepEqual(document, expected[index], `document ${index + 1} of ${name}`));
      assert.deepEqual(yaml.loadAll(ours.stdout).filter((document) => document !== null), parseOutput(ours.stdout, 'our output'), 'YAML 1.2 reading of our output');

      // Both warn once per object whose metadata.annotations the template cannot carry.
      const warnings = (text: string) => text.split('\n').filter((line) => line.includes('will not appear in the template')).length;
      assert.equal(warnings(ours.stderr), warnings(go.stderr), `annotation warnings\n--- ours\n${ours.stderr}\n--- Go\n${go.stderr}`);
    });
  }
});
