// YAML as kubectl reads it. kubectl decodes manifests with sigs.k8s.io/yaml over go-yaml v2, whose
// plain-scalar resolution is YAML 1.1: `yes`/`on` are booleans, `0644` is octal 420, `1_000` is
// 1000, timestamps stay strings. js-yaml 4 defaults to YAML 1.2 rules, so we give it a schema that
// reproduces go-yaml v2's `resolve()`, and a load listener that converts mapping keys the way
// sigs.k8s.io/yaml converts them to JSON object keys (or refuses them as it does).
//
// Writing is stricter than reading: a string is written plain only if no YAML reader in use would
// take it for another type: not go-yaml v2 (kubectl), not the YAML 1.1 type definitions
// (yaml.org/type, PyYAML's reading of them), and not js-yaml's YAML 1.2 default schema. Everything
// else is double-quoted, so `"2024-05-01T10:00:00Z"`, `"1:20"` and `"="` stay strings everywhere.

import yaml from 'js-yaml';
import { formatGoFloat, formatGoFloatKey } from './go-float.js';

const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// A scalar starting with "." goes to Go's strconv.ParseFloat as written: underscores only between digits.
const GO_LEADING_DOT_FLOAT = /^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$/;

/** Thrown while loading for integers JavaScript cannot hold exactly (a key keeps its digits instead). */
export class UnsafeIntegerError extends yaml.YAMLException {}

/** Thrown while loading for .nan and .inf values, which JSON cannot carry (a key is fine: ".inf"). */
export class NonFiniteNumberError extends yaml.YAMLException {}

/** An int beyond 2^53 resolves to a bigint: still an int (a string that looks like one is quoted), but a key or an error once loaded. */
type Resolved = { kind: 'int' | 'float' | 'bool' | 'null'; value: number | bigint | boolean | null } | undefined;

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
    return GO_LEADING_DOT_FLOAT.test(text) ? goParseFloat(text.replaceAll('_', '')) : undefined;
  }
  if (first !== '+' && first !== '-' && !(first >= '0' && first <= '9')) return undefined;
  // The common case, a plain decimal that fits a double exactly, without BigInt.
  if (/^[1-9][0-9]{0,14}$/.test(text)) return { kind: 'int', value: Number(text) };
  const plain = text.replaceAll('_', '');
  const integer = parseGoIntBase0(plain);
  if (integer !== undefined) return { kind: 'int', value: toSafeNumber(integer) };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const float = goParseFloat(plain);
    if (float !== undefined) return float;
  }
  if (plain.startsWith('0b') || plain.startsWith('-0b')) {
    const negative = plain.startsWith('-');
    const digits = plain.slice(negative ? 3 : 2);
    if (/^[01]+$/.test(digits)) {
      const value = BigInt(`0b${digits}`);
      return { kind: 'int', value: toSafeNumber(negative ? -value : value) };
    }
  }
  return undefined;
}

/** strconv.ParseFloat fails with ErrRange beyond the largest float64: go-yaml then keeps the string. */
function goParseFloat(text: string): Resolved {
  const value = Number.parseFloat(text);
  return Number.isFinite(value) ? { kind: 'float', value } : undefined;
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

function toSafeNumber(value: bigint): number | bigint {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return value;
  return value === 0n ? 0 : Number(value);
}

function scalarType(tag: string, kind: 'int' | 'float' | 'bool' | 'null', predicate: (v: unknown) => boolean, represent: (v: never) => string) {
  return new yaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: string | null) => resolveGoYamlV2Scalar(data ?? '')?.kind === kind,
    // An int beyond 2^53 is constructed as a bigint, for the key listener to keep (as a key) or refuse.
    construct: (data: string | null) => resolveGoYamlV2Scalar(data ?? '')?.value ?? null,
    predicate,
    represent: represent as (v: object) => string,
  });
}

