// Makes pflag-style command lines (what scripts written for the Go tool pass) parseable by
// commander: `--flag=false` for booleans, `-v=2`, `_` in flag names, bare optional-value flags
// (`--dry-run`, `--wait`), and subcommand flags written before the subcommand (`kubefedctl
// --kubeconfig X enable ...`, which the Go tool accepts). What each flag is comes from the
// command tree itself (flagTable), so nothing here is kept in sync by hand.

import type { Command, Option } from 'commander';
import { SUBCOMMAND_FLAGS_ALSO_BEFORE_THE_SUBCOMMAND } from './flags.js';
import { UsageError } from '../errors.js';

/** What argv normalisation needs to know of the command tree. */
export interface FlagTable {
  subcommands: ReadonlySet<string>;
  /** Long names of boolean flags: `--name=false` becomes `--no-name`. */
  booleans: ReadonlySet<string>;
  /** Long names of optional-value flags with the value a bare flag means. */
  presets: ReadonlyMap<string, string>;
  /** Long names of flags with a value that may stand before the subcommand. */
  beforeSubcommand: ReadonlySet<string>;
  /** Root flags (with dashes) that take a separate value, e.g. `--v 2`. */
  rootFlagsWithValue: ReadonlySet<string>;
}

export function flagTable(program: Command): FlagTable {
  const booleans = new Set<string>();
  const presets = new Map<string, string>();
  const visit = (command: Command): void => {
    for (const option of command.options as Option[]) {
      const name = option.long?.replace(/^--/, '');
      if (!name) continue;
      if (option.negate) booleans.add(name.replace(/^no-/, ''));
      else if (option.isBoolean()) booleans.add(name);
      else if (option.optional && typeof option.presetArg === 'string') presets.set(name, option.presetArg);
    }
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
  return {
    subcommands: new Set([...program.commands.map((c) => c.name()), 'help']),
    booleans,
    presets,
    beforeSubcommand: new Set(SUBCOMMAND_FLAGS_ALSO_BEFORE_THE_SUBCOMMAND),
    rootFlagsWithValue: rootFlagsWithValue(program),
  };
}

/** Root flags that take their value from the next word (`-v 2`, `--log-dir DIR`). */
export function rootFlagsWithValue(program: Command): Set<string> {
  const flags = new Set<string>();
  for (const option of program.options as Option[]) {
    if (!option.required) continue;
    if (option.long) flags.add(option.long);
    if (option.short) flags.add(option.short);
  }
  return flags;
}

/**
 * The top-level command a command line runs, read as moveLeadingSubcommandFlags and commander
 * read it: the first word that is neither a flag nor the value of a root flag or of a flag allowed
 * before the subcommand; for `help NAME`, NAME. Undefined when there is none.
 */
export function invokedCommandName(argv: readonly string[], rootFlagsWithValue: ReadonlySet<string>): string | undefined {
  const beforeSubcommand = new Set<string>(SUBCOMMAND_FLAGS_ALSO_BEFORE_THE_SUBCOMMAND);
  let helpSeen = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') return undefined;
    if (arg.startsWith('-') && arg !== '-') {
      if (arg.includes('=')) continue;
      const name = arg.replace(/^--?/, '').replaceAll('_', '-');
      if (beforeSubcommand.has(name) || rootFlagsWithValue.has(arg.startsWith('--') ? `--${name}` : arg)) index++;
      continue;
    }
    if (arg === 'help' && !helpSeen) {
      helpSeen = true;
      continue;
    }
    return arg;
  }
  return undefined;
}

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export interface NormalizedArgv {
  args: string[];
  warnings: string[];
}

export function normalizeArgv(argv: readonly string[], table: FlagTable): NormalizedArgv {
  const warnings: string[] = [];
  const out: string[] = [];
  let afterDoubleDash = false;
  for (const arg of argv) {
    if (afterDoubleDash || !arg.startsWith('-') || arg === '-' || arg === '--') {
      out.push(arg);
      if (arg === '--') afterDoubleDash = true;
      continue;
    }
    out.push(normalizeFlag(arg, table, warnings));
  }
  return { args: moveLeadingSubcommandFlags(out, table), warnings };
}

function normalizeFlag(arg: string, table: FlagTable, warnings: string[]): string {
  // -v=2 / -v2 are klog's one-letter flag; commander wants --v=2.
  const shortV = /^-v=?(\d+)$/.exec(arg);
  if (shortV) return `--v=${shortV[1]}`;
  if (!arg.startsWith('--')) return arg;

  const eq = arg.indexOf('=');
  let name = arg.slice(2, eq < 0 ? undefined : eq);
  const value = eq < 0 ? undefined : arg.slice(eq + 1);
  if (name.includes('_')) {
    const normalized = name.replaceAll('_', '-');
    warnings.push(`using an underscore in a flag name is not supported. ${name} has been converted to ${normalized}.`);
    name = normalized;
  }
  if (table.booleans.has(name) && value !== undefined) {
    if (GO_TRUE.has(value)) return `--${name}`;
    if (GO_FALSE.has(value)) return `--no-${name}`;
    throw new UsageError(`invalid value "${value}" for --${name}: expected true or false`);
  }
  // A bare optional-value flag gets its preset written in, so it never takes the next word as its value.
  const preset = table.presets.get(name);
  if (preset !== undefined && value === undefined) return `--${name}=${preset}`;
  return value === undefined ? `--${name}` : `--${name}=${value}`;
}

function moveLeadingSubcommandFlags(args: string[], table: FlagTable): string[] {
  const moved: string[] = [];
  const rest: string[] = [];
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith('-')) break;
    const name = arg.slice(2).split('=')[0]!;
    if (arg.startsWith('--') && (table.beforeSubcommand.has(name) || table.presets.has(name))) {
      moved.push(arg);
      if (!arg.includes('=') && table.beforeSubcommand.has(name) && index + 1 < args.length) moved.push(args[++index]!);
      continue;
    }
    rest.push(arg);
    // A root flag with a separate value (e.g. `--v 2`).
    if (!arg.includes('=') && table.rootFlagsWithValue.has(arg) && index + 1 < args.length) rest.push(args[++index]!);
  }
  const command = args[index];
  if (moved.length === 0 || command === undefined || !table.subcommands.has(command)) return args;
  // orphaning-deletion has a second level: put the flags after the leaf command.
  let insertAt = index + 1;
  if (command === 'orphaning-deletion' && args[insertAt] !== undefined && !args[insertAt]!.startsWith('-')) insertAt += 1;
  return [...rest, ...args.slice(index, insertAt), ...moved, ...args.slice(insertAt)];
}
