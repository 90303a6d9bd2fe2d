// Preloaded with --require: at exit, writes to RECORD_MODULES_FILE the Node built-ins the process
// loaded (process.moduleLoadList) and every module file it required (through Node's loader, or
// through bin/kubefedctl.js's code-cached one, which keeps its bundles in the same module cache).
const fs = require('node:fs');
const Module = require('node:module');

const required = new Set();
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  const loaded = originalLoad.apply(this, arguments);
  try {
    required.add(Module._resolveFilename(request, parent, isMain));
  } catch {
    required.add(request);
  }
  return loaded;
};
process.on('exit', () => {
  for (const file of Object.keys(Module._cache)) if (file !== __filename) required.add(file);
  const builtins = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
  fs.writeFileSync(process.env.RECORD_MODULES_FILE, JSON.stringify({ builtins, required: [...required] }));
});
