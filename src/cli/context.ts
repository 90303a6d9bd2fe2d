// What a command may touch of the outside world. main.ts builds it from the process; tests
// build it from in-memory streams.

import type { Readable } from 'node:stream';

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  /** Terminal width, when the stream is a terminal. */
  columns?: number | undefined;
}

export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  /** The real stderr stream, for a spinner (ora needs a stream). */
  stderrStream?: () => NodeJS.WritableStream;
  stdin: Readable & { isTTY?: boolean | undefined };
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
  /** The clock, in ms since the epoch (ages in tables); Date.now unless a test fixes it. */
  now?: (() => number) | undefined;
  /** How the user runs us: "kubefedctl" (the default), or "kubectl kubefed" for the kubectl plugin (cli/program-name.ts). */
  programName?: string | undefined;
  /** SIGINT/SIGTERM handling of the real process (main.ts); absent in tests, where nothing interrupts. */
  interrupts?: import('./command-env.js').Interrupts | undefined;
}

/** Settings every command gets after the root flags are parsed. */
export interface GlobalSettings {
  verbosity: number;
  quiet: boolean;
  color: boolean;
  /** Colours for stderr, decided once per run (chalk only loads when colour is on). */
  painter?: import('./ui.js').Painter | undefined;
}
