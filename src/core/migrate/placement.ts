// KubeFed placements as sets of clusters described symbolically (names and/or a label selector),
// so that a Karmada placement can say the same thing for whatever clusters exist later. KubeFed's
// rules come from the preview engine (readPlacement, labelSelectorAsSelector): a non-nil clusters
// list wins over the selector and an empty list selects nothing; a nil selector selects nothing and
// an empty one everything. Karmada ANDs clusterNames and labelSelector and reads "empty" as "all",
// so "nothing" is kept apart and never becomes an empty affinity.

import { type LabelSelector, type LabelSelectorRequirement, labelSelectorAsSelector } from '../preview/label-selector.js';
import type { PlacementSpec } from '../preview/placement.js';

export interface NormalizedSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

export type ClusterSet =
  | { kind: 'nothing'; reason: string }
  /** names null: any name; selector null: any labels; both null: every cluster. */
  | { kind: 'some'; names: string[] | null; selector: NormalizedSelector | null };

export const EVERY_CLUSTER: ClusterSet = { kind: 'some', names: null, selector: null };

export function nothing(reason: string): ClusterSet {
  return { kind: 'nothing', reason };
}

/**
 * The clusters a spec.placement selects, as KubeFed's ComputePlacement reads it. selectorOnly is
 * the RSP's intersectWithClusterSelector (the list is ignored). Throws LabelSelectorError for a
 * selector KubeFed cannot evaluate (ComputePlacementFailed).
 */
export function clusterSetOf(spec: PlacementSpec, what: string, selectorOnly = false): ClusterSet {
  if (!selectorOnly && spec.clusters !== null) {
    const names = unique(spec.clusters);
    return names.length === 0 ? nothing(`${what} has spec.placement.clusters: [], which selects no cluster`) : { kind: 'some', names, selector: null };
  }
  const selector = labelSelectorAsSelector(spec.clusterSelector);
  if (selector.kind === 'nothing') {
    return nothing(
      selectorOnly
        ? `${what} has no spec.placement.clusterSelector, which selects no cluster`
        : `${what} has neither spec.placement.clusters nor spec.placement.clusterSelector, which selects no cluster`,
    );
  }
  if (selector.kind === 'everything') return EVERY_CLUSTER;
  return { kind: 'some', names: null, selector: normalizeSelector(spec.clusterSelector!) };
}

function normalizeSelector(selector: LabelSelector): NormalizedSelector {
  return {
    matchLabels: { ...(selector.matchLabels ?? {}) },
    matchExpressions: (selector.matchExpressions ?? []).map((expression) => ({
      key: expression.key,
      operator: expression.operator,
      ...(expression.values === undefined || expression.values === null ? {} : { values: [...expression.values] }),
    })),
  };
}

/** Both sets: names intersected, selectors merged (a label required with two values selects nothing). */
export function intersect(a: ClusterSet, b: ClusterSet, what: string): ClusterSet {
  if (a.kind === 'nothing') return a;
  if (b.kind === 'nothing') return b;
  let names: string[] | null;
  if (a.names === null) names = b.names;
  else if (b.names === null) names = a.names;
  else {
    const other = new Set(b.names);
    names = a.names.filter((name) => other.has(name));
    if (names.length === 0) return nothing(`${what}: the cluster lists [${a.names.join(', ')}] and [${b.names.join(', ')}] have no cluster in common`);
  }
  let selector: NormalizedSelector | null;
  if (a.selector === null) selector = b.selector;
  else if (b.selector === null) selector = a.selector;
  else {
    const matchLabels = { ...a.selector.matchLabels };
    for (const [key, value] of Object.entries(b.selector.matchLabels)) {
      if (Object.hasOwn(matchLabels, key) && matchLabels[key] !== value) {
        return nothing(`${what}: the cluster selectors require label ${key} to be both ${JSON.stringify(matchLabels[key])} and ${JSON.stringify(value)}`);
      }
      matchLabels[key] = value;
    }
    const seen = new Set(a.selector.matchExpressions.map((expression) => JSON.stringify(expression)));
    const matchExpressions = [...a.selector.matchExpressions, ...b.selector.matchExpressions.filter((expression) => !seen.has(JSON.stringify(expression)))];
    selector = { matchLabels, matchExpressions };
  }
  return { kind: 'some', names, selector };
}

/** Karmada's clusterAffinity for a set that is not "nothing": {} when it is every cluster. */
export function clusterAffinityOf(set: Extract<ClusterSet, { kind: 'some' }>, rename: (name: string) => string): Record<string, unknown> {
  const affinity: Record<string, unknown> = {};
  if (set.names !== null) affinity.clusterNames = unique(set.names.map(rename)).sort();
  if (set.selector !== null) affinity.labelSelector = printableSelector(set.selector);
  return affinity;
}

function printableSelector(selector: NormalizedSelector): Record<string, unknown> {
  const printed: Record<string, unknown> = {};
  if (Object.keys(selector.matchLabels).length > 0) printed.matchLabels = selector.matchLabels;
  if (selector.matchExpressions.length > 0) printed.matchExpressions = selector.matchExpressions;
  return printed;
}

/** A few words about a set, for messages. */
export function describeClusterSet(set: ClusterSet): string {
  if (set.kind === 'nothing') return 'no cluster';
  const parts: string[] = [];
  if (set.names !== null) parts.push(`clusters [${set.names.join(', ')}]`);
  if (set.selector !== null) parts.push(`clusters matching ${JSON.stringify(printableSelector(set.selector))}`);
  return parts.length === 0 ? 'every cluster' : parts.join(' that are also ');
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
