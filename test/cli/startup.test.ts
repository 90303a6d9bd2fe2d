// The fast paths must not run cluster code: no HTTPS/TLS stack, no module outside the bundle
// (client-node alone costs ~400 ms). Loading is observed in a real process of the built CLI.
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
    const run = spawnSync(process.execPath, ['--require', path.join(ROOT, 'test/helpers/record-modules.cjs'), BIN, ...args], {
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

describe('startup paths run no cluster code', () => {
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 1\n';
  for (const [label, args, input] of [
    ['--help', ['--help']],
    ['join --help', ['join', '--help']],
    ['version', ['version']],
    ['version -o yaml', ['version', '-o', 'yaml']],
    ['offline federate', ['federate', '-f', '-'], deployment],
    ['enable --offline', ['enable', 'deployments.apps', '--offline']],
  ] as Array<[string, string[], string?]>) {
    test(label, () => {
      const { builtins, required, status } = loaded(args, input);
      assert.equal(status, 0);
      assert.ok(builtins.includes('fs'), `recorded the built-ins (${builtins.length})`);
      assert.deepEqual(builtins.filter((name) => CLUSTER_BUILTINS.includes(name)), [], `cluster networking loaded for ${label}`);
      const outsideBundle = required.filter((file) => path.isAbsolute(file) && !file.endsWith(path.join('dist', 'main.cjs')) && file !== BIN);
      assert.deepEqual(outsideBundle, [], 'only the bundle is loaded (no node_modules, no @kubernetes/client-node)');
    });
  }

  test('the check would notice cluster code: a cluster command loads https (and runs an exec plugin through the bundle)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-kubeconfig-'));
    const kubeconfig = path.join(dir, 'config');
    const context = (name: string) => `- name: ${name}\n  context: {cluster: ${name}, user: ${name}}\n`;
    const plugin = path.join(dir, 'plugin.cjs');
    writeFileSync(plugin, `process.stdout.write(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1',kind:'ExecCredential',status:{token:'from-plugin'}}))`);
    const execUser = `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(plugin)}], interactiveMode: Never}}`;
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\ncurrent-context: host\nclusters:\n- name: host\n  cluster: {server: "https://127.0.0.1:1"}\n- name: member\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: host\n  user: ${execUser}\n- name: member\n  user: {token: t}\ncontexts:\n${context('host')}${context('member')}`,
    );
    try {
      const { builtins, status, stderr } = loaded(['join', 'member', '--kubeconfig', kubeconfig]);
      assert.equal(status, 1, 'the unreachable cluster fails the join');
      assert.match(stderr, /^error: .*Unable to reach cluster "host"/, 'a connection error, not an internal one');
      assert.ok(builtins.includes('https'), 'a join loads the HTTPS stack');
      assert.ok(builtins.includes('child_process'), 'the exec plugin ran through the lazily loaded child_process');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
