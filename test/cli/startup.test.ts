// The fast paths must not run cluster code: no HTTPS/TLS stack, and no file of dist/ but main.cjs
// (--help, version, offline federate) or main.cjs and offline.cjs (the other offline commands);
// dist/cluster.cjs holds the cluster layer (scripts/build.mjs). Loading is observed in a real
// process of the built CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/kubefedctl.js');

function loaded(args: string[], input?: string): { builtins: string[]; required: string[]; status: number | null; stderr: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-modules-'));
  const file = path.join(dir, 'modules.json');
  try {
    const run = spawnSync(process.execPath, ['--import', path.join(ROOT, 'test/helpers/record-modules.mjs'), BIN, ...args], {
      env: { PATH: process.env.PATH, RECORD_MODULES_FILE: file, HOME: dir },
      input: input ?? '',
      encoding: 'utf8',
    });
    return { ...(JSON.parse(readFileSync(file, 'utf8')) as { builtins: string[]; required: string[] }), status: run.status, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CLUSTER_BUILTINS = ['https', 'http', 'tls', '_tls_wrap', 'http2'];
const MAIN = path.join(ROOT, 'dist', 'main.cjs');
const OFFLINE = path.join(ROOT, 'dist', 'offline.cjs');
const CLUSTER = path.join(ROOT, 'dist', 'cluster.cjs');

describe('startup paths run no cluster code', () => {
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 1\n';
  const federated =
    'apiVersion: types.kubefed.io/v1beta1\nkind: FederatedConfigMap\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    data: {a: b}\n  placement:\n    clusterSelector: {matchLabels: {region: eu}}\n';
  for (const [label, args, input, files] of [
    ['--help', ['--help'], undefined, [MAIN]],
    ['join --help', ['join', '--help'], undefined, [MAIN]],
    ['version', ['version'], undefined, [MAIN]],
    ['version -o yaml', ['version', '-o', 'yaml'], undefined, [MAIN]],
    ['offline federate', ['federate', '-f', '-'], deployment, [MAIN]],
    ['enable --offline', ['enable', 'deployments.apps', '--offline'], undefined, [MAIN, OFFLINE]],
    ['preview --help', ['preview', '--help'], undefined, [MAIN]],
    ['offline preview', ['preview', '-f', '-', '--cluster', 'cluster1:region=eu', '--explain'], federated, [MAIN, OFFLINE]],
  ] as Array<[string, string[], string | undefined, string[]]>) {
    test(label, () => {
      const { builtins, required, status } = loaded(args, input);
      assert.equal(status, 0);
      assert.ok(builtins.includes('fs'), `recorded the built-ins (${builtins.length})`);
      assert.deepEqual(
        builtins.filter((name) => CLUSTER_BUILTINS.includes(name)),
        [],
        `cluster networking loaded for ${label}`,
      );
      assert.ok(required.includes(MAIN), `recorded the files (${required.length})`);
      const fromDist = required.filter((file) => path.dirname(file) !== path.dirname(BIN));
      assert.deepEqual(fromDist, files, `${files.map((file) => path.relative(ROOT, file)).join(' and ')} alone (no dist/cluster.cjs, no node_modules)`);
    });
  }

  test('the check would notice cluster code: a cluster command loads https (and runs an exec plugin through the bundle)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-kubeconfig-'));
    const kubeconfig = path.join(dir, 'config');
    const context = (name: string) => `- name: ${name}\n  context: {cluster: ${name}, user: ${name}}\n`;
    const plugin = path.join(dir, 'plugin.cjs');
    writeFileSync(
      plugin,
      `process.stdout.write(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1',kind:'ExecCredential',status:{token:'from-plugin'}}))`,
    );
    const execUser = `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(plugin)}], interactiveMode: Never}}`;
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\ncurrent-context: host\nclusters:\n- name: host\n  cluster: {server: "https://127.0.0.1:1"}\n- name: member\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: host\n  user: ${execUser}\n- name: member\n  user: {token: t}\ncontexts:\n${context('host')}${context('member')}`,
    );
    try {
      const { builtins, required, status, stderr } = loaded(['join', 'member', '--kubeconfig', kubeconfig]);
      assert.equal(status, 1, 'the unreachable cluster fails the join');
      assert.match(stderr, /^error: .*Unable to reach cluster "host"/, 'a connection error, not an internal one');
      assert.ok(builtins.includes('tls') && builtins.includes('http2'), 'a join loads TLS and HTTP/2 (node:https only if the server does not speak h2)');
      assert.ok(builtins.includes('child_process'), 'the exec plugin ran through the lazily loaded child_process');
      assert.ok(required.includes(CLUSTER), 'the cluster layer came from dist/cluster.cjs');
      assert.ok(!required.includes(OFFLINE), 'a join reads no offline command');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('at a terminal', () => {
  // `script` (util-linux) gives the CLI a real pseudo-terminal, as a person's shell would.
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  test('errors are red and the terminal-only bundle loads', { skip: !hasScript && 'no script(1) on this machine' }, () => {
    const run = spawnSync('script', ['-qec', `${process.execPath} ${BIN} bogus`, '/dev/null'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, TERM: 'xterm' },
    });
    assert.match(run.stdout, /\u001b\[31merror:\u001b\[39m unknown command "bogus"/);
    assert.doesNotMatch(run.stdout, /internal error/);
  });
  test('NO_COLOR turns colour off at a terminal', { skip: !hasScript && 'no script(1) on this machine' }, () => {
    const run = spawnSync('script', ['-qec', `${process.execPath} ${BIN} bogus`, '/dev/null'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, TERM: 'xterm', NO_COLOR: '1' },
    });
    assert.match(run.stdout, /^error: unknown command "bogus"/m);
    assert.doesNotMatch(run.stdout, /\u001b\[/);
  });
});

describe('colour: the stream decides, FORCE_COLOR forces, CI and NO_COLOR turn it off', () => {
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  const RED_ERROR = /\u001b\[31merror:\u001b\[39m unknown command "bogus"/;
  const atTerminal = (env: Record<string, string>, nodeArgs = '') =>
    spawnSync('script', ['-qec', `${process.execPath} ${nodeArgs} ${BIN} bogus`, '/dev/null'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, TERM: 'xterm', ...env },
    }).stdout;
  test(
    'a terminal is recognised by the stream itself, also where /dev/null does not exist (Windows)',
    { skip: !hasScript && 'no script(1) on this machine' },
    () => {
      assert.match(atTerminal({}, `--require ${path.join(import.meta.dirname, '../helpers/no-dev-null.cjs')}`), RED_ERROR);
    },
  );
  test('FORCE_COLOR colours a pipe; FORCE_COLOR=0 and =false keep a terminal plain', { skip: !hasScript && 'no script(1) on this machine' }, () => {
    const piped = spawnSync(process.execPath, [BIN, 'bogus'], { encoding: 'utf8', env: { PATH: process.env.PATH, FORCE_COLOR: '1' } });
    assert.match(piped.stderr, RED_ERROR);
    assert.match(atTerminal({ CI: 'true', FORCE_COLOR: '1' }), RED_ERROR, 'in CI too');
    for (const off of ['0', 'false']) assert.doesNotMatch(atTerminal({ FORCE_COLOR: off }), /\u001b\[/, `FORCE_COLOR=${off}`);
    const plain = spawnSync(process.execPath, [BIN, 'bogus'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.doesNotMatch(plain.stderr, /\u001b\[/, 'a pipe without FORCE_COLOR stays plain');
  });
  test('CI is recognised beyond CI=true (CONTINUOUS_INTEGRATION), and CI=false is not CI', { skip: !hasScript && 'no script(1) on this machine' }, () => {
    assert.doesNotMatch(atTerminal({ CONTINUOUS_INTEGRATION: 'true' }), /\u001b\[/);
    assert.doesNotMatch(atTerminal({ CI: '1' }), /\u001b\[/);
    assert.match(atTerminal({ CI: 'false' }), RED_ERROR);
  });
});

describe('spinner at a terminal', () => {
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  function unreachableKubeconfig(dir: string): string {
    const file = path.join(dir, 'config');
    const entry = (name: string) => `- name: ${name}\n  context: {cluster: ${name}, user: ${name}}\n`;
    writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\ncurrent-context: host\nclusters:\n- name: host\n  cluster: {server: "https://127.0.0.1:1"}\n- name: member\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: host\n  user: {token: t}\n- name: member\n  user: {token: t}\ncontexts:\n${entry('host')}${entry('member')}`,
    );
    return file;
  }
  for (const [label, setup] of [
    ['a sized terminal: the spinner runs and ends with a failure mark', 'stty cols 100 rows 30; '],
    ['a terminal without a size: no spinner (ora would clear lines forever)', ''],
  ] as const) {
    test(label, { skip: !hasScript && 'no script(1) on this machine', timeout: 30_000 }, () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-tty-'));
      try {
        const kubeconfig = unreachableKubeconfig(dir);
        const run = spawnSync('script', ['-qec', `${setup}${process.execPath} ${BIN} join member --kubeconfig ${kubeconfig}; echo EXIT=$?`, '/dev/null'], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, TERM: 'xterm' },
          timeout: 20_000,
        });
        assert.equal(run.signal, null, 'finished without being killed');
        assert.match(run.stdout, /EXIT=1/);
        assert.match(run.stdout, /error:.*Unable to reach cluster "host"/);
        if (setup) assert.match(run.stdout, /Joining cluster "member" failed/);
        else assert.doesNotMatch(run.stdout, /Joining cluster "member"/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
