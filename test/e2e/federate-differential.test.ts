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
import { parseArgsLine } from '../helpers/cli.js';
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

function run(command: string, args: string[], cwd = REPO_ROOT): Run {
  const env = { ...process.env };
  delete env['KUBECONFIG'];
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
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

/**
 * A fixture holding a List (or a typed list such as ConfigMapList, nested ones too), rewritten as
 * the stream of its items (what we federate it as).
 */
function listItemsAsStream(file: string, dir: string): string | undefined {
  const items: unknown[] = [];
  let sawList = false;
  const add = (document: Record<string, unknown>): void => {
    if (typeof document.kind === 'string' && document.kind.endsWith('List') && Array.isArray(document.items)) {
      sawList = true;
      for (const item of document.items as Array<Record<string, unknown>>) add(item);
    } else {
      items.push(document);
    }
  };
  for (const raw of splitYamlStream(readFileSync(file, 'utf8'))) {
    const document = parseYamlDocument(raw.text, file) as Record<string, unknown> | null | undefined;
    if (document !== null && document !== undefined) add(document);
  }
  if (!sawList) return undefined;
  const stream = path.join(dir, `${path.basename(file, '.yaml')}-items.yaml`);
  writeFileSync(stream, items.map((item) => toYaml(item)).join('---\n'));
  return stream;
}

/**
 * The Go tool loads a kubeconfig even for -f, though it sends nothing: one that points at a closed
 * loopback port.
 */
function writeUnusedKubeconfig(dir: string): string {
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\nclusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]\n' +
      'contexts: [{name: none, context: {cluster: none, user: none}}]\nusers: [{name: none, user: {token: unused}}]\ncurrent-context: none\n',
  );
  return kubeconfig;
}

const goKubefedctl = findGoKubefedctl();
const fixtures = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

describe(
  'federate -f: same objects as the Go kubefedctl v0.10.0',
  { skip: goKubefedctl === undefined ? 'the Go kubefedctl is not built (npm run e2e:up builds it; or set KUBEFEDCTL_GO)' : false },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubefedctl-differential-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const kubeconfig = writeUnusedKubeconfig(dir);

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
        assert.deepEqual(
          yaml.loadAll(ours.stdout).filter((document) => document !== null),
          parseOutput(ours.stdout, 'our output'),
          'YAML 1.2 reading of our output',
        );

        // Both warn once per object whose metadata.annotations the template cannot carry.
        const warnings = (text: string) => text.split('\n').filter((line) => line.includes('will not appear in the template')).length;
        assert.equal(warnings(ours.stderr), warnings(go.stderr), `annotation warnings\n--- ours\n${ours.stderr}\n--- Go\n${go.stderr}`);
      });
    }
  },
);

// ------------------------------------------------------------------------------------------------
// The Go tool as an oracle for every case of test/golden/federate (issue 19): each case's input is
// given to the Go kubefedctl in the form it takes (one file: several -f files, a directory or -R
// are concatenated in our reading order; a List as its items; stdin as the file it came from), and
// the parsed outputs must be equal up to the differences docs/compatibility.md lists:
//   - -o json: the Go tool writes YAML only: its objects are compared with ours (a List's items);
//   - --placement-clusters / --cluster-selector: the Go tool always writes `clusterSelector:
//     matchLabels: {}`: our placement is compared with the flags, the rest with the Go output;
//   - --passthrough-kinds / --passthrough-helm-hooks: objects we pass through are the Go tool's
//     federated objects of the same name less: they are left out of the comparison;
//   - comment-only documents and headless Services, as above.
// A bad-* case (we exit 2, stdout empty) must fail in the Go tool too, unless it is one of the
// inputs the compatibility table says we reject and the Go tool accepts.

const GOLDEN = path.join(REPO_ROOT, 'test', 'golden', 'federate');

/** bad-* cases the Go tool accepts, each a row of docs/compatibility.md ("federate -f"). */
const GO_ACCEPTS: Record<string, string> = {
  'bad-duplicate-key': 'duplicate keys are rejected here (the Go tool keeps the last)',
  'bad-label-not-string': 'non-string label values are rejected here (the Go tool writes them out for the API server to reject)',
  'bad-missing-apiversion': 'a missing apiVersion is rejected here',
  'bad-missing-metadata': 'a missing metadata.name is rejected here',
  'bad-missing-name': 'a missing metadata.name is rejected here',
  'bad-list-item': 'a List item without kind or name is rejected here (the Go tool writes a FederatedList)',
};

/** The files `-f` (repeated, directories, -R) reads, in our order: what the Go tool gets concatenated. */
function inputFiles(dir: string, args: string[]): string[] {
  const recursive = args.includes('-R') || args.includes('--recursive');
  const files: string[] = [];
  const walk = (target: string): void => {
    if (!statSync(target).isDirectory()) {
      files.push(target);
      return;
    }
    for (const entry of readdirSync(target).sort()) {
      const full = path.join(target, entry);
      if (statSync(full).isDirectory()) {
        if (recursive) walk(full);
      } else if (/\.(ya?ml|json)$/.test(entry)) files.push(full);
    }
  };
  args.forEach((arg, i) => {
    if (arg !== '-f' && arg !== '--filename') return;
    const value = args[i + 1]!;
    walk(value === '-' ? path.join(dir, 'stdin') : path.resolve(dir, value));
  });
  return files;
}

