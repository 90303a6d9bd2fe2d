// The test tables of github.com/evanphx/json-patch, ported as data: patch_test.go of v4.12.0
// (what KubeFed v0.10.0 pins) and v5/patch_test.go of v5.9.11 (what Karmada pins), plus the
// KubeFed-relevant behaviours spelled out with the library's exact error texts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type JsonPatchOptions, JsonPatchError, applyJsonPatch, decodePatchKey, jsonValuesEqual } from '../../src/core/json-patch.js';

const A48 = 'A'.repeat(48);
const A49 = 'A'.repeat(49);

/** Applies a patch given as JSON text to a document given as JSON text ('' = empty input). */
function run(doc: string, patch: string, options: JsonPatchOptions = {}): unknown {
  return applyJsonPatch(doc === '' ? undefined : JSON.parse(doc), JSON.parse(patch) as unknown[], options);
}

function errorOf(doc: string, patch: string, options: JsonPatchOptions = {}): JsonPatchError {
  try {
    run(doc, patch, options);
  } catch (error) {
    assert.ok(error instanceof JsonPatchError, `expected a JsonPatchError, got ${String(error)}`);
    return error;
  }
  assert.fail(`patch ${patch} should have failed on ${doc}`);
}

const parse = (text: string): unknown => (text === '' ? undefined : JSON.parse(text));

// --- v4.12.0 patch_test.go ---------------------------------------------------------------------

