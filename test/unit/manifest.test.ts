// Document splitting as apimachinery's YAMLReader does it (pkg/util/yaml/decoder.go; the separator
// check arrived in Kubernetes 1.22, commit "add yaml separator validation and avoid silent
// ignoration", and is in the apimachinery v0.22.2 the Go kubefedctl v0.10.0 is built with).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseManifests } from '../../src/core/manifest.js';
import { ManifestError } from '../../src/errors.js';

const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n';

function names(text: string): string[] {
  return parseManifests({ name: 'm.yaml', text }).map((m) => `${m.document}@${m.line}:${String(m.object.metadata.name)}`);
}

describe('document separators', () => {
  test('"---" alone, with blanks or with a comment separates documents', () => {
    assert.deepEqual(names(`---\n${NAMESPACE}---   \n${NAMESPACE.replace('shop', 'b')}--- # next\n${NAMESPACE.replace('shop', 'c')}---\t\n`), [
      '1@2:shop',
      '2@7:b',
      '3@12:c',
    ]);
  });

  // YAMLReader: "We only allow comments and spaces following the yaml doc separator, otherwise
  // we'll return an error" -> "invalid Yaml document separator: <rest>". go-yaml alone would read
  // "---apiVersion: v1" as a key; kubectl never gets that far.
  const invalid: Array<[string, string, number, number]> = [
    ['content glued to the dashes', `${NAMESPACE}---apiVersion: v1\nkind: ConfigMap\n`, 2, 5],
    ['content after a space', `${NAMESPACE}--- apiVersion: v1\n`, 2, 5],
    ['a block scalar header', `--- |\n  text\n`, 1, 1],
    ['a flow mapping', `--- {}\n`, 1, 1],
    ['a fourth dash', `${NAMESPACE}----\n${NAMESPACE}`, 2, 5],
    ['the first line', `---kind: Namespace\n`, 1, 1],
    ['the last line, without a newline', `${NAMESPACE}---x`, 2, 5],
  ];
  for (const [what, text, document, line] of invalid) {
    test(`refuses ${what}, naming the document and line`, () => {
      assert.throws(
        () => parseManifests({ name: 'm.yaml', text }),
        (error: unknown) =>
          error instanceof ManifestError &&
          error.location.document === document &&
          error.location.line === line &&
          /invalid document separator "---/.test(error.message) &&
          error.exitCode === 2,
      );
    });
  }

  test('a "---" inside a block scalar is content (indented, so not at the start of a line)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: md\ndata:\n  readme: |\n    ---\n    ---title\n';
    assert.deepEqual(parseManifests({ name: 'm.yaml', text })[0]!.object.data, { readme: '---\n---title\n' });
  });

  test('a document that fails names its own line', () => {
    assert.throws(
      () => parseManifests({ name: 'm.yaml', text: `${NAMESPACE}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  ~: y\n` }),
      (error: unknown) => error instanceof ManifestError && error.location.document === 2 && error.location.line === 11 && /null/.test(error.message),
    );
  });
});
