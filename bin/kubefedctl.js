#!/usr/bin/env node
'use strict';
// CommonJS on purpose (bin/package.json): Node 20 starts a CommonJS entry faster than ESM.
// The bundle is loaded with a V8 code cache, which skips parsing and compiling it again on every
// start: Node >= 22.1 has one built in (module.enableCompileCache); on Node 20 we use the cache
// scripts/build.mjs writes next to the bundle. A missing or stale cache only costs speed: V8
// rejects a cache that does not match the source or the Node version and compiles as usual.
const Module = require('node:module');
const path = require('node:path');

const bundle = path.join(__dirname, '..', 'dist', 'main.cjs');

if (typeof Module.enableCompileCache === 'function') {
  Module.enableCompileCache();
  require(bundle);
} else {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const source = fs.readFileSync(bundle, 'utf8');
  let cachedData;
  try {
    cachedData = fs.readFileSync(`${bundle}.cache`);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  if (process.env.KUBEFEDCTL_WRITE_CODE_CACHE === '1') {
    // Used by the build: after a representative run, the cache also holds the functions it compiled.
    process.on('exit', () => fs.writeFileSync(`${bundle}.cache`, script.createCachedData()));
  }
  const bundleModule = new Module(bundle, module);
  bundleModule.filename = bundle;
  bundleModule.paths = Module._nodeModulePaths(path.dirname(bundle));
  script.runInThisContext().call(bundleModule.exports, bundleModule.exports, Module.createRequire(bundle), bundleModule, bundle, path.dirname(bundle));
}
