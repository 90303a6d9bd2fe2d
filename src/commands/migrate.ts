// kubefedctl migrate karmada|ocm: converts what KubeFed propagates into Karmada policies or Open
// Cluster Management works, offline (-f) or from the host cluster. This module wires the commands
// and completes their options; run/migrate.ts reads, converts and prints.

import { type Command, Option } from 'commander';
import {
  type GlobalSubcommandFlags,
  addBooleanFlag,
  addGlobalSubcommandFlags,
  collectRepeated,
  collectUsageProblem,
  namespaceOption,
  outputOption,
  throwIfUsageProblems,
} from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import { KARMADA_CLUSTER_NAMES, OCM_CLUSTER_NAMES, parseRenames } from '../core/migrate/cluster-names.js';
import {
  DEFAULT_CLUSTER_NAME_LABEL,
  DEFAULT_KARMADA_CLUSTER_NAMESPACE,
  DEFAULT_KARMADA_VERSION,
  DEFAULT_OCM_NAMESPACE,
  DEFAULT_OCM_WORK_NAME,
  EMPTY_PLACEMENT_MODES,
  type EmptyPlacementMode,
  type KarmadaMigrationOptions,
  MIGRATE_OUTPUT_FORMATS,
  type MigrateOutputFormat,
  OCM_MODES,
  type OcmMigrationOptions,
  type OcmMode,
  REPORT_FORMATS,
  type ReportFormat,
  parseKarmadaVersion,
} from '../core/migrate/options.js';
import { qualifiedNameProblems } from '../core/preview/label-selector.js';
import { dns1123SubdomainProblems } from '../core/naming.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../core/duration.js';

interface MigrateFlags extends GlobalSubcommandFlags {
  filename?: string[];
  recursive?: boolean;
  namespace?: string[];
  allNamespaces?: boolean;
  output?: MigrateOutputFormat;
  allowLossy?: boolean;
  rename?: string[];
  report?: string;
  reportFormat?: ReportFormat;
  // karmada
  emptyPlacement?: EmptyPlacementMode;
  karmadaVersion?: string;
  keepTemplateAnnotations?: boolean;
  karmadaClusterNamespace?: string;
  execute?: boolean;
  karmadaContext?: string;
  hostClusterName?: string;
  yes?: boolean;
  timeout?: string;
  // ocm
  mode?: OcmMode;
  workName?: string;
  ocmNamespace?: string;
  clusterNameLabel?: string;
}

export type MigrateInput =
  | { mode: 'offline'; filenames: string[]; recursive: boolean; kubefedNamespace: string | undefined }
  | {
      mode: 'online';
      kubeconfig: string | undefined;
      hostClusterContext: string | undefined;
      /** -n; undefined with -A, or for the context's namespace. */
      namespace: string | undefined;
      allNamespaces: boolean;
      kubefedNamespace: string | undefined;
    };

interface CommonMigrateOptions {
  input: MigrateInput;
  output: MigrateOutputFormat;
  allowLossy: boolean;
  /** --report FILE; undefined: stderr. */
  reportFile: string | undefined;
  reportFormat: ReportFormat;
}

export type MigrateOptions = CommonMigrateOptions & ({ target: 'karmada'; karmada: KarmadaMigrationOptions } | { target: 'ocm'; ocm: OcmMigrationOptions });

/** `migrate karmada --execute`: the cut-over itself (run/migrate-execute.ts). */
export interface CutoverOptions {
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
  karmadaContext: string;
  /** join's --host-cluster-name, to find what join created in the members; default the host context's name. */
  hostClusterName: string | undefined;
  /** One wave per namespace, in the order given; 'all' with -A. */
  namespaces: string[] | 'all';
  kubefedNamespace: string | undefined;
  karmada: KarmadaMigrationOptions;
  allowLossy: boolean;
  dryRun: 'none' | 'client';
  yes: boolean;
  timeoutMs: number;
}

const DEFAULT_CUTOVER_TIMEOUT_MS = 5 * 60_000;

export const migrateCommand: CommandDefinition = {
  name: 'migrate',
  summary: 'Convert what KubeFed propagates for Karmada or Open Cluster Management',
  group: true,
  register: registerMigrate,
};

