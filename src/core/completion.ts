// Shell completion: what to offer for a command line, as Cobra's `__complete` decides it
// (spf13/cobra v1.10.2 completions.go getCompletions), over a plain description of the command
// tree (cli/completion-tree.ts derives it from commander). Pure: the words in, the candidates and
// the directive out; values that need a cluster or the kubeconfig come back as a request that
// run/completion.ts answers within its deadline.
//
// The protocol (what the shell scripts, and kubectl for plugins, read): one candidate per line,
// `value` or `value<TAB>description`, then `:<directive>`, a bit set of the flags below.

import { CLUSTER_TYPE_NAMES } from './clusters-table.js';

export const DIRECTIVE = {
  default: 0,
  /** An error occurred: ignore the candidates. */
  error: 1,
  /** No space after a single completion. */
  noSpace: 2,
  /** No file completion when there is no candidate. */
  noFileComp: 4,
  /** The candidates are file extensions to filter on. */
  filterFileExt: 8,
  /** Complete directory names only. */
  filterDirs: 16,
  /** Keep the order of the candidates. */
  keepOrder: 32,
} as const;

export interface CompletionOption {
  /** Long name without dashes (e.g. "kubeconfig", "no-color"). */
  long: string | undefined;
  /** Short name without the dash (e.g. "n"). */
  short: string | undefined;
  description: string;
  /** none: a boolean; required: takes the next word; optional: takes a value only as --flag=value. */
  value: 'none' | 'required' | 'optional';
  choices: readonly string[] | undefined;
  hidden: boolean;
  /** May be given more than once (still offered once used). */
  repeatable: boolean;
  /** Must be given: offered even without a leading dash (Cobra's required flags). */
  mandatory: boolean;
}

export interface CompletionCommand {
  name: string;
  aliases: readonly string[];
  description: string;
  hidden: boolean;
  /** The `help [command]` command: completes command names. */
  isHelp: boolean;
  /** The command's own options (the root's are also accepted, and offered, by every subcommand). */
  options: readonly CompletionOption[];
  commands: readonly CompletionCommand[];
}

export interface Candidate {
  value: string;
  description?: string | undefined;
}

/** Values only the kubeconfig or the host cluster can give. */
export type DynamicSource =
  /** Context names of the kubeconfig. */
  | 'contexts'
  /** Contexts not joined yet (join): contexts minus the KubeFedClusters. */
  | 'unjoined-contexts'
  /** Joined clusters: the KubeFedClusters in the KubeFed namespace. */
  | 'clusters'
  /** Namespaces of the host cluster. */
  | 'namespaces'
  /** FederatedTypeConfig names (the target types: deployments.apps). */
  | 'type-configs'
  /** The federated types of the FederatedTypeConfigs (federateddeployments.types.kubefed.io). */
  | 'federated-types';

/** What the command line says about where to look (flags anywhere on it). */
export interface CompletionScope {
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
  kubefedNamespace: string | undefined;
}

export interface DynamicRequest {
  source: DynamicSource;
  scope: CompletionScope;
  /** Already on the command line: not offered again. */
  exclude: readonly string[];
}

export interface CompletionPlan {
  /** Offered as they are (already filtered by the word being completed). */
  candidates: Candidate[];
  directive: number;
  /** Candidates to add from the kubeconfig or the host cluster, filtered by `toComplete`. */
  dynamic: DynamicRequest | undefined;
  /** The part of the last word being completed (after `--flag=`). */
  toComplete: string;
}

interface ArgumentCompletion {
  candidates?: Candidate[];
  source?: DynamicSource;
  exclude?: readonly string[];
}

type ArgumentCompleter = (positional: readonly string[]) => ArgumentCompletion;

const federatedTypeArgument: ArgumentCompleter = (positional) => (positional.length === 0 ? { source: 'federated-types' } : {});
const typeConfigArgument: ArgumentCompleter = (positional) => (positional.length === 0 ? { source: 'type-configs' } : {});

