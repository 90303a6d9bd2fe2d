// kubefedctl as a kubectl plugin, run by a real kubectl (v1.32.13, built by the harness): kubectl
// finds kubectl-kubefed and kubectl_complete-kubefed on PATH, runs `kubectl kubefed ...` with the
// arguments verbatim, and completes through `kubectl __complete kubefed ...`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import yaml from 'js-yaml';
import { type E2eEnv, type ExecOptions, type ExecResult, REPO_ROOT, loadE2eEnv } from './harness/env.js';
import { NS, describeRun, kubefedctl, waitForNamespaceGone } from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const MEMBER = env.clusters.find((c) => c !== HOST)!;

/** Runs a command with PATH holding the plugin directory, KUBECONFIG set, as a plugin user would. */
function runWithPlugins(command: string, args: string[], pluginDir: string, opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: os.tmpdir(),
      env: { PATH: `${pluginDir}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: pluginDir, KUBECONFIG: env.kubeconfig, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

describe(
  'kubectl plugin (real kubectl)',
  { skip: env.kubectlPath === undefined && 'no kubectl (set KUBEFEDCTL_E2E_KUBECTL for an external environment)', timeout: 600_000 },
  () => {
    const kubectl = env.kubectlPath!;
    let pluginDir: string;
    const run = (...args: string[]) => runWithPlugins(kubectl, args, pluginDir);

    before(async () => {
      // What `npm install -g kubefedctl` puts on PATH: links to the package's bin files.
      pluginDir = mkdtempSync(path.join(os.tmpdir(), 'kfc-kubectl-plugin-'));
      symlinkSync(path.join(REPO_ROOT, 'bin', 'kubectl-kubefed.js'), path.join(pluginDir, 'kubectl-kubefed'));
      symlinkSync(path.join(REPO_ROOT, 'bin', 'kubectl_complete-kubefed.js'), path.join(pluginDir, 'kubectl_complete-kubefed'));
      // A previous crashed run may have left a registration behind.
      await kubefedctl(env, ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--force']);
      await waitForNamespaceGone(env, MEMBER, NS);
    });

    after(async () => {
      await kubefedctl(env, ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--force']);
      await waitForNamespaceGone(env, MEMBER, NS);
      rmSync(pluginDir, { recursive: true, force: true });
    });

    test('kubectl is the version the clusters run, and lists the plugin', async () => {
      const version = await run('version', '--client', '-o', 'json');
      assert.equal(version.code, 0, describeRun(version));
      if (env.state) assert.equal(JSON.parse(version.stdout).clientVersion.gitVersion, env.state.versions.kubernetes);
      const list = await run('plugin', 'list', '--name-only');
      assert.equal(list.code, 0, describeRun(list));
      assert.match(list.stdout, /^kubectl-kubefed$/m);
    });

    test('kubectl kubefed --help shows the plugin name', async () => {
      const help = await run('kubefed', '--help');
      assert.equal(help.code, 0, describeRun(help));
      assert.match(help.stdout, /^Usage: kubectl kubefed \[options\] \[command\]/);
      assert.match(help.stdout, /^ {2}get \[options\] \[TYPE\] \[NAME\.\.\.\] +Display the joined clusters$/m);
    });

    test('kubectl kubefed join, then get clusters: the member is joined and KubeFed reports it Ready', async () => {
      const join = await run('kubefed', 'join', MEMBER, '--host-cluster-context', HOST, '--wait=90s');
      assert.equal(join.code, 0, describeRun(join));
      assert.equal(join.stdout, `kubefedcluster.core.kubefed.io/${MEMBER} joined, Ready\n`);

      const table = await run('kubefed', 'get', 'clusters');
      assert.equal(table.code, 0, describeRun(table));
      const lines = table.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^NAME +READY +KUBERNETES-VERSION +AGE$/);
      const row = lines.find((line) => line.startsWith(`${MEMBER} `));
      assert.ok(row, table.stdout);
      assert.match(row, new RegExp(`^${MEMBER} +True +${env.state?.versions.kubernetes ?? 'v\\S+'} +\\d+s$`));

      const named = await run('kubefed', 'get', 'clusters', MEMBER, '-o', 'name');
      assert.deepEqual([named.code, named.stdout], [0, `kubefedcluster.core.kubefed.io/${MEMBER}\n`]);
      const missing = await run('kubefed', 'get', 'clusters', 'no-such-cluster');
      assert.equal(missing.code, 1);
      assert.equal(
        missing.stderr,
        `error: kubefedclusters.core.kubefed.io "no-such-cluster" not found\n  hint: List the joined clusters with 'kubectl kubefed get clusters'.\n`,
      );
    });

    test('completion through kubectl: kubectl runs kubectl_complete-kubefed and relays its answer', async () => {
      const plugins = await run('__complete', 'kube');
      assert.equal(plugins.code, 0, describeRun(plugins));
      assert.match(plugins.stdout, /^kubefed\tThe command kubefed is a plugin installed by the user$/m);

      const commands = await run('__complete', 'kubefed', '');
      assert.equal(commands.code, 0, describeRun(commands));
      const lines = commands.stdout.trimEnd().split('\n');
      assert.equal(lines.at(-1), ':4');
      assert.ok(lines.includes('get\tDisplay the joined clusters'), commands.stdout);
      assert.ok(lines.includes('join\tRegister clusters with a KubeFed control plane'), commands.stdout);

      const clusters = await run('__complete', 'kubefed', 'unjoin', '');
      assert.equal(clusters.stdout, `${MEMBER}\tReady\n:4\n`, describeRun(clusters));

      const output = await run('__complete', 'kubefed', 'get', 'clusters', '-o', '');
      assert.equal(output.stdout, 'wide\njson\nyaml\nname\n:4\n');

      const contexts = await run('__complete', 'kubefed', 'join', '--host-cluster-context', '');
      // Every context of the kubeconfig: with KUBEFEDCTL_E2E_KARMADA=1 it also has `karmada`.
      const kubeconfigContexts = ((yaml.load(readFileSync(env.kubeconfig, 'utf8')) as { contexts: Array<{ name: string }> }).contexts ?? []).map((c) => c.name);
      assert.ok(env.clusters.every((c) => kubeconfigContexts.includes(c)));
      assert.equal(contexts.stdout, `${kubeconfigContexts.join('\n')}\n:4\n`);

      const types = await run('__complete', 'kubefed', 'status', 'federatedd');
      assert.equal(types.stdout, 'federateddeployments.types.kubefed.io\tFederatedDeployment (deployments.apps)\n:4\n');
    });

    test('kubectl kubefed unjoin', async () => {
      const unjoin = await run('kubefed', 'unjoin', MEMBER, '--host-cluster-context', HOST);
      assert.equal(unjoin.code, 0, describeRun(unjoin));
      const none = await run('kubefed', 'get', 'clusters', MEMBER, '--ignore-not-found');
      assert.deepEqual([none.code, none.stdout, none.stderr], [0, '', '']);
    });
  },
);
