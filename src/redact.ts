// Tokens never reach output or logs. Everything that prints headers, bodies or objects that can
// carry credentials goes through these.

const REDACTED = 'REDACTED';

export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers)) {
    out[key] = /^(authorization|proxy-authorization|cookie|set-cookie)$/i.test(key) ? REDACTED : value;
  }
  return out;
}

/** Replaces the values of Secret data/stringData and token-like fields in a (copied) object. */
export function redactObject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactObject);
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const isSecret = source.kind === 'Secret';
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(source)) {
    if (isSecret && (key === 'data' || key === 'stringData') && child && typeof child === 'object') {
      out[key] = Object.fromEntries(Object.keys(child as object).map((k) => [k, REDACTED]));
    } else if (/^(token|access_token|id-token|refresh-token|client-key-data|password)$/i.test(key) && typeof child === 'string') {
      out[key] = REDACTED;
    } else {
      out[key] = redactObject(child);
    }
  }
  return out;
}

/** Redacts bearer tokens and JWT-looking strings from free text. */
export function redactText(text: string): string {
  return text
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`)
    .replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, REDACTED);
}
