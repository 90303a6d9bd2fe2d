// Startup and offline-federate throughput, as ratios against floors measured in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toYaml } from '../../src/core/yaml.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/kubefedctl.js');
const RSS_HOOK = path.join(ROOT, 'test/bench/report-rss.mjs');

export interface Measurement {
  name: string;
  value: number;
  floor: number;
  ratio: number;
  target: number;
  unit: string;
}

/** The Node that runs floor and candidate (runOfflineBenchmarks sets it per line). */
let node = process.execPath;

/** One run; peak RSS only when asked (the preload that reports it would skew startup timings). */
function timeOnce(args: string[], input?: string, measureRss = false): { ms: number; rssKiB: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-bench-'));
  const rssFile = path.join(dir, 'rss');
  const start = process.hrtime.bigint();
  const run = spawnSync(node, [...(measureRss ? ['--import', RSS_HOOK] : []), ...args], {
    input: input ?? '',
    env: { PATH: process.env.PATH, HOME: dir, BENCH_RSS_FILE: rssFile },
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr?.toString()}`);
  const rssKiB = measureRss ? Number(readFileSync(rssFile, 'utf8')) : 0;
  rmSync(dir, { recursive: true, force: true });
  return { ms, rssKiB };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * KUBEFEDCTL_BENCH_BASELINE=/path/to/another/checkout/bin/kubefedctl.js: the start-up lines are
 * measured for that build too, in the same loop, so a change can show it did not regress start-up.
 */
const BASELINE = process.env.KUBEFEDCTL_BENCH_BASELINE;

/** Runs floor and candidate (and the baseline build, if any) interleaved so machine noise hits them alike. */
function compare(name: string, floorArgs: string[], args: string[], runs: number, target: number, measureRss = false): Measurement[] {
  const floorTimes: number[] = [];
  const times: number[] = [];
  const baselineTimes: number[] = [];
  const floorRss: number[] = [];
  const rss: number[] = [];
  const baselineArgs = BASELINE && args[0] === BIN ? [BASELINE, ...args.slice(1)] : undefined;
  timeOnce(floorArgs, undefined, measureRss);
  timeOnce(args, undefined, measureRss);
  if (baselineArgs) timeOnce(baselineArgs);
  for (let i = 0; i < runs; i++) {
    const f = timeOnce(floorArgs, undefined, measureRss);
    const c = timeOnce(args, undefined, measureRss);
    if (baselineArgs) baselineTimes.push(timeOnce(baselineArgs).ms);
    floorTimes.push(f.ms);
    floorRss.push(f.rssKiB);
    times.push(c.ms);
    rss.push(c.rssKiB);
  }
  const floor = median(floorTimes);
  const value = median(times);
  const out: Measurement[] = [{ name, value, floor, ratio: value / floor, target, unit: 'ms' }];
  if (baselineArgs) {
    const baseline = median(baselineTimes);
    // Reported, not judged: the baseline is what this build is compared with.
    out.push({ name: `${name} (baseline build)`, value: baseline, floor, ratio: baseline / floor, target: Infinity, unit: 'ms' });
  }
  if (measureRss) {
    const fr = median(floorRss) / 1024;
    const cr = median(rss) / 1024;
    out.push({ name: `${name} peak RSS`, value: cr, floor: fr, ratio: cr / fr, target, unit: 'MiB' });
  }
  return out;
}

export function generateStream(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    const object =
      kind === 0
        ? {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: `web-${i}`, namespace: `ns-${i % 17}`, labels: { app: `web-${i}`, tier: 'front' } },
            spec: {
              replicas: 3,
              selector: { matchLabels: { app: `web-${i}` } },
              template: {
                metadata: { labels: { app: `web-${i}` } },
                spec: {
                  containers: [
                    {
                      name: 'web',
                      image: 'nginx:1.27',
                      ports: [{ containerPort: 80 }],
                      env: [
                        { name: 'MODE', value: 'production' },
                        { name: 'FLAG', value: 'yes' },
                      ],
                    },
                  ],
                },
              },
            },
          }
        : kind === 1
          ? {
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { name: `svc-${i}`, namespace: `ns-${i % 17}` },
              spec: {
                type: 'NodePort',
                clusterIP: '10.0.0.1',
                selector: { app: `web-${i}` },
                ports: [{ port: 80, targetPort: 8080, nodePort: 30000 + (i % 2000) }],
              },
            }
          : {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: `cfg-${i}`, namespace: `ns-${i % 17}`, annotations: { owner: 'team-a' } },
              data: { 'app.properties': 'a=1\nb=2\n', mode: '0644', enabled: 'true' },
            };
    docs.push(toYaml(object));
  }
  return docs.join('---\n');
}

/**
 * Start-up and throughput on the Node at `nodePath`. Targets (issue 20): start-up within 1.3x of
 * `node -e 0`, within 1.5x on Node 20 (end of life, no compile cache); 10,000 documents within
 * 1.5x of the js-yaml floor.
 */
export function runOfflineBenchmarks(nodePath = process.execPath): Measurement[] {
  node = nodePath;
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const startupTarget = version.startsWith('v20.') ? 1.5 : 1.3;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-bench-data-'));
  try {
    const one = path.join(dir, 'one.yaml');
    writeFileSync(one, generateStream(1));
    const big = path.join(dir, 'big.yaml');
    writeFileSync(big, generateStream(10_000));
    const floorNode = ['-e', '0'];
    return [
      ...compare('startup: --help', floorNode, [BIN, '--help'], 21, startupTarget),
      ...compare('startup: version', floorNode, [BIN, 'version'], 21, startupTarget),
      ...compare('startup: federate -f (1 document)', floorNode, [BIN, 'federate', '-f', one], 21, startupTarget),
      ...compare('federate 10,000 documents', [path.join(ROOT, 'test/bench/floor-yaml.mjs'), big], [BIN, 'federate', '-f', big], 5, 1.5, true),
    ].map((m) => ({ ...m, name: `${version} ${m.name}` }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