/** Cases: [doc, patch, result]. TestAllCases runs them with AccumulatedCopySizeLimit 100. */
const V4_CASES: Array<[string, string, string]> = [
  ['', '[{ "op": "add", "path": "/baz", "value": "qux" }]', ''],
  ['{ "foo": "bar"}', '[{ "op": "add", "path": "/baz", "value": "qux" }]', '{ "baz": "qux", "foo": "bar" }'],
  ['{ "foo": [ "bar", "baz" ] }', '[{ "op": "add", "path": "/foo/1", "value": "qux" }]', '{ "foo": [ "bar", "qux", "baz" ] }'],
  ['{ "foo": [ "bar", "baz" ] }', '[{ "op": "add", "path": "/foo/-1", "value": "qux" }]', '{ "foo": [ "bar", "baz", "qux" ] }'],
  ['{ "baz": "qux", "foo": "bar" }', '[ { "op": "remove", "path": "/baz" } ]', '{ "foo": "bar" }'],
  ['{ "foo": [ "bar", "qux", "baz" ] }', '[ { "op": "remove", "path": "/foo/1" } ]', '{ "foo": [ "bar", "baz" ] }'],
  ['{ "baz": "qux", "foo": "bar" }', '[ { "op": "replace", "path": "/baz", "value": "boo" } ]', '{ "baz": "boo", "foo": "bar" }'],
  [
    '{ "foo": { "bar": "baz", "waldo": "fred" }, "qux": { "corge": "grault" } }',
    '[ { "op": "move", "from": "/foo/waldo", "path": "/qux/thud" } ]',
    '{ "foo": { "bar": "baz" }, "qux": { "corge": "grault", "thud": "fred" } }',
  ],
  ['{ "foo": [ "all", "grass", "cows", "eat" ] }', '[ { "op": "move", "from": "/foo/1", "path": "/foo/3" } ]', '{ "foo": [ "all", "cows", "eat", "grass" ] }'],
  ['{ "foo": [ "all", "grass", "cows", "eat" ] }', '[ { "op": "move", "from": "/foo/1", "path": "/foo/2" } ]', '{ "foo": [ "all", "cows", "grass", "eat" ] }'],
  ['{ "foo": "bar" }', '[ { "op": "add", "path": "/child", "value": { "grandchild": { } } } ]', '{ "foo": "bar", "child": { "grandchild": { } } }'],
  ['{ "foo": ["bar"] }', '[ { "op": "add", "path": "/foo/-", "value": ["abc", "def"] } ]', '{ "foo": ["bar", ["abc", "def"]] }'],
  ['{ "foo": "bar", "qux": { "baz": 1, "bar": null } }', '[ { "op": "remove", "path": "/qux/bar" } ]', '{ "foo": "bar", "qux": { "baz": 1 } }'],
  ['{ "foo": "bar" }', '[ { "op": "add", "path": "/baz", "value": null } ]', '{ "baz": null, "foo": "bar" }'],
  ['{ "foo": ["bar"]}', '[ { "op": "replace", "path": "/foo/0", "value": "baz"}]', '{ "foo": ["baz"]}'],
  ['{ "foo": ["bar","baz"]}', '[ { "op": "replace", "path": "/foo/0", "value": "bum"}]', '{ "foo": ["bum","baz"]}'],
  ['{ "foo": ["bar","qux","baz"]}', '[ { "op": "replace", "path": "/foo/1", "value": "bum"}]', '{ "foo": ["bar", "bum","baz"]}'],
  ['[ {"foo": ["bar","qux","baz"]}]', '[ { "op": "replace", "path": "/0/foo/0", "value": "bum"}]', '[ {"foo": ["bum","qux","baz"]}]'],
  // v4's compareJSON decodes into a map, so these two array documents were never really
  // compared there; the results are v5's (same code path: add inserts, copy of a scalar).
  [
    '[ {"foo": ["bar","qux","baz"], "bar": ["qux","baz"]}]',
    '[ { "op": "copy", "from": "/0/foo/0", "path": "/0/bar/0"}]',
    '[ {"foo": ["bar","qux","baz"], "bar": ["bar", "qux", "baz"]}]',
  ],
  [
    '[ {"foo": ["bar","qux","baz"], "bar": ["qux","baz"]}]',
    '[ { "op": "copy", "from": "/0/foo/0", "path": "/0/bar"}]',
    '[ {"foo": ["bar","qux","baz"], "bar": "bar"}]',
  ],
  [
    '[ { "foo": {"bar": ["qux","baz"]}, "baz": {"qux": "bum"}}]',
    '[ { "op": "copy", "from": "/0/foo/bar", "path": "/0/baz/bar"}]',
    '[ { "baz": {"bar": ["qux","baz"], "qux":"bum"}, "foo": {"bar": ["qux","baz"]}}]',
  ],
  ['{ "foo": ["bar"]}', '[{"op": "copy", "path": "/foo/0", "from": "/foo"}]', '{ "foo": [["bar"], "bar"]}'],
  ['{ "foo": ["bar","qux","baz"]}', '[ { "op": "remove", "path": "/foo/-2"}]', '{ "foo": ["bar", "baz"]}'],
  ['{ "foo": []}', '[ { "op": "add", "path": "/foo/-1", "value": "qux"}]', '{ "foo": ["qux"]}'],
  ['{ "bar": [{"baz": null}]}', '[ { "op": "replace", "path": "/bar/0/baz", "value": 1 } ]', '{ "bar": [{"baz": 1}]}'],
  ['{ "bar": [{"baz": 1}]}', '[ { "op": "replace", "path": "/bar/0/baz", "value": null } ]', '{ "bar": [{"baz": null}]}'],
  ['{ "bar": [null]}', '[ { "op": "replace", "path": "/bar/0", "value": 1 } ]', '{ "bar": [1]}'],
  ['{ "bar": [1]}', '[ { "op": "replace", "path": "/bar/0", "value": null } ]', '{ "bar": [null]}'],
  [
    `{ "foo": ["A", "${A48}"] }`,
    '[ { "op": "copy", "path": "/foo/-", "from": "/foo/1" }, { "op": "copy", "path": "/foo/-", "from": "/foo/1" }]',
    `{ "foo": ["A", "${A48}", "${A48}", "${A48}"] }`,
  ],
  [
    '{ "id": "00000000-0000-0000-0000-000000000000", "parentID": "00000000-0000-0000-0000-000000000000" }',
    `[ { "op": "test", "path": "", "value": { "id": "00000000-0000-0000-0000-000000000000", "parentID": "00000000-0000-0000-0000-000000000000" } },
       { "op": "replace", "path": "", "value": { "id": "759981e8-ec68-4639-a83e-513225914ecb", "originalID": "bar", "parentID": "00000000-0000-0000-0000-000000000000" } } ]`,
    '{ "id" : "759981e8-ec68-4639-a83e-513225914ecb", "originalID" : "bar", "parentID" : "00000000-0000-0000-0000-000000000000" }',
  ],
];

/** MutationTestCases: the result must differ from the document. */
const V4_MUTATION_CASES: Array<[string, string]> = [
  ['{ "foo": "bar", "qux": { "baz": 1, "bar": null } }', '[ { "op": "remove", "path": "/qux/bar" } ]'],
  ['{ "foo": "bar", "qux": { "baz": 1, "bar": null } }', '[ { "op": "replace", "path": "/qux/baz", "value": null } ]'],
];

