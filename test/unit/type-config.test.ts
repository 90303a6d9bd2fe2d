import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiResource } from '../../src/core/api-resources.js';
import { EQUIVALENT_APIS, isEquivalentApi } from '../../src/core/deprecated-apis.js';
import {
  checkFederatedCrdTakeover,
  checkFederatedTypeUnchanged,
  federatedCrdForTarget,
  parseEnableTypeDirective,
  schemaTraitsFromCrd,
  schemaTraitsFromOpenApiV2,
  typeConfigForTarget,
} from '../../src/core/type-config.js';
import { defaultEnableTypeDirective } from '../../src/core/enable-directive.js';
import { GVR } from '../../src/core/gvr.js';
import { createMergePatch, planDisable, planEnableWrites } from '../../src/core/type-config-plan.js';
import type { KubeObject } from '../../src/core/types.js';
import { EXIT_CODES, KubefedctlError, UsageError } from '../../src/errors.js';

const DEPLOYMENTS: ApiResource = {
  group: 'apps',
  version: 'v1',
  name: 'deployments',
  singularName: 'deployment',
  kind: 'Deployment',
  namespaced: true,
  shortNames: ['deploy'],
};
const NAMESPACES: ApiResource = {
  group: '',
  version: 'v1',
  name: 'namespaces',
  singularName: 'namespace',
  kind: 'Namespace',
  namespaced: false,
  shortNames: ['ns'],
};
const WIDGETS: ApiResource = {
  group: 'example.com',
  version: 'v2',
  name: 'widgets',
  singularName: 'widget',
  kind: 'Widget',
  namespaced: false,
  shortNames: [],
};

function specOf(object: KubeObject): Record<string, any> {
  return object.spec as Record<string, any>;
}

