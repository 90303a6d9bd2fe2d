// What `enable` and `disable` want to exist: the FederatedTypeConfig and the federated CRD for a
// target type (GenerateTypeConfigForTarget and CrdForAPIResource of pkg/kubefedctl/enable), the
// checks CreateResources makes before writing (the write plans are in type-config-plan.ts).

import { OperationError, UsageError } from '../errors.js';
import { type ApiResource, groupQualifiedName } from './api-resources.js';
import { KUBEFED_CORE_GROUP, KUBEFED_CORE_VERSION } from './constants.js';
import { isEquivalentApi } from './deprecated-apis.js';
import { type EnableTypeDirective, defaultEnableTypeDirective } from './enable-directive.js';
import { splitYamlStream } from './manifest.js';
import { type JsonValue, type KubeObject, isPlainObject } from './types.js';
import { jsYaml, parseYamlDocument, UnsafeIntegerError } from './yaml.js';

export type Scope = 'Namespaced' | 'Cluster';

/** An `APIResource` of a FederatedTypeConfig spec (targetType, federatedType). */
export interface TypeConfigApiResource {
  group: string;
  version: string;
  kind: string;
  pluralName: string;
  scope: Scope;
}

// ---------------------------------------------------------------------------------------------
// EnableTypeDirective

/** The Go tool's file-only EnableTypeDirective: what to enable and under which federated API. */
/**
 * Reads a directive file as the Go tool does: first document only, fields missing from the file
 * keep the defaults, apiVersion and kind are not checked. An empty or missing metadata.name,
 * federatedGroup or federatedVersion is rejected (the Go tool would fail later, less clearly).
 */
