// The build's code-cache training (scripts/build.mjs runs it with tsx once the bundles are built).
// bin/kubefedctl.js loads each bundle with a V8 code cache on Node 20; a cache holds the functions
// compiled while it was trained, so that a run skips parsing and compiling them. The offline runs
// train what every start-up uses (--help, version, offline federate); join and unjoin against two
// fake clusters on 127.0.0.1 (plain HTTP, the project's test API server) train the cluster layer:
// kubeconfig, REST client, plans and applier, which would otherwise compile on every cluster command.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveFakeCluster, writeFakeKubeconfig } from '../test/helpers/fake-apiserver.js';
import { joinHost, joinMember } from '../test/helpers/fake-kubefed.js';
import { APART } from './bundles.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-train-'));
const servers = await Promise.all([serveFakeCluster(joinHost(10)), serveFakeCluster(joinMember('member'))]);
try {
  const kubeconfig = path.join(dir, 'config');
  writeFakeKubeconfig(kubeconfig, servers);
  const cluster = ['--host-cluster-context', 'host', '--kubeconfig', kubeconfig];
  const offline = [['--help'], ['version', '-o', 'yaml'], ['federate', '-f', path.join(ROOT, 'examples', 'app'), '-o', 'yaml']];
  const clusterRuns = [
    ['join', 'member', ...cluster],
    ['unjoin', 'member', ...cluster],
  ];
  // main.cjs is read by every start: its cache holds only what the start-up command lines
  // compile (the cluster runs would add the main-side code of join and unjoin to every start).
  await train(offline, ['main', ...APART.filter((bundle) => bundle.name !== 'cluster-commands').map((bundle) => bundle.name)]);
  await train([...offline, ...clusterRuns], ['cluster-commands']);
} finally {
  await Promise.all(servers.map((server) => server.close()));
  rmSync(dir, { recursive: true, force: true });
}

/** Runs the command lines in one process of the built CLI, then writes the caches of `bundles`. */
async function train(runs: string[][], bundles: string[]): Promise<void> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'kubefedctl.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      KUBEFEDCTL_TRAIN_CODE_CACHE: bundles.map((name) => `${name}.cjs`).join(','),
      KUBEFEDCTL_TRAIN_RUNS: JSON.stringify(runs),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`code cache training failed (exit ${code}):\n${stderr}`);
}
