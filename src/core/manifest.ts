// Turns the text of one manifest source into Kubernetes objects, or a ManifestError that names the
// source, the document and the field. Pure: the caller reads files and stdin.

import { ManifestError } from '../errors.js';
import { type KubeObject, isPlainObject } from './types.js';
import { UnsafeIntegerError, jsYaml, parseYamlDocument } from './yaml.js';

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
}

/**
 * Splits a stream the way apimachinery's YAMLReader does: a line starting with `---` whose rest is
 * blank or a comment ends a document.
 */
export function splitYamlStream(text: string): RawDocument[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const documents: RawDocument[] = [];
  let current: string[] = [];
  let startLine = 0;
  lines.forEach((line, index) => {
    if (line.startsWith('---')) {
      const rest = line.slice(3).trim();
      if (rest === '' || rest.startsWith('#')) {
        documents.push({ text: current.join('\n'), startLine });
        current = [];
        startLine = index + 1;
        return;
      }
    }
    current.push(line);
  });
  documents.push({ text: current.join('\n'), startLine });
  return documents;
}

function isBlankOrComments(text: string): boolean {
  return text.split('\n').every((line) => /^\s*(#.*)?$/.test(line) || /^\.\.\.\s*$/.test(line));
}

/** Parses every document of a source. Throws ManifestError on the first invalid one. */
export function parseManifests(source: ManifestSource): ManifestObject[] {
  const out: ManifestObject[] = [];
  let documentNumber = 0;
  for (const raw of splitYamlStream(source.text)) {
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
  if (error instanceof UnsafeIntegerError) return new ManifestError({ ...location, line: startLine + 1 }, error.message);
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

function collectObjects(
  value: unknown,
  location: { file: string; document: number; line: number },
  listIndex: number[],
  out: ManifestObject[],
): void {
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
  assertNoUnrepresentableNumbers(value, (path) => where(path));
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

/** JSON cannot carry NaN or infinities; go-yaml reads them but kubectl then fails to encode. */
function assertNoUnrepresentableNumbers(value: unknown, where: (path: string) => ConstructorParameters<typeof ManifestError>[0], path = ''): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new ManifestError(where(path), `${String(value)} cannot be represented in JSON; quote it if it is meant as a string`);
  }
  if (Array.isArray(value)) value.forEach((item, i) => assertNoUnrepresentableNumbers(item, where, `${path}[${i}]`));
  else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) assertNoUnrepresentableNumbers(child, where, path ? `${path}.${key}` : key);
  }
}
