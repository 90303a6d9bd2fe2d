// Flags shared by several subcommands, each declared once (as kubefedctl's GlobalSubcommandBind),
// and the small parsers flag values need. argv.ts derives its pflag compatibility from the
// options declared here (which are boolean, which take an optional value).

import { type Command, Option } from 'commander';
import { DEFAULT_KUBEFED_NAMESPACE } from '../core/constants.js';
import type { DryRunStrategy } from '../core/plan.js';
import type { OutputFormat } from '../core/printers.js';
import { MultipleUsageErrors, UsageError } from '../errors.js';

export { parseDuration, parseOptionalTimeout } from '../core/duration.js';

export type { DryRunStrategy };

/** The flags every cluster subcommand has. */
export interface GlobalSubcommandFlags {
  kubeconfig?: string;
  hostClusterContext?: string;
  kubefedNamespace?: string;
  dryRun?: string;
}

export interface OutputFlags {
  output?: OutputFormat;
}

export interface QuietFlags {
  quiet?: boolean;
}

/** The timeout of a bare --wait (join, unjoin). */
export const DEFAULT_WAIT = '60s';

/** Flags with a value that every cluster subcommand has and the Go tool also accepts before the subcommand's name. */
export const SUBCOMMAND_FLAGS_ALSO_BEFORE_THE_SUBCOMMAND = ['kubeconfig', 'host-cluster-context', 'kubefed-namespace'] as const;

/** `dryRun: false` leaves --dry-run out, for commands that only read (get, status). */
export function addGlobalSubcommandFlags(command: Command, options: { hideNamespaceAndDryRun?: boolean; dryRun?: boolean } = {}): Command {
  command.option('--kubeconfig <path>', 'Path to the kubeconfig file to use for CLI requests.');
  command.option('--host-cluster-context <context>', 'Host cluster context');
  const namespace = new Option(
    '--kubefed-namespace <namespace>',
    `Namespace in the host cluster where the KubeFed system components are installed. This namespace will also be the target of propagation if the controller manager is running with namespaced scope. (default "${DEFAULT_KUBEFED_NAMESPACE}")`,
  );
  // A bare --dry-run means "client" (argv.ts writes the preset in, so the next word is never taken as its value).
  const dryRun = new Option(
    '--dry-run [strategy]',
    'Make no change: "client" (the default when given without a value) prints what would be done without writing; "server" sends the writes with dryRun=All so the API server validates them. A bare --dry-run works as in the Go tool.',
  )
    .choices(['none', 'client', 'server', 'true', 'false'])
    .preset('client');
  if (options.hideNamespaceAndDryRun) {
    namespace.hideHelp();
    dryRun.hideHelp();
  }
  command.addOption(namespace);
  if (options.dryRun !== false) command.addOption(dryRun);
  return command;
}

export function quietOption(): Option {
  return new Option('-q, --quiet', 'Print nothing but errors.');
}

export function namespaceOption(description: string): Option {
  return new Option('-n, --namespace <namespace>', description);
}

/**
 * --error-on-existing as a pflag boolean: `--error-on-existing=false` works (argv.ts), and the
 * hidden --no- form is what it becomes. The default is the command's.
 */
export function addErrorOnExistingFlag(command: Command, description: string): Command {
  command.addOption(new Option('--error-on-existing', description));
  command.addOption(new Option('--no-error-on-existing').hideHelp());
  return command;
}

/** A boolean flag with its hidden --no- form, so `--flag=false` parses. */
export function addBooleanFlag(command: Command, flags: string, description: string): Command {
  command.addOption(new Option(flags, description));
  const long = /--([a-z-]+)/.exec(flags)?.[1];
  if (long) command.addOption(new Option(`--no-${long}`).hideHelp());
  return command;
}

/** --cluster-context and --host-cluster-name of join and unjoin. */
export function addClusterIdentityFlags(command: Command): Command {
  return command
    .option('--cluster-context <context>', "Name of the cluster's context in the local kubeconfig. Defaults to cluster name if unspecified.")
    .option(
      '--host-cluster-name <name>',
      'If set, overrides the use of host-cluster-context name in resource names created in the target cluster. This option must be used when the context name has characters invalid for kubernetes resources like "/" and ":".',
    );
}

export function dryRunStrategy(value: string | undefined): DryRunStrategy {
  switch (value) {
    case undefined:
    case 'none':
    case 'false':
      return 'none';
    case 'client':
    case 'true':
      return 'client';
    case 'server':
      return 'server';
    default:
      throw new UsageError(`invalid value "${value}" for --dry-run: expected none, client or server`);
  }
}

export function kubefedNamespace(flags: GlobalSubcommandFlags): string {
  return flags.kubefedNamespace || DEFAULT_KUBEFED_NAMESPACE;
}

export function outputOption(formats: readonly string[], description?: string): Option {
  return new Option('-o, --output <format>', description ?? `Output format; the objects are printed instead of created. One of: ${formats.join('|')}.`).choices(
    formats,
  );
}

/** Comma-separated list flags accumulate over repeats, as pflag's StringSlice. */
export function collectCommaList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function collectRepeated(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Runs each check, collecting UsageErrors as problems instead of stopping at the first, so a
 * command reports every problem of its command line at once.
 */
export function collectProblem<T>(problems: Problem[], compute: () => T): T | undefined {
  return catchUsageError(compute, (error) => problems.push({ kind: 'usage', code: error.code, message: error.message }));
}

/** collectProblem for a command whose problems are all usage problems: their messages are enough. */
export function collectUsageProblem<T>(problems: string[], compute: () => T): T | undefined {
  return catchUsageError(compute, (error) => problems.push(error.message));
}

function catchUsageError<T>(compute: () => T, record: (error: UsageError) => void): T | undefined {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    record(error);
    return undefined;
  }
}

/** Every usage problem of a command line in one error (exit 2), pointing at the command's help. */
export function throwIfUsageProblems(problems: readonly string[], command: string): void {
  if (problems.length > 0) throw new MultipleUsageErrors(problems, { hint: `See 'kubefedctl ${command} --help'.` });
}

/** One problem with a command line or its kubeconfig; all are reported together. */
export interface Problem {
  /** usage problems exit 2; configuration problems exit 1. */
  kind: 'usage' | 'config';
  /** A stable code, so that callers decide by code, never by message text. */
  code: string;
  message: string;
  /** For context problems: which context the problem is about. */
  subject?: 'host' | 'member' | undefined;
}
