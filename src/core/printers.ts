// Pure printers from objects to text. stdout receives their result in one write, so a failure
// never leaves half a document behind.

import { printJsonValue } from './json.js';
import type { KubeObject } from './types.js';
import { toYaml } from './yaml.js';

export const OUTPUT_FORMATS = ['yaml', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Top-level status and metadata.creationTimestamp never appear in output (as the Go writer). */
export function cleanForOutput(object: KubeObject): KubeObject {
  const copy = { ...object, metadata: { ...object.metadata } } as KubeObject;
  delete copy.status;
  delete copy.metadata.creationTimestamp;
  return copy;
}

/** Every document preceded by a `---` line, as the Go tool writes. */
export function printYaml(objects: readonly KubeObject[]): string {
  return objects.map((object) => `---\n${toYaml(cleanForOutput(object))}`).join('');
}

/** One object as is, several as a v1 List (kubectl's -o json convention). */
export function printJson(objects: readonly KubeObject[]): string {
  const cleaned = objects.map(cleanForOutput);
  return printJsonValue(cleaned.length === 1 ? cleaned[0] : { apiVersion: 'v1', kind: 'List', items: cleaned });
}

export function printObjects(objects: readonly KubeObject[], format: OutputFormat): string {
  return format === 'json' ? printJson(objects) : printYaml(objects);
}
