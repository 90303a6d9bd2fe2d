// Plain Kubernetes object shapes used across the project. Parsed manifests are narrowed to these
// with the guards below; nothing here does I/O.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Where an object type is served: group "" is the core group. */
export interface GroupVersionResource {
  group: string;
  version: string;
  /** Plural resource name, e.g. "deployments". */
  resource: string;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function joinApiVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

export function objectRef(obj: { metadata?: { name?: string; namespace?: string } }): string {
  const { name = '', namespace } = obj.metadata ?? {};
  return namespace ? `${namespace}/${name}` : name;
}
