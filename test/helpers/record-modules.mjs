// Loaded with --import: records every module URL the process loads into RECORD_MODULES_FILE.
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';

const file = process.env.RECORD_MODULES_FILE;
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => appendFileSync(file, `${url}\n`));
port1.unref();
register('./record-modules-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
