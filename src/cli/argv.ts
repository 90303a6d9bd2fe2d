// Makes pflag-style command lines (what scripts written for the Go tool pass) parseable by
// commander: `--flag=false` for booleans, `-v=2`, `_` in flag names, and subcommand flags
// written before the subcommand (`kubefedctl --kubeconfig X enable ...`, which the Go tool accepts).

import { UsageError } from '../errors.js';

/** Boolean flags. `--name=false` becomes `--no-name`, `--name=true` becomes `--name`. */
const BOOLEAN_FLAGS = new Set([
  'error-on-existing',
  'force',
  'delete-crd',
  'enable-type',
  'contents',
  'recursive',
  'offline',
  'quiet',
  'color',
  'logtostderr',
  'alsologtostderr',
  'add-dir-header',
  'skip-headers',
  'skip-log-headers',
  'one-output',
]);

/** Flags whose value is optional in our CLI: a bare flag gets this value. */
const OPTIONAL_VALUE_FLAGS = new Map([
  ['dry-run', 'client'],
  ['wait', 'default'],
]);

/** Flags of the subcommands that the Go tool also accepts before the subcommand name. */
const SUBCOMMAND_FLAGS_WITH_VALUE = new Set(['kubeconfig', 'host-cluster-context', 'kubefed-namespace']);

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export interface NormalizedArgv {
  args: string[];
  warnings: string[];
}

export function normalizeArgv(argv: readonly string[], subcommands: ReadonlySet<string>): NormalizedArgv {
  const warnings: string[] = [];
  const out: string[] = [];
  let afterDoubleDash = false;
  for (const arg of argv) {
    if (afterDoubleDash || !arg.startsWith('-') || arg === '-' || arg === '--') {
      out.push(arg);
      if (arg === '--') afterDoubleDash = true;
      continue;
    }
    out.push(...normalizeFlag(arg, warnings));
  }
  return { args: moveLeadingSubcommandFlags(out, subcommands), warnings };
}

function normalizeFlag(arg: string, warnings: string[]): string[] {
  // -v=2 / -v2 are klog's one-letter flag; commander wants --v=2.
  const shortV = /^-v=?(\d+)$/.exec(arg);
  if (shortV) return [`--v=${shortV[1]}`];
  if (!arg.startsWith('--')) return [arg];

  const eq = arg.indexOf('=');
  let name = arg.slice(2, eq < 0 ? undefined : eq);
  const value = eq < 0 ? undefined : arg.slice(eq + 1);
  if (name.includes('_')) {
    const normalized = name.replaceAll('_', '-');
    warnings.push(`using an underscore in a flag name is not supported. ${name} has been converted to ${normalized}.`);
    name = normalized;
  }
  if (BOOLEAN_FLAGS.has(name) && value !== undefined) {
    if (GO_TRUE.has(value)) return [`--${name}`];
    if (GO_FALSE.has(value)) return [`--no-${name}`];
    throw new UsageError(`invalid value "${value}" for --${name}: expected true or false`);
  }
  const optionalDefault = OPTIONAL_VALUE_FLAGS.get(name);
  if (optionalDefault !== undefined && value === undefined) return [`--${name}=${optionalDefault}`];
  return [value === undefined ? `--${name}` : `--${name}=${value}`];
}

function moveLeadingSubcommandFlags(args: string[], subcommands: ReadonlySet<string>): string[] {
  const moved: string[] = [];
  const rest: string[] = [];
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith('-')) break;
    const name = arg.slice(2).split('=')[0]!;
    if (arg.startsWith('--') && (SUBCOMMAND_FLAGS_WITH_VALUE.has(name) || name === 'dry-run')) {
      moved.push(arg);
      if (!arg.includes('=') && SUBCOMMAND_FLAGS_WITH_VALUE.has(name) && index + 1 < args.length) moved.push(args[++index]!);
      continue;
    }
    rest.push(arg);
    // A root flag with a separate value (e.g. `--v 2`).
    if (!arg.includes('=') && ROOT_FLAGS_WITH_VALUE.has(arg) && index + 1 < args.length) rest.push(args[++index]!);
  }
  const command = args[index];
  if (moved.length === 0 || command === undefined || !subcommands.has(command)) return args;
  // orphaning-deletion has a second level: put the flags after the leaf command.
  let insertAt = index + 1;
  if (command === 'orphaning-deletion' && args[insertAt] !== undefined && !args[insertAt]!.startsWith('-')) insertAt += 1;
  return [...rest, ...args.slice(index, insertAt), ...moved, ...args.slice(insertAt)];
}

const ROOT_FLAGS_WITH_VALUE = new Set([
  '--v',
  '--vmodule',
  '--stderrthreshold',
  '--log-dir',
  '--log-file',
  '--log-file-max-size',
  '--log-backtrace-at',
]);
