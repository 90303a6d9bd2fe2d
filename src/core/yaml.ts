// YAML as kubectl reads it. kubectl decodes manifests with sigs.k8s.io/yaml over go-yaml v2, whose
// plain-scalar resolution is YAML 1.1: `yes`/`on` are booleans, `0644` is octal 420, `1_000` is
// 1000, timestamps stay strings. js-yaml 4 defaults to YAML 1.2 rules, so we give it a schema that
// reproduces go-yaml v2's `resolve()` and use the same schema to dump, which makes the dumper
// quote every string that a YAML 1.1 reader would otherwise turn into something else.

import yaml from 'js-yaml';

const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Thrown (inside js-yaml construction) for integers JavaScript cannot hold exactly. */
export class UnsafeIntegerError extends Error {}

type Resolved = { kind: 'int' | 'float' | 'bool' | 'null'; value: number | boolean | null } | undefined;

/** Thrown (inside js-yaml construction) for .nan and .inf, which JSON cannot carry. */
export class NonFiniteNumberError extends Error {}

// js-yaml asks every implicit type in turn about the same scalar (resolve, then construct), and
// the dumper asks again for every string: remember the last answer.
let lastScalar: string | undefined;
let lastResolved: Resolved;

/** go-yaml v2 `resolve()` for a plain scalar: the non-string value it becomes, if any. */
export function resolveGoYamlV2Scalar(text: string): Resolved {
  if (text === lastScalar) return lastResolved;
  const resolved = resolveUncached(text);
  lastScalar = text;
  lastResolved = resolved;
  return resolved;
}

function resolveUncached(text: string): Resolved {
  if (NULLS.has(text)) return { kind: 'null', value: null };
  if (BOOL_TRUE.has(text)) return { kind: 'bool', value: true };
  if (BOOL_FALSE.has(text)) return { kind: 'bool', value: false };
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return { kind: 'float', value: special };
  const first = text[0]!;
  if (first === '.') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? { kind: 'float', value: Number.parseFloat(text) } : undefined;
  }
  if (first !== '+' && first !== '-' && !(first >= '0' && first <= '9')) return undefined;
  // The common case, a plain decimal that fits a double exactly, without BigInt.
  if (/^[1-9][0-9]{0,14}$/.test(text)) return { kind: 'int', value: Number(text) };
  const plain = text.replaceAll('_', '');
  const integer = parseGoIntBase0(plain);
  if (integer !== undefined) return { kind: 'int', value: checkedInteger(integer, text) };
  if (YAML_STYLE_FLOAT.test(plain)) return { kind: 'float', value: Number.parseFloat(plain) };
  if (plain.startsWith('0b') || plain.startsWith('-0b')) {
    const negative = plain.startsWith('-');
    const digits = plain.slice(negative ? 3 : 2);
    if (/^[01]+$/.test(digits)) {
      const value = BigInt(`0b${digits}`);
      return { kind: 'int', value: checkedInteger(negative ? -value : value, text) };
    }
  }
  return undefined;
}

/** Go's strconv.ParseInt(s, 0, 64) (or ParseUint for the positive range above int64). */
function parseGoIntBase0(text: string): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const sign = match[1];
  const body = match[2]!;
  let magnitude: bigint;
  if (/^0[xXbBoO]/.test(body)) magnitude = BigInt(`0${body[1]!.toLowerCase()}${body.slice(2)}`);
  else if (body.length > 1 && body.startsWith('0')) magnitude = BigInt(`0o${body.slice(1)}`);
  else magnitude = BigInt(body);
  const value = sign === '-' ? -magnitude : magnitude;
  const fitsInt64 = value >= -(2n ** 63n) && value < 2n ** 63n;
  const fitsUint64 = sign === '' && value >= 0n && value < 2n ** 64n;
  return fitsInt64 || fitsUint64 ? value : undefined;
}

function checkedInteger(value: bigint, text: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new UnsafeIntegerError(
      `the integer ${text} is larger than kubefedctl can carry exactly (2^53); quote it if it is meant as a string`,
    );
  }
  return value === 0n ? 0 : Number(value);
}

function scalarType(tag: string, kind: 'int' | 'float' | 'bool' | 'null', predicate: (v: unknown) => boolean, represent: (v: never) => string) {
  return new yaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: string | null) => resolveGoYamlV2Scalar(data ?? '')?.kind === kind,
    construct: (data: string | null) => resolveGoYamlV2Scalar(data ?? '')?.value ?? null,
    predicate,
    represent: represent as (v: object) => string,
  });
}

const nullType = scalarType('null', 'null', (v) => v === null, () => 'null');
const boolType = scalarType('bool', 'bool', (v) => typeof v === 'boolean', (v: boolean) => (v ? 'true' : 'false'));
const intType = scalarType('int', 'int', (v) => typeof v === 'number' && Number.isInteger(v) && !Object.is(v, -0), (v: number) => String(v));
const floatType = new yaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => resolveGoYamlV2Scalar(data ?? '')?.kind === 'float',
  construct: (data: string | null) => {
    const value = resolveGoYamlV2Scalar(data ?? '')?.value as number;
    // go-yaml reads these, but kubectl then fails to encode the object as JSON.
    if (!Number.isFinite(value)) throw new NonFiniteNumberError(`${data} cannot be represented in JSON; quote it if it is meant as a string`);
    return value;
  },
  predicate: (v) => typeof v === 'number' && (!Number.isInteger(v) || Object.is(v, -0)),
  represent: ((v: number) => String(v)) as unknown as (v: object) => string,
});
// `!!timestamp` explicitly tagged values stay strings, as go-yaml v2 gives interface{} targets.
const timestampAsString = new yaml.Type('tag:yaml.org,2002:timestamp', { kind: 'scalar', construct: (data: string) => data });

/** The YAML 1.1 (go-yaml v2) schema used for every manifest we read or write. */
export const GO_YAML_V2_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, intType, floatType, (yaml as unknown as { types: { merge: yaml.Type } }).types.merge],
  explicit: [timestampAsString],
});

/**
 * Dump options for all YAML output: keys sorted and sequences not indented under their key, as
 * go-yaml v2 (through ghodss/yaml) writes them, so our output diffs cleanly against the Go tool's.
 */
const DUMP_OPTIONS: yaml.DumpOptions = {
  schema: GO_YAML_V2_SCHEMA,
  sortKeys: true,
  noArrayIndent: true,
  lineWidth: -1,
  noRefs: true,
  quotingType: '"',
};

export function toYaml(value: unknown): string {
  return yaml.dump(value, DUMP_OPTIONS);
}

/** Parses one YAML document (already split from its stream) with go-yaml v2 scalar rules. */
export function parseYamlDocument(text: string, filename: string): unknown {
  return yaml.load(text, { schema: GO_YAML_V2_SCHEMA, filename, json: false });
}

export { yaml as jsYaml };
