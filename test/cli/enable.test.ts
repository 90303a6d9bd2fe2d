// enable against an in-memory host cluster: the CreateResources sequence, its messages and errors.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { offlineTypeResources } from '../../src/core/builtin-types.js';
import { printYaml } from '../../src/core/printers.js';
import { GVR } from '../../src/core/gvr.js';
import { defaultEnableTypeDirective } from '../../src/core/enable-directive.js';
import type { KubeObject } from '../../src/core/types.js';
import { FakeCluster, apiError, createFakeEnv, describeRequest, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';
const DEPLOYMENTS_CRD = 'federateddeployments.types.kubefed.io';

async function enable(cluster: FakeCluster, ...args: string[]) {
  const fake = createFakeEnv(cluster);
  const result = await runWithFakeEnv(['enable', ...args], fake);
  return { ...result, fake };
}

function widgetsCrd(schema: unknown, versions = ['v1']): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets', shortNames: ['wd'] },
      scope: 'Namespaced',
      versions: versions.map((name, index) => ({
        name,
        served: true,
        storage: index === 0,
        ...(schema === undefined ? {} : { schema: { openAPIV3Schema: schema } }),
      })),
    },
  };
}

function specProperties(crd: KubeObject | undefined): string[] {
  const spec = crd?.spec as { versions: Array<{ schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }> };
  return Object.keys(spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties).sort();
}

