// Turns the text of one manifest source into Kubernetes objects, or a ManifestError that names the
// source, the document and the field. Pure: the caller reads files and stdin.

import { ManifestError } from '../errors.js';
import { type KubeObject, isPlainObject } from './types.js';
import { NonFiniteNumberError, UnsafeIntegerError, jsYaml, parseYamlDocument } from './yaml.js';

export interface ManifestSource {
  /** Path as the user gave it (or "<stdin>"). */
  name: string;
  text: string;
}

export interface ManifestObject {
  object: KubeObject;
  source: string;
  /** 1-based position among the source's non-empty documents. */
  document: number;
  /** 1-based line where the document starts. */
  line: number;
  /** Index inside a `kind: List`, when the object came from one. */
  listIndex?: number[];
}

interface RawDocument {
  text: string;
  /** 0-based line of the document's first line in the source. */
  startLine: number;
  /**
   * Set when the line that began this document starts with "---" but goes on with something other
   * than blanks or a comment ("---apiVersion: v1"): what follows the dashes.
   */
  invalidSeparator?: string;
}

/**
 * Splits a stream the way apimachinery's YAMLReader does (pkg/util/yaml/decoder.go, since
 * Kubernetes 1.22, so in kubectl and in the Go kubefedctl v0.10.0 built on apimachinery v0.22): a
 * line starting with `---` ends a document; if the rest of that line is neither blank nor a
 * comment, the reader fails with "invalid Yaml document separator: <rest>". Such a line still ends
 * the document here and marks the next one, so the error can name its document and line.
 */
