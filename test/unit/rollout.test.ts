// What `status --members` judges per member: kubectl rollout status's verdicts (kubectl v1.32
// polymorphichelpers/rollout_status.go) and, for other kinds, "present and as KubeFed renders it".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { holdsRendered, memberRollout, membersReport, renderMembersReport } from '../../src/core/rollout.js';
import type { KubeObject } from '../../src/core/types.js';

const deployment = (generation: number, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', generation },
  spec,
  status,
});

describe('memberRollout', () => {
  test('Deployment: the verdicts and words of kubectl rollout status, in its order', () => {
    const cases: Array<[KubeObject, string, string]> = [
      [deployment(2, { replicas: 3 }, { observedGeneration: 1 }), 'progressing', 'Waiting for deployment spec update to be observed...'],
      [
        deployment(2, { replicas: 3 }, { observedGeneration: 2, updatedReplicas: 1, replicas: 3 }),
        'progressing',
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
      ],
      [
        deployment(2, { replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 4 }),
        'progressing',
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
      ],
      [
        deployment(2, { replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
        'progressing',
        'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
      ],
      [
        deployment(2, { replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
        'rolled-out',
        'deployment "web" successfully rolled out',
      ],
      [deployment(2, { replicas: 0 }, { observedGeneration: 2 }), 'rolled-out', 'deployment "web" successfully rolled out'],
      [
        deployment(
          2,
          { replicas: 3 },
          { observedGeneration: 2, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] },
        ),
        'stuck',
        'deployment "web" exceeded its progress deadline',
      ],
    ];
    for (const [object, state, message] of cases) {
      const verdict = memberRollout('c2', 'Deployment', object, undefined);
      assert.deepEqual([verdict.state, verdict.message], [state, message], JSON.stringify(object.status));
    }
  });

  test('StatefulSet and DaemonSet: RollingUpdate only; partitions; revisions', () => {
    const sts = (spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', generation: 1 },
      spec,
      status,
    });
    assert.equal(
      memberRollout('c', 'StatefulSet', sts({ replicas: 2, updateStrategy: { type: 'OnDelete' } }, { observedGeneration: 1 }), undefined).message,
      'rollout status is only available for RollingUpdate strategy type',
    );
    assert.equal(memberRollout('c', 'StatefulSet', sts({ replicas: 2 }, {}), undefined).message, 'Waiting for statefulset spec update to be observed...');
    assert.equal(
      memberRollout('c', 'StatefulSet', sts({ replicas: 2 }, { observedGeneration: 1, readyReplicas: 1 }), undefined).message,
      'Waiting for 1 pods to be ready...',
    );
    const partitioned = sts(
      { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      { observedGeneration: 1, readyReplicas: 4, updatedReplicas: 1 },
    );
    assert.equal(
      memberRollout('c', 'StatefulSet', partitioned, undefined).message,
      'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...',
    );
    const revisions = sts({ replicas: 2 }, { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 1, updateRevision: 'db-2', currentRevision: 'db-1' });
    assert.equal(memberRollout('c', 'StatefulSet', revisions, undefined).state, 'progressing');
    assert.equal(
      memberRollout('c', 'StatefulSet', { ...revisions, status: { ...(revisions.status as object), currentRevision: 'db-2', currentReplicas: 2 } }, undefined)
        .message,
      'statefulset rolling update complete 2 pods at revision db-2...',
    );
    const ds = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', generation: 3 },
      spec: {},
      status,
    });
    assert.equal(
      memberRollout('c', 'DaemonSet', ds({ observedGeneration: 3, desiredNumberScheduled: 2, updatedNumberScheduled: 1 }), undefined).message,
      'Waiting for daemon set "agent" rollout to finish: 1 out of 2 new pods have been updated...',
    );
    assert.equal(
      memberRollout('c', 'DaemonSet', ds({ observedGeneration: 3, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }), undefined).state,
      'rolled-out',
    );
  });

  test('other kinds: missing, unreadable, present but not as rendered, rolled out (server defaults allowed)', () => {
    const rendered: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop', labels: { 'kubefed.io/managed': 'true' } },
      data: { mode: 'fast' },
    };
    assert.equal(memberRollout('c', 'ConfigMap', undefined, rendered).state, 'missing');
    assert.equal(memberRollout('c', 'ConfigMap', new Error('401 Unauthorized'), rendered).message, 'could not be read: 401 Unauthorized');
    const live = { ...rendered, metadata: { ...rendered.metadata, uid: 'u', resourceVersion: '7' } };
    assert.equal(memberRollout('c', 'ConfigMap', { ...live, data: { mode: 'slow' } }, rendered).state, 'progressing');
    assert.equal(memberRollout('c', 'ConfigMap', live, rendered).state, 'rolled-out');
    assert.ok(
      holdsRendered({ spec: { ports: [{ port: 80, protocol: 'TCP' }], clusterIP: '10.0.0.1' } }, { spec: { ports: [{ port: 80 }] } }),
      'defaults added by the server are fine',
    );
    assert.ok(!holdsRendered({ spec: { ports: [{ port: 80 }, { port: 81 }] } }, { spec: { ports: [{ port: 80 }] } }), 'a list of another length differs');
  });

  test('the report: problems name the clusters not rolled out; no placement is a problem; the table', () => {
    const report = membersReport({ kind: 'Deployment', name: 'web', namespace: 'shop' }, [
      memberRollout('c3', 'Deployment', deployment(1, { replicas: 0 }, { observedGeneration: 1 }), undefined),
      memberRollout('c2', 'Deployment', deployment(2, { replicas: 0 }, { observedGeneration: 1 }), undefined),
    ]);
    assert.deepEqual(
      report.clusters.map((c) => c.cluster),
      ['c2', 'c3'],
    );
    assert.deepEqual(report.problems, ['cluster "c2": Waiting for deployment spec update to be observed...']);
    assert.match(renderMembersReport(report), /^c2 +progressing +1\/2 +0\/0 +0\/0 +0\/0 +Waiting for deployment spec update to be observed\.\.\.$/m);
    assert.deepEqual(membersReport({ kind: 'ConfigMap', name: 'x', namespace: 'shop' }, []).problems, ['KubeFed has placed the object on no cluster']);
  });
});
