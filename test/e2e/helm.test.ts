// kubefedctl as a Helm post-renderer, with real Helm 3 and Helm 4 binaries built from their Go
// modules (test/e2e/go/helm): `helm template` on examples/helm-chart needs no cluster; `helm
// install` into the host cluster runs when the e2e environment is up.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureToolBinaries, type ToolBinaries } from './harness/build.js';
import { type E2eEnv, type ExecResult, execFileCollect, loadE2eEnv, REPO_ROOT, uniqueName } from './harness/env.js';
import { STATE_FILE } from './harness/state.js';
import { parseYamlDocument } from '../../src/core/yaml.js';

const CHART = path.join(REPO_ROOT, 'examples', 'helm-chart');
const PLUGIN = path.join(REPO_ROOT, 'helm-plugin', 'kubefedctl');
const work = mkdtempSync(path.join(os.tmpdir(), 'kfc-e2e-helm-'));
const binDir = path.join(work, 'bin');
let tools: ToolBinaries;

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: any;
}

/** Runs a tool with kubefedctl (this checkout's bin/) first on PATH and Helm's homes in the work directory. */
function run(command: string, args: string[], input?: string): Promise<ExecResult> {
  return execFileCollect(command, args, {
    env: {
      PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
      HELM_DATA_HOME: path.join(work, 'helm-data'),
      HELM_CONFIG_HOME: path.join(work, 'helm-config'),
      HELM_CACHE_HOME: path.join(work, 'helm-cache'),
    },
    timeoutMs: 180_000,
    ...(input !== undefined ? { input } : {}),
  });
}

function documents(stream: string): Doc[] {
  return stream
    .split(/^---\s*$/m)
    .map((text) => parseYamlDocument(text, 'helm output') as Doc | null | undefined)
    .filter((doc): doc is Doc => doc !== null && doc !== undefined);
}