export function splitYamlStream(text: string): RawDocument[] {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const documents: RawDocument[] = [];
  let documentStart = 0;
  let startLine = 0;
  let line = 0;
  let lineStart = 0;
  let invalid: { invalidSeparator?: string } = {};
  // Only lines that begin with "---" can be separators: jump from one candidate to the next.
  for (let candidate = source.startsWith('---') ? 0 : source.indexOf('\n---'); candidate !== -1; candidate = source.indexOf('\n---', candidate + 1)) {
    const separatorStart = candidate === 0 && source.startsWith('---') ? 0 : candidate + 1;
    const lineEnd = source.indexOf('\n', separatorStart);
    const rest = source.slice(separatorStart + 3, lineEnd === -1 ? undefined : lineEnd).trim();
    line += countNewlines(source, lineStart, separatorStart);
    lineStart = separatorStart;
    documents.push({ text: source.slice(documentStart, Math.max(documentStart, separatorStart - 1)), startLine, ...invalid });
    invalid = rest !== '' && !rest.startsWith('#') ? { invalidSeparator: rest } : {};
    documentStart = lineEnd === -1 ? source.length : lineEnd + 1;
    // A valid separator line belongs to no document; an invalid one is reported as the first line of the next.
    startLine = invalid.invalidSeparator === undefined ? line + 1 : line;
    if (lineEnd === -1) break;
  }
  documents.push({ text: source.slice(documentStart), startLine, ...invalid });
  return documents;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function isBlankOrComments(text: string): boolean {
  return text.split('\n').every((line) => /^\s*(#.*)?$/.test(line) || /^\.\.\.\s*$/.test(line));
}

/** Parses every document of a source. Throws ManifestError on the first invalid one. */
export function parseManifests(source: ManifestSource): ManifestObject[] {
  const out: ManifestObject[] = [];
  let documentNumber = 0;
  for (const raw of splitYamlStream(source.text)) {
    if (raw.invalidSeparator !== undefined) {
      throw new ManifestError(
        { file: source.name, document: documentNumber + 1, line: raw.startLine + 1 },
        `invalid document separator "---${raw.invalidSeparator}": kubectl allows only blanks or a comment after "---" on its line`,
        { hint: 'Put a line break after "---".' },
      );
    }
    if (isBlankOrComments(raw.text)) continue;
    documentNumber += 1;
    const location = { file: source.name, document: documentNumber };
    let value: unknown;
    try {
      value = parseYamlDocument(raw.text, source.name);
    } catch (error) {
      throw toManifestError(error, location, raw.startLine);
    }
    if (value === null || value === undefined) continue;
    collectObjects(value, { ...location, line: raw.startLine + 1 }, [], out);
  }
  return out;
}

function toManifestError(error: unknown, location: { file: string; document: number }, startLine: number): ManifestError {
  if ((error instanceof UnsafeIntegerError || error instanceof NonFiniteNumberError) && error.mark) {
    return new ManifestError({ ...location, line: startLine + error.mark.line + 1 }, `${error.reason} (column ${error.mark.column + 1})`);
  }
  if (error instanceof jsYaml.YAMLException) {
    const line = error.mark ? startLine + error.mark.line + 1 : undefined;
    const reason = error.reason.replace(/^duplicated mapping key$/, 'duplicate key (each key may appear once in a mapping)');
    const column = error.mark ? `, column ${error.mark.column + 1}` : '';
    return new ManifestError({ ...location, line }, `invalid YAML${column}: ${reason}`, {
      hint: 'Fix the YAML syntax at that line.',
    });
  }
  throw error;
}

function collectObjects(value: unknown, location: { file: string; document: number; line: number }, listIndex: number[], out: ManifestObject[]): void {
  const where = (path?: string) => ({
    file: location.file,
    document: location.document,
    line: location.line,
    path: listIndex.length > 0 ? `items[${listIndex.join('].items[')}]${path ? `.${path}` : ''}` : path,
  });
  if (!isPlainObject(value)) {
    const what = Array.isArray(value) ? 'a sequence' : `a ${typeof value} scalar`;
    throw new ManifestError(where(), `expected a Kubernetes object (a mapping with apiVersion, kind and metadata), found ${what}`);
  }
  const kind = value.kind;
  const apiVersion = value.apiVersion;
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new ManifestError(where('apiVersion'), 'missing apiVersion');
  if (typeof kind !== 'string' || kind === '') throw new ManifestError(where('kind'), 'missing kind');
  if (isListObject(kind, value)) {
    const items = value.items;
    if (items === undefined || items === null) return;
    if (!Array.isArray(items)) throw new ManifestError(where('items'), `items of a ${kind} must be a sequence`);
    items.forEach((item, index) => collectObjects(item, location, [...listIndex, index], out));
    return;
  }
  const metadata = value.metadata;
  if (!isPlainObject(metadata)) throw new ManifestError(where('metadata'), 'missing metadata');
  if (typeof metadata.name !== 'string' || metadata.name === '') {
    const hint = typeof metadata.generateName === 'string' ? ' (generateName is not enough: a federated object needs a fixed name)' : '';
    throw new ManifestError(where('metadata.name'), `missing metadata.name${hint}`);
  }
  if (metadata.namespace !== undefined && metadata.namespace !== null && typeof metadata.namespace !== 'string') {
    throw new ManifestError(where('metadata.namespace'), 'metadata.namespace must be a string');
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = metadata[field];
    if (map === undefined || map === null) continue;
    if (!isPlainObject(map)) throw new ManifestError(where(`metadata.${field}`), `metadata.${field} must be a mapping of strings`);
    for (const [key, entry] of Object.entries(map)) {
      if (typeof entry !== 'string') {
        throw new ManifestError(
          where(`metadata.${field}.${key}`),
          `${field === 'labels' ? 'label' : 'annotation'} values must be strings, found ${entry === null ? 'null' : typeof entry} ${JSON.stringify(entry)}; quote it`,
        );
      }
    }
  }
  const object = value as KubeObject;
  out.push({ object, source: location.file, document: location.document, line: location.line, ...(listIndex.length > 0 ? { listIndex } : {}) });
}

/** `kind: List`, and typed lists such as `ConfigMapList` (a *List kind with an items sequence), which kubectl also flattens. */
export function isListObject(kind: string, value: Record<string, unknown>): boolean {
  return kind === 'List' || (kind.endsWith('List') && kind.length > 4 && Array.isArray(value.items));
}
