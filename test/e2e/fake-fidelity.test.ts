// The in-memory FakeCluster (test/helpers/fake-cluster.ts) against a real kube-apiserver: the same
// requests, the same answers, wherever a bug could hide behind a difference (issue 19). Each step is
// sent to both, and the HTTP status of the real one must be what the fake answers (2xx as "ok"):
// updates without resourceVersion (allowed for a ConfigMap, 422 for a custom resource), a stale
// resourceVersion (409), a create of an existing name (409), invalid names (422), a namespace born
// with `default` and `kube-root-ca.crt`, writes into and a delete of a terminating namespace (the
// answers were read in k8s.io/kubernetes v1.32 and apiextensions-apiserver first, and are checked here). Then the
// built-in discovery table (src/core/builtin-types.ts), which the fake and `enable --offline` serve,
// against the real server's discovery.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type E2eEnv, loadE2eEnv } from './harness/env.js';
import { getObject, waitForNamespaceGone } from './support.js';
import { BUILTIN_API_GROUPS, BUILTIN_API_RESOURCES } from '../../src/core/builtin-types.js';
import type { GroupVersionResource, KubeObject } from '../../src/core/types.js';
import { ClusterApiError } from '../../src/errors.js';
import { FakeCluster } from '../helpers/fake-cluster.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const NS = `kfc-fidelity-${process.pid}`;
const GROUP = 'fidelity.e2e.kubefedctl.io';
const CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `gadgets.${GROUP}` },
  spec: {
    group: GROUP,
    names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};
const NAMESPACES: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };
const CONFIG_MAPS: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const CLUSTER_ROLES: GroupVersionResource = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' };
const GADGETS: GroupVersionResource = { group: GROUP, version: 'v1', resource: 'gadgets' };

