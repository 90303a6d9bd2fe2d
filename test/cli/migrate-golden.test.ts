// Every directory under test/golden/migrate-karmada and test/golden/migrate-ocm is a case: `args`
// (the command line after `kubefedctl migrate karmada|ocm`), its input files, an optional
// README.md saying what the case shows, and expected.stdout / expected.stderr (the report) /
// expected.code. UPDATE_GOLDEN=1 rewrites the expected files.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseYamlDocument } from '../../src/core/yaml.js';
import { parseArgsLine, runInProcess } from '../helpers/cli.js';
import { UPDATING, assertGolden } from '../helpers/golden.js';

const ROOT = path.resolve(import.meta.dirname, '../golden');

/** Every Secret token of the case's inputs, base64 and decoded: none may reach stderr. */
function inputTokens(dir: string): string[] {
  const tokens: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
    for (const match of readFileSync(path.join(dir, file), 'utf8').matchAll(/^\s+token:\s*(\S+)\s*$/gm)) {
      tokens.push(match[1]!, Buffer.from(match[1]!, 'base64').toString('utf8'));
    }
  }
  return tokens.filter((token) => token.length >= 8);
}

for (const target of ['karmada', 'ocm'] as const) {
  const cases = path.join(ROOT, `migrate-${target}`);
  describe(`migrate ${target} golden cases (test/golden/migrate-${target})`, () => {
    const names = readdirSync(cases)
      .filter((name) => statSync(path.join(cases, name)).isDirectory())
      .sort();
    test('there are golden cases', () => assert.ok(names.length >= (target === 'karmada' ? 25 : 4), `only ${names.length} cases under ${cases}`));
    for (const name of names) {
      const dir = path.join(cases, name);
      test(name, async () => {
        const args = parseArgsLine(readFileSync(path.join(dir, 'args'), 'utf8'));
        const result = await runInProcess(['migrate', target, ...args], { cwd: dir });
        assertGolden(path.join(dir, 'expected.stdout'), result.stdout);
        assertGolden(path.join(dir, 'expected.stderr'), result.stderr);
        assertGolden(path.join(dir, 'expected.code'), `${result.code}\n`);
        if (UPDATING) return;
        // Invariants that hold for every case, whatever the goldens say.
        for (const token of inputTokens(dir)) assert.ok(!result.stderr.includes(token), 'a Secret token reached the report');
        assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
        if (result.code !== 0) assert.equal(result.stdout, '', 'all or nothing: a failed run writes nothing to stdout');
        if (result.code === 1) assert.match(result.stderr, /^summary: .*nothing written to stdout/m);
        if (result.code === 0 && !args.includes('json')) {
          for (const document of result.stdout.split(/^---\n/m).filter(Boolean)) {
            assert.match(document, /^# from: /, 'each document says where it comes from');
            const parsed = parseYamlDocument(document, name) as { apiVersion?: unknown; kind?: unknown };
            assert.equal(typeof parsed.apiVersion, 'string');
            assert.equal(typeof parsed.kind, 'string');
          }
        }
        if (existsSync(path.join(dir, 'README.md'))) assert.ok(readFileSync(path.join(dir, 'README.md'), 'utf8').trim().length > 0);
      });
    }
  });
}
