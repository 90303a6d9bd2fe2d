// Bundles the CLI with esbuild. Code splitting keeps @kubernetes/client-node in chunks that only
// cluster commands import (dynamically), so --help, version and offline federate never load it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
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

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Startup cost is dominated by reading and compiling the bundle, which minification shrinks.
  minify: true,
  chunkNames: 'chunks/[name]-[hash]',
  // client-node's CommonJS dependencies call require(); give ESM chunks a real one.
  banner: { js: "import { createRequire as __kfCreateRequire } from 'node:module'; const require = __kfCreateRequire(import.meta.url);" },
  define: { __KUBEFEDCTL_BUILD__: JSON.stringify(buildInfo) },
  logLevel: 'warning',
});
