// Builds the CLI with esbuild into three CommonJS files that share their modules, so each library
// and each error class exists once at run time:
//
//   dist/main.cjs     the program: commander, the command definitions, what --help and version
//                     need, and offline federate (the command run in loops: CI renders manifests
//                     with it). --help, version and offline federate read no other file.
//   dist/offline.cjs  the other commands that run without a cluster (offline preview and migrate,
//                     enable --offline, the KRM function, completion scripts) and the terminal UI.
//   dist/cluster.cjs  what reaches the cluster layer (src/cluster/): the run modules of cluster
//                     commands, kubeconfig, credentials, TLS, HTTP/2, the applier.
//
// Which file a module goes to is decided from the sources (a first, analysing build, `assignFiles`):
// main.ts's static imports and the dynamic imports named in MAIN_FILE_ENTRIES make main.cjs; a
// dynamic import() whose module statically reaches src/cluster/ starts cluster.cjs; any other
// dynamic import starts offline.cjs. A module one file needs from another is served by the file
// that holds it (its `provide` export), never copied; the build fails if one is bundled twice. A
// new command needs nothing here. Inside each file every dynamic import stays lazy: esbuild wraps
// the module in a function that runs on first import, and a module of another file is required
// only then too.
//
// Why split, and not esbuild's ES module chunks: docs/architecture.md, "The build and start-up".
// Node 20 has no compile cache and parses whatever it reads: there --help cost 1.56x `node -e 0`
// from a 412 KB main.cjs and 1.25x from a 120 KB one.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = 'src/cli/main.ts';

