// The build maps an import of any module that a bundle apart serves to that bundle's entry
// (scripts/bundles.mjs): the importer then gets the entry's exports, not the module's. A name
// imported from such a module that the entry does not export would be undefined at run time in
// dist/ only, where tsc and the tests that run src/ cannot see it; this test does.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { APART } from '../../scripts/bundles.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

interface ImportSite {
  importer: string;
  specifier: string;
  /** The names taken from the module (`import { a }`, `const { a } = await import(...)`). */
  names: string[];
}

/** Value imports (static and dynamic) of every file; `import type` and inline `type` names left out. */
function importsOf(file: string): ImportSite[] {
  const text = readFileSync(file, 'utf8');
  const sites: ImportSite[] = [];
  const namesIn = (list: string) =>
    list
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '' && !part.startsWith('type '))
      .map((part) => part.split(/\s+as\s+|\s*:\s*/)[0]!.trim());
  for (const match of text.matchAll(/^import (?!type )(?:\{([^}]*)\}|[\w$]+|\* as [\w$]+)(?:, \{([^}]*)\})? from '([^']+)';/gm)) {
    sites.push({ importer: file, specifier: match[3]!, names: namesIn(`${match[1] ?? '*'},${match[2] ?? ''}`) });
  }
  for (const match of text.matchAll(/(?:const|let) \{([^}]*)\} = await import\('([^']+)'\)/g)) {
    sites.push({ importer: file, specifier: match[2]!, names: namesIn(match[1]!) });
  }
  for (const match of text.matchAll(/\(await import\('([^']+)'\)\)\.([\w$]+)/g)) {
    sites.push({ importer: file, specifier: match[1]!, names: [match[2]!] });
  }
  return sites;
}

const resolve = (site: ImportSite) => path.resolve(path.dirname(site.importer), site.specifier).replace(/\.js$/, '.ts');

/** The files a bundle's entry reaches through relative imports (all of them end up in that bundle). */
function closureOf(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const site of importsOf(file)) if (site.specifier.startsWith('.')) visit(resolve(site));
  };
  visit(entry);
  return seen;
}

/** What would be undefined at run time: names imported through the bundle that its entry lacks. */
function missingNames(bundle: (typeof APART)[number], sites: ImportSite[], exported: ReadonlySet<string>): string[] {
  return sites
    .filter((site) => bundle.specifier.test(site.specifier))
    .flatMap((site) =>
      site.names
        .filter((name) => name !== '*' && !exported.has(name))
        .map((name) => `${path.relative(ROOT, site.importer)} imports ${name} from '${site.specifier}', which dist/${bundle.name}.cjs's entry (${bundle.entry}) does not export`),
    );
}

async function entryExports(bundle: (typeof APART)[number]): Promise<Set<string>> {
  return new Set(Object.keys((await import(path.join(ROOT, bundle.entry))) as object));
}

describe('bundles apart', () => {
  const files = sourceFiles(SRC);
  for (const bundle of APART) {
    test(`${bundle.name}: every name imported through it is exported by its entry`, async () => {
      const inBundle = closureOf(path.join(ROOT, bundle.entry));
      const sites = files.filter((file) => !inBundle.has(file)).flatMap(importsOf);
      assert.ok(sites.some((site) => bundle.specifier.test(site.specifier)), `something imports through ${bundle.name}`);
      assert.deepEqual(missingNames(bundle, sites, await entryExports(bundle)), []);
    });
  }

  test('the check notices a name the entry lacks', async () => {
    const clusterCommands = APART.find((bundle) => bundle.name === 'cluster-commands')!;
    const site = { importer: path.join(SRC, 'commands/join.ts'), specifier: '../run/join.js', names: ['runJoin', 'readKubefedScope'] };
    const exported = await entryExports(clusterCommands);
    assert.deepEqual(missingNames(clusterCommands, [site], exported), [
      "src/commands/join.ts imports readKubefedScope from '../run/join.js', which dist/cluster-commands.cjs's entry (src/run/cluster-commands.ts) does not export",
    ]);
  });
});
