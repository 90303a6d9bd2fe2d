// klog-style verbosity for stderr talk. Levels follow kubectl conventions:
// 2 = steps, 4 = debug (stack traces), 6 = HTTP requests, 8 = bodies (secrets redacted).
// At a terminal, while a spinner or progress bar is live, these lines still go through the
// command's stderr, which the live lines (cli/progress.ts) route around themselves: a warning gets
// its own row and the live lines are drawn again below it.

export interface Logger {
  readonly verbosity: number;
  enabled(level: number): boolean;
  /** Printed when verbosity >= level. */
  log(level: number, message: string): void;
  /** Always printed (unless quiet). */
  warn(message: string): void;
}

export function createLogger(
  write: (text: string) => void,
  verbosity: number,
  options: { quiet?: boolean | undefined; painter?: { warning(text: string): string } | undefined } = {},
): Logger {
  const warningLabel = options.painter ? options.painter.warning('Warning:') : 'Warning:';
  return {
    verbosity,
    enabled: (level) => verbosity >= level,
    log(level, message) {
      if (verbosity >= level) write(`${message}\n`);
    },
    warn(message) {
      if (!options.quiet) write(`${warningLabel} ${message}\n`);
    },
  };
}

export const SILENT_LOGGER: Logger = {
  verbosity: 0,
  enabled: () => false,
  log: () => {},
  warn: () => {},
};
