// The outputs of `kubefedctl preview`, as pure functions from a PreviewResult to text:
// -o yaml (one document per cluster and object, headed by a comment; a plain stream for
// `kubectl --context C diff -f -` with --only-cluster), -o json (one PreviewResult object),
// -o name (cluster/kind.group/name) and --explain.

import { UsageError } from '../../errors.js';
import { cloneJson } from '../federate.js';
import { sortKeysDeep } from '../json.js';
import { type KubeObject, splitApiVersion } from '../types.js';
import { toYaml } from '../yaml.js';
import { type PreviewClusterResult, type PreviewError, type PreviewResult, describeSource } from './model.js';

export const PREVIEW_OUTPUT_FORMATS = ['yaml', 'json', 'name'] as const;
export type PreviewOutputFormat = (typeof PREVIEW_OUTPUT_FORMATS)[number];

export interface RenderOptions {
  /** --only-cluster: that cluster only; YAML becomes a plain stream without comments. */
  onlyCluster?: string | undefined;
  /** --show-resource-version: keep metadata.resourceVersion (hidden by default so diffs do not conflict). */
  showResourceVersion?: boolean | undefined;
}

/** The clusters to print; an unknown --only-cluster is a usage error naming the known ones. */
export function selectClusters(result: PreviewResult, onlyCluster: string | undefined): PreviewClusterResult[] {
  if (onlyCluster === undefined) return result.clusters;
  const cluster = result.clusters.find((candidate) => candidate.name === onlyCluster);
  if (cluster === undefined) {
    const known = result.clusters.map((candidate) => candidate.name).join(', ') || 'none';
    throw new UsageError(`--only-cluster ${onlyCluster}: no such member cluster (known: ${known})`, { code: 'UNKNOWN_CLUSTER' });
  }
  return [cluster];
}

function printable(object: KubeObject, options: RenderOptions): KubeObject {
  if (options.showResourceVersion || object.metadata?.resourceVersion === undefined) return object;
  const copy = cloneJson(object);
  delete copy.metadata.resourceVersion;
  return copy;
}

export function renderPreviewYaml(result: PreviewResult, options: RenderOptions = {}): string {
  const plain = options.onlyCluster !== undefined;
  let text = '';
  for (const cluster of selectClusters(result, options.onlyCluster)) {
    for (const item of cluster.items) {
      if (plain && item.object === null) continue;
      text += '---\n';
      if (!plain) {
        text += `# cluster: ${cluster.name}  action: ${item.action}  from: ${describeSource(item.source)}\n`;
        for (const warning of item.warnings) text += `# warning: ${warning}\n`;
      }
      if (item.object !== null) text += toYaml(printable(item.object, options));
    }
  }
  return text;
}

/** Per cluster, the plain stream --only-cluster would print (for --output-dir): [cluster, text]. */
export function renderClusterStreams(result: PreviewResult, options: Omit<RenderOptions, 'onlyCluster'> = {}): Array<[string, string]> {
  return result.clusters.map((cluster) => [cluster.name, renderPreviewYaml(result, { ...options, onlyCluster: cluster.name })]);
}

export function renderPreviewJson(result: PreviewResult, options: RenderOptions = {}): string {
  const clusters = selectClusters(result, options.onlyCluster).map((cluster) => ({
    name: cluster.name,
    ready: cluster.ready,
    items: cluster.items.map((item) => ({
      action: item.action,
      source: item.source,
      object: item.object === null ? null : sortKeysDeep(printable(item.object, options)),
      warnings: item.warnings,
    })),
  }));
  const errors = result.errors.filter((error) => options.onlyCluster === undefined || error.cluster === null || error.cluster === options.onlyCluster);
  return `${JSON.stringify({ kind: 'PreviewResult', clusters, errors: errors.map(errorJson) }, null, 4)}\n`;
}

function errorJson(error: PreviewError): PreviewError {
  return { source: error.source, cluster: error.cluster, reason: error.reason, message: error.message };
}

/** `cluster/kind.group/name`, one line per object KubeFed writes. */
export function renderPreviewNames(result: PreviewResult, options: RenderOptions = {}): string {
  const lines: string[] = [];
  for (const cluster of selectClusters(result, options.onlyCluster)) {
    for (const item of cluster.items) {
      if (item.object === null) continue;
      const { group } = splitApiVersion(typeof item.object.apiVersion === 'string' ? item.object.apiVersion : '');
      const kind = String(item.object.kind).toLowerCase();
      lines.push(`${cluster.name}/${group === '' ? kind : `${kind}.${group}`}/${item.object.metadata?.name ?? ''}`);
    }
  }
  return lines.map((line) => `${line}\n`).join('');
}

export function renderPreview(result: PreviewResult, format: PreviewOutputFormat, options: RenderOptions = {}): string {
  if (format === 'json') return renderPreviewJson(result, options);
  if (format === 'name') return renderPreviewNames(result, options);
  return renderPreviewYaml(result, options);
}

/** --explain: per object, each cluster's verdict and why; then KubeFed's failures. */
export function renderPreviewExplain(result: PreviewResult, options: Pick<RenderOptions, 'onlyCluster'> = {}): string {
  const shown = new Set(selectClusters(result, options.onlyCluster).map((cluster) => cluster.name));
  let text = '';
  for (const explanation of result.explanations) {
    const where =
      explanation.location.document === undefined ? explanation.location.file : `${explanation.location.file} document ${explanation.location.document}`;
    text += `${describeSource(explanation.source)} (${where})\n`;
    for (const note of explanation.notes) text += `  ${note}\n`;
    for (const { cluster, verdict, reason } of explanation.clusters) {
      if (shown.has(cluster)) text += `  ${cluster}: ${verdict}: ${reason}\n`;
    }
  }
  if (result.clusters.length === 0) text += 'no member clusters: nothing is placed anywhere\n';
  return text;
}

/** Exit code of a preview that rendered: 1 when KubeFed would fail somewhere, else 0. */
export function previewExitCode(result: PreviewResult): 0 | 1 {
  return result.errors.length > 0 ? 1 : 0;
}

/** One stderr line per KubeFed failure. */
export function renderPreviewErrors(result: PreviewResult): string {
  return result.errors
    .map(
      (error) => `error: ${describeSource(error.source)}${error.cluster === null ? '' : ` in cluster ${error.cluster}`}: ${error.reason}: ${error.message}\n`,
    )
    .join('');
}