export function parseEnableTypeDirective(file: string, text: string): EnableTypeDirective {
  const fail = (detail: string) =>
    new UsageError(`Failed to load yaml from file "${file}": ${detail}`, {
      code: 'INVALID_DIRECTIVE',
      hint: 'A directive looks like: {apiVersion: core.kubefed.io/v1beta1, kind: EnableTypeDirective, metadata: {name: deployments.apps}, spec: {targetVersion: v1, federatedGroup: types.kubefed.io, federatedVersion: v1beta1}} (spec optional).',
    });
  const first = splitYamlStream(text).find((document) => !/^\s*$/.test(document.text.replace(/^\s*#.*$/gm, '')));
  if (first === undefined) throw fail('the file holds no YAML document');
  let value: unknown;
  try {
    value = parseYamlDocument(first.text, file);
  } catch (error) {
    if (error instanceof jsYaml.YAMLException || error instanceof UnsafeIntegerError) throw fail(error.message.split('\n')[0]!);
    throw error;
  }
  if (!isPlainObject(value)) throw fail(`expected a mapping, found ${Array.isArray(value) ? 'a sequence' : JSON.stringify(value)}`);
  const directive = defaultEnableTypeDirective();
  const stringField = (parent: Record<string, unknown>, key: string, path: string): string | undefined => {
    const field = parent[key];
    if (field === undefined || field === null) return undefined;
    if (typeof field !== 'string') throw fail(`${path} must be a string, found ${JSON.stringify(field)}`);
    return field;
  };
  const mapping = (key: string): Record<string, unknown> => {
    const field = value[key];
    if (field === undefined || field === null) return {};
    if (!isPlainObject(field)) throw fail(`${key} must be a mapping`);
    return field;
  };
  const metadata = mapping('metadata');
  const spec = mapping('spec');
  directive.name = stringField(metadata, 'name', 'metadata.name') ?? '';
  directive.targetVersion = stringField(spec, 'targetVersion', 'spec.targetVersion') ?? directive.targetVersion;
  directive.federatedGroup = stringField(spec, 'federatedGroup', 'spec.federatedGroup') ?? directive.federatedGroup;
  directive.federatedVersion = stringField(spec, 'federatedVersion', 'spec.federatedVersion') ?? directive.federatedVersion;
  if (directive.name === '') throw fail('metadata.name is required: the type to enable, e.g. deployments.apps');
  if (directive.federatedGroup === '') throw fail('spec.federatedGroup must not be empty');
  if (directive.federatedVersion === '') throw fail('spec.federatedVersion must not be empty');
  return directive;
}

// ---------------------------------------------------------------------------------------------
// Generation

export function targetScope(target: Pick<ApiResource, 'namespaced'>): Scope {
  return target.namespaced ? 'Namespaced' : 'Cluster';
}

/** The federated scope equals the target's, except for namespaces (FederatedNamespace lives in its namespace). */
export function federatedScope(target: Pick<ApiResource, 'name' | 'group' | 'namespaced'>): Scope {
  return groupQualifiedName(target.name, target.group) === 'namespaces' ? 'Namespaced' : targetScope(target);
}

function apiResourceFields(resource: TypeConfigApiResource): Record<string, string> {
  return {
    ...(resource.group === '' ? {} : { group: resource.group }),
    kind: resource.kind,
    pluralName: resource.pluralName,
    scope: resource.scope,
    version: resource.version,
  };
}

export function federatedTypeForTarget(
  target: ApiResource,
  directive: Pick<EnableTypeDirective, 'federatedGroup' | 'federatedVersion'>,
): TypeConfigApiResource {
  return {
    group: directive.federatedGroup,
    version: directive.federatedVersion,
    kind: `Federated${target.kind}`,
    pluralName: `federated${target.name}`,
    scope: federatedScope(target),
  };
}

/** GenerateTypeConfigForTarget: the FederatedTypeConfig, without namespace or status. */
export function typeConfigForTarget(target: ApiResource, directive: Pick<EnableTypeDirective, 'federatedGroup' | 'federatedVersion'>): KubeObject {
  const targetType: TypeConfigApiResource = {
    group: target.group,
    version: target.version,
    kind: target.kind,
    pluralName: target.name,
    scope: targetScope(target),
  };
  return {
    apiVersion: `${KUBEFED_CORE_GROUP}/${KUBEFED_CORE_VERSION}`,
    kind: 'FederatedTypeConfig',
    metadata: { name: groupQualifiedName(target.name, target.group) },
    spec: {
      federatedType: apiResourceFields(federatedTypeForTarget(target, directive)),
      propagation: 'Enabled',
      targetType: apiResourceFields(targetType),
    },
  };
}

/** What the target's schema tells the generator (the schema itself is not embedded since KubeFed v0.1.0-rc4). */
export interface TargetSchemaTraits {
  /** The target has a schema with properties: the federated CRD gets spec.template. */
  hasTemplateSchema: boolean;
  /** spec.replicas is an int32: the federated CRD gets spec.retainReplicas. */
  scalable: boolean;
}

const STRING: JsonValue = { type: 'string' };

function arrayOf(items: JsonValue): JsonValue {
  return { type: 'array', items };
}

function placementSchema(): JsonValue {
  return {
    type: 'object',
    properties: {
      clusters: arrayOf({ type: 'object', properties: { name: STRING }, required: ['name'] }),
      clusterSelector: {
        type: 'object',
        properties: {
          matchExpressions: arrayOf({
            type: 'object',
            properties: { key: STRING, operator: STRING, values: arrayOf(STRING) },
            required: ['key', 'operator'],
          }),
          matchLabels: { type: 'object', additionalProperties: STRING },
        },
      },
    },
  };
}

function overridesSchema(): JsonValue {
  return arrayOf({
    type: 'object',
    properties: {
      clusterName: STRING,
      clusterOverrides: arrayOf({
        type: 'object',
        properties: {
          op: { type: 'string', pattern: '^(add|remove|replace)?$' },
          path: STRING,
          value: { 'x-kubernetes-preserve-unknown-fields': true },
        },
        required: ['path'],
      }),
    },
  });
}

function statusSchema(): JsonValue {
  return {
    type: 'object',
    properties: {
      conditions: arrayOf({
        type: 'object',
        properties: {
          type: STRING,
          status: STRING,
          reason: STRING,
          lastUpdateTime: { type: 'string', format: 'date-time' },
          lastTransitionTime: { type: 'string', format: 'date-time' },
        },
        required: ['type', 'status'],
      }),
      clusters: arrayOf({
        type: 'object',
        properties: {
          name: STRING,
          status: STRING,
          remoteStatus: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
        required: ['name'],
      }),
      observedGeneration: { type: 'integer', format: 'int64' },
    },
  };
}

/** federatedTypeValidationSchema + ValidationSchema of validation.go. */
export function federatedValidationSchema(traits: TargetSchemaTraits): JsonValue {
  const specProperties: Record<string, JsonValue> = { placement: placementSchema(), overrides: overridesSchema() };
  if (traits.hasTemplateSchema) {
    specProperties.template = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    if (traits.scalable) specProperties.retainReplicas = { type: 'boolean' };
  }
  return {
    openAPIV3Schema: {
      type: 'object',
      properties: {
        apiVersion: STRING,
        kind: STRING,
        metadata: { type: 'object' },
        spec: { type: 'object', properties: specProperties },
        status: statusSchema(),
      },
      required: ['spec'],
    },
  };
}

export function federatedCrdName(federatedType: Pick<TypeConfigApiResource, 'pluralName' | 'group'>): string {
  return groupQualifiedName(federatedType.pluralName, federatedType.group);
}

/** CrdForAPIResource: the CRD of the federated type (short names f<s>, status subresource). */
export function federatedCrdForTarget(
  target: ApiResource,
  directive: Pick<EnableTypeDirective, 'federatedGroup' | 'federatedVersion'>,
  traits: TargetSchemaTraits,
): KubeObject {
  const federatedType = federatedTypeForTarget(target, directive);
  const shortNames = target.shortNames.map((shortName) => `f${shortName}`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: federatedCrdName(federatedType) },
    spec: {
      group: federatedType.group,
      names: {
        kind: federatedType.kind,
        plural: federatedType.pluralName,
        ...(shortNames.length > 0 ? { shortNames } : {}),
      },
      scope: federatedType.scope,
      versions: [
        {
          name: federatedType.version,
          schema: federatedValidationSchema(traits),
          served: true,
          storage: true,
          subresources: { status: {} },
        },
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Target schema (schema.go): only whether there is one and whether spec.replicas is an int32.

function isInt32Integer(schema: unknown): boolean {
  return isPlainObject(schema) && schema.type === 'integer' && schema.format === 'int32';
}

/** From a CRD of the target: spec.versions[0] (always the first version, as the Go tool). */
export function schemaTraitsFromCrd(crd: unknown): TargetSchemaTraits {
  const spec = isPlainObject(crd) && isPlainObject(crd.spec) ? crd.spec : {};
  const first = Array.isArray(spec.versions) ? spec.versions[0] : undefined;
  const schema = isPlainObject(first) && isPlainObject(first.schema) ? first.schema.openAPIV3Schema : undefined;
  const properties = isPlainObject(schema) ? schema.properties : undefined;
  if (!isPlainObject(properties)) return { hasTemplateSchema: false, scalable: false };
  const targetSpec = properties.spec;
  const replicas = isPlainObject(targetSpec) && isPlainObject(targetSpec.properties) ? targetSpec.properties.replicas : undefined;
  return { hasTemplateSchema: true, scalable: isInt32Integer(replicas) };
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** schema.GroupVersionKind's String(): "apps/v1, Kind=Deployment", "/v1, Kind=ConfigMap". */
export function formatGroupVersionKind(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

const DEFINITION_REF = '#/definitions/';

/**
 * From an OpenAPI v2 document (GET /openapi/v2, JSON): the definition whose
 * x-kubernetes-group-version-kind names the GVK, read the way kube-openapi's proto models read
 * it. undefined when no definition carries the GVK.
 */
export function schemaTraitsFromOpenApiV2(document: unknown, gvk: GroupVersionKind): TargetSchemaTraits | undefined {
  const definitions = isPlainObject(document) && isPlainObject(document.definitions) ? document.definitions : {};
  let model: unknown;
  for (const definition of Object.values(definitions)) {
    const gvks = isPlainObject(definition) ? definition['x-kubernetes-group-version-kind'] : undefined;
    if (!Array.isArray(gvks)) continue;
    if (gvks.some((entry) => isPlainObject(entry) && (entry.group ?? '') === gvk.group && entry.version === gvk.version && entry.kind === gvk.kind)) {
      model = definition;
    }
  }
  if (model === undefined) return undefined;
  const resolve = (schema: unknown, depth = 0): unknown => {
    if (!isPlainObject(schema) || typeof schema.$ref !== 'string' || depth > 32) return schema;
    const ref = schema.$ref;
    return resolve(ref.startsWith(DEFINITION_REF) ? definitions[ref.slice(DEFINITION_REF.length)] : undefined, depth + 1);
  };
  const kindProperties = (schema: unknown): Record<string, unknown> | undefined => {
    const resolved = resolve(schema);
    if (!isPlainObject(resolved) || !isPlainObject(resolved.properties)) return undefined;
    const type = resolved.type;
    return type === undefined || type === 'object' || (Array.isArray(type) && type.length === 1 && type[0] === 'object') ? resolved.properties : undefined;
  };
  const properties = kindProperties(model);
  if (properties === undefined) return { hasTemplateSchema: false, scalable: false };
  const specProperties = kindProperties(properties.spec);
  return { hasTemplateSchema: true, scalable: specProperties !== undefined && isInt32Integer(resolve(specProperties.replicas)) };
}

// ---------------------------------------------------------------------------------------------
// Reading existing FederatedTypeConfigs

function stringAt(value: unknown, key: string): string {
  return isPlainObject(value) && typeof value[key] === 'string' ? value[key] : '';
}

export function typeConfigApiResource(ftc: KubeObject, field: 'targetType' | 'federatedType'): TypeConfigApiResource {
  const resource = isPlainObject(ftc.spec) ? ftc.spec[field] : undefined;
  return {
    group: stringAt(resource, 'group'),
    version: stringAt(resource, 'version'),
    kind: stringAt(resource, 'kind'),
    pluralName: stringAt(resource, 'pluralName'),
    scope: stringAt(resource, 'scope') === 'Namespaced' ? 'Namespaced' : 'Cluster',
  };
}

/** qualifiedAPIResourceName: "deployments.apps/v1", or "configmaps/v1" for the core group. */
export function qualifiedApiResourceName(resource: Pick<TypeConfigApiResource, 'pluralName' | 'group' | 'version'>): string {
  return `${groupQualifiedName(resource.pluralName, resource.group)}/${resource.version}`;
}

function namespacedName(object: KubeObject): string {
  const { name = '', namespace } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

// ---------------------------------------------------------------------------------------------
// enable: the checks of CreateResources, then the writes.

/** An existing FederatedTypeConfig of the same name must keep its federated type. */
export function checkFederatedTypeUnchanged(existing: KubeObject | undefined, desired: KubeObject): void {
  if (existing === undefined) return;
  const current = typeConfigApiResource(existing, 'federatedType');
  const wanted = typeConfigApiResource(desired, 'federatedType');
  if (current.pluralName === wanted.pluralName && current.version === wanted.version && current.group === wanted.group) return;
  throw new OperationError(
    'FEDERATED_TYPE_CHANGED',
    `Federation is already enabled for "${qualifiedApiResourceName(typeConfigApiResource(existing, 'targetType'))}" with federated type "${qualifiedApiResourceName(current)}". Changing the federated type to "${qualifiedApiResourceName(wanted)}" is not supported.`,
    {
      hint: `Disable the type first (kubefedctl disable ${existing.metadata.name ?? ''} --delete-crd), then enable it with the new federated group or version.`,
    },
  );
}

/**
 * Before an existing federated CRD is overwritten: no FederatedTypeConfig may federate an
 * equivalent (deprecated) API of the same type, and no other one may use this CRD.
 */
export function checkFederatedCrdTakeover(existingConfigs: readonly KubeObject[], desired: KubeObject, crdName: string): void {
  const desiredTarget = typeConfigApiResource(desired, 'targetType');
  const desiredName = desired.metadata.name ?? '';
  for (const config of existingConfigs) {
    const existingTarget = typeConfigApiResource(config, 'targetType');
    if (isEquivalentApi(existingTarget, desiredTarget)) {
      throw new OperationError(
        'EQUIVALENT_TYPE_ENABLED',
        `Failed to enable "${qualifiedApiResourceName(desiredTarget)}". Federation of this type is already enabled for equivalent type "${qualifiedApiResourceName(existingTarget)}" by FederatedTypeConfig "${namespacedName(config)}"`,
        {
          hint: `The two APIs serve the same objects; only one may be federated. Disable FederatedTypeConfig "${namespacedName(config)}" first to federate "${qualifiedApiResourceName(desiredTarget)}" instead.`,
        },
      );
    }
    if (config.metadata.name === desiredName) continue;
    const otherCrd = federatedCrdName(typeConfigApiResource(config, 'federatedType'));
    if (otherCrd === crdName) {
      throw new OperationError(
        'FEDERATED_CRD_IN_USE',
        `Failed to enable federation of "${desiredName}" due to the FederatedTypeConfig for "${config.metadata.name ?? ''}" already referencing a federated type CRD named "${otherCrd}". If these target types are distinct despite sharing the same kind, specifying a non-default --federated-group should allow "${desiredName}" to be enabled.`,
      );
    }
  }
}
