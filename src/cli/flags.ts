// Flags shared by several subcommands, declared once (as kubefedctl's GlobalSubcommandBind).

import { type Command, Option } from 'commander';
import { DEFAULT_KUBEFED_NAMESPACE } from '../core/constants.js';
import { UsageError } from '../errors.js';

export interface GlobalSubcommandFlags {
  kubeconfig?: string;
  hostClusterContext?: string;
  kubefedNamespace?: string;
  dryRun?: string;
}

export type DryRunStrategy = 'none' | 'client' | 'server';

export function addGlobalSubcommandFlags(command: Command, options: { hideNamespaceAndDryRun?: boolean } = {}): Command {
  command.option('--kubeconfig <path>', 'Path to the kubeconfig file to use for CLI requests.');
  command.option('--host-cluster-context <context>', 'Host cluster context');
  const namespace = new Option(
    '--kubefed-namespace <namespace>',
    `Namespace in the host cluster where the KubeFed system components are installed. This namespace will also be the target of propagation if the controller manager is running with namespaced scope. (default "${DEFAULT_KUBEFED_NAMESPACE}")`,
  );
  const dryRun = new Option(
    '--dry-run [strategy]',
    'Make no change: "client" (the default when given without a value) prints what would be done without writing; "server" sends the writes with dryRun=All so the API server validates them. A bare --dry-run works as in the Go tool.',
  ).choices(['none', 'client', 'server', 'true', 'false']);
  if (options.hideNamespaceAndDryRun) {
    namespace.hideHelp();
    dryRun.hideHelp();
  }
  command.addOption(namespace);
  command.addOption(dryRun);
  return command;
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
  return new Option('-o, --output <format>', description ?? `Output format; the objects are printed instead of created. One of: ${formats.join('|')}.`).choices(formats);
}

/** Parses a Go-style duration ("30s", "2m", "1m30s", "500ms"); a bare number means seconds. */
export function parseDuration(flag: string, value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const match of value.matchAll(pattern)) {
    const amount = Number(match[1]);
    const unit = match[2]!;
    total += amount * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit]!;
    consumed += match[0].length;
  }
  if (consumed !== value.length || consumed === 0) {
    throw new UsageError(`invalid duration "${value}" for ${flag}: use a number with a unit, e.g. 30s, 2m or 1m30s`);
  }
  return total;
}

/** Comma-separated list flags accumulate over repeats, as pflag's StringSlice. */
export function collectCommaList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function collectRepeated(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