/** Positional arguments by command path; a command not listed takes none that can be completed (and no files). */
const ARGUMENTS: Record<string, ArgumentCompleter> = {
  join: (positional) => ({ source: 'unjoined-contexts', exclude: positional }),
  unjoin: (positional) => ({ source: 'clusters', exclude: positional }),
  'rotate-credentials': (positional) => ({ source: 'clusters', exclude: positional }),
  get: (positional) => {
    if (positional.length === 0) return { candidates: [{ value: 'clusters', description: 'the joined clusters (KubeFedClusters)' }] };
    return (CLUSTER_TYPE_NAMES as readonly string[]).includes(positional[0]!.toLowerCase()) ? { source: 'clusters', exclude: positional.slice(1) } : {};
  },
  status: federatedTypeArgument,
  'orphaning-deletion enable': federatedTypeArgument,
  'orphaning-deletion disable': federatedTypeArgument,
  'orphaning-deletion status': federatedTypeArgument,
  disable: typeConfigArgument,
  federate: typeConfigArgument,
};

/** Flag values from the kubeconfig or the host cluster, by long flag name. */
const FLAG_SOURCES: Record<string, DynamicSource> = {
  'host-cluster-context': 'contexts',
  'cluster-context': 'contexts',
  namespace: 'namespaces',
  'kubefed-namespace': 'namespaces',
};

/**
 * Cobra's getCompletions: find the command the words address, then complete a flag name, a flag
 * value, a subcommand or a positional argument. `words` are the arguments after the program name,
 * the last being the word under the cursor ("" for a new word).
 */
export function planCompletion(root: CompletionCommand, words: readonly string[]): CompletionPlan {
  const all = words.length === 0 ? [''] : words;
  let toComplete = all[all.length - 1]!;
  const trimmed = all.slice(0, -1);

  const found = findCommand(root, trimmed);
  if (found === undefined) return done([], DIRECTIVE.default, toComplete);
  const { command, path } = found;
  const flags = flagsOf(root, command);

  const flagCheck = checkIfFlagCompletion(flags, found.args, toComplete);
  if (flagCheck === 'unknown-flag') return done([], DIRECTIVE.default, toComplete);
  const { flag } = flagCheck;
  toComplete = flagCheck.toComplete;
  const parsed = parseFlags(flags, flagCheck.args);
  const flagCompletion = !parsed.sawDoubleDash;
  const scope = scopeOf(flags, found.args);

  if (parsed.changed.has(HELP_KEY)) return done([], DIRECTIVE.noFileComp, toComplete);

  if (flag === undefined && toComplete.startsWith('-') && !toComplete.includes('=') && flagCompletion) {
    let candidates = requiredFlagCandidates(flags, parsed.changed, toComplete);
    if (candidates.length === 0) {
      candidates = [...flags.inherited, ...flags.local].flatMap((option) =>
        !parsed.changed.has(optionKey(option)) || option.repeatable ? flagNameCandidates(option, toComplete) : [],
      );
    }
    const directive = candidates.length === 1 && candidates[0]!.value.endsWith('=') ? DIRECTIVE.noSpace : DIRECTIVE.noFileComp;
    return done(candidates, directive, toComplete);
  }

  if (flag !== undefined && flagCompletion) {
    if (flag.choices !== undefined)
      return done(
        flag.choices.filter((choice) => choice.startsWith(toComplete)).map((value) => ({ value })),
        DIRECTIVE.noFileComp,
        toComplete,
      );
    const source = flag.long === undefined ? undefined : FLAG_SOURCES[flag.long];
    if (source !== undefined) return { candidates: [], directive: DIRECTIVE.noFileComp, dynamic: { source, scope, exclude: [] }, toComplete };
    // A value with nothing to offer (a path, a duration): the shell's default, file names.
    return done([], DIRECTIVE.default, toComplete);
  }

  // A subcommand or a positional argument.
  const candidates: Candidate[] = [];
  // Cobra lists subcommands only when no local, non-persistent flag is given; the root's flags are all persistent (global).
  const localFlagUsed = command !== root && flags.local.some((option) => option.long !== 'help' && parsed.changed.has(optionKey(option)));
  if (parsed.positional.length === 0 && !localFlagUsed) {
    for (const sub of availableCommands(command)) {
      if (sub.name.startsWith(toComplete)) candidates.push({ value: sub.name, description: sub.description });
    }
  }
  candidates.push(...requiredFlagCandidates(flags, parsed.changed, toComplete));

  if (command.isHelp) {
    const target = findCommand(root, parsed.positional);
    const commands = target === undefined ? [] : availableCommands(target.command);
    return done(
      commands.filter((sub) => sub.name.startsWith(toComplete)).map((sub) => ({ value: sub.name, description: sub.description })),
      DIRECTIVE.noFileComp,
      toComplete,
    );
  }

  const completer = ARGUMENTS[path.join(' ')];
  // None of kubefedctl's positional arguments is a file: never fall back to file names.
  if (completer === undefined) return done(candidates, DIRECTIVE.noFileComp, toComplete);
  const argument = completer(parsed.positional);
  candidates.push(...(argument.candidates ?? []).filter((candidate) => candidate.value.startsWith(toComplete)));
  const dynamic = argument.source === undefined ? undefined : { source: argument.source, scope, exclude: argument.exclude ?? [] };
  return { candidates, directive: DIRECTIVE.noFileComp, dynamic, toComplete };
}

