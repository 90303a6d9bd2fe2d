// What `kubefedctl migrate` reads, sorted out of parsed manifests (files or the host cluster's
// objects): the preview engine's inputs (Federated objects, FederatedNamespaces, RSPs,
// KubeFedConfig, FederatedTypeConfigs, KubeFedClusters), plus each KubeFedCluster's Secret.
// Objects migrate cannot use are set aside as findings; invalid input is a ManifestError (exit 2).

import { defaultEnabledTypeConfigs } from '../builtin-types.js';
import { DEFAULT_KUBEFED_NAMESPACE, FEDERATED_GROUP, KUBEFED_CORE_GROUP } from '../constants.js';
import type { ManifestObject } from '../manifest.js';
import { SCHEDULING_GROUP, readPreviewInputs, toTypeConfig } from '../preview/inputs.js';
import { fail, locationOf } from '../preview/shapes.js';
import { type KubeObject, isPlainObject, splitApiVersion } from '../types.js';
import { type Finding, type KubeFedClusterRecord, type MigrationInputs, describeLocation } from './model.js';

export interface ReadMigrationInputsOptions {
  /** --kubefed-namespace; by default the KubeFedConfig's namespace, else kube-federation-system. */
  kubefedNamespace?: string | undefined;
  /** Start from the FederatedTypeConfigs KubeFed enables by default (offline); the host's own otherwise. */
  builtinTypeConfigs: boolean;
  /** Namespace for namespaced objects that name none. Default "default". */
  defaultNamespace?: string | undefined;
}

export function readMigrationInputs(manifests: readonly ManifestObject[], options: ReadMigrationInputsOptions): MigrationInputs {
  const findings: Finding[] = [];
  const note = (manifest: ManifestObject, severity: Finding['severity'], code: string, message: string) =>
    findings.push({ source: describeObject(manifest.object), location: describeLocation(locationOf(manifest)), severity, code, field: '', message });

  const config = manifests.find(({ object }) => splitApiVersion(object.apiVersion).group === KUBEFED_CORE_GROUP && object.kind === 'KubeFedConfig');
  const kubefedNamespace = options.kubefedNamespace ?? config?.object.metadata.namespace ?? DEFAULT_KUBEFED_NAMESPACE;
  const federatedKinds = new Set<string>();
  const federatedGroups = new Set([FEDERATED_GROUP]);
  const typeConfigs = [
    ...(options.builtinTypeConfigs ? defaultEnabledTypeConfigs() : []),
    ...manifests
      .filter(({ object }) => splitApiVersion(object.apiVersion).group === KUBEFED_CORE_GROUP && object.kind === 'FederatedTypeConfig')
      .map(({ object }) => object),
  ];
  for (const ftc of typeConfigs) {
    const { federatedType } = toTypeConfig(ftc);
    federatedKinds.add(`${federatedType.group}/${federatedType.kind}`);
    federatedGroups.add(federatedType.group);
  }

  const secrets: ManifestObject[] = [];
  const clusterManifests: ManifestObject[] = [];
  const passed: ManifestObject[] = [];
  for (const manifest of manifests) {
    const { object } = manifest;
    const { group } = splitApiVersion(object.apiVersion);
    if (group === '' && object.kind === 'Secret') {
      secrets.push(manifest);
    } else if (group === KUBEFED_CORE_GROUP) {
      if (object.kind === 'KubeFedCluster') clusterManifests.push(manifest);
      if (['KubeFedCluster', 'KubeFedConfig', 'FederatedTypeConfig'].includes(object.kind)) passed.push(manifest);
      else note(manifest, 'info', 'INPUT_IGNORED', `migrate does not use ${object.kind} objects`);
      if (object.kind === 'FederatedTypeConfig' && isPlainObject(object.spec) && object.spec.statusCollection === 'Enabled') {
        note(
          manifest,
          'warning',
          'STATUS_COLLECTION',
          "KubeFed collects the member objects' status for this type into status objects; Karmada aggregates it into each resource template's status instead, so readers of KubeFed's status objects must change",
        );
      }
    } else if (group === SCHEDULING_GROUP && object.kind === 'ReplicaSchedulingPreference') {
      passed.push(manifest);
    } else if (federatedGroups.has(group)) {
      if (federatedKinds.has(`${group}/${object.kind}`)) passed.push(manifest);
      else {
        note(
          manifest,
          'error',
          'NO_TYPE_CONFIG',
          `no FederatedTypeConfig has federated type ${object.kind} (${group}), so KubeFed does not propagate it and migrate cannot tell its target type; add the FederatedTypeConfig to the input. With --allow-lossy it is left out.`,
        );
      }
    } else {
      note(
        manifest,
        'warning',
        'NOT_FEDERATED',
        'not a Federated object: left out (migrate converts Federated objects; apply plain objects to Karmada as they are)',
      );
    }
  }

  const preview = readPreviewInputs(passed, {
    kubefedNamespace: options.kubefedNamespace,
    builtinTypeConfigs: options.builtinTypeConfigs,
    defaultNamespace: options.defaultNamespace,
  });
  for (const warning of preview.warnings)
    findings.push({ source: 'input', location: '', severity: 'warning', code: 'INPUT_IGNORED', field: '', message: warning });

  const known = new Set(preview.clusters.map((cluster) => cluster.name));
  const clusters: KubeFedClusterRecord[] = [];
  const usedSecrets = new Set<ManifestObject>();
  for (const manifest of clusterManifests) {
    const { object } = manifest;
    if (!known.has(object.metadata.name ?? '') || (object.metadata.namespace !== undefined && object.metadata.namespace !== preview.kubefedNamespace)) continue;
    const location = locationOf(manifest);
    const spec = isPlainObject(object.spec) ? object.spec : fail(location, 'spec', 'a KubeFedCluster needs spec');
    if (typeof spec.apiEndpoint !== 'string' || spec.apiEndpoint === '') fail(location, 'spec.apiEndpoint', 'a KubeFedCluster needs spec.apiEndpoint');
    const secretName =
      isPlainObject(spec.secretRef) && typeof spec.secretRef.name === 'string'
        ? spec.secretRef.name
        : fail(location, 'spec.secretRef.name', 'a KubeFedCluster needs spec.secretRef.name');
    if (spec.caBundle !== undefined && typeof spec.caBundle !== 'string') fail(location, 'spec.caBundle', 'caBundle must be a base64 string');
    const secret = secrets.find(
      ({ object: candidate }) => candidate.metadata.name === secretName && (candidate.metadata.namespace ?? kubefedNamespace) === preview.kubefedNamespace,
    );
    if (secret !== undefined) usedSecrets.add(secret);
    clusters.push({ object, secret: secret?.object, location });
  }
  for (const secret of secrets) {
    if (!usedSecrets.has(secret)) note(secret, 'warning', 'NOT_FEDERATED', 'not a Federated object, nor the Secret of a KubeFedCluster: left out');
  }
  return { preview, clusters, findings };
}

function describeObject(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name ?? ''}`;
}
