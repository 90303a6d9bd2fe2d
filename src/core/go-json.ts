// How Go's encoding/json and strconv see JSON values, where the libraries we mirror depend on it
// (json-patch's error texts and its copy-size limit).

/** The JSON type name Go's decoder errors use. */
export function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** strconv.ParseInt(text, 10, 64)'s outcome, as a bigint or the kind of error. */
export function parseGoInt(text: string): bigint | 'syntax' | 'range' {
  if (!/^[+-]?[0-9]+$/.test(text)) return 'syntax';
  const value = BigInt(text);
  return value < -(2n ** 63n) || value >= 2n ** 63n ? 'range' : value;
}

/**
 * JSON text as encoding/json writes it: JSON.stringify's, plus <, >, & and U+2028/U+2029 as \u
 * escapes. (\b and \f are short escapes since Go 1.22, as in JavaScript.)
 */
export function goJsonEscape(jsonText: string): string {
  return jsonText.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Length in bytes of Go's json.Marshal output. */
export function goJsonByteLength(value: unknown): number {
  return new TextEncoder().encode(goJsonEscape(JSON.stringify(value))).length;
}