/** Adds what the kubeconfig or the cluster gave: prefix-filtered, without what is excluded or already offered. */
export function withDynamicCandidates(plan: CompletionPlan, found: readonly Candidate[]): Candidate[] {
  const exclude = new Set([...(plan.dynamic?.exclude ?? []), ...plan.candidates.map((c) => c.value)]);
  return [...plan.candidates, ...found.filter((candidate) => candidate.value.startsWith(plan.toComplete) && !exclude.has(candidate.value))];
}

/**
 * The lines `__complete` prints (Cobra's completeCmd Run): each candidate on one line, its
 * description (if wanted) after a tab, cut at the first newline and trimmed; then `:<directive>`.
 */
export function formatCompletionOutput(candidates: readonly Candidate[], directive: number, descriptions: boolean): string {
  const lines = candidates.map((candidate) => {
    const text = descriptions && candidate.description ? `${candidate.value}\t${candidate.description}` : candidate.value;
    return text.split('\n', 1)[0]!.trim();
  });
  return `${lines.map((line) => `${line}\n`).join('')}:${directive}\n`;
}

/** Cobra's ShellCompDirective.string(), for the informative line on stderr. */
export function describeDirective(directive: number): string {
  const names: Array<[number, string]> = [
    [DIRECTIVE.error, 'ShellCompDirectiveError'],
    [DIRECTIVE.noSpace, 'ShellCompDirectiveNoSpace'],
    [DIRECTIVE.noFileComp, 'ShellCompDirectiveNoFileComp'],
    [DIRECTIVE.filterFileExt, 'ShellCompDirectiveFilterFileExt'],
    [DIRECTIVE.filterDirs, 'ShellCompDirectiveFilterDirs'],
    [DIRECTIVE.keepOrder, 'ShellCompDirectiveKeepOrder'],
  ];
  if (directive >= 64) return `ERROR: unexpected ShellCompDirective value: ${directive}`;
  const set = names.filter(([bit]) => (directive & bit) !== 0).map(([, name]) => name);
  return set.length === 0 ? 'ShellCompDirectiveDefault' : set.join(', ');
}

