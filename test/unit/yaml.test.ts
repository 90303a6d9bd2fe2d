import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import yaml from 'js-yaml';
import { formatGoFloat } from '../../src/core/go-float.js';
import { compareGoYamlKeys, parseYamlDocument, resolveGoYamlV2Scalar, toYaml } from '../../src/core/yaml.js';

describe('YAML 1.1 scalars as go-yaml v2 (kubectl) resolves them', () => {
  const cases: Array<[string, unknown]> = [
    ['yes', true],
    ['Yes', true],
    ['YES', true],
    ['y', true],
    ['on', true],
    ['ON', true],
    ['true', true],
    ['no', false],
    ['n', false],
    ['off', false],
    ['Off', false],
    ['FALSE', false],
    ['~', null],
    ['null', null],
    ['Null', null],
    ['', null],
    ['0644', 420],
    ['0o755', 493],
    ['0x1F', 31],
    ['0X1f', 31],
    ['0b101', 5],
    ['-0b11', -3],
    ['1_000', 1000],
    ['+12', 12],
    ['-7', -7],
    ['0', 0],
    ['-0', 0],
    ['08', 8],
    ['09.5', 9.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['1.50', 1.5],
    ['+.inf', Infinity],
    ['-.Inf', -Infinity],
    // A leading "." goes to strconv.ParseFloat as written, which takes "_" between digits only.
    ['.5_0', 0.5],
    ['.5e3_0', 5e29],
    ['.1_2_3', 0.123],
    ['1_0e1_0', 1e11],
    ['+_1', 1],
  ];
  for (const [text, expected] of cases) {
    test(`${JSON.stringify(text)} reads as ${String(expected)}`, () => {
      assert.deepEqual(resolveGoYamlV2Scalar(text)?.value ?? null, expected);
      if (text !== '' && Number.isFinite((expected as number | null) ?? 0))
        assert.deepEqual((parseYamlDocument(`v: ${text}\n`, 't') as { v: unknown }).v, expected);
    });
  }
  // "2e40809": strconv.ParseFloat fails with ErrRange, so go-yaml keeps the string.
  for (const text of [
    '1.10.2',
    '2001-12-14',
    '12:30',
    'Infinity',
    'NaN',
    '0x',
    'yess',
    '1e',
    '0b2',
    'o',
    'nope',
    '._5',
    '.5__0',
    '.5_e3',
    '2e40809',
    '.5e999',
  ]) {
    test(`${JSON.stringify(text)} stays a string`, () => {
      assert.equal(resolveGoYamlV2Scalar(text), undefined);
      assert.equal((parseYamlDocument(`v: ${text}\n`, 't') as { v: unknown }).v, text);
    });
  }
  test('a lone "-" resolves to no other type', () => assert.equal(resolveGoYamlV2Scalar('-'), undefined));
  test('.nan reads as NaN', () => assert.ok(Number.isNaN(resolveGoYamlV2Scalar('.nan')?.value)));
  test('.nan and .inf are refused where they are read: JSON (and so kubectl) cannot carry them', () => {
    for (const text of ['.nan', '+.inf', '-.Inf']) assert.throws(() => parseYamlDocument(`v: ${text}\n`, 't'), /cannot be represented in JSON; quote it/);
  });
  test('boolean-looking keys become "true"/"false" strings, as sigs.k8s.io/yaml converts them', () => {
    assert.deepEqual(parseYamlDocument('on: a\nn: b\n', 't'), { true: 'a', false: 'b' });
  });
  test('integers beyond 2^53 are refused instead of silently rounded', () => {
    assert.throws(() => parseYamlDocument('v: 9007199254740993\n', 't'), /larger than kubefedctl can carry exactly/);
  });
  test('quoted scalars are always strings', () => {
    assert.deepEqual(parseYamlDocument(`a: "yes"\nb: '0644'\nc: "~"\n`, 't'), { a: 'yes', b: '0644', c: '~' });
  });
});

describe('YAML output', () => {
  test('quotes every string a YAML 1.1 reader would read as something else', () => {
    const strings = ['yes', 'no', 'on', 'off', 'y', 'n', 'Y', '0644', '1e3', '1_000', '', 'null', '~', '.5', '+12', '0x1F', 'true', '.inf', '08'];
    const text = toYaml({ strings });
    assert.deepEqual(parseYamlDocument(text, 't'), { strings });
    for (const s of strings) assert.ok(text.includes(`- "${s}"`), `${s} must be quoted in:\n${text}`);
  });
  test('keys sorted, sequences not indented, empty maps as {}', () => {
    assert.equal(toYaml({ b: [1, 2], a: {}, c: { z: 1, y: [] } }), 'a: {}\nb:\n- 1\n- 2\nc:\n  "y": []\n  z: 1\n');
  });
  test('multi-line strings use a literal block', () => {
    assert.equal(toYaml({ s: 'line1\nline2\n' }), 's: |\n  line1\n  line2\n');
  });
});

// Every string here is one that some YAML reader in use takes for another type when it is written
// plain: go-yaml v2 (kubectl, the Go kubefedctl), the YAML 1.1 types of yaml.org/type (as PyYAML
// reads them: timestamps, sexagesimal "1:20", "=", "0b_"), or js-yaml's YAML 1.2 default schema
// (which reads timestamps as Dates and "._5" as 0.5). Each was checked against go-yaml v2.4.0
// (kubefed v0.10.0's), sigs.k8s.io/yaml v1.2.0 and PyYAML 6 while writing this table.
const TYPED_IF_PLAIN = [
  // timestamps: go-yaml v2 quotes these itself (resolve() sees !!timestamp), PyYAML and js-yaml read dates
  '2024-05-01T10:00:00Z',
  '2001-12-14t21:59:43.10-05:00',
  '2002-12-14',
  '2001-12-14 21:59:43.10 -5',
  '2001-12-14 21:59:43.10',
  '2002-1-2',
  '2001-12-14T21:59:43,10Z',
  '2001-12-14T21:59:43+05',
  '2001-02-30',
  // booleans in every case form go-yaml v2 or PyYAML accept
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  // null
  '',
  '~',
  'null',
  'Null',
  'NULL',
  // ints: octal, hex, binary, underscores, sexagesimal, signs
  '0',
  '-0',
  '+12',
  '0644',
  '0o755',
  '0x1F',
  '0X1f',
  '+0x1F',
  '0b101',
  '-0b11',
  '0b_',
  '0x_',
  '0_',
  '1_000',
  '1__0',
  '08',
  '1:20',
  '190:20:30',
  '0:30',
  '9007199254740993',
  '18446744073709551615',
  '99999999999999999999',
  // floats
  '1.5',
  '1.',
  '.5',
  '-.5',
  '+.5',
  '1e3',
  '1E3',
  '1e+3',
  '+1e3',
  '1_000.5',
  '.inf',
  '.Inf',
  '-.inf',
  '+.INF',
  '.nan',
  '.NaN',
  '.NAN',
  '190:20:30.15',
  // merge key and YAML 1.1 "value"
  '<<',
  '=',
];

describe('YAML output: a string is written plain only if every YAML reader reads it as a string', () => {
  for (const text of TYPED_IF_PLAIN) {
    test(`${JSON.stringify(text)} is quoted and reads back as that string`, () => {
      const written = toYaml({ v: text });
      assert.match(written, /^v: "/, `${JSON.stringify(text)} must be double-quoted, got ${written}`);
      assert.equal((parseYamlDocument(written, 't') as { v: unknown }).v, text, 'go-yaml v2 rules (our reader)');
      assert.equal((yaml.load(written) as { v: unknown }).v, text, "js-yaml's YAML 1.2 default schema");
    });
  }
  // What go-yaml v2 writes plain and no reader types stays plain, so our output diffs cleanly
  // against the Go tool's. ("2e40809" overflows a float64: a string for all three readers.)
  for (const text of ['1.10.2', '10.0.0.1', 'nginx:1.27', 'hello world', '12001-12-14', 'a=b', '<', 'yess', 'nope', 'v1.2', '._5', '2e40809']) {
    test(`${JSON.stringify(text)} stays plain, as go-yaml v2 writes it`, () => {
      const written = toYaml({ v: text });
      assert.equal(written, `v: ${text}\n`);
      assert.equal((parseYamlDocument(written, 't') as { v: unknown }).v, text);
      assert.equal((yaml.load(written) as { v: unknown }).v, text);
    });
  }
  test('keys are quoted by the same rule', () => {
    assert.equal(toYaml({ '2024-05-01': 1, '1:20': 2, '=': 3, plain: 4 }), '"=": 3\n"1:20": 2\n"2024-05-01": 1\nplain: 4\n');
  });
});

describe('mapping keys as sigs.k8s.io/yaml turns them into JSON keys', () => {
  // convertToJSONableObject (sigs.k8s.io/yaml v1.2.0, yaml.go): nil keys fail with "Unsupported map
  // key of type: %!s(<nil>)"; go-yaml v2 itself fails on sequence and mapping keys ("invalid map key").
  const refused: Array<[string, string, RegExp]> = [
    ['a plain ~ key', 'a: 1\n~: x\n', /null/],
    ['a null key', 'null: x\n', /null/],
    ['an explicit ~ key with a value', 'a: 1\n? ~\n: x\n', /null/],
    ['an explicit ~ key without a value', '? ~\n', /null/],
    ['a ~ key in a flow mapping', 'a: {~: x}\n', /null/],
    ['an empty key in a flow mapping', 'a: {: x}\n', /null/],
    ['an alias of a null as key', 'a: &n ~\n*n : x\n', /null/],
    ['a flow sequence key', '[a, b]: x\n', /sequence .*invalid map key/],
    ['a flow mapping key', '{a: 1}: x\n', /mapping .*invalid map key/],
    ['a block sequence as explicit key', '? - a\n  - b\n: x\n', /sequence .*invalid map key/],
    ['an int key beyond int64 (a uint64 for go-yaml)', '18446744073709551615: x\n', /beyond int64/],
  ];
  for (const [what, text, reason] of refused) {
    test(`refuses ${what}`, () => {
      assert.throws(
        () => parseYamlDocument(text, 'k.yaml'),
        (error: unknown) => error instanceof yaml.YAMLException && reason.test(error.reason),
      );
    });
  }
  test('names the line and column of the key', () => {
    assert.throws(
      () => parseYamlDocument('metadata:\n  name: x\ndata:\n  ~: oops\n', 'k.yaml'),
      (error: unknown) => error instanceof yaml.YAMLException && error.mark.line === 3 && error.mark.column === 2,
    );
  });
  test("float keys as strconv.FormatFloat(f, 'g', -1, 32), as the Go oracle printed them", () => {
    const text = '1e6: a\n1234567.8: b\n0.00001: c\n3.14159265358979: d\n-0.0: e\n.inf: f\n.nan: g\n1.5: h\n16777217.0: i\n123456.7: j\n';
    assert.deepEqual(parseYamlDocument(text, 'k.yaml'), {
      '1e+06': 'a',
      '1.2345678e+06': 'b',
      '1e-05': 'c',
      '3.1415927': 'd',
      '-0': 'e',
      '.inf': 'f',
      '.nan': 'g',
      '1.5': 'h',
      '1.6777216e+07': 'i',
      '123456.7': 'j',
    });
  });
  test('two float keys that convert to the same JSON key are a duplicate key', () => {
    assert.throws(() => parseYamlDocument('1e6: a\n1000000.0: b\n', 'k.yaml'), /duplicated mapping key/);
  });
  test('int keys beyond 2^53 keep their digits (strconv.Itoa)', () => {
    assert.deepEqual(parseYamlDocument('9007199254740993: x\n', 'k.yaml'), { '9007199254740993': 'x' });
  });
  test('strings that look null are fine as keys when quoted, and nulls are fine as values', () => {
    assert.deepEqual(parseYamlDocument('"null": a\n"~": b\nc: ~\nd:\n', 'k.yaml'), { null: 'a', '~': 'b', c: null, d: null });
  });
  test('a value followed by a key that starts with ":" is not taken for a key', () => {
    assert.deepEqual(parseYamlDocument('a: ~\n:b: c\n', 'k.yaml'), { a: null, ':b': 'c' });
  });
  test('a null value after an explicit key is a value', () => {
    assert.deepEqual(parseYamlDocument('? a\n: ~\n? b\n: 1.5\n', 'k.yaml'), { a: null, b: 1.5 });
  });
  test('.inf and big integers are refused as values, with their line', () => {
    assert.throws(
      () => parseYamlDocument('a: 1\nb: .inf\n', 't'),
      (e: unknown) => e instanceof yaml.YAMLException && e.mark.line === 1 && /\.inf cannot be represented in JSON/.test(e.reason),
    );
    assert.throws(
      () => parseYamlDocument('a:\n- 9007199254740993\n', 't'),
      (e: unknown) => e instanceof yaml.YAMLException && e.mark.line === 1 && /larger than kubefedctl can carry/.test(e.reason),
    );
  });
});

describe('numbers as the Go tool writes them (through JSON, then go-yaml v2)', () => {
  // An integral number whose JSON text fits int64 or uint64 stays an integer; any other is a float64
  // written with strconv.FormatFloat(f, 'g', -1, 64). Checked against kubefedctl v0.10.0's output.
  const cases: Array<[number, string]> = [
    [0, '0'],
    [-0, '0'],
    [3, '3'],
    [0.5, '0.5'],
    [-2.5e-300, '-2.5e-300'],
    [1e20, '1e+20'],
    [1234567.5, '1.2345675e+06'],
    [123456.75, '123456.75'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e-7, '1e-07'],
    [2 ** 62, '4611686018427388000'],
    [9.3e18, '9300000000000000000'],
    [1.5e19, '15000000000000000000'],
    [2 ** 64, '1.8446744073709552e+19'],
    [-9.3e18, '-9.3e+18'],
    [1e21, '1e+21'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
  ];
  for (const [value, text] of cases) {
    test(`${value} is written ${text}`, () => {
      assert.equal(toYaml({ v: value }), `v: ${text}\n`);
      // Integers beyond 2^53 are written as Go writes them, but refused when read (not exact here).
      if (!Number.isInteger(value) || Number.isSafeInteger(value)) {
        assert.equal((parseYamlDocument(`v: ${text}\n`, 't') as { v: unknown }).v, Object.is(value, -0) ? 0 : value);
      }
    });
  }
  test('formatGoFloat at 32 bits rounds to the nearest float32 first', () => {
    assert.equal(formatGoFloat(Math.fround(1234567.8), 32), '1.2345678e+06');
    assert.equal(formatGoFloat(Math.fround(16777217), 32), '1.6777216e+07');
  });
});

describe('key order as go-yaml v2 writes it (sorter.go)', () => {
  // Each expected order was printed by go-yaml v2.4.0 marshalling a map with those keys.
  const cases: Array<[string[], string[]]> = [
    [
      ['file10', 'file2', 'file1'],
      ['file1', 'file2', 'file10'],
    ],
    [
      ['FOOBAR', 'FOO_BAR'],
      ['FOO_BAR', 'FOOBAR'],
    ],
    [
      ['ab', 'a{'],
      ['a{', 'ab'],
    ],
    [
      ['b', 'a', 'B', '_', '-', '0', '9', '10', '01', '001'],
      ['-', '_', '0', '01', '001', '9', '10', 'B', 'a', 'b'],
    ],
    [
      ['a01', 'a1', 'a001', 'a10', 'a010'],
      ['a1', 'a01', 'a001', 'a10', 'a010'],
    ],
    [
      ['ä', 'z', 'a', 'é1'],
      ['a', 'z', 'ä', 'é1'],
    ],
    [
      ['a٣', 'a3', 'a12', 'a٣4'],
      ['a3', 'a12', 'a٣', 'a٣4'],
    ],
    [
      ['app.kubernetes.io/version', 'app.kubernetes.io/name', 'app', 'app.kubernetes.io/part-of'],
      ['app', 'app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/version'],
    ],
  ];
  for (const [keys, expected] of cases) {
    test(`${JSON.stringify(keys)} sorts as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual([...keys].sort(compareGoYamlKeys), expected);
      const written = toYaml(Object.fromEntries(keys.map((key) => [key, 1])));
      assert.deepEqual(
        written
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line.replace(/: 1$/, '').replace(/^([^"].*)$/, '"$1"'))),
        expected,
      );
    });
  }
  test('a key set the rule does not order totally comes out the same on every Node line', () => {
    // x1y < x01y < x10 < x1y: Go's output varies with its map's order (one run printed x1y, x01y,
    // x10); Array.prototype.sort would leave it to the engine (Node 26 differs from 20-24). Ours is
    // Go's insertion sort over the keys in input order.
    const written = toYaml({ x10: 1, x01y: 1, x1y: 1 });
    assert.equal(written, 'x01y: 1\nx10: 1\nx1y: 1\n');
  });
  test('more keys than an insertion sort takes are ordered too', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `file${(i * 7) % 40}`);
    const written = toYaml(Object.fromEntries(keys.map((key) => [key, 1])));
    assert.deepEqual(
      written
        .trimEnd()
        .split('\n')
        .map((line) => line.replace(/: 1$/, '')),
      Array.from({ length: 40 }, (_, i) => `file${i}`),
    );
  });
  test("digit runs longer than 15 digits compare as Go's wrapping int64", () => {
    // 9223372036854775808 wraps to -2^63 in Go's int64 arithmetic, so it sorts before "x1".
    assert.ok(compareGoYamlKeys('x9223372036854775808', 'x1') < 0);
    assert.ok(compareGoYamlKeys('x99999999999999999998', 'x99999999999999999999') < 0);
    assert.ok(compareGoYamlKeys('x1', 'x99999999999999999999') < 0);
  });
});
