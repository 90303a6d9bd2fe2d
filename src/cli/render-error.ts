import { EXIT_CODES, type ExitCode, InternalError, KubefedctlError } from '../errors.js';
import { redactText } from '../redact.js';

export interface RenderedError {
  /** What goes to stderr (may be empty for already-reported errors). */
  text: string;
  exitCode: ExitCode;
}

const REPORT_URL = 'https://github.com/kubefedctl-ts/kubefedctl/issues';

/** The one place where errors become text and exit codes. */
export function renderError(error: unknown, options: { verbosity: number }): RenderedError {
  const showStack = options.verbosity >= 4;
  if (error instanceof KubefedctlError && !(error instanceof InternalError)) {
    let text = `error: ${redactText(error.message)}`;
    if (error.hint) text += `\n  hint: ${redactText(error.hint)}`;
    text += '\n';
    if (showStack) text += stackOf(error);
    return { text, exitCode: error.exitCode };
  }
  // Anything else is a bug in kubefedctl: say so, with the stack, always.
  const message = error instanceof Error ? error.message : String(error);
  return {
    text: `error: internal error in kubefedctl: ${redactText(message)}\n  This is a bug; please report it at ${REPORT_URL} with the output below.\n${stackOf(error)}`,
    exitCode: EXIT_CODES.failure,
  };
}

function stackOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(redactText(current.stack ?? String(current)));
    current = current.cause;
  }
  return parts.length > 0 ? `${parts.join('\nCaused by: ')}\n` : '';
}
