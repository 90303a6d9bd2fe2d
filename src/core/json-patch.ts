// JSON Patch as github.com/evanphx/json-patch applies it, not as RFC 6902 says. KubeFed v0.10.0
// applies overrides with v4.12.0 ('v4'); Karmada applies its overrides with v5.9.11 ('v5'). The
// two differ where a key is missing: v4's object lookup never fails, so `replace` of a missing key
// adds it and `copy` from a missing key copies null; v5 fails both. Shared quirks, on purpose:
// negative indices (in `add`, -1 counts from the end of the grown array), a path without a
// leading "/" loses its first segment, `add`/`replace` without a value write null, and the error
// texts are the library's own. Pure: the input document is never modified.

import { goJsonByteLength, goJsonType, parseGoInt } from './go-json.js';
import { isPlainObject } from './types.js';

export type JsonPatchMode = 'v4' | 'v5';

export interface JsonPatchOptions {
  /** 'v4' (evanphx/json-patch v4.12.0, KubeFed) or 'v5' (v5.9.11, Karmada). Default 'v4'. */
  mode?: JsonPatchMode;
  /** Negative array indices count from the end. Default true, as in both versions. */
  supportNegativeIndices?: boolean;
  /** Bytes that `copy` operations may add in total; 0 (the default) means no limit. */
  accumulatedCopySizeLimit?: number;
  /** v5 ApplyOptions.AllowMissingPathOnRemove. */
  allowMissingPathOnRemove?: boolean;
  /** v5 ApplyOptions.EnsurePathExistsOnAdd. */
  ensurePathExistsOnAdd?: boolean;
}

/** A patch that does not apply. `panic` marks inputs on which the Go library dereferences nil. */
export class JsonPatchError extends Error {
  readonly panic: boolean;
  constructor(message: string, panic = false) {
    super(message);
    this.name = 'JsonPatchError';
    this.panic = panic;
  }
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
const NIL_DEREFERENCE = 'runtime error: invalid memory address or nil pointer dereference';

type Container = Record<string, unknown> | unknown[];

/** The parent container of a path and the decoded last segment. */
interface Location {
  container: Container;
  key: string;
}

class Patcher {
  private root: unknown;
  /** v5: what a "" segment resolves to at the root (the document as the patch found it). */
  private selfSource: unknown;
  private selfValue: unknown;
  private selfResolved = false;
  private copiedBytes = 0;
  private readonly v5: boolean;
  private readonly negative: boolean;
  private readonly options: JsonPatchOptions;

  constructor(document: unknown, options: JsonPatchOptions) {
    this.options = options;
    this.root = cloneJsonValue(document);
    this.selfSource = document;
    this.v5 = options.mode === 'v5';
    this.negative = options.supportNegativeIndices ?? true;
  }

  result(): unknown {
    return this.root;
  }

  apply(operation: unknown): void {
    const op = isPlainObject(operation) ? operation : {};
    const kind = typeof op.op === 'string' ? op.op : 'unknown';
    switch (kind) {
      case 'add':
        return this.add(op);
      case 'remove':
        return this.remove(op);
      case 'replace':
        return this.replace(op);
      case 'move':
        return this.move(op);
      case 'test':
        return this.test(op);
      case 'copy':
        return this.copy(op);
      default:
        throw new JsonPatchError(`Unexpected kind: ${kind}`);
    }
  }

  private add(op: Record<string, unknown>): void {
    const path = readString(op, 'path', 'operation missing path field');
    if (path.error !== undefined) throw new JsonPatchError(`add operation failed to decode path: ${MISSING}`);
    if (this.v5 && path.value === '') {
      if (!Object.hasOwn(op, 'value')) throw new JsonPatchError(NIL_DEREFERENCE, true);
      const value = op.value;
      if (!Array.isArray(value) && !isPlainObject(value)) {
        throw new JsonPatchError(
          value === null
            ? 'invalid value, expected object'
            : `json: cannot unmarshal ${goJsonType(value)} into Go value of type map[string]*jsonpatch.lazyNode`,
        );
      }
      this.root = cloneJsonValue(value);
      this.setSelf(value);
      return;
    }
    if (this.v5 && this.options.ensurePathExistsOnAdd) this.ensurePathExists(path.value);
    const location = this.findObject(path.value);
    if (location === undefined) throw new JsonPatchError(`add operation does not apply: doc is missing path: "${path.value}": ${MISSING}`);
    try {
      this.containerAdd(location.container, location.key, operationValue(op));
    } catch (error) {
      throw wrap(`error in add for path: '${path.value}'`, error);
    }
  }

