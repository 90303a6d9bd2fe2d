// e2e harness entry point (npm run e2e:up / e2e:down / test:e2e).
//   up      build binaries if the cache lacks them, start etcd + apiservers + controller-managers + KubeFed
//   down    stop everything `up` started, verify nothing is left, remove .e2e/
//   test    up, run test/e2e/**/*.test.ts with node:test, down (also on failure); exits with the runner's code.
//           Extra arguments are test files to run instead of the whole suite.
//           KUBEFEDCTL_E2E_KUBECONFIG=<file> skips up/down and points the suite at an existing environment;
//           KUBEFEDCTL_E2E_KEEP=1 leaves the environment running after the tests.
//   status  print what is running (pids, ports, RSS)
//   KUBEFEDCTL_E2E_KARMADA=1 adds a Karmada control plane (context `karmada`) to up, status and down.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { deadDaemons, down, isHealthy, up } from './cluster.js';
import { rssKiB } from './procs.js';
import { readState, REPO_ROOT, wantedClusterCount } from './state.js';

function findTests(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) {
        if (ent.name !== 'node_modules' && ent.name !== 'go' && !ent.name.startsWith('.')) walk(p);
      } else if (ent.isFile() && ent.name.endsWith('.test.ts')) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** Counts from the TAP copy of the run, for the plain closing line CI reads. */
let lastTestCounts: { pass: number; fail: number; skipped: number } | undefined;

function runTests(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // One file at a time: all files share the same clusters, and some stop/restart a member apiserver.
  const tapFile = join(mkdtempSync(join(tmpdir(), 'kfc-e2e-report-')), 'report.tap');
  const args = [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files.map((f) => relative(REPO_ROOT, f)),
  ];
  process.stderr.write(`e2e: node ${args.join(' ')}\n`);
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
    const forward = (sig: NodeJS.Signals): void => {
      child.kill(sig);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      try {
        const report = readFileSync(tapFile, 'utf8');
        const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(report)?.[1] ?? 'NaN');
        lastTestCounts = { pass: count('pass'), fail: count('fail'), skipped: count('skipped') };
      } catch {
        lastTestCounts = undefined;
      }
      rmSync(dirname(tapFile), { recursive: true, force: true });
      resolvePromise(code ?? (signal ? 1 : 0));
    });
  });
}

async function status(): Promise<number> {
  const state = readState();
  if (!state) {
    console.log('e2e environment: not up');
    return 1;
  }
  const healthy = await isHealthy(state, Object.keys(state.clusters).length);
  console.log(`e2e environment: ${healthy ? 'up' : 'NOT healthy'}; kubeconfig ${state.kubeconfig}`);
  console.log(`versions: Kubernetes ${state.versions.kubernetes}, etcd ${state.versions.etcd}, KubeFed ${state.versions.kubefed}`);
  const rows: Array<[string, number, string]> = [['etcd', state.etcd.pid, state.etcd.clientUrl]];
  for (const c of Object.values(state.clusters)) {
    rows.push([`${c.name} kube-apiserver`, c.apiserver.pid, c.server]);
    if (c.controllerManager) rows.push([`${c.name} kube-controller-manager`, c.controllerManager.pid, '']);
  }
  if (state.kubefed) rows.push(['kubefed-controller-manager', state.kubefed.pid, `healthz 127.0.0.1:${state.kubefed.healthzPort}`]);
  const k = state.karmada;
  if (k) {
    rows.push([`karmada kube-apiserver`, k.apiserver.apiserver.pid, `${k.apiserver.server} (context ${k.context}, Karmada ${k.version})`]);
    if (k.apiserver.controllerManager) rows.push(['karmada kube-controller-manager', k.apiserver.controllerManager.pid, '']);
    rows.push(['karmada-aggregated-apiserver', k.aggregatedApiserver.pid, `https://127.0.0.1:${k.aggregatedApiserver.port}`]);
    rows.push(['karmada-webhook', k.webhook.pid, `https://127.0.0.1:${k.webhook.port}`]);
    rows.push(['karmada-controller-manager', k.controllerManager.pid, `healthz 127.0.0.1:${k.controllerManager.healthPort}`]);
    rows.push(['karmada-scheduler', k.scheduler.pid, `healthz 127.0.0.1:${k.scheduler.healthPort}`]);
  }
  let total = 0;
  for (const [what, pid, extra] of rows) {
    const rss = rssKiB(pid);
    total += rss;
    console.log(`  ${what.padEnd(36)} pid ${String(pid).padEnd(8)} RSS ${(rss / 1024).toFixed(0).padStart(5)} MiB  ${extra}`);
  }
  console.log(`  ${'total'.padEnd(36)} ${''.padEnd(12)} RSS ${(total / 1024).toFixed(0).padStart(5)} MiB`);
  return healthy ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up': {
      const t0 = Date.now();
      const state = await up();
      process.stderr.write(`e2e: ready in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
      console.log(state.kubeconfig);
      return 0;
    }
    case 'down':
      await down();
      return 0;
    case 'status':
      return status();
    case 'test': {
      const files = rest.length > 0 ? rest.map((f) => resolve(f)) : findTests(join(REPO_ROOT, 'test', 'e2e'));
      if (files.length === 0) throw new Error('no test/e2e/**/*.test.ts files found');
      for (const f of files) if (!existsSync(f)) throw new Error(`no such test file: ${f}`);
      const external = process.env['KUBEFEDCTL_E2E_KUBECONFIG'];
      if (external) {
        process.stderr.write(`e2e: using existing environment from KUBEFEDCTL_E2E_KUBECONFIG=${external}\n`);
        return runTests(files, process.env);
      }
      // preview.test.ts proves its predictions across three differently labelled members.
      if (files.some((f) => f.endsWith(join('test', 'e2e', 'preview.test.ts'))) && !process.env['KUBEFEDCTL_E2E_CLUSTERS']?.trim()) {
        process.env['KUBEFEDCTL_E2E_CLUSTERS'] = '3';
        process.stderr.write('e2e: preview.test.ts is included: starting 3 clusters (KUBEFEDCTL_E2E_CLUSTERS overrides)\n');
      }
      wantedClusterCount(); // validate before doing anything
      let code = 1;
      try {
        await up();
        code = await runTests(files, process.env);
        const state = readState();
        for (const { what, why } of state ? deadDaemons(state) : []) {
          process.stderr.write(`e2e: ${what} died during the tests (tests after that could not pass): ${why}\n`);
          code = code || 1;
        }
      } finally {
        if (process.env['KUBEFEDCTL_E2E_KEEP'] === '1') {
          process.stderr.write('e2e: KUBEFEDCTL_E2E_KEEP=1, leaving the environment up (npm run e2e:down stops it)\n');
        } else {
          try {
            await down();
          } catch (err) {
            process.stderr.write(`e2e: down failed: ${err instanceof Error ? err.message : String(err)}\n`);
            if (code === 0) code = 1;
          }
        }
      }
      return code;
    }
    default:
      process.stderr.write('usage: cli.ts up | down | status | test [files...]\n');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (lastTestCounts) console.log(`e2e tests: ${lastTestCounts.pass} passed, ${lastTestCounts.fail} failed, ${lastTestCounts.skipped} skipped`);
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`e2e: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
