// kubefedctl preview: what KubeFed would write to every member cluster, without writing anything.
// Offline from manifests (-f, no kubeconfig and no network), or online from the Federated objects
// of one type on the host cluster (TYPE [NAME]), optionally against each member's live objects
// (--live). This module wires the command and completes its options; run/preview-offline.ts and
// run/preview-online.ts read the inputs, the pure engine in core/preview decides.

import { type Command, Option } from 'commander';
import { addBooleanFlag, collectRepeated, collectUsageProblem, namespaceOption, throwIfUsageProblems } from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import { DEFAULT_KUBEFED_NAMESPACE } from '../core/constants.js';
import type { KubeFedScope, MemberCluster, PreviewOutputFormat } from '../core/preview/index.js';

interface PreviewFlags {
  filename?: string[];
  recursive?: boolean;
  cluster?: string[];
  clustersFile?: string[];
  typeConfig?: string[];
  namespace?: string;
  allNamespaces?: boolean;
  live?: boolean;
  memberContext?: string[];
  kubeconfig?: string;
  hostClusterContext?: string;
  kubefedNamespace?: string;
  scope?: KubeFedScope;
  simulateRsp?: boolean;
  onlyCluster?: string;
  output?: PreviewOutputFormat;
  outputDir?: string;
  explain?: boolean;
  showResourceVersion?: boolean;
}

/** How the answer is printed (both modes). */
export interface PreviewPrintOptions {
  output: PreviewOutputFormat;
  /** Write one plain YAML stream per member cluster, <dir>/<cluster>.yaml, instead of printing the objects. */
  outputDir: string | undefined;
  /** Print each object's per-cluster verdict and reason instead of the objects. */
  explain: boolean;
  onlyCluster: string | undefined;
  showResourceVersion: boolean;
}

interface PreviewCommonOptions extends PreviewPrintOptions {
  scope: KubeFedScope | undefined;
  simulateRsp: boolean;
}

export interface OfflinePreviewOptions extends PreviewCommonOptions {
  mode: 'offline';
  filenames: string[];
  recursive: boolean;
  /** From --cluster flags, parsed. */
  clusters: MemberCluster[];
  clustersFiles: string[];
  typeConfigFiles: string[];
  /** --kubefed-namespace if given (else the KubeFedConfig's namespace, else the default). */
  kubefedNamespace: string | undefined;
}

export interface OnlinePreviewOptions extends PreviewCommonOptions {
  mode: 'online';
  typeName: string;
  resourceName: string | undefined;
  namespace: string | undefined;
  allNamespaces: boolean;
  live: boolean;
  /** --member-context CLUSTER=CONTEXT; other clusters use the context named like them. */
  memberContexts: Map<string, string>;
  kubeconfig: string | undefined;
  hostClusterContext: string | undefined;
  kubefedNamespace: string;
}

export type PreviewOptions = OfflinePreviewOptions | OnlinePreviewOptions;

// Kept here rather than imported from core/preview/render.ts, which loads the YAML printer: --help stays light.
const OUTPUT_FORMATS = ['yaml', 'json', 'name'] as const satisfies readonly PreviewOutputFormat[];

export const previewCommand: CommandDefinition = {
  name: 'preview',
  summary: 'Shows what KubeFed would write to each member cluster, without writing anything',
  arguments: [
    ['[TYPE]', 'online: the federated type (e.g. FederatedDeployment, federateddeployments.types.kubefed.io) or its target type (e.g. deployments.apps)'],
    ['[NAME]', 'online: one federated object of that type'],
  ],
  register: registerPreview,
};

