// KubeFedCluster + its Secret → Karmada Cluster (cluster.karmada.io/v1alpha1) + Secret, as
// `karmadactl join` would register the same cluster in Push mode (KubeFed only pushes): the same
// endpoint, proxy and CA, the KubeFed service account's token, labels copied because placements
// select by them. Tokens only ever go to the output objects, never into a finding.

import { isPlainObject, type KubeObject } from '../types.js';
import type { ClusterNames } from './cluster-names.js';
import { FindingSink, type Finding, type KubeFedClusterRecord, describeLocation } from './model.js';

const KARMADA_CLUSTER_API_VERSION = 'cluster.karmada.io/v1alpha1';
/** Karmada's reserved namespaces (names.IsReservedNamespace): never auto-propagated. */
const RESERVED_NAMESPACES = ['karmada-system', 'karmada-cluster'];
export const SKIP_AUTO_PROPAGATION_LABEL = 'namespace.karmada.io/skip-auto-propagation';

export interface ConvertedClusters {
  objects: KubeObject[];
  names: Array<{ kubefed: string; target: string }>;
  findings: Finding[];
}

export function convertClusters(records: readonly KubeFedClusterRecord[], clusterNamespace: string, names: ClusterNames): ConvertedClusters {
  const findings: Finding[] = [];
  const objects: KubeObject[] = [];
  const converted: Array<{ kubefed: string; target: string }> = [];
  const targets = new Map<string, string>();
  for (const record of records) {
    const name = record.object.metadata.name ?? '';
    const sink = new FindingSink(`KubeFedCluster ${name}`, describeLocation(record.location));
    const target = names.use(name, sink, 'metadata.name');
    converted.push({ kubefed: name, target });
    const earlier = targets.get(target);
    if (earlier !== undefined) {
      sink.error(
        'RENAME_COLLISION',
        'metadata.name',
        `clusters ${earlier} and ${name} would both be named "${target}" in Karmada; change the --rename (with --allow-lossy ${name} is left out)`,
      );
    }
    if (earlier !== undefined || !names.accepts(name)) {
      findings.push(...sink.findings);
      continue;
    }
    targets.set(target, name);
    const spec = isPlainObject(record.object.spec) ? record.object.spec : {};
    const clusterSpec: Record<string, unknown> = { syncMode: 'Push', apiEndpoint: spec.apiEndpoint };
    if (typeof spec.proxyURL === 'string' && spec.proxyURL !== '') clusterSpec.proxyURL = spec.proxyURL;
    clusterSpec.secretRef = { namespace: clusterNamespace, name: target };
    const disabled = Array.isArray(spec.disabledTLSValidations)
      ? spec.disabledTLSValidations.filter((value): value is string => typeof value === 'string')
      : [];
    if (disabled.includes('*')) {
      clusterSpec.insecureSkipTLSVerification = true;
      sink.warning(
        'TLS_VERIFICATION_DISABLED',
        'spec.disabledTLSValidations',
        'KubeFed skipped TLS verification for this cluster ("*"); the Karmada Cluster does too (insecureSkipTLSVerification: true)',
      );
    } else if (disabled.length > 0) {
      sink.error(
        'TLS_VALIDATION_UNSUPPORTED',
        'spec.disabledTLSValidations',
        `Karmada cannot skip only ${disabled.join(' and ')}: it verifies everything or nothing. Give the cluster a certificate that passes (then remove disabledTLSValidations), or accept insecureSkipTLSVerification by setting disabledTLSValidations: ["*"]; with --allow-lossy the Cluster verifies everything.`,
      );
    }
    const labels = record.object.metadata.labels ?? {};
    objects.push(...clusterSecret(record, spec, clusterNamespace, target, disabled.includes('*'), sink));
    objects.push({
      apiVersion: KARMADA_CLUSTER_API_VERSION,
      kind: 'Cluster',
      metadata: { name: target, ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}) },
      spec: clusterSpec,
    });
    sink.warning(
      'NO_IMPERSONATOR_SECRET',
      'spec',
      `KubeFed has no impersonation credentials, so the Cluster has no impersonatorSecretRef: Karmada's cluster proxy and unified authentication will not work for it until you add one (karmadactl join creates a ServiceAccount in the member and a Secret ${target}-impersonator in ${clusterNamespace})`,
    );
    findings.push(...sink.findings);
  }
  if (objects.length === 0) return { objects, names: converted, findings };
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: clusterNamespace } };
  // A namespace of our own would otherwise be auto-propagated, with nothing in it, to every cluster.
  if (!RESERVED_NAMESPACES.includes(clusterNamespace)) namespace.metadata.labels = { [SKIP_AUTO_PROPAGATION_LABEL]: 'true' };
  return { objects: [namespace, ...objects], names: converted, findings };
}

function clusterSecret(
  record: KubeFedClusterRecord,
  spec: Record<string, unknown>,
  clusterNamespace: string,
  target: string,
  insecure: boolean,
  sink: FindingSink,
): KubeObject[] {
  const secretName = isPlainObject(spec.secretRef) && typeof spec.secretRef.name === 'string' ? spec.secretRef.name : '';
  if (record.secret === undefined) {
    sink.error(
      'CLUSTER_SECRET_MISSING',
      'spec.secretRef.name',
      `the input has no Secret ${secretName} with the cluster's token; add it (kubectl get secret ${secretName} -n <kubefed-namespace> -o yaml), or with --allow-lossy create Secret ${clusterNamespace}/${target} (keys token and caBundle) in Karmada yourself`,
    );
    return [];
  }
  const token = secretToken(record.secret);
  if (token === undefined) {
    sink.error(
      'CLUSTER_TOKEN_MISSING',
      'spec.secretRef.name',
      `Secret ${secretName} has no token; with --allow-lossy create Secret ${clusterNamespace}/${target} (keys token and caBundle) in Karmada yourself`,
    );
    return [];
  }
  const data: Record<string, string> = { token };
  if (typeof spec.caBundle === 'string' && spec.caBundle !== '') data.caBundle = spec.caBundle;
  else if (!insecure)
    sink.info('NO_CA_BUNDLE', 'spec.caBundle', 'the KubeFedCluster has no caBundle: Karmada, like KubeFed, verifies the cluster with the system CAs');
  return [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: target, namespace: clusterNamespace }, type: 'Opaque', data }];
}

/** data.token (base64, as stored), or stringData.token encoded. */
function secretToken(secret: KubeObject): string | undefined {
  if (isPlainObject(secret.data) && typeof secret.data.token === 'string' && secret.data.token !== '') return secret.data.token;
  if (isPlainObject(secret.stringData) && typeof secret.stringData.token === 'string' && secret.stringData.token !== '') {
    let binary = '';
    for (const byte of new TextEncoder().encode(secret.stringData.token)) binary += String.fromCharCode(byte);
    return btoa(binary);
  }
  return undefined;
}
