// npm run bench: every figure is a ratio to a floor measured in the same run. Cluster figures
// (join/unjoin) need a running environment: npm run e2e:up, or KUBEFEDCTL_E2E_KUBECONFIG.
import { type Measurement, runOfflineBenchmarks } from './offline.js';

function format(m: Measurement): string {
  const verdict = m.target === Infinity ? '' : ` (target <= ${m.target}x) ${m.ratio <= m.target ? 'ok' : 'OVER TARGET'}`;
  return `${m.name.padEnd(44)} ${m.value.toFixed(1).padStart(8)} ${m.unit.padEnd(3)} floor ${m.floor.toFixed(1).padStart(8)} ${m.unit.padEnd(3)} ratio ${m.ratio.toFixed(2)}x${verdict}`;
}

const results: Measurement[] = runOfflineBenchmarks();
for (const m of results) console.log(format(m));


const { runClusterBenchmarks } = await import('./cluster.js');
const cluster = await runClusterBenchmarks();
for (const line of cluster.lines) console.log(line);

const over = results.filter((m) => m.ratio > m.target).length + cluster.overTarget;
if (over > 0) {
  console.log(`\n${over} measurement(s) over target`);
  process.exitCode = 1;
}