function git(...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

function buildInfo(distribution) {
  return {
    version: pkg.version,
    gitCommit: git('rev-parse', 'HEAD') ?? 'unknown',
    gitTreeState: git('status', '--porcelain', '--untracked-files=no') === '' ? 'clean' : 'dirty',
    buildDate: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    distribution,
  };
}

/**
 * commander requires node:child_process when it loads, for executable subcommands we never
 * declare; loading it (with node:net and node:stream) cost every start ~8 ms on Node 24. Its one
 * use, `spawn`, gets the built-in on first call through the public process.getBuiltinModule.
 * Any other importer gets the real module.
 */
const commanderChildProcessOnDemand = {
  name: 'commander-child-process-on-demand',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}commander${path.sep}`) ? { path: 'child_process', namespace: 'on-demand' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'on-demand' }, () => ({
      contents: "exports.spawn = (...args) => process.getBuiltinModule('node:child_process').spawn(...args);",
      loader: 'js',
    }));
  },
};

const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Start-up reads and compiles the file: fully minified. Errors carry their names explicitly
  // (src/errors.ts), so -v=4 stack headers stay readable.
  minify: true,
  metafile: true,
  logLevel: 'warning',
};

/**
 * The single-file build of the single executable (scripts/release.mjs): a SEA runs one script, so
 * the file runs main itself and holds what dist/'s three files hold, and `version` says which build it is
 * (__KUBEFEDCTL_BUILD__.distribution).
 */
export async function buildCli({ outfile }) {
  return build({
    ...COMMON,
    stdin: { contents: `require('./${ENTRY}').main(process.argv.slice(2));`, resolveDir: ROOT, sourcefile: 'sea-main.cjs', loader: 'js' },
    outfile,
    sourcemap: false,
    define: { __KUBEFEDCTL_BUILD__: JSON.stringify(buildInfo('standalone')) },
    plugins: [commanderChildProcessOnDemand],
  });
}

/** The bundled modules `file` imports, from esbuild's metafile: its dynamic import()s, or else its static imports and require calls. */
function importsOf(inputs, file, { dynamic }) {
  return (inputs[file]?.imports ?? []).filter((i) => (i.kind === 'dynamic-import') === dynamic && i.path in inputs).map((i) => i.path);
}

/** A file of the sources or of node_modules, not one of esbuild's virtual modules (define, plugin namespaces). */
const isSourceFile = (file) => /^(src|node_modules)\//.test(file);

function closure(inputs, roots) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length > 0) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...importsOf(inputs, file, { dynamic: false }));
  }
  return seen;
}

/** Dynamic imports of main.ts's side that stay in main.cjs (initialised on first import). */
const MAIN_FILE_ENTRIES = ['src/run/federate-offline.ts'];
export const FILES = ['main', 'offline', 'cluster'];

/**
 * Which file of dist/ holds each module, from a one-file build's metafile. Static imports only
 * point to the same file or an earlier one of FILES, so loading main.cjs reads no other file and
 * loading offline.cjs never reads cluster.cjs.
 */
export function assignFiles(inputs) {
  const owner = new Map();
  const take = (file, modules) => {
    for (const module of modules) if (isSourceFile(module) && !owner.has(module)) owner.set(module, file);
  };
  take('main', closure(inputs, [ENTRY, ...MAIN_FILE_ENTRIES]));
  for (let grown = true; grown;) {
    grown = false;
    for (const module of [...owner.keys()]) {
      for (const target of importsOf(inputs, module, { dynamic: true })) {
        if (owner.has(target)) continue;
        const reached = closure(inputs, [target]);
        if ([...reached].some((f) => f.startsWith('src/cluster/'))) continue;
        take('offline', reached);
        grown = true;
      }
    }
  }
  take('cluster', Object.keys(inputs));
  return owner;
}

/** Resolves an import as esbuild would, to the metafile's path of the module (relative to ROOT). */
async function resolvedPath(esbuild, args) {
  const result = await esbuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
  return result.errors.length > 0 || result.external ? undefined : path.relative(ROOT, result.path).split(path.sep).join('/');
}

/** Imports of modules that another file of dist/ holds become a require of that file. */
function fromOtherFiles(file, owner) {
  return {
    name: 'from-other-files',
    setup(esbuild) {
      esbuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'resolving' || args.namespace !== 'file') return undefined;
        const module = await resolvedPath(esbuild, args);
        const holder = module === undefined ? undefined : owner.get(module);
        // The path names both, and ends in neither .mjs nor .ts: the stub is CommonJS whatever the module is.
        return holder !== undefined && holder !== file
          ? { path: `${module} in ${holder}.cjs`, namespace: 'other-file', pluginData: { module, holder } }
          : undefined;
      });
      esbuild.onLoad({ filter: /.*/, namespace: 'other-file' }, (args) => ({
        contents: `module.exports = require('./${args.pluginData.holder}.cjs').provide(${JSON.stringify(args.pluginData.module)});`,
        loader: 'js',
      }));
    },
  };
}

/** Modules bundled into more than one of the given builds (by file name): each must be in one. */
export function bundledTwice(metafiles) {
  const bundledIn = new Map();
  for (const [file, metafile] of Object.entries(metafiles)) {
    for (const module of Object.keys(metafile.inputs).filter(isSourceFile)) bundledIn.set(module, [...(bundledIn.get(module) ?? []), file]);
  }
  return [...bundledIn].filter(([, files]) => files.length > 1).map(([module, files]) => `${module} in ${files.join(' and ')}`);
}

export async function buildDist(outdir = 'dist') {
  const define = { __KUBEFEDCTL_BUILD__: JSON.stringify(buildInfo('npm')) };
  const analysis = await build({
    ...COMMON,
    entryPoints: [ENTRY],
    write: false,
    outfile: `${outdir}/analysis.cjs`,
    define,
    plugins: [commanderChildProcessOnDemand],
  });
  const { inputs } = analysis.metafile;
  const owner = assignFiles(inputs);
  const relative = (file) => `./${file}`;
  const builds = {};
  for (const file of FILES) {
    // What the other files import from this one, handed out through a function so that a module
    // is initialised only when first asked for, as a dynamic import() in one file would be.
    const provided = [...owner]
      .filter(([, holder]) => holder !== file)
      .flatMap(([module]) => (inputs[module]?.imports ?? []).map((i) => i.path))
      .filter((module, index, all) => owner.get(module) === file && all.indexOf(module) === index)
      .sort();
    const entry = [
      ...(file === 'main' ? [`exports.main = require(${JSON.stringify(relative(ENTRY))}).main;`] : []),
      'exports.provide = (module) => {',
      '  switch (module) {',
      ...provided.map((module) => `    case ${JSON.stringify(module)}: return require(${JSON.stringify(relative(module))});`),
      '  }',
      '};',
    ].join('\n');
    builds[file] = await build({
      ...COMMON,
      stdin: { contents: entry, resolveDir: ROOT, sourcefile: `${file}-entry.cjs`, loader: 'js' },
      outfile: `${outdir}/${file}.cjs`,
      sourcemap: 'linked',
      define,
      external: FILES.filter((other) => other !== file).map((other) => `./${other}.cjs`),
      plugins: [commanderChildProcessOnDemand, fromOtherFiles(file, owner)],
    });
  }
  const twice = bundledTwice(Object.fromEntries(FILES.map((file) => [file, builds[file].metafile])));
  if (twice.length > 0) throw new Error(`build: bundled into more than one file of dist/: ${twice.join('; ')}`);
  return { builds, owner, inputs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
  const { builds } = await buildDist();
  // KUBEFEDCTL_BUILD_METAFILE=FILE writes esbuild's metafile of each file: what is in dist/.
  if (process.env.KUBEFEDCTL_BUILD_METAFILE) {
    writeFileSync(
      process.env.KUBEFEDCTL_BUILD_METAFILE,
      JSON.stringify(Object.fromEntries(Object.entries(builds).map(([file, result]) => [file, result.metafile]))),
    );
  }
}