function registerPreview(command: Command, run: CommandRunner): void {
  command.description(
    'Shows, per member cluster, the objects KubeFed v0.10.0 would create there (placement, FederatedNamespaces, overrides, ReplicaSchedulingPreferences) and where it would fail. Offline from manifests (-f, no kubeconfig and no network needed), or online from the Federated objects of one type on the host cluster (TYPE [NAME]); with --live, also against what each member cluster holds now.',
  );
  command.option(
    '-f, --filename <path>',
    'Offline: Federated objects, FederatedNamespaces, ReplicaSchedulingPreferences, and optionally a KubeFedConfig, FederatedTypeConfigs and KubeFedClusters, from a file, a directory (its .yaml, .yml and .json files) or - for stdin. May be repeated.',
    collectRepeated,
  );
  addBooleanFlag(command, '-R, --recursive', 'With -f, process directories recursively.');
  command
    .option(
      '--cluster <NAME[:key=value,...][:notready]>',
      'Offline: a member cluster, with its labels; Ready unless marked notready. May be repeated.',
      collectRepeated,
    )
    .option(
      '--clusters-file <file>',
      'Offline: KubeFedCluster manifests (e.g. kubectl get kubefedclusters -n kube-federation-system -o yaml): names, labels and Ready conditions. May be repeated.',
      collectRepeated,
    )
    .option(
      '--type-config <file>',
      "Offline: FederatedTypeConfig manifests; they replace the built-in ones of the same name (the types KubeFed's chart enables). May be repeated.",
      collectRepeated,
    )
    .addOption(namespaceOption("Online: the namespace of the Federated objects (default: the context's namespace)."))
    .addOption(new Option('-A, --all-namespaces', 'Online: the Federated objects of every namespace.'));
  addBooleanFlag(
    command,
    '--live',
    "Online: also read each member cluster's current objects, so actions are create, update, adopt, unchanged, delete... as KubeFed would decide them.",
  );
  command
    .option(
      '--member-context <CLUSTER=CONTEXT>',
      'Online with --live: the kubeconfig context of a member cluster (default: the context named like the cluster). May be repeated.',
      collectRepeated,
    )
    .option('--kubeconfig <path>', 'Online: path to the kubeconfig file to use for CLI requests.')
    .option('--host-cluster-context <context>', 'Online: host cluster context')
    .option(
      '--kubefed-namespace <namespace>',
      `Namespace of the KubeFed control plane: where KubeFedClusters, the KubeFedConfig and FederatedTypeConfigs are read, and what scope Namespaced watches. (default: the input KubeFedConfig's namespace, else "${DEFAULT_KUBEFED_NAMESPACE}")`,
    )
    .addOption(new Option('--scope <scope>', "KubeFed's scope, instead of the KubeFedConfig's (default Cluster).").choices(['Cluster', 'Namespaced']));
  addBooleanFlag(
    command,
    '--simulate-rsp',
    "Apply ReplicaSchedulingPreferences as KubeFed's scheduler would (placement and /spec/replicas overrides of their FederatedDeployment or FederatedReplicaSet). Online, the host's objects already carry the scheduler's result.",
  );
  command
    .option('--only-cluster <name>', 'Show one member cluster only; -o yaml then prints a plain stream for `kubectl --context <name> diff -f -`.')
    .addOption(
      new Option(
        '-o, --output <format>',
        'Output format. One of: yaml|json|name. yaml heads each object with a comment naming its cluster, action and source.',
      ).choices(OUTPUT_FORMATS),
    )
    .option(
      '--output-dir <dir>',
      'Write one plain YAML stream per member cluster, <dir>/<cluster>.yaml (what --only-cluster <cluster> -o yaml prints), instead of printing the objects.',
    );
  addBooleanFlag(
    command,
    '--explain',
    "Print, per federated object, each member cluster's verdict and why (e.g. dropped: namespace has no FederatedNamespace), instead of the objects.",
  );
  addBooleanFlag(
    command,
    '--show-resource-version',
    'Keep metadata.resourceVersion in the objects (hidden by default, so that kubectl diff does not conflict).',
  );
  command
    .addHelpText(
      'after',
      `
Exit codes: 0 when KubeFed would propagate everything shown; 1 when it would fail somewhere
(ComputePlacementFailed, ApplyOverridesFailed, FieldRetentionFailed, ManagedLabelFalse,
AlreadyExists: listed on stderr, everything else still printed); 2 for invalid input (stdout empty).

Examples:
  # Offline: which objects land in which cluster, with overrides applied
  kubefedctl preview -f examples/preview --cluster cluster1 --cluster cluster2

  # Clusters with labels (for clusterSelector placements), one of them not Ready
  kubefedctl preview -f app/ -R --cluster eu1:region=eu --cluster us1:region=us:notready

  # The plain stream for one cluster, to diff against it
  kubefedctl preview -f app/ --clusters-file clusters.yaml --only-cluster cluster2 | kubectl --context cluster2 diff -f -

  # Why an object goes (or not) to each cluster
  kubefedctl preview -f app/ --cluster cluster1 --cluster cluster2 --explain

  # Online: the FederatedDeployments of namespace app, against what the members hold now
  kubefedctl preview federateddeployments -n app --host-cluster-context cluster1 --live`,
    )
    .action((type: string | undefined, name: string | undefined, flags: PreviewFlags) =>
      run(async (env) => {
        const { parseClusterFlag } = await import('../core/preview/inputs.js');
        const options = completePreviewOptions(
          [type, name].filter((arg): arg is string => arg !== undefined),
          flags,
          parseClusterFlag,
        );
        if (options.mode === 'offline') {
          const { runOfflinePreview } = await import('../run/preview-offline.js');
          await runOfflinePreview(options, env);
        } else {
          const { runOnlinePreview } = await import('../run/preview-online.js');
          await runOnlinePreview(options, env);
        }
      }),
    );
}