function apiPath(gvr: GroupVersionResource, namespace: string | undefined, name?: string): string {
  const base = gvr.group === '' ? `/api/${gvr.version}` : `/apis/${gvr.group}/${gvr.version}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${gvr.resource}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

type Outcome = 'ok' | number;

/** One request, sent the same way to the real server and to the fake. */
type Step =
  | { verb: 'create'; gvr: GroupVersionResource; object: KubeObject }
  | { verb: 'update'; gvr: GroupVersionResource; object: KubeObject; resourceVersion: 'current' | 'none' | 'stale' }
  | { verb: 'delete'; gvr: GroupVersionResource; name: string; namespace?: string };

const configMap = (name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, ...extra },
  data: { k: name },
});
const gadget = (name: string): KubeObject => ({ apiVersion: `${GROUP}/v1`, kind: 'Gadget', metadata: { name, namespace: NS }, spec: { size: 1 } });

async function onReal(step: Step): Promise<Outcome> {
  const { namespace } = step.verb === 'delete' ? step : { namespace: step.object.metadata.namespace };
  const name = step.verb === 'delete' ? step.name : step.object.metadata.name;
  let response;
  if (step.verb === 'create') response = await env.adminRequest(HOST, 'POST', apiPath(step.gvr, namespace), step.object);
  else if (step.verb === 'delete') response = await env.adminRequest(HOST, 'DELETE', apiPath(step.gvr, namespace, name));
  else {
    const current = (await env.adminRequest(HOST, 'GET', apiPath(step.gvr, namespace, name))).body as KubeObject;
    const resourceVersion = { current: current.metadata.resourceVersion, none: undefined, stale: String(Number(current.metadata.resourceVersion) - 1) }[
      step.resourceVersion
    ];
    response = await env.adminRequest(HOST, 'PUT', apiPath(step.gvr, namespace, name), {
      ...step.object,
      metadata: { ...step.object.metadata, resourceVersion },
    });
  }
  return response.status >= 200 && response.status < 300 ? 'ok' : response.status;
}

async function onFake(fake: FakeCluster, step: Step): Promise<Outcome> {
  try {
    if (step.verb === 'create') await fake.create(step.gvr, step.object);
    else if (step.verb === 'delete') await fake.delete(step.gvr, step.name, step.namespace);
    else {
      const current = fake.peek(step.gvr, step.object.metadata.name!, step.object.metadata.namespace)!;
      const resourceVersion = { current: current.metadata.resourceVersion, none: undefined, stale: String(Number(current.metadata.resourceVersion) - 1) }[
        step.resourceVersion
      ];
      await fake.update(step.gvr, { ...step.object, metadata: { ...step.object.metadata, ...(resourceVersion === undefined ? {} : { resourceVersion }) } });
    }
    return 'ok';
  } catch (error) {
    if (error instanceof ClusterApiError) return error.status;
    throw error;
  }
}

describe('the fake cluster answers as a real API server does', { timeout: 300_000 }, () => {
  const fake = new FakeCluster({ contextName: 'fake' });
  const cleanups: string[] = [];

  /** Sends the step to both; the real answer must be the fake's (and, as a check of the step itself, `expected`). */
  async function same(what: string, step: Step, expected: Outcome): Promise<void> {
    const [real, faked] = [await onReal(step), await onFake(fake, step)];
    assert.equal(faked, real, `${what}: the fake answers ${faked}, the real API server ${real}`);
    assert.equal(real, expected, `${what}: the real API server answers ${real}`);
  }

  before(async () => {
    const crd = await env.adminRequest(HOST, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
    assert.ok(crd.status === 201 || crd.status === 409, crd.text);
    fake.add(CRD);
    await env.waitFor(async () => (await env.adminRequest(HOST, 'GET', `/apis/${GROUP}/v1`)).status === 200, 30_000, { what: 'gadgets served' });
  });

  after(async () => {
    const held = await getObject(env, HOST, apiPath(CONFIG_MAPS, NS, 'held'));
    if (held) await env.adminRequest(HOST, 'PATCH', apiPath(CONFIG_MAPS, NS, 'held'), { metadata: { finalizers: null } });
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${NS}`);
    for (const path of cleanups) await env.adminRequest(HOST, 'DELETE', path);
    await env.adminRequest(HOST, 'DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD.metadata.name}`);
    await waitForNamespaceGone(env, HOST, NS).catch(() => undefined);
  });

  test('creates, updates with and without resourceVersion, and names', async () => {
    await same('create a namespace', { verb: 'create', gvr: NAMESPACES, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } }, 'ok');
    await same('create a ConfigMap', { verb: 'create', gvr: CONFIG_MAPS, object: configMap('cm') }, 'ok');
    await same('create it again (AlreadyExists)', { verb: 'create', gvr: CONFIG_MAPS, object: configMap('cm') }, 409);
    await same(
      'update a ConfigMap without resourceVersion (unconditional update allowed)',
      { verb: 'update', gvr: CONFIG_MAPS, object: configMap('cm'), resourceVersion: 'none' },
      'ok',
    );
    await same(
      'update a ConfigMap at a stale resourceVersion (Conflict)',
      { verb: 'update', gvr: CONFIG_MAPS, object: configMap('cm'), resourceVersion: 'stale' },
      409,
    );
    await same('update a ConfigMap at its resourceVersion', { verb: 'update', gvr: CONFIG_MAPS, object: configMap('cm'), resourceVersion: 'current' }, 'ok');
    await same('create a custom resource', { verb: 'create', gvr: GADGETS, object: gadget('g') }, 'ok');
    await same(
      'update a custom resource without resourceVersion (Invalid)',
      { verb: 'update', gvr: GADGETS, object: gadget('g'), resourceVersion: 'none' },
      422,
    );
    await same(
      'update a custom resource at a stale resourceVersion (Conflict)',
      { verb: 'update', gvr: GADGETS, object: gadget('g'), resourceVersion: 'stale' },
      409,
    );
    await same('update a custom resource at its resourceVersion', { verb: 'update', gvr: GADGETS, object: gadget('g'), resourceVersion: 'current' }, 'ok');
    await same('a ConfigMap name with "_" and capitals', { verb: 'create', gvr: CONFIG_MAPS, object: configMap('Bad_Name') }, 422);
    await same('a ConfigMap name with dots (a DNS subdomain)', { verb: 'create', gvr: CONFIG_MAPS, object: configMap('a.b.c') }, 'ok');
    await same('a custom resource name with ":"', { verb: 'create', gvr: GADGETS, object: gadget('a:b') }, 422);
    await same(
      'a namespace name with dots (not a DNS label)',
      { verb: 'create', gvr: NAMESPACES, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } } },
      422,
    );
    const roleName = `kfc-fidelity-${process.pid}:x`;
    cleanups.push(apiPath(CLUSTER_ROLES, undefined, roleName));
    await same(
      'a cluster role name with ":" (RBAC names are path segments)',
      {
        verb: 'create',
        gvr: CLUSTER_ROLES,
        object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: roleName }, rules: [] },
      },
      'ok',
    );
  });

  test('a namespace is born with the default ServiceAccount and the kube-root-ca.crt ConfigMap', async () => {
    for (const path of [`/api/v1/namespaces/${NS}/serviceaccounts/default`, `/api/v1/namespaces/${NS}/configmaps/kube-root-ca.crt`]) {
      await env.waitFor(() => getObject(env, HOST, path), 30_000, { what: `${path} on the real server` });
    }
    assert.ok(fake.peek({ group: '', version: 'v1', resource: 'serviceaccounts' }, 'default', NS), 'the fake has the default ServiceAccount');
    assert.ok(fake.peek(CONFIG_MAPS, 'kube-root-ca.crt', NS), 'the fake has kube-root-ca.crt');
  });

  test('a terminating namespace: a create in it is refused (403), a delete of it again and an update in it are accepted', async () => {
    // A finalizer on an object in it holds the real namespace in Terminating; the fake is put there directly.
    await same(
      'create a ConfigMap with a finalizer',
      { verb: 'create', gvr: CONFIG_MAPS, object: configMap('held', { finalizers: ['e2e.kubefedctl.io/hold'] }) },
      'ok',
    );
    const deleted = await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${NS}`);
    assert.equal(deleted.status, 200, deleted.text);
    fake.startTermination(NS);
    await env.waitFor(async () => (await getObject(env, HOST, `/api/v1/namespaces/${NS}`))?.metadata?.deletionTimestamp, 30_000, {
      what: 'the namespace terminating',
    });
    await same('create in a terminating namespace', { verb: 'create', gvr: CONFIG_MAPS, object: configMap('late') }, 403);
    await same('delete the terminating namespace again (accepted, nothing changes)', { verb: 'delete', gvr: NAMESPACES, name: NS }, 'ok');
    await same(
      'update an object in a terminating namespace (its finalizer removed)',
      { verb: 'update', gvr: CONFIG_MAPS, object: configMap('held', { finalizers: [] }), resourceVersion: 'current' },
      'ok',
    );
    await waitForNamespaceGone(env, HOST, NS);
  });
});

describe('the built-in discovery table is what a real API server serves', () => {
  test('groups in server order, preferred versions, and each resource (kind, scope, singular, short names)', async () => {
    const crdGroups = new Set(
      ((await env.adminRequest(HOST, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).body.items as KubeObject[]).map(
        (crd) => (crd.spec as { group: string }).group,
      ),
    );
    const apis = (await env.adminRequest(HOST, 'GET', '/apis')).body as {
      groups: Array<{ name: string; preferredVersion: { version: string }; versions: Array<{ version: string }> }>;
    };
    const realGroups = [
      { name: '', preferredVersion: 'v1', versions: ['v1'] },
      ...apis.groups
        .filter((g) => !crdGroups.has(g.name))
        .map((g) => ({ name: g.name, preferredVersion: g.preferredVersion.version, versions: g.versions.map((v) => v.version) })),
    ];
    assert.deepEqual(
      realGroups,
      BUILTIN_API_GROUPS.map((g) => ({ name: g.name, preferredVersion: g.preferredVersion, versions: [...g.versions] })),
    );

    const realResources = [];
    for (const group of realGroups) {
      const path = group.name === '' ? '/api/v1' : `/apis/${group.name}/${group.preferredVersion}`;
      const list = (await env.adminRequest(HOST, 'GET', path)).body as {
        resources: Array<{ name: string; kind: string; namespaced: boolean; singularName: string; shortNames?: string[] }>;
      };
      for (const r of list.resources.filter((r) => !r.name.includes('/'))) {
        realResources.push({
          group: group.name,
          version: group.preferredVersion,
          name: r.name,
          kind: r.kind,
          namespaced: r.namespaced,
          singularName: r.singularName,
          shortNames: r.shortNames ?? [],
        });
      }
    }
    const table = BUILTIN_API_RESOURCES.map(({ group, version, name, kind, namespaced, singularName, shortNames }) => ({
      group,
      version,
      name,
      kind,
      namespaced,
      singularName,
      shortNames: [...shortNames],
    }));
    assert.deepEqual(realResources, table);
  });
});
