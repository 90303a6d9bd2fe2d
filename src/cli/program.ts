// createProgram builds a fresh commander tree for each run, so tests get an isolated program.

import { Command, CommanderError, Help, Option } from 'commander';
import type { CliContext, GlobalSettings } from './context.js';
import type { AccessOptions, ClusterAccess, CommandEnv, Interrupts } from './command-env.js';
import type { CommandRunner } from './runner.js';
import { createUi } from './ui.js';
import { DEFAULT_PROGRAM_NAME, withProgramName } from './program-name.js';
import { completionCommand, completionRequestCommands } from '../commands/completion.js';
import { disableCommand } from '../commands/disable.js';
import { enableCommand } from '../commands/enable.js';
import { federateCommand } from '../commands/federate.js';
import { getCommand } from '../commands/get.js';
import { joinCommand } from '../commands/join.js';
import { migrateCommand } from '../commands/migrate.js';
import { orphaningDeletionCommand } from '../commands/orphaning.js';
import { statusCommand } from '../commands/status.js';
import { previewCommand } from '../commands/preview.js';
import { promoteCommand } from '../commands/promote.js';
import { unjoinCommand } from '../commands/unjoin.js';
import { rotateCredentialsCommand } from '../commands/rotate-credentials.js';
import { versionCommand } from '../commands/version.js';
import type { CommandDefinition } from './command-definition.js';
import { invokedCommandName, rootFlagsWithValue } from './argv.js';
import { isCompletionRequest } from './completion-request.js';
import { UsageError } from '../errors.js';

/** Tests and commands that cannot be interrupted mid-write: a signal that never fires (made on first use: AbortController loads a module of its own). */
let neverFires: AbortSignal | undefined;
const NO_INTERRUPTS: Interrupts = {
  get signal() {
    neverFires ??= new AbortController().signal;
    return neverFires;
  },
  protect: () => ({ release: () => {} }),
};

/** klog flags the Go tool accepts; we accept them so command lines keep working. */
const IGNORED_KLOG_FLAGS: Array<[string, string]> = [
  ['--vmodule <pattern>', 'comma-separated list of pattern=N settings for file-filtered logging'],
  ['--logtostderr', 'log to standard error instead of files'],
  ['--alsologtostderr', 'log to standard error as well as files'],
  ['--stderrthreshold <severity>', 'logs at or above this threshold go to stderr'],
  ['--log-dir <dir>', 'If non-empty, write log files in this directory'],
  ['--log-file <file>', 'If non-empty, use this log file'],
  ['--log-file-max-size <mb>', 'Defines the maximum size a log file can grow to'],
  ['--add-dir-header', 'If true, adds the file directory to the header of the log messages'],
  ['--skip-headers', 'If true, avoid header prefixes in the log messages'],
  ['--skip-log-headers', 'If true, avoid headers when opening log files'],
  ['--one-output', 'If true, only write logs to their native severity level'],
  ['--log-backtrace-at <file:N>', 'when logging hits line file:N, emit a stack trace'],
];

/** In the order root help lists them. */
const COMMANDS: readonly CommandDefinition[] = [
  enableCommand,
  disableCommand,
  federateCommand,
  promoteCommand,
  joinCommand,
  unjoinCommand,
  rotateCredentialsCommand,
  orphaningDeletionCommand,
  getCommand,
  statusCommand,
  migrateCommand,
  previewCommand,
  versionCommand,
  completionCommand,
  ...completionRequestCommands,
];

/** Every top-level command and `help`: the words a command line may start with. */
export const COMMAND_NAMES: readonly string[] = [...COMMANDS.map((definition) => definition.name), 'help'];

/**
 * Thrown by a command that was only declared (its header) when commander dispatches to it: the
 * command line was read differently than invokedCommandName predicted. cli/run.ts then parses it
 * again with every command registered (as it does when commander, given only the predicted
 * command, finds another word), so a wrong prediction costs time, never behaviour.
 */
export class UnregisteredCommandInvoked extends Error {
  constructor(commandName: string) {
    super(`internal: command ${commandName} was dispatched before it was registered`);
  }
}

/** Programs built with only the command their command line names (see createProgram). */
const oneCommandPrograms = new WeakSet<Command>();

/** Whether `program` registered only the command its command line names: another word found there means a wrong guess. */
export function registersOneCommand(program: Command): boolean {
  return oneCommandPrograms.has(program);
}

const KLOG_FLAG_NAMES = new Set([...IGNORED_KLOG_FLAGS.map(([flags]) => flags.split(' ')[0]!), '--no-logtostderr']);

/** `--log-dir=x`, `--log_dir`, `--logtostderr=false`: one of the klog flags (pflag also takes `_` for `-`). */
function isKlogFlag(arg: string): boolean {
  return arg.startsWith('--') && KLOG_FLAG_NAMES.has(arg.split('=')[0]!.replaceAll('_', '-'));
}

export interface ProgramState {
  settings: GlobalSettings;
  /** The action promise of the subcommand that ran, if any. */
  pending: Promise<void> | undefined;
  ignoredFlagsUsed: string[];
}

/**
 * The program for one run. Given the command line, only the command it runs is registered in
 * full (the others keep their headers, enough for root help and suggestions); without it, or for
 * a completion request (which completes against the whole tree), every command is.
 */
