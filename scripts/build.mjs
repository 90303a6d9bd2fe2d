// Bundles the CLI with esbuild. Code splitting keeps @kubernetes/client-node in chunks that only
// cluster commands import (dynamically), so --help, version and offline federate never load it.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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
  chunkNames: 'chunks/[name]-[hash]',
  // client-node's CommonJS dependencies call require(); give ESM chunks a real one.
  banner: { js: "import { createRequire as __kfCreateRequire } from 'node:module'; const require = __kfCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
