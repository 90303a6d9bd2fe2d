// JSON output, one way for every command: keys sorted (stable for diffs and goldens), indented
// as kubectl indents -o json. Apart from printers.ts so that `version -o json` loads no YAML code.

export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(source)
      .sort()
      .map((key) => [key, sortKeysDeep(source[key])]),
  );
}

/** Any JSON output: keys sorted, 4-space indent, a final newline. */
export function printJsonValue(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 4)}\n`;
}
