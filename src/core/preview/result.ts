// Reshaping a PreviewResult for the command line: keep only the federated objects that were asked
// for (online preview also reads FederatedNamespaces, which decide where namespaced objects go,
// without showing them), and attach warnings to items whose live state could not be read.

import type { PreviewItem, PreviewResult, SourceRef } from './model.js';

export function sourceKey(source: SourceRef): string {
  return `${source.kind}/${source.namespace}/${source.name}`;
}

/** The result for the federated objects `keep` accepts: their items, errors and explanations. */
export function restrictToSources(result: PreviewResult, keep: (source: SourceRef) => boolean): PreviewResult {
  return {
    clusters: result.clusters.map((cluster) => ({ ...cluster, items: cluster.items.filter((item) => keep(item.source)) })),
    errors: result.errors.filter((error) => keep(error.source)),
    explanations: result.explanations.filter((explanation) => keep(explanation.source)),
    warnings: result.warnings,
  };
}

/** Adds the warning `warn` returns (if any) to each item, per cluster. */
export function warnItems(result: PreviewResult, warn: (cluster: string, item: PreviewItem) => string | undefined): PreviewResult {
  return {
    ...result,
    clusters: result.clusters.map((cluster) => ({
      ...cluster,
      items: cluster.items.map((item) => {
        const warning = warn(cluster.name, item);
        return warning === undefined ? item : { ...item, warnings: [...item.warnings, warning] };
      }),
    })),
  };
}
