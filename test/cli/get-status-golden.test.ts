// Every directory under test/golden/get and test/golden/status is a case, run through the real
// CLI against an in-memory host cluster at a fixed time (2024-01-02T00:00:00Z; objects without a
// creationTimestamp were created a day earlier):
//   host.yaml      the objects of the host cluster (KubeFedClusters, KubeFedConfig, FederatedTypeConfigs, federated objects)
//   types          optional: target types to enable first, one per line (their FederatedTypeConfig and federated CRD)
//   args           the command line after `kubefedctl get` / `kubefedctl status`
//   expected.out   stdout; expected.err and expected.code when not empty or 0
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { splitYamlStream } from '../../src/core/manifest.js';
import type { KubeObject } from '../../src/core/types.js';
import { parseYamlDocument } from '../../src/core/yaml.js';
import { parseArgsLine } from '../helpers/cli.js';
import { FakeCluster, createFakeEnv, runWithFakeEnv } from '../helpers/fake-cluster.js';
import { assertGolden, assertGoldenStderrAndCode } from '../helpers/golden.js';

const GOLDEN_NOW = Date.parse('2024-01-02T00:00:00Z');
const NS = 'kube-federation-system';

function hostFor(dir: string): FakeCluster {
  const host = new FakeCluster({ contextName: 'cluster1' }).installKubeFed();
  const typesFile = path.join(dir, 'types');
  if (existsSync(typesFile)) {
    for (const type of readFileSync(typesFile, 'utf8').split('\n').filter(Boolean)) {
      host.enableType(type);
    }
  }
  const hostFile = path.join(dir, 'host.yaml');
  if (existsSync(hostFile)) {
    const text = readFileSync(hostFile, 'utf8');
    for (const document of splitYamlStream(text).filter((d) => d.text.trim() !== '')) {
      const object = parseYamlDocument(document.text, hostFile) as KubeObject;
      if (object.metadata.namespace === undefined && object.kind !== 'Namespace') object.metadata.namespace = NS;
      host.add(object);
    }
  }
  return host;
}

for (const command of ['get', 'status'] as const) {
  const cases = path.resolve(import.meta.dirname, `../golden/${command}`);
  describe(`${command} golden cases`, () => {
    for (const name of readdirSync(cases).sort()) {
      const dir = path.join(cases, name);
      test(name, async () => {
        const args = parseArgsLine(readFileSync(path.join(dir, 'args'), 'utf8'));
        const fake = createFakeEnv(hostFor(dir));
        fake.env.ctx.now = () => GOLDEN_NOW;
        const result = await runWithFakeEnv([command, ...args], fake);
        assertGolden(path.join(dir, 'expected.out'), result.stdout);
        assertGoldenStderrAndCode(path.join(dir, 'expected.err'), path.join(dir, 'expected.code'), result);
      });
    }
  });
}
