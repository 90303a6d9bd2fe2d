// Commands loaded from bundles of their own carry their own copies of the error classes: an error
// made by one copy must be recognised by the other (renderError, catch clauses), by brand.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { renderError } from '../../src/cli/render-error.js';
import { ConfigError, KubefedctlError, ManifestError, NotFoundError, UsageError } from '../../src/errors.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('error classes across bundles', () => {
  test('an error from a second copy of src/errors.ts is recognised by brand, subclass by subclass', async () => {
    const copy = (await import(`../../src/errors.js?second-copy=${Date.now()}`)) as typeof import('../../src/errors.js');
    assert.notEqual(copy.UsageError, UsageError, 'a separate copy of the module');
    const usage = new copy.UsageError('bad flag');
    assert.ok(usage instanceof UsageError && usage instanceof KubefedctlError);
    assert.ok(!(usage instanceof ConfigError));
    const notFound = new copy.NotFoundError({ context: 'c', verb: 'get', target: 't', status: 404, serverMessage: 'gone' });
    assert.ok(notFound instanceof NotFoundError);
    assert.ok(!(new copy.ConfigError('x') instanceof ManifestError));
    assert.ok(!(new Error('plain') instanceof KubefedctlError));
    const nothing: unknown = null;
    assert.ok(!(nothing instanceof KubefedctlError) && !({} instanceof UsageError));
    assert.deepEqual(renderError(usage, { verbosity: 0 }).exitCode, 2, 'rendered as a usage error, not as a bug');
  });

  test('the built CLI: invalid input to a command in its own bundle is a one-line usage error, not a bug', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/kubefedctl.js'), 'preview', '-f', '-', '--cluster', 'c1'], { input: 'apiVersion: v1\nkind: [\n', encoding: 'utf8' });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^error: /);
    assert.doesNotMatch(run.stderr, /bug|\n\s+at /);
  });
});