/** BadCases: every one must fail (limit 100 as in TestAllCases). */
const V4_BAD_CASES: Array<[string, string]> = [
  ['{ "foo": "bar" }', '[ { "op": "add", "path": "/baz/bat", "value": "qux" } ]'],
  ['{ "a": { "b": { "d": 1 } } }', '[ { "op": "remove", "path": "/a/b/c" } ]'],
  ['{ "a": { "b": { "d": 1 } } }', '[ { "op": "move", "from": "/a/b/c", "path": "/a/b/e" } ]'],
  ['{ "a": { "b": [1] } }', '[ { "op": "remove", "path": "/a/b/1" } ]'],
  ['{ "a": { "b": [1] } }', '[ { "op": "move", "from": "/a/b/1", "path": "/a/b/2" } ]'],
  ['{ "foo": "bar" }', '[ { "op": "add", "pathz": "/baz", "value": "qux" } ]'],
  ['{ "foo": "bar" }', '[ { "op": "add", "path": "", "value": "qux" } ]'],
  ['{ "foo": ["bar","baz"]}', '[ { "op": "replace", "path": "/foo/2", "value": "bum"}]'],
  ['{ "foo": ["bar","baz"]}', '[ { "op": "add", "path": "/foo/-4", "value": "bum"}]'],
  ['{ "name":{ "foo": "bat", "qux": "bum"}}', '[ { "op": "replace", "path": "/foo/bar", "value":"baz"}]'],
  ['{ "foo": ["bar"]}', '[ {"op": "add", "path": "/foo/2", "value": "bum"}]'],
  ['{ "foo": []}', '[ {"op": "remove", "path": "/foo/-"}]'],
  ['{ "foo": []}', '[ {"op": "remove", "path": "/foo/-1"}]'],
  ['{ "foo": ["bar"]}', '[ {"op": "remove", "path": "/foo/-2"}]'],
  ['{}', '[ {"op":null,"path":""} ]'],
  ['{}', '[ {"op":"add","path":null} ]'],
  ['{}', '[ { "op": "copy", "from": null }]'],
  ['{ "foo": ["bar"]}', '[{"op": "copy", "path": "/foo/6666666666", "from": "/"}]'],
  ['{ "foo": ["bar"]}', '[{"op": "copy", "path": "/foo/2", "from": "/foo/0"}]'],
  [`{ "foo": ["A", "${A49}"] }`, '[ { "op": "copy", "path": "/foo/-", "from": "/foo/1" }, { "op": "copy", "path": "/foo/-", "from": "/foo/1" }]'],
  ['{ "foo": [ "all", "grass", "cows", "eat" ] }', '[ { "op": "move", "from": "/foo/1", "path": "/foo/4" } ]'],
];

/** TestCases for the test op: [doc, patch, passes, failedPath]. */
const V4_TEST_OP_CASES: Array<[string, string, boolean, string]> = [
  [
    '{ "baz": "qux", "foo": [ "a", 2, "c" ] }',
    '[ { "op": "test", "path": "/baz", "value": "qux" }, { "op": "test", "path": "/foo/1", "value": 2 } ]',
    true,
    '',
  ],
  ['{ "baz": "qux" }', '[ { "op": "test", "path": "/baz", "value": "bar" } ]', false, '/baz'],
  [
    '{ "baz": "qux", "foo": ["a", 2, "c"] }',
    '[ { "op": "test", "path": "/baz", "value": "qux" }, { "op": "test", "path": "/foo/1", "value": "c" } ]',
    false,
    '/foo/1',
  ],
  ['{ "baz": "qux" }', '[ { "op": "test", "path": "/foo", "value": 42 } ]', false, '/foo'],
  ['{ "baz": "qux" }', '[ { "op": "test", "path": "/foo", "value": null } ]', true, ''],
  ['{ "foo": null }', '[ { "op": "test", "path": "/foo", "value": null } ]', true, ''],
  ['{ "foo": {} }', '[ { "op": "test", "path": "/foo", "value": null } ]', false, '/foo'],
  ['{ "foo": [] }', '[ { "op": "test", "path": "/foo", "value": null } ]', false, '/foo'],
  ['{ "baz/foo": "qux" }', '[ { "op": "test", "path": "/baz~1foo", "value": "qux"} ]', true, ''],
  ['{ "foo": [] }', '[ { "op": "test", "path": "/foo"} ]', false, '/foo'],
];

/** TestAdd: partialArray.add on an empty array. [name, key, rejectNegative, error]. */
const ADD_CASES: Array<[string, string, boolean, string]> = [
  ['should work', '0', false, ''],
  ['index too large', '1', false, 'Unable to access invalid index: 1: invalid index referenced'],
  ['negative should work', '-1', false, ''],
  ['negative too small', '-2', false, 'Unable to access invalid index: -2: invalid index referenced'],
  ['negative but negative disabled', '-1', true, 'Unable to access invalid index: -1: invalid index referenced'],
];