  private remove(op: Record<string, unknown>): void {
    const path = readString(op, 'path', 'operation missing path field');
    if (path.error !== undefined) throw new JsonPatchError(`remove operation failed to decode path: ${MISSING}`);
    const location = this.findObject(path.value);
    if (location === undefined) {
      if (this.v5 && this.options.allowMissingPathOnRemove) return;
      throw new JsonPatchError(`remove operation does not apply: doc is missing path: "${path.value}": ${MISSING}`);
    }
    try {
      this.containerRemove(location.container, location.key);
    } catch (error) {
      throw wrap(`error in remove for path: '${path.value}'`, error);
    }
  }

  private replace(op: Record<string, unknown>): void {
    const path = readString(op, 'path', 'operation missing path field');
    if (path.error !== undefined) throw new JsonPatchError(`replace operation failed to decode path: ${path.error}`);
    if (path.value === '') {
      if (!Object.hasOwn(op, 'value')) throw new JsonPatchError(NIL_DEREFERENCE, true);
      const value = op.value;
      if (Array.isArray(value) || isPlainObject(value)) {
        this.root = cloneJsonValue(value);
      } else if (this.v5) {
        // v5 reads null as an empty array pointer, which marshals as null.
        if (value !== null) throw new JsonPatchError('replace operation value must be object or array: %!w(<nil>)');
        this.root = null;
      }
      // v4 wraps a nil error here, so a scalar or null value silently changes nothing.
      this.setSelf(undefined);
      return;
    }
    const location = this.findObject(path.value);
    if (location === undefined) throw new JsonPatchError(`replace operation does not apply: doc is missing path: ${path.value}: ${MISSING}`);
    try {
      this.containerGet(location.container, location.key);
    } catch {
      throw new JsonPatchError(`replace operation does not apply: doc is missing key: ${path.value}: ${MISSING}`);
    }
    try {
      this.containerSet(location.container, location.key, operationValue(op));
    } catch (error) {
      throw wrap(`error in remove for path: '${path.value}'`, error);
    }
  }

  private move(op: Record<string, unknown>): void {
    const from = readString(op, 'from', 'operation, missing from field');
    if (from.error !== undefined) throw new JsonPatchError(`move operation failed to decode from: ${from.error}`);
    if (this.v5 && from.value === '') throw new JsonPatchError('unable to move entire document to another path: invalid state detected');
    const source = this.findObject(from.value);
    if (source === undefined) throw new JsonPatchError(`move operation does not apply: doc is missing from path: ${from.value}: ${MISSING}`);
    let value: unknown;
    try {
      value = this.containerGet(source.container, source.key);
      this.containerRemove(source.container, source.key);
    } catch (error) {
      throw wrap(`error in move for path: '${source.key}'`, error);
    }
    const path = readString(op, 'path', 'operation missing path field');
    if (path.error !== undefined) throw new JsonPatchError(`move operation failed to decode path: ${path.error}`);
    const target = this.findObject(path.value);
    if (target === undefined) throw new JsonPatchError(`move operation does not apply: doc is missing destination path: ${path.value}: ${MISSING}`);
    try {
      this.containerAdd(target.container, target.key, value ?? null);
    } catch (error) {
      throw wrap(`error in move for path: '${path.value}'`, error);
    }
  }

