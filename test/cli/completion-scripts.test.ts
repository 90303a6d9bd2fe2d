// The completion scripts (Cobra's, ported), run for real: their text is Cobra's own output, bash
// drives them against the built CLI, and the processes a shell or kubectl starts answer in time,
// silently, without loading cluster code when they need none.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { runInProcess } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin');
const GOLDEN = path.join(ROOT, 'test/golden/completion');
const run = promisify(execFile);

describe('completion <shell> prints Cobra v1.10.2 scripts exactly', () => {
  for (const shell of ['bash', 'zsh', 'fish', 'powershell']) {
    for (const descriptions of [true, false]) {
      const name = descriptions ? shell : `${shell}-no-descriptions`;
      test(name, async () => {
        const result = await runInProcess(['completion', shell, ...(descriptions ? [] : ['--no-descriptions'])]);
        assert.equal(result.code, 0);
        assert.equal(result.stderr, '');
        assert.equal(result.stdout, readFileSync(path.join(GOLDEN, name, 'expected'), 'utf8'), `differs from Cobra's output in ${GOLDEN}/${name}`);
      });
    }
  }
  test('completion without a shell prints help', async () => {
    const result = await runInProcess(['completion']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: kubefedctl completion \[options\] \[command\]/);
    assert.match(result.stdout, /bash \[options\] +Generate the autocompletion script for bash/);
  });
});

