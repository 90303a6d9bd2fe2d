// The resource template Karmada receives for a Federated object: what KubeFed's ObjectForCluster
// builds (preview engine), without the fields a create refuses or that would make the template
// someone else's, plus Karmada's retain-replicas label where KubeFed retained replicas.

import { cloneJson } from '../federate.js';
import { objectForCluster } from '../preview/object-for-cluster.js';
import { type FederatedObject, KubeFedFailure } from '../preview/model.js';
import { getAnnotations } from '../preview/unstructured.js';
import { type KubeObject, isPlainObject } from '../types.js';
import type { FindingSink } from './model.js';

export const RETAIN_REPLICAS_LABEL = 'resourcetemplate.karmada.io/retain-replicas';

/** Metadata the API server sets; a create that carries resourceVersion is refused. */
const SERVER_FIELDS = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

export interface Templates {
  /** What KubeFed writes to every placed cluster before overrides (ObjectForCluster). */
  kubefedObject: KubeObject;
  /** The resource template migrate writes for Karmada. */
  karmadaTemplate: KubeObject;
}

/**
 * Removes what the API server sets (a create carrying resourceVersion is refused) and owner
 * references (their owners do not exist where the object goes), reporting each once.
 */
export function dropForeignMetadata(metadata: Record<string, unknown>, where: string, findings: FindingSink): void {
  const stripped = SERVER_FIELDS.filter((field) => Object.hasOwn(metadata, field));
  for (const field of stripped) delete metadata[field];
  if (stripped.length > 0) {
    findings.info(
      'TEMPLATE_SERVER_FIELDS_DROPPED',
      'spec.template.metadata',
      `dropped ${stripped.join(', ')}: the API server sets them, and refuses a create that carries resourceVersion`,
    );
  }
  if (Array.isArray(metadata.ownerReferences)) {
    delete metadata.ownerReferences;
    findings.warning(
      'TEMPLATE_OWNER_REFERENCES_DROPPED',
      'spec.template.metadata.ownerReferences',
      `dropped: their owners do not exist in ${where}, whose garbage collector would delete the object`,
    );
  }
}

export function buildTemplates(federated: FederatedObject, keepTemplateAnnotations: boolean, findings: FindingSink): Templates | undefined {
  let built;
  try {
    built = objectForCluster(federated);
  } catch (error) {
    if (!(error instanceof KubeFedFailure)) throw error;
    findings.error(
      'TEMPLATE_INVALID',
      'spec.template',
      `${error.message}: KubeFed propagates nothing (ComputeResourceFailed); nothing is migrated for this object`,
    );
    return undefined;
  }
  const kubefedObject = built.object;
  const template = cloneJson(kubefedObject);
  const spec = isPlainObject(federated.object.spec) ? federated.object.spec : {};
  const rawTemplate = isPlainObject(spec.template) ? spec.template : {};
  for (const warning of built.warnings) {
    if (warning.startsWith('AnnotationsNotSupported')) {
      const annotations = getAnnotations(rawTemplate) ?? {};
      if (keepTemplateAnnotations) {
        (template.metadata as Record<string, unknown>).annotations = { ...annotations };
        findings.info(
          'TEMPLATE_ANNOTATIONS_KEPT',
          'spec.template.metadata.annotations',
          'kept on the template (--keep-template-annotations), although KubeFed never propagated them: Karmada will write them to every cluster',
        );
      } else {
        findings.info(
          'TEMPLATE_ANNOTATIONS_DROPPED',
          'spec.template.metadata.annotations',
          `dropped (${Object.keys(annotations).sort().join(', ')}): KubeFed never propagated template annotations; --keep-template-annotations keeps them`,
        );
      }
    } else if (warning.startsWith('FinalizersNotSupported')) {
      findings.info('TEMPLATE_FINALIZERS_DROPPED', 'spec.template.metadata.finalizers', 'dropped: KubeFed never propagated template finalizers');
    } else {
      findings.error('TEMPLATE_METADATA_INVALID', 'spec.template.metadata', `${warning}; nothing is migrated for this object`);
      return undefined;
    }
  }
  const metadata = template.metadata as Record<string, unknown>;
  dropForeignMetadata(metadata, "Karmada's API server", findings);
  if (federated.typeConfig.targetType.kind === 'Namespace' && Object.hasOwn(metadata, 'namespace')) {
    delete metadata.namespace;
    findings.info('NAMESPACE_TEMPLATE_NAMESPACE_DROPPED', 'spec.template.metadata.namespace', 'dropped: a Namespace is cluster-scoped');
  }
  if (spec.retainReplicas === true) {
    const { group, kind } = federated.typeConfig.targetType;
    if (group === 'apps' && kind === 'Deployment') {
      metadata.labels = { ...(isPlainObject(metadata.labels) ? (metadata.labels as Record<string, string>) : {}), [RETAIN_REPLICAS_LABEL]: 'true' };
      findings.info(
        'RETAIN_REPLICAS',
        'spec.retainReplicas',
        `becomes the label ${RETAIN_REPLICAS_LABEL}: "true", which Karmada's Deployment interpreter honours`,
      );
    } else {
      findings.error(
        'RETAIN_REPLICAS_UNSUPPORTED',
        'spec.retainReplicas',
        `Karmada retains the member's replicas only for Deployments (label ${RETAIN_REPLICAS_LABEL}), not for a ${kind}: Karmada would reset the replicas that something else set in each cluster. With --allow-lossy the replicas are not retained.`,
      );
    }
  }
  return { kubefedObject, karmadaTemplate: template };
}
