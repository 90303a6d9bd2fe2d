// Every directory under test/golden/krm is a case of `kubefedctl federate --krm`: `stdin` (the
// ResourceList an orchestrator sends), `args` (extra flags), expected.stdout / .stderr / .code.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { assertGolden, UPDATING } from '../helpers/golden.js';
import { parseArgsLine, runInProcess } from '../helpers/cli.js';
import { parseYamlDocument } from '../../src/core/yaml.js';

const CASES = path.resolve(import.meta.dirname, '../golden/krm');

interface Output {
  apiVersion: string;
  kind: string;
  items: Array<{ kind: string; metadata: { annotations?: Record<string, string> }; spec?: { template?: { metadata?: { annotations?: unknown } } } }>;
  results?: Array<{ severity: string }>;
}

describe('federate --krm golden cases', () => {
  for (const name of readdirSync(CASES).sort()) {
    const dir = path.join(CASES, name);
    test(name, async () => {
      const args = parseArgsLine(readFileSync(path.join(dir, 'args'), 'utf8'));
      const stdin = readFileSync(path.join(dir, 'stdin'), 'utf8');
      const result = await runInProcess(['federate', '--krm', ...args], { cwd: dir, stdin });
      assertGolden(path.join(dir, 'expected.stdout'), result.stdout);
      assertGolden(path.join(dir, 'expected.stderr'), result.stderr);
      assertGolden(path.join(dir, 'expected.code'), `${result.code}\n`);
      if (UPDATING) return;
      // Whatever the goldens say: stdout is always one ResourceList (the KRM functions specification).
      const output = parseYamlDocument(result.stdout, name) as Output;
      assert.equal(output.kind, 'ResourceList');
      if (name.startsWith('bad-')) {
        assert.equal(result.code, 2);
        assert.deepEqual(output.items, []);
        assert.equal(output.results?.[0]?.severity, 'error');
        assert.match(result.stderr, /^error: /);
      } else {
        assert.equal(result.code, 0);
        const input = parseYamlDocument(stdin, name) as { apiVersion: string };
        assert.equal(output.apiVersion, input.apiVersion, 'the ResourceList keeps its apiVersion');
        for (const item of output.items) {
          // The trap: orchestrator annotations belong on the outer object, never in the template.
          assert.equal(item.spec?.template?.metadata?.annotations, undefined);
        }
      }
    });
  }
});