const nullType = scalarType(
  'null',
  'null',
  (v) => v === null,
  () => 'null',
);
const boolType = scalarType(
  'bool',
  'bool',
  (v) => typeof v === 'boolean',
  (v: boolean) => (v ? 'true' : 'false'),
);
// How the Go tool writes numbers: an object passes through JSON, and go-yaml reads each number's
// JSON text back: an integral number whose text fits int64 or uint64 (strconv.ParseInt or
// ParseUint) stays an int, so -0 and 3.0 are written "0" and "3". Every other number is a float64,
// written with strconv.FormatFloat(f, 'g', -1, 64): "0.5", "1e+20", "1.2345675e+06".
function isGoInt(v: unknown): boolean {
  if (typeof v !== 'number' || !Number.isInteger(v)) return false;
  if (Math.abs(v) <= Number.MAX_SAFE_INTEGER) return true;
  if (Math.abs(v) >= 1e21) return false; // JSON writes these with an exponent: a float for go-yaml
  const text = BigInt(String(v));
  return text >= -(2n ** 63n) && text < 2n ** 64n;
}
const intType = scalarType('int', 'int', isGoInt, (v: number) => String(v));
const FLOAT_TAG = 'tag:yaml.org,2002:float';
const floatType = new yaml.Type(FLOAT_TAG, {
  kind: 'scalar',
  resolve: (data: string | null) => resolveGoYamlV2Scalar(data ?? '')?.kind === 'float',
  // .nan and .inf are let through here: as keys they are fine (".inf"), as values the key listener refuses them.
  construct: (data: string | null) => resolveGoYamlV2Scalar(data ?? '')?.value as number,
  predicate: (v) => typeof v === 'number' && !isGoInt(v),
  represent: ((v: number) => formatGoFloat(v, 64)) as unknown as (v: object) => string,
});
// `!!timestamp` explicitly tagged values stay strings, as go-yaml v2 gives interface{} targets.
const timestampAsString = new yaml.Type('tag:yaml.org,2002:timestamp', { kind: 'scalar', construct: (data: string) => data });

const JS_YAML_TYPES = (yaml as unknown as { types: Record<'merge' | 'null' | 'bool' | 'int' | 'float' | 'timestamp', yaml.Type> }).types;

/** The YAML 1.1 (go-yaml v2) schema; loads go through parseYamlDocument, whose listener completes it. */
const GO_YAML_V2_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, intType, floatType, JS_YAML_TYPES.merge],
  explicit: [timestampAsString],
});

// ---------------------------------------------------------------------------------------------
// Mapping keys. go-yaml v2 decodes a mapping into map[interface{}]interface{}; sigs.k8s.io/yaml
// (yaml.go, convertToJSONableObject) then turns each key into a JSON object key: strings as they
// are, ints with strconv.Itoa, bools as "true"/"false", floats with strconv.FormatFloat(f, 'g', -1,
// 32) (with ".inf", "-.inf", ".nan"), and anything else fails: a null key ("Unsupported map key of
// type: %!s(<nil>)"). A sequence or mapping key already fails in go-yaml ("invalid map key").
// js-yaml would silently make "null", "a,b" or "[object Object]" of those, and String() of floats.

type LoaderState = yaml.State & { depth: number; tag: string | null };

// Where the node at each depth opened. Loads are synchronous and a node's close follows its open at
// the same depth, so one array serves every load.
const openedAt: number[] = [];

/** The load listener that applies those key rules. */
function applyGoKeyRules(event: yaml.EventType, loaderState: yaml.State): void {
  const state = loaderState as LoaderState;
  if (event === 'open') {
    openedAt[state.depth] = state.position;
    return;
  }
  const result: unknown = state.result;
  const type = typeof result;
  // Strings, ints and bools convert the same way in both worlds: the common case stops here.
  if (type === 'string' || type === 'boolean' || (type === 'number' && state.tag !== FLOAT_TAG)) return;
  const start = openedAt[state.depth] ?? state.position;
  const isKey = isFollowedByValueIndicator(state.input, state.position) || isAfterExplicitKeyIndicator(state.input, start);
  if (type === 'number') {
    if (isKey) state.result = formatGoFloatKey(result as number);
    // go-yaml reads these, but kubectl then fails to encode the object as JSON.
    else if (!Number.isFinite(result))
      throw nodeException(NonFiniteNumberError, state, start, (text) => `${text} cannot be represented in JSON; quote it if it is meant as a string`);
    return;
  }
  if (type === 'bigint') {
    // A key is converted with strconv.Itoa (int64); a uint64 key is one more unsupported key type.
    if (isKey && (result as bigint) < 2n ** 63n) state.result = String(result);
    else if (isKey)
      throw nodeException(
        yaml.YAMLException,
        state,
        start,
        (text) => `the key ${text} is beyond int64, and kubectl accepts no uint64 key ("Unsupported map key"); quote it`,
      );
    else
      throw nodeException(
        UnsafeIntegerError,
        state,
        start,
        (text) => `the integer ${text} is larger than kubefedctl can carry exactly (2^53); quote it if it is meant as a string`,
      );
    return;
  }
  if (!isKey) return;
  throw nodeException(yaml.YAMLException, state, start, () =>
    result === null || result === undefined
      ? 'a mapping key is null, and kubectl accepts no null key ("Unsupported map key"); quote it if "~" or "null" is meant as text'
      : `a ${Array.isArray(result) ? 'sequence' : 'mapping'} cannot be a mapping key for kubectl ("invalid map key"); use a string key`,
  );
}

function isBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r';
}

function isSpaceOrEnd(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/**
 * True when the node that ended at `position` is a mapping key: ":" follows on the same line
 * (implicit key), or, after blank and comment lines, a line starts with ": " (the value of an
 * explicit "? key"). A value is never followed by ":", except inside an explicit key, which is a
 * complex key that is refused anyway.
 */
function isFollowedByValueIndicator(input: string, position: number): boolean {
  let i = position;
  while (isBlank(input[i])) i++;
  if (input[i] === ':') return true;
  if (input[i] !== '\n' && input[i] !== '#') return false;
  for (;;) {
    const lineEnd = input.indexOf('\n', i);
    if (lineEnd === -1) return false;
    i = lineEnd + 1;
    while (input[i] === ' ' || input[i] === '\t') i++;
    if (input[i] === '#' || input[i] === '\n' || input[i] === '\r') continue;
    return input[i] === ':' && isSpaceOrEnd(input[i + 1]);
  }
}

/** True when the node that opened at `start` follows "? " on its line: an explicit key, with or without a value. */
function isAfterExplicitKeyIndicator(input: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && isBlank(input[i])) i--;
  return i >= 0 && input[i] === '?' && isSpaceOrEnd(input[i + 1]) && (i === 0 || /[\s[{,-]/.test(input[i - 1]!));
}

function skipSpaceAndComments(input: string, position: number): number {
  let i = position;
  for (;;) {
    while (i < input.length && /\s/.test(input[i]!)) i++;
    if (input[i] !== '#') return i;
    const lineEnd = input.indexOf('\n', i);
    if (lineEnd === -1) return input.length;
    i = lineEnd;
  }
}

/** An exception of the given class about the node that opened at `opened` (line and column as js-yaml's own). */
function nodeException<E extends yaml.YAMLException>(
  Exception: new (reason: string, mark: yaml.Mark) => E,
  state: LoaderState,
  opened: number,
  reason: (nodeText: string) => string,
): E {
  const input = state.input;
  const position = skipSpaceAndComments(input, opened);
  const lineStart = input.lastIndexOf('\n', position - 1) + 1;
  let line = 0;
  for (let i = input.indexOf('\n'); i !== -1 && i < position; i = input.indexOf('\n', i + 1)) line++;
  const mark = { name: state.filename ?? '', buffer: input, position, line, column: position - lineStart, snippet: '' };
  return new Exception(reason(input.slice(position, state.position).trim()), mark);
}

/** Parses one YAML document (already split from its stream) with go-yaml v2 scalar and key rules. */
export function parseYamlDocument(text: string, filename: string): unknown {
  return yaml.load(text, { schema: GO_YAML_V2_SCHEMA, filename, json: false, listener: applyGoKeyRules });
}

// ---------------------------------------------------------------------------------------------
// Writing.

// The YAML 1.1 types (yaml.org/type) as readers implement them. The float pattern is PyYAML's
// (the spec's own `\.[0-9.]*` would make "1.10.2" and "10.0.0.1" floats, which no reader does).
const YAML11_INT = /^[-+]?(0b[01_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)$/;
const YAML11_FLOAT =
  /^([-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?|[-+]?\.[0-9][0-9_]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;
// YAML 1.1 timestamps, widened to go-yaml v2's time.Parse layouts (one-digit month, day, hour,
// minute and second; "," before the fraction).
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}([.,][0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?$/;
// go-yaml v2 quotes these on output "for compatibility with other parsers" (encode.go isBase60Float).
const GO_BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;
const YAML12_TYPES = [JS_YAML_TYPES.null, JS_YAML_TYPES.bool, JS_YAML_TYPES.int, JS_YAML_TYPES.float, JS_YAML_TYPES.timestamp, JS_YAML_TYPES.merge];

/** Strings that go-yaml v2 reads as strings but another reader would not (they must be quoted too). */
function otherReaderResolves(text: string): boolean {
  if (text === '=') return true; // YAML 1.1 "value" type: PyYAML has no constructor for it and fails
  // Everything else that is typed and starts otherwise (null, booleans, "<<") is typed for go-yaml too.
  const first = text.charCodeAt(0);
  if (!isAsciiDigit(first) && first !== 43 && first !== 45 && first !== 46) return false;
  return (
    YAML11_INT.test(text) || YAML11_FLOAT.test(text) || TIMESTAMP.test(text) || GO_BASE60_FLOAT.test(text) || YAML12_TYPES.some((type) => type.resolve(text))
  );
}

// Never used to represent a value (no predicate): its only effect is that the dumper, which quotes
// every string that some implicit type of its schema resolves, quotes these.
const quotedForOtherReaders = new yaml.Type('tag:kubefedctl,2024:quoted-for-other-readers', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && otherReaderResolves(data),
});

const DUMP_SCHEMA = GO_YAML_V2_SCHEMA.extend({ implicit: [quotedForOtherReaders] });

/**
 * The order in which go-yaml v2 writes string keys (sorter.go, keyList.Less): code point order,
 * except that a non-letter sorts before a letter ("FOO_BAR" before "FOOBAR") and runs of digits
 * compare by value ("file2" before "file10"), with Go's int64 wrap-around and its handling of a
 * run of zeros after other digits. For a few key sets that rule is not a total order (digit runs
 * against letters: "1e+06", "3.1415927", "123456.7"); Go's own output then varies from run to run
 * (it sorts a randomly ordered map), and ours follows the input order.
 */
export function compareGoYamlKeys(a: string, b: string): number {
  if (a === b) return 0;
  // The common prefix, by UTF-16 unit: equal units are equal code points.
  const shorter = Math.min(a.length, b.length);
  let i = 0;
  while (i < shorter && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === shorter) return a.length < b.length ? -1 : 1;
  const ac = a.charCodeAt(i);
  const bc = b.charCodeAt(i);
  if (ac < 128 && bc < 128) {
    const aLetter = isAsciiLetter(ac);
    const bLetter = isAsciiLetter(bc);
    if (aLetter && bLetter) return ac < bc ? -1 : 1;
    if (aLetter !== bLetter) return aLetter ? 1 : -1;
    if (!isAsciiDigit(ac) && !isAsciiDigit(bc)) return ac < bc ? -1 : 1;
    const byDigits = compareAsciiDigitRuns(a, b, i);
    if (byDigits !== undefined) return byDigits;
  }
  // Digits (or anything outside ASCII) at the first difference: the full rule, on code points.
  return compareFromDifference(
    Array.from(a, (ch) => ch.codePointAt(0)!),
    Array.from(b, (ch) => ch.codePointAt(0)!),
  );
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return code < 128 ? isAsciiLetter(code) : LETTER.test(String.fromCodePoint(code));
}

function isDigit(code: number): boolean {
  return code < 128 ? isAsciiDigit(code) : DIGIT.test(String.fromCodePoint(code));
}

/**
 * The digit-run rule at index i for ASCII runs of at most 15 digits, which a double holds exactly;
 * undefined when a run touches anything else (then the code-point path decides).
 */
function compareAsciiDigitRuns(a: string, b: string, i: number): number | undefined {
  const ac = a.charCodeAt(i);
  const bc = b.charCodeAt(i);
  let seed = 0;
  if (ac === 48 || bc === 48) {
    for (let j = i - 1; j >= 0; j--) {
      const code = a.charCodeAt(j);
      if (code >= 128) return undefined;
      if (!isAsciiDigit(code)) break;
      if (code !== 48) {
        seed = 1;
        break;
      }
    }
  }
  let ai = i;
  let an = seed;
  for (; ai < a.length && isAsciiDigit(a.charCodeAt(ai)); ai++) an = an * 10 + a.charCodeAt(ai) - 48;
  let bi = i;
  let bn = seed;
  for (; bi < b.length && isAsciiDigit(b.charCodeAt(bi)); bi++) bn = bn * 10 + b.charCodeAt(bi) - 48;
  if (ai - i > 15 || bi - i > 15 || a.charCodeAt(ai) >= 128 || b.charCodeAt(bi) >= 128) return undefined;
  if (an !== bn) return an < bn ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  return ac < bc ? -1 : 1;
}

/** keyList.Less for two different keys, as a three-way comparison (the rule is symmetric). */
function compareFromDifference(ar: readonly number[], br: readonly number[]): number {
  let i = 0;
  while (i < ar.length && i < br.length && ar[i] === br[i]) i++;
  if (i === ar.length || i === br.length) return ar.length < br.length ? -1 : 1;
  const ac = ar[i]!;
  const bc = br[i]!;
  const aLetter = isLetter(ac);
  const bLetter = isLetter(bc);
  if (aLetter && bLetter) return ac < bc ? -1 : 1;
  if (aLetter !== bLetter) return aLetter ? 1 : -1;
  // A zero run right after other digits counts as if a 1 preceded it (the prefix is shared).
  let seed = 0n;
  if (ac === 48 || bc === 48) {
    for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
      if (ar[j] !== 48) {
        seed = 1n;
        break;
      }
    }
  }
  let ai = i;
  let an = seed;
  for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai]! - 48));
  let bi = i;
  let bn = seed;
  for (; bi < br.length && isDigit(br[bi]!); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi]! - 48));
  if (an !== bn) return an < bn ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  return ac < bc ? -1 : 1;
}

