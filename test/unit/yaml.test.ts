import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseYamlDocument, resolveGoYamlV2Scalar, toYaml } from '../../src/core/yaml.js';

describe('YAML 1.1 scalars as go-yaml v2 (kubectl) resolves them', () => {
  const cases: Array<[string, unknown]> = [
    ['yes', true], ['Yes', true], ['YES', true], ['y', true], ['on', true], ['ON', true], ['true', true],
    ['no', false], ['n', false], ['off', false], ['Off', false], ['FALSE', false],
    ['~', null], ['null', null], ['Null', null], ['', null],
    ['0644', 420], ['0o755', 493], ['0x1F', 31], ['0X1f', 31], ['0b101', 5], ['-0b11', -3], ['1_000', 1000],
    ['+12', 12], ['-7', -7], ['0', 0], ['-0', 0], ['08', 8], ['09.5', 9.5], ['1e3', 1000], ['.5', 0.5], ['1.50', 1.5],
    ['+.inf', Infinity], ['-.Inf', -Infinity],
  ];
  for (const [text, expected] of cases) {
    test(`${JSON.stringify(text)} reads as ${String(expected)}`, () => {
      assert.deepEqual(resolveGoYamlV2Scalar(text)?.value ?? null, expected);
      if (text !== '' && Number.isFinite(expected as number | null ?? 0)) assert.deepEqual((parseYamlDocument(`v: ${text}\n`, 't') as { v: unknown }).v, expected);
    });
  }
  for (const text of ['1.10.2', '2001-12-14', '12:30', 'Infinity', 'NaN', '0x', 'yess', '1e', '0b2', 'o', 'nope']) {
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
