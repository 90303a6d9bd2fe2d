// Every directory under test/golden/federate is a case: `args` (the command line after
// `kubefedctl federate`), inputs, and expected.stdout / expected.stderr / expected.code.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { assertGolden, readGoldenOr, UPDATING } from '../helpers/golden.js';
import { parseArgsLine, runInProcess } from '../helpers/cli.js';
import { parseYamlDocument } from '../../src/core/yaml.js';

const CASES = path.resolve(import.meta.dirname, '../golden/federate');

describe('federate -f golden cases', () => {
  for (const name of readdirSync(CASES).sort()) {
    const dir = path.join(CASES, name);
    test(name, async () => {
      const args = parseArgsLine(readFileSync(path.join(dir, 'args'), 'utf8'));
      const stdinFile = path.join(dir, 'stdin');
      const result = await runInProcess(['federate', ...args], {
        cwd: dir,
        ...(existsSync(stdinFile) ? { stdin: readFileSync(stdinFile, 'utf8') } : {}),
      });
      assertGolden(path.join(dir, 'expected.stdout'), result.stdout);
      assertGolden(path.join(dir, 'expected.stderr'), result.stderr);
      assertGolden(path.join(dir, 'expected.code'), `${result.code}\n`);
      if (UPDATING) return;
      // Invariants that hold for every case, whatever the goldens say.
      if (name.startsWith('bad-')) {
        assert.equal(result.stdout, '', 'invalid input must leave stdout empty');
        assert.equal(result.code, 2, 'invalid input exits 2');
        assert.match(result.stderr, /^error: /, 'one error line first');
        assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      } else {
        assert.equal(result.code, 0);
        assert.equal(readGoldenOr(path.join(dir, 'expected.code'), '0\n'), '0\n');
        // Passthrough cases keep some objects as they are.
        if (!args.includes('json') && !args.some((arg) => arg.startsWith('--passthrough'))) {
          for (const document of result.stdout.split(/^---\n/m).filter(Boolean)) {
            const parsed = parseYamlDocument(document, name) as { apiVersion: string; kind: string };
            assert.equal(parsed.apiVersion, 'types.kubefed.io/v1beta1');
            assert.match(parsed.kind, /^Federated/);
          }
        }
      }
    });
  }
});
