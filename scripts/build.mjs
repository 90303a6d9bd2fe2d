// Bundles the CLI into one CommonJS file with esbuild. CommonJS because Node 20 starts it faster
// than ESM (no ESM loader); one file because every extra module costs a resolve and a read.
// Commands that talk to clusters are behind dynamic imports, which esbuild turns into lazily
// evaluated module wrappers: --help, version and offline federate never run cluster code
// (test/cli/startup.test.ts checks that https/tls are never loaded for them).
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
// The bundles apart from main.cjs, and which imports they serve.
import { APART } from './bundles.mjs';

function git(...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const buildInfo = {
  version: pkg.version,
  gitCommit: git('rev-parse', 'HEAD') ?? 'unknown',
  gitTreeState: git('status', '--porcelain', '--untracked-files=no') === '' ? 'clean' : 'dirty',
  buildDate: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
};

// commander requires child_process at load time (for executable subcommands, which kubefedctl
// does not have), and loading it costs ~6 ms of every start. Give the bundle a child_process
// that loads the real one on first use (the exec credential plugins use it).
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      // The proxy's own require must reach the real module, not the proxy again.
      args.namespace === 'kubefedctl' ? { path: 'node:child_process', external: true } : { path: 'lazy-child-process', namespace: 'kubefedctl' },
    );
    build.onLoad({ filter: /.*/, namespace: 'kubefedctl' }, () => ({
      loader: 'js',
      contents: `let real; const load = () => (real ??= require('node:child_process'));
module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load(), ownKeys: () => Reflect.ownKeys(load()), getOwnPropertyDescriptor: (_, key) => Object.getOwnPropertyDescriptor(load(), key) });`,
    }));
  },
};

// commander requires node:process, a module of its own that every start would load and compile:
// the process object is a global already.
const processGlobal = {
  name: 'process-global',
  setup(build) {
    build.onResolve({ filter: /^(node:)?process$/ }, () => ({ path: 'process', namespace: 'process-global' }));
    build.onLoad({ filter: /.*/, namespace: 'process-global' }, () => ({ loader: 'js', contents: 'module.exports = process;' }));
  },
};

// commander's index.js also creates a Command of its own (its global `program`) at load, which we
// never use: import its classes from where they are defined.
const commanderClasses = {
  name: 'commander-classes',
  setup(build) {
    build.onResolve({ filter: /^commander$/ }, () => ({ path: 'commander', namespace: 'commander-classes' }));
    build.onLoad({ filter: /.*/, namespace: 'commander-classes' }, () => ({
      loader: 'js',
      resolveDir: process.cwd(),
      contents: "exports.Command = require('./node_modules/commander/lib/command.js').Command; exports.Option = require('./node_modules/commander/lib/option.js').Option; exports.Help = require('./node_modules/commander/lib/help.js').Help; exports.CommanderError = require('./node_modules/commander/lib/error.js').CommanderError; exports.InvalidArgumentError = require('./node_modules/commander/lib/error.js').InvalidArgumentError;",
    }));
  },
};

/** Replaces an import of another apart module by a lazy require of its bundle (not the bundle's own entry). */
function apartExcept(self) {
  return {
    name: 'apart',
    setup(build) {
      // A virtual module that requires the external file: esbuild turns the dynamic import of it into
      // a lazy require (a real import() would need a dynamic-import callback in bin's vm.Script).
      build.onResolve({ filter: /\.js$/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const target = APART.find((a) => a.name !== self && a.specifier.test(args.path));
        return target ? { path: target.name, namespace: 'apart' } : undefined;
      });
      build.onResolve({ filter: /^\.\/[\w-]+\.cjs$/ }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: 'apart' }, (args) => ({ loader: 'js', contents: `module.exports = require('./${args.path}.cjs');` }));
    },
  };
}

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
for (const { name, entry } of APART) {
  await build({
    entryPoints: [entry],
    outfile: `dist/${name}.cjs`,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    define: { __KUBEFEDCTL_BUILD__: JSON.stringify(buildInfo) },
    plugins: [lazyChildProcess, processGlobal, apartExcept(name)],
    logLevel: 'warning',
  });
}
const mainBuild = await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/main.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Fully minified: start-up time is dominated by reading the bundle and its code cache, which
  // scale with its size. Errors carry their names explicitly (src/errors.ts), so -v=4 stack
  // headers stay readable; esbuild's keepNames would instead wrap closures made in hot loops.
  minify: true,
  define: { __KUBEFEDCTL_BUILD__: JSON.stringify(buildInfo) },
  plugins: [lazyChildProcess, processGlobal, commanderClasses, apartExcept(undefined)],
  metafile: true,
  logLevel: 'warning',
});

// KUBEFEDCTL_BUILD_METAFILE=FILE writes esbuild's metafile of main.cjs: what is in it, and which
// modules are imported statically (evaluated at every start) rather than lazily.
if (process.env.KUBEFEDCTL_BUILD_METAFILE) writeFileSync(process.env.KUBEFEDCTL_BUILD_METAFILE, JSON.stringify(mainBuild.metafile));

// The code caches bin/kubefedctl.js loads on Node 20, one per bundle: written after a training run
// of --help, version and offline federate, so main.cjs's holds the functions those compile, not
// only the top level. The bundles apart get their top level cached (a cluster command would
// otherwise parse all of cluster-commands.cjs, ~4 ms, on every run).
const training = spawnSync(process.execPath, ['bin/kubefedctl.js'], {
  env: { ...process.env, KUBEFEDCTL_TRAIN_CODE_CACHE: ['main', ...APART.map((a) => a.name)].map((name) => `${name}.cjs`).join(',') },
  stdio: ['ignore', 'ignore', 'pipe'],
});
if (training.status !== 0) throw new Error(`code cache training run failed: ${training.stderr}`);