  private test(op: Record<string, unknown>): void {
    const path = readString(op, 'path', 'operation missing path field');
    if (path.error !== undefined) throw new JsonPatchError(`test operation failed to decode path: ${path.error}`);
    const hasValue = Object.hasOwn(op, 'value');
    const failed = () => new JsonPatchError(`testing value ${path.value} failed: test failed`);
    if (path.value === '') {
      if (!hasValue) throw new JsonPatchError(NIL_DEREFERENCE, true);
      if (op.value === null || !jsonValuesEqual(this.root, op.value)) throw failed();
      return;
    }
    const location = this.findObject(path.value);
    if (location === undefined) throw new JsonPatchError(`test operation does not apply: is missing path: ${path.value}: ${MISSING}`);
    let actual: unknown;
    try {
      actual = this.containerGet(location.container, location.key);
    } catch (error) {
      if (!(this.v5 && error instanceof MissingKeyError)) throw wrap(`error in test for path: '${path.value}'`, error);
    }
    const expectedIsNull = !hasValue || op.value === null;
    if (actual === undefined || actual === null) {
      // v4 reads the raw bytes of a value the operation does not have.
      if (!this.v5 && !hasValue) throw new JsonPatchError(NIL_DEREFERENCE, true);
      if (expectedIsNull) return;
      throw failed();
    }
    if (expectedIsNull || !jsonValuesEqual(actual, op.value)) throw failed();
  }

