import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ApiResource,
  AmbiguousApiResourceError,
  ApiResourceNotFoundError,
  type DiscoveryGroup,
  type DiscoverySnapshot,
  groupVersionKey,
  lookupApiResource,
  nameMatchesResource,
  preferredResourceLists,
} from '../../src/core/api-resources.js';
import { BUILTIN_API_RESOURCES, builtinDiscovery, offlineTypeResources } from '../../src/core/builtin-types.js';
import { defaultEnableTypeDirective } from '../../src/core/enable-directive.js';
import { EXIT_CODES } from '../../src/errors.js';

function res(group: string, version: string, name: string, kind: string, extra: Partial<ApiResource> = {}): ApiResource {
  return { group, version, name, singularName: kind.toLowerCase(), kind, namespaced: true, shortNames: [], ...extra };
}

function snapshot(groups: DiscoveryGroup[], resources: ApiResource[], failures: DiscoverySnapshot['failures'] = []): DiscoverySnapshot {
  const byGroupVersion = new Map<string, ApiResource[]>();
  for (const group of groups) for (const version of group.versions) byGroupVersion.set(groupVersionKey(group.name, version), []);
  for (const resource of resources) byGroupVersion.get(groupVersionKey(resource.group, resource.version))!.push(resource);
  return { groups, resources: byGroupVersion, failures };
}

/** The built-in table plus two CRDs of the same kind in different groups. */
function withWidgets(): DiscoverySnapshot {
  const builtin = builtinDiscovery();
  const groups = [
    ...builtin.groups,
    { name: 'a.example.com', preferredVersion: 'v1', versions: ['v1'] },
    { name: 'b.example.com', preferredVersion: 'v2', versions: ['v2', 'v1'] },
  ];
  const resources = new Map(builtin.resources);
  resources.set('a.example.com/v1', [res('a.example.com', 'v1', 'widgets', 'Widget', { shortNames: ['wd'] })]);
  resources.set('b.example.com/v2', [res('b.example.com', 'v2', 'widgets', 'Widget')]);
  resources.set('b.example.com/v1', [res('b.example.com', 'v1', 'widgets', 'Widget'), res('b.example.com', 'v1', 'gadgets', 'Gadget')]);
  return { groups, resources, failures: [] };
}

describe('preferredResourceLists (ServerPreferredResources)', () => {
  test('keeps each group/resource once, at the preferred version, else the first version listing it', () => {
    const lists = preferredResourceLists(withWidgets());
    const b = lists.filter((list) => list.group === 'b.example.com');
    assert.deepEqual(
      b.map((list) => [list.version, list.resources.map((r) => r.name)]),
      [
        ['v2', ['widgets']],
        ['v1', ['gadgets']],
      ],
    );
  });

  test('drops subresources and fills group/version from the list', () => {
    const lists = preferredResourceLists(
      snapshot(
        [{ name: 'apps', preferredVersion: 'v1', versions: ['v1'] }],
        [res('apps', 'v1', 'deployments', 'Deployment'), res('apps', 'v1', 'deployments/scale', 'Scale')],
      ),
    );
    assert.deepEqual(lists, [{ group: 'apps', version: 'v1', resources: [res('apps', 'v1', 'deployments', 'Deployment')] }]);
  });

  test('a preferred version listed after another still wins', () => {
    const lists = preferredResourceLists(
      snapshot(
        [{ name: 'x.io', preferredVersion: 'v2', versions: ['v1', 'v2'] }],
        [res('x.io', 'v1', 'things', 'Thing'), res('x.io', 'v2', 'things', 'Thing')],
      ),
    );
    assert.deepEqual(
      lists.map((list) => [list.version, list.resources.length]),
      [
        ['v1', 0],
        ['v2', 1],
      ],
    );
  });
});

describe('nameMatchesResource (the enable match rule)', () => {
  const deployments = res('apps', 'v1', 'deployments', 'Deployment', { shortNames: ['deploy'] });
  for (const name of ['deployments', 'deployment', 'Deployment', 'DEPLOYMENT', 'deployments.apps', 'Deployments.Apps', 'deploy', 'DEPLOY']) {
    test(`"${name}" matches deployments.apps`, () => assert.equal(nameMatchesResource(name, deployments), true));
  }
  for (const name of ['deployment.apps', 'Deployment.apps', 'deployments.extensions', 'dep', 'apps']) {
    test(`"${name}" does not match (kind.group and singular.group are not accepted, as in the Go tool)`, () =>
      assert.equal(nameMatchesResource(name, deployments), false));
  }
});

