import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderError } from '../../src/cli/render-error.js';
import { ClusterApiError, ConfigError, ManifestError, MultipleUsageErrors, UsageError } from '../../src/errors.js';

describe('renderError', () => {
  test('usage errors exit 2 with one line and a hint, no stack', () => {
    const r = renderError(new UsageError('NAME is required', { hint: "See 'kubefedctl join --help'." }), { verbosity: 0 });
    assert.equal(r.exitCode, 2);
    assert.equal(r.text, "error: NAME is required\n  hint: See 'kubefedctl join --help'.\n");
  });
  test('manifest errors name file, document, line and field', () => {
    const r = renderError(new ManifestError({ file: 'a.yaml', document: 2, line: 9, path: 'metadata.name' }, 'missing metadata.name'), { verbosity: 0 });
    assert.equal(r.text, 'error: error in "a.yaml" document 2 (line 9) at metadata.name: missing metadata.name\n');
    assert.equal(r.exitCode, 2);
  });
  test('failures exit 1; the stack appears only from -v=4', () => {
    const error = new ConfigError('context "bar" does not exist');
    assert.equal(renderError(error, { verbosity: 0 }).exitCode, 1);
    assert.doesNotMatch(renderError(error, { verbosity: 3 }).text, /\n\s+at /);
    assert.match(renderError(error, { verbosity: 4 }).text, /\n\s+at /);
  });
  test('several problems are reported together', () => {
    const r = renderError(new MultipleUsageErrors(['a is wrong', 'b is wrong']), { verbosity: 0 });
    assert.equal(r.text, 'error: 2 problems:\n  - a is wrong\n  - b is wrong\n');
  });
  test('unexpected errors are internal bugs: exit 1, always with a stack', () => {
    const r = renderError(new TypeError('x is undefined'), { verbosity: 0 });
    assert.equal(r.exitCode, 1);
    assert.match(r.text, /internal error in kubefedctl: x is undefined/);
    assert.match(r.text, /\n\s+at /);
  });
  test('tokens are redacted from any message', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
    const r = renderError(new ClusterApiError({ context: 'c', verb: 'GET', target: 'x', status: 401, serverMessage: `Bearer ${jwt} rejected` }), {
      verbosity: 9,
    });
    assert.doesNotMatch(r.text, new RegExp(jwt.slice(0, 20)));
  });
});
