// What rotate-credentials plans (core/rotate-plan.ts) and when it counts KubeFed as using the new
// credentials (core/conditions.ts, cluster-ready-anew).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conditionMet } from '../../src/core/conditions.js';
import { checkRotatable, planNewToken, planRevoke, planSwitch, readyWithNewSecretWait, tokenSecretsOf } from '../../src/core/rotate-plan.js';
import type { KubeObject } from '../../src/core/types.js';

const NS = 'kube-federation-system';
const settings = { clusterName: 'c2', hostName: 'c1', namespace: NS };
const managed = { 'app.kubernetes.io/managed-by': 'kubefedctl', 'kubefed.io/cluster-name': 'c2' };
const token = (name: string, created: string, labels: Record<string, string> = managed): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'kubernetes.io/service-account-token',
  metadata: { name, namespace: NS, labels, creationTimestamp: created, annotations: { 'kubernetes.io/service-account.name': 'c2-c1' } },
});
const kfc = (transition: string | undefined): KubeObject => ({
  apiVersion: 'core.kubefed.io/v1beta1',
  kind: 'KubeFedCluster',
  metadata: { name: 'c2', namespace: NS },
  spec: { apiEndpoint: 'https://c2', secretRef: { name: 'c2-old' } },
  status: { conditions: transition ? [{ type: 'Ready', status: 'True', lastTransitionTime: transition }] : [] },
});
const hostSecret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'c2-old', namespace: NS, labels: managed },
  data: { token: 'b2xk', extra: 'eA==' },
};
const observed = {
  kubefedCluster: kfc('2024-01-01T00:00:00Z'),
  hostSecret,
  labelledHostSecrets: [
    hostSecret,
    { ...hostSecret, metadata: { ...hostSecret.metadata, name: 'c2-leftover' } },
    { ...hostSecret, metadata: { name: 'user-owned', labels: { 'kubefed.io/cluster-name': 'c2' } } },
  ],
  serviceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'c2-c1', namespace: NS } },
  memberSecrets: [token('c2-c1-token-new', '2024-01-03T00:00:00Z'), token('c2-c1', '2024-01-01T00:00:00Z'), token('foreign', '2024-01-02T00:00:00Z', {})],
};
const names = { tokenSecret: 'c2-c1-token-new', hostSecret: 'c2-new' };

describe('rotate plan', () => {
  test('a token Secret for the service account, the host Secret with the other keys kept, the switch of secretRef only', () => {
    const [create, wait] = planNewToken(settings, names, 30_000);
    assert.equal(create?.verb === 'create' && create.object.metadata.annotations?.['kubernetes.io/service-account.name'], 'c2-c1');
    assert.equal(wait?.verb === 'wait' && wait.until, 'token-issued');
    const [secret, patch] = planSwitch(settings, observed, names, 'bmV3');
    assert.deepEqual(secret?.verb === 'create' && secret.object.data, { token: 'bmV3', extra: 'eA==' });
    assert.deepEqual(patch?.verb === 'patch' && patch.patch, { spec: { secretRef: { name: 'c2-new' } } });
  });

  test('revokes every older token Secret of the service account kubefedctl made and every other host Secret it made, never the new ones or foreign ones', () => {
    assert.deepEqual(
      tokenSecretsOf(settings, observed).map((s) => s.metadata.name),
      ['c2-c1', 'c2-c1-token-new'],
    );
    const deletes = planRevoke(settings, observed, names).map((op) => `${op.cluster} ${op.verb === 'delete' ? op.name : ''}`);
    assert.deepEqual(deletes, ['member c2-c1', 'host c2-old', 'host c2-leftover']);
  });

  test('Ready anew: a Ready condition with another lastTransitionTime than before the switch; the old Ready one does not count', () => {
    const wait = readyWithNewSecretWait(settings, observed, 60_000);
    assert.equal(wait.readyTransitionBefore, '2024-01-01T00:00:00Z');
    assert.equal(conditionMet(wait, { type: 'MODIFIED', object: kfc('2024-01-01T00:00:00Z') }), false);
    assert.equal(conditionMet(wait, { type: 'MODIFIED', object: kfc('2024-01-05T00:00:00Z') }), true);
    const notReady = {
      ...kfc('2024-01-05T00:00:00Z'),
      status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-01-05T00:00:00Z' }] },
    };
    assert.equal(conditionMet(wait, { type: 'MODIFIED', object: notReady }), false);
  });

  test('refuses a cluster that is not joined, or whose service account is gone, before any write', () => {
    assert.throws(() => checkRotatable(settings, { ...observed, kubefedCluster: undefined }), /cluster "c2" is not joined/);
    assert.throws(
      () => checkRotatable(settings, { ...observed, serviceAccount: undefined }),
      /service account kube-federation-system\/c2-c1 does not exist in cluster "c2"/,
    );
  });
});
