// Talk on stderr: colour and spinners only for a person at a terminal. Never in CI, never when
// NO_COLOR is set, never when output is data (-o).

import type { CliContext } from './context.js';
import { type Logger, createLogger } from '../log.js';

export interface Spinner {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

/** Colours for talk on stderr; identity functions unless colour is on (see loadPainter). */
export interface Painter {
  error(text: string): string;
  warning(text: string): string;
}

export const PLAIN: Painter = { error: (text) => text, warning: (text) => text };

/**
 * chalk is loaded only when colour is on: a person at a terminal, no NO_COLOR, no --no-color.
 * In CI and pipes (and so in every benchmark) it is never loaded.
 */
export async function loadPainter(ctx: CliContext, noColor: boolean): Promise<Painter> {
  if (!colorEnabled(ctx, noColor)) return PLAIN;
  const { Chalk } = await import('./tty-ui.js');
  const chalk = new Chalk({ level: 1 });
  return { error: (text) => chalk.red(text), warning: (text) => chalk.yellow(text) };
}

export interface Ui {
  readonly logger: Logger;
  /** A spinner on a TTY; elsewhere a no-op (step lines come from -v=2 logging instead). */
  spinner(text: string): Promise<Spinner>;
  /** A line of talk on stderr (not data). Suppressed with --quiet. */
  info(text: string): void;
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

export function stderrIsInteractive(ctx: CliContext): boolean {
  return ctx.stderr.isTTY === true && !isCi(ctx.env);
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CI && env.CI !== 'false') || env.TERM === 'dumb';
}

export function colorEnabled(ctx: CliContext, noColor: boolean): boolean {
  return !noColor && !('NO_COLOR' in ctx.env && ctx.env.NO_COLOR !== '') && stderrIsInteractive(ctx);
}

const NO_SPINNER: Spinner = { update: () => {}, succeed: () => {}, fail: () => {}, stop: () => {} };

export function createUi(ctx: CliContext, options: UiOptions): Ui {
  const write = (text: string) => ctx.stderr.write(text);
  const logger = createLogger(write, options.verbosity, { quiet: options.quiet, painter: options.painter });
  const spinnerAllowed = stderrIsInteractive(ctx) && !options.quiet && !options.machineOutput && options.verbosity < 2;
  return {
    logger,
    info: (text) => {
      if (!options.quiet) write(`${text}\n`);
    },
    async spinner(text) {
      if (!spinnerAllowed) return NO_SPINNER;
      // ora is only loaded for an interactive terminal.
      const { ora } = await import('./tty-ui.js');
      const stream = ctx.stderrStream?.() ?? (ctx.stderr as NodeJS.WritableStream);
      // A terminal of unknown or zero width (a pty without a size) makes ora clear lines forever.
      if (!((stream as { columns?: number }).columns! > 0)) return NO_SPINNER;
      const spinner = ora({ text, stream, color: 'cyan' }).start();
      return {
        update: (next) => {
          spinner.text = next;
        },
        succeed: (done) => void spinner.succeed(done),
        fail: (failed) => void spinner.fail(failed),
        stop: () => void spinner.stop(),
      };
    },
  };
}
