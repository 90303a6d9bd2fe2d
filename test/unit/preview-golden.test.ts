// Golden cases for `kubefedctl preview`'s engine: one directory per case under
// test/golden/preview, run through the pure functions the command calls. A case holds
//   input.yaml      federated objects, FederatedNamespaces, RSPs, KubeFedConfig, FTCs, KubeFedClusters
//   clusters.yaml   optional KubeFedClusters (what --clusters-file reads)
//   live.yaml       optional member objects (--live): documents {cluster, object, recordedVersion?, isHostNamespace?}
//   args            optional flags: --cluster, --scope, --kubefed-namespace, --simulate-rsp,
//                   --only-cluster, -o, --show-resource-version
// and the expected outputs: expected.yaml|json|txt (stdout for -o yaml|json|name),
// expected-explain.txt (--explain) and expected-errors (exit code, stderr lines).
// UPDATE_GOLDEN=1 rewrites the expected files.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseManifests, splitYamlStream } from '../../src/core/manifest.js';
import {
  type LiveState,
  type MemberCluster,
  type PreviewOutputFormat,
  parseClusterFlag,
  previewExitCode,
  previewFederation,
  readPreviewInputs,
  renderPreview,
  renderPreviewErrors,
  renderPreviewExplain,
} from '../../src/core/preview/index.js';
import type { KubeObject } from '../../src/core/types.js';
import { isPlainObject } from '../../src/core/types.js';
import { parseYamlDocument } from '../../src/core/yaml.js';
import { KubefedctlError } from '../../src/errors.js';
import { UPDATING, assertGolden } from '../helpers/golden.js';

const ROOT = path.join(import.meta.dirname, '..', 'golden', 'preview');

interface CaseArgs {
  clusters: MemberCluster[];
  scope?: 'Cluster' | 'Namespaced';
  kubefedNamespace?: string;
  simulateRsp: boolean;
  onlyCluster?: string;
  output: PreviewOutputFormat;
  showResourceVersion: boolean;
}

function parseArgs(text: string): CaseArgs {
  const tokens = text.split(/\s+/).filter(Boolean);
  const args: CaseArgs = { clusters: [], simulateRsp: false, output: 'yaml', showResourceVersion: false };
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const value = () => tokens[++index] ?? assert.fail(`${token} needs a value`);
    if (token === '--cluster') args.clusters.push(parseClusterFlag(value()));
    else if (token === '--scope') args.scope = value() as CaseArgs['scope'];
    else if (token === '--kubefed-namespace') args.kubefedNamespace = value();
    else if (token === '--simulate-rsp') args.simulateRsp = true;
    else if (token === '--only-cluster') args.onlyCluster = value();
    else if (token === '-o') args.output = value() as PreviewOutputFormat;
    else if (token === '--show-resource-version') args.showResourceVersion = true;
    else assert.fail(`unknown flag in args: ${token}`);
  }
  return args;
}

/** live.yaml as a lookup: absent objects are `{object: null}` (a live preview that found nothing). */
function readLive(file: string): (cluster: string, target: { kind: string; namespace: string; name: string }) => LiveState {
  const entries = splitYamlStream(readFileSync(file, 'utf8'))
    .map((document) => parseYamlDocument(document.text, file))
    .filter(isPlainObject);
  return (cluster, target) => {
    const entry = entries.find((candidate) => {
      const object = candidate.object as KubeObject;
      return (
        candidate.cluster === cluster &&
        object.kind === target.kind &&
        (object.metadata.namespace ?? '') === target.namespace &&
        object.metadata.name === target.name
      );
    });
    if (entry === undefined) return { object: null };
    return {
      object: entry.object as KubeObject,
      recordedVersion: typeof entry.recordedVersion === 'string' ? entry.recordedVersion : undefined,
      isHostNamespace: entry.isHostNamespace === true,
    };
  };
}

const EXTENSIONS: Record<PreviewOutputFormat, string> = { yaml: 'yaml', json: 'json', name: 'txt' };

function runCase(dir: string): { stdout: string; explain?: string; errors: string; format: PreviewOutputFormat } {
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  const has = (name: string) => existsSync(path.join(dir, name));
  let format: PreviewOutputFormat = 'yaml';
  try {
    const args = parseArgs(has('args') ? read('args') : '');
    format = args.output;
    const manifests = [
      ...parseManifests({ name: 'input.yaml', text: read('input.yaml') }),
      ...(has('clusters.yaml') ? parseManifests({ name: 'clusters.yaml', text: read('clusters.yaml') }) : []),
    ];
    const inputs = readPreviewInputs(manifests, { clusters: args.clusters, kubefedNamespace: args.kubefedNamespace });
    const result = previewFederation(inputs, {
      scope: args.scope,
      simulateRsp: args.simulateRsp,
      live: has('live.yaml') ? readLive(path.join(dir, 'live.yaml')) : undefined,
    });
    const renderOptions = { onlyCluster: args.onlyCluster, showResourceVersion: args.showResourceVersion };
    const stdout = renderPreview(result, args.output, renderOptions);
    const errors = `exit: ${previewExitCode(result)}\n${renderPreviewErrors(result)}${result.warnings.map((warning) => `warning: ${warning}\n`).join('')}`;
    return { stdout, explain: renderPreviewExplain(result, renderOptions), errors, format };
  } catch (error) {
    if (!(error instanceof KubefedctlError)) throw error;
    return { stdout: '', errors: `exit: ${error.exitCode}\n${error.code}: ${error.message}\n`, format };
  }
}

describe('preview golden cases (test/golden/preview)', () => {
  const cases = readdirSync(ROOT)
    .filter((name) => existsSync(path.join(ROOT, name, 'input.yaml')))
    .sort();
  test('there are golden cases', () => assert.ok(cases.length >= 20, `only ${cases.length} cases found under ${ROOT}`));
  for (const name of cases) {
    test(name, () => {
      const dir = path.join(ROOT, name);
      const { stdout, explain, errors, format } = runCase(dir);
      assertGolden(path.join(dir, 'expected-errors'), errors);
      const stdoutFile = path.join(dir, `expected.${EXTENSIONS[format]}`);
      if (explain === undefined) {
        // Invalid input: nothing on stdout, no explanation.
        assert.equal(stdout, '');
        assert.ok(UPDATING || !existsSync(stdoutFile), `${stdoutFile} must not exist for a case that fails on its input`);
        return;
      }
      assertGolden(stdoutFile, stdout);
      assertGolden(path.join(dir, 'expected-explain.txt'), explain);
    });
  }
});
