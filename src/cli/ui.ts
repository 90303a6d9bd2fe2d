// Talk on stderr: colour and live lines (spinner, progress bar, one line per cluster) only for a
// person at a terminal. Never in CI, never when NO_COLOR is set, never when output is data (-o);
// FORCE_COLOR forces colour (not live lines) anywhere.
// The live lines are drawn by progress.ts, which loads (with chalk) from the tty-ui bundle only
// at a terminal; everywhere else these functions are no-ops and today's plain lines are printed.

import type { CliContext, OutputStream } from './context.js';
import type { LiveTerminal } from './progress.js';
import isInCi from 'is-in-ci';
import isUnicodeSupported from 'is-unicode-supported';
import { type Logger, createLogger } from '../log.js';

export interface Spinner {
  update(text: string): void;
  /** A line worth keeping (a condition that changed), printed above the live lines at a terminal. */
  note(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

/** A bar for work counted in items: count, rate and time left. */
export interface ProgressBar {
  /** One item finished, successfully or not. */
  advance(ok: boolean): void;
  /** Leaves the bar at its final count (✔, or ✖ when some failed). */
  finish(): void;
}

/** One live line per item of work (several clusters): pending → running → ✔ / ✖. */
export interface TaskList {
  task(name: string): Spinner;
  /** Leaves a summary line (✔ or ✖) above the final state of every task. */
  finish(ok: boolean, summary: string): void;
}

/** Colours for talk on stderr; identity functions unless colour is on (see loadPainter). */
export interface Painter {
  error(text: string): string;
  warning(text: string): string;
  success(text: string): string;
  accent(text: string): string;
  dim(text: string): string;
}

const same = (text: string) => text;
export const PLAIN: Painter = { error: same, warning: same, success: same, accent: same, dim: same };

/**
 * chalk is loaded only when colour is on: a person at a terminal, no NO_COLOR, no --no-color.
 * In CI and pipes (and so in every benchmark) it is never loaded.
 */
export async function loadPainter(ctx: CliContext, noColor: boolean): Promise<Painter> {
  if (!colorEnabled(ctx, noColor)) return PLAIN;
  const { Chalk } = await import('./tty-ui.js');
  const chalk = new Chalk({ level: 1 });
  return {
    error: (text) => chalk.red(text),
    warning: (text) => chalk.yellow(text),
    success: (text) => chalk.green(text),
    accent: (text) => chalk.cyan(text),
    dim: (text) => chalk.dim(text),
  };
}

export interface Ui {
  readonly logger: Logger;
  /**
   * A person reads stderr at a terminal and live lines are drawn (not in CI, -q, -o or -v=2): long
   * lists are better summarised there, while everywhere else they are printed in full.
   */
  readonly live: boolean;
  /** A spinner on a TTY; elsewhere a no-op (step lines come from -v=2 logging instead). */
  spinner(text: string): Promise<Spinner>;
  /** A progress bar on a TTY; elsewhere a no-op. */
  progress(title: string, total: number): Promise<ProgressBar>;
  /** One live line per name on a TTY; elsewhere no-ops. */
  tasks(title: string, names: readonly string[]): Promise<TaskList>;
  /** A line of talk on stderr (not data). Suppressed with --quiet. */
  info(text: string): void;
  /** What to run next (clusteradm, karmadactl style): only for a person at a terminal, never with -o or -q. */
  nextSteps(title: string, commands: readonly string[]): void;
}

export interface UiOptions {
  verbosity: number;
  quiet: boolean;
  /** --no-color given. */
  noColor: boolean;
  /** -o was given: stdout is data, so no spinner. */
  machineOutput: boolean;
  painter?: Painter | undefined;
}

/**
 * A person at a terminal: stderr is a TTY that can redraw lines, and no CI runs us (CI services
 * give their jobs pseudo-terminals too). is-in-ci and is-unicode-supported read the process's
 * environment, which is ctx.env outside in-process tests (and those never have a TTY).
 */
export function stderrIsInteractive(ctx: CliContext): boolean {
  return ctx.stderr.isTTY === true && !isInCi && ctx.env.TERM !== 'dumb';
}

/**
 * Colour on stderr: never with --no-color; FORCE_COLOR forces it (in CI logs and pipes too) or,
 * set to 0 or false, forbids it, as chalk and Node read it; otherwise NO_COLOR (no-color.org)
 * turns it off, and only a person at a terminal gets it.
 */
export function colorEnabled(ctx: CliContext, noColor: boolean): boolean {
  if (noColor) return false;
  const forced = ctx.env.FORCE_COLOR;
  if (forced !== undefined) return forced !== '0' && forced !== 'false';
  return !('NO_COLOR' in ctx.env && ctx.env.NO_COLOR !== '') && stderrIsInteractive(ctx);
}

const NO_SPINNER: Spinner = { update: () => {}, note: () => {}, succeed: () => {}, fail: () => {}, stop: () => {} };
const NO_PROGRESS: ProgressBar = { advance: () => {}, finish: () => {} };
const NO_TASKS: TaskList = { task: () => NO_SPINNER, finish: () => {} };

/** The live lines of this process's terminal, once something drew them (one writer for the terminal). */
let live: { ctx: CliContext; terminal: LiveTerminal } | undefined;

/**
 * For main.ts on SIGINT/SIGTERM: leaves the live lines as they were when interrupted, ends the
 * line and shows the cursor again. True when live lines were on screen (the cursor is now at the
 * start of a clean line).
 */
export function restoreTerminal(): boolean {
  return live?.terminal.restore() ?? false;
}

export function createUi(ctx: CliContext, options: UiOptions): Ui {
  const write = (text: string) => ctx.stderr.write(text);
  const logger = createLogger(write, options.verbosity, { quiet: options.quiet, painter: options.painter });
  const interactive = stderrIsInteractive(ctx) && !options.quiet && !options.machineOutput;
  // At -v=2 the step lines say what happens; live lines would only fight them.
  const liveAllowed = interactive && options.verbosity < 2;
  const terminal = async (): Promise<LiveTerminal | undefined> => {
    if (!liveAllowed) return undefined;
    const stream = (ctx.stderrStream?.() ?? ctx.stderr) as { columns?: number; rows?: number };
    // A terminal of unknown or zero width (a pty without a size) cannot be redrawn in place.
    if (!(stream.columns! > 0)) return undefined;
    if (live?.ctx !== ctx) {
      const { createLiveTerminal, stdinDiscarder } = await import('./tty-ui.js');
      live = {
        ctx,
        terminal: createLiveTerminal({
          stderr: ctx.stderr,
          stdout: ctx.stdout,
          size: () => ({ columns: stream.columns ?? 80, rows: stream.rows ?? 24 }),
          painter: options.painter ?? PLAIN,
          // Braille spinner frames and ✔/✖ where the terminal can show them, ASCII elsewhere.
          unicode: isUnicodeSupported(),
          nodeStderr: ctx.stderrStream?.() as OutputStream | undefined,
          input: {
            start() {
              // stdin-discarder reads process.stdin (only when it is a terminal) and resumes it
              // only when it was paused; a stdin nothing read yet is neither paused nor flowing,
              // so it is paused first (and is paused again when the live lines end).
              if (ctx.stdin.isTTY && ctx.stdin.readableFlowing === null) ctx.stdin.pause();
              stdinDiscarder.start();
            },
            stop: () => stdinDiscarder.stop(),
          },
        }),
      };
    }
    return live.terminal;
  };
  return {
    logger,
    live: liveAllowed,
    info: (text) => {
      if (!options.quiet) write(`${text}\n`);
    },
    async spinner(text) {
      return (await terminal())?.spinner(text) ?? NO_SPINNER;
    },
    async progress(title, total) {
      return (await terminal())?.progress(title, total) ?? NO_PROGRESS;
    },
    async tasks(title, names) {
      return (await terminal())?.tasks(title, names) ?? NO_TASKS;
    },
    nextSteps(title, commands) {
      if (!interactive || commands.length === 0) return;
      const painter = options.painter ?? PLAIN;
      write(`\n${painter.dim(title)}\n${commands.map((command) => `  ${painter.accent(command)}\n`).join('')}`);
    },
  };
}

/** ` --host-cluster-context c1 --kubeconfig ./k`: the flags that name the same host in a command to run next. */
export function hostClusterFlags(host: {
  hostContext: string | undefined;
  kubeconfig: string | undefined;
  namespace: string;
  defaultNamespace: string;
}): string {
  let flags = host.hostContext ? ` --host-cluster-context ${shellWord(host.hostContext)}` : '';
  if (host.kubeconfig) flags += ` --kubeconfig ${shellWord(host.kubeconfig)}`;
  if (host.namespace !== host.defaultNamespace) flags += ` --kubefed-namespace ${shellWord(host.namespace)}`;
  return flags;
}

/** A word as a POSIX shell reads it back: quoted only when it has to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
