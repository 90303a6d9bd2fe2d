// enable, disable, federate (with --contents) and orphaning-deletion, proven by the real KubeFed
// controller propagating (or not) into the member cluster.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type E2eEnv, loadE2eEnv } from './harness/env.js';
import { NS, describeRun, getObject, kubefedctl, waitForNamespaceGone } from './support.js';
import { KUBEFED_DEFAULT_ENABLED_TYPES } from '../../src/core/builtin-types.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const MEMBER = env.clusters.find((c) => c !== HOST)!;
const APP = `kfc-app-${process.pid}`;
const base = ['--kubeconfig', env.kubeconfig, '--host-cluster-context', HOST];
const DEFAULT_TYPES = KUBEFED_DEFAULT_ENABLED_TYPES;

const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.e2e.kubefedctl.io' },
  spec: {
    group: 'e2e.kubefedctl.io',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', shortNames: ['wdg'] },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, colour: { type: 'string' } } } } },
        },
      },
    ],
  },
};

async function create(cluster: string, path: string, body: unknown): Promise<void> {
  const response = await env.adminRequest(cluster, 'POST', path, body);
  assert.ok(response.status === 201 || response.status === 409, `POST ${path} on ${cluster}: ${response.status} ${response.text}`);
}

async function inMember(path: string, timeoutMs = 60_000): Promise<any> {
  return env.waitFor(() => getObject(env, MEMBER, path), timeoutMs, { what: `${path} propagated to ${MEMBER}` });
}

