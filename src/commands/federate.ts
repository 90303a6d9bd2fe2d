// kubefedctl federate: offline (-f) and from a cluster (TYPE NAME). This module wires the command
// and completes its options; run/federate-offline.ts and run/federate-online.ts do the work.

import { type Command, Option } from 'commander';
import {
  type DryRunStrategy,
  type GlobalSubcommandFlags,
  type OutputFlags,
  addBooleanFlag,
  addErrorOnExistingFlag,
  addGlobalSubcommandFlags,
  collectCommaList,
  collectRepeated,
  dryRunStrategy,
  kubefedNamespace,
  namespaceOption,
  outputOption,
  throwIfUsageProblems,
} from '../cli/flags.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import { UsageError } from '../errors.js';
import { ANNOTATIONS_MODES, type AnnotationsMode, type Placement } from '../core/federate.js';
import type { OutputFormat } from '../core/printers.js';

interface FederateFlags extends GlobalSubcommandFlags, OutputFlags {
  namespace?: string;
  enableType?: boolean;
  contents?: boolean;
  filename?: string[];
  recursive?: boolean;
  skipApiResources?: string[];
  placementClusters?: string[];
  clusterSelector?: string[];
  errorOnExisting?: boolean;
  passthroughKinds?: string[];
  passthroughHelmHooks?: boolean;
  krm?: boolean;
  annotations?: AnnotationsMode;
}

export type FederateOptions =
  | {
      mode: 'offline';
      filenames: string[];
      recursive: boolean;
      output: OutputFormat;
      placement: Placement;
      passthroughKinds: string[];
      passthroughHelmHooks: boolean;
      ignoredFlags: string[];
      annotations: AnnotationsMode;
    }
  | { mode: 'krm'; placement: Placement; passthroughKinds: string[]; ignoredFlags: string[] }
  | {
      mode: 'online';
      typeName: string;
      resourceName: string;
      namespace: string | undefined;
      output: OutputFormat | undefined;
      enableType: boolean;
      contents: boolean;
      skipApiResources: string[];
      placement: Placement;
      annotations: AnnotationsMode;
      errorOnExisting: boolean;
      dryRun: DryRunStrategy;
      kubeconfig: string | undefined;
      hostClusterContext: string | undefined;
      kubefedNamespace: string;
    };

export const federateCommand: CommandDefinition = {
  name: 'federate',
  summary: 'Federate creates a federated resource from a kubernetes resource',
  arguments: [
    ['[TYPE-NAME]', 'API type of the resource, e.g. deployments.apps, cm, namespace'],
    ['[RESOURCE-NAME]', 'name of the resource'],
  ],
  register: registerFederate,
};