/** EqualityCases: [name, a, b, equal]; v5 adds Unicode. */
const EQUALITY_CASES: Array<[string, string, string, boolean]> = [
  ['ExtraKeyFalse', '{"foo": "bar"}', '{"foo": "bar", "baz": "qux"}', false],
  ['StripWhitespaceTrue', '{\n "foo": "bar",\n "baz": "qux"\n}', '{"foo": "bar", "baz": "qux"}', true],
  ['KeysOutOfOrderTrue', '{ "baz": "qux", "foo": "bar" }', '{"foo": "bar", "baz": "qux"}', true],
  ['ComparingNullFalse', '{"foo": null}', '{"foo": "bar"}', false],
  ['ComparingNullTrue', '{"foo": null}', '{"foo": null}', true],
  ['ArrayOutOfOrderFalse', '["foo", "bar", "baz"]', '["bar", "baz", "foo"]', false],
  ['ArrayTrue', '["foo", "bar", "baz"]', '["foo", "bar", "baz"]', true],
  [
    'NonStringTypesTrue',
    '{"int": 6, "bool": true, "float": 7.0, "string": "the_string", "null": null}',
    '{"int": 6, "bool": true, "float": 7.0, "string": "the_string", "null": null}',
    true,
  ],
  ['NestedNullFalse', '{"foo": ["an", "array"], "bar": {"an": "object"}}', '{"foo": null, "bar": null}', false],
  ['NullCompareStringFalse', '"foo"', 'null', false],
  ['NullCompareIntFalse', '6', 'null', false],
  ['NullCompareFloatFalse', '6.01', 'null', false],
  ['NullCompareBoolFalse', 'false', 'null', false],
  ['Unicode', '{"name": "λJohn"}', '{"name": "\\u03BBJohn"}', true],
];

describe('json-patch v4.12.0 (evanphx/json-patch patch_test.go)', () => {
  const v4 = { mode: 'v4', accumulatedCopySizeLimit: 100 } as const;
  V4_CASES.forEach(([doc, patch, result], index) => {
    test(`Cases[${index}] applies`, () => assert.deepEqual(run(doc, patch, v4), parse(result)));
  });
  V4_MUTATION_CASES.forEach(([doc, patch], index) => {
    test(`MutationTestCases[${index}] changes the document`, () => assert.notDeepEqual(run(doc, patch, v4), JSON.parse(doc)));
  });
  V4_BAD_CASES.forEach(([doc, patch], index) => {
    test(`BadCases[${index}] fails: ${patch}`, () => assert.throws(() => run(doc, patch, v4), JsonPatchError));
  });
  V4_TEST_OP_CASES.forEach(([doc, patch, passes, failedPath], index) => {
    test(`TestCases[${index}] ${passes ? 'passes' : `fails at ${failedPath}`}`, () => {
      if (passes) assert.doesNotThrow(() => run(doc, patch));
      else assert.equal(errorOf(doc, patch).message, `testing value ${failedPath} failed: test failed`);
    });
  });
  for (const [name, key, rejectNegative, message] of ADD_CASES) {
    test(`TestAdd: ${name}`, () => {
      const patch = JSON.stringify([{ op: 'add', path: `/a/${key}`, value: 1 }]);
      const options = { supportNegativeIndices: !rejectNegative };
      if (message === '') assert.deepEqual(run('{"a": []}', patch, options), { a: [1] });
      else assert.equal(errorOf('{"a": []}', patch, options).message, `error in add for path: '/a/${key}': ${message}`);
    });
  }
  for (const [name, a, b, equal] of EQUALITY_CASES) {
    test(`TestEquality: ${name}`, () => {
      assert.equal(jsonValuesEqual(JSON.parse(a), JSON.parse(b)), equal);
      assert.equal(jsonValuesEqual(JSON.parse(b), JSON.parse(a)), equal);
    });
  }
});

// --- v5.9.11 v5/patch_test.go ------------------------------------------------------------------

