// The process entry: real streams in, exit code out (process.exitCode, never process.exit).

import { fstatSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import type { OutputStream } from './context.js';
import { runCli } from './run.js';

/**
 * stdout and stderr written with fs.writeSync. On Linux, writes to files, pipes and terminals are
 * synchronous anyway, and this skips creating process.stdout/stderr, which loads Node's stream
 * stack (3 to 5 ms of every start).
 */
function fdOutput(fd: 1 | 2): OutputStream {
  let tty: boolean | undefined;
  return {
    write(chunk: string) {
      writeAllSync(fd, chunk);
      return true;
    },
    get isTTY() {
      tty ??= isTerminal(fd);
      return tty;
    },
    get columns() {
      if (!this.isTTY) return undefined;
      return (fd === 1 ? process.stdout : process.stderr).columns;
    },
  };
}

function isTerminal(fd: number): boolean {
  // Pipes, files and /dev/null are settled by stat; only other character devices need the tty
  // module (which loads net and the stream stack).
  try {
    const info = fstatSync(fd);
    if (!info.isCharacterDevice()) return false;
    const devNull = statSync('/dev/null');
    if (info.rdev === devNull.rdev && info.dev === devNull.dev) return false;
  } catch {
    return false;
  }
  const tty = createRequire(__filename)('node:tty') as typeof import('node:tty');
  return tty.isatty(fd);
}

function writeAllSync(fd: number, text: string): void {
  let buffer = Buffer.from(text);
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(fd, buffer));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A non-blocking pipe (inherited from the parent) that is full: wait a moment and retry.
      if (code === 'EAGAIN') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      // The reader went away (`kubefedctl ... | head`): nothing left to say.
      else if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
      else throw error;
    }
  }
}

/** Runs one command line against the real process. bin/kubefedctl.js calls it (the build's code-cache training run calls it several times). */
export async function main(argv: readonly string[]): Promise<number> {
  const code = await runCli(argv, {
    stdout: fdOutput(1),
    stderr: fdOutput(2),
    // A spinner needs a real stream: created only when one runs (on a terminal).
    stderrStream: () => process.stderr,
    // Creating process.stdin sets up a socket (and loads net) for a pipe: only when something reads it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    homeDir: os.homedir(),
  });
  process.exitCode = code;
  return code;
}
