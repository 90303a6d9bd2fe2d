// The build (scripts/build.mjs): three files of dist/ that share their modules. Each module is
// bundled once, a file's static imports never reach a later file (so --help reads main.cjs alone
// and an offline command never reads cluster.cjs), and the split follows the rule it states.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Metafile } from 'esbuild';
import { FILES, assignFiles, buildDist, bundledTwice } from '../../scripts/build.mjs';

type Inputs = Metafile['inputs'];
const input = (imports: Array<[string, 'import-statement' | 'dynamic-import' | 'require-call']>): Inputs[string] => ({
  bytes: 1,
  imports: imports.map(([importPath, kind]) => ({ path: importPath, kind, original: importPath })),
});

describe('assignFiles: which file of dist/ holds each module', () => {
  const inputs: Inputs = {
    'src/cli/main.ts': input([
      ['src/cli/program.ts', 'import-statement'],
      ['src/run/federate-offline.ts', 'dynamic-import'],
      ['src/run/preview-offline.ts', 'dynamic-import'],
      ['src/run/join.ts', 'dynamic-import'],
    ]),
    'src/cli/program.ts': input([['node_modules/commander/index.js', 'import-statement']]),
    'node_modules/commander/index.js': input([]),
    'src/run/federate-offline.ts': input([['src/core/federate.ts', 'import-statement']]),
    'src/core/federate.ts': input([['node_modules/js-yaml/index.js', 'require-call']]),
    'node_modules/js-yaml/index.js': input([]),
    'src/run/preview-offline.ts': input([['src/core/preview.ts', 'import-statement']]),
    'src/core/preview.ts': input([['src/core/federate.ts', 'import-statement']]),
    'src/run/join.ts': input([
      ['src/cluster/applier.ts', 'import-statement'],
      ['src/core/preview.ts', 'import-statement'],
      ['src/core/join-plan.ts', 'import-statement'],
    ]),
    'src/cluster/applier.ts': input([['src/cluster/proxy.ts', 'dynamic-import']]),
    'src/cluster/proxy.ts': input([]),
    'src/core/join-plan.ts': input([]),
    '<define:__KUBEFEDCTL_BUILD__>': input([]),
  };
  const owner = assignFiles(inputs);

  test("main.ts's static imports and offline federate's modules are main.cjs", () => {
    for (const module of [
      'src/cli/main.ts',
      'src/cli/program.ts',
      'node_modules/commander/index.js',
      'src/run/federate-offline.ts',
      'src/core/federate.ts',
      'node_modules/js-yaml/index.js',
    ])
      assert.equal(owner.get(module), 'main', module);
  });
  test('a dynamic import that does not reach src/cluster/ starts offline.cjs', () => {
    assert.equal(owner.get('src/run/preview-offline.ts'), 'offline');
    assert.equal(owner.get('src/core/preview.ts'), 'offline');
  });
  test('a dynamic import that reaches src/cluster/ starts cluster.cjs; a module offline.cjs also needs stays there', () => {
    for (const module of ['src/run/join.ts', 'src/cluster/applier.ts', 'src/cluster/proxy.ts', 'src/core/join-plan.ts'])
      assert.equal(owner.get(module), 'cluster', module);
    assert.equal(owner.get('src/core/preview.ts'), 'offline', 'join imports it from offline.cjs');
  });
  test("esbuild's virtual modules belong to no file", () => {
    assert.equal(owner.has('<define:__KUBEFEDCTL_BUILD__>'), false);
  });
});

describe('bundledTwice', () => {
  test('names a module bundled into two files', () => {
    const metafile = (modules: string[]): Metafile => ({ inputs: Object.fromEntries(modules.map((m) => [m, input([])])), outputs: {} });
    assert.deepEqual(
      bundledTwice({ main: metafile(['src/errors.ts', '<define:X>']), cluster: metafile(['src/errors.ts', '<define:X>', 'src/cluster/a.ts']) }),
      ['src/errors.ts in main and cluster'],
    );
    assert.deepEqual(bundledTwice({ main: metafile(['src/errors.ts']), cluster: metafile(['src/cluster/a.ts']) }), []);
  });
});

describe('the real build', () => {
  let dir: string;
  let built: Awaited<ReturnType<typeof buildDist>>;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-build-'));
    built = await buildDist(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('each module is bundled into exactly one file, the one assigned to it', () => {
    // buildDist itself refuses a module bundled twice (bundledTwice, tested above); this checks each is where the rule put it.
    for (const file of FILES) {
      const modules = Object.keys(built.builds[file].metafile.inputs).filter((module) => /^(src|node_modules)\//.test(module));
      assert.ok(modules.length > 10, `${file}.cjs holds modules (${modules.length})`);
      for (const module of modules) assert.equal(built.owner.get(module), file, `${module} is bundled into ${file}.cjs`);
    }
  });
  test("a file's static imports reach only itself or an earlier file (main, offline, cluster)", () => {
    const order = (module: string) => FILES.indexOf(built.owner.get(module)!);
    const backwards = Object.entries(built.inputs).flatMap(([module, { imports }]) =>
      built.owner.has(module)
        ? imports.filter((i) => i.kind !== 'dynamic-import' && built.owner.has(i.path) && order(i.path) > order(module)).map((i) => `${module} -> ${i.path}`)
        : [],
    );
    assert.deepEqual(backwards, []);
  });
  test('the cluster layer is in cluster.cjs, the program and offline federate in main.cjs', () => {
    const clusterModules = [...built.owner].filter(([module]) => module.startsWith('src/cluster/'));
    assert.ok(clusterModules.length > 10);
    for (const [module, file] of clusterModules) assert.equal(file, 'cluster', module);
    for (const module of ['src/cli/main.ts', 'src/errors.ts', 'src/run/federate-offline.ts', 'node_modules/commander/lib/command.js'])
      assert.equal(built.owner.get(module), 'main', module);
    assert.equal(built.owner.get('src/core/completion-scripts.ts'), 'offline');
  });
  test('main.cjs does not load node:child_process for commander (its spawn gets the built-in on first call)', () => {
    const main = readFileSync(path.join(dir, 'main.cjs'), 'utf8');
    assert.doesNotMatch(main, /require\("node:child_process"\)/);
    assert.match(main, /getBuiltinModule\("node:child_process"\)/);
  });
});
