// The join plan builder: golden plans for the shapes join can take, and the Go tool's conflict
// errors before any write.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  type JoinSettings,
  type ObservedJoinState,
  type WriteOperation,
  checkHostConflicts,
  hostSecretWrite,
  kubefedClusterWrite,
  memberWrites,
  planJoinMember,
} from '../../src/core/join-plan.js';
import { inStageOrder } from '../../src/core/plan.js';
import { toYaml } from '../../src/core/yaml.js';
import { assertGolden } from '../helpers/golden.js';
import { dns1123SubdomainProblems, isLoopbackEndpoint, suggestResourceName } from '../../src/core/naming.js';

const GOLDEN = path.resolve(import.meta.dirname, '../golden/join');
const TOKEN = Buffer.from('token-value').toString('base64');

const base: JoinSettings = {
  clusterName: 'cluster2',
  hostName: 'cluster1',
  namespace: 'kube-federation-system',
  scope: 'Cluster',
  errorOnExisting: true,
  apiEndpoint: 'https://10.0.0.2:6443',
  kubeconfigCaBundle: 'Q0EgZGF0YQ==',
  insecureSkipTlsVerify: false,
};
const nothing: ObservedJoinState = { rbac: new Map() };
const namespaceExists: ObservedJoinState = {
  rbac: new Map(),
  memberNamespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-federation-system', uid: 'u1' } },
};

function fullPlan(settings: JoinSettings, observed: ObservedJoinState): WriteOperation[] {
  checkHostConflicts(settings, observed);
  const writes = memberWrites(settings, observed);
  const secret = hostSecretWrite(settings, observed, TOKEN);
  if (secret) writes.push(secret);
  const secretName = observed.hostSecret?.metadata.name ?? settings.secretName ?? 'cluster2-abcde';
  writes.push(kubefedClusterWrite(settings, observed, secretName, 'Y2EuY3J0IGZyb20gdG9rZW4='));
  return writes;
}

const existingRbac = new Map([
  [
    'clusterroles/kubefed-controller-manager:cluster2-cluster1',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kubefed-controller-manager:cluster2-cluster1', resourceVersion: '7', labels: { keep: 'me' } },
      rules: [],
    },
  ],
  [
    'clusterrolebindings/kubefed-controller-manager:cluster2-cluster1',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubefed-controller-manager:cluster2-cluster1', resourceVersion: '8' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'something-else' },
      subjects: [],
    },
  ],
]);

const cases: Array<[string, JoinSettings, ObservedJoinState]> = [
  ['fresh-member-cluster-scope', base, nothing],
  ['host-joins-itself', { ...base, clusterName: 'cluster1', apiEndpoint: 'https://127.0.0.1:6443' }, namespaceExists],
  ['namespaced-scope', { ...base, scope: 'Namespaced' }, namespaceExists],
  [
    'secret-name-insecure-proxy-ca-from-token',
    { ...base, secretName: 'creds', insecureSkipTlsVerify: true, proxyUrl: 'http://proxy:3128', kubeconfigCaBundle: undefined },
    nothing,
  ],
  [
    'rejoin-without-error-on-existing',
    { ...base, errorOnExisting: false },
    {
      memberNamespace: namespaceExists.memberNamespace,
      serviceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'cluster2-cluster1', namespace: 'kube-federation-system' } },
      tokenSecret: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cluster2-cluster1', namespace: 'kube-federation-system' } },
      rbac: existingRbac,
      kubefedCluster: {
        apiVersion: 'core.kubefed.io/v1beta1',
        kind: 'KubeFedCluster',
        metadata: { name: 'cluster2', namespace: 'kube-federation-system', labels: { region: 'eu' } },
        spec: { apiEndpoint: 'https://old:6443', secretRef: { name: 'cluster2-old' }, disabledTLSValidations: ['*'] },
      },
      hostSecret: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'cluster2-old', namespace: 'kube-federation-system', resourceVersion: '3' },
        data: { token: 'b2xk' },
      },
    },
  ],
];

describe('join plan (golden)', () => {
  for (const [name, settings, observed] of cases) {
    test(name, () => {
      const plan = fullPlan(settings, observed);
      assertGolden(path.join(GOLDEN, name, 'plan.yaml'), toYaml(plan.map((op) => ({ ...op, cluster: op.cluster }))));
      // Invariants: every created object is labelled, and nothing carries the token but the host Secret.
      for (const op of plan) {
        if (op.verb === 'create') {
          assert.equal(op.object.metadata.labels?.['app.kubernetes.io/managed-by'], 'kubefedctl');
          assert.equal(op.object.metadata.labels?.['kubefed.io/cluster-name'], settings.clusterName);
        }
        if (op.verb !== 'delete' && JSON.stringify(op).includes(TOKEN)) assert.equal(op.cluster === 'host' && op.gvr.resource, 'secrets');
      }
    });
  }
  test('the health-check role uses the verb "get" (the Go tool writes "Get", which RBAC never matches)', () => {
    const plan = memberWrites({ ...base, scope: 'Namespaced' }, namespaceExists);
    const healthCheck = plan.find((op) => op.verb === 'create' && op.object.metadata.name?.includes('healthcheck') && op.object.kind === 'ClusterRole');
    assert.ok(healthCheck && healthCheck.verb === 'create');
    assert.deepEqual((healthCheck.object.rules as Array<{ verbs: string[] }>)[0]!.verbs, ['get']);
  });
  test('re-join reuses an identical host secret without writing it', () => {
    const observed: ObservedJoinState = {
      rbac: new Map(),
      hostSecret: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, data: { token: TOKEN } },
    };
    assert.equal(hostSecretWrite({ ...base, errorOnExisting: false }, observed, TOKEN), undefined);
  });
});

