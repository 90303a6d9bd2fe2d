// Our FederatedTypeConfig and federated CRD generation against what KubeFed v0.10.0 released
// for its ten default types (test/fixtures/kubefed-v0.10.0, copied from the release). The Go
// tool produced those files with `enable -f config/enabletypedirectives/<name>.yaml -o yaml`,
// each directive holding only metadata.name, so the same names go through our offline path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { offlineTypeResources } from '../../src/core/builtin-types.js';
import { splitYamlStream } from '../../src/core/manifest.js';
import { cleanForOutput } from '../../src/core/printers.js';
import { parseEnableTypeDirective } from '../../src/core/type-config.js';
import type { KubeObject } from '../../src/core/types.js';
import { parseYamlDocument } from '../../src/core/yaml.js';

const RELEASED = path.resolve(import.meta.dirname, '../fixtures/kubefed-v0.10.0');

function releasedObjects(file: string): Map<string, KubeObject> {
  const text = readFileSync(path.join(RELEASED, file), 'utf8');
  const objects = splitYamlStream(text)
    .filter((document) => document.text.trim() !== '')
    .map((document) => parseYamlDocument(document.text, file) as KubeObject);
  return new Map(objects.map((object) => [object.metadata.name!, object]));
}

describe('generated objects equal KubeFed v0.10.0 release', () => {
  const typeConfigs = releasedObjects('federatedtypeconfig.yaml');
  const crds = releasedObjects('crds.yaml');

  test('the release has ten default types, each with its CRD', () => {
    assert.equal(typeConfigs.size, 10);
    assert.equal(crds.size, 10);
  });

  for (const name of typeConfigs.keys()) {
    test(name, () => {
      const directive = parseEnableTypeDirective(
        `${name}.yaml`,
        `apiVersion: core.kubefed.io/v1beta1\nkind: EnableTypeDirective\nmetadata:\n  name: ${name}\n`,
      );
      const { typeConfig, crd } = offlineTypeResources(directive);
      assert.deepEqual(cleanForOutput(typeConfig), typeConfigs.get(name));
      assert.deepEqual(cleanForOutput(crd), crds.get(crd.metadata.name!), `CRD ${crd.metadata.name}`);
    });
  }
});
