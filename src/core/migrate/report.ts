// The outputs of `kubefedctl migrate`: the objects for stdout (YAML with a `# from:` comment on
// each document, or one JSON List), and the report (text or JSON): one entry per finding, a
// summary, then the cut-over runbook, once.

import { printJsonValue } from '../json.js';
import { cleanForOutput } from '../printers.js';
import { toYaml } from '../yaml.js';
import { type Finding, type MigratedSource, type OutputGroup, countBySeverity } from './model.js';
import type { MigrateOutputFormat, ReportFormat } from './options.js';

export function renderMigrationOutput(groups: readonly OutputGroup[], format: MigrateOutputFormat): string {
  if (format === 'json') return printJsonValue({ apiVersion: 'v1', kind: 'List', items: groups.flatMap(({ objects }) => objects.map(cleanForOutput)) });
  let text = '';
  for (const { source, objects } of groups) {
    for (const object of objects) text += `---\n# from: ${source}\n${toYaml(cleanForOutput(object))}`;
  }
  return text;
}

export interface RunbookStep {
  title: string;
  commands: string[];
}

export interface MigrationReport {
  /** "karmada" or "ocm". */
  target: string;
  findings: readonly Finding[];
  /** Whether the objects went to stdout (no error, or --allow-lossy). */
  written: boolean;
  objectCount: number;
  runbook: readonly RunbookStep[];
}

export function renderReport(report: MigrationReport, format: ReportFormat): string {
  const counts = countBySeverity(report.findings);
  if (format === 'json') {
    return printJsonValue({
      kind: 'MigrationReport',
      target: report.target,
      findings: report.findings.map(({ source, location, severity, code, field, message }) => ({
        source,
        ...(location === '' ? {} : { location }),
        severity,
        code,
        field,
        message,
      })),
      summary: { errors: counts.error, warnings: counts.warning, info: counts.info, written: report.written, objects: report.written ? report.objectCount : 0 },
      runbook: report.runbook,
    });
  }
  let text = '';
  for (const finding of report.findings) {
    const where = finding.location === '' ? '' : ` (${finding.location})`;
    const field = finding.field === '' ? '' : ` ${finding.field}`;
    text += `${finding.severity} ${finding.code} ${finding.source}${where}${field}: ${finding.message}\n`;
  }
  text += `${summaryLine(report, counts)}\n`;
  if (report.runbook.length > 0) {
    text += `\nCut-over runbook (migrate ${report.target}):\n`;
    report.runbook.forEach((step, index) => {
      text += `  ${index + 1}. ${step.title}\n`;
      for (const command of step.commands) text += `       ${command}\n`;
    });
  }
  return text;
}

function summaryLine(report: MigrationReport, counts: Record<'error' | 'warning' | 'info', number>): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const tally = `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`;
  if (report.written) {
    const lossy = counts.error > 0 ? ' (--allow-lossy: what the errors name is left out or approximated as they say)' : '';
    return `summary: ${tally}; ${plural(report.objectCount, 'object')} written to stdout${lossy}`;
  }
  return `summary: ${tally}; nothing written to stdout: ${counts.error === 1 ? 'the error names what' : 'the errors name what'} cannot be migrated as KubeFed propagates it (fix the input, or --allow-lossy to write the rest)`;
}

export interface RunbookContext {
  /** --host-cluster-context, or a placeholder offline. */
  hostContext: string | undefined;
  kubefedNamespace: string;
}

/** Step 1 and 2 of every runbook: keep the member objects, then delete the Federated objects. */
export function releaseFromKubeFed(sources: readonly MigratedSource[], context: RunbookContext): RunbookStep[] {
  const host = context.hostContext ?? '<host-context>';
  const namespaceFlag = (source: MigratedSource) => (source.namespace === '' ? '' : ` -n ${source.namespace}`);
  return [
    {
      title:
        'Make KubeFed leave the member objects in place when their Federated objects go (generate the output before this step: migrate maps kubefed.io/orphan to "keep on deletion"):',
      commands: sources.map(
        (source) => `kubefedctl orphaning-deletion enable ${source.kind} ${source.name}${namespaceFlag(source)} --host-cluster-context ${host}`,
      ),
    },
    {
      title: 'Delete the Federated objects, FederatedNamespaces last (KubeFed removes its kubefed.io/managed label and keeps the objects):',
      commands: sources.map((source) => `kubectl --context ${host} delete ${source.resource}.${source.group} ${source.name}${namespaceFlag(source)}`),
    },
  ];
}

export function unjoinStep(clusters: ReadonlyArray<{ kubefed: string }>, context: RunbookContext): RunbookStep {
  const host = context.hostContext ?? '<host-context>';
  const namespace = context.kubefedNamespace === 'kube-federation-system' ? '' : ` --kubefed-namespace ${context.kubefedNamespace}`;
  return {
    title: 'Unjoin every member cluster from KubeFed, then uninstall KubeFed:',
    commands: (clusters.length > 0 ? clusters.map(({ kubefed }) => kubefed) : ['<cluster>']).map(
      (cluster) => `kubefedctl unjoin ${cluster} --host-cluster-context ${host}${namespace}`,
    ),
  };
}

export function karmadaRunbook(sources: readonly MigratedSource[], clusters: ReadonlyArray<{ kubefed: string }>, context: RunbookContext): RunbookStep[] {
  return [
    ...releaseFromKubeFed(sources, context),
    {
      title: "Apply the output to Karmada's API server (clusters register, policies take over the existing objects):",
      commands: ['kubectl --context <karmada-apiserver> apply -f karmada.yaml'],
    },
    unjoinStep(clusters, context),
  ];
}
