// Builds the CLI with esbuild: one build of src/cli/main.ts and everything it imports into one
// CommonJS file, dist/main.cjs, so each library and each error class exists once at run time.
// Every dynamic import() of the sources (a command's run module, the cluster layer, the proxy
// libraries, the terminal UI) stays lazy: esbuild wraps the module in a function that runs on the
// first import, so --help, version and offline federate never run cluster code or load node:https
// (test/cli/startup.test.ts). A new command needs nothing here.
//
// One file rather than ES modules split into chunks (esbuild's `splitting`): on Node 24 with the
// compile cache, --help cost 1.3x `node -e 0` in CPU time from one file and 1.6x from main.js and
// the 17 chunks it imports (docs/architecture.md, "The build and start-up").
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function git(...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * One esbuild build of the CLI. `standalone` is the single executable (scripts/release.mjs): the
 * file must run main itself, since a SEA runs one script and has no bin/kubefedctl.js to call it,
 * and `version` says which build it is (__KUBEFEDCTL_BUILD__.distribution).
 */
export async function buildCli({ outfile, standalone = false }) {
  const buildInfo = {
    version: pkg.version,
    gitCommit: git('rev-parse', 'HEAD') ?? 'unknown',
    gitTreeState: git('status', '--porcelain', '--untracked-files=no') === '' ? 'clean' : 'dirty',
    buildDate: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    distribution: standalone ? 'standalone' : 'npm',
  };
  return build({
    ...(standalone
      ? { stdin: { contents: "require('./src/cli/main.ts').main(process.argv.slice(2));", resolveDir: ROOT, sourcefile: 'sea-main.cjs', loader: 'js' } }
      : { entryPoints: ['src/cli/main.ts'] }),
    absWorkingDir: ROOT,
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // A SEA has no file beside it to hold a source map.
    sourcemap: standalone ? false : 'linked',
    // Start-up reads and compiles the file: fully minified. Errors carry their names explicitly
    // (src/errors.ts), so -v=4 stack headers stay readable.
    minify: true,
    define: { __KUBEFEDCTL_BUILD__: JSON.stringify(buildInfo) },
    metafile: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
  const result = await buildCli({ outfile: 'dist/main.cjs' });
  // KUBEFEDCTL_BUILD_METAFILE=FILE writes esbuild's metafile: what is in dist/main.cjs.
  if (process.env.KUBEFEDCTL_BUILD_METAFILE) writeFileSync(process.env.KUBEFEDCTL_BUILD_METAFILE, JSON.stringify(result.metafile));
}
