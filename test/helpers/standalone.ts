// The standalone executable (scripts/release.mjs) for the tests and the bench: release/kubefedctl,
// rebuilt when a source or build script is newer than it. Building needs the Node line's official
// binary in ~/.cache/kubefedctl-node (scripts/node-lines.mjs fetches it); a machine without it, or
// not linux-x64, gets a reason to skip instead of a binary.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_LINES } from '../../scripts/node-lines.mjs';

const NODE_CACHE = process.env.KUBEFEDCTL_NODE_CACHE ?? path.join(os.homedir(), '.cache', 'kubefedctl-node');

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const RELEASE_DIR = path.join(ROOT, 'release');
export const STANDALONE = path.join(RELEASE_DIR, 'kubefedctl');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function fresh(): boolean {
  if (!existsSync(STANDALONE)) return false;
  const built = statSync(STANDALONE).mtimeMs;
  return newestMtime(path.join(ROOT, 'src')) < built && newestMtime(path.join(ROOT, 'scripts')) < built;
}

/** release/kubefedctl, built if missing or stale; a string saying why not otherwise. */
export function standaloneBinary(): { path: string } | { skip: string } {
  if (fresh()) return { path: STANDALONE };
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return { skip: `the standalone build is linux-amd64 only here (this is ${process.platform}-${process.arch})` };
  if (process.env.KUBEFEDCTL_NO_RELEASE_BUILD)
    return { skip: 'KUBEFEDCTL_NO_RELEASE_BUILD is set and release/kubefedctl is missing or stale (npm run release)' };
  // Tests do not download Node: without the line's binary in the cache there is nothing to build from.
  const node = path.join(NODE_CACHE, NODE_LINES[26]!, 'bin', 'node');
  if (!existsSync(node)) return { skip: `no ${node} (node scripts/node-lines.mjs --path 26 fetches it)` };
  // A build that fails is a failure, not a skip: it throws with the script's stderr.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/release.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { path: STANDALONE };
}