function registerFederate(command: Command, run: CommandRunner): void {
  command.description(
    'Federate creates a federated resource from a kubernetes resource: from the host cluster (TYPE-NAME RESOURCE-NAME), or offline from manifests (-f FILE|DIR|-), which needs no cluster and no kubeconfig.',
  );
  addGlobalSubcommandFlags(command);
  command
    .addOption(namespaceOption('The namespace of the resource to federate.'))
    .addOption(
      outputOption(
        ['yaml', 'json'],
        'If provided, the resources that would be created in the API by the command are instead output to stdout in the provided format. One of: yaml|json.',
      ),
    );
  addBooleanFlag(command, '-t, --enable-type', 'If true, attempt to enable federation of the API type of the resource before creating the federated resource.');
  addBooleanFlag(
    command,
    '-c, --contents',
    'Applicable only to namespaces. If provided, the command will federate all resources within the namespace after federating the namespace.',
  );
  command.option(
    '-f, --filename <path>',
    'Manifests to federate offline: a file, a directory (its .yaml, .yml and .json files) or - for stdin. May be repeated. Only emits federated resources to standard output; needs no cluster.',
    collectRepeated,
  );
  addBooleanFlag(command, '-R, --recursive', 'With -f, process directories recursively.');
  command
    .option(
      '-s, --skip-api-resources <names>',
      'Comma-separated API resources to skip when federating namespace contents: short names, kinds, plurals, group-qualified plurals, or groups.',
      collectCommaList,
    )
    .option(
      '--placement-clusters <names>',
      'Comma-separated member clusters to place the federated resources in (spec.placement.clusters). Default: all joined clusters.',
      collectCommaList,
    )
    .option('--cluster-selector <k=v,...>', 'Place in clusters whose labels match (spec.placement.clusterSelector.matchLabels).', collectCommaList);
  addErrorOnExistingFlag(command, 'Fail if the federated resource already exists instead of updating it to match.');
  command.option(
    '--passthrough-kinds <kinds>',
    'With -f or --krm: comma-separated kinds to emit unchanged instead of federated, e.g. CustomResourceDefinition,Namespace (a kind, or kind.group).',
    collectCommaList,
  );
  addBooleanFlag(
    command,
    '--passthrough-helm-hooks',
    'With -f: emit Helm hooks (objects annotated helm.sh/hook) unchanged, so they stay hooks. Helm 4 sends hooks to post-renderers; its kubefedctl plugin sets this.',
  );
  command.addOption(
    new Option(
      '--annotations <mode>',
      'What to do with the annotations of the objects, which KubeFed strips from templates: drop (warn, as the Go tool does) or overrides (keep them as spec.overrides of every placed cluster, applied on create and update; offline this needs --placement-clusters). See docs/compatibility.md.',
    ).choices(ANNOTATIONS_MODES),
  );
  addBooleanFlag(
    command,
    '--krm',
    'Run as a KRM function (kustomize exec function, kpt): read a ResourceList on stdin and write the federated ResourceList to stdout. Placement and passthrough kinds may come from the functionConfig.',
  );
  command
    .addHelpText(
      'after',
      `
Examples:
  # Federate a ConfigMap of the host cluster (type enabled already)
  kubefedctl federate cm my-cm -n my-ns --host-cluster-context=cluster1

  # Federate a namespace and everything in it
  kubefedctl federate namespace app --contents --enable-type

  # Offline: federate manifests (no cluster or kubeconfig needed)
  kubefedctl federate -f deployment.yaml
  helm template ./chart | kubefedctl federate -f - --placement-clusters cluster1,cluster2

  # As a Helm post-renderer (Helm >= 3.9), CRDs and Namespaces left as they are
  helm install web ./chart --post-renderer kubefedctl --post-renderer-args federate \
    --post-renderer-args -f --post-renderer-args - --post-renderer-args --passthrough-kinds=CustomResourceDefinition,Namespace

  # As a kustomize exec KRM function (see the README)
  kustomize build --enable-alpha-plugins --enable-exec ./overlay`,
    )
    .action((typeName: string | undefined, resourceName: string | undefined, flags: FederateFlags) =>
      run(async (env) => {
        const options = completeFederateOptions(
          [typeName, resourceName].filter((a): a is string => a !== undefined),
          flags,
        );
        if (options.mode === 'offline') {
          const { runOfflineFederate } = await import('../run/federate-offline.js');
          await runOfflineFederate(options, env);
        } else if (options.mode === 'krm') {
          const { runKrmFederate } = await import('../run/krm.js');
          await runKrmFederate(options, env);
        } else {
          const { runOnlineFederate } = await import('../run/federate-online.js');
          await runOnlineFederate(options, env);
        }
      }),
    );
}

