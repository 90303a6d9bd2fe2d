#!/usr/bin/env node
'use strict';
// CommonJS on purpose (bin/package.json): Node 20 starts a CommonJS entry faster than ESM.
require('../dist/main.cjs');