/** Cases: [doc, patch, result, allowMissingPathOnRemove, ensurePathExistsOnAdd]. */
const V5_CASES: Array<[string, string, string, boolean, boolean]> = [
  ...V4_CASES.slice(0, 3).map(([d, p, r]): [string, string, string, boolean, boolean] => [d, p, r, false, false]),
  ['{ "foo": [ "bar", "baz" ] }', '[{ "op": "add", "path": "/foo/-1", "value": "qux" }]', '{ "foo": [ "bar", "baz", "qux" ] }', false, false],
  ['{ "baz": "qux", "foo": "bar" }', '[ { "op": "remove", "path": "/baz" } ]', '{ "foo": "bar" }', false, false],
  ['{ "foo": [ "bar", "qux", "baz" ] }', '[ { "op": "remove", "path": "/foo/1" } ]', '{ "foo": [ "bar", "baz" ] }', false, false],
  ['{ "foo": [ "bar", "qux", "baz" ] }', '[ { "op": "remove", "path": "/foo/-1" } ]', '{ "foo": [ "bar", "qux" ] }', false, false],
  [
    '{ "foo": [ "bar", "qux", {"a": "abc", "b": "xyz" } ] }',
    '[ { "op": "remove", "path": "/foo/-1/a" } ]',
    '{ "foo": [ "bar", "qux", {"b": "xyz" } ] }',
    false,
    false,
  ],
  ...V4_CASES.slice(6, 12).map(([d, p, r]): [string, string, string, boolean, boolean] => [d, p, r, false, false]),
  [
    '{ "foo": [{"bar": [{"baz0": "123"}]}]}',
    '[ { "op": "add", "path": "/foo/0/bar/-", "value": {"baz1": "456"} } ]',
    '{ "foo": [{"bar": [{"baz0": "123"}, {"baz1": "456"}]}]}',
    true,
    true,
  ],
  [
    '{ "foo": [{"bar": [{"baz0": "123"}]}]}',
    '[ { "op": "add", "path": "/foo/1/bar/0", "value": {"baz1": "456"} } ]',
    '{ "foo": [{"bar": [{"baz0": "123"}]}, {"bar": [{"baz1": "456"}]}]}',
    true,
    true,
  ],
  [
    '{ "foo": [{"bar": [{"baz0": "123"}]}]}',
    '[ { "op": "add", "path": "/foo/1/bar/-1", "value": {"baz1": "456"} } ]',
    '{ "foo": [{"bar": [{"baz0": "123"}]}, {"bar": [{"baz1": "456"}]}]}',
    true,
    true,
  ],
  [
    '{ "foo": [{"bar": [{"baz0": "123"}]}]}',
    '[ { "op": "add", "path": "/foo/1/bar/-", "value": {"baz1": "456"} } ]',
    '{ "foo": [{"bar": [{"baz0": "123"}]}, {"bar": [{"baz1": "456"}]}]}',
    true,
    true,
  ],
  ...V4_CASES.slice(12, 15).map(([d, p, r]): [string, string, string, boolean, boolean] => [d, p, r, false, false]),
  ['{ "foo": ["bar"]}', '[ { "op": "replace", "path": "/foo/-1", "value": "baz"}]', '{ "foo": ["baz"]}', false, false],
  ['{ "foo": [{"bar": "x"}]}', '[ { "op": "replace", "path": "/foo/-1/bar", "value": "baz"}]', '{ "foo": [{"bar": "baz"}]}', false, false],
  ...V4_CASES.slice(15, 22).map(([d, p, r]): [string, string, string, boolean, boolean] => [d, p, r, false, false]),
  ['{ "foo": null}', '[{"op": "copy", "path": "/bar", "from": "/foo"}]', '{ "foo": null, "bar": null}', false, false],
  ...V4_CASES.slice(22, 29).map(([d, p, r]): [string, string, string, boolean, boolean] => [d, p, r, false, false]),
  ['[1, 2, 3]', '[ { "op": "remove", "path": "/0" } ]', '[2, 3]', false, false],
  ['{ "a": { "b": { "d": 1 } } }', '[ { "op": "remove", "path": "/a/b/c" } ]', '{ "a": { "b": { "d": 1 } } }', true, false],
  ['{ "a": { "b": { "d": 1 } } }', '[ { "op": "remove", "path": "/x/y/z" } ]', '{ "a": { "b": { "d": 1 } } }', true, false],
  ['[1, 2, 3]', '[ { "op": "remove", "path": "/10" } ]', '[1, 2, 3]', true, false],
  ['[1, 2, 3]', '[ { "op": "remove", "path": "/10/x/y/z" } ]', '[1, 2, 3]', true, false],
  ['[1, 2, 3]', '[ { "op": "remove", "path": "/-10" } ]', '[1, 2, 3]', true, false],
  ['{}', '[ { "op": "add", "path": "/a", "value": "hello" } ]', '{"a": "hello" }', false, true],
  ['{}', '[ { "op": "add", "path": "/a/b", "value": "hello" } ]', '{"a": {"b": "hello" } }', false, true],
  ['{}', '[ { "op": "add", "path": "/a/b/c", "value": "hello" } ]', '{"a": {"b": {"c": "hello" } } }', false, true],
  ['{"a": {} }', '[ { "op": "add", "path": "/a/b/c", "value": "hello" } ]', '{"a": {"b": {"c": "hello" } } }', false, true],
  ['{"a": {} }', '[ { "op": "add", "path": "/x/y/z", "value": "hello" } ]', '{"a": {}, "x" : {"y": {"z": "hello" } } }', false, true],
  ['{}', '[ { "op": "add", "path": "/a/0/b", "value": "hello" } ]', '{"a": [{"b": "hello"}] }', false, true],
  ['{}', '[ { "op": "add", "path": "/a/b/0", "value": "hello" } ]', '{"a": {"b": ["hello"] } }', false, true],
  ['{}', '[ { "op": "add", "path": "/a/b/-1", "value": "hello" } ]', '{"a": {"b": ["hello"] } }', false, true],
  ['{}', '[ { "op": "add", "path": "/a/b/-1/c", "value": "hello" } ]', '{"a": {"b": [ { "c": "hello" } ] } }', false, true],
  [
    '{"a": {"b": [ { "c": "whatever" } ] } }',
    '[ { "op": "add", "path": "/a/b/-1/c", "value": "hello" } ]',
    '{"a": {"b": [ { "c": "hello" } ] } }',
    false,
    true,
  ],
  ['{}', '[ { "op": "add", "path": "/a/b/3", "value": "hello" } ]', '{"a": {"b": [null, null, null, "hello"] } }', false, true],
  ['{"a": []}', '[ { "op": "add", "path": "/a/-1", "value": "hello" } ]', '{"a": ["hello"]}', false, true],
  ['{}', '[ { "op": "add", "path": "/a/0/0", "value": "hello" } ]', '{"a": [["hello"]]}', false, true],
  ['{"a": [{}]}', '[ { "op": "add", "path": "/a/-1/b/c", "value": "hello" } ]', '{"a": [{"b": {"c": "hello"}}]}', false, true],
  [
    '{"a": [{"b": "whatever"}]}',
    '[ { "op": "add", "path": "/a/2/b/c", "value": "hello" } ]',
    '{"a": [{"b": "whatever"}, null, {"b": {"c": "hello"}}]}',
    false,
    true,
  ],
  ['{"a": [{"b": "whatever"}]}', '[ { "op": "add", "path": "/a/1/b/c", "value": "hello" } ]', '{"a": [{"b": "whatever"}, {"b": {"c": "hello"}}]}', false, true],
  [V4_CASES[29]![0], V4_CASES[29]![1], V4_CASES[29]![2], false, true],
  ['{"baz": []}', '[ { "op": "test", "path": "/foo" } ]', '{"baz": []}', false, false],
  ['{}', '[{"op": "replace", "path": "", "value": null}]', 'null', false, false],
  ['{"foo": 1}', '[ { "op": "copy", "from": "", "path": "/bar"}]', '{"foo": 1, "bar": {"foo": 1}}', false, false],
  ['[{"foo": 1}]', '[ { "op": "copy", "from": "", "path": "/1"}]', '[{"foo": 1}, [{"foo": 1}]]', false, false],
  ['{}', '[{"op":"add","path":"","value":{"foo":"bar"}}]', '{"foo": "bar"}', false, false],
  ['[]', '[{"op":"add","path":"","value":{"foo":"bar"}}, {"op": "add", "path": "/qux", "value": 1}]', '{"foo": "bar", "qux": 1}', false, false],
];