describe('processes as a shell and kubectl start them', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-completion-'));
    // What npm install -g puts on PATH.
    for (const [link, target] of [
      ['kubefedctl', 'kubefedctl.js'],
      ['kubectl-kubefed', 'kubectl-kubefed.js'],
      ['kubectl_complete-kubefed', 'kubectl_complete-kubefed.js'],
    ]) {
      symlinkSync(path.join(BIN, target!), path.join(dir, link!));
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ PATH: `${dir}:${process.env.PATH}`, HOME: dir, ...extra });

  test(
    'bash: the ported script completes commands, flag values and subcommands through __complete',
    { skip: spawnSync('bash', ['--version']).status !== 0 && 'no bash' },
    () => {
      // _init_completion comes from the bash-completion package; a minimal one is enough here.
      const script = `
_init_completion() { COMPREPLY=(); cur=\${COMP_WORDS[COMP_CWORD]}; prev=\${COMP_WORDS[COMP_CWORD-1]}; words=("\${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
source <(kubefedctl completion bash)
try() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}; COMP_TYPE=9; COLUMNS=80; __start_kubefedctl 2>/dev/null; echo "[$*] $(IFS='|'; echo "\${COMPREPLY[*]}")"; }
try kubefedctl ge
try kubefedctl get clusters -o ""
try kubefedctl orphaning-deletion ""
try kubefedctl version ""
`;
      const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: env() });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(
        result.stdout,
        [
          '[kubefedctl ge] get',
          '[kubefedctl get clusters -o ] wide|json|yaml|name',
          '[kubefedctl orphaning-deletion ] disable  (Disable orphaning deletion to ensure the removal of managed resource…)|enable   (Enable the orphaning (i.e. retention) of resources managed by a fede…)|status   (Get the orphaning deletion status of the federated resource)',
          '[kubefedctl version ] ',
          '',
        ].join('\n'),
      );
    },
  );

  test('kubectl_complete-kubefed answers __complete for the plugin', async () => {
    const { stdout } = await run(path.join(dir, 'kubectl_complete-kubefed'), ['get', ''], { env: env() });
    assert.equal(stdout, 'clusters\tthe joined clusters (KubeFedClusters)\n:4\n');
  });

  test('kubectl-kubefed shows itself as `kubectl kubefed` in usage and hints', async () => {
    const { stdout } = await run(path.join(dir, 'kubectl-kubefed'), ['--help'], { env: env() });
    assert.match(stdout, /^Usage: kubectl kubefed \[options\] \[command\]/);
    const failed = spawnSync(path.join(dir, 'kubectl-kubefed'), ['status', 'FederatedDeployment'], { encoding: 'utf8', env: env() });
    assert.equal(failed.status, 2);
    assert.equal(
      failed.stderr,
      "error: NAME is required with TYPE: kubectl kubefed status FederatedDeployment NAME\n  hint: See 'kubectl kubefed status --help'.\n",
    );
  });

  function kubeconfig(name: string, server: string, user: string): string {
    const file = path.join(dir, name);
    writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\ncurrent-context: host\nclusters:\n- name: host\n  cluster: {server: "${server}", insecure-skip-tls-verify: true}\nusers:\n- name: host\n  user: ${user}\ncontexts:\n- name: host\n  context: {cluster: host, user: host}\n- name: member\n  context: {cluster: host, user: host}\n`,
    );
    return file;
  }

  test('an exec credential plugin that hangs (and talks): the answer still comes at the deadline, silently', async () => {
    const plugin = path.join(dir, 'slow-plugin.cjs');
    writeFileSync(plugin, "process.stderr.write('PLUGIN TALKS ON STDERR\\n'); setTimeout(() => {}, 30000);");
    const execUser = `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(plugin)}], interactiveMode: IfAvailable}}`;
    const config = kubeconfig('exec-config', 'https://127.0.0.1:1', execUser);
    const started = Date.now();
    const { stdout, stderr } = await run(path.join(dir, 'kubefedctl'), ['__complete', 'unjoin', '--kubeconfig', config, ''], { env: env() });
    const elapsed = Date.now() - started;
    assert.equal(stdout, ':4\n');
    assert.equal(stderr, 'Completion ended with directive: ShellCompDirectiveNoFileComp\n');
    assert.ok(elapsed < 5000, `answered after ${elapsed} ms, not when the plugin ended (30 s)`);
  });

  test('a server that accepts and never answers: the answer comes at the deadline', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const config = kubeconfig('blackhole-config', `https://127.0.0.1:${port}`, '{token: t}');
      const started = Date.now();
      const { stdout } = await run(path.join(dir, 'kubefedctl'), ['__complete', '--kubeconfig', config, 'status', ''], { env: env() });
      const elapsed = Date.now() - started;
      assert.equal(stdout, ':4\n');
      assert.ok(elapsed >= 900 && elapsed < 4000, `answered after ${elapsed} ms (deadline 1 s)`);
      // Contexts need no server at all.
      assert.equal(
        (await run(path.join(dir, 'kubefedctl'), ['__complete', '--kubeconfig', config, 'join', 'x', '--host-cluster-context', ''], { env: env() })).stdout,
        'host\nmember\n:4\n',
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  function loadedBy(args: string[]): string[] {
    const file = path.join(dir, `modules-${args.length}.json`);
    const result = spawnSync(process.execPath, ['--import', path.join(ROOT, 'test/helpers/record-modules.mjs'), path.join(BIN, 'kubefedctl.js'), ...args], {
      env: { ...env(), RECORD_MODULES_FILE: file },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    return (JSON.parse(readFileSync(file, 'utf8')) as { builtins: string[] }).builtins;
  }

  test('completion scripts, static candidates and contexts load no cluster networking', () => {
    const config = kubeconfig('modules-config', 'https://127.0.0.1:1', '{token: t}');
    for (const args of [
      ['completion', 'zsh'],
      ['__complete', ''],
      ['__complete', 'get', 'clusters', '-o', ''],
      ['__complete', '--kubeconfig', config, 'join', '--host-cluster-context', ''],
    ]) {
      const networking = loadedBy(args).filter((name) => ['https', 'http', 'tls', '_tls_wrap', 'http2'].includes(name));
      assert.deepEqual(networking, [], `${args.join(' ')} loaded ${networking.join(', ')}`);
    }
    assert.ok(loadedBy(['__complete', '--kubeconfig', config, 'unjoin', '']).includes('tls'), 'the check would notice: cluster names need the host');
  });
});