describe('enable against a cluster', () => {
  test('fresh control plane: creates the CRD, then the FederatedTypeConfig, printing the Go lines', async () => {
    const cluster = new FakeCluster().installKubeFed();
    const result = await enable(cluster, 'deployments.apps');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `customresourcedefinition.apiextensions.k8s.io/${DEPLOYMENTS_CRD} created\nfederatedtypeconfig.core.kubefed.io/deployments.apps created in namespace ${NS}\n`,
    );
    assert.equal(result.stderr, '');
    assert.deepEqual(cluster.writes().map(describeRequest), [
      `create customresourcedefinitions ${DEPLOYMENTS_CRD}`,
      `create federatedtypeconfigs ${NS}/deployments.apps`,
    ]);
    const expected = offlineTypeResources(defaultEnableTypeDirective('deployments.apps'));
    assert.deepEqual(
      cluster.peek(GVR.customResourceDefinitions, DEPLOYMENTS_CRD)?.spec,
      expected.crd.spec,
      'the CRD as the offline table and the release have it (retainReplicas from OpenAPI)',
    );
    const stored = cluster.peek(GVR.federatedTypeConfigs, 'deployments.apps', NS);
    assert.deepEqual(stored?.spec, expected.typeConfig.spec);
    assert.equal(stored?.metadata.namespace, NS);
    // Schema source for a built-in apps type: the CRD GET (404), then OpenAPI v2.
    assert.ok(cluster.requests.some((r) => r.verb === 'get' && r.name === 'deployments.apps' && r.gvr?.resource === 'customresourcedefinitions'));
    assert.equal(cluster.requestsOf('getRaw').length, 1);
  });

  test('already enabled: updates the CRD (PUT with its resourceVersion) and patches the FederatedTypeConfig spec', async () => {
    const cluster = new FakeCluster().installKubeFed();
    assert.equal((await enable(cluster, 'deployments.apps')).code, 0);
    cluster.modify(GVR.federatedTypeConfigs, 'deployments.apps', NS, (ftc) => {
      (ftc.spec as Record<string, unknown>).propagation = 'Disabled';
    });
    const crdVersion = cluster.peek(GVR.customResourceDefinitions, DEPLOYMENTS_CRD)?.metadata.resourceVersion;
    const before = cluster.requests.length;
    const result = await enable(cluster, 'deploy');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `customresourcedefinition.apiextensions.k8s.io/${DEPLOYMENTS_CRD} updated\nfederatedtypeconfig.core.kubefed.io/deployments.apps updated in namespace ${NS}\n`,
    );
    const writes = cluster.requests
      .slice(before)
      .filter((r) => r.verb !== 'get' && r.verb !== 'list' && r.verb !== 'serverGroups' && r.verb !== 'serverResources' && r.verb !== 'getRaw');
    assert.deepEqual(writes.map(describeRequest), [`update customresourcedefinitions ${DEPLOYMENTS_CRD}`, `patch federatedtypeconfigs ${NS}/deployments.apps`]);
    assert.equal((writes[0]!.body as KubeObject).metadata.resourceVersion, crdVersion);
    assert.deepEqual(writes[1]!.body, { spec: { propagation: 'Enabled' } });
    assert.equal(writes[1]!.patchType, 'merge');
    assert.equal((cluster.peek(GVR.federatedTypeConfigs, 'deployments.apps', NS)?.spec as Record<string, unknown>).propagation, 'Enabled');
  });

  test('a FederatedTypeConfig with another federated type: the Go error, exit 1, no writes', async () => {
    const cluster = new FakeCluster().installKubeFed();
    await enable(cluster, 'deployments.apps', '--federated-group', 'fed.example.com');
    const before = cluster.writes().length;
    const result = await enable(cluster, 'deployments.apps');
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.split('\n')[0],
      'error: Federation is already enabled for "deployments.apps/v1" with federated type "federateddeployments.fed.example.com/v1beta1". Changing the federated type to "federateddeployments.types.kubefed.io/v1beta1" is not supported.',
    );
    assert.match(result.stderr, /hint: Disable the type first \(kubefedctl disable deployments\.apps --delete-crd\)/);
    assert.equal(cluster.writes().length, before);
  });

  test('an equivalent deprecated API already federated: refused before any write', async () => {
    const cluster = new FakeCluster().installKubeFed();
    await enable(cluster, 'deployments.apps');
    // Another FTC federating extensions/v1beta1 Deployments through the same CRD.
    cluster.put(GVR.federatedTypeConfigs, {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'FederatedTypeConfig',
      metadata: { name: 'deployments.extensions', namespace: NS },
      spec: {
        federatedType: { group: 'types.kubefed.io', kind: 'FederatedDeployment', pluralName: 'federateddeployments', scope: 'Namespaced', version: 'v1beta1' },
        propagation: 'Enabled',
        targetType: { group: 'extensions', kind: 'Deployment', pluralName: 'deployments', scope: 'Namespaced', version: 'v1beta1' },
      },
    });
    const before = cluster.writes().length;
    const result = await enable(cluster, 'deployments.apps');
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.split('\n')[0],
      `error: Failed to enable "deployments.apps/v1". Federation of this type is already enabled for equivalent type "deployments.extensions/v1beta1" by FederatedTypeConfig "${NS}/deployments.extensions"`,
    );
    assert.equal(cluster.writes().length, before);
  });

  test('--dry-run reads everything, writes nothing and says "(dry run)"', async () => {
    const cluster = new FakeCluster().installKubeFed();
    const result = await enable(cluster, 'configmaps', '--dry-run');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `customresourcedefinition.apiextensions.k8s.io/federatedconfigmaps.types.kubefed.io created (dry run)\nfederatedtypeconfig.core.kubefed.io/configmaps created in namespace ${NS} (dry run)\n`,
    );
    assert.deepEqual(cluster.writes(), []);
    assert.deepEqual(
      cluster.requestsOf('get').map(describeRequest),
      [`get namespaces ${NS}`, `get federatedtypeconfigs ${NS}/configmaps`, 'get customresourcedefinitions federatedconfigmaps.types.kubefed.io'],
      'core target: no CRD lookup for the schema, then the CreateResources GETs',
    );
    assert.equal(cluster.peek(GVR.customResourceDefinitions, 'federatedconfigmaps.types.kubefed.io'), undefined);
  });

  test('--dry-run=server sends the writes with dryRun=All and stores nothing', async () => {
    const cluster = new FakeCluster().installKubeFed();
    const result = await enable(cluster, 'secrets', '--dry-run=server');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /federatedsecrets\.types\.kubefed\.io created \(server dry run\)\n/);
    assert.deepEqual(cluster.writes().map(describeRequest), [
      'create customresourcedefinitions federatedsecrets.types.kubefed.io (dry run)',
      `create federatedtypeconfigs ${NS}/secrets (dry run)`,
    ]);
    assert.equal(cluster.peek(GVR.customResourceDefinitions, 'federatedsecrets.types.kubefed.io'), undefined);
  });

  test('-o yaml prints what --offline prints for a built-in type, and writes nothing', async () => {
    const cluster = new FakeCluster().installKubeFed();
    const result = await enable(cluster, 'replicasets.apps', '-o', 'yaml');
    assert.equal(result.code, 0, result.stderr);
    const offline = offlineTypeResources(defaultEnableTypeDirective('replicasets.apps'));
    assert.equal(result.stdout, printYaml([offline.typeConfig, offline.crd]));
    assert.deepEqual(cluster.writes(), []);
  });

  test('--offline needs no cluster access at all', async () => {
    const cluster = new FakeCluster();
    const result = await enable(cluster, 'jobs.batch', '--offline');
    assert.equal(result.code, 0);
    assert.deepEqual(result.fake.clusterAccessCalls, []);
    assert.equal(cluster.requests.length, 0);
  });

  test('a CRD target: the schema of its first version decides template and retainReplicas', async () => {
    const scalable = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } } } };
    const cluster = new FakeCluster().installKubeFed().add(widgetsCrd(scalable, ['v1', 'v2']));
    const result = await enable(cluster, 'wd', '-o', 'yaml');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /name: widgets\.example\.com\n/);
    assert.match(result.stdout, /shortNames:\n    - fwd\n/);
    assert.equal(cluster.requestsOf('getRaw').length, 0, 'no OpenAPI read for a CRD target');
    const applied = await enable(cluster, 'widgets.example.com');
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(specProperties(cluster.peek(GVR.customResourceDefinitions, 'federatedwidgets.types.kubefed.io')), [
      'overrides',
      'placement',
      'retainReplicas',
      'template',
    ]);
  });

  test('a CRD target without a schema gets no template (as the Go tool)', async () => {
    const cluster = new FakeCluster().installKubeFed().add(widgetsCrd(undefined));
    assert.equal((await enable(cluster, 'widgets')).code, 0);
    assert.deepEqual(specProperties(cluster.peek(GVR.customResourceDefinitions, 'federatedwidgets.types.kubefed.io')), ['overrides', 'placement']);
  });

  test('-f directive file: the file configures the type; NAME and type flags are ignored with a warning', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'enable-directive-'));
    writeFileSync(
      path.join(dir, 'd.yaml'),
      'apiVersion: core.kubefed.io/v1beta1\nkind: EnableTypeDirective\nmetadata:\n  name: jobs.batch\nspec:\n  federatedGroup: fed.example.com\n',
    );
    const cluster = new FakeCluster().installKubeFed();
    const fake = createFakeEnv(cluster, { cwd: dir });
    const result = await runWithFakeEnv(['enable', 'secrets', '-f', 'd.yaml', '--version', 'v2'], fake);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `customresourcedefinition.apiextensions.k8s.io/federatedjobs.fed.example.com created\nfederatedtypeconfig.core.kubefed.io/jobs.batch created in namespace ${NS}\n`,
    );
    assert.equal(result.stderr, 'Warning: the NAME argument "secrets", --version are ignored with -f/--filename: the directive file configures the type\n');
  });

  test('the KubeFed namespace must exist', async () => {
    const cluster = new FakeCluster().installKubeFed();
    const result = await enable(cluster, 'configmaps', '--kubefed-namespace', 'elsewhere');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: KubeFed system namespace "elsewhere" does not exist: namespaces "elsewhere" not found\n/);
    assert.deepEqual(cluster.writes(), []);
  });

  test('a failing write is wrapped with the Go prefix and the server message', async () => {
    const cluster = new FakeCluster().installKubeFed().failOn({
      verb: 'create',
      resource: 'customresourcedefinitions',
      error: apiError(403, 'customresourcedefinitions.apiextensions.k8s.io is forbidden: User "dev" cannot create resource'),
    });
    const result = await enable(cluster, 'services');
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^error: Error creating CRD "federatedservices\.types\.kubefed\.io": customresourcedefinitions\.apiextensions\.k8s\.io is forbidden: User "dev" cannot create resource\n/,
    );
    assert.deepEqual(cluster.requestsOf('create', 'federatedtypeconfigs'), [], 'stops at the first failure');
  });

  test('a CRD changed between our GET and PUT: the 409 conflict is reported, nothing is overwritten', async () => {
    const cluster = new FakeCluster().installKubeFed();
    assert.equal((await enable(cluster, 'deployments.apps')).code, 0);
    cluster.after('get', 'customresourcedefinitions', (request) => {
      if (request.name !== DEPLOYMENTS_CRD) return;
      cluster.modify(GVR.customResourceDefinitions, DEPLOYMENTS_CRD, undefined, (crd) => {
        crd.metadata.labels = { touched: 'yes' };
      });
    });
    const result = await enable(cluster, 'deployments.apps');
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^error: Error updating CRD "federateddeployments\.types\.kubefed\.io": Operation cannot be fulfilled on customresourcedefinitions\.apiextensions\.k8s\.io "federateddeployments\.types\.kubefed\.io": the object has been modified; please apply your changes to the latest version and try again\n/,
    );
    assert.deepEqual(cluster.peek(GVR.customResourceDefinitions, DEPLOYMENTS_CRD)?.metadata.labels, { touched: 'yes' });
  });

  test('OpenAPI failures name the schema accessor, as the Go tool', async () => {
    const cluster = new FakeCluster().installKubeFed().failOn({ verb: 'getRaw', error: apiError(503, 'the server is currently unable to handle the request') });
    const result = await enable(cluster, 'deployments.apps');
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^error: Error initializing validation schema accessor: Error loading openapi schema: the server is currently unable to handle the request\n/,
    );

    const missing = new FakeCluster({ raw: { '/openapi/v2': { definitions: {} } } }).installKubeFed();
    const notFound = await enable(missing, 'cm');
    assert.match(notFound.stderr, /^error: Error initializing validation schema accessor: Unable to find openapi schema for "\/v1, Kind=ConfigMap"\n/);
  });

  test('usage problems exit 2: no NAME, an unknown type, an ambiguous one', async () => {
    const cluster = new FakeCluster().installKubeFed().add(widgetsCrd(undefined), {
      ...widgetsCrd(undefined),
      metadata: { name: 'widgets.other.io' },
      spec: { ...(widgetsCrd(undefined).spec as object), group: 'other.io' },
    });
    const noName = await enable(cluster);
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /^error: NAME is required\n/);
    const unknown = await enable(cluster, 'gizmos');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: Unable to find api resource named "gizmos"\.\n/);
    const ambiguous = await enable(cluster, 'widget');
    assert.equal(ambiguous.code, 2);
    assert.match(
      ambiguous.stderr,
      /^error: Multiple resources are matched by "widget": widgets\.example\.com, widgets\.other\.io\. A group-qualified plural name must be provided\.\n/,
    );
    assert.deepEqual(cluster.writes(), []);
  });

  test('an unavailable API group does not stop the lookup of another type, but is reported', async () => {
    const cluster = new FakeCluster()
      .installKubeFed()
      .serve({ name: 'metrics.k8s.io', preferredVersion: 'v1beta1', versions: ['v1beta1'] }, [])
      .failOn({
        verb: 'serverResources',
        path: '/apis/metrics.k8s.io/v1beta1',
        times: Infinity,
        error: apiError(503, 'the server is currently unable to handle the request'),
      });
    const result = await enable(cluster, 'deployments.apps', '-o', 'yaml');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stderr,
      'Warning: found the type "deployments.apps" although discovery was incomplete: Error listing api resources: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request\n',
    );
    const missing = await enable(cluster, 'podmetrics');
    assert.equal(missing.code, 1, 'the type may be in the group that failed: not a usage error');
    assert.match(
      missing.stderr,
      /^error: \[Error listing api resources: .*metrics\.k8s\.io\/v1beta1: the server is currently unable to handle the request, Unable to find api resource named "podmetrics"\.\]\n/,
    );
  });
});
