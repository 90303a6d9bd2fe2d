// How `kubefedctl preview` prints a result, offline and online alike: everything is rendered
// before anything is written (an unknown --only-cluster leaves stdout empty), the objects or the
// explanation go to stdout (or one file per cluster with --output-dir), warnings and KubeFed's
// predicted failures to stderr, and predicted failures make the exit code 1.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandEnv } from '../cli/command-env.js';
import type { Ui } from '../cli/ui.js';
import type { PreviewPrintOptions } from '../commands/preview.js';
import { type PreviewResult, renderClusterStreams, renderPreview, renderPreviewErrors, renderPreviewExplain, selectClusters } from '../core/preview/index.js';
import { OperationError } from '../errors.js';

export function printPreview(result: PreviewResult, options: PreviewPrintOptions, env: CommandEnv, ui: Ui): void {
  const renderOptions = { onlyCluster: options.onlyCluster, showResourceVersion: options.showResourceVersion };
  const shown = new Set(selectClusters(result, options.onlyCluster).map((cluster) => cluster.name));
  const files = options.outputDir === undefined ? [] : renderClusterStreams(result, renderOptions).filter(([cluster]) => shown.has(cluster));
  let stdout = '';
  if (options.explain) stdout = renderPreviewExplain(result, renderOptions);
  else if (options.outputDir === undefined) stdout = renderPreview(result, options.output, renderOptions);

  for (const warning of result.warnings) ui.logger.warn(warning);
  if (result.clusters.length === 0) ui.logger.warn('no member clusters: KubeFed places nothing anywhere');
  if (options.outputDir !== undefined) {
    const directory = path.resolve(env.ctx.cwd, options.outputDir);
    mkdirSync(directory, { recursive: true });
    for (const [cluster, text] of files) writeFileSync(path.join(directory, `${cluster}.yaml`), text);
    ui.info(`wrote ${files.map(([cluster]) => path.join(options.outputDir!, `${cluster}.yaml`)).join(', ') || 'no files (no member clusters)'}`);
  }
  env.ctx.stdout.write(stdout);

  // With --only-cluster, only the failures that concern that cluster (or the whole object) count.
  const errors = result.errors.filter((error) => error.cluster === null || shown.has(error.cluster));
  if (errors.length === 0) return;
  env.ctx.stderr.write(renderPreviewErrors({ ...result, errors }));
  throw new OperationError('KUBEFED_WOULD_FAIL', `KubeFed would report ${errors.length} failure(s), listed above; everything else it would write is printed`, {
    hint: 'The same reasons appear in status.clusters and status.conditions of the Federated objects once KubeFed tries.',
  });
}