describe('parseEnableTypeDirective', () => {
  test('a file with only metadata.name keeps the defaults', () => {
    const text = 'apiVersion: core.kubefed.io/v1beta1\nkind: EnableTypeDirective\nmetadata:\n  name: deployments.apps\n';
    assert.deepEqual(parseEnableTypeDirective('d.yaml', text), {
      name: 'deployments.apps',
      targetVersion: '',
      federatedGroup: 'types.kubefed.io',
      federatedVersion: 'v1beta1',
    });
  });

  test('spec fields override the defaults; kind and apiVersion are not checked', () => {
    const text =
      'kind: Whatever\nmetadata: {name: widgets.example.com}\nspec:\n  targetVersion: v2\n  federatedGroup: fed.example.com\n  federatedVersion: v1\n';
    assert.deepEqual(parseEnableTypeDirective('d.yaml', text), {
      name: 'widgets.example.com',
      targetVersion: 'v2',
      federatedGroup: 'fed.example.com',
      federatedVersion: 'v1',
    });
  });

  test('only the first document counts (a leading --- and comments are skipped)', () => {
    const text = '# directives\n---\nmetadata: {name: configmaps}\n---\nmetadata: {name: secrets}\n';
    assert.equal(parseEnableTypeDirective('d.yaml', text).name, 'configmaps');
  });

  test('null fields keep the defaults, as JSON null decodes in Go', () => {
    assert.equal(parseEnableTypeDirective('d.yaml', 'metadata: {name: jobs.batch}\nspec: {federatedGroup: null}\n').federatedGroup, 'types.kubefed.io');
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['empty file', '', /holds no YAML document/],
    ['a sequence', '- a\n', /expected a mapping, found a sequence/],
    ['bad YAML', 'metadata: [\n', /^Failed to load yaml from file "d.yaml": /],
    ['a number as name', 'metadata: {name: 12}\n', /metadata.name must be a string, found 12/],
    ['a mapping as spec field', 'metadata: {name: a}\nspec: {targetVersion: {x: 1}}\n', /spec.targetVersion must be a string/],
    ['no name', 'spec: {targetVersion: v1}\n', /metadata.name is required/],
    ['an empty federated group', 'metadata: {name: a}\nspec: {federatedGroup: ""}\n', /spec.federatedGroup must not be empty/],
  ];
  for (const [what, text, message] of invalid) {
    test(`rejects ${what} with a usage error`, () => {
      assert.throws(
        () => parseEnableTypeDirective('d.yaml', text),
        (error: unknown) => {
          assert.ok(error instanceof UsageError);
          assert.equal(error.exitCode, EXIT_CODES.usage);
          assert.match(error.message, /^Failed to load yaml from file "d.yaml": /);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

describe('isEquivalentApi (deprecatedapis.go)', () => {
  for (const [plural, apis] of Object.entries(EQUIVALENT_APIS)) {
    const [first, ...others] = apis;
    for (const other of others) {
      test(`${plural}: ${first!.group}/${first!.version} and ${other.group}/${other.version} are equivalent both ways`, () => {
        assert.equal(isEquivalentApi({ pluralName: plural, ...first! }, { pluralName: plural, ...other }), true);
        assert.equal(isEquivalentApi({ pluralName: plural, ...other }, { pluralName: plural, ...first! }), true);
      });
    }
  }
  test('the same API is not "equivalent" (re-enabling is allowed)', () => {
    assert.equal(
      isEquivalentApi({ pluralName: 'deployments', group: 'apps', version: 'v1' }, { pluralName: 'deployments', group: 'apps', version: 'v1' }),
      false,
    );
  });
  test('different plurals, unlisted plurals and unlisted versions are not equivalent', () => {
    assert.equal(
      isEquivalentApi({ pluralName: 'deployments', group: 'apps', version: 'v1' }, { pluralName: 'daemonsets', group: 'apps', version: 'v1beta2' }),
      false,
    );
    assert.equal(isEquivalentApi({ pluralName: 'configmaps', group: '', version: 'v1' }, { pluralName: 'configmaps', group: '', version: 'v1beta1' }), false);
    assert.equal(isEquivalentApi({ pluralName: 'constructor', group: '', version: 'v1' }, { pluralName: 'constructor', group: '', version: 'v2' }), false);
    // The v0.10.0 table lacks networking.k8s.io/v1 for ingresses.
    assert.equal(
      isEquivalentApi(
        { pluralName: 'ingresses', group: 'extensions', version: 'v1beta1' },
        { pluralName: 'ingresses', group: 'networking.k8s.io', version: 'v1' },
      ),
      false,
    );
  });
});

describe('typeConfigForTarget and federatedCrdForTarget', () => {
  test('namespaces: a cluster-scoped target with a namespaced federated type; no group when core', () => {
    const ftc = typeConfigForTarget(NAMESPACES, defaultEnableTypeDirective());
    assert.equal(ftc.metadata.name, 'namespaces');
    assert.deepEqual(specOf(ftc).targetType, { kind: 'Namespace', pluralName: 'namespaces', scope: 'Cluster', version: 'v1' });
    assert.equal(specOf(ftc).federatedType.scope, 'Namespaced');
    assert.equal(specOf(federatedCrdForTarget(NAMESPACES, defaultEnableTypeDirective(), { hasTemplateSchema: true, scalable: false })).scope, 'Namespaced');
  });

  test('the directive names the federated group and version', () => {
    const directive = { ...defaultEnableTypeDirective(), federatedGroup: 'fed.example.com', federatedVersion: 'v1alpha1' };
    const ftc = typeConfigForTarget(WIDGETS, directive);
    assert.equal(ftc.metadata.name, 'widgets.example.com');
    assert.deepEqual(specOf(ftc).federatedType, {
      group: 'fed.example.com',
      kind: 'FederatedWidget',
      pluralName: 'federatedwidgets',
      scope: 'Cluster',
      version: 'v1alpha1',
    });
    const crd = federatedCrdForTarget(WIDGETS, directive, { hasTemplateSchema: true, scalable: false });
    assert.equal(crd.metadata.name, 'federatedwidgets.fed.example.com');
    assert.deepEqual(specOf(crd).names, { kind: 'FederatedWidget', plural: 'federatedwidgets' }, 'no shortNames key without short names');
    assert.equal(specOf(crd).versions[0].name, 'v1alpha1');
  });

  test('template only with a target schema, retainReplicas only for scalable targets with one', () => {
    const specProperties = (hasTemplateSchema: boolean, scalable: boolean) =>
      Object.keys(
        specOf(federatedCrdForTarget(DEPLOYMENTS, defaultEnableTypeDirective(), { hasTemplateSchema, scalable })).versions[0].schema.openAPIV3Schema.properties
          .spec.properties,
      ).sort();
    assert.deepEqual(specProperties(true, true), ['overrides', 'placement', 'retainReplicas', 'template']);
    assert.deepEqual(specProperties(true, false), ['overrides', 'placement', 'template']);
    assert.deepEqual(specProperties(false, true), ['overrides', 'placement']);
  });

  test('short names get an f prefix', () => {
    assert.deepEqual(specOf(federatedCrdForTarget(DEPLOYMENTS, defaultEnableTypeDirective(), { hasTemplateSchema: true, scalable: true })).names.shortNames, [
      'fdeploy',
    ]);
  });
});

describe('target schema traits', () => {
  const crdWithSchema = (properties: unknown) => ({
    spec: { versions: [{ name: 'v2', schema: { openAPIV3Schema: { type: 'object', ...(properties === undefined ? {} : { properties }) } } }, { name: 'v1' }] },
  });

  test('CRD: the first version decides; replicas must be an int32 integer', () => {
    assert.deepEqual(schemaTraitsFromCrd(crdWithSchema({ spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } } })), {
      hasTemplateSchema: true,
      scalable: true,
    });
    assert.deepEqual(schemaTraitsFromCrd(crdWithSchema({ spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int64' } } } })), {
      hasTemplateSchema: true,
      scalable: false,
    });
    assert.deepEqual(schemaTraitsFromCrd(crdWithSchema({})), { hasTemplateSchema: true, scalable: false });
  });

  test('CRD: no schema, or a schema without properties, means no template (as the Go tool)', () => {
    assert.deepEqual(schemaTraitsFromCrd(crdWithSchema(undefined)), { hasTemplateSchema: false, scalable: false });
    assert.deepEqual(schemaTraitsFromCrd({ spec: { versions: [{ name: 'v1' }] } }), { hasTemplateSchema: false, scalable: false });
  });

  // Excerpt of Kubernetes v1.32.13 api/openapi-spec/swagger.json (descriptions removed).
  const swagger = {
    definitions: {
      'io.k8s.api.apps.v1.Deployment': {
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
          spec: { $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentSpec' },
          status: { $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStatus' },
        },
        type: 'object',
        'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
      },
      'io.k8s.api.apps.v1.DeploymentSpec': {
        properties: {
          minReadySeconds: { format: 'int32', type: 'integer' },
          paused: { type: 'boolean' },
          progressDeadlineSeconds: { format: 'int32', type: 'integer' },
          replicas: { format: 'int32', type: 'integer' },
          revisionHistoryLimit: { format: 'int32', type: 'integer' },
          selector: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' },
          strategy: { $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy', 'x-kubernetes-patch-strategy': 'retainKeys' },
          template: { $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec' },
        },
        required: ['selector', 'template'],
        type: 'object',
      },
      'io.k8s.api.core.v1.ConfigMap': {
        properties: {
          apiVersion: { type: 'string' },
          binaryData: { additionalProperties: { format: 'byte', type: 'string' }, type: 'object' },
          data: { additionalProperties: { type: 'string' }, type: 'object' },
          immutable: { type: 'boolean' },
          kind: { type: 'string' },
          metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        },
        type: 'object',
        'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
      },
      'example.MapOnly': {
        type: 'object',
        additionalProperties: { type: 'string' },
        'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'MapOnly', version: 'v1' }],
      },
    },
  };

  test('OpenAPI v2: follows $refs to spec.replicas', () => {
    assert.deepEqual(schemaTraitsFromOpenApiV2(swagger, { group: 'apps', version: 'v1', kind: 'Deployment' }), { hasTemplateSchema: true, scalable: true });
    assert.deepEqual(schemaTraitsFromOpenApiV2(swagger, { group: '', version: 'v1', kind: 'ConfigMap' }), { hasTemplateSchema: true, scalable: false });
  });

  test('OpenAPI v2: a kind without properties has no template; an unknown GVK is undefined', () => {
    assert.deepEqual(schemaTraitsFromOpenApiV2(swagger, { group: 'example.com', version: 'v1', kind: 'MapOnly' }), {
      hasTemplateSchema: false,
      scalable: false,
    });
    assert.equal(schemaTraitsFromOpenApiV2(swagger, { group: 'apps', version: 'v1beta1', kind: 'Deployment' }), undefined);
    assert.equal(schemaTraitsFromOpenApiV2('not a document', { group: 'apps', version: 'v1', kind: 'Deployment' }), undefined);
  });
});

function ftc(
  name: string,
  target: { group?: string; version: string; pluralName: string },
  federated: { group: string; version: string; pluralName: string },
  namespace = 'kube-federation-system',
): KubeObject {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'FederatedTypeConfig',
    metadata: { name, namespace },
    spec: {
      targetType: { ...target, kind: 'X', scope: 'Namespaced' },
      federatedType: { ...federated, kind: 'FederatedX', scope: 'Namespaced' },
      propagation: 'Enabled',
    },
  };
}

describe('enable checks', () => {
  const desired = typeConfigForTarget(DEPLOYMENTS, defaultEnableTypeDirective());

  test('an existing FederatedTypeConfig with another federated type is refused', () => {
    const existing = ftc(
      'deployments.apps',
      { group: 'apps', version: 'v1', pluralName: 'deployments' },
      { group: 'other.io', version: 'v1beta1', pluralName: 'federateddeployments' },
    );
    assert.throws(
      () => checkFederatedTypeUnchanged(existing, desired),
      (error: unknown) => {
        assert.ok(error instanceof KubefedctlError);
        assert.equal(
          error.message,
          'Federation is already enabled for "deployments.apps/v1" with federated type "federateddeployments.other.io/v1beta1". Changing the federated type to "federateddeployments.types.kubefed.io/v1beta1" is not supported.',
        );
        assert.equal(error.exitCode, EXIT_CODES.failure);
        return true;
      },
    );
    checkFederatedTypeUnchanged(undefined, desired);
    checkFederatedTypeUnchanged(typeConfigForTarget(DEPLOYMENTS, defaultEnableTypeDirective()), desired);
  });

  test('an equivalent deprecated API enabled by any FederatedTypeConfig is refused, even of the same name', () => {
    const existing = ftc(
      'deployments.apps',
      { group: 'apps', version: 'v1beta1', pluralName: 'deployments' },
      { group: 'types.kubefed.io', version: 'v1beta1', pluralName: 'federateddeployments' },
    );
    assert.throws(
      () => checkFederatedCrdTakeover([existing], desired, 'federateddeployments.types.kubefed.io'),
      (error: unknown) =>
        error instanceof KubefedctlError &&
        error.code === 'EQUIVALENT_TYPE_ENABLED' &&
        error.message ===
          'Failed to enable "deployments.apps/v1". Federation of this type is already enabled for equivalent type "deployments.apps/v1beta1" by FederatedTypeConfig "kube-federation-system/deployments.apps"',
    );
  });

  test('the equivalence table ignores the existing group, as the Go tool: any "deployments" is equivalent to apps/v1', () => {
    const crdDeployments = ftc(
      'deployments.example.com',
      { group: 'example.com', version: 'v1', pluralName: 'deployments' },
      { group: 'fed.example.com', version: 'v1beta1', pluralName: 'federateddeployments' },
    );
    assert.throws(
      () => checkFederatedCrdTakeover([crdDeployments], desired, 'federateddeployments.types.kubefed.io'),
      /equivalent type "deployments.example.com\/v1"/,
    );
  });

  test('another FederatedTypeConfig using the same federated CRD is refused', () => {
    const jobs = typeConfigForTarget(
      { group: 'batch', version: 'v1', name: 'jobs', singularName: 'job', kind: 'Job', namespaced: true, shortNames: [] },
      defaultEnableTypeDirective(),
    );
    const other = ftc(
      'jobs.example.com',
      { group: 'example.com', version: 'v1', pluralName: 'jobs' },
      { group: 'types.kubefed.io', version: 'v1beta1', pluralName: 'federatedjobs' },
    );
    assert.throws(
      () => checkFederatedCrdTakeover([other], jobs, 'federatedjobs.types.kubefed.io'),
      (error: unknown) =>
        error instanceof KubefedctlError &&
        error.code === 'FEDERATED_CRD_IN_USE' &&
        error.message ===
          'Failed to enable federation of "jobs.batch" due to the FederatedTypeConfig for "jobs.example.com" already referencing a federated type CRD named "federatedjobs.types.kubefed.io". If these target types are distinct despite sharing the same kind, specifying a non-default --federated-group should allow "jobs.batch" to be enabled.',
    );
    checkFederatedCrdTakeover([desired, other], desired, 'federateddeployments.types.kubefed.io');
  });
});

describe('planEnableWrites', () => {
  const typeConfig = typeConfigForTarget(DEPLOYMENTS, defaultEnableTypeDirective());
  const crd = federatedCrdForTarget(DEPLOYMENTS, defaultEnableTypeDirective(), { hasTemplateSchema: true, scalable: true });

  test('nothing exists: create the CRD, then the FederatedTypeConfig in the namespace', () => {
    const writes = planEnableWrites({ namespace: 'kf', existingCrd: undefined, existingTypeConfig: undefined }, { crd, typeConfig });
    assert.deepEqual(
      writes.map((write) => [write.verb, write.gvr.resource, write.messages?.done]),
      [
        ['create', 'customresourcedefinitions', 'customresourcedefinition.apiextensions.k8s.io/federateddeployments.types.kubefed.io created'],
        ['create', 'federatedtypeconfigs', 'federatedtypeconfig.core.kubefed.io/deployments.apps created in namespace kf'],
      ],
    );
    const ftcWrite = writes[1]!;
    assert.ok(ftcWrite.verb === 'create');
    assert.equal(ftcWrite.object.metadata.namespace, 'kf');
    assert.equal(typeConfig.metadata.namespace, undefined, 'the generated object is not changed');
  });

  test('both exist: PUT the CRD with its metadata and the new spec, merge-patch the FederatedTypeConfig spec', () => {
    const existingCrd: KubeObject = {
      ...structuredClone(crd),
      metadata: { name: crd.metadata.name!, resourceVersion: '42', uid: 'u1' },
      spec: { old: true },
      status: { acceptedNames: {} },
    };
    const existingTypeConfig: KubeObject = {
      ...structuredClone(typeConfig),
      metadata: { name: 'deployments.apps', namespace: 'kf', resourceVersion: '7' },
      spec: { ...specOf(typeConfig), propagation: 'Disabled', statusCollection: 'Enabled' },
    };
    const [crdWrite, ftcWrite] = planEnableWrites({ namespace: 'kf', existingCrd, existingTypeConfig }, { crd, typeConfig });
    assert.ok(crdWrite?.verb === 'update' && ftcWrite?.verb === 'patch');
    assert.deepEqual(crdWrite.object.metadata, { name: 'federateddeployments.types.kubefed.io', resourceVersion: '42', uid: 'u1' });
    assert.deepEqual(crdWrite.object.spec, crd.spec);
    assert.equal(crdWrite.messages?.done, 'customresourcedefinition.apiextensions.k8s.io/federateddeployments.types.kubefed.io updated');
    assert.deepEqual(ftcWrite.patch, { spec: { propagation: 'Enabled', statusCollection: null } });
    assert.equal(ftcWrite.messages?.done, 'federatedtypeconfig.core.kubefed.io/deployments.apps updated in namespace kf');
    assert.deepEqual(ftcWrite.gvr, GVR.federatedTypeConfigs);
    assert.deepEqual(crdWrite.gvr, GVR.customResourceDefinitions);
  });

  test('an unchanged FederatedTypeConfig still gets an (empty) patch, as MergeFrom sends one', () => {
    const existingTypeConfig: KubeObject = { ...structuredClone(typeConfig), metadata: { name: 'deployments.apps', namespace: 'kf' } };
    const writes = planEnableWrites({ namespace: 'kf', existingCrd: undefined, existingTypeConfig }, { crd, typeConfig });
    assert.ok(writes[1]?.verb === 'patch');
    assert.deepEqual(writes[1].patch, {});
  });
});

describe('createMergePatch', () => {
  test('changed, added and removed keys; nested objects recurse; arrays are replaced', () => {
    assert.deepEqual(createMergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1], f: 'x' }, { a: 1, b: { c: 2, d: 4 }, e: [1, 2], g: true }), {
      b: { d: 4 },
      e: [1, 2],
      f: null,
      g: true,
    });
    assert.equal(createMergePatch({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), undefined);
  });
});

describe('planDisable', () => {
  const existing = ftc(
    'deployments.apps',
    { group: 'apps', version: 'v1', pluralName: 'deployments' },
    { group: 'types.kubefed.io', version: 'v1beta1', pluralName: 'federateddeployments' },
  );
  const steps = (operations: ReturnType<typeof planDisable>) => operations.map((op) => `${op.verb} ${op.gvr.resource}`);
  const timeoutMs = 10_000;

  test('enabled, with --delete-crd: check, disable, wait, check again, delete the CRD, then the FederatedTypeConfig', () => {
    const plan = planDisable({ namespace: 'kf', name: 'deployments.apps', typeConfig: existing, deleteCrd: true, timeoutMs });
    assert.deepEqual(steps(plan), [
      'refuse-if-any federateddeployments',
      'patch federatedtypeconfigs',
      'wait federatedtypeconfigs',
      'refuse-if-any federateddeployments',
      'delete customresourcedefinitions',
      'delete federatedtypeconfigs',
    ]);
    const disable = plan[1]!;
    assert.ok(disable.verb === 'patch');
    assert.deepEqual(disable.patch, { spec: { propagation: 'Disabled' } });
    assert.equal(disable.messages?.done, 'Disabled propagation for FederatedTypeConfig "kf/deployments.apps"');
    const wait = plan[2]!;
    assert.ok(wait.verb === 'wait');
    assert.equal(wait.until, 'propagation-stopped');
    assert.equal(wait.timeoutMs, timeoutMs);
    const deleteCrd = plan[4]!;
    assert.equal(deleteCrd.messages?.done, 'customresourcedefinition "federateddeployments.types.kubefed.io" deleted');
    const first = plan[0]!;
    assert.ok(first.verb === 'refuse-if-any');
    assert.deepEqual(first.gvr, { group: 'types.kubefed.io', version: 'v1beta1', resource: 'federateddeployments' });
    assert.match(first.error.message, /Cannot delete CRD "federateddeployments.types.kubefed.io" while resource instances exist/);
  });

  test('already disabled: no patch; without --delete-crd: no CRD steps', () => {
    const disabled = { ...existing, spec: { ...specOf(existing), propagation: 'Disabled' } };
    assert.deepEqual(steps(planDisable({ namespace: 'kf', name: 'deployments.apps', typeConfig: disabled, deleteCrd: false, timeoutMs })), [
      'wait federatedtypeconfigs',
      'delete federatedtypeconfigs',
    ]);
  });

  test('gone: nothing, or only the regenerated CRD with --delete-crd', () => {
    assert.deepEqual(planDisable({ namespace: 'kf', name: 'deployments.apps', typeConfig: undefined, deleteCrd: false, timeoutMs }), []);
    const regenerated = typeConfigForTarget(DEPLOYMENTS, { federatedGroup: 'fed.example.com', federatedVersion: 'v1beta1' });
    const plan = planDisable({
      namespace: 'kf',
      name: 'deployments.apps',
      typeConfig: undefined,
      deleteCrd: true,
      regeneratedTypeConfig: regenerated,
      timeoutMs,
    });
    assert.deepEqual(steps(plan), ['refuse-if-any federateddeployments', 'delete customresourcedefinitions']);
    const deleteCrd = plan[1];
    assert.ok(deleteCrd?.verb === 'delete');
    assert.equal(deleteCrd.name, 'federateddeployments.fed.example.com');
    assert.deepEqual(deleteCrd.gvr, GVR.customResourceDefinitions);
  });
});
