// Cluster benchmarks, side by side with the Go kubefedctl v0.10.0 that the e2e harness builds:
// the same command lines on the same clusters, alternating which tool goes first, medians and
// API request counts of both, and the ratio ours/Go. Needs the harness-started environment
// (npm run e2e:up; KUBEFEDCTL_E2E_CLUSTERS=6 adds the several-members figure).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/kubefedctl.js');
const RUNS = 9;

interface Timed {
  ms: number;
  requests: number;
  /** CPU the tool's process used (Linux only). */
  cpuMs?: number | undefined;
}

type Tool = 'ours' | 'go';

/**
 * Both tools run in the same minimal environment, as the offline benchmarks do: PATH and HOME
 * (every command names its kubeconfig). A shell's environment can slow one of them down before any
 * of its code runs: NODE_EXTRA_CA_CERTS, which this machine sets, makes every Node process parse
 * that file and Node's root certificates at start (nodeStartPenalty reports by how much).
 */
const TOOL_ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

/** Runs one command line with -v=6 (both tools then log every request) and times it. */
function run(tool: Tool, goBinary: string, args: string[]): Timed & { code: number | null; stderr: string } {
  const env = TOOL_ENV;
  const [file, argv] = tool === 'ours' ? [process.execPath, [BIN, ...args, '-v=6']] : [goBinary, [...args, '-v=6']];
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const result = spawnSync(file, argv, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = childrenCpuMs();
  // Ours: "GET https://… 200 (3 ms)"; klog's round_trippers: "… GET https://… 200 OK in 3 milliseconds".
  const requests = (result.stderr.match(/\b(GET|POST|PUT|PATCH|DELETE) https?:\/\/\S+ \d{3}\b/g) ?? []).length;
  const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return { ms, requests, cpuMs, code: result.status, stderr: result.stderr };
}

const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** utime + stime of a process, or with `children`, of the children it has waited for (Linux /proc). */
function processCpuMs(pid: number | 'self', children = false): number | undefined {
  try {
    // The fields after "(comm) ": state is field 3, so utime (14) is at 11 and cutime (16) at 13.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const first = children ? 13 : 11;
    return ((Number(fields[first]) + Number(fields[first + 1])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function childrenCpuMs(): number | undefined {
  return processCpuMs('self', true);
}

/**
 * What a Node 20 client pays before its first request, whatever its code: the process start, and
 * the first TLS context with a kubeconfig CA, for which Node 20 parses its whole bundled root
 * store although that CA replaces it (medians of 11 interleaved runs of `node -e`).
 */
function nodeClientFloor(caFile: string): { start: number; trustStore: number } {
  const readOnly = ['-e', "require('tls'); require('fs').readFileSync(process.argv[1])", caFile];
  const withContext = ['-e', "require('tls').createSecureContext({ ca: require('fs').readFileSync(process.argv[1]) })", caFile];
  const starts: number[] = [];
  const contexts: number[] = [];
  for (let i = 0; i < 11; i++) {
    starts.push(timeNode(readOnly, TOOL_ENV));
    contexts.push(timeNode(withContext, TOOL_ENV));
  }
  return { start: median(starts), trustStore: median(contexts) - median(starts) };
}

/** Milliseconds until `node <args>` has ended. */
function timeNode(args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** How much later `node -e 0` ends with this shell's NODE_EXTRA_CA_CERTS than without it (medians of 11). */
function nodeStartPenalty(): string | undefined {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (!extra) return undefined;
  const without: number[] = [];
  const withIt: number[] = [];
  for (let i = 0; i < 11; i++) {
    without.push(timeNode(['-e', '0'], TOOL_ENV));
    withIt.push(timeNode(['-e', '0'], { ...TOOL_ENV, NODE_EXTRA_CA_CERTS: extra }));
  }
  return `note: this shell sets NODE_EXTRA_CA_CERTS=${extra}; with it every Node process, ours included, starts ${(median(withIt) - median(without)).toFixed(1)} ms later (node -e 0: ${median(without).toFixed(1)} -> ${median(withIt).toFixed(1)} ms). The figures above are without it, for both tools.`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function expectOk(what: string, result: { code: number | null; stderr: string }): void {
  if (result.code === 0) return;
  // klog's fatal line (F…) or our one-line error, not the Go tool's goroutine dump.
  const lines = result.stderr.split('\n');
  const reason =
    lines.find((l) => /^F\d{4} |^error: /.test(l)) ??
    lines
      .filter((l) => l.trim() !== '' && !/^(I\d{4}|W\d{4}|GET|POST|PUT|PATCH|DELETE) /.test(l))
      .slice(0, 3)
      .join('\n');
  throw new Error(`${what} failed (exit ${result.code}): ${reason}`);
}

const medianMs = (samples: Timed[]) => median(samples.map((s) => s.ms));

/** ours/Go of the median times. */
const ratio = (ours: Timed[], go: Timed[]) => medianMs(ours) / medianMs(go);

function line(name: string, ours: Timed[], go: Timed[], target: number): string {
  const r = ratio(ours, go);
  return `${name.padEnd(40)} ours ${medianMs(ours).toFixed(1).padStart(8)} ms ${String(median(ours.map((s) => s.requests))).padStart(5)} req   Go ${medianMs(go).toFixed(1).padStart(8)} ms ${String(median(go.map((s) => s.requests))).padStart(5)} req   ours/Go ${r.toFixed(2)}x (target <= ${target}x) ${r <= target ? 'ok' : 'OVER TARGET'}`;
}

export interface ClusterBenchResult {
  lines: string[];
  overTarget: number;
}

export async function runClusterBenchmarks(): Promise<ClusterBenchResult> {
  if (process.env.KUBEFEDCTL_E2E_KUBECONFIG || !existsSync(path.join(ROOT, '.e2e/state.json'))) {
    return {
      lines: ['cluster benchmarks: skipped (they need the harness-started environment with the Go kubefedctl: run `npm run e2e:up` first)'],
      overTarget: 0,
    };
  }
  const { loadE2eEnv } = await import('../e2e/harness/env.js');
  const { readState } = await import('../e2e/harness/state.js');
  const env = loadE2eEnv();
  const state = readState()!;
  const goBinary = state.binaries.kubefedctlGo;
  const host = env.hostCluster;
  const members = env.clusters.filter((c) => c !== host);
  const member = members[0]!;
  const base = ['--host-cluster-context', host, '--kubeconfig', env.kubeconfig];
  const namespaceGone = (cluster: string) =>
    env.waitFor(async () => (await env.adminRequest(cluster, 'GET', `/api/v1/namespaces/${env.kubefedNamespace}`)).status === 404, 120_000);
  for (const m of members) {
    run('ours', goBinary, ['unjoin', m, ...base, '--force', '--wait']);
    // unjoin keeps a member namespace that join did not create (a Go join's, an interrupted test's):
    // every measured join must start without one, so the bench removes it itself (404 if none).
    await env.adminRequest(m, 'DELETE', `/api/v1/namespaces/${env.kubefedNamespace}`);
    await namespaceGone(m);
  }

  const results: Record<Tool, { join: Timed[]; unjoin: Timed[] }> = { ours: { join: [], unjoin: [] }, go: { join: [], unjoin: [] } };
  for (let i = 0; i < RUNS; i++) {
    // Alternate which tool goes first, so neither always meets a warmer apiserver.
    for (const tool of (i % 2 === 0 ? ['ours', 'go'] : ['go', 'ours']) as Tool[]) {
      await namespaceGone(member);
      const join = run(tool, goBinary, ['join', member, ...base]);
      expectOk(`${tool} join`, join);
      results[tool].join.push(join);
      const unjoin = run(tool, goBinary, ['unjoin', member, ...base]);
      expectOk(`${tool} unjoin`, unjoin);
      results[tool].unjoin.push(unjoin);
    }
  }
  const lines = [line(`join ${member}`, results.ours.join, results.go.join, 1.3), line(`unjoin ${member}`, results.ours.unjoin, results.go.unjoin, 1.3)];
  let overTarget = [ratio(results.ours.join, results.go.join), ratio(results.ours.unjoin, results.go.unjoin)].filter((r) => r > 1.3).length;
  const floor = nodeClientFloor(state.clusters[host]!.caFile);
  const goJoin = medianMs(results.go.join);
  const goUnjoin = medianMs(results.go.unjoin);
  lines.push(
    `  any Node 20 client, before its first request: start ${floor.start.toFixed(1)} ms + root store ${floor.trustStore.toFixed(1)} ms = ${(floor.start + floor.trustStore).toFixed(1)} ms; ` +
      `1.3x Go leaves ${(1.3 * goJoin - floor.start - floor.trustStore).toFixed(1)} ms for join's code and requests, ${(1.3 * goUnjoin - floor.start - floor.trustStore).toFixed(1)} ms for unjoin's`,
  );

  if (members.length >= 5) {
    // Five members: one command of ours against five sequential Go joins.
    const five = members.slice(0, 5);
    const oursSamples: Timed[] = [];
    const goSamples: Timed[] = [];
    for (let i = 0; i < 3; i++) {
      for (const m of five) await namespaceGone(m);
      const ours = run('ours', goBinary, ['join', ...five, ...base]);
      expectOk('ours join of 5', ours);
      oursSamples.push(ours);
      expectOk('ours unjoin of 5', run('ours', goBinary, ['unjoin', ...five, ...base]));
      for (const m of five) await namespaceGone(m);
      let ms = 0;
      let requests = 0;
      for (const m of five) {
        const go = run('go', goBinary, ['join', m, ...base]);
        expectOk(`Go join ${m}`, go);
        ms += go.ms;
        requests += go.requests;
      }
      goSamples.push({ ms, requests });
      for (const m of five) expectOk(`Go unjoin ${m}`, run('go', goBinary, ['unjoin', m, ...base]));
    }
    lines.push(line('join of 5 members (ours: one command)', oursSamples, goSamples, 1.0));
    if (ratio(oursSamples, goSamples) > 1) overTarget++;
  } else {
    lines.push('join of 5 members: skipped (start the environment with KUBEFEDCTL_E2E_CLUSTERS=6)');
  }

  // federate --contents of a namespace holding 1,000 objects (configmaps, secrets, headless services:
  // the test clusters have a /24 service range), created by each tool in its own namespace.
  const objects = Array.from({ length: 1000 }, (_, i) =>
    i % 3 === 0
      ? ['configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { index: String(i) } }]
      : i % 3 === 1
        ? ['secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `secret-${i}` }, stringData: { index: String(i) } }]
        : [
            'services',
            {
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { name: `svc-${i}` },
              spec: { clusterIP: 'None', selector: { app: `a${i}` }, ports: [{ port: 80 }] },
            },
          ],
  ) as Array<[string, unknown]>;
  const federated: Record<Tool, Timed[]> = { ours: [], go: [] };
  // Where the CPU goes while each tool runs: its own process, and the environment's (etcd, the
  // API servers and controller managers, KubeFed's controller), which shares this machine's cores.
  // The host's API server, etcd and KubeFed's controller apart: they do the work the writes cause.
  const hostApiserver = state.clusters[host]!.apiserver.pid;
  const clusterParts: Array<[string, number | undefined]> = [
    ['host API server', hostApiserver],
    ['etcd', state.etcd.pid],
    ['KubeFed', state.kubefed?.pid],
    ...Object.values(state.clusters).flatMap((c): Array<[string, number | undefined]> => [
      ['the rest', c.apiserver.pid === hostApiserver ? undefined : c.apiserver.pid],
      ['the rest', c.controllerManager?.pid],
    ]),
  ];
  /** CPU ms so far of each part of the environment, by part name; undefined when a process is gone. */
  const clusterCpuMs = (): Map<string, number> | undefined => {
    const byPart = new Map<string, number>();
    for (const [part, pid] of clusterParts) {
      if (pid === undefined) continue;
      const ms = processCpuMs(pid);
      if (ms === undefined) return undefined;
      byPart.set(part, (byPart.get(part) ?? 0) + ms);
    }
    return byPart;
  };
  const clusterCpu: Record<Tool, Array<Map<string, number>>> = { ours: [], go: [] };
  // Three runs each, alternating who goes first; each run starts on a quiet API server (the
  // previous run's namespace, 1,000 objects, is gone), so neither tool meets the other's cleanup.
  for (const tool of ['ours', 'go', 'go', 'ours', 'ours', 'go'] as Tool[]) {
    const namespace = `kfc-bench-${tool}-${process.pid}-${federated[tool].length}`;
    const created = await env.adminRequest(host, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    if (created.status !== 201) throw new Error(`cannot create ${namespace}: ${created.text}`);
    try {
      for (let i = 0; i < objects.length; i += 25) {
        await Promise.all(
          objects.slice(i, i + 25).map(async ([resource, body]) => {
            const response = await env.adminRequest(host, 'POST', `/api/v1/namespaces/${namespace}/${resource}`, body);
            if (response.status !== 201) throw new Error(`create ${resource}: ${response.text}`);
          }),
        );
      }
      // Kubernetes adds its own (default ServiceAccount, kube-root-ca.crt): federate skips those.
      await env.waitFor(async () => (await env.adminRequest(host, 'GET', `/api/v1/namespaces/${namespace}/serviceaccounts/default`)).status === 200, 60_000);
      // The Go tool does not skip EndpointSlices (made for the Services) and fails on their unenabled type: both skip them.
      const clusterCpuBefore = clusterCpuMs();
      const result = run(tool, goBinary, [
        'federate',
        'namespace',
        namespace,
        ...base,
        '--contents',
        '--skip-api-resources',
        'endpointslices.discovery.k8s.io',
      ]);
      const clusterCpuAfter = clusterCpuMs();
      expectOk(`${tool} federate --contents`, result);
      federated[tool].push(result);
      if (clusterCpuBefore !== undefined && clusterCpuAfter !== undefined) {
        clusterCpu[tool].push(new Map([...clusterCpuAfter].map(([part, ms]) => [part, ms - (clusterCpuBefore.get(part) ?? 0)])));
      }
    } finally {
      await env.adminRequest(host, 'DELETE', `/api/v1/namespaces/${namespace}`);
      await env.waitFor(async () => (await env.adminRequest(host, 'GET', `/api/v1/namespaces/${namespace}`)).status === 404, 180_000);
    }
  }
  lines.push(line('federate --contents, 1,000 objects', federated.ours, federated.go, 0.5));
  const cpuOf = (tool: Tool) => {
    const own = federated[tool].map((s) => s.cpuMs).filter((ms): ms is number => ms !== undefined);
    const runs = clusterCpu[tool];
    if (own.length === 0 || runs.length === 0) return undefined;
    const wall = medianMs(federated[tool]);
    const environment = median(runs.map((byPart) => [...byPart.values()].reduce((a, b) => a + b, 0)));
    const parts = [...runs[0]!.keys()].map((part) => `${part} ${median(runs.map((byPart) => byPart.get(part) ?? 0)).toFixed(0)}`).join(', ');
    const busy = median(own) + environment;
    return `${tool} ${median(own).toFixed(0)} ms in its process + ${environment.toFixed(0)} ms in the environment's (${parts}) = ${((100 * busy) / (wall * cpus().length)).toFixed(0)}% of ${cpus().length} cores`;
  };
  const [oursCpu, goCpu] = [cpuOf('ours'), cpuOf('go')];
  if (oursCpu && goCpu) lines.push(`  CPU while federate --contents runs (medians): ${oursCpu}; ${goCpu}`);
  const penalty = nodeStartPenalty();
  if (penalty) lines.push(penalty);
  if (ratio(federated.ours, federated.go) > 0.5) overTarget++;
  return { lines, overTarget };
}