export function createProgram(
  ctx: CliContext,
  state: ProgramState,
  overrides: { clusterAccess?: CommandEnv['clusterAccess'] } = {},
  commandLine?: readonly string[],
): Command {
  const programName = ctx.programName ?? DEFAULT_PROGRAM_NAME;
  const program = new Command(programName);
  // Examples and hints in help name `kubefedctl <command>`: under the plugin's name, its name.
  const named = (text: string) => withProgramName(text, programName, COMMAND_NAMES);
  program
    .summary('kubefedctl controls a Kubernetes Cluster Federation')
    .description('kubefedctl controls a Kubernetes Cluster Federation. Find more information at https://sigs.k8s.io/kubefed.')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(named(text)),
      writeErr: (text) => ctx.stderr.write(named(text)),
      // Usage errors are rendered by our handler (one line, exit 2), not by commander.
      outputError: () => {},
      // commander's defaults ask process.stdout/stderr, whose creation loads Node's stream stack;
      // our streams answer without it. Help is never coloured.
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      getOutHelpWidth: () => ctx.stdout.columns ?? 80,
      getErrHelpWidth: () => ctx.stderr.columns ?? 80,
    })
    .showSuggestionAfterError(true)
    .addOption(
      new Option(
        '-v, --v <level>',
        'number for the log level verbosity (2: steps, 4: debug and stack traces, 6: HTTP requests, 8: bodies; secrets are always redacted)',
      ).argParser(parseLevel),
    )
    .option('--no-color', 'Never colour output (also when NO_COLOR is set).')
    .addHelpText(
      'after',
      `
Exit codes:
  0  success (also for --dry-run)
  1  the operation failed (API error, unreachable cluster, kubeconfig or context problem)
  2  usage error or invalid input (unknown flag, missing argument, bad manifest)`,
    );
  // Hidden and without effect: registered only for a command line that uses one (or for the
  // whole tree), so that other starts do not pay for thirteen options.
  if (commandLine === undefined || isCompletionRequest(commandLine) || commandLine.some(isKlogFlag)) {
    for (const [flags, description] of IGNORED_KLOG_FLAGS) program.addOption(new Option(flags, description).hideHelp());
    program.addOption(new Option('--no-logtostderr').hideHelp());
  }

  // Root help shows "[options]" for every command with flags; a command known only by its header
  // has none registered yet.
  const leafHeaders = new Set<Command>();
  program.configureHelp({
    subcommandTerm(command) {
      const term = Help.prototype.subcommandTerm.call(this, command);
      return leafHeaders.has(command) ? term.replace(command.name(), `${command.name()} [options]`) : term;
    },
  });

  // One kubeconfig and one client per context for the whole run, however often a command asks.
  const accessByFlag = new Map<string, Promise<ClusterAccess>>();
  const openAccess =
    overrides.clusterAccess ??
    (async (kubeconfigFlag: string | undefined, options?: AccessOptions) => {
      const { openClusterAccess } = await import('./cluster-access.js');
      return openClusterAccess(ctx, state.settings, kubeconfigFlag, options);
    });
  const env = (): CommandEnv => ({
    ctx,
    settings: state.settings,
    ui: (options = {}) =>
      createUi(ctx, {
        verbosity: state.settings.verbosity,
        quiet: state.settings.quiet,
        noColor: !state.settings.color,
        machineOutput: options.machineOutput ?? false,
        painter: state.settings.painter,
      }),
    clusterAccess: (kubeconfigFlag, options) => {
      const key = `${kubeconfigFlag ?? ''}\0${options?.silentWithTimeoutMs ?? ''}`;
      let access = accessByFlag.get(key);
      if (!access) {
        access = openAccess(kubeconfigFlag, options);
        accessByFlag.set(key, access);
        // A failed load is reported by the command; asking again tries again.
        access.catch(() => accessByFlag.delete(key));
      }
      return access;
    },
    interrupts: ctx.interrupts ?? NO_INTERRUPTS,
  });
  const run: CommandRunner = async (action) => {
    state.pending = action(env());
    await state.pending;
  };

  program.hook('preAction', (_root, actionCommand) => {
    const globals = actionCommand.optsWithGlobals() as { v?: number; color?: boolean; quiet?: boolean };
    state.settings = { ...state.settings, verbosity: globals.v ?? 0, color: globals.color !== false, quiet: globals.quiet === true };
    const used = IGNORED_KLOG_FLAGS.map(([flags]) => flags.split(' ')[0]!.replace(/^--/, '')).filter(
      (name) => program.getOptionValueSource(camel(name)) === 'cli',
    );
    state.ignoredFlagsUsed = used;
  });

  // A command line that names a command gets that command alone (commander needs no other to run
  // it); one that names none, or an unknown one, gets every command's header (for root help and
  // suggestions); a completion request, which completes against the whole tree, gets everything.
  const everyCommand = commandLine === undefined || isCompletionRequest(commandLine);
  const invoked = everyCommand ? undefined : COMMANDS.find((definition) => definition.name === invokedCommandName(commandLine, rootFlagsWithValue(program)));
  if (everyCommand || invoked) {
    if (invoked) oneCommandPrograms.add(program);
    for (const definition of invoked ? [invoked] : COMMANDS) definition.register(commandFromHeader(program, definition), run);
  } else {
    for (const definition of COMMANDS) {
      const command = commandFromHeader(program, definition);
      // Reached only if commander reads the command line differently than predicted.
      command
        .helpOption(false)
        .allowUnknownOption()
        .allowExcessArguments()
        .action(() => {
          throw new UnregisteredCommandInvoked(definition.name);
        });
      if (definition.group !== true) leafHeaders.add(command);
    }
  }
  return program;
}

function commandFromHeader(program: Command, definition: CommandDefinition): Command {
  const command = program.command(definition.name, { hidden: definition.hidden === true }).summary(definition.summary);
  for (const [term, description] of definition.arguments ?? []) command.argument(term, description);
  return command;
}

function parseLevel(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`invalid value "${value}" for -v/--v: expected a number, e.g. -v=2`);
  return Number(value);
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function isCommanderError(error: unknown): error is CommanderError {
  return error instanceof CommanderError;
}