/** The Go tool's placement, whatever our flags said (after checking ours follows them). */
function withGoPlacement(document: Record<string, unknown>, args: string[]): Record<string, unknown> {
  const spec = document.spec as Record<string, unknown> | undefined;
  if (spec === undefined || !args.some((arg) => arg.startsWith('--placement-clusters') || arg.startsWith('--cluster-selector'))) return document;
  const placement = spec.placement as { clusters?: Array<{ name: string }>; clusterSelector?: { matchLabels: Record<string, string> } };
  const listed = args.find((arg, i) => args[i - 1] === '--placement-clusters' || arg.startsWith('--placement-clusters='));
  if (listed !== undefined)
    assert.deepEqual(
      placement.clusters?.map((c) => c.name),
      listed.replace(/^--placement-clusters=/, '').split(','),
    );
  else assert.ok(Object.keys(placement.clusterSelector?.matchLabels ?? {}).length > 0, 'the selector from --cluster-selector');
  return { ...document, spec: { ...spec, placement: { clusterSelector: { matchLabels: {} } } } };
}

/**
 * --annotations=overrides (ours only; docs/compatibility.md): the template's annotations become one
 * `add /metadata/annotations` override per named cluster, where the Go tool drops them. Checked,
 * then left out of the comparison.
 */
function withoutAnnotationOverrides(document: Record<string, unknown>, args: string[]): Record<string, unknown> {
  const spec = document.spec as Record<string, unknown> | undefined;
  if (spec === undefined || !args.some((arg, i) => arg === '--annotations=overrides' || (arg === '--annotations' && args[i + 1] === 'overrides')))
    return document;
  const overrides = (spec.overrides ?? []) as Array<{ clusterName: string; clusterOverrides: Array<{ op?: string; path: string }> }>;
  for (const override of overrides)
    assert.ok(
      override.clusterOverrides.some((o) => o.op === 'add' && o.path === '/metadata/annotations'),
      `annotations override for ${override.clusterName}`,
    );
  const { overrides: _overrides, ...rest } = spec;
  return { ...document, spec: rest };
}

const goldenCases = existsSync(GOLDEN) ? readdirSync(GOLDEN).sort() : [];

describe(
  'test/golden/federate: the Go kubefedctl v0.10.0 as an oracle',
  { skip: goKubefedctl === undefined ? 'the Go kubefedctl is not built (npm run e2e:up builds it; or set KUBEFEDCTL_GO)' : false },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubefedctl-golden-oracle-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const kubeconfig = writeUnusedKubeconfig(dir);

    test('every golden case is here', () => assert.ok(goldenCases.length >= 40, `cases in ${GOLDEN}`));

    for (const name of goldenCases) {
      test(name, () => {
        const caseDir = path.join(GOLDEN, name);
        const args = parseArgsLine(readFileSync(path.join(caseDir, 'args'), 'utf8'));
        const expectedCode = readFileSync(path.join(caseDir, 'expected.code'), 'utf8').trim();
        if (name.startsWith('bad-')) {
          assert.equal(expectedCode, '2');
          if (GO_ACCEPTS[name] !== undefined) return;
          // The same command line (a repeated -f is the last one there; flags it lacks are unknown flags).
          const goBad = run(goKubefedctl!, ['federate', ...args, '--kubeconfig', kubeconfig], caseDir);
          assert.notEqual(
            goBad.code,
            0,
            `the Go tool accepts it: add it to GO_ACCEPTS with its compatibility row, or fix the case\n${describeRun('Go', goBad)}`,
          );
          return;
        }

        const stream = path.join(dir, `${name}.yaml`);
        writeFileSync(
          stream,
          inputFiles(caseDir, args)
            .map((file) => readFileSync(file, 'utf8'))
            .join('\n---\n'),
        );
        const go = run(goKubefedctl!, ['federate', '-f', listItemsAsStream(stream, dir) ?? stream, '--kubeconfig', kubeconfig]);
        assert.equal(go.code, 0, describeRun('Go kubefedctl', go));
        const ours = spawnSync(process.execPath, [OUR_CLI, 'federate', ...args], {
          cwd: caseDir,
          encoding: 'utf8',
          input: existsSync(path.join(caseDir, 'stdin')) ? readFileSync(path.join(caseDir, 'stdin'), 'utf8') : '',
        });
        assert.equal(ours.status, 0, `ours\n${ours.stderr}`);
        const json = args.includes('json') || args.includes('-ojson') || args.includes('--output=json');
        let actual: Record<string, unknown>[] = json
          ? ((parsed: Record<string, unknown>) => (parsed.kind === 'List' ? (parsed.items as Record<string, unknown>[]) : [parsed]))(
              JSON.parse(ours.stdout) as Record<string, unknown>,
            )
          : parseOutput(ours.stdout, 'our output');
        let expected = parseOutput(go.stdout, 'Go output').filter((document) => !isCommentOnlyResult(document));
        // Passed through here, federated by the Go tool: left out of the comparison.
        const passedThrough = actual.filter((document) => document.apiVersion !== 'types.kubefed.io/v1beta1');
        if (passedThrough.length > 0) {
          assert.ok(
            args.some((arg) => arg.startsWith('--passthrough')),
            `only --passthrough-* leaves objects unfederated\n${ours.stdout}`,
          );
          const key = (kind: unknown, meta: unknown) => `${String(kind)}/${(meta as { name?: string }).name ?? ''}`;
          const skipped = new Set(passedThrough.map((document) => key(`Federated${String(document.kind)}`, document.metadata)));
          actual = actual.filter((document) => !passedThrough.includes(document));
          expected = expected.filter((document) => !skipped.has(key(document.kind, document.metadata)));
        }
        actual = actual
          .map(withoutHeadlessClusterIp)
          .map((document) => withGoPlacement(document, args))
          .map((document) => withoutAnnotationOverrides(document, args));
        assert.equal(actual.length, expected.length, `document count\n--- ours\n${ours.stdout}\n${describeRun('Go', go)}`);
        actual.forEach((document, index) => assert.deepEqual(document, expected[index], `document ${index + 1} of ${name}`));
      });
    }
  },
);