/**
 * Dump options for all YAML output: keys sorted and sequences not indented under their key, as
 * go-yaml v2 (through ghodss/yaml) writes them, so our output diffs cleanly against the Go tool's.
 */
const DUMP_OPTIONS: yaml.DumpOptions = {
  schema: DUMP_SCHEMA,
  noArrayIndent: true,
  lineWidth: -1,
  noRefs: true,
  quotingType: '"',
};

export function toYaml(value: unknown): string {
  // The key order of the mapping js-yaml writes next: js-yaml hands every value to the replacer
  // just before it writes it, and sorts a mapping's keys first thing when it does.
  // Without digits in its keys the rule is a total order and the engine's sort may apply it; with
  // them, the mapping's keys in our own order (a mapping has a few keys: a search of the short
  // list is cheaper than a Map made per mapping).
  let order: string[] | undefined;
  return yaml.dump(value, {
    ...DUMP_OPTIONS,
    replacer: (_key: string, item: unknown) => {
      if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const keys = Object.keys(item);
        order = keys.some((key) => DIGIT.test(key)) ? sortGoYamlKeys(keys) : undefined;
      }
      return item;
    },
    sortKeys: (a: string, b: string) => (order === undefined ? compareGoYamlKeys(a, b) : order.indexOf(a) - order.indexOf(b)),
  });
}

