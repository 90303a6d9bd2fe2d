// The process entry: real streams in, exit code out. Once the command's promise has settled, the
// process ends at once (process.exit): everything it wrote went out synchronously (fdOutput), and
// Node's own teardown of idle TLS/HTTP2 sessions and of the heap would add ~6 ms to every run.

import { fstatSync, writeSync } from 'node:fs';
import type { Interrupts } from './command-env.js';
import type { OutputStream } from './context.js';
import { EXIT_CODES } from '../errors.js';
import { runCli } from './run.js';
import { restoreTerminal } from './ui.js';
import { programNameOf } from './program-name.js';

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

function isTerminal(fd: 1 | 2): boolean {
  // The stream's own isTTY decides, on every platform. On POSIX, pipes and files (what CI and
  // scripts give us) are settled first by fstat, without creating the stream (which loads Node's
  // stream stack); /dev/null, a character device, asks the stream like a terminal does.
  if (process.platform !== 'win32') {
    try {
      if (!fstatSync(fd).isCharacterDevice()) return false;
    } catch {
      return false;
    }
  }
  return (fd === 1 ? process.stdout : process.stderr).isTTY === true;
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

/**
 * SIGINT and SIGTERM. With nothing to undo the process ends at once (at a terminal, after the live
 * lines are left clean and the cursor shown; elsewhere by the default action). While
 * a command applies a plan that it can roll back, the first signal aborts it (it rolls back and
 * exits 130/143); a second one ends the process at once and says what may be left behind.
 */
function processInterrupts(stderr: OutputStream): Interrupts {
  // Made when a command first asks for the signal: AbortController loads a module of its own,
  // which --help, version and offline federate do not need.
  let made: AbortController | undefined;
  const controller = () => (made ??= new AbortController());
  let pending: (() => string[]) | undefined;
  const exitCodeOf = (signal: NodeJS.Signals) => (signal === 'SIGTERM' ? EXIT_CODES.terminated : EXIT_CODES.interrupted);
  let installed = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (pending === undefined) {
      // Live lines at a terminal are left marked interrupted, with the cursor shown and the line
      // ended; otherwise a newline ends the line the terminal echoed ^C on.
      const lead = restoreTerminal() ? '' : '\n';
      stderr.write(`${lead}error: interrupted by ${signal}\n`);
      process.exit(exitCodeOf(signal));
    }
    if (!controller().signal.aborted) {
      // Printed above the live lines, which go on showing the rollback.
      stderr.write(`\nInterrupted by ${signal}: undoing what this run created (interrupt again to exit at once)\n`);
      controller().abort(signal);
      return;
    }
    const left = pending();
    const lead = restoreTerminal() ? '' : '\n';
    stderr.write(
      `${lead}error: interrupted again; exiting without finishing the rollback.${left.length > 0 ? ` These may be left:\n  - ${left.map((step) => step.replace(/^(deleted|restored) /, '')).join('\n  - ')}` : ''}\n`,
    );
    process.exit(exitCodeOf(signal));
  };
  const install = () => {
    if (installed) return;
    installed = true;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  };
  // At a terminal a signal may come while live lines (spinner, progress bar) hide the cursor:
  // the handler gives the terminal back before the process ends.
  if (stderr.isTTY) install();
  return {
    get signal() {
      return controller().signal;
    },
    protect(describePending) {
      pending = describePending;
      install();
      return {
        release() {
          pending = undefined;
        },
      };
    },
  };
}

/** Runs one command line against the real process and ends it (bin/kubefedctl.js calls it). */
export async function main(argv: readonly string[]): Promise<void> {
  const stderr = fdOutput(2);
  const code = await runCli(argv, {
    stdout: fdOutput(1),
    stderr,
    interrupts: processInterrupts(stderr),
    // A spinner needs a real stream: created only when one runs (on a terminal).
    stderrStream: () => process.stderr,
    // Creating process.stdin sets up a socket (and loads net) for a pipe: only when something reads it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    // Only kubeconfig lookup needs it; the os module is loaded then.
    get homeDir() {
      return process.getBuiltinModule('node:os').homedir();
    },
    programName: programNameOf(process.argv[1]),
  });
  // Node >= 22.10 keeps the compile cache (bin/kubefedctl.js enables it) in memory until a normal
  // exit; process.exit is not one.
  (process.getBuiltinModule('node:module') as { flushCompileCache?: () => void }).flushCompileCache?.();
  process.exit(code);
}
