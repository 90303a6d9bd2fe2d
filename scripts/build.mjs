// Bundles the CLI into one CommonJS file with esbuild. CommonJS because Node 20 starts it faster
// than ESM (no ESM loader); one file because every extra module costs a resolve and a read.
// Commands that talk to clusters are behind dynamic imports, which esbuild turns into lazily
// evaluated module wrappers: --help, version and offline federate never run cluster code
// (test/cli/startup.test.ts checks that https/tls are never loaded for them).
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

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

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/main.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Whitespace and syntax are minified; identifiers are kept, so error names and stack traces at
  // -v=4 stay readable (esbuild's keepNames would wrap closures created in hot loops instead).
  minifyWhitespace: true,
  minifySyntax: true,
  define: { __KUBEFEDCTL_BUILD__: JSON.stringify(buildInfo) },
  plugins: [lazyChildProcess],
  logLevel: 'warning',
});

// The code cache bin/kubefedctl.js loads on Node 20: written by a training run of offline federate
// (the path CI pipelines run most), so it holds the functions that run compiles, not only the top level.
const training = spawnSync(process.execPath, ['bin/kubefedctl.js', 'federate', '-f', 'examples/app', '-o', 'yaml'], {
  env: { ...process.env, KUBEFEDCTL_WRITE_CODE_CACHE: '1' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
if (training.status !== 0) throw new Error(`code cache training run failed: ${training.stderr}`);
