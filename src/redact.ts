// Tokens never reach output or logs. Everything that prints headers, bodies or objects that can
// carry credentials goes through these; every redacted value becomes the one marker REDACTED.

import { isPlainObject } from './core/types.js';

export const REDACTED = 'REDACTED';

const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie)$/i;
const SECRET_FIELDS = /^(token|access_token|id-token|id_token|refresh-token|refresh_token|client-secret|client_secret|client-key-data|password)$/i;

export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers)) out[key] = SECRET_HEADERS.test(key) ? REDACTED : value;
  return out;
}

/** Replaces the values of Secret data/stringData and token-like fields in a (copied) object. */
export function redactObject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactObject);
  if (!isPlainObject(value)) return value;
  const isSecret = value.kind === 'Secret';
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (isSecret && isSecretPayloadKey(key, child)) out[key] = redactValues(child);
    else if (SECRET_FIELDS.test(key) && typeof child === 'string') out[key] = REDACTED;
    else out[key] = redactObject(child);
  }
  return out;
}

/**
 * A body sent to or read from the secrets resource, whatever its shape: data/stringData of every
 * object in it (also list items without a kind, and merge patches) and the values of JSON-patch
 * operations. Token-like fields are redacted too, as by redactObject.
 */
export function redactSecretPayload(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (isJsonPatchOperation(item) ? { ...item, value: REDACTED } : redactSecretPayload(item)));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (isSecretPayloadKey(key, child)) out[key] = redactValues(child);
    else if (SECRET_FIELDS.test(key) && typeof child === 'string') out[key] = REDACTED;
    else out[key] = redactSecretPayload(child);
  }
  return out;
}

/** Redacts bearer tokens and JWT-looking strings from free text. */
export function redactText(text: string): string {
  return text.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`).replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, REDACTED);
}

function isSecretPayloadKey(key: string, child: unknown): child is Record<string, unknown> {
  return (key === 'data' || key === 'stringData') && isPlainObject(child);
}

function redactValues(map: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(map).map((key) => [key, REDACTED]));
}

function isJsonPatchOperation(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && typeof value.op === 'string' && 'value' in value;
}
