// Offline preview: manifests from files, directories or stdin, member clusters from --cluster and
// --clusters-file, FederatedTypeConfigs from --type-config (over the built-in ones). No kubeconfig,
// no network. Everything is read and validated before anything is printed.

import type { CommandEnv } from '../cli/command-env.js';
import type { OfflinePreviewOptions } from '../commands/preview.js';
import { KUBEFED_CORE_GROUP } from '../core/constants.js';
import { type ManifestObject, parseManifests } from '../core/manifest.js';
import { previewFederation, readPreviewInputs } from '../core/preview/index.js';
import { splitApiVersion } from '../core/types.js';
import { ManifestError } from '../errors.js';
import { readManifestSources } from '../io.js';
import { printPreview } from './preview.js';

export async function runOfflinePreview(options: OfflinePreviewOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: true });
  const read = async (paths: readonly string[], recursive: boolean) =>
    (await readManifestSources(paths, { recursive, stdin: () => env.ctx.stdin, cwd: env.ctx.cwd })).flatMap((source) => parseManifests(source));
  const manifests = await read(options.filenames, options.recursive);
  const typeConfigs = onlyKind(await read(options.typeConfigFiles, false), 'FederatedTypeConfig', '--type-config');
  const clusters = onlyKind(await read(options.clustersFiles, false), 'KubeFedCluster', '--clusters-file');

  const inputs = readPreviewInputs([...typeConfigs, ...clusters, ...manifests], { clusters: options.clusters, kubefedNamespace: options.kubefedNamespace });
  if (inputs.federated.length === 0) ui.logger.warn('no Federated objects in the input: nothing to preview');
  const result = previewFederation(inputs, { scope: options.scope, simulateRsp: options.simulateRsp });
  printPreview(result, options, env, ui);
}

/** A --type-config or --clusters-file document of another kind is a mistake worth stopping for. */
function onlyKind(manifests: ManifestObject[], kind: string, flag: string): ManifestObject[] {
  for (const manifest of manifests) {
    const { object } = manifest;
    if (object.kind !== kind || splitApiVersion(object.apiVersion).group !== KUBEFED_CORE_GROUP) {
      throw new ManifestError(
        {
          file: manifest.source,
          document: manifest.document,
          line: manifest.line,
          ...(manifest.listIndex ? { path: `items[${manifest.listIndex.join('].items[')}]` } : {}),
        },
        `${flag} reads ${kind} objects (${KUBEFED_CORE_GROUP}), not ${object.kind} ${object.apiVersion}`,
        { hint: '-f/--filename takes every kind preview reads.' },
      );
    }
  }
  return manifests;
}