const V5_MUTATION_CASES: Array<[string, string]> = [...V4_MUTATION_CASES, ['{ "foo": "bar" }', '[ { "op": "add", "path": "/", "value": "{qux" } ]']];

/** BadCases of v5: [doc, patch] (the ones failOnDecode marks fail in validation). */
const V5_BAD_CASES: Array<[string, string]> = [
  ...V4_BAD_CASES.filter(([, patch]) => !patch.includes('"path": "", "value": "qux"')),
  ['{ "baz": "qux" }', '[ { "op": "replace", "path": "/foo", "value": "bar" } ]'],
  ['{ "foo": "bar"}', '[{"op": "copy", "path": "/qux", "from": "/baz"}]'],
  ['{ "foo": {"bar": []}}', '[{"op": "replace", "path": "/foo/bar", "value": null}, {"op": "add", "path": "/foo/bar/0", "value": "blah"}]'],
  ['{}', '[{"op": "replace", "path": ""}]'],
  ['{ "foo": "bar"}', '[{"op": "move", "path": "/qux", "from": ""}]'],
];

const V5_TEST_OP_CASES: Array<[string, string, boolean, string]> = [
  ...V4_TEST_OP_CASES,
  ['{ "foo": "bar" }', '[ { "op": "test", "path": "/baz", "value": "bar" } ]', false, '/baz'],
  ['{ "foo": "bar" }', '[ { "op": "test", "path": "/baz", "value": null } ]', true, '/baz'],
];

/** TestMaintainOrdering: v5 keeps key order; compared as serialised text. */
const V5_ORDERING_CASES: Array<[string, string, string]> = [
  [
    '{"z":"1","a":["baz"],"y":3,"b":true,"x":null}',
    '[{"op": "add", "path": "/foo", "value": "bar"}]',
    '{"z":"1","a":["baz"],"y":3,"b":true,"x":null,"foo":"bar"}',
  ],
  ['{"z":"1","a":["baz"],"y":3,"b":true,"x":null}', '[{"op": "remove", "path": "/y"}]', '{"z":"1","a":["baz"],"b":true,"x":null}'],
  [
    '{"z":"1","a":["baz"],"y":3,"b":true,"x":null}',
    '[{"op": "move", "from": "/z", "path": "/a/-"},{"op": "remove", "path": "/y"}]',
    '{"a":["baz","1"],"b":true,"x":null}',
  ],
  [
    '{"z":"1","a":["baz"],"y":3,"b":true,"x":null}',
    `[{"op": "add", "path": "/foo", "value": "bar"},
      {"op": "replace", "path": "/b", "value": {"zz":1,"aa":"foo","yy":true,"bb":null}},
      {"op": "copy", "from": "/foo", "path": "/b/cc"},
      {"op": "move", "from": "/z", "path": "/a/0"},
      {"op": "remove", "path": "/y"}]`,
    '{"a":["1","baz"],"b":{"zz":1,"aa":"foo","yy":true,"bb":null,"cc":"bar"},"x":null,"foo":"bar"}',
  ],
];

