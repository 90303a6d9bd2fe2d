// The single executable (npm run release) runs with no Node on PATH and no node_modules beside it:
// every command is inside, and it says it is the standalone build. Run from a scratch directory whose
// PATH holds only the binary (under both of its names), so nothing can fall back to a Node install.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, standaloneBinary } from '../helpers/standalone.js';

const built = standaloneBinary();
const skip = 'skip' in built ? `standalone build unavailable: ${built.skip}` : false;
if (skip) console.error(`test/cli/standalone.test.ts: ${skip}`);

describe('the standalone executable, with no node on PATH', { skip }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-standalone-'));
    copyFileSync((built as { path: string }).path, path.join(dir, 'kubefedctl'));
    // krew links its bin entry to the plugin file: the name must come from how it was called.
    symlinkSync(path.join(dir, 'kubefedctl'), path.join(dir, 'kubectl-kubefed'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function run(name: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(name, args, { cwd: dir, env: { PATH: dir, HOME: dir }, encoding: 'utf8' });
    if (result.error) throw result.error;
    return result;
  }

  test('PATH finds no node', () => {
    assert.equal(spawnSync('node', ['-e', '0'], { env: { PATH: dir } }).error?.message.includes('ENOENT'), true);
  });

  test('version says it is the standalone build, on the Node inside', () => {
    const { status, stdout } = run('kubefedctl', ['version']);
    assert.equal(status, 0);
    assert.match(stdout, /Distribution:"standalone"/);
    const info = JSON.parse(run('kubefedctl', ['version', '-o', 'json']).stdout) as { distribution: string; nodeVersion: string; platform: string };
    assert.equal(info.distribution, 'standalone');
    assert.equal(info.platform, 'linux/amd64');
  });

  test('--help lists the commands', () => {
    const { status, stdout } = run('kubefedctl', ['--help']);
    assert.equal(status, 0);
    assert.match(stdout, /^Usage: kubefedctl /m);
    for (const command of ['join', 'unjoin', 'federate', 'enable', 'completion']) assert.match(stdout, new RegExp(`^  ${command}\\b`, 'm'));
  });

  test('offline federate -f examples/app prints what the npm build prints', () => {
    const file = path.join(ROOT, 'examples/app');
    const standalone = run('kubefedctl', ['federate', '-f', file]);
    const npm = spawnSync(process.execPath, [path.join(ROOT, 'bin/kubefedctl.js'), 'federate', '-f', file], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir },
      encoding: 'utf8',
    });
    assert.equal(standalone.status, 0, standalone.stderr);
    assert.match(standalone.stdout, /kind: FederatedNamespace/);
    assert.match(standalone.stdout, /kind: FederatedDeployment/);
    assert.equal(standalone.stdout, npm.stdout);
  });

  test('completion: the bash script and the __complete protocol', () => {
    const script = run('kubefedctl', ['completion', 'bash']);
    assert.equal(script.status, 0);
    assert.match(script.stdout, /^# bash completion V2 for kubefedctl/);
    const words = run('kubefedctl', ['__complete', 'jo']);
    assert.equal(words.status, 0);
    assert.match(words.stdout, /^join\t/m);
    assert.match(words.stdout, /^:4$/m);
  });

  test('called as kubectl-kubefed it is the kubectl plugin', () => {
    const { status, stdout } = run('kubectl-kubefed', ['--help']);
    assert.equal(status, 0);
    assert.match(stdout, /^Usage: kubectl kubefed /m);
    const error = run('kubectl-kubefed', ['join']);
    assert.equal(error.status, 2);
    assert.match(error.stderr, /kubectl kubefed join/);
  });
});
