// The release archive (npm run release) as its users get it: unpacked onto a PATH that holds no
// `node`, the single executable joins a member, federates a namespace with --contents (proven by the
// real KubeFed controller propagating it) and unjoins; krew v0.4.3 (built by the harness) installs the
// same archive from release/kubefed.yaml into a scratch KREW_ROOT, checking its sha256, and kubectl
// then runs it as `kubectl kubefed`.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureToolBinaries } from './harness/build.js';
import { type E2eEnv, type ExecResult, execFileCollect, loadE2eEnv } from './harness/env.js';
import { NS, describeRun, getObject, waitForNamespaceGone } from './support.js';
import { RELEASE_DIR, standaloneBinary } from '../helpers/standalone.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const MEMBER = env.clusters.find((c) => c !== HOST)!;
const APP = `kfc-release-${process.pid}`;
const base = ['--kubeconfig', env.kubeconfig, '--host-cluster-context', HOST];

const built = standaloneBinary();
const skip =
  'skip' in built
    ? `standalone build unavailable: ${built.skip}`
    : env.kubectlPath === undefined
      ? 'no kubectl (set KUBEFEDCTL_E2E_KUBECTL for an external environment)'
      : false;

describe('the release archive with no node on PATH, and krew installing it', { skip, timeout: 900_000 }, () => {
  const archives = () => readdirSync(RELEASE_DIR).filter((name) => name.endsWith('-linux-amd64.tar.gz'));
  let unpacked = '';
  let krewRoot = '';
  let krewBin = '';
  /** PATH for everything here: the unpacked archive, kubectl and krew; no directory with node. */
  let searchPath = '';

  function run(command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<ExecResult> {
    return execFileCollect(command, args, {
      env: { PATH: searchPath, HOME: krewRoot, KUBECONFIG: env.kubeconfig, KREW_ROOT: krewRoot, ...extraEnv },
      timeoutMs: 180_000,
    });
  }

  before(async () => {
    krewBin = (await ensureToolBinaries()).krew;
    unpacked = mkdtempSync(path.join(os.tmpdir(), 'kfc-release-'));
    krewRoot = mkdtempSync(path.join(os.tmpdir(), 'kfc-krew-root-'));
    assert.equal(archives().length, 1, `one archive in ${RELEASE_DIR}: ${archives().join(', ')}`);
    execFileSync('tar', ['-xzf', path.join(RELEASE_DIR, archives()[0]!), '-C', unpacked]);
    searchPath = [unpacked, path.join(krewRoot, 'bin'), path.dirname(env.kubectlPath!), path.dirname(krewBin)].join(path.delimiter);
    // A previous crashed run may have left a registration behind.
    await run('kubefedctl', ['unjoin', MEMBER, ...base, '--force']);
    await waitForNamespaceGone(env, MEMBER, NS);
    await env.adminRequest(HOST, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP } });
    await env.adminRequest(HOST, 'POST', `/api/v1/namespaces/${APP}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { mode: 'standalone' },
    });
  });

  after(async () => {
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${APP}`);
    await waitForNamespaceGone(env, HOST, APP).catch(() => undefined);
    if (searchPath) await run('kubefedctl', ['unjoin', MEMBER, ...base, '--force']);
    await env.adminRequest(MEMBER, 'DELETE', `/api/v1/namespaces/${APP}`);
    rmSync(unpacked, { recursive: true, force: true });
    rmSync(krewRoot, { recursive: true, force: true });
  });

  test('the archive holds the executable, the plugin, LICENSE and NOTICE; its .sha256 matches; PATH finds no node', () => {
    assert.deepEqual(readdirSync(unpacked).sort(), ['LICENSE', 'NOTICE', 'THIRD-PARTY-LICENSES', 'kubectl-kubefed', 'kubefedctl']);
    const name = archives()[0]!;
    const digest = createHash('sha256')
      .update(readFileSync(path.join(RELEASE_DIR, name)))
      .digest('hex');
    assert.equal(readFileSync(path.join(RELEASE_DIR, `${name}.sha256`), 'utf8'), `${digest}  ${name}\n`);
    assert.match(readFileSync(path.join(RELEASE_DIR, 'kubefed.yaml'), 'utf8'), new RegExp(`sha256: ${digest}\\n`));
    assert.equal(spawnSync('node', ['-e', '0'], { env: { PATH: searchPath } }).error?.message.includes('ENOENT'), true);
  });

  test('kubefedctl from the archive joins the member', async () => {
    const join = await run('kubefedctl', ['join', MEMBER, ...base, '--wait=90s']);
    assert.equal(join.code, 0, describeRun(join));
    assert.equal(join.stdout, `kubefedcluster.core.kubefed.io/${MEMBER} joined, Ready\n`);
  });

  test('federate namespace --contents: KubeFed propagates the namespace and its ConfigMap to the member', async () => {
    const result = await run('kubefedctl', ['federate', 'namespace', APP, ...base, '--contents', '--enable-type']);
    assert.equal(result.code, 0, describeRun(result));
    assert.ok(result.stdout.includes(`federatednamespace.types.kubefed.io/${APP} created`), describeRun(result));
    assert.ok(result.stdout.includes('federatedconfigmap.types.kubefed.io/settings created'), describeRun(result));
    const configMap = await env.waitFor(() => getObject(env, MEMBER, `/api/v1/namespaces/${APP}/configmaps/settings`), 90_000, {
      what: `settings propagated to ${MEMBER}`,
    });
    assert.deepEqual(configMap.data, { mode: 'standalone' });
  });

  test('krew installs the archive from the manifest; kubectl kubefed version and get clusters work', async () => {
    const install = await run('kubectl', [
      'krew',
      'install',
      `--manifest=${path.join(RELEASE_DIR, 'kubefed.yaml')}`,
      `--archive=${path.join(RELEASE_DIR, archives()[0]!)}`,
    ]);
    assert.equal(install.code, 0, describeRun(install));
    assert.match(install.stderr + install.stdout, /Installed plugin: kubefed/);

    const version = await run('kubectl', ['kubefed', 'version', '-o', 'json']);
    assert.equal(version.code, 0, describeRun(version));
    assert.equal(JSON.parse(version.stdout).distribution, 'standalone');

    const help = await run('kubectl', ['kubefed', '--help']);
    assert.match(help.stdout, /^Usage: kubectl kubefed /m, describeRun(help));

    const table = await run('kubectl', ['kubefed', 'get', 'clusters']);
    assert.equal(table.code, 0, describeRun(table));
    assert.match(table.stdout, /^NAME +READY +KUBERNETES-VERSION +AGE$/m);
    assert.match(table.stdout, new RegExp(`^${MEMBER} +True +`, 'm'));
  });

  test('kubefedctl from the archive unjoins the member', async () => {
    const unjoin = await run('kubefedctl', ['unjoin', MEMBER, ...base]);
    assert.equal(unjoin.code, 0, describeRun(unjoin));
    assert.match(unjoin.stdout, new RegExp(`kubefedcluster.core.kubefed.io/${MEMBER} unjoined`));
    const table = await run('kubectl', ['kubefed', 'get', 'clusters', '-o', 'name']);
    assert.equal(table.code, 0, describeRun(table));
    assert.doesNotMatch(table.stdout, new RegExp(MEMBER));
  });
});
