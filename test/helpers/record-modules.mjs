// Preloaded with --import: at exit, writes to RECORD_MODULES_FILE the Node built-ins the process
// loaded and every module file it required (require.cache: the built CLI is CommonJS, bin/ and
// dist/*.cjs). Test-only: the built-ins come from process.moduleLoadList, which Node does not
// document; nothing in bin/, scripts/ or src/ may use it.
import fs from 'node:fs';
import { createRequire } from 'node:module';

process.on('exit', () => {
  const required = Object.keys(createRequire(import.meta.url).cache);
  const builtins = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
  fs.writeFileSync(process.env.RECORD_MODULES_FILE, JSON.stringify({ builtins, required }));
});