describe('json-patch v5.9.11 (evanphx/json-patch v5/patch_test.go)', () => {
  const limit = { mode: 'v5', accumulatedCopySizeLimit: 100 } as const;
  V5_CASES.forEach(([doc, patch, result, allowMissingPathOnRemove, ensurePathExistsOnAdd], index) => {
    test(`Cases[${index}] applies with its options`, () => {
      assert.deepEqual(run(doc, patch, { ...limit, allowMissingPathOnRemove, ensurePathExistsOnAdd }), parse(result));
      if (!allowMissingPathOnRemove && !ensurePathExistsOnAdd) assert.deepEqual(run(doc, patch, limit), parse(result));
    });
  });
  V5_MUTATION_CASES.forEach(([doc, patch], index) => {
    test(`MutationTestCases[${index}] changes the document`, () => assert.notDeepEqual(run(doc, patch, limit), JSON.parse(doc)));
  });
  V5_BAD_CASES.forEach(([doc, patch], index) => {
    test(`BadCases[${index}] fails: ${patch}`, () => assert.throws(() => run(doc, patch, limit), JsonPatchError));
  });
  V5_TEST_OP_CASES.forEach(([doc, patch, passes, failedPath], index) => {
    test(`TestCases[${index}] ${passes ? 'passes' : `fails at ${failedPath}`}`, () => {
      if (passes) assert.doesNotThrow(() => run(doc, patch, { mode: 'v5' }));
      else assert.equal(errorOf(doc, patch, { mode: 'v5' }).message, `testing value ${failedPath} failed: test failed`);
    });
  });
  for (const [name, key, rejectNegative, message] of ADD_CASES) {
    test(`TestAdd: ${name}`, () => {
      const patch = JSON.stringify([{ op: 'add', path: `/a/${key}`, value: 1 }]);
      const options = { mode: 'v5', supportNegativeIndices: !rejectNegative } as const;
      if (message === '') assert.deepEqual(run('{"a": []}', patch, options), { a: [1] });
      else assert.equal(errorOf('{"a": []}', patch, options).message, `error in add for path: '/a/${key}': ${message}`);
    });
  }
  V5_ORDERING_CASES.forEach(([doc, patch, expected], index) => {
    test(`TestMaintainOrdering case ${index}`, () => assert.equal(JSON.stringify(run(doc, patch, { mode: 'v5' })), expected));
  });
});

// --- What KubeFed and Karmada users see ---------------------------------------------------------

