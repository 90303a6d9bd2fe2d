#!/usr/bin/env node
'use strict';
// CommonJS on purpose (bin/package.json): Node 20 starts a CommonJS entry faster than ESM.
// The bundles are loaded with V8 code caches, which skip parsing and compiling them again on every
// start: Node >= 22.1 has one built in (module.enableCompileCache); on Node 20 we use the caches
// scripts/build.mjs writes next to each bundle in dist/. A missing or stale cache only costs
// speed: V8 rejects a cache that does not match the source or the Node version and compiles as usual.
const Module = require('node:module');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const mainBundle = path.join(dist, 'main.cjs');

/**
 * Node 20: every bundle of dist/ (main.cjs, and those it requires apart, e.g. ./cluster-commands.cjs)
 * is compiled with its cache. Other requires go to Node's own loader.
 */
function codeCachedBundles() {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const nodeRequire = Module.createRequire(mainBundle);
  const loaded = new Map();
  const bundleRequire = Object.assign((id) => (/^\.\/[\w-]+\.cjs$/.test(id) ? load(path.join(dist, id)).module.exports : nodeRequire(id)), {
    resolve: nodeRequire.resolve,
    cache: nodeRequire.cache,
  });
  const compile = (file, cachedData) => new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  function load(file) {
    let bundle = loaded.get(file);
    if (bundle) return bundle;
    let cachedData;
    try {
      cachedData = fs.readFileSync(`${file}.cache`);
    } catch {
      cachedData = undefined;
    }
    const script = compile(file, cachedData);
    const bundleModule = new Module(file, module);
    bundleModule.filename = file;
    bundleModule.paths = Module._nodeModulePaths(dist);
    bundle = { module: bundleModule, script };
    loaded.set(file, bundle);
    // Where Node's loader keeps what it loaded (and tests look for what a run loaded).
    Module._cache[file] = bundleModule;
    script.runInThisContext().call(bundleModule.exports, bundleModule.exports, bundleRequire, bundleModule, file, dist);
    bundleModule.loaded = true;
    return bundle;
  }
  /** The cache to write for a bundle: what a run compiled, or for a bundle no run loaded, its top level. */
  function cachedDataOf(file) {
    return (loaded.get(file)?.script ?? compile(file, undefined)).createCachedData();
  }
  return { main: () => load(mainBundle).module.exports, cachedDataOf, fs };
}

if (typeof Module.enableCompileCache === 'function') {
  Module.enableCompileCache();
  require(mainBundle).main(process.argv.slice(2));
} else if (process.env.KUBEFEDCTL_TRAIN_CODE_CACHE) {
  // The build's training run (scripts/train-code-cache.ts): the command lines of
  // KUBEFEDCTL_TRAIN_RUNS (JSON), then a cache for each bundle of KUBEFEDCTL_TRAIN_CODE_CACHE that
  // holds the functions they compiled (for a bundle no run loaded, its top level).
  const bundles = codeCachedBundles();
  const cli = bundles.main();
  const runs = JSON.parse(process.env.KUBEFEDCTL_TRAIN_RUNS);
  (async () => {
    for (const argv of runs) {
      const code = await cli.main(argv, { endProcess: false });
      if (code !== 0) throw new Error(`training run "${argv.join(' ')}" exited ${code}`);
    }
    for (const name of process.env.KUBEFEDCTL_TRAIN_CODE_CACHE.split(',')) {
      const file = path.join(dist, name);
      bundles.fs.writeFileSync(`${file}.cache`, bundles.cachedDataOf(file));
    }
    process.exitCode = 0;
  })().catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  });
} else {
  codeCachedBundles().main().main(process.argv.slice(2));
}