  private copy(op: Record<string, unknown>): void {
    const from = readString(op, 'from', 'operation, missing from field');
    if (from.error !== undefined) throw new JsonPatchError(`copy operation failed to decode from: ${from.error}`);
    const source = this.findObject(from.value);
    if (source === undefined) {
      const shown = this.v5 ? `"${from.value}"` : from.value;
      throw new JsonPatchError(`copy operation does not apply: doc is missing from path: ${shown}: ${MISSING}`);
    }
    let value: unknown;
    try {
      value = this.containerGet(source.container, source.key);
    } catch (error) {
      throw wrap(`error in copy for from: '${from.value}'`, error);
    }
    const path = readString(op, 'path', 'operation missing path field');
    if (path.error !== undefined) throw new JsonPatchError(`copy operation failed to decode path: ${MISSING}`);
    const target = this.findObject(path.value);
    if (target === undefined) throw new JsonPatchError(`copy operation does not apply: doc is missing destination path: ${path.value}: ${MISSING}`);
    // A missing or null source is a nil node: it copies as null and counts no bytes.
    const copied = value === undefined ? null : cloneJsonValue(value);
    this.copiedBytes += value === undefined || value === null ? 0 : goJsonByteLength(value);
    const limit = this.options.accumulatedCopySizeLimit ?? 0;
    if (limit > 0 && this.copiedBytes > limit) {
      throw new JsonPatchError(`Unable to complete the copy, the accumulated size increase of copy is ${this.copiedBytes}, exceeding the limit ${limit}`);
    }
    try {
      this.containerAdd(target.container, target.key, copied);
    } catch (error) {
      throw wrap('error while adding value during copy', error);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Paths

  /** findObject: walks every segment but the last; undefined when one does not lead to a container. */
  private findObject(path: string): Location | undefined {
    const root = this.root;
    if (!Array.isArray(root) && !isPlainObject(root)) throw new JsonPatchError(NIL_DEREFERENCE, true);
    const segments = path.split('/');
    if (segments.length < 2) return this.v5 && path === '' ? { container: root, key: '' } : undefined;
    let container: Container = root;
    for (const segment of segments.slice(1, -1)) {
      let next: unknown;
      try {
        next = this.containerGet(container, decodePatchKey(segment));
      } catch {
        return undefined;
      }
      if (!Array.isArray(next) && !isPlainObject(next)) return undefined;
      container = next;
    }
    return { container, key: decodePatchKey(segments[segments.length - 1]!) };
  }

  /** v5 EnsurePathExistsOnAdd: creates missing objects and arrays (padded with nulls) along the path. */
  private ensurePathExists(path: string): void {
    const parts = path.split('/').slice(1);
    let container: unknown = this.root;
    for (let index = 0; index < parts.length - 1; index++) {
      const part = parts[index]!;
      const nextPart = parts[index + 1]!;
      if (!Array.isArray(container) && !isPlainObject(container)) throw new JsonPatchError('invalid state detected');
      let target: unknown;
      try {
        target = this.containerGet(container, decodePatchKey(part));
      } catch {
        target = undefined;
      }
      if (target !== undefined && target !== null) {
        if (!Array.isArray(target) && !isPlainObject(target)) throw new JsonPatchError('invalid state detected');
        container = target;
        continue;
      }
      const partIndex = parseGoInt(part);
      if (typeof partIndex === 'bigint' && Array.isArray(container) && partIndex >= BigInt(container.length + 1)) {
        while (BigInt(container.length) <= partIndex - 1n) container.push(null);
      }
      const nextIndex = parseGoInt(nextPart);
      const created: Container = typeof nextIndex === 'bigint' || nextPart === '-' ? [] : {};
      let padding = typeof nextIndex === 'bigint' ? nextIndex : 0n;
      if (Array.isArray(created) && padding < 0n) {
        if (!this.negative) throw new JsonPatchError(`Unable to ensure path for invalid index: ${padding}: ${INVALID_INDEX}`);
        if (padding < -1n) throw new JsonPatchError(`Unable to ensure path for negative index other than -1: ${padding}: ${INVALID_INDEX}`);
        padding = 0n;
      }
      // The library ignores this add's error and adds under the undecoded segment.
      try {
        this.containerAdd(container, part, created);
      } catch {
        // as the library: the new container is then detached and the final add fails
      }
      if (Array.isArray(created)) for (let i = 0n; i < padding; i++) created.push(null);
      container = created;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Containers (partialDoc / partialArray)

  private containerGet(container: Container, key: string): unknown {
    if (this.v5 && key === '') return container === this.root ? this.self() : undefined;
    if (!Array.isArray(container)) {
      if (Object.hasOwn(container, key)) return container[key];
      if (this.v5) throw new MissingKeyError(`unable to get nonexistent key: ${key}: ${MISSING}`);
      return undefined;
    }
    const index = this.resolveNegative(BigInt(container.length), atoi(key));
    if (index >= BigInt(container.length)) throw invalidIndex(index);
    return container[Number(index)];
  }

  private containerSet(container: Container, key: string, value: unknown): void {
    if (!Array.isArray(container)) return setOwn(container, key, value);
    container[Number(this.resolveNegative(BigInt(container.length), atoi(key)))] = value;
  }

  private containerAdd(container: Container, key: string, value: unknown): void {
    if (!Array.isArray(container)) return setOwn(container, key, value);
    if (key === '-') {
      container.push(value);
      return;
    }
    let index: bigint;
    try {
      index = atoi(key);
    } catch (error) {
      throw wrap(`value was not a proper array index: '${key}'`, error);
    }
    const grown = BigInt(container.length + 1);
    if (index >= grown) throw invalidIndex(index);
    container.splice(Number(this.resolveNegative(grown, index)), 0, value);
  }

  private containerRemove(container: Container, key: string): void {
    const allowMissing = this.v5 && (this.options.allowMissingPathOnRemove ?? false);
    if (!Array.isArray(container)) {
      if (!Object.hasOwn(container, key)) {
        if (allowMissing) return;
        throw new JsonPatchError(`${this.v5 ? 'unable' : 'Unable'} to remove nonexistent key: ${key}: ${MISSING}`);
      }
      delete container[key];
      return;
    }
    const index = atoi(key);
    const length = BigInt(container.length);
    if (index >= length) {
      if (allowMissing) return;
      throw invalidIndex(index);
    }
    if (index < 0n && this.negative && index < -length && allowMissing) return;
    container.splice(Number(this.resolveNegative(length, index)), 1);
  }

  /** A negative index counted from `length`; errors as the library does when out of range. */
  private resolveNegative(length: bigint, index: bigint): bigint {
    if (index >= 0n) return index;
    if (!this.negative || index < -length) throw invalidIndex(index);
    return index + length;
  }

  private self(): unknown {
    if (!this.selfResolved) {
      this.selfValue = cloneJsonValue(this.selfSource);
      this.selfResolved = true;
    }
    return this.selfValue;
  }

  private setSelf(source: unknown): void {
    this.selfSource = source;
    this.selfResolved = false;
  }
}

class MissingKeyError extends JsonPatchError {}

/**
 * Applies `patch` (an array of operations as plain objects) to a copy of `document` and returns
 * the result. Throws JsonPatchError with the library's message on the first operation that
 * fails. An undefined document (Go: empty input) is returned as is.
 */
export function applyJsonPatch(document: unknown, patch: readonly unknown[], options: JsonPatchOptions = {}): unknown {
  if (options.mode === 'v5') validatePatch(patch);
  if (document === undefined) return undefined;
  if (!Array.isArray(document) && !isPlainObject(document)) {
    throw new JsonPatchError(`json: cannot unmarshal ${goJsonType(document)} into Go value of type jsonpatch.partialDoc`);
  }
  const patcher = new Patcher(document, options);
  for (const operation of patch) patcher.apply(operation);
  return patcher.result();
}

/** v5 DecodePatch's validation: every operation is checked before any is applied. */
function validatePatch(patch: readonly unknown[]): void {
  for (const operation of patch) {
    const op = isPlainObject(operation) ? operation : {};
    const kind = typeof op.op === 'string' ? op.op : 'unknown';
    let problem: string | undefined;
    if (kind === 'add' || kind === 'replace') {
      if (!Object.hasOwn(op, 'value')) problem = `failed to decode 'value': operation, missing value field: ${MISSING}`;
    } else if (kind === 'move' || kind === 'copy') {
      const from = readString(op, 'from', 'operation, missing from field');
      if (from.error !== undefined) problem = `failed to decode 'from': ${from.error}`;
    } else if (kind !== 'remove' && kind !== 'test') {
      problem = 'unsupported operation';
    }
    if (problem === undefined) {
      const path = readString(op, 'path', 'operation missing path field');
      if (path.error !== undefined) problem = `failed to decode 'path': ${path.error}`;
    }
    if (problem !== undefined) throw new JsonPatchError(`invalid operation ${JSON.stringify(sortKeys(op))}: ${problem}`);
  }
}

/** The library's Equal: structural equality of two JSON values (key order does not matter). */
export function jsonValuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonValuesEqual(item, b[index]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonValuesEqual(a[key], b[key]));
  }
  return false;
}

/** RFC 6901 decoding as the library does it: ~1 then ~0, in one pass. */
export function decodePatchKey(segment: string): string {
  return segment.replace(/~[01]/g, (escape) => (escape === '~1' ? '/' : '~'));
}

// ---------------------------------------------------------------------------------------------
// Helpers

function operationValue(op: Record<string, unknown>): unknown {
  return Object.hasOwn(op, 'value') ? cloneJsonValue(op.value) : null;
}

/** Operation.Path()/From(): a string field; null or absent is "missing", another type a decode error. */
function readString(op: Record<string, unknown>, field: string, missing: string): { value: string; error?: undefined } | { value: string; error: string } {
  const raw = op[field];
  if (raw === undefined || raw === null) return { value: 'unknown', error: `${missing}: ${MISSING}` };
  if (typeof raw !== 'string') return { value: 'unknown', error: `json: cannot unmarshal ${goJsonType(raw)} into Go value of type string` };
  return { value: raw };
}

/** strconv.Atoi on a 64-bit platform. */
function atoi(text: string): bigint {
  const value = parseGoInt(text);
  if (value === 'syntax') throw new JsonPatchError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  if (value === 'range') throw new JsonPatchError(`strconv.Atoi: parsing ${JSON.stringify(text)}: value out of range`);
  return value;
}

function invalidIndex(index: bigint): JsonPatchError {
  return new JsonPatchError(`Unable to access invalid index: ${index}: ${INVALID_INDEX}`);
}

function wrap(context: string, error: unknown): JsonPatchError {
  const message = error instanceof Error ? error.message : String(error);
  return new JsonPatchError(`${context}: ${message}`, error instanceof JsonPatchError && error.panic);
}

function setOwn(container: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
  else container[key] = value;
}

function cloneJsonValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJsonValue) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(copy, key, cloneJsonValue(value[key]));
  return copy as T;
}

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) setOwn(sorted, key, value[key]);
  return sorted;
}