const key = (doc: Doc) => `${doc.kind}/${doc.metadata.namespace ?? ''}/${doc.metadata.name}`;
const byKey = (docs: Doc[]) => new Map(docs.map((doc) => [key(doc), doc]));
const describeRun = (r: ExecResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

const POST_RENDER_ARGS = ['federate', '-f', '-', '--passthrough-kinds=CustomResourceDefinition,Namespace', '--placement-clusters=cluster1,cluster2'];
/** What the chart renders through kubefedctl with CRDs and Namespaces passed through (hooks stay hooks). */
const RENDERED = [
  'CustomResourceDefinition//widgets.shop.example.com',
  'FederatedConfigMap/shop/web-settings',
  'FederatedDeployment/shop/web-web',
  'FederatedService/shop/web-web',
  'FederatedWidget/shop/web-blue',
  'Namespace//shop',
  'Pod/shop/web-smoke',
];
const postRendererArgs = (args: string[]) => args.flatMap((arg) => ['--post-renderer-args', arg]);

describe('Helm post-renderer', { timeout: 3_600_000 }, () => {
  before(async () => {
    tools = await ensureToolBinaries();
    mkdirSync(binDir, { recursive: true });
    symlinkSync(path.join(REPO_ROOT, 'bin', 'kubefedctl.js'), path.join(binDir, 'kubefedctl'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('Helm 3: helm template --post-renderer kubefedctl federates the chart, CRDs and Namespaces pass through', async () => {
    const plain = await run(tools.helm3, ['template', 'web', CHART, '--namespace', 'shop', '--include-crds']);
    assert.equal(plain.code, 0, describeRun(plain));
    const rendered = await run(tools.helm3, [
      'template',
      'web',
      CHART,
      '--namespace',
      'shop',
      '--include-crds',
      '--post-renderer',
      'kubefedctl',
      ...postRendererArgs(POST_RENDER_ARGS),
    ]);
    assert.equal(rendered.code, 0, describeRun(rendered));

    const before = byKey(documents(plain.stdout));
    const out = byKey(documents(rendered.stdout));
    assert.deepEqual([...out.keys()].sort(), RENDERED);
    assert.deepEqual(out.get('CustomResourceDefinition//widgets.shop.example.com'), before.get('CustomResourceDefinition//widgets.shop.example.com'));
    assert.deepEqual(out.get('Namespace//shop'), before.get('Namespace//shop'));
    // Helm 3 keeps hooks away from post-renderers: the test Pod is still a hook.
    assert.equal(out.get('Pod/shop/web-smoke')?.metadata.annotations?.['helm.sh/hook'], 'test');

    const deployment = out.get('FederatedDeployment/shop/web-web')!;
    assert.equal(deployment.apiVersion, 'types.kubefed.io/v1beta1');
    assert.deepEqual(deployment.spec.placement, { clusters: [{ name: 'cluster1' }, { name: 'cluster2' }] });
    assert.equal(deployment.spec.template.spec.replicas, 2);
    assert.equal(deployment.spec.template.metadata.labels['app.kubernetes.io/instance'], 'web');
    const service = out.get('FederatedService/shop/web-web')!;
    assert.equal(service.spec.template.spec.ports[0].nodePort, undefined, 'nodePort is dropped, as the Go tool drops it');

    // The same as federating `helm template`'s output by hand.
    const piped = await run('kubefedctl', POST_RENDER_ARGS, plain.stdout);
    assert.equal(piped.code, 0, describeRun(piped));
    const expected = byKey(documents(piped.stdout).filter((doc) => doc.kind !== 'FederatedPod'));
    for (const [name, doc] of expected) if (name !== 'Pod/shop/web-smoke') assert.deepEqual(out.get(name), doc, name);
  });

  test("Helm 3: a manifest kubefedctl refuses fails the whole render with kubefedctl's message", async () => {
    const result = await run(tools.helm3, [
      'template',
      'web',
      CHART,
      '--namespace',
      'shop',
      '--set',
      'brokenManifest=true',
      '--post-renderer',
      'kubefedctl',
      ...postRendererArgs(POST_RENDER_ARGS),
    ]);
    assert.notEqual(result.code, 0, describeRun(result));
    assert.equal(result.stdout.trim(), '', 'nothing is rendered');
    assert.match(result.stderr, /error while running post render on files/);
    assert.match(result.stderr, /missing metadata\.name \(generateName is not enough: a federated object needs a fixed name\)/);
  });

  test('Helm 4: the postrenderer/v1 plugin in helm-plugin/ installs, federates, and keeps hooks as hooks', async () => {
    const install = await run(tools.helm4, ['plugin', 'install', PLUGIN]);
    assert.equal(install.code, 0, describeRun(install));
    const list = await run(tools.helm4, ['plugin', 'list']);
    assert.match(list.stdout, /^kubefedctl\s+0\.1\.0\s+postrenderer\/v1\s+v1\b/m, describeRun(list));

    const args = ['--passthrough-kinds=CustomResourceDefinition,Namespace', '--placement-clusters=cluster1'];
    const rendered = await run(tools.helm4, [
      'template',
      'web',
      CHART,
      '--namespace',
      'shop',
      '--include-crds',
      '--post-renderer',
      'kubefedctl',
      ...postRendererArgs(args),
    ]);
    assert.equal(rendered.code, 0, describeRun(rendered));
    const out = byKey(documents(rendered.stdout));
    assert.deepEqual([...out.keys()].sort(), RENDERED);
    // Helm 4 sends hooks to the post-renderer; the plugin passes them through so they stay hooks.
    assert.equal(out.get('Pod/shop/web-smoke')?.metadata.annotations?.['helm.sh/hook'], 'test');
    assert.deepEqual(out.get('FederatedDeployment/shop/web-web')!.spec.placement, { clusters: [{ name: 'cluster1' }] });

    const broken = await run(tools.helm4, ['template', 'web', CHART, '--namespace', 'shop', '--set', 'brokenManifest=true', '--post-renderer', 'kubefedctl']);
    assert.notEqual(broken.code, 0, describeRun(broken));
    assert.equal(broken.stdout.trim(), '');
    // Helm 4 does not show a plugin's stderr; it names the plugin that failed.
    assert.match(broken.stderr, /post-renderer plugin "kubefedctl": plugin "kubefedctl" exited with error/);
  });

  test('Helm 3: helm install --post-renderer kubefedctl creates the Federated objects in the host cluster', async (t) => {
    if (!existsSync(STATE_FILE) && !process.env.KUBEFEDCTL_E2E_KUBECONFIG) {
      t.skip('no e2e environment (npm run e2e:up); the template tests above need none');
      return;
    }
    const env: E2eEnv = loadE2eEnv();
    const namespace = uniqueName('kfc-helm');
    const release = 'shop';
    const helmArgs = ['--kubeconfig', env.kubeconfig, '--kube-context', env.hostCluster, '--namespace', 'default'];
    try {
      const install = await run(tools.helm3, [
        'install',
        release,
        CHART,
        ...helmArgs,
        '--skip-crds',
        '--set',
        `namespace=${namespace}`,
        '--set',
        'widgets=false',
        '--post-renderer',
        'kubefedctl',
        ...postRendererArgs(POST_RENDER_ARGS),
      ]);
      assert.equal(install.code, 0, describeRun(install));
      const federated = await env.adminRequest(
        env.hostCluster,
        'GET',
        `/apis/types.kubefed.io/v1beta1/namespaces/${namespace}/federateddeployments/${release}-web`,
      );
      assert.equal(federated.status, 200, federated.text);
      assert.deepEqual(federated.body.spec.placement, { clusters: [{ name: 'cluster1' }, { name: 'cluster2' }] });
      assert.equal(federated.body.metadata.annotations?.['meta.helm.sh/release-name'], release, 'Helm owns the Federated object');
      const plain = await env.adminRequest(env.hostCluster, 'GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${release}-web`);
      assert.equal(plain.status, 404, 'only the Federated wrapper was installed');
      const ns = await env.adminRequest(env.hostCluster, 'GET', `/api/v1/namespaces/${namespace}`);
      assert.equal(ns.status, 200, 'the Namespace passed through and was installed as it is');
    } finally {
      await run(tools.helm3, ['uninstall', release, ...helmArgs, '--wait', '--timeout', '60s']);
      await env.adminRequest(env.hostCluster, 'DELETE', `/api/v1/namespaces/${namespace}`).catch(() => undefined);
    }
  });
});
