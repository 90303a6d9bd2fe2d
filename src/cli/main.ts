// The process entry: real streams in, exit code out (process.exitCode, never process.exit, so
// stdout is flushed even when piped).

import os from 'node:os';
import { runCli } from './run.js';

// A closed pipe (`kubefedctl ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// No top-level await: the entry must also build as CommonJS, which starts faster than ESM.
void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // Creating process.stdin sets up a socket (and loads net) for a pipe: only when something reads it.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
  homeDir: os.homedir(),
}).then((code) => {
  process.exitCode = code;
});
