// Module hooks of record-modules.mjs: notes every file the ES module loader loads.
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let filesLog;
export function initialize(data) {
  filesLog = data.filesLog;
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) appendFileSync(filesLog, `${fileURLToPath(url)}\n`);
  return nextLoad(url, context);
}
