// Cluster names as Karmada accepts them (pkg/apis/cluster/validation: a DNS-1123 label of at most
// 48 characters) or OCM (the cluster's namespace: a DNS-1123 label); KubeFed allows subdomains up
// to 253. The --rename map is applied everywhere a name appears: Cluster objects, clusterNames,
// override targets, static weights, ManifestWork namespaces.

import { UsageError } from '../../errors.js';
import type { FindingSink } from './model.js';

export const KARMADA_CLUSTER_NAME_MAX = 48;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why Karmada refuses a cluster name, or [] when it accepts it. */
export function karmadaClusterNameProblems(name: string): string[] {
  if (name.length === 0) return ['must not be empty'];
  const problems: string[] = [];
  if (name.length > KARMADA_CLUSTER_NAME_MAX) problems.push(`must be no more than ${KARMADA_CLUSTER_NAME_MAX} characters`);
  if (!DNS1123_LABEL.test(name))
    problems.push("must be a DNS-1123 label: lower case alphanumeric characters or '-', starting and ending with an alphanumeric character");
  return problems;
}

/** OCM names each ManagedCluster's namespace after it: a DNS-1123 label (at most 63 characters). */
function ocmClusterNameProblems(name: string): string[] {
  if (name.length === 0) return ['must not be empty'];
  const problems: string[] = [];
  if (name.length > 63) problems.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(name))
    problems.push("must be a DNS-1123 label: lower case alphanumeric characters or '-', starting and ending with an alphanumeric character");
  return problems;
}

/** The rules of the product clusters migrate to. */
export interface ClusterNameRules {
  product: string;
  maxLength: number;
  problems: (name: string) => string[];
}

export const KARMADA_CLUSTER_NAMES: ClusterNameRules = { product: 'Karmada', maxLength: KARMADA_CLUSTER_NAME_MAX, problems: karmadaClusterNameProblems };
export const OCM_CLUSTER_NAMES: ClusterNameRules = { product: 'OCM', maxLength: 63, problems: ocmClusterNameProblems };

/** A name the product accepts, derived from one it refuses: its first DNS label if that will do. */
export function suggestClusterName(name: string, maxLength = KARMADA_CLUSTER_NAME_MAX): string {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+/, '')
      .slice(0, maxLength)
      .replace(/-+$/, '');
  return clean(name.split('.')[0] ?? '') || clean(name) || 'cluster';
}

/** Parses repeated `--rename old=new` values. Throws UsageError listing every problem. */
export function parseRenames(values: readonly string[], rules: ClusterNameRules): Map<string, string> {
  const renames = new Map<string, string>();
  const problems: string[] = [];
  for (const value of values) {
    const equals = value.indexOf('=');
    const from = equals < 0 ? '' : value.slice(0, equals);
    const to = equals < 0 ? '' : value.slice(equals + 1);
    if (from === '' || to === '') {
      problems.push(`invalid --rename "${value}": expected OLD=NEW, e.g. --rename cluster-1.eu-west-1.example.com=cluster-1`);
      continue;
    }
    const toProblems = rules.problems(to);
    if (toProblems.length > 0) problems.push(`invalid --rename "${value}": ${rules.product} refuses the cluster name "${to}": it ${toProblems.join('; ')}`);
    if (renames.has(from)) problems.push(`--rename ${from}=… is given twice`);
    renames.set(from, to);
  }
  const targets = new Map<string, string>();
  for (const [from, to] of renames) {
    const earlier = targets.get(to);
    if (earlier !== undefined) problems.push(`--rename ${earlier}=${to} and --rename ${from}=${to} give two clusters the same name`);
    targets.set(to, from);
  }
  if (problems.length === 1) throw new UsageError(problems[0]!, { code: 'INVALID_RENAME' });
  if (problems.length > 1) throw new UsageError(`${problems.length} problems:\n  - ${problems.join('\n  - ')}`, { code: 'INVALID_RENAME' });
  return renames;
}

/** The rename map plus the names seen so far: each refused name is reported once, where first met. */
export class ClusterNames {
  private readonly used = new Set<string>();
  private readonly reported = new Set<string>();
  private readonly renames: ReadonlyMap<string, string>;
  private readonly rules: ClusterNameRules;

  constructor(renames: ReadonlyMap<string, string>, rules: ClusterNameRules) {
    this.renames = renames;
    this.rules = rules;
  }

  /** The target name of a KubeFed cluster name, reporting (once) a name the product refuses. */
  use(name: string, findings: FindingSink, field: string): string {
    this.used.add(name);
    const target = this.renames.get(name) ?? name;
    const problems = this.rules.problems(target);
    if (problems.length > 0 && !this.reported.has(name)) {
      this.reported.add(name);
      const { product } = this.rules;
      findings.error(
        'CLUSTER_NAME_INVALID',
        field,
        `${product} refuses the cluster name "${name}": it ${problems.join('; ')}. Give it a name ${product} accepts, used everywhere in the output: --rename ${name}=${suggestClusterName(name, this.rules.maxLength)} (with --allow-lossy the cluster is left out, and the name selects no cluster)`,
      );
    }
    return target;
  }

  /** Whether the product accepts the target name of a KubeFed cluster name. */
  accepts(name: string): boolean {
    return this.rules.problems(this.rename(name)).length === 0;
  }

  rename(name: string): string {
    return this.renames.get(name) ?? name;
  }

  /** --rename entries that named no cluster of the input. */
  unused(): string[] {
    return [...this.renames.keys()].filter((name) => !this.used.has(name));
  }
}