describe('enable, federate --contents, disable and orphaning against KubeFed', { timeout: 900_000 }, () => {
  before(async () => {
    await kubefedctl(env, ['unjoin', MEMBER, ...base, '--force']);
    await waitForNamespaceGone(env, MEMBER, NS);
    const join = await kubefedctl(env, ['join', MEMBER, ...base, '--wait=90s']);
    assert.equal(join.code, 0, describeRun(join));
    for (const cluster of [HOST, MEMBER]) {
      await create(cluster, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', WIDGET_CRD);
    }
    await env.waitFor(async () => (await env.adminRequest(HOST, 'GET', '/apis/e2e.kubefedctl.io/v1')).status === 200, 30_000, { what: 'widgets served' });
    await create(HOST, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP, labels: { team: 'e2e' } } });
    await create(HOST, `/apis/apps/v1/namespaces/${APP}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    });
    await create(HOST, `/api/v1/namespaces/${APP}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    await create(HOST, `/api/v1/namespaces/${APP}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db' },
      spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] },
    });
    await create(HOST, `/api/v1/namespaces/${APP}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { mode: 'fast', enabled: 'yes' },
    });
    await create(HOST, `/api/v1/namespaces/${APP}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      type: 'Opaque',
      stringData: { password: 'hunter2' },
    });
    await create(HOST, `/apis/e2e.kubefedctl.io/v1/namespaces/${APP}/widgets`, {
      apiVersion: 'e2e.kubefedctl.io/v1',
      kind: 'Widget',
      metadata: { name: 'blue' },
      spec: { size: 3, colour: 'blue' },
    });
    // Wait until the host's controllers made their objects (a ReplicaSet, the default ServiceAccount).
    await env.waitFor(async () => ((await env.adminRequest(HOST, 'GET', `/apis/apps/v1/namespaces/${APP}/replicasets`)).body?.items?.length ?? 0) > 0, 60_000, {
      what: 'a ReplicaSet for web',
    });
    await env.waitFor(() => getObject(env, HOST, `/api/v1/namespaces/${APP}/serviceaccounts/default`), 60_000, { what: 'the default ServiceAccount' });
  });

  after(async () => {
    // Federated objects carry KubeFed's finalizer: the namespace goes once the controller let them go.
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${APP}`);
    await waitForNamespaceGone(env, HOST, APP).catch(() => undefined);
    for (const type of ['widgets.e2e.kubefedctl.io', 'statefulsets.apps']) await kubefedctl(env, ['disable', type, ...base, '--delete-crd', '--timeout=30s']);
    await kubefedctl(env, ['unjoin', MEMBER, ...base, '--force']);
    await env.adminRequest(MEMBER, 'DELETE', `/api/v1/namespaces/${APP}`);
    for (const cluster of [HOST, MEMBER])
      await env.adminRequest(cluster, 'DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${WIDGET_CRD.metadata.name}`);
  });

  test('enable -o yaml against the cluster equals enable --offline for every default type, and the Go tool agrees', async () => {
    for (const type of DEFAULT_TYPES) {
      const online = await kubefedctl(env, ['enable', type, ...base, '-o', 'yaml']);
      const offline = await kubefedctl(env, ['enable', type, '--offline']);
      assert.equal(online.code, 0, describeRun(online));
      assert.equal(offline.code, 0, describeRun(offline));
      assert.equal(online.stdout, offline.stdout, type);
      if (env.state) {
        const go = await env.kubefedctlGo(['enable', type, ...base, '-o', 'yaml']);
        assert.equal(go.code, 0, describeRun(go));
        assert.equal(online.stdout, go.stdout, `Go kubefedctl output for ${type}`);
      }
    }
  });

  test('enable a built-in type and a CRD: the federated CRDs are served', async () => {
    for (const type of ['statefulsets.apps', 'widgets.e2e.kubefedctl.io']) {
      const result = await kubefedctl(env, ['enable', type, ...base]);
      assert.equal(result.code, 0, describeRun(result));
      assert.match(
        result.stdout,
        /customresourcedefinition\.apiextensions\.k8s\.io\/federated\S+ (created|updated)\nfederatedtypeconfig\.core\.kubefed\.io\/\S+ (created|updated) in namespace kube-federation-system\n/,
      );
    }
    const crd = await getObject(env, HOST, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/federatedwidgets.types.kubefed.io');
    assert.equal(crd.spec.names.kind, 'FederatedWidget');
    assert.equal(
      crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.template['x-kubernetes-preserve-unknown-fields'],
      true,
      'schema fields survive (raw JSON, not the typed serializer)',
    );
  });

  test('federate namespace --contents: KubeFed creates the same objects in the member, nothing controller-made was federated', async () => {
    const result = await kubefedctl(env, ['federate', 'namespace', APP, ...base, '--contents', '--enable-type']);
    assert.equal(result.code, 0, describeRun(result));
    for (const line of [
      `federatednamespace.types.kubefed.io/${APP} created`,
      'federateddeployment.types.kubefed.io/web created',
      'federatedservice.types.kubefed.io/web created',
      'federatedservice.types.kubefed.io/db created',
      'federatedconfigmap.types.kubefed.io/settings created',
      'federatedsecret.types.kubefed.io/db created',
      'federatedwidget.types.kubefed.io/blue created',
    ]) {
      assert.ok(result.stdout.includes(line), `${line}\n${describeRun(result)}`);
    }
    assert.match(result.stderr, /replicasets\.apps\s+web-\S+\s+skipped: created by its controller Deployment\/web/);
    assert.match(result.stderr, /serviceaccounts\s+default\s+skipped/);
    assert.match(result.stderr, /configmaps\s+kube-root-ca\.crt\s+skipped/);
    assert.doesNotMatch(result.stdout, /federatedreplicaset|federatedpod|federatedendpointslice|kube-root-ca|federatedserviceaccount/);

    const deployment = await inMember(`/apis/apps/v1/namespaces/${APP}/deployments/web`);
    assert.equal(deployment.spec.replicas, 2);
    const configMap = await inMember(`/api/v1/namespaces/${APP}/configmaps/settings`);
    assert.deepEqual(configMap.data, { mode: 'fast', enabled: 'yes' });
    const secret = await inMember(`/api/v1/namespaces/${APP}/secrets/db`);
    assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 'hunter2');
    const headless = await inMember(`/api/v1/namespaces/${APP}/services/db`);
    assert.equal(headless.spec.clusterIP, 'None', 'the headless Service stays headless');
    await inMember(`/api/v1/namespaces/${APP}/services/web`);
    const widget = await inMember(`/apis/e2e.kubefedctl.io/v1/namespaces/${APP}/widgets/blue`);
    assert.deepEqual(widget.spec, { size: 3, colour: 'blue' });
    // The member's own controller makes the ReplicaSet; no federated one exists.
    const federatedReplicaSets = await env.adminRequest(HOST, 'GET', `/apis/types.kubefed.io/v1beta1/namespaces/${APP}/federatedreplicasets`);
    assert.equal(federatedReplicaSets.body.items.length, 0);
  });

  test('re-running converges: nothing to create, everything unchanged', async () => {
    const result = await kubefedctl(env, ['federate', 'namespace', APP, ...base, '--contents']);
    assert.equal(result.code, 0, describeRun(result));
    const lines = result.stdout.trim().split('\n');
    assert.ok(lines.length >= 7 && lines.every((line) => line.endsWith(' unchanged')), result.stdout);
  });

  // Updating an existing Federated object is a PUT of a custom resource, which a real API server
  // refuses without its resourceVersion (422): the in-memory fakes cannot prove this path.
  test('a changed source: federate TYPE NAME and --contents say "updated", and the member gets the new content', async () => {
    const patch = async (path: string, body: unknown) => {
      const response = await env.adminRequest(HOST, 'PATCH', path, body);
      assert.equal(response.status, 200, `PATCH ${path}: ${response.text}`);
    };
    await patch(`/api/v1/namespaces/${APP}/configmaps/settings`, { data: { extra: 'v2' } });
    const single = await kubefedctl(env, ['federate', 'configmap', 'settings', '-n', APP, ...base]);
    assert.equal(single.code, 0, describeRun(single));
    assert.equal(single.stdout, 'federatedconfigmap.types.kubefed.io/settings updated\n', describeRun(single));
    await env.waitFor(async () => (await getObject(env, MEMBER, `/api/v1/namespaces/${APP}/configmaps/settings`))?.data?.extra === 'v2', 60_000, {
      what: 'the new ConfigMap data in the member',
    });

    await patch(`/apis/apps/v1/namespaces/${APP}/deployments/web`, { spec: { replicas: 3 } });
    await patch(`/apis/e2e.kubefedctl.io/v1/namespaces/${APP}/widgets/blue`, { spec: { size: 5 } });
    const contents = await kubefedctl(env, ['federate', 'namespace', APP, ...base, '--contents']);
    assert.equal(contents.code, 0, describeRun(contents));
    const lines = contents.stdout.trim().split('\n');
    assert.ok(lines.includes('federateddeployment.types.kubefed.io/web updated'), describeRun(contents));
    assert.ok(lines.includes('federatedwidget.types.kubefed.io/blue updated'), describeRun(contents));
    assert.ok(lines.includes('federatedconfigmap.types.kubefed.io/settings unchanged'), `updated by the run before\n${describeRun(contents)}`);
    assert.deepEqual(
      lines.filter((line) => line.endsWith(' updated')).sort(),
      ['federateddeployment.types.kubefed.io/web updated', 'federatedwidget.types.kubefed.io/blue updated'],
      `only what changed is updated\n${describeRun(contents)}`,
    );
    await env.waitFor(async () => (await getObject(env, MEMBER, `/apis/apps/v1/namespaces/${APP}/deployments/web`))?.spec?.replicas === 3, 60_000, {
      what: 'replicas 3 in the member',
    });
    await env.waitFor(async () => (await getObject(env, MEMBER, `/apis/e2e.kubefedctl.io/v1/namespaces/${APP}/widgets/blue`))?.spec?.size === 5, 60_000, {
      what: 'widget size 5 in the member',
    });
  });

  test('orphaning-deletion enable: deleting the federated object leaves the member object in place', async () => {
    const enable = await kubefedctl(env, ['orphaning-deletion', 'enable', 'federatedsecret', 'db', '-n', APP, ...base]);
    assert.equal(enable.code, 0, describeRun(enable));
    const status = await kubefedctl(env, ['orphaning-deletion', 'status', 'federatedsecrets', 'db', '-n', APP, ...base]);
    assert.equal(status.code === 0 ? status.stdout : describeRun(status), 'Enabled\n');
    const deleted = await env.adminRequest(HOST, 'DELETE', `/apis/types.kubefed.io/v1beta1/namespaces/${APP}/federatedsecrets/db`);
    assert.equal(deleted.status, 200, deleted.text);
    await env.waitFor(async () => (await getObject(env, HOST, `/apis/types.kubefed.io/v1beta1/namespaces/${APP}/federatedsecrets/db`)) === undefined, 60_000, {
      what: 'FederatedSecret db finalized',
    });
    assert.ok(await getObject(env, MEMBER, `/api/v1/namespaces/${APP}/secrets/db`), 'the member Secret was orphaned, not deleted');
  });

  test('without orphaning, deleting the federated object deletes the member object', async () => {
    const deleted = await env.adminRequest(HOST, 'DELETE', `/apis/types.kubefed.io/v1beta1/namespaces/${APP}/federatedwidgets/blue`);
    assert.equal(deleted.status, 200, deleted.text);
    await env.waitFor(async () => (await getObject(env, MEMBER, `/apis/e2e.kubefedctl.io/v1/namespaces/${APP}/widgets/blue`)) === undefined, 60_000, {
      what: 'member Widget deleted',
    });
  });

  test('disable stops propagation: later changes no longer reach the member', async () => {
    const result = await kubefedctl(env, ['disable', 'configmaps', ...base, '--timeout=60s']);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /Disabled propagation for FederatedTypeConfig "kube-federation-system\/configmaps"/);
    assert.match(result.stdout, /Propagation controller for FederatedTypeConfig "kube-federation-system\/configmaps" is stopped/);
    try {
      const patched = await env.adminRequest(HOST, 'PATCH', `/apis/types.kubefed.io/v1beta1/namespaces/${APP}/federatedconfigmaps/settings`, {
        spec: { template: { data: { mode: 'slow' } } },
      });
      assert.equal(patched.status, 200, patched.text);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const configMap = await getObject(env, MEMBER, `/api/v1/namespaces/${APP}/configmaps/settings`);
      assert.equal(configMap.data.mode, 'fast', 'the change did not propagate while disabled');
    } finally {
      const enable = await kubefedctl(env, ['enable', 'configmaps', ...base]);
      assert.equal(enable.code, 0, describeRun(enable));
    }
    const configMap = await inMember(`/api/v1/namespaces/${APP}/configmaps/settings`);
    await env.waitFor(async () => (await getObject(env, MEMBER, `/api/v1/namespaces/${APP}/configmaps/settings`))?.data?.mode === 'slow', 60_000, {
      what: 'propagation resumed after enable',
    });
    assert.ok(configMap);
  });

  test('disable --delete-crd refuses while instances exist', async () => {
    const result = await kubefedctl(env, ['disable', 'widgets.e2e.kubefedctl.io', ...base, '--delete-crd', '--dry-run']);
    assert.equal(result.code, 0, describeRun(result));
    await create(HOST, `/apis/types.kubefed.io/v1beta1/namespaces/${APP}/federatedwidgets`, {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedWidget',
      metadata: { name: 'green' },
      spec: { template: { spec: { size: 1 } }, placement: { clusters: [] } },
    });
    const refused = await kubefedctl(env, ['disable', 'widgets.e2e.kubefedctl.io', ...base, '--delete-crd']);
    assert.equal(refused.code, 1, describeRun(refused));
    assert.match(refused.stderr, /Cannot delete CRD "federatedwidgets.types.kubefed.io" while resource instances exist/);
  });
});