describe('v4 versus v5 where KubeFed and Karmada differ', () => {
  const deployment = '{"spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}';

  test('replace of a missing key adds it in v4 and fails in v5', () => {
    const patch = '[{"op": "replace", "path": "/spec/paused", "value": true}]';
    assert.deepEqual((run(deployment, patch) as { spec: { paused: boolean } }).spec.paused, true);
    assert.equal(errorOf(deployment, patch, { mode: 'v5' }).message, 'replace operation does not apply: doc is missing key: /spec/paused: missing value');
  });

  test('a path without a leading "/" loses its first segment (both versions)', () => {
    assert.deepEqual(run('{"spec": {"replicas": 1}}', '[{"op": "replace", "path": "spec/replicas", "value": 5}]'), { spec: { replicas: 1 }, replicas: 5 });
    assert.deepEqual(run('{"spec": {"replicas": 1}}', '[{"op": "add", "path": "spec/replicas", "value": 5}]', { mode: 'v5' }), {
      spec: { replicas: 1 },
      replicas: 5,
    });
    // v5 looks the top-level key up first, so the same replace fails there.
    assert.equal(
      errorOf('{"spec": {"replicas": 1}}', '[{"op": "replace", "path": "spec/replicas", "value": 5}]', { mode: 'v5' }).message,
      'replace operation does not apply: doc is missing key: spec/replicas: missing value',
    );
  });

  test('a path with no "/" at all is a missing path', () => {
    assert.equal(
      errorOf('{"replicas": 1}', '[{"op": "add", "path": "replicas", "value": 5}]').message,
      'add operation does not apply: doc is missing path: "replicas": missing value',
    );
  });

  test('add and replace without a value write null in v4; v5 rejects them before applying anything', () => {
    assert.deepEqual(run('{"a": 1}', '[{"op": "add", "path": "/b"}, {"op": "replace", "path": "/a"}]'), { a: null, b: null });
    assert.equal(
      errorOf('{"a": 1}', '[{"op": "remove", "path": "/a"}, {"op": "add", "path": "/b"}]', { mode: 'v5' }).message,
      `invalid operation {"op":"add","path":"/b"}: failed to decode 'value': operation, missing value field: missing value`,
    );
  });

  test('add with a missing parent: doc is missing path', () => {
    assert.equal(
      errorOf('{"metadata": {}}', '[{"op": "add", "path": "/metadata/annotations/a", "value": "x"}]').message,
      'add operation does not apply: doc is missing path: "/metadata/annotations/a": missing value',
    );
    assert.equal(
      errorOf('{"metadata": {}}', '[{"op": "replace", "path": "/metadata/annotations/a", "value": "x"}]').message,
      'replace operation does not apply: doc is missing path: /metadata/annotations/a: missing value',
    );
  });

  test('remove of a missing key: the message differs in case between the versions', () => {
    assert.equal(
      errorOf('{"a": {}}', '[{"op": "remove", "path": "/a/b"}]').message,
      "error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value",
    );
    assert.equal(
      errorOf('{"a": {}}', '[{"op": "remove", "path": "/a/b"}]', { mode: 'v5' }).message,
      "error in remove for path: '/a/b': unable to remove nonexistent key: b: missing value",
    );
  });

  test('replace of an out-of-range index fails; a non-numeric index is a missing key', () => {
    assert.equal(
      errorOf('{"a": [1]}', '[{"op": "replace", "path": "/a/1", "value": 2}]').message,
      'replace operation does not apply: doc is missing key: /a/1: missing value',
    );
    assert.equal(
      errorOf('{"a": [1]}', '[{"op": "add", "path": "/a/x", "value": 2}]').message,
      `error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    );
  });

  test('add at "-", "-1" and "0" of an array', () => {
    const doc = '{"a": [1, 2]}';
    assert.deepEqual(run(doc, '[{"op": "add", "path": "/a/-", "value": 3}]'), { a: [1, 2, 3] });
    assert.deepEqual(run(doc, '[{"op": "add", "path": "/a/-1", "value": 3}]'), { a: [1, 2, 3] });
    assert.deepEqual(run(doc, '[{"op": "add", "path": "/a/-2", "value": 3}]'), { a: [1, 3, 2] });
    assert.deepEqual(run(doc, '[{"op": "add", "path": "/a/0", "value": 3}]'), { a: [3, 1, 2] });
  });

  test('~1 and ~0 are decoded in that order', () => {
    assert.equal(decodePatchKey('a~1b~0c~01'), 'a/b~c~1');
    assert.deepEqual(run('{"metadata": {"labels": {}}}', '[{"op": "add", "path": "/metadata/labels/example.com~1tier", "value": "web"}]'), {
      metadata: { labels: { 'example.com/tier': 'web' } },
    });
  });

  test('replace with path "" swaps the document; v4 ignores a scalar value, v5 rejects it', () => {
    assert.deepEqual(run('{"a": 1}', '[{"op": "replace", "path": "", "value": {"b": 2}}]'), { b: 2 });
    assert.deepEqual(run('{"a": 1}', '[{"op": "replace", "path": "", "value": 3}]'), { a: 1 });
    assert.throws(() => run('{"a": 1}', '[{"op": "replace", "path": "", "value": 3}]', { mode: 'v5' }), /must be object or array/);
  });

  test('v4 dereferences nil for replace "" without a value: reported as a panic', () => {
    const error = errorOf('{"a": 1}', '[{"op": "replace", "path": ""}]');
    assert.equal(error.panic, true);
  });

  test('copy from a missing key copies null in v4 and fails in v5', () => {
    assert.deepEqual(run('{"a": 1}', '[{"op": "copy", "from": "/x", "path": "/b"}]'), { a: 1, b: null });
    assert.equal(
      errorOf('{"a": 1}', '[{"op": "copy", "from": "/x", "path": "/b"}]', { mode: 'v5' }).message,
      "error in copy for from: '/x': unable to get nonexistent key: x: missing value",
    );
  });

  test('unknown ops and the first failing operation abort the whole patch', () => {
    assert.equal(errorOf('{}', '[{"op": "merge", "path": "/a"}]').message, 'Unexpected kind: merge');
    assert.throws(() => run('{"a": 1}', '[{"op": "add", "path": "/b", "value": 2}, {"op": "remove", "path": "/c"}]'));
  });

  test('the input document is never modified', () => {
    const document = { a: { b: [1] } };
    applyJsonPatch(document, [
      { op: 'add', path: '/a/b/-', value: 2 },
      { op: 'replace', path: '/a/c', value: 3 },
    ]);
    assert.deepEqual(document, { a: { b: [1] } });
  });

  test('a "__proto__" key is an ordinary key', () => {
    const result = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    assert.deepEqual(Object.keys(result), ['__proto__']);
  });
});