describe('join conflicts fail before any write, with the Go messages', () => {
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'cluster2-cluster1' } };
  test('existing service account', () => {
    assert.throws(
      () => memberWrites(base, { ...nothing, serviceAccount: sa }),
      /: service account: cluster2-cluster1 already exists in joining cluster: cluster2$/,
    );
  });
  test('existing cluster role', () => {
    assert.throws(
      () => memberWrites(base, { rbac: existingRbac }),
      /cluster role for service account cluster2-cluster1 in joining cluster cluster2 already exists/,
    );
  });
  test('existing KubeFedCluster', () => {
    assert.throws(
      () => checkHostConflicts(base, { ...nothing, kubefedCluster: { apiVersion: 'x', kind: 'KubeFedCluster', metadata: { name: 'cluster2' } } }),
      /federated cluster cluster2 already exists in host cluster/,
    );
  });
  test('existing named host secret', () => {
    assert.throws(
      () => checkHostConflicts({ ...base, secretName: 'creds' }, { ...nothing, hostSecret: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' } } }),
      /host cluster secret creds already exists/,
    );
  });
});

describe('names', () => {
  test('RFC 1123 subdomain checks', () => {
    assert.deepEqual(dns1123SubdomainProblems('cluster-2.eu'), []);
    assert.equal(dns1123SubdomainProblems('Cluster_2').length, 1);
    assert.equal(dns1123SubdomainProblems('a'.repeat(254)).length, 1);
  });
  test('suggested names for cloud contexts', () => {
    assert.equal(suggestResourceName('arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu'), 'prod-eu');
    assert.equal(suggestResourceName('gke_my-proj_europe-west1-b_Prod_1'), 'prod-1');
    assert.equal(suggestResourceName('admin@Kind-Cluster'), 'admin-kind-cluster');
  });
  test('loopback endpoints', () => {
    for (const url of ['https://127.0.0.1:6443', 'https://localhost', 'https://[::1]:443', 'https://127.5.0.1']) assert.ok(isLoopbackEndpoint(url), url);
    for (const url of ['https://10.0.0.1:6443', 'https://api.example.com', 'not a url']) assert.ok(!isLoopbackEndpoint(url), url);
  });
});

describe('the stages of the member writes', () => {
  const applied = (settings: JoinSettings, observed: ObservedJoinState) =>
    inStageOrder(planJoinMember(settings, observed, 30_000)).map(
      (op) => `${op.stage} ${op.verb} ${op.gvr.resource}${'object' in op ? ` ${op.object.metadata.name}` : 'name' in op ? ` ${op.name}` : ''}`,
    );

  test('what an object needs comes a stage before it; the rest goes together', () => {
    assert.deepEqual(applied(base, nothing), [
      '2 create namespaces kube-federation-system',
      '2 create clusterroles kubefed-controller-manager:cluster2-cluster1',
      '4 create serviceaccounts cluster2-cluster1',
      '4 create clusterrolebindings kubefed-controller-manager:cluster2-cluster1',
      '6 create secrets cluster2-cluster1',
      '7 wait secrets cluster2-cluster1',
    ]);
    assert.deepEqual(applied({ ...base, scope: 'Namespaced' }, nothing), [
      '2 create namespaces kube-federation-system',
      '2 create clusterroles kubefed-controller-manager:kube-federation-system:healthcheck-cluster2-cluster1',
      '4 create serviceaccounts cluster2-cluster1',
      '4 create roles kubefed-controller-manager:cluster2-cluster1',
      '4 create clusterrolebindings kubefed-controller-manager:kube-federation-system:healthcheck-cluster2-cluster1',
      '6 create secrets cluster2-cluster1',
      '6 create rolebindings kubefed-controller-manager:cluster2-cluster1',
      '7 wait secrets cluster2-cluster1',
    ]);
  });

  test('a binding whose roleRef changed is deleted a stage before it is created again; a terminating namespace is waited for first', () => {
    const observed: ObservedJoinState = { ...namespaceExists, rbac: existingRbac, terminatingNamespace: 'kube-federation-system' };
    assert.deepEqual(applied({ ...base, errorOnExisting: false }, observed), [
      '0 wait namespaces kube-federation-system',
      '2 update clusterroles kubefed-controller-manager:cluster2-cluster1',
      '3 delete clusterrolebindings kubefed-controller-manager:cluster2-cluster1',
      '4 create serviceaccounts cluster2-cluster1',
      '4 create clusterrolebindings kubefed-controller-manager:cluster2-cluster1',
      '6 create secrets cluster2-cluster1',
      '7 wait secrets cluster2-cluster1',
    ]);
  });

  test('plans are printed in plan order, the Go order', () => {
    assert.deepEqual(
      planJoinMember(base, nothing, 30_000).map((op) => op.gvr.resource),
      ['namespaces', 'serviceaccounts', 'secrets', 'clusterroles', 'clusterrolebindings', 'secrets'],
    );
  });
});
