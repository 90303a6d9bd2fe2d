// Builds the CLI with esbuild: one build of src/cli/main.ts into ES modules in dist/, split at
// every dynamic import() of the sources. A command's run module, the cluster layer, the proxy
// libraries and the terminal-only code (chalk, live lines) are chunks that load when a run needs
// them; code shared between chunks goes into shared chunks, so each library and each error class
// exists once at run time. --help, version and offline federate never load cluster code
// (test/cli/startup.test.ts). A new command needs nothing here: its `await import('../run/x.js')`
// is a split point of its own.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

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

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const result = await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Start-up reads and compiles what it loads: fully minified. Errors carry their names
  // explicitly (src/errors.ts), so -v=4 stack headers stay readable.
  minify: true,
  // The CommonJS libraries among the dependencies (commander, hpagent, socks) require Node's
  // built-ins; an ES module has no `require` of its own (esbuild's documented remedy).
  banner: { js: "import { createRequire as __kfcRequire } from 'node:module'; const require = __kfcRequire(import.meta.url);" },
  define: { __KUBEFEDCTL_BUILD__: JSON.stringify(buildInfo) },
  metafile: true,
  logLevel: 'warning',
});

// KUBEFEDCTL_BUILD_METAFILE=FILE writes esbuild's metafile: what is in each chunk, and which
// chunks are imported statically (evaluated at every start) rather than lazily.
if (process.env.KUBEFEDCTL_BUILD_METAFILE) writeFileSync(process.env.KUBEFEDCTL_BUILD_METAFILE, JSON.stringify(result.metafile));