function registerMigrate(command: Command, run: CommandRunner): void {
  const parent = command.description(
    'Convert Federated objects, their placements and overrides, ReplicaSchedulingPreferences and member clusters into the objects of another multi-cluster system. Writes nothing to any cluster: the output goes to stdout, the report to stderr.',
  );

  const karmada = parent
    .command('karmada')
    .summary('Print Karmada resource templates, (Cluster)PropagationPolicies, (Cluster)OverridePolicies and Clusters')
    .description(
      'Print, for every Federated object, its resource template with a (Cluster)PropagationPolicy and, for its overrides, a (Cluster)OverridePolicy; and for every KubeFedCluster a Karmada Cluster with its Secret. All or nothing: if anything cannot be converted as KubeFed propagates it, stdout stays empty and the exit code is 1 (--allow-lossy writes the rest). The report lists every finding and ends with the cut-over runbook.',
    );
  addInputFlags(karmada);
  karmada
    .addOption(
      new Option(
        '--empty-placement <mode>',
        'What to write for an object KubeFed places in no cluster: suspend (a policy with suspension.dispatching: true), omit (the template only) or error.',
      )
        .choices(EMPTY_PLACEMENT_MODES)
        .default('suspend'),
    )
    .option(
      '--karmada-version <version>',
      'The Karmada release the output is for: preserveResourcesOnDeletion needs v1.12, suspension v1.11.',
      DEFAULT_KARMADA_VERSION,
    )
    .option(
      '--karmada-cluster-namespace <namespace>',
      "Namespace of the Clusters' Secrets in Karmada (karmadactl join uses karmada-cluster).",
      DEFAULT_KARMADA_CLUSTER_NAMESPACE,
    );
  addBooleanFlag(karmada, '--keep-template-annotations', "Keep the templates' annotations, which KubeFed never propagated.");
  addBooleanFlag(
    karmada,
    '--execute',
    'Perform the cut-over instead of printing: register the members with Karmada (with credentials of its own), and per namespace mark the Federated objects for orphaning, apply the policies and templates and wait until Karmada has adopted every member object, then delete the Federated objects; once none is left, unjoin the members from KubeFed. Safe to stop and run again.',
  );
  karmada
    .option('--karmada-context <context>', 'With --execute: the kubeconfig context of the Karmada API server.')
    .option(
      '--host-cluster-name <name>',
      "With --execute: the --host-cluster-name the members were joined with (default: the host context's name), to find what join created in them.",
    )
    .option(
      '--timeout <duration>',
      "With --execute: how long to wait for Karmada to adopt a namespace's objects, for clusters to be Ready and for KubeFed to release its objects (e.g. 5m).",
      '5m',
    );
  addBooleanFlag(karmada, '-y, --yes', 'With --execute: do not ask for confirmation (required without a terminal).');
  karmada.addHelpText(
    'after',
    `
Examples:
  # Offline, from the manifests in Git
  kubefedctl migrate karmada -f federated/ -R > karmada.yaml

  # From the host cluster, every namespace, the report as JSON in a file
  kubefedctl migrate karmada --host-cluster-context host -A --report report.json --report-format json > karmada.yaml

  # Karmada refuses cluster names over 48 characters or with dots
  kubefedctl migrate karmada -f federated/ --rename cluster-1.eu-west-1.example.com=cluster-1

  # The cut-over: see every phase and object, then a canary namespace, then the rest
  kubefedctl migrate karmada --host-cluster-context host --karmada-context karmada -n shop --execute --dry-run
  kubefedctl migrate karmada --host-cluster-context host --karmada-context karmada -n shop --execute
  kubefedctl migrate karmada --host-cluster-context host --karmada-context karmada -A --execute --yes`,
  );
  karmada.action(migrateAction('karmada', run));

  const ocm = parent
    .command('ocm')
    .summary('Print Open Cluster Management ManifestWorks (or ManifestWorkReplicaSets with Placements)')
    .description(
      'Render what KubeFed writes to each member cluster (placement, overrides and ReplicaSchedulingPreferences as KubeFed applies them) and print it as one ManifestWork per cluster (--mode manifestwork), or as ManifestWorkReplicaSets with Placements for the clusters that get identical objects (--mode replicaset). Clusters are not converted: the report lists the clusteradm commands that register them. All or nothing, as migrate karmada.',
    );
  addInputFlags(ocm);
  ocm
    .addOption(
      new Option('--mode <mode>', "manifestwork: one ManifestWork per cluster, in the cluster's namespace; replicaset: ManifestWorkReplicaSets and Placements.")
        .choices(OCM_MODES)
        .default('manifestwork'),
    )
    .option(
      '--work-name <name>',
      "manifestwork: the name of every cluster's ManifestWork (applying a second output with the same name replaces the first one's objects).",
      DEFAULT_OCM_WORK_NAME,
    )
    .option(
      '--ocm-namespace <namespace>',
      'replicaset: the hub namespace of the ManifestWorkReplicaSets and Placements (bind a ManagedClusterSet to it).',
      DEFAULT_OCM_NAMESPACE,
    )
    .option(
      '--cluster-name-label <key>',
      "replicaset: the ManagedCluster label that holds the cluster's name, which the Placements select by.",
      DEFAULT_CLUSTER_NAME_LABEL,
    );
  ocm.addHelpText(
    'after',
    `
Examples:
  kubefedctl migrate ocm -f federated/ -R > ocm.yaml
  kubefedctl migrate ocm --mode replicaset --host-cluster-context host -A > ocm.yaml`,
  );
  ocm.action(migrateAction('ocm', run));
  // Like orphaning-deletion: without a subcommand, print help and succeed.
  parent.action(() => run(async () => void parent.outputHelp()));
}

