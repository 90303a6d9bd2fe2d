// Runs one command line and returns the exit code. Everything a command throws ends here.

import { CommanderError } from 'commander';
import type { CommandEnv } from './command-env.js';
import type { CliContext } from './context.js';
import { COMMAND_NAMES, UnregisteredCommandInvoked, createProgram, registersOneCommand, type ProgramState } from './program.js';
import { flagTable, normalizeArgv } from './argv.js';
import { isCompletionRequest } from './completion-request.js';
import { renderError } from './render-error.js';
import { DEFAULT_PROGRAM_NAME, withProgramName } from './program-name.js';
import { loadPainter } from './ui.js';
import { EXIT_CODES, UsageError } from '../errors.js';

export interface RunOverrides {
  /** Replaces kubeconfig loading and real clients (tests inject in-memory clusters). */
  clusterAccess?: CommandEnv['clusterAccess'];
}

/** The words a command line may start with (hints name the command that was meant). */
const COMMAND_WORDS: ReadonlySet<string> = new Set(COMMAND_NAMES);

export async function runCli(argv: readonly string[], ctx: CliContext, overrides: RunOverrides = {}): Promise<number> {
  const state: ProgramState = { settings: { verbosity: 0, quiet: false, color: true }, pending: undefined, ignoredFlagsUsed: [] };
  try {
    state.settings.painter = await loadPainter(ctx, argv.includes('--no-color'));
    let program = createProgram(ctx, state, overrides, argv);
    let table = flagTable(program);
    // A completion request's words are another command line, passed on verbatim (after "--", so
    // that no word is taken for one of our own flags).
    const normalize = () => (isCompletionRequest(argv) ? { args: [argv[0]!, '--', ...argv.slice(1)], warnings: [] } : normalizeArgv(argv, table));
    const normalized = normalize();
    let args = normalized.args;
    for (const warning of normalized.warnings) ctx.stderr.write(`Warning: ${warning}\n`);
    // Like the Go tool, the bare root (only root flags) prints help and succeeds.
    if (!args.some((arg) => !arg.startsWith('-')) && !args.some((arg) => arg === '-h' || arg === '--help')) {
      program.outputHelp();
      return EXIT_CODES.ok;
    }
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch (error) {
      const mispredicted =
        error instanceof UnregisteredCommandInvoked ||
        (error instanceof CommanderError && error.code === 'commander.unknownCommand' && registersOneCommand(program));
      if (!mispredicted) throw error;
      program = createProgram(ctx, state, overrides);
      table = flagTable(program);
      args = normalize().args;
      await program.parseAsync(args, { from: 'user' });
    }
    for (const flag of state.ignoredFlagsUsed) ctx.stderr.write(`Warning: --${flag} is accepted for compatibility with the Go kubefedctl and has no effect\n`);
    return EXIT_CODES.ok;
  } catch (error) {
    const translated = translateCommanderError(error, argv, COMMAND_WORDS);
    if (translated === 'exit-ok') return EXIT_CODES.ok;
    const rendered = renderError(translated, { verbosity: state.settings.verbosity });
    // Every command's name, not only the registered ones: a hint may name another command.
    rendered.text = withProgramName(rendered.text, ctx.programName ?? DEFAULT_PROGRAM_NAME, COMMAND_NAMES);
    const painter = state.settings.painter;
    ctx.stderr.write(painter ? rendered.text.replace(/^error:/, painter.error('error:')) : rendered.text);
    return rendered.exitCode;
  }
}

function translateCommanderError(error: unknown, argv: readonly string[], subcommands: ReadonlySet<string>): unknown {
  if (!(error instanceof CommanderError)) return error;
  if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 'exit-ok';
  // commander formats as "error: unknown option '--x'"; keep its words, our prefix.
  let message = error.message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean/, ' (did you mean')
    .replace(/\n/g, ' ');
  const unknownCommand = /^unknown command '([^']+)'(.*)$/.exec(message);
  if (unknownCommand) message = `unknown command "${unknownCommand[1]}" for "kubefedctl"${unknownCommand[2]}`;
  const command = commandPath(argv, subcommands);
  return new UsageError(message, { code: error.code, hint: `See 'kubefedctl ${command ? `${command} ` : ''}--help'.` });
}

/** "join", "orphaning-deletion status"…: the subcommand a command line addressed, for hints. */
function commandPath(argv: readonly string[], subcommands: ReadonlySet<string>): string {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const first = words[0];
  if (first === undefined || !subcommands.has(first)) return '';
  if (first === 'orphaning-deletion' && ['enable', 'disable', 'status'].includes(words[1] ?? '')) return `${first} ${words[1]}`;
  return first;
}
