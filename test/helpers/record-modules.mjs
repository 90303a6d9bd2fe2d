// Preloaded with --import: at exit, writes to RECORD_MODULES_FILE the Node built-ins the process
// loaded and every module file it loaded (CommonJS through require.cache, ES modules through a
// load hook). Test-only: the built-ins come from
// process.moduleLoadList, which Node does not document; nothing in bin/, scripts/ or src/ may use it.
import fs from 'node:fs';
import { createRequire, register } from 'node:module';

const filesLog = `${process.env.RECORD_MODULES_FILE}.files`;
fs.writeFileSync(filesLog, '');
register('./record-modules-hooks.mjs', import.meta.url, { data: { filesLog } });
process.on('exit', () => {
  const esm = fs.readFileSync(filesLog, 'utf8').split('\n').filter((line) => line !== '');
  const required = [...new Set([...esm, ...Object.keys(createRequire(import.meta.url).cache)])];
  fs.rmSync(filesLog, { force: true });
  const builtins = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
  fs.writeFileSync(process.env.RECORD_MODULES_FILE, JSON.stringify({ builtins, required }));
});
