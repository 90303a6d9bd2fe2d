// federatedResource.ObjectForCluster (KubeFed v0.10.0 pkg/controller/sync/resource.go): the
// member object is a copy of spec.template without annotations and finalizers, named like the
// federated object, in its namespace (Namespace targets keep a templated namespace), of the FTC's
// target kind and, unless the template says otherwise, of the FTC's target group/version.

import { cloneJson } from '../federate.js';
import { type KubeObject, joinApiVersion } from '../types.js';
import { type FederatedObject, KubeFedFailure } from './model.js';
import { AccessorError, getAnnotations, getFinalizers, lenient, nestedMap, nestedString, setMetaField, trySetNestedField } from './unstructured.js';

export interface ClusterObject {
  object: KubeObject;
  /** The events KubeFed records (AnnotationsNotSupported, FinalizersNotSupported), as text. */
  warnings: string[];
}

const NOT_SUPPORTED =
  'cannot be set via template to avoid conflicting with controllers in member clusters. Consider using an override to add or remove elements from this collection.';

/** Throws KubeFedFailure('ComputeResourceFailed') when spec.template is not an object. */
export function objectForCluster(federated: FederatedObject): ClusterObject {
  const { object: fedObject, typeConfig } = federated;
  let template: Record<string, unknown>;
  try {
    const field = nestedMap(fedObject, 'spec', 'template');
    // Some resources (like namespaces) can be created from an empty template.
    template = field.found ? cloneJson(field.value) : {};
  } catch (error) {
    if (error instanceof AccessorError) throw new KubeFedFailure('ComputeResourceFailed', `Error retrieving template body: ${error.message}`);
    throw error;
  }

  const warnings: string[] = [];
  if (Object.keys(getAnnotations(template) ?? {}).length > 0) {
    warnings.push(`AnnotationsNotSupported: metadata.annotations ${NOT_SUPPORTED}`);
    setMetaField(template, 'annotations', undefined);
  }
  if ((getFinalizers(template) ?? []).length > 0) {
    warnings.push(`FinalizersNotSupported: metadata.finalizers ${NOT_SUPPORTED}`);
    setMetaField(template, 'finalizers', undefined);
  }

  const named = trySetNestedField(template, fedObject.metadata.name ?? '', 'metadata', 'name');
  const targetType = typeConfig.targetType;
  if (targetType.kind !== 'Namespace') setMetaField(template, 'namespace', fedObject.metadata.namespace ?? '');
  if (!named) warnings.push('spec.template.metadata is not a mapping: KubeFed cannot set the name, namespace or labels of the member object');
  template.kind = targetType.kind;
  // KubeFed defaults it to fmt.Sprintf("%s/%s", group, version), "/v1" for core types, which
  // apimachinery reads as "v1": print the form kubectl accepts.
  if ((lenient(() => nestedString(template, 'apiVersion')) ?? '') === '') template.apiVersion = joinApiVersion(targetType.group, targetType.version);
  return { object: template as KubeObject, warnings };
}