describe('lookupApiResource', () => {
  test('the core group wins: "events" and "ev" mean v1 Events, not events.k8s.io', () => {
    for (const name of ['events', 'ev', 'Event']) {
      const { resource } = lookupApiResource(builtinDiscovery(), name);
      assert.deepEqual([resource.group, resource.version, resource.name], ['', 'v1', 'events']);
    }
    assert.equal(lookupApiResource(builtinDiscovery(), 'events.events.k8s.io').resource.group, 'events.k8s.io');
  });

  test('short names, kinds and plural.group resolve to the served version', () => {
    assert.equal(lookupApiResource(builtinDiscovery(), 'hpa').resource.version, 'v2');
    assert.equal(lookupApiResource(builtinDiscovery(), 'Ingress').resource.group, 'networking.k8s.io');
    assert.equal(lookupApiResource(builtinDiscovery(), 'CRDS').resource.name, 'customresourcedefinitions');
  });

  test('every built-in type resolves to itself by its group-qualified plural', () => {
    for (const entry of BUILTIN_API_RESOURCES) {
      const name = entry.group === '' ? entry.name : `${entry.name}.${entry.group}`;
      const { resource } = lookupApiResource(builtinDiscovery(), name);
      assert.deepEqual([resource.group, resource.version, resource.name], [entry.group, entry.version, entry.name], name);
    }
  });

  test('several non-core matches are ambiguous (exit 2) and list the candidates in server order', () => {
    assert.throws(
      () => lookupApiResource(withWidgets(), 'widget'),
      (error: unknown) => {
        assert.ok(error instanceof AmbiguousApiResourceError);
        assert.equal(
          error.message,
          'Multiple resources are matched by "widget": widgets.a.example.com, widgets.b.example.com. A group-qualified plural name must be provided.',
        );
        assert.deepEqual(error.candidates, ['widgets.a.example.com', 'widgets.b.example.com']);
        assert.equal(error.exitCode, EXIT_CODES.usage);
        assert.match(error.hint ?? '', /widgets\.a\.example\.com/);
        return true;
      },
    );
    assert.equal(lookupApiResource(withWidgets(), 'widgets.b.example.com').resource.version, 'v2');
    assert.equal(lookupApiResource(withWidgets(), 'WD').resource.group, 'a.example.com');
  });

  test('--version only selects lists of that version, so only server-preferred versions can match', () => {
    assert.equal(lookupApiResource(withWidgets(), 'gadgets', { targetVersion: 'v1' }).resource.version, 'v1');
    assert.equal(lookupApiResource(withWidgets(), 'widgets.b.example.com', { targetVersion: 'v2' }).resource.version, 'v2');
    assert.throws(
      () => lookupApiResource(withWidgets(), 'widgets.b.example.com', { targetVersion: 'v1' }),
      (error: unknown) => {
        assert.ok(error instanceof ApiResourceNotFoundError);
        assert.equal(error.message, 'Unable to find api resource named "widgets.b.example.com".');
        assert.match(error.hint ?? '', /--version v1 only matches/);
        return true;
      },
    );
    // autoscaling/v1 is served, but horizontalpodautoscalers are preferred at v2.
    assert.throws(() => lookupApiResource(builtinDiscovery(), 'hpa', { targetVersion: 'v1' }), ApiResourceNotFoundError);
  });

  test('an unknown name is a usage error (exit 2) with the Go message and a hint', () => {
    assert.throws(
      () => lookupApiResource(builtinDiscovery(), 'foo'),
      (error: unknown) => {
        assert.ok(error instanceof ApiResourceNotFoundError);
        assert.equal(error.message, 'Unable to find api resource named "foo".');
        assert.equal(error.exitCode, EXIT_CODES.usage);
        assert.match(error.hint ?? '', /kubectl api-resources/);
        return true;
      },
    );
  });

  test('incomplete discovery: aggregated into the not-found error (exit 1), reported when the name still matched', () => {
    const partial = {
      ...builtinDiscovery(),
      failures: [{ groupVersion: 'metrics.k8s.io/v1beta1', message: 'the server is currently unable to handle the request' }],
    };
    const discoveryError =
      'Error listing api resources: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request';
    assert.throws(
      () => lookupApiResource(partial, 'podmetrics'),
      (error: unknown) => {
        assert.ok(error instanceof ApiResourceNotFoundError);
        assert.equal(error.message, `[${discoveryError}, Unable to find api resource named "podmetrics".]`);
        assert.equal(error.exitCode, EXIT_CODES.failure);
        return true;
      },
    );
    assert.equal(lookupApiResource(partial, 'deploy').ignoredDiscoveryError, discoveryError);
    assert.equal(lookupApiResource(partial, 'cm').ignoredDiscoveryError, undefined, 'core matches return before the discovery error is looked at');
  });
});

describe('offline lookup', () => {
  test('names a type the table lacks with a hint that CRDs need a cluster', () => {
    assert.throws(
      () => offlineTypeResources(defaultEnableTypeDirective('certificates.cert-manager.io')),
      (error: unknown) => {
        assert.ok(error instanceof ApiResourceNotFoundError);
        assert.match(error.hint ?? '', /--offline knows only the built-in API types of Kubernetes 1\.32/);
        assert.match(error.hint ?? '', /CRDs and aggregated APIs need a cluster/);
        return true;
      },
    );
  });
});
