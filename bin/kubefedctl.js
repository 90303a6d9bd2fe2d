#!/usr/bin/env node
// Node's own compile cache (Node >= 22.1) keeps V8's code for dist/ between runs, so a start skips
// parsing and compiling it; on Node 20 it does not exist and the code is compiled each time.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/main.js');
await main(process.argv.slice(2));