function migrateAction(target: MigrateOptions['target'], run: CommandRunner): (flags: MigrateFlags) => Promise<void> {
  return (flags) =>
    run(async (env) => {
      if (target === 'karmada' && flags.execute) {
        const cutover = completeCutoverOptions(flags);
        const { runCutover } = await import('../run/migrate-execute.js');
        await runCutover(cutover, env);
        return;
      }
      for (const flag of ['karmadaContext', 'hostClusterName', 'yes'] as const) {
        if (flags[flag] !== undefined)
          throw new UsageError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} only applies with --execute`, {
            hint: `See 'kubefedctl migrate ${target} --help'.`,
          });
      }
      if ((flags.namespace?.length ?? 0) > 1)
        throw new UsageError(
          '-n/--namespace is given more than once: several namespaces are cut over one at a time with --execute; printing takes one namespace or -A',
          { hint: `See 'kubefedctl migrate ${target} --help'.` },
        );
      const options = completeMigrateOptions(target, flags);
      const { runMigrate } = await import('../run/migrate.js');
      await runMigrate(options, env);
    });
}

function addInputFlags(command: Command): void {
  addGlobalSubcommandFlags(command);
  // migrate never writes to a cluster: --dry-run is accepted (scripts pass it everywhere) and means nothing.
  command.options.find((option) => option.long === '--dry-run')?.hideHelp();
  command.option(
    '-f, --filename <path>',
    'Manifests to migrate offline: a file, a directory (its .yaml, .yml and .json files) or - for stdin. May be repeated. Needs no cluster.',
    collectRepeated,
  );
  addBooleanFlag(command, '-R, --recursive', 'With -f, process directories recursively.');
  command.addOption(
    namespaceOption(
      "From the host cluster: migrate the Federated objects of this namespace (default: the context's namespace). With --execute it may be repeated: the namespaces are cut over one at a time, in the order given (a canary first).",
    ).argParser(collectRepeated),
  );
  addBooleanFlag(command, '-A, --all-namespaces', 'From the host cluster: migrate the Federated objects of every namespace, and the cluster-scoped ones.');
  command.addOption(
    outputOption(MIGRATE_OUTPUT_FORMATS, 'Output format on stdout: yaml (a `# from:` comment on each document) or json (a List).').default('yaml'),
  );
  addBooleanFlag(
    command,
    '--allow-lossy',
    'Write the output even if something cannot be converted as KubeFed propagates it (the report says what is left out or approximated).',
  );
  command
    .option(
      '--rename <old=new>',
      'Give a member cluster another name, everywhere in the output (repeatable). Needed for names the target refuses.',
      collectRepeated,
    )
    .option('--report <file>', 'Write the report to this file instead of stderr.')
    .addOption(new Option('--report-format <format>', 'Report format: text or json.').choices(REPORT_FORMATS).default('text'));
}

function completeMigrateOptions(target: 'karmada' | 'ocm', flags: MigrateFlags): MigrateOptions {
  const problems: string[] = [];
  const filenames = flags.filename ?? [];
  let input: MigrateInput;
  if (filenames.length > 0) {
    for (const [flag, given] of [
      ['--host-cluster-context', flags.hostClusterContext !== undefined],
      ['--kubeconfig', flags.kubeconfig !== undefined],
      ['-n/--namespace', flags.namespace !== undefined],
      ['-A/--all-namespaces', flags.allNamespaces === true],
    ] as const) {
      if (given) problems.push(`${flag} reads from the host cluster and cannot be combined with -f/--filename`);
    }
    input = { mode: 'offline', filenames, recursive: flags.recursive === true, kubefedNamespace: flags.kubefedNamespace || undefined };
  } else {
    if (flags.recursive) problems.push('-R/--recursive only applies with -f/--filename');
    if (flags.namespace !== undefined && flags.allNamespaces) problems.push('-n/--namespace and -A/--all-namespaces cannot be combined');
    input = {
      mode: 'online',
      kubeconfig: flags.kubeconfig,
      hostClusterContext: flags.hostClusterContext || undefined,
      namespace: flags.namespace?.[0] || undefined,
      allNamespaces: flags.allNamespaces === true,
      kubefedNamespace: flags.kubefedNamespace || undefined,
    };
  }
  const renames =
    collectUsageProblem(problems, () => parseRenames(flags.rename ?? [], target === 'karmada' ? KARMADA_CLUSTER_NAMES : OCM_CLUSTER_NAMES)) ??
    new Map<string, string>();
  const common: CommonMigrateOptions = {
    input,
    output: flags.output ?? 'yaml',
    allowLossy: flags.allowLossy === true,
    reportFile: flags.report || undefined,
    reportFormat: flags.reportFormat ?? 'text',
  };
  const checkName = (flag: string, value: string) => {
    const nameProblems = dns1123SubdomainProblems(value);
    if (nameProblems.length > 0) problems.push(`invalid ${flag} "${value}": it ${nameProblems.join('; ')}`);
  };
  let options: MigrateOptions;
  if (target === 'karmada') {
    const clusterNamespace = flags.karmadaClusterNamespace ?? DEFAULT_KARMADA_CLUSTER_NAMESPACE;
    checkName('--karmada-cluster-namespace', clusterNamespace);
    const karmadaVersion = collectUsageProblem(problems, () => parseKarmadaVersion(flags.karmadaVersion ?? DEFAULT_KARMADA_VERSION));
    options = {
      ...common,
      target,
      karmada: {
        emptyPlacement: flags.emptyPlacement ?? 'suspend',
        renames,
        karmadaVersion: karmadaVersion ?? { major: 0, minor: 0 },
        keepTemplateAnnotations: flags.keepTemplateAnnotations === true,
        clusterNamespace,
      },
    };
  } else {
    const workName = flags.workName ?? DEFAULT_OCM_WORK_NAME;
    const namespace = flags.ocmNamespace ?? DEFAULT_OCM_NAMESPACE;
    checkName('--work-name', workName);
    checkName('--ocm-namespace', namespace);
    const clusterNameLabel = flags.clusterNameLabel ?? DEFAULT_CLUSTER_NAME_LABEL;
    const labelProblems = qualifiedNameProblems(clusterNameLabel);
    if (labelProblems.length > 0) problems.push(`invalid --cluster-name-label "${clusterNameLabel}": ${labelProblems.join('; ')}`);
    options = { ...common, target, ocm: { mode: flags.mode ?? 'manifestwork', renames, workName, namespace, clusterNameLabel } };
  }
  throwIfUsageProblems(problems, `migrate ${target}`);
  return options;
}

function completeCutoverOptions(flags: MigrateFlags): CutoverOptions {
  const problems: string[] = [];
  if ((flags.filename ?? []).length > 0) problems.push('--execute reads from the host cluster and cannot be combined with -f/--filename');
  if (!flags.karmadaContext) problems.push('--execute needs --karmada-context: the kubeconfig context of the Karmada API server');
  const namespaces = flags.namespace ?? [];
  if (namespaces.length > 0 && flags.allNamespaces) problems.push('-n/--namespace and -A/--all-namespaces cannot be combined');
  if (namespaces.length === 0 && !flags.allNamespaces)
    problems.push(
      '--execute needs the namespaces to cut over: -n NS (repeatable, one at a time in that order) or -A for every namespace and the cluster-scoped Federated objects',
    );
  if (flags.output !== undefined && flags.output !== 'yaml') problems.push('--execute prints what it did, not objects: -o does not apply');
  const dryRun = flags.dryRun === undefined || flags.dryRun === 'false' || flags.dryRun === 'none' ? 'none' : flags.dryRun === 'server' ? undefined : 'client';
  if (dryRun === undefined)
    problems.push('--execute --dry-run=server is not supported: Karmada would adopt nothing, so no later phase could be checked; use --dry-run');
  const timeoutMs = collectUsageProblem(problems, () => parseDuration('--timeout', flags.timeout ?? '5m')) ?? 0;
  const printable = completeMigrateOptions('karmada', {
    ...flags,
    namespace: undefined,
    allNamespaces: false,
    karmadaContext: undefined,
    hostClusterName: undefined,
    yes: undefined,
    timeout: undefined,
  });
  throwIfUsageProblems(problems, 'migrate karmada');
  if (printable.target !== 'karmada') throw new UsageError('internal: karmada options expected');
  return {
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext || undefined,
    karmadaContext: flags.karmadaContext!,
    hostClusterName: flags.hostClusterName || undefined,
    namespaces: flags.allNamespaces ? 'all' : namespaces,
    kubefedNamespace: flags.kubefedNamespace || undefined,
    karmada: printable.karmada,
    allowLossy: flags.allowLossy === true,
    dryRun: dryRun ?? 'none',
    yes: flags.yes === true,
    timeoutMs: timeoutMs || DEFAULT_CUTOVER_TIMEOUT_MS,
  };
}
