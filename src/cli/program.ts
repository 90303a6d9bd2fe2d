// createProgram builds a fresh commander tree for each run, so tests get an isolated program.

import { Command, CommanderError, Option } from 'commander';
import type { CliContext, GlobalSettings } from './context.js';
import type { AccessOptions, ClusterAccess, CommandEnv, Interrupts } from './command-env.js';
import type { CommandRunner } from './runner.js';
import { createUi } from './ui.js';
import { DEFAULT_PROGRAM_NAME, withProgramName } from './program-name.js';
import { registerCompletion } from '../commands/completion.js';
import { registerDisable } from '../commands/disable.js';
import { registerEnable } from '../commands/enable.js';
import { registerFederate } from '../commands/federate.js';
import { registerGet } from '../commands/get.js';
import { registerJoin } from '../commands/join.js';
import { registerMigrate } from '../commands/migrate.js';
import { registerOrphaningDeletion } from '../commands/orphaning.js';
import { registerStatus } from '../commands/status.js';
import { registerPreview } from '../commands/preview.js';
import { registerUnjoin } from '../commands/unjoin.js';
import { registerVersion } from '../commands/version.js';
import { UsageError } from '../errors.js';

/** Tests and commands that cannot be interrupted mid-write: a signal that never fires. */
const NO_INTERRUPTS: Interrupts = { signal: new AbortController().signal, protect: () => ({ release: () => {} }) };

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

export interface ProgramState {
  settings: GlobalSettings;
  /** The action promise of the subcommand that ran, if any. */
  pending: Promise<void> | undefined;
  ignoredFlagsUsed: string[];
}

export function createProgram(ctx: CliContext, state: ProgramState, overrides: { clusterAccess?: CommandEnv['clusterAccess'] } = {}): Command {
  const programName = ctx.programName ?? DEFAULT_PROGRAM_NAME;
  const program = new Command(programName);
  // Examples and hints in help name `kubefedctl <command>`: under the plugin's name, its name.
  const named = (text: string) => withProgramName(text, programName, program.commands.map((command) => command.name()));
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
    .addOption(new Option('-v, --v <level>', 'number for the log level verbosity (2: steps, 4: debug and stack traces, 6: HTTP requests, 8: bodies; secrets are always redacted)').argParser(parseLevel))
    .option('--no-color', 'Never colour output (also when NO_COLOR is set).')
    .addHelpText(
      'after',
      `
Exit codes:
  0  success (also for --dry-run)
  1  the operation failed (API error, unreachable cluster, kubeconfig or context problem)
  2  usage error or invalid input (unknown flag, missing argument, bad manifest)`,
    );
  for (const [flags, description] of IGNORED_KLOG_FLAGS) program.addOption(new Option(flags, description).hideHelp());
  program.addOption(new Option('--no-logtostderr').hideHelp());

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
      createUi(ctx, { verbosity: state.settings.verbosity, quiet: state.settings.quiet, noColor: !state.settings.color, machineOutput: options.machineOutput ?? false, painter: state.settings.painter }),
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
    const used = IGNORED_KLOG_FLAGS.map(([flags]) => flags.split(' ')[0]!.replace(/^--/, '')).filter((name) => program.getOptionValueSource(camel(name)) === 'cli');
    state.ignoredFlagsUsed = used;
  });

  registerEnable(program, run);
  registerDisable(program, run);
  registerFederate(program, run);
  registerJoin(program, run);
  registerUnjoin(program, run);
  registerOrphaningDeletion(program, run);
  registerGet(program, run);
  registerStatus(program, run);
  registerMigrate(program, run);
  registerPreview(program, run);
  registerVersion(program, run);
  registerCompletion(program, run);

  return program;
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
