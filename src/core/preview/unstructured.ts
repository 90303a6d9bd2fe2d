// apimachinery's unstructured accessors (k8s.io/apimachinery v0.22.2, the version KubeFed v0.10.0
// pins) over plain JSON objects: NestedString, NestedInt64, SetNestedField... with the same
// "found" rules and the same error texts, because KubeFed's messages embed them.

import { cloneJson } from '../federate.js';
import { isPlainObject } from '../types.js';

/** An accessor error, e.g. `.spec.replicas accessor error: x is of the type string, expected int64`. */
export class AccessorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessorError';
  }
}

export type Found<T> = { found: true; value: T } | { found: false };

const NOT_FOUND = { found: false } as const;

function jsonPath(fields: readonly string[]): string {
  return `.${fields.join('.')}`;
}

/** Go's %T of a decoded JSON value. */
export function goType(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (Array.isArray(value)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Go's %v of a decoded JSON value (maps print their keys sorted). */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (isPlainObject(value)) {
    return `map[${Object.keys(value)
      .sort()
      .map((key) => `${key}:${goValue(value[key])}`)
      .join(' ')}]`;
  }
  return String(value);
}

function typeError(fields: readonly string[], value: unknown, expected: string): AccessorError {
  return new AccessorError(`${jsonPath(fields)} accessor error: ${goValue(value)} is of the type ${goType(value)}, expected ${expected}`);
}

/** NestedFieldNoCopy: a nil on the way means not found; a non-map on the way is an error. */
export function nestedField(object: unknown, ...fields: string[]): Found<unknown> {
  let value: unknown = object;
  for (let index = 0; index < fields.length; index++) {
    if (value === null || value === undefined) return NOT_FOUND;
    if (!isPlainObject(value)) throw typeError(fields.slice(0, index + 1), value, 'map[string]interface{}');
    const field = fields[index]!;
    if (!Object.hasOwn(value, field)) return NOT_FOUND;
    value = value[field];
  }
  return { found: true, value };
}

export function nestedString(object: unknown, ...fields: string[]): Found<string> {
  const field = nestedField(object, ...fields);
  if (!field.found) return field;
  if (typeof field.value !== 'string') throw typeError(fields, field.value, 'string');
  return { found: true, value: field.value };
}

export function nestedBool(object: unknown, ...fields: string[]): Found<boolean> {
  const field = nestedField(object, ...fields);
  if (!field.found) return field;
  if (typeof field.value !== 'boolean') throw typeError(fields, field.value, 'bool');
  return { found: true, value: field.value };
}

export function nestedInt64(object: unknown, ...fields: string[]): Found<number> {
  const field = nestedField(object, ...fields);
  if (!field.found) return field;
  if (typeof field.value !== 'number' || !Number.isInteger(field.value)) throw typeError(fields, field.value, 'int64');
  return { found: true, value: field.value };
}

export function nestedMap(object: unknown, ...fields: string[]): Found<Record<string, unknown>> {
  const field = nestedField(object, ...fields);
  if (!field.found) return field;
  if (!isPlainObject(field.value)) throw typeError(fields, field.value, 'map[string]interface{}');
  return { found: true, value: field.value };
}

export function nestedSlice(object: unknown, ...fields: string[]): Found<unknown[]> {
  const field = nestedField(object, ...fields);
  if (!field.found) return field;
  if (!Array.isArray(field.value)) throw typeError(fields, field.value, '[]interface{}');
  return { found: true, value: field.value };
}

export function nestedStringSlice(object: unknown, ...fields: string[]): Found<string[]> {
  const slice = nestedSlice(object, ...fields);
  if (!slice.found) return slice;
  for (const item of slice.value) {
    if (typeof item !== 'string') {
      throw new AccessorError(
        `${jsonPath(fields)} accessor error: contains non-string key in the slice: ${goValue(item)} is of the type ${goType(item)}, expected string`,
      );
    }
  }
  return { found: true, value: slice.value as string[] };
}

export function nestedStringMap(object: unknown, ...fields: string[]): Found<Record<string, string>> {
  const map = nestedMap(object, ...fields);
  if (!map.found) return map;
  for (const item of Object.values(map.value)) {
    if (typeof item !== 'string') {
      throw new AccessorError(
        `${jsonPath(fields)} accessor error: contains non-string key in the map: ${goValue(item)} is of the type ${goType(item)}, expected string`,
      );
    }
  }
  return { found: true, value: map.value as Record<string, string> };
}

/** The Unstructured getters swallow errors: a malformed field reads as absent. */
export function lenient<T>(read: () => Found<T>): T | undefined {
  try {
    const result = read();
    return result.found ? result.value : undefined;
  } catch (error) {
    if (error instanceof AccessorError) return undefined;
    throw error;
  }
}

/** SetNestedField: stores a copy of the value, creating missing maps; a non-map on the way is an error. */
export function setNestedField(object: Record<string, unknown>, value: unknown, ...fields: string[]): void {
  let map = object;
  for (let index = 0; index < fields.length - 1; index++) {
    const field = fields[index]!;
    if (Object.hasOwn(map, field)) {
      const next = map[field];
      if (!isPlainObject(next)) throw new AccessorError(`value cannot be set because ${jsonPath(fields.slice(0, index + 1))} is not a map[string]interface{}`);
      map = next;
    } else {
      const created: Record<string, unknown> = {};
      map[field] = created;
      map = created;
    }
  }
  map[fields[fields.length - 1]!] = cloneJson(value);
}

/** The Unstructured setters (SetName, SetLabels...) ignore SetNestedField's error. */
export function trySetNestedField(object: Record<string, unknown>, value: unknown, ...fields: string[]): boolean {
  try {
    setNestedField(object, value, ...fields);
    return true;
  } catch (error) {
    if (error instanceof AccessorError) return false;
    throw error;
  }
}

/** RemoveNestedField: deletes the field if every map on the way exists. */
export function removeNestedField(object: Record<string, unknown>, ...fields: string[]): void {
  let map: unknown = object;
  for (const field of fields.slice(0, -1)) {
    if (!isPlainObject(map)) return;
    map = map[field];
  }
  if (isPlainObject(map)) delete map[fields[fields.length - 1]!];
}

// Object metadata as the Unstructured getters and setters see it.

export function getLabels(object: unknown): Record<string, string> | undefined {
  return lenient(() => nestedStringMap(object, 'metadata', 'labels'));
}

export function getAnnotations(object: unknown): Record<string, string> | undefined {
  return lenient(() => nestedStringMap(object, 'metadata', 'annotations'));
}

export function getFinalizers(object: unknown): string[] | undefined {
  return lenient(() => nestedStringSlice(object, 'metadata', 'finalizers'));
}

export function getMetaString(object: unknown, field: 'name' | 'namespace' | 'resourceVersion' | 'uid'): string {
  return lenient(() => nestedString(object, 'metadata', field)) ?? '';
}

/** SetLabels/SetAnnotations/SetFinalizers/SetResourceVersion: nil (or "") removes the field. */
export function setMetaField(object: Record<string, unknown>, field: string, value: unknown): void {
  if (value === undefined || value === '') removeNestedField(object, 'metadata', field);
  else trySetNestedField(object, value, 'metadata', field);
}