/** Cobra's <PROGRAM>_COMPLETION_DESCRIPTIONS, then COBRA_COMPLETION_DESCRIPTIONS: a Go boolean turns descriptions off or on. */
export function descriptionsWanted(programName: string, env: Readonly<Record<string, string | undefined>>, noDescCommand: boolean): boolean {
  if (noDescCommand) return false;
  const variable = `${programName}_COMPLETION_DESCRIPTIONS`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const value = env[variable] || env.COBRA_COMPLETION_DESCRIPTIONS || '';
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------

const HELP_KEY = '--help';

function done(candidates: Candidate[], directive: number, toComplete: string): CompletionPlan {
  return { candidates, directive, dynamic: undefined, toComplete };
}

interface Flags {
  /** The root's options, accepted after every subcommand (commander's global options); none for the root itself. */
  inherited: CompletionOption[];
  local: CompletionOption[];
}

/** pflag's VisitAll order: sorted by name. */
function byName(options: readonly CompletionOption[]): CompletionOption[] {
  return [...options].sort((a, b) => compare(a.long ?? a.short ?? '', b.long ?? b.short ?? ''));
}

function flagsOf(root: CompletionCommand, command: CompletionCommand): Flags {
  const inherited = command === root ? [] : root.options.filter((option) => option.long !== 'help');
  return { inherited: byName(inherited), local: byName(command.options) };
}

function optionKey(option: CompletionOption): string {
  return option.long !== undefined ? `--${option.long}` : `-${option.short ?? ''}`;
}

function findLong(flags: Flags, name: string): CompletionOption | undefined {
  return flags.local.find((option) => option.long === name) ?? flags.inherited.find((option) => option.long === name);
}

function findShort(flags: Flags, name: string): CompletionOption | undefined {
  return flags.local.find((option) => option.short === name) ?? flags.inherited.find((option) => option.short === name);
}

/** Cobra's getFlagNameCompletions: --name, then -s; hidden flags never. */
function flagNameCandidates(option: CompletionOption, toComplete: string): Candidate[] {
  if (option.hidden) return [];
  const candidates: Candidate[] = [];
  if (option.long !== undefined && `--${option.long}`.startsWith(toComplete)) candidates.push({ value: `--${option.long}`, description: option.description });
  if (option.short !== undefined && `-${option.short}`.startsWith(toComplete)) candidates.push({ value: `-${option.short}`, description: option.description });
  return candidates;
}

function requiredFlagCandidates(flags: Flags, changed: ReadonlySet<string>, toComplete: string): Candidate[] {
  return [...flags.inherited, ...flags.local]
    .filter((option) => option.mandatory && !changed.has(optionKey(option)))
    .flatMap((option) => flagNameCandidates(option, toComplete));
}

function availableCommands(command: CompletionCommand): CompletionCommand[] {
  return command.commands.filter((sub) => !sub.hidden).sort((a, b) => compare(a.name, b.name));
}

function childNamed(command: CompletionCommand, name: string): CompletionCommand | undefined {
  return command.commands.find((sub) => sub.name === name || sub.aliases.includes(name));
}

/**
 * Cobra's Find: the subcommand the words name, skipping flags (stripFlags: a `--flag` the command
 * does not know as a boolean takes the next word), and the words with the subcommand names taken
 * out. undefined for an unknown command word at the root (Cobra's legacyArgs error).
 */
function findCommand(root: CompletionCommand, args: readonly string[]): { command: CompletionCommand; path: string[]; args: string[] } | undefined {
  let command = root;
  let rest = [...args];
  const path: string[] = [];
  for (;;) {
    const words = stripFlags(rest, flagsOf(root, command));
    const next = words[0];
    const sub = next === undefined ? undefined : childNamed(command, next);
    if (next === undefined || sub === undefined) {
      if (command === root && command.commands.length > 0 && next !== undefined) return undefined;
      return { command, path, args: rest };
    }
    rest = argsMinusFirst(rest, next, flagsOf(root, command));
    command = sub;
    path.push(sub.name);
  }
}

function takesNoValue(option: CompletionOption | undefined): boolean {
  return option !== undefined && option.value !== 'required';
}

/** Cobra's stripFlags: the non-flag words. */
function stripFlags(args: readonly string[], flags: Flags): string[] {
  const commands: string[] = [];
  const queue = [...args];
  while (queue.length > 0) {
    const word = queue.shift()!;
    if (word === '--') break;
    const longTakesValue = word.startsWith('--') && !word.includes('=') && !takesNoValue(findLong(flags, word.slice(2)));
    const shortTakesValue = word.startsWith('-') && !word.includes('=') && word.length === 2 && !takesNoValue(findShort(flags, word.slice(1)));
    if (longTakesValue || shortTakesValue) {
      if (queue.length <= 1) break;
      queue.shift();
    } else if (word !== '' && !word.startsWith('-')) {
      commands.push(word);
    }
  }
  return commands;
}

/** Cobra's argsMinusFirstX: the words without the first occurrence of the subcommand name (flag values skipped). */
function argsMinusFirst(args: readonly string[], name: string, flags: Flags): string[] {
  for (let index = 0; index < args.length; index++) {
    const word = args[index]!;
    if (word === '--') break;
    if (word.startsWith('--') && !word.includes('=') && !takesNoValue(findLong(flags, word.slice(2)))) {
      index++;
      continue;
    }
    if (word.startsWith('-') && !word.startsWith('--') && !word.includes('=') && word.length === 2 && !takesNoValue(findShort(flags, word.slice(1)))) {
      index++;
      continue;
    }
    if (word === name) return [...args.slice(0, index), ...args.slice(index + 1)];
  }
  return [...args];
}

function isFlagArg(word: string): boolean {
  return (word.length >= 3 && word.startsWith('--')) || (word.length >= 2 && word[0] === '-' && word[1] !== '-');
}

/**
 * Cobra's checkIfFlagCompletion: is the word under the cursor a flag's value, either after `=` or
 * as the word after a flag that takes one? Then that flag, the words without it, and the value part.
 */
function checkIfFlagCompletion(
  flags: Flags,
  args: readonly string[],
  lastArg: string,
): { flag: CompletionOption | undefined; args: string[]; toComplete: string } | 'unknown-flag' {
  let flagName = '';
  let trimmed = [...args];
  let withEqual = false;
  let toComplete = lastArg;
  if (lastArg.startsWith('-')) {
    const equal = lastArg.indexOf('=');
    if (equal < 0) return { flag: undefined, args: trimmed, toComplete };
    // `-asd=x` completes d's value (cobra#1257).
    flagName = lastArg.startsWith('--') ? lastArg.slice(2, equal) : lastArg.slice(equal - 1, equal);
    toComplete = lastArg.slice(equal + 1);
    withEqual = true;
  }
  if (flagName === '' && args.length > 0) {
    const previous = args[args.length - 1]!;
    if (isFlagArg(previous) && !previous.includes('=')) {
      flagName = previous.startsWith('--') ? previous.slice(2) : previous.slice(-1);
      trimmed = args.slice(0, -1);
    }
  }
  if (flagName === '') return { flag: undefined, args: trimmed, toComplete };
  const flag = flagName.length === 1 ? findShort(flags, flagName) : findLong(flags, flagName);
  if (flag === undefined) return 'unknown-flag';
  // The previous word was a flag without a value (a boolean, or an optional value given only with =): not a value.
  if (!withEqual && flag.value !== 'required') return { flag: undefined, args: [...args], toComplete };
  return { flag, args: trimmed, toComplete };
}

interface ParsedFlags {
  positional: string[];
  /** Keys (optionKey) of the flags given. */
  changed: Set<string>;
  sawDoubleDash: boolean;
}

/**
 * pflag's parse of the words, leniently: an unknown flag does not fail the completion; like
 * stripFlags, it is taken to have a value (`--kubeconfig x` before the command name).
 */
function parseFlags(flags: Flags, args: readonly string[]): ParsedFlags {
  const positional: string[] = [];
  const changed = new Set<string>();
  let sawDoubleDash = false;
  for (let index = 0; index < args.length; index++) {
    const word = args[index]!;
    if (sawDoubleDash || word === '-' || !word.startsWith('-')) {
      positional.push(word);
    } else if (word === '--') {
      sawDoubleDash = true;
    } else if (word.startsWith('--')) {
      const equal = word.indexOf('=');
      const option = findLong(flags, word.slice(2, equal < 0 ? undefined : equal));
      if (option !== undefined) changed.add(optionKey(option));
      if ((option === undefined || option.value === 'required') && equal < 0) index++;
    } else {
      // A cluster of short flags: the first one that takes a value takes the rest (or the next word).
      for (let at = 1; at < word.length; at++) {
        const option = findShort(flags, word[at]!);
        if (option !== undefined) changed.add(optionKey(option));
        if (option === undefined || option.value !== 'none') {
          if (at === word.length - 1 && option?.value !== 'optional') index++;
          break;
        }
      }
    }
  }
  return { positional, changed, sawDoubleDash };
}

/** --kubeconfig, --host-cluster-context and --kubefed-namespace wherever they stand on the line. */
function scopeOf(flags: Flags, args: readonly string[]): CompletionScope {
  const scope: CompletionScope = { kubeconfig: undefined, hostClusterContext: undefined, kubefedNamespace: undefined };
  const keys: Record<string, keyof CompletionScope> = {
    kubeconfig: 'kubeconfig',
    'host-cluster-context': 'hostClusterContext',
    'kubefed-namespace': 'kubefedNamespace',
  };
  for (let index = 0; index < args.length; index++) {
    const word = args[index]!;
    if (word === '--') break;
    if (!word.startsWith('--')) continue;
    const equal = word.indexOf('=');
    const name = word.slice(2, equal < 0 ? undefined : equal);
    const key = keys[name];
    if (key === undefined) {
      if (equal < 0 && findLong(flags, name)?.value === 'required') index++;
      continue;
    }
    const value = equal < 0 ? args[++index] : word.slice(equal + 1);
    if (value !== undefined && value !== '') scope[key] = value;
  }
  return scope;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