/**
 * Keys in go-yaml's order, by our own sort rather than Array.prototype.sort: where
 * compareGoYamlKeys is not a total order (["x10", "x01y", "x1y"]) the algorithm decides, and V8's
 * changed between Node 24 and 26. This one is Go's own for the maps we meet (sort.Sort's insertion
 * sort up to 12 keys), then a merge sort: the order Go prints when its map yields the keys in the
 * order of our input.
 */
function sortGoYamlKeys(keys: string[]): string[] {
  if (keys.length <= 12) {
    for (let i = 1; i < keys.length; i++) {
      for (let j = i; j > 0 && compareGoYamlKeys(keys[j]!, keys[j - 1]!) < 0; j--) [keys[j], keys[j - 1]] = [keys[j - 1]!, keys[j]!];
    }
    return keys;
  }
  const middle = keys.length >> 1;
  const left = sortGoYamlKeys(keys.slice(0, middle));
  const right = sortGoYamlKeys(keys.slice(middle));
  const merged: string[] = [];
  let l = 0;
  let r = 0;
  while (l < left.length && r < right.length) merged.push(compareGoYamlKeys(right[r]!, left[l]!) < 0 ? right[r++]! : left[l++]!);
  return merged.concat(left.slice(l), right.slice(r));
}

export { yaml as jsYaml };
