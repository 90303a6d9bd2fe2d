// Preloaded with --require: a file system without /dev/null, as on Windows, where statSync of it
// throws ENOENT. Whether stderr is a terminal must not depend on it.
const fs = require('node:fs');

const statSync = fs.statSync;
fs.statSync = function (file, ...rest) {
  if (String(file) === '/dev/null') throw Object.assign(new Error(`ENOENT: no such file or directory, stat '${file}'`), { code: 'ENOENT' });
  return statSync.call(this, file, ...rest);
};
