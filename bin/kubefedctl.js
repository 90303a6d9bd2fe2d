#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json), like dist/main.cjs: no ES module loader to start.
// Node's own compile cache (Node >= 22.1) keeps V8's code for dist/main.cjs between runs, so a
// start skips parsing and compiling it; Node 20 has none and compiles it every time.
require('node:module').enableCompileCache?.();
require('../dist/main.cjs').main(process.argv.slice(2));
