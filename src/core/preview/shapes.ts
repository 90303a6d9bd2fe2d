// The checks the API server makes with the CRD schemas before KubeFed ever sees an object: the
// federated CRD kubefedctl enable generates (placement, overrides, template types; spec
// required) and the ReplicaSchedulingPreference CRD. An object that fails them is invalid input
// (ManifestError, exit 2), not a KubeFed failure.

import { type ManifestLocation, ManifestError } from '../../errors.js';
import type { ManifestObject } from '../manifest.js';
import type { KubeObject } from '../types.js';
import { isPlainObject } from '../types.js';

export function locationOf(manifest: ManifestObject): ManifestLocation {
  const listPath = manifest.listIndex ? `items[${manifest.listIndex.join('].items[')}]` : undefined;
  return { file: manifest.source, document: manifest.document, line: manifest.line, ...(listPath ? { path: listPath } : {}) };
}

export function fail(location: ManifestLocation, path: string, detail: string): never {
  throw new ManifestError({ ...location, path: location.path ? `${location.path}.${path}` : path }, detail);
}

type Check = (value: unknown, path: string) => void;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a sequence';
  if (isPlainObject(value)) return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Builds the checkers for one object; each reports the first problem with its field path. */
function checkers(location: ManifestLocation) {
  const bad = (path: string, expected: string, value: unknown): never =>
    fail(location, path, `${path.split('.').pop()} must be ${expected}, found ${describe(value)}`);
  const optional =
    (check: Check): Check =>
    (value, path) => {
      if (value !== undefined && value !== null) check(value, path);
    };
  const string: Check = (value, path) => {
    if (typeof value !== 'string') bad(path, 'a string', value);
  };
  const integer: Check = (value, path) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) bad(path, 'an integer', value);
  };
  const boolean: Check = (value, path) => {
    if (typeof value !== 'boolean') bad(path, 'true or false', value);
  };
  const list =
    (item: Check): Check =>
    (value, path) => {
      if (!Array.isArray(value)) bad(path, 'a sequence', value);
      (value as unknown[]).forEach((entry, index) => item(entry, `${path}[${index}]`));
    };
  const map =
    (entry: Check): Check =>
    (value, path) => {
      if (!isPlainObject(value)) bad(path, 'a mapping', value);
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) entry(item, `${path}.${key}`);
    };
  const object =
    (fields: Record<string, Check>, required: readonly string[] = []): Check =>
    (value, path) => {
      if (!isPlainObject(value)) bad(path, 'a mapping', value);
      const record = value as Record<string, unknown>;
      for (const field of required) if (record[field] === undefined || record[field] === null) fail(location, `${path}.${field}`, `${field} is required`);
      for (const [field, check] of Object.entries(fields)) check(record[field], `${path}.${field}`);
    };
  return { optional, string, integer, boolean, list, map, object };
}

/** The federated CRD's spec: placement, overrides and template types (pkg/kubefedctl/enable/validation.go). */
export function checkFederatedShape(object: KubeObject, location: ManifestLocation): void {
  const { optional, string, list, map, object: fields } = checkers(location);
  const op: Check = (value, path) => {
    string(value, path);
    if (!/^(add|remove|replace)?$/.test(value as string)) fail(location, path, `op must be add, remove, replace or empty, found ${JSON.stringify(value)}`);
  };
  const spec = fields(
    {
      template: optional(map(() => undefined)),
      placement: optional(
        fields({
          clusters: optional(list(fields({ name: string }, ['name']))),
          clusterSelector: optional(
            fields({
              matchLabels: optional(map(string)),
              matchExpressions: optional(list(fields({ key: string, operator: string, values: optional(list(string)) }, ['key', 'operator']))),
            }),
          ),
        }),
      ),
      overrides: optional(
        list(fields({ clusterName: optional(string), clusterOverrides: optional(list(fields({ op: optional(op), path: string }, ['path']))) })),
      ),
    },
    [],
  );
  if (object.spec === undefined || object.spec === null) fail(location, 'spec', `spec is required (the ${object.kind} CRD requires it)`);
  spec(object.spec, 'spec');
}

/** The ReplicaSchedulingPreference CRD (charts/kubefed/charts/controllermanager/crds/crds.yaml). */
export function checkRspShape(object: KubeObject, location: ManifestLocation): void {
  const { optional, string, integer, boolean, map, object: fields } = checkers(location);
  if (object.spec === undefined || object.spec === null) fail(location, 'spec', 'spec is required');
  fields(
    {
      targetKind: string,
      totalReplicas: integer,
      rebalance: optional(boolean),
      intersectWithClusterSelector: optional(boolean),
      clusters: optional(map(fields({ minReplicas: optional(integer), maxReplicas: optional(integer), weight: optional(integer) }))),
    },
    ['targetKind', 'totalReplicas'],
  )(object.spec, 'spec');
}
