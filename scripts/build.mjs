// Bundles the CLI into one CommonJS file with esbuild. CommonJS because Node 20 starts it faster
// than ESM (no ESM loader); one file because every extra module costs a resolve and a read.
// Commands that talk to clusters are behind dynamic imports, which esbuild turns into lazily
// evaluated module wrappers: --help, version and offline federate never run cluster code
// (test/cli/startup.test.ts checks that https/tls are never loaded for them).
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
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

// Built-in modules that the bundles require at load time but few runs use, each replaced by a
// stand-in that loads the real module on first use:
// - child_process: commander requires it (for executable subcommands, which kubefedctl does not
//   have), ~6 ms of every start; the exec credential plugins use it;
// - https and zlib: the REST transport speaks HTTP/2 (node:http2) to a server that can, and
//   gunzips only a zipped answer; HTTP/1.1 fallbacks, proxies and OIDC use https.
// esbuild's ESM-to-CommonJS interop copies an imported module's property names when the
// importing module loads: the stand-in lists them (as this Node has them) without loading anything.
const LAZY_BUILTINS = ['child_process', 'https', 'zlib'];
const require = createRequire(import.meta.url);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`) }, (args) => {
      const name = args.path.replace(/^node:/, '');
      // The stand-in's own require must reach the real module, not the stand-in again.
      return args.namespace === 'lazy-builtin' ? { path: `node:${name}`, external: true } : { path: name, namespace: 'lazy-builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      loader: 'js',
      contents: `let real; const load = () => (real ??= require('node:${args.path}'));
const names = ${JSON.stringify(Object.keys(require(`node:${args.path}`)))};
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => names.includes(key) || key in load(),
  ownKeys: () => names,
  getOwnPropertyDescriptor: (_, key) => (names.includes(key) ? { configurable: true, enumerable: true, writable: true, value: undefined } : undefined),
});`,
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
    plugins: [lazyBuiltins, processGlobal, apartExcept(name)],
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
  plugins: [lazyBuiltins, processGlobal, commanderClasses, apartExcept(undefined)],
  metafile: true,
  logLevel: 'warning',
});

// KUBEFEDCTL_BUILD_METAFILE=FILE writes esbuild's metafile of main.cjs: what is in it, and which
// modules are imported statically (evaluated at every start) rather than lazily.
if (process.env.KUBEFEDCTL_BUILD_METAFILE) writeFileSync(process.env.KUBEFEDCTL_BUILD_METAFILE, JSON.stringify(mainBuild.metafile));

// The code caches bin/kubefedctl.js loads on Node 20, one per bundle, trained by running the
// start-up command lines and join/unjoin against fake clusters (scripts/train-code-cache.ts).
const training = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/train-code-cache.ts'], { stdio: ['ignore', 'inherit', 'pipe'] });
if (training.status !== 0) throw new Error(`code cache training run failed: ${training.stderr}`);
