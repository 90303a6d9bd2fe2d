// The lint config enforces the layering: each rule is shown to fail on a violation (and to let
// the allowed forms through), so a config change that silently drops a boundary fails here.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = path.resolve(import.meta.dirname, '../..');
// Only the layering rule: the probes are not files of the TypeScript project, so rules that need type information cannot run on them.
const eslint = new ESLint({
  cwd: ROOT,
  ruleFilter: ({ ruleId }) => ruleId === '@typescript-eslint/no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('layering (eslint.config.js)', () => {
  const cases: Array<[string, string, RegExp | undefined]> = [
    ['src/core/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /src\/core is pure/],
    ['src/core/probe.ts', "import { request } from 'https';\nexport const x = request;\n", /src\/core is pure/],
    ['src/core/probe.ts', "import { createUi } from '../cli/ui.js';\nexport const x = createUi;\n", /src\/core is pure/],
    ['src/core/probe.ts', "import { Applier } from '../cluster/applier.js';\nexport const x = Applier;\n", /src\/core is pure/],
    ['src/core/probe.ts', "import ora from 'ora';\nexport const x = ora;\n", /src\/core is pure/],
    ['src/core/probe.ts', "import type { V1ServiceAccount } from '@kubernetes/client-node';\nexport type X = V1ServiceAccount;\n", undefined],
    ['src/core/probe.ts', "import { isDeepStrictEqual } from 'node:util';\nexport const x = isDeepStrictEqual;\n", undefined],
    ['src/cluster/probe.ts', "import { createUi } from '../cli/ui.js';\nexport const x = createUi;\n", /knows nothing of the CLI/],
    ['src/cluster/probe.ts', "import chalk from 'chalk';\nexport const x = chalk;\n", /knows nothing of the CLI/],
    ['src/cluster/probe.ts', "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n", undefined],
    ['src/commands/probe.ts', "import { Applier } from '../cluster/applier.js';\nexport const x = Applier;\n", /load lazily/],
    ['src/commands/probe.ts', "import type { ClusterClient } from '../cluster/types.js';\nexport type X = ClusterClient;\n", undefined],
    ['src/run/probe.ts', "import { registerJoin } from '../commands/join.js';\nexport const x = registerJoin;\n", /src\/run observes/],
  ];
  for (const [file, code, expected] of cases) {
    const first = code.split('\n')[0]!;
    test(`${file}: ${first} is ${expected ? 'refused' : 'allowed'}`, async () => {
      const found = await violations(file, code);
      if (expected) {
        assert.equal(found.length, 1, found.join('\n'));
        assert.match(found[0]!, expected);
      } else {
        assert.deepEqual(found, []);
      }
    });
  }
});
