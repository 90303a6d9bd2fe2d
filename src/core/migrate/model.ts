// The data of `kubefedctl migrate karmada|ocm`: what it reads (the preview engine's inputs plus
// the KubeFedClusters with their Secrets), what it says about each source (findings, the report),
// and what it writes (groups of objects per source, then the clusters).

import type { ManifestLocation } from '../../errors.js';
import type { PreviewInputs } from '../preview/model.js';
import type { KubeObject } from '../types.js';

export type Severity = 'error' | 'warning' | 'info';

/** One thing the report says about one source object. */
export interface Finding {
  /** "FederatedDeployment app/web", "KubeFedCluster cluster1", "--rename". */
  source: string;
  /** Where the source came from: `"app.yaml" document 3`, or "" (command line, host cluster). */
  location: string;
  severity: Severity;
  /** Stable, upper snake case: scripts may match it. */
  code: string;
  /** The field of the source the finding is about ("" for the whole object). */
  field: string;
  /** What happened and what to do. */
  message: string;
}

/** A KubeFedCluster with the Secret its secretRef names (if the input had it). */
export interface KubeFedClusterRecord {
  object: KubeObject;
  secret: KubeObject | undefined;
  location: ManifestLocation;
}

export interface MigrationInputs {
  preview: PreviewInputs;
  clusters: KubeFedClusterRecord[];
  /** Findings about the input itself (objects migrate does not use). */
  findings: Finding[];
}

/** The objects written for one source, in the order they must be applied. */
export interface OutputGroup {
  /** "FederatedDeployment app/web"; printed as a `# from:` comment. */
  source: string;
  objects: KubeObject[];
}

export interface MigrationResult {
  groups: OutputGroup[];
  findings: Finding[];
  /** The Federated objects the runbook deletes, in deletion order (contents before namespaces). */
  sources: MigratedSource[];
  /** Member cluster names (after --rename), for the runbook's unjoin step. */
  clusterNames: Array<{ kubefed: string; target: string }>;
}

export interface MigratedSource {
  kind: string;
  /** "" for cluster-scoped federated objects. */
  namespace: string;
  name: string;
  /** The plural of the federated type, for `kubectl delete <plural>.<group>`. */
  resource: string;
  group: string;
}

export function describeLocation(location: ManifestLocation | undefined): string {
  if (location === undefined || location.file === '') return '';
  let text = `"${location.file}"`;
  if (location.document !== undefined) text += ` document ${location.document}`;
  if (location.path !== undefined) text += ` ${location.path}`;
  return text;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** Collects findings about one source; `at` narrows them to a field. */
export class FindingSink {
  readonly findings: Finding[] = [];
  private readonly source: string;
  private readonly location: string;
  constructor(source: string, location: string) {
    this.source = source;
    this.location = location;
  }

  /** Records a finding; the same finding twice (e.g. once per cluster) is recorded once. */
  add(severity: Severity, code: string, field: string, message: string): void {
    if (this.findings.some((finding) => finding.code === code && finding.field === field && finding.message === message)) return;
    this.findings.push({ source: this.source, location: this.location, severity, code, field, message });
  }
  error(code: string, field: string, message: string): void {
    this.add('error', code, field, message);
  }
  warning(code: string, field: string, message: string): void {
    this.add('warning', code, field, message);
  }
  info(code: string, field: string, message: string): void {
    this.add('info', code, field, message);
  }
  /** A sink for the same source whose findings are kept only if wanted (see absorb). */
  scratch(): FindingSink {
    return new FindingSink(this.source, this.location);
  }

  absorb(other: FindingSink): void {
    for (const { severity, code, field, message } of other.findings) this.add(severity, code, field, message);
  }
}
