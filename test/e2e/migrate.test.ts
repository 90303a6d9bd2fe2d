// migrate karmada against a real kube-apiserver: with Karmada v1.18.2's four policy CRDs installed
// (test/fixtures/karmada-v1.18.2) and a Cluster CRD of our own, every object the built CLI writes
// for the whole golden corpus (test/golden/migrate-karmada, each case run with --allow-lossy so
// that the cases that fail without it contribute their objects too) must pass a server-side
// dry-run create; objects broken on purpose must be refused, so the check can fail.
//
// Karmada's Cluster (cluster.karmada.io/v1alpha1) is served by karmada-aggregated-apiserver, not
// by a CRD, and Karmada cannot be built here: CLUSTER_CRD below is a minimal structural CRD we
// wrote from Karmada v1.18.2's pkg/apis/cluster/v1alpha1/types.go and the checks of
// pkg/apis/cluster/validation/validation.go (name a DNS-1123 label of at most 48 characters,
// syncMode Push|Pull required, secretRef namespace and name required, apiEndpoint with a host and
// no user, query or fragment, proxyURL http|https|socks5). It is no Karmada artefact.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import yaml from 'js-yaml';
import { type E2eEnv, loadE2eEnv } from './harness/env.js';
import { NS, describeRun, getObject, kubefedctl, waitForNamespaceGone } from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
/** The member the online test joins; the dry runs go to the host, which has every namespace KubeFed itself needs. */
const MEMBER = env.clusters.find((name) => name !== HOST)!;
const APP = `kfc-migrate-${process.pid}`;
const ROOT = path.resolve(import.meta.dirname, '..');
const CORPUS = path.join(ROOT, 'golden', 'migrate-karmada');
const FIXTURES = path.join(ROOT, 'fixtures', 'karmada-v1.18.2');