/** Resolves the mode and every flag; all problems of the command line are reported at once. */
function completePreviewOptions(args: readonly string[], flags: PreviewFlags, parseCluster: (value: string) => MemberCluster): PreviewOptions {
  const problems: string[] = [];
  const given = (entries: ReadonlyArray<readonly [string, boolean]>) => entries.filter(([, isGiven]) => isGiven).map(([flag]) => flag);
  const filenames = flags.filename ?? [];
  const offline = filenames.length > 0;

  if (flags.explain && flags.output !== undefined) problems.push("--explain prints each cluster's verdict as text; it cannot be combined with -o");
  if (flags.outputDir !== undefined && flags.output !== undefined && flags.output !== 'yaml') {
    problems.push(`--output-dir writes YAML streams (one per cluster); it cannot be combined with -o ${flags.output}`);
  }
  if (flags.outputDir === '') problems.push('--output-dir needs a directory');
  const common: PreviewCommonOptions = {
    output: flags.output ?? 'yaml',
    outputDir: flags.outputDir || undefined,
    explain: flags.explain === true,
    onlyCluster: flags.onlyCluster,
    showResourceVersion: flags.showResourceVersion === true,
    scope: flags.scope,
    simulateRsp: flags.simulateRsp === true,
  };

  if (offline) {
    if (args.length > 0) problems.push(`-f/--filename previews manifests offline and takes no TYPE or NAME argument (got: ${args.join(' ')})`);
    for (const flag of given([
      ['-n/--namespace', flags.namespace !== undefined],
      ['-A/--all-namespaces', flags.allNamespaces === true],
      ['--live', flags.live === true],
      ['--member-context', (flags.memberContext ?? []).length > 0],
      ['--kubeconfig', flags.kubeconfig !== undefined],
      ['--host-cluster-context', flags.hostClusterContext !== undefined],
    ])) {
      problems.push(`${flag} applies to online preview (TYPE [NAME]); with -f nothing is read from a cluster`);
    }
    const stdinReaders = [...filenames, ...(flags.clustersFile ?? []), ...(flags.typeConfig ?? [])].filter((file) => file === '-').length;
    if (stdinReaders > 1) problems.push('- (stdin) may be given only once among -f, --clusters-file and --type-config');
    const clusters: MemberCluster[] = [];
    for (const value of flags.cluster ?? []) {
      const cluster = collectUsageProblem(problems, () => parseCluster(value));
      if (cluster !== undefined) clusters.push(cluster);
    }
    throwIfUsageProblems(problems, 'preview');
    return {
      ...common,
      mode: 'offline',
      filenames,
      recursive: flags.recursive === true,
      clusters,
      clustersFiles: flags.clustersFile ?? [],
      typeConfigFiles: flags.typeConfig ?? [],
      kubefedNamespace: flags.kubefedNamespace || undefined,
    };
  }

  for (const flag of given([
    ['-R/--recursive', flags.recursive === true],
    ['--cluster', (flags.cluster ?? []).length > 0],
    ['--clusters-file', (flags.clustersFile ?? []).length > 0],
    ['--type-config', (flags.typeConfig ?? []).length > 0],
  ])) {
    problems.push(`${flag} applies to offline preview (-f); online, clusters and types are read from the host cluster`);
  }
  if (args.length === 0)
    problems.push('TYPE is required: give -f FILE|DIR|- to preview manifests offline, or TYPE [NAME] to preview what is on the host cluster');
  const allNamespaces = flags.allNamespaces === true;
  if (allNamespaces && flags.namespace !== undefined) problems.push('-A/--all-namespaces and -n/--namespace cannot be combined');
  if (allNamespaces && args.length > 1) problems.push('a NAME cannot be combined with -A/--all-namespaces');
  const memberContexts = new Map<string, string>();
  for (const value of flags.memberContext ?? []) {
    const equals = value.indexOf('=');
    const cluster = equals < 0 ? '' : value.slice(0, equals);
    const context = equals < 0 ? '' : value.slice(equals + 1);
    if (cluster === '' || context === '') problems.push(`invalid --member-context "${value}": expected CLUSTER=CONTEXT`);
    else if (memberContexts.has(cluster)) problems.push(`--member-context names cluster "${cluster}" twice`);
    else memberContexts.set(cluster, context);
  }
  const live = flags.live === true;
  if (memberContexts.size > 0 && !live) problems.push('--member-context is only used with --live (member clusters are read only then)');
  throwIfUsageProblems(problems, 'preview');
  return {
    ...common,
    mode: 'online',
    typeName: args[0]!,
    resourceName: args[1],
    namespace: flags.namespace || undefined,
    allNamespaces,
    live,
    memberContexts,
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext || undefined,
    kubefedNamespace: flags.kubefedNamespace || DEFAULT_KUBEFED_NAMESPACE,
  };
}
