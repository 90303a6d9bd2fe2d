// npm run bench: every figure is a ratio to a floor measured in the same run. Cluster figures
// (join/unjoin) need a running environment: npm run e2e:up, or KUBEFEDCTL_E2E_KUBECONFIG.
import { NODE_LINES, nodeBinary } from '../../scripts/node-lines.mjs';
import { type Measurement, runOfflineBenchmarks } from './offline.js';

function format(m: Measurement): string {
  const verdict = m.target === Infinity ? '' : ` (target <= ${m.target}x) ${m.ratio <= m.target ? 'ok' : 'OVER TARGET'}`;
  return `${m.name.padEnd(52)} ${m.value.toFixed(1).padStart(8)} ${m.unit.padEnd(3)} floor ${m.floor.toFixed(1).padStart(8)} ${m.unit.padEnd(3)} ratio ${m.ratio.toFixed(2)}x${verdict}`;
}

// The offline figures on this shell's Node and on each supported line (KUBEFEDCTL_BENCH_LINES=24,26
// to choose; empty for this Node only). The compile cache lives in the system's temporary directory:
// the first runs of each line fill it, the warm-up run of each comparison absorbs that.
const lines = (process.env.KUBEFEDCTL_BENCH_LINES ?? Object.keys(NODE_LINES).join(',')).split(',').filter((line) => line !== '');
const results: Measurement[] = [];
for (const nodePath of [process.execPath, ...lines.map((line) => nodeBinary(NODE_LINES[line] ?? line))]) {
  const measured = runOfflineBenchmarks(nodePath);
  for (const m of measured) console.log(format(m));
  results.push(...measured);
}

// KUBEFEDCTL_BENCH_STANDALONE=0 leaves out the single executable (building it takes ~40 s).
if (process.env.KUBEFEDCTL_BENCH_STANDALONE !== '0') {
  const { runStandaloneBenchmarks } = await import('./standalone.js');
  const standalone = runStandaloneBenchmarks();
  for (const m of standalone.measurements) console.log(format(m));
  for (const line of standalone.lines) console.log(line);
  results.push(...standalone.measurements);
}

const { runClusterBenchmarks } = await import('./cluster.js');
const cluster = await runClusterBenchmarks();
for (const line of cluster.lines) console.log(line);

const over = results.filter((m) => m.ratio > m.target).length + cluster.overTarget;
if (over > 0) {
  console.log(`\n${over} measurement(s) over target`);
  process.exitCode = 1;
}
