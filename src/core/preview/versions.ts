// The versions KubeFed v0.10.0 records for what it propagated (pkg/controller/sync/version,
// sync/resource.go): a PropagatedVersion per federated object, named <lowercase target kind>-<name>,
// holding the md5 of spec.template and of spec.overrides as the controller last saw them, and per
// cluster the version ("gen:N" or "rv:X") of the member object it last wrote. The sync controller
// trusts the cluster versions only while both hashes still match (VersionManager.Get); otherwise
// every member object counts as changed. `preview --live` needs the same answer.

import { createHash } from 'node:crypto';
import { goJsonEscape } from '../go-json.js';
import type { KubeObject } from '../types.js';
import { isPlainObject } from '../types.js';

/** common.PropagatedVersionName: "<lowercase target kind>-<name>". */
export function propagatedVersionName(targetKind: string, name: string): string {
  return `${targetKind.toLowerCase()}-${name}`;
}

/** GetTemplateHash: md5 of spec.template as Unstructured.MarshalJSON writes it; "" without a template; undefined when it is no mapping (an error in Go). */
export function templateVersion(federated: KubeObject): string | undefined {
  const spec = (federated as Record<string, unknown>).spec;
  if (spec === undefined || spec === null) return '';
  if (!isPlainObject(spec)) return undefined;
  const template = spec.template;
  if (template === undefined || template === null) return '';
  if (!isPlainObject(template)) return undefined;
  return md5(goJsonEncode(template));
}

/**
 * GetOverrideHash: spec decoded into util.GenericOverride, then {"overrides": spec.overrides}
 * marshalled (struct fields in declaration order, omitempty as tagged); "" without a spec.
 */
export function overrideVersion(federated: KubeObject): string | undefined {
  const spec = (federated as Record<string, unknown>).spec;
  if (spec === undefined || spec === null) return '';
  if (!isPlainObject(spec)) return undefined;
  const overrides = spec.overrides;
  if (overrides === undefined || overrides === null) return md5('{"overrides":null}\n');
  if (!Array.isArray(overrides)) return undefined;
  const items: string[] = [];
  for (const item of overrides) {
    if (!isPlainObject(item)) return undefined;
    const clusterName = item.clusterName ?? '';
    if (typeof clusterName !== 'string') return undefined;
    let text = `{"clusterName":${goString(clusterName)}`;
    const clusterOverrides = item.clusterOverrides ?? [];
    if (!Array.isArray(clusterOverrides)) return undefined;
    if (clusterOverrides.length > 0) {
      const encoded: string[] = [];
      for (const override of clusterOverrides) {
        if (!isPlainObject(override)) return undefined;
        const op = override.op ?? '';
        const path = override.path ?? '';
        if (typeof op !== 'string' || typeof path !== 'string') return undefined;
        let entry = '{';
        if (op !== '') entry += `"op":${goString(op)},`;
        entry += `"path":${goString(path)}`;
        if (override.value !== undefined && override.value !== null) entry += `,"value":${goJson(override.value)}`;
        encoded.push(`${entry}}`);
      }
      text += `,"clusterOverrides":[${encoded.join(',')}]`;
    }
    items.push(`${text}}`);
  }
  return md5(`{"overrides":[${items.join(',')}]}\n`);
}

/**
 * The cluster versions the sync controller would use for this federated object: those of its
 * PropagatedVersion when the template and override hashes still match, else none.
 */
export function recordedClusterVersions(federated: KubeObject, propagatedVersion: KubeObject | undefined): Map<string, string> {
  const versions = new Map<string, string>();
  const status = propagatedVersion === undefined ? undefined : (propagatedVersion as Record<string, unknown>).status;
  if (!isPlainObject(status)) return versions;
  const template = templateVersion(federated);
  const overrides = overrideVersion(federated);
  if (template === undefined || overrides === undefined) return versions;
  if ((status.templateVersion ?? '') !== template || (status.overridesVersion ?? '') !== overrides) return versions;
  for (const entry of Array.isArray(status.clusterVersions) ? status.clusterVersions : []) {
    if (isPlainObject(entry) && typeof entry.clusterName === 'string' && typeof entry.version === 'string') versions.set(entry.clusterName, entry.version);
  }
  return versions;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** json.NewEncoder(w).Encode(v) of a decoded JSON value: map keys sorted, HTML-safe escapes, a final newline. */
export function goJsonEncode(value: unknown): string {
  return `${goJson(value)}\n`;
}

function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort(compareCodePoints);
    return `{${keys.map((key) => `${goString(key)}:${goJson(value[key])}`).join(',')}}`;
  }
  if (typeof value === 'string') return goString(value);
  // Numbers: Go's float64 encoding switches to exponents at the same bounds as JavaScript (1e-6, 1e21).
  return JSON.stringify(value ?? null);
}

/** A string as encoding/json writes it. */
function goString(text: string): string {
  return goJsonEscape(JSON.stringify(text));
}

/** Go sorts map keys by their UTF-8 bytes, which is code point order (not UTF-16 unit order). */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = left[index]!.codePointAt(0)! - right[index]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
