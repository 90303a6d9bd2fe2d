// Start-up and the build use public mechanisms only (issue 20): no private or undocumented
// internals of Node (Module._load/_cache/_nodeModulePaths, vm.Script with hand-made code caches,
// process.binding, process.moduleLoadList), no files of commander past its `exports` map, no
// Proxy stand-ins for built-ins. Scans the sources that ship or build (bin/, scripts/, src/) and
// the build (dist/*.cjs, which npm test builds first).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');

const FORBIDDEN: Array<[string, RegExp]> = [
  ["Node's module loader internals (Module._load, _cache, _resolveFilename, _nodeModulePaths...)", /\bModule\._\w+|\b_nodeModulePaths\b/],
  ['a Module made by hand (new Module)', /\bnew Module\(/],
  ['vm.Script (code compiled and cached by hand)', /\bvm\.Script\b|\bnew Script\(|\brunInThisContext\b/],
  ['hand-made V8 code caches', /\bcachedData\b|\bcreateCachedData\b|\bproduceCachedData\b/],
  ["commander's files past its exports map", /commander\/lib\//],
  ['process.binding / internalBinding', /\bprocess\.binding\(|\binternalBinding\b/],
  ['process.moduleLoadList (undocumented)', /\bmoduleLoadList\b/],
  ['a Proxy standing in for a module', /new Proxy\(/],
];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(file);
    return /\.(ts|mts|js|mjs|cjs|json)$/.test(entry.name) ? [file] : [];
  });
}

/** The lines of `files` that match `pattern`, as "file:line: text". */
export function findUses(files: readonly string[], pattern: RegExp): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (pattern.test(line) ? [`${path.relative(ROOT, file)}:${index + 1}: ${line.trim().slice(0, 120)}`] : [])),
  );
}

describe('no private internals of Node or commander', () => {
  const sources = ['bin', 'scripts', 'src'].flatMap((dir) => filesUnder(path.join(ROOT, dir)));
  test('the scan sees the sources', () => {
    assert.ok(sources.some((file) => file.endsWith(path.join('bin', 'kubefedctl.js'))));
    assert.ok(sources.some((file) => file.endsWith(path.join('scripts', 'build.mjs'))));
    assert.ok(sources.filter((file) => file.includes(`${path.sep}src${path.sep}`)).length > 50);
  });
  for (const [what, pattern] of FORBIDDEN) {
    test(`bin/, scripts/ and src/: no ${what}`, () => {
      assert.deepEqual(findUses(sources, pattern), []);
    });
  }
  test('the built files use none of them either', () => {
    const built = ['main.cjs', 'offline.cjs', 'cluster.cjs'].map((file) => path.join(ROOT, 'dist', file));
    for (const file of built) assert.ok(existsSync(file), `${path.relative(ROOT, file)} is built (npm test builds first)`);
    // esbuild's own require shim for CommonJS dependencies holds a Proxy: not ours, not a stand-in.
    for (const [what, pattern] of FORBIDDEN.filter(([, pattern]) => !pattern.source.includes('Proxy'))) assert.deepEqual(findUses(built, pattern), [], what);
  });
});