const DNS_LABEL_48 = "self.metadata.name.size() <= 48 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')";
const secretReference = {
  type: 'object',
  required: ['namespace', 'name'],
  properties: { namespace: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
};
const CLUSTER_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'clusters.cluster.karmada.io' },
  spec: {
    group: 'cluster.karmada.io',
    names: { kind: 'Cluster', plural: 'clusters', singular: 'cluster', listKind: 'ClusterList' },
    scope: 'Cluster',
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            'x-kubernetes-validations': [{ rule: DNS_LABEL_48, message: 'the cluster name must be a DNS-1123 label of at most 48 characters' }],
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['syncMode'],
                properties: {
                  id: { type: 'string' },
                  syncMode: { type: 'string', enum: ['Push', 'Pull'] },
                  apiEndpoint: {
                    type: 'string',
                    'x-kubernetes-validations': [
                      {
                        rule: "self == '' || self.matches('^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#@]+(/[^?#]*)?$')",
                        message: 'apiEndpoint needs a host, and no user, query or fragment',
                      },
                    ],
                  },
                  secretRef: secretReference,
                  impersonatorSecretRef: secretReference,
                  insecureSkipTLSVerification: { type: 'boolean' },
                  proxyURL: {
                    type: 'string',
                    'x-kubernetes-validations': [
                      { rule: "self.matches('^(http|https|socks5)://')", message: 'unsupported scheme, must be http, https, or socks5' },
                    ],
                  },
                  proxyHeader: { type: 'object', additionalProperties: { type: 'string' } },
                  provider: { type: 'string' },
                  region: { type: 'string' },
                  zone: { type: 'string' },
                  zones: { type: 'array', items: { type: 'string' } },
                  taints: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
                  resourceModels: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** apiVersion/kind → URL path of the collection, from the server's discovery. */
class Resources {
  private readonly cache = new Map<string, Array<{ kind: string; name: string; namespaced: boolean }>>();
  async collection(object: KubeObject): Promise<string> {
    const groupVersion = object.apiVersion;
    let resources = this.cache.get(groupVersion);
    if (resources === undefined) {
      const base = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
      const response = await env.adminRequest(HOST, 'GET', base);
      assert.equal(response.status, 200, `discovery of ${groupVersion}: ${response.text}`);
      resources = (response.body.resources as Array<{ kind: string; name: string; namespaced: boolean }>).filter(({ name }) => !name.includes('/'));
      this.cache.set(groupVersion, resources);
    }
    const resource = resources.find(({ kind }) => kind === object.kind);
    assert.ok(resource, `${groupVersion} ${object.kind} is not served`);
    const base = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
    return resource.namespaced ? `${base}/namespaces/${object.metadata.namespace}/${resource.name}` : `${base}/${resource.name}`;
  }
}

const resources = new Resources();

async function dryRunCreate(object: KubeObject): Promise<{ status: number; text: string }> {
  const response = await env.adminRequest(HOST, 'POST', `${await resources.collection(object)}?dryRun=All`, object);
  return { status: response.status, text: response.text };
}

async function createForReal(object: unknown): Promise<void> {
  const typed = object as KubeObject;
  const response = await env.adminRequest(HOST, 'POST', await resources.collection(typed), typed);
  assert.ok(response.status === 201 || response.status === 409, `create ${typed.kind} ${typed.metadata.name}: ${response.status} ${response.text}`);
}

async function waitEstablished(name: string): Promise<void> {
  await env.waitFor(
    async () => {
      const response = await env.adminRequest(HOST, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conditions = (response.body?.status?.conditions ?? []) as Array<{ type: string; status: string }>;
      return conditions.some(({ type, status }) => type === 'Established' && status === 'True') ? true : undefined;
    },
    60_000,
    { what: `CRD ${name} established` },
  );
}

const crdNames: string[] = [];
const createdNamespaces = new Set<string>();

/** Runs the built CLI on every golden case; returns each case's objects. */
async function corpusOutputs(): Promise<Array<{ name: string; objects: KubeObject[] }>> {
  const reportDir = mkdtempSync(path.join(os.tmpdir(), 'kfc-e2e-migrate-'));
  const outputs: Array<{ name: string; objects: KubeObject[] }> = [];
  for (const name of readdirSync(CORPUS).sort()) {
    const dir = path.join(CORPUS, name);
    if (!statSync(dir).isDirectory() || name.startsWith('bad-')) continue;
    const args = readFileSync(path.join(dir, 'args'), 'utf8').trim().split(/\s+/);
    const result = await kubefedctl(env, ['migrate', 'karmada', ...args, '--allow-lossy', '-o', 'json', '--report', path.join(reportDir, `${name}.txt`)], {
      cwd: dir,
    });
    assert.equal(result.code, 0, `${name}: ${describeRun(result)}`);
    const objects = result.stdout === '' ? [] : (JSON.parse(result.stdout) as { items: KubeObject[] }).items;
    outputs.push({ name, objects });
  }
  return outputs;
}

// The Karmada CRDs for every test of this file; what the tests created goes at the end.
before(async () => {
  const build = await env.kubefedctl(['version']);
  assert.equal(build.code, 0, describeRun(build));
  for (const file of readdirSync(FIXTURES).filter((name) => name.endsWith('.yaml'))) {
    const crd = yaml.load(readFileSync(path.join(FIXTURES, file), 'utf8')) as KubeObject;
    await createForReal(crd);
    crdNames.push(crd.metadata.name);
  }
  await createForReal(CLUSTER_CRD);
  crdNames.push(CLUSTER_CRD.metadata.name);
  for (const name of crdNames) await waitEstablished(name);
});

after(async () => {
  for (const namespace of createdNamespaces) await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${namespace}`);
  for (const name of crdNames) await env.adminRequest(HOST, 'DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
});

describe('migrate karmada output against a real API server with the Karmada CRDs', { timeout: 600_000 }, () => {
  let outputs: Array<{ name: string; objects: KubeObject[] }> = [];

  before(async () => {
    outputs = await corpusOutputs();
  });

  test('every object written for the corpus passes a server-side dry-run create', async () => {
    const all = outputs.flatMap(({ name, objects }) => objects.map((object) => ({ name, object })));
    assert.ok(all.length >= 150, `only ${all.length} objects written for the corpus`);
    const kinds = new Set(all.map(({ object }) => object.kind));
    for (const kind of [
      'Namespace',
      'PropagationPolicy',
      'ClusterPropagationPolicy',
      'OverridePolicy',
      'ClusterOverridePolicy',
      'Cluster',
      'Secret',
      'Deployment',
      'ConfigMap',
      'ClusterRole',
    ]) {
      assert.ok(kinds.has(kind), `the corpus writes no ${kind}`);
    }
    const refused: string[] = [];
    const check = async (name: string, object: KubeObject) => {
      const { status, text } = await dryRunCreate(object);
      if (status !== 201) refused.push(`${name}: ${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}: ${status} ${text}`);
    };
    // Namespaces first, while none of them exists; then the namespaces the rest needs, for real.
    for (const { name, object } of all.filter(({ object }) => object.kind === 'Namespace' && object.apiVersion === 'v1')) await check(name, object);
    for (const namespace of new Set(all.map(({ object }) => object.metadata.namespace).filter((ns): ns is string => ns !== undefined))) {
      const exists = await env.adminRequest(HOST, 'GET', `/api/v1/namespaces/${namespace}`);
      if (exists.status === 404) {
        await createForReal({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
        createdNamespaces.add(namespace);
      }
    }
    for (const { name, object } of all.filter(({ object }) => !(object.kind === 'Namespace' && object.apiVersion === 'v1'))) await check(name, object);
    assert.deepEqual(refused, [], `the API server refused:\n${refused.join('\n')}`);
  });

  test('broken mappings are refused, so the check can fail', async () => {
    const find = (kind: string, test: (object: KubeObject) => boolean = () => true) => {
      const object = outputs.flatMap(({ objects }) => objects).find((candidate) => candidate.kind === kind && test(candidate));
      assert.ok(object, `the corpus writes no ${kind}`);
      return structuredClone(object);
    };
    const broken: Array<[string, KubeObject]> = [];
    const override = find('OverridePolicy');
    ((override.spec as any).overrideRules[0].overriders.plaintext[0] as { operator: string }).operator = 'Replace';
    broken.push(['a plaintext operator outside add|remove|replace', override]);
    const propagation = find('PropagationPolicy');
    delete (propagation.spec as Record<string, unknown>).resourceSelectors;
    broken.push(['a policy without resourceSelectors', propagation]);
    const weighted = find('PropagationPolicy', (object) => JSON.stringify(object).includes('staticWeightList'));
    (weighted.spec as any).placement.replicaScheduling.weightPreference.staticWeightList[0].weight = 0;
    broken.push(['a static weight of 0', weighted]);
    const conflict = find('ClusterPropagationPolicy');
    (conflict.spec as Record<string, unknown>).conflictResolution = 'Replace';
    broken.push(['a conflictResolution outside Abort|Overwrite', conflict]);
    const noSyncMode = find('Cluster');
    delete (noSyncMode.spec as Record<string, unknown>).syncMode;
    broken.push(['a Cluster without syncMode', noSyncMode]);
    const longName = find('Cluster');
    longName.metadata.name = 'eu-west-1-production-cluster-internal-example-com';
    broken.push(['a Cluster name of 49 characters', longName]);
    const noSelector = find('Deployment');
    delete (noSelector.spec as Record<string, unknown>).selector;
    broken.push(['a Deployment without spec.selector', noSelector]);
    for (const [what, object] of broken) {
      const { status, text } = await dryRunCreate(object);
      assert.equal(status, 422, `${what} was not refused: ${status} ${text}`);
    }
  });
});

describe('migrate karmada from a real KubeFed host', { timeout: 600_000 }, () => {
  const base = ['--kubeconfig', env.kubeconfig, '--host-cluster-context', HOST];
  const fed = (plural: string) => `/apis/types.kubefed.io/v1beta1/namespaces/${APP}/${plural}`;

  before(async () => {
    await kubefedctl(env, ['unjoin', MEMBER, ...base, '--force']);
    await waitForNamespaceGone(env, MEMBER, NS);
    const join = await kubefedctl(env, ['join', MEMBER, ...base, '--wait=90s']);
    assert.equal(join.code, 0, describeRun(join));
    const post = async (apiPath: string, body: unknown) => {
      const response = await env.adminRequest(HOST, 'POST', apiPath, body);
      assert.ok(response.status === 201 || response.status === 409, `POST ${apiPath}: ${response.status} ${response.text}`);
    };
    await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP } });
    await post(fed('federatednamespaces'), {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedNamespace',
      metadata: { name: APP, namespace: APP },
      spec: { placement: { clusterSelector: {} } },
    });
    await post(fed('federatedconfigmaps'), {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'settings', namespace: APP },
      spec: {
        template: { data: { mode: 'fast' } },
        placement: { clusters: [{ name: MEMBER }] },
        overrides: [{ clusterName: MEMBER, clusterOverrides: [{ path: '/data/region', value: 'eu' }] }],
      },
    });
    // KubeFed propagated it: the host is a working KubeFed, not just objects in etcd.
    await env.waitFor(() => getObject(env, MEMBER, `/api/v1/namespaces/${APP}/configmaps/settings`), 90_000, { what: `settings propagated to ${MEMBER}` });
  });

  after(async () => {
    for (const path of [`${fed('federatedconfigmaps')}/settings`, `${fed('federatednamespaces')}/${APP}`]) await env.adminRequest(HOST, 'DELETE', path);
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${APP}`);
    await waitForNamespaceGone(env, HOST, APP).catch(() => undefined);
    await kubefedctl(env, ['unjoin', MEMBER, ...base, '--force']);
    await env.adminRequest(MEMBER, 'DELETE', `/api/v1/namespaces/${APP}`);
  });

  test('reads every kind it needs from the host, keeps the token out of the logs, and writes objects the API server accepts', async () => {
    const result = await kubefedctl(env, ['migrate', 'karmada', ...base, '-n', APP, '-o', 'json', '-v=8']);
    assert.equal(result.code, 0, describeRun(result));
    const items = (JSON.parse(result.stdout) as { items: KubeObject[] }).items;
    assert.deepEqual(
      items.map(({ kind, metadata }) => `${kind} ${metadata.name}`),
      [
        `Namespace ${APP}`,
        `ClusterPropagationPolicy ${APP}-namespace`,
        'ConfigMap settings',
        'PropagationPolicy settings-configmap',
        'OverridePolicy settings-configmap',
        'Namespace karmada-cluster',
        `Secret ${MEMBER}`,
        `Cluster ${MEMBER}`,
      ],
    );
    const cluster = await getObject(env, HOST, `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters/${MEMBER}`);
    const kubefedSecret = await getObject(env, HOST, `/api/v1/namespaces/${NS}/secrets/${cluster.spec.secretRef.name}`);
    const token = kubefedSecret.data.token as string;
    const secret = items.find(({ kind }) => kind === 'Secret')!;
    assert.equal((secret.data as { token: string }).token, token, 'the Karmada Secret carries the KubeFed token');
    assert.equal((items.find(({ kind }) => kind === 'Cluster')!.spec as { apiEndpoint: string }).apiEndpoint, cluster.spec.apiEndpoint);
    assert.match(result.stderr, /GET .*\/secrets\//, '-v=8 logs the requests, the Secret GET included');
    assert.ok(!result.stderr.includes(token) && !result.stderr.includes(Buffer.from(token, 'base64').toString('utf8')), 'the token reached stderr');
    const refused: string[] = [];
    for (const object of items) {
      if (object.metadata.namespace !== undefined && (await env.adminRequest(HOST, 'GET', `/api/v1/namespaces/${object.metadata.namespace}`)).status === 404) {
        await createForReal({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: object.metadata.namespace } });
        createdNamespaces.add(object.metadata.namespace);
      }
      const { status, text } = await dryRunCreate(
        object.kind === 'Namespace' ? { ...object, metadata: { ...object.metadata, name: `${object.metadata.name}-dry` } } : object,
      );
      if (status !== 201) refused.push(`${object.kind} ${object.metadata.name}: ${status} ${text}`);
    }
    assert.deepEqual(refused, []);
  });
});