function completeFederateOptions(args: string[], flags: FederateFlags): FederateOptions {
  const placement = completePlacement(flags);
  const passthroughKinds = flags.passthroughKinds ?? [];
  const offlineIgnoredFlags = () =>
    (
      [
        ['--namespace', flags.namespace !== undefined],
        ['--enable-type', flags.enableType === true],
        ['--contents', flags.contents === true],
        ['--skip-api-resources', (flags.skipApiResources ?? []).length > 0],
      ] as const
    )
      .filter(([, given]) => given)
      .map(([name]) => name);
  if (flags.krm) {
    const problems: string[] = [];
    if (args.length > 0) problems.push(`--krm takes no args (it reads a ResourceList on stdin). Got args: [${args.join(' ')}]`);
    if (flags.filename && flags.filename.length > 0) problems.push('--krm reads a ResourceList on stdin: it cannot be combined with -f/--filename');
    if (flags.output) problems.push('--krm always writes a ResourceList: -o/--output does not apply');
    if (flags.annotations === 'overrides') problems.push('--annotations=overrides is not supported with --krm (use -f with --placement-clusters)');
    throwIfUsageProblems(problems, 'federate');
    return { mode: 'krm', placement, passthroughKinds, ignoredFlags: offlineIgnoredFlags() };
  }
  if (flags.filename && flags.filename.length > 0) {
    if (args.length > 0) throw new UsageError(`Flag '--filename' does not take any args. Got args: [${args.join(' ')}]`);
    if (flags.annotations === 'overrides' && placement.clusters === undefined) {
      throw new UsageError(
        '--annotations=overrides with -f needs --placement-clusters: overrides name each member cluster, and offline federate does not know the joined ones',
        {
          hint: 'Add --placement-clusters c1,c2, or federate from the host cluster (TYPE NAME), which reads the joined clusters.',
        },
      );
    }
    return {
      mode: 'offline',
      filenames: flags.filename,
      recursive: flags.recursive === true,
      output: flags.output ?? 'yaml',
      placement,
      passthroughKinds,
      passthroughHelmHooks: flags.passthroughHelmHooks === true,
      ignoredFlags: offlineIgnoredFlags(),
      annotations: flags.annotations ?? 'drop',
    };
  }
  const problems: string[] = [];
  if (flags.recursive) problems.push('-R/--recursive only applies with -f/--filename');
  if (passthroughKinds.length > 0) problems.push('--passthrough-kinds only applies with -f/--filename or --krm');
  if (flags.passthroughHelmHooks) problems.push('--passthrough-helm-hooks only applies with -f/--filename');
  if (args.length === 0) problems.push('TYPE-NAME is required (or give -f FILE to federate manifests offline)');
  else if (args.length === 1) problems.push('RESOURCE-NAME is required');
  if (flags.enableType && flags.output) problems.push(`Flag '--enable-type' cannot be used with '--output [${flags.output}]'`);
  throwIfUsageProblems(problems, 'federate');
  return {
    mode: 'online',
    typeName: args[0]!,
    resourceName: args[1]!,
    namespace: flags.namespace,
    output: flags.output,
    enableType: flags.enableType === true,
    contents: flags.contents === true,
    skipApiResources: flags.skipApiResources ?? [],
    placement,
    annotations: flags.annotations ?? 'drop',
    errorOnExisting: flags.errorOnExisting === true,
    dryRun: dryRunStrategy(flags.dryRun),
    kubeconfig: flags.kubeconfig,
    hostClusterContext: flags.hostClusterContext || undefined,
    kubefedNamespace: kubefedNamespace(flags),
  };
}

function completePlacement(flags: FederateFlags): Placement {
  const clusters = flags.placementClusters;
  const selector = flags.clusterSelector;
  if (clusters && selector) {
    throw new UsageError('--placement-clusters and --cluster-selector cannot be combined: KubeFed ignores the selector when a cluster list is set');
  }
  if (clusters) {
    if (clusters.length === 0) throw new UsageError('--placement-clusters needs at least one cluster name');
    return { clusters };
  }
  if (selector) {
    const matchLabels: Record<string, string> = {};
    for (const pair of selector) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`invalid --cluster-selector entry "${pair}": expected key=value`);
      matchLabels[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return { matchLabels };
  }
  return {};
}
