// The fast paths must not load cluster code: client-node costs ~400 ms of startup.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/kubefedctl.js');

function loadedModules(args: string[], input?: string): { urls: string[]; status: number | null } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-modules-'));
  const file = path.join(dir, 'modules.txt');
  try {
    const run = spawnSync(process.execPath, ['--import', path.join(ROOT, 'test/helpers/record-modules.mjs'), BIN, ...args], {
      env: { PATH: process.env.PATH, RECORD_MODULES_FILE: file, HOME: dir },
      input: input ?? '',
      encoding: 'utf8',
    });
    let urls: string[] = [];
    try {
      urls = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      urls = [];
    }
    return { urls, status: run.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A dist chunk carries cluster code if esbuild put client-node or our cluster adapters in it. */
function isClusterCode(url: string): boolean {
  if (url.includes('node_modules/@kubernetes/client-node')) return true;
  if (!url.startsWith('file:') || !url.includes('/dist/')) return false;
  const text = readFileSync(new URL(url), 'utf8');
  return /node_modules\/@kubernetes\/client-node|src\/cluster\/rest-client\.ts/.test(text);
}

describe('startup paths load no cluster code', () => {
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 1\n';
  for (const [label, args, input] of [
    ['--help', ['--help']],
    ['join --help', ['join', '--help']],
    ['version', ['version']],
    ['offline federate', ['federate', '-f', '-'], deployment],
  ] as Array<[string, string[], string?]>) {
    test(label, () => {
      const { urls, status } = loadedModules(args, input);
      assert.equal(status, 0);
      assert.ok(urls.some((u) => u.endsWith('/dist/main.js')), `recorded the bundle (${urls.length} modules)`);
      const cluster = urls.filter(isClusterCode);
      assert.deepEqual(cluster, [], `cluster code loaded for ${label}`);
    });
  }
});
