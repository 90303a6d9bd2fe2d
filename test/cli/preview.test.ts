// kubefedctl preview -f: every directory under test/golden/preview-cli is a case: `args` (the
// command line after `kubefedctl preview`, run from the case directory), its inputs (`stdin` if
// any), and expected.stdout / expected.stderr / expected.code. Case names say what must hold:
// bad-* exit 2 with stdout empty, fail-* exit 1 with the objects still printed, the rest exit 0.
// Then what goldens cannot show: --output-dir, the README example, and no cluster access offline.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseArgsLine, runInProcess } from '../helpers/cli.js';
import { createFakeEnv, runWithFakeEnv } from '../helpers/fake-cluster.js';
import { UPDATING, assertGolden } from '../helpers/golden.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CASES = path.join(ROOT, 'test/golden/preview-cli');
const EXAMPLE = path.join(ROOT, 'examples/preview');

describe('preview -f golden cases (test/golden/preview-cli)', () => {
  const cases = readdirSync(CASES).sort();
  test('there are cases of each kind', () => {
    assert.ok(cases.filter((name) => name.startsWith('bad-')).length >= 8, 'invalid inputs');
    assert.ok(
      cases.some((name) => name.startsWith('fail-')),
      'KubeFed failures',
    );
    assert.ok(cases.filter((name) => !/^(bad|fail)-/.test(name)).length >= 10, 'successful previews');
  });
  for (const name of cases) {
    const dir = path.join(CASES, name);
    test(name, async () => {
      const args = parseArgsLine(readFileSync(path.join(dir, 'args'), 'utf8'));
      const stdinFile = path.join(dir, 'stdin');
      const result = await runInProcess(['preview', ...args], { cwd: dir, ...(existsSync(stdinFile) ? { stdin: readFileSync(stdinFile, 'utf8') } : {}) });
      assertGolden(path.join(dir, 'expected.stdout'), result.stdout);
      assertGolden(path.join(dir, 'expected.stderr'), result.stderr);
      assertGolden(path.join(dir, 'expected.code'), `${result.code}\n`);
      if (UPDATING) return;
      assert.doesNotMatch(result.stderr, /internal error|\n\s+at /, 'no bug report, no stack trace');
      if (name.startsWith('bad-')) {
        assert.equal(result.code, 2, 'invalid input exits 2');
        assert.equal(result.stdout, '', 'invalid input leaves stdout empty');
        assert.match(result.stderr, /^error: /);
      } else if (name.startsWith('fail-')) {
        assert.equal(result.code, 1, 'a predicted KubeFed failure exits 1');
        assert.notEqual(result.stdout, '', 'what KubeFed would still write is printed');
        assert.match(result.stderr, /^error: Federated\S+ \S+( in cluster \S+)?: [A-Za-z]+: /m, 'each failure on its own line');
        assert.match(result.stderr, /^error: KubeFed would report \d+ failure\(s\)/m);
      } else {
        assert.equal(result.code, 0, result.stderr);
      }
    });
  }
});

describe('preview --output-dir', () => {
  test('writes one plain stream per cluster, what --only-cluster prints, and nothing to stdout', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-preview-'));
    try {
      const base = ['preview', '-f', EXAMPLE, '--cluster', 'cluster1', '--cluster', 'cluster2', '--cluster', 'cluster3'];
      const result = await runInProcess([...base, '--output-dir', 'out/streams'], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, 'wrote out/streams/cluster1.yaml, out/streams/cluster2.yaml, out/streams/cluster3.yaml\n');
      for (const cluster of ['cluster1', 'cluster2', 'cluster3']) {
        const alone = await runInProcess([...base, '--only-cluster', cluster], { cwd: dir });
        assert.equal(readFileSync(path.join(dir, 'out/streams', `${cluster}.yaml`), 'utf8'), alone.stdout, cluster);
      }
      assert.equal(readFileSync(path.join(dir, 'out/streams/cluster3.yaml'), 'utf8'), '', 'a cluster that gets nothing gets an empty file');
      assert.match(readFileSync(path.join(dir, 'out/streams/cluster2.yaml'), 'utf8'), /replicas: 5/);

      const explained = await runInProcess([...base, '--output-dir', 'again', '--explain', '--only-cluster', 'cluster2'], { cwd: dir });
      assert.equal(explained.code, 0, explained.stderr);
      assert.deepEqual(readdirSync(path.join(dir, 'again')), ['cluster2.yaml'], '--only-cluster limits the files');
      assert.match(explained.stdout, /^FederatedDeployment test-namespace\/test-deployment .*\n {2}cluster2: create: /m, 'the explanation goes to stdout');
      assert.doesNotMatch(explained.stdout, /cluster1:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unknown --only-cluster writes no file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-preview-'));
    try {
      const result = await runInProcess(['preview', '-f', EXAMPLE, '--cluster', 'cluster1', '--output-dir', 'out', '--only-cluster', 'nine'], { cwd: dir });
      assert.equal(result.code, 2);
      assert.equal(existsSync(path.join(dir, 'out')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('preview offline needs no cluster', () => {
  test('no kubeconfig is loaded and no client is created', async () => {
    const fake = createFakeEnv([]);
    const result = await runWithFakeEnv(['preview', '-f', EXAMPLE, '--cluster', 'cluster1', '--cluster', 'cluster2', '-o', 'name'], fake);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.split('\n').filter(Boolean).length, 4);
    assert.deepEqual(fake.clusterAccessCalls, []);
    assert.deepEqual(fake.clientCalls, []);
  });
});

describe('README "See before you apply"', () => {
  test('shows the command and the outputs the CLI really prints for examples/preview', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = /## See before you apply\n([\s\S]*?)\n## /.exec(readme)?.[1];
    assert.ok(section, 'README.md has a "See before you apply" section');
    const command = /```sh\n(kubefedctl preview [^\n]+)\n```/.exec(section)?.[1];
    assert.ok(command, 'the section shows the command in a sh block');
    const printed = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(printed, 'and its output in a yaml block');
    const result = await runInProcess(parseArgsLine(command).slice(1), { cwd: ROOT });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(printed, result.stdout);
    const explained = /```text\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(explained, 'and the --explain output in a text block');
    const explain = await runInProcess([...parseArgsLine(command).slice(1), '--explain'], { cwd: ROOT });
    assert.equal(explained, explain.stdout);
  });
});
