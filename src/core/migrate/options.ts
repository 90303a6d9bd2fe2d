// The options of `kubefedctl migrate karmada|ocm` once completed, and the parsers the command
// module needs. Light on purpose: commands/migrate.ts loads it for --help.

import { UsageError } from '../../errors.js';

export const MIGRATE_OUTPUT_FORMATS = ['yaml', 'json'] as const;
export type MigrateOutputFormat = (typeof MIGRATE_OUTPUT_FORMATS)[number];
export const REPORT_FORMATS = ['text', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const DEFAULT_KARMADA_VERSION = 'v1.18';
export const DEFAULT_KARMADA_CLUSTER_NAMESPACE = 'karmada-cluster';
export const EMPTY_PLACEMENT_MODES = ['suspend', 'omit', 'error'] as const;
export type EmptyPlacementMode = (typeof EMPTY_PLACEMENT_MODES)[number];

export const OCM_MODES = ['manifestwork', 'replicaset'] as const;
export type OcmMode = (typeof OCM_MODES)[number];
export const DEFAULT_OCM_WORK_NAME = 'kubefed-migration';
export const DEFAULT_OCM_NAMESPACE = 'kubefed-migration';
export const DEFAULT_CLUSTER_NAME_LABEL = 'name';

export interface KarmadaVersion {
  major: number;
  minor: number;
}

/** conflictResolution, which every policy carries, appeared in v1.7. */
const OLDEST_SUPPORTED: KarmadaVersion = { major: 1, minor: 7 };

/** `v1.18`, `1.18` or `v1.18.2`. Throws UsageError. */
export function parseKarmadaVersion(text: string): KarmadaVersion {
  const match = /^v?(\d+)\.(\d+)(\.\d+)?$/.exec(text);
  if (match === null)
    throw new UsageError(`invalid --karmada-version "${text}": expected a release such as v1.18 or v1.12.3`, { code: 'INVALID_KARMADA_VERSION' });
  const version = { major: Number(match[1]), minor: Number(match[2]) };
  if (!versionAtLeast(version, OLDEST_SUPPORTED)) {
    throw new UsageError(`--karmada-version ${text} is not supported: policies need conflictResolution, which Karmada has since v1.7`, {
      code: 'INVALID_KARMADA_VERSION',
    });
  }
  return version;
}

export function versionAtLeast(version: KarmadaVersion, since: KarmadaVersion): boolean {
  return version.major > since.major || (version.major === since.major && version.minor >= since.minor);
}

export function versionText(version: KarmadaVersion): string {
  return `v${version.major}.${version.minor}`;
}

export interface KarmadaMigrationOptions {
  emptyPlacement: EmptyPlacementMode;
  /** --rename old=new. */
  renames: ReadonlyMap<string, string>;
  karmadaVersion: KarmadaVersion;
  keepTemplateAnnotations: boolean;
  /** Where the Clusters' Secrets go (karmadactl join: karmada-cluster). */
  clusterNamespace: string;
}

export interface OcmMigrationOptions {
  mode: OcmMode;
  renames: ReadonlyMap<string, string>;
  /** manifestwork: the name of each cluster's ManifestWork. */
  workName: string;
  /** replicaset: the hub namespace of the ManifestWorkReplicaSets and Placements. */
  namespace: string;
  /** replicaset: the ManagedCluster label that holds the cluster's name. */
  clusterNameLabel: string;
}
