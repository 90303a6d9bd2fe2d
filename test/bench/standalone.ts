// The standalone executable (npm run release) against `node bin/kubefedctl.js` on the Node line it
// carries: start-up of `version` and `--help`, interleaved so machine noise hits both alike, and its
// size. Target: no slower than the npm build (1.1x allows for noise); the SEA's code cache is what
// stands in for the compile cache bin/kubefedctl.js enables.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_LINES, nodeBinary } from '../../scripts/node-lines.mjs';
import { ROOT, standaloneBinary } from '../helpers/standalone.js';
import { type Measurement, median } from './offline.js';

function timeOnce(file: string, args: string[], home: string): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(file, args, { env: { PATH: '/nonexistent', HOME: home }, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${run.status}`);
  return ms;
}

/** The measurements, or a line saying why there are none. */
export function runStandaloneBenchmarks(runs = 20): { measurements: Measurement[]; lines: string[] } {
  const built = standaloneBinary();
  if ('skip' in built) return { measurements: [], lines: [`standalone: skipped (${built.skip})`] };
  const version = NODE_LINES[26]!;
  const node = nodeBinary(version);
  const script = path.join(ROOT, 'bin/kubefedctl.js');
  const home = mkdtempSync(path.join(os.tmpdir(), 'kfc-bench-sea-'));
  const measurements: Measurement[] = [];
  try {
    for (const args of [['version'], ['--help']]) {
      timeOnce(node, [script, ...args], home);
      timeOnce(built.path, args, home);
      const floor: number[] = [];
      const sea: number[] = [];
      for (let i = 0; i < runs; i++) {
        floor.push(timeOnce(node, [script, ...args], home));
        sea.push(timeOnce(built.path, args, home));
      }
      const value = median(sea);
      const floorMs = median(floor);
      measurements.push({
        name: `standalone ${args.join(' ')} vs node ${version} bin/kubefedctl.js`,
        value,
        floor: floorMs,
        ratio: value / floorMs,
        target: 1.1,
        unit: 'ms',
      });
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const mb = (file: string) => (statSync(file).size / 1e6).toFixed(1);
  const archive = path.join(
    ROOT,
    'release',
    `kubefedctl-${JSON.parse(spawnSync(built.path, ['version', '-o', 'json'], { encoding: 'utf8' }).stdout).gitVersion.slice(1)}-linux-amd64.tar.gz`,
  );
  const lines = [
    `standalone size: ${mb(built.path)} MB executable (node ${version} ${mb(node)} MB unstripped), archive ${mb(archive)} MB (two copies: kubefedctl and kubectl-kubefed)`,
  ];
  return { measurements, lines };
}
