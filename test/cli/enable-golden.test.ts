// Every directory under test/golden/enable is a case: `args` (the command line after
// `kubefedctl enable`), expected.yaml (stdout; expected.json with -o json), and, when not empty
// or zero, expected.stderr and expected.code. Cases named after a FederatedTypeConfig KubeFed
// v0.10.0 ships must also print exactly the objects of its release (test/fixtures/kubefed-v0.10.0).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { splitYamlStream } from '../../src/core/manifest.js';
import type { KubeObject } from '../../src/core/types.js';
import { parseYamlDocument } from '../../src/core/yaml.js';
import { assertGolden, assertGoldenStderrAndCode, UPDATING } from '../helpers/golden.js';
import { parseArgsLine, runInProcess } from '../helpers/cli.js';

const CASES = path.resolve(import.meta.dirname, '../golden/enable');
const RELEASED = path.resolve(import.meta.dirname, '../fixtures/kubefed-v0.10.0');

function parseDocuments(text: string, name: string): KubeObject[] {
  return splitYamlStream(text)
    .filter((document) => document.text.trim() !== '')
    .map((document) => parseYamlDocument(document.text, name) as KubeObject);
}

function released(): Map<string, KubeObject> {
  const objects = new Map<string, KubeObject>();
  for (const file of ['crds.yaml', 'federatedtypeconfig.yaml']) {
    for (const object of parseDocuments(readFileSync(path.join(RELEASED, file), 'utf8'), file)) objects.set(`${object.kind}/${object.metadata.name}`, object);
  }
  return objects;
}

describe('enable --offline golden cases', () => {
  const releasedObjects = released();
  const releasedTypeConfigs = new Set(
    [...releasedObjects.keys()].filter((key) => key.startsWith('FederatedTypeConfig/')).map((key) => key.slice('FederatedTypeConfig/'.length)),
  );

  test('the fixtures hold the ten default types', () => assert.equal(releasedTypeConfigs.size, 10));

  for (const name of readdirSync(CASES).sort()) {
    const dir = path.join(CASES, name);
    test(name, async () => {
      const args = parseArgsLine(readFileSync(path.join(dir, 'args'), 'utf8'));
      // No kubeconfig anywhere: --offline must not need one.
      const result = await runInProcess(['enable', ...args], { cwd: dir, env: { PATH: process.env.PATH } });
      const stdoutFile = path.join(dir, args.includes('json') ? 'expected.json' : 'expected.yaml');
      assertGolden(stdoutFile, result.stdout);
      assertGoldenStderrAndCode(path.join(dir, 'expected.stderr'), path.join(dir, 'expected.code'), result);
      if (UPDATING) return;
      if (name.startsWith('bad-')) {
        assert.equal(result.stdout, '');
        assert.notEqual(result.code, 0);
        return;
      }
      if (releasedTypeConfigs.has(name)) {
        const printed = parseDocuments(result.stdout, name);
        assert.deepEqual(
          printed.map((object) => object.kind),
          ['FederatedTypeConfig', 'CustomResourceDefinition'],
        );
        for (const object of printed)
          assert.deepEqual(
            object,
            releasedObjects.get(`${object.kind}/${object.metadata.name}`),
            `${object.kind} ${object.metadata.name} differs from KubeFed v0.10.0's`,
          );
      }
    });
  }
});
