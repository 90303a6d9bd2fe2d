// The ordered apply sends the operations of one stage together and still journals every write of
// a stage that fails, so that a rollback undoes all of them (the join rollback tests cover the
// rest of the journal against the same fake clusters).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Applier } from '../../src/cluster/applier.js';
import { GVR } from '../../src/core/gvr.js';
import type { Operation } from '../../src/core/plan.js';
import { SILENT_LOGGER } from '../../src/log.js';
import { FakeCluster, apiError } from '../helpers/fake-cluster.js';

const configMap = (name: string, stage?: number): Operation => ({
  verb: 'create',
  cluster: 'member',
  gvr: GVR.configMaps,
  stage,
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } },
});

/** A cluster whose creates take 20 ms, recording how many were in flight at once and when each began and ended. */
function slowCluster(): { cluster: FakeCluster; maxInFlight: () => number; events: string[] } {
  const cluster = new FakeCluster({ contextName: 'member' });
  let inFlight = 0;
  let max = 0;
  const events: string[] = [];
  const create = cluster.create.bind(cluster);
  cluster.create = async (...args: Parameters<FakeCluster['create']>) => {
    const name = (args[1] as { metadata: { name: string } }).metadata.name;
    inFlight += 1;
    max = Math.max(max, inFlight);
    events.push(`start ${name}`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return await create(...args);
    } finally {
      inFlight -= 1;
      events.push(`end ${name}`);
    }
  };
  return { cluster, maxInFlight: () => max, events };
}

describe('stages in an ordered apply', () => {
  test('the operations of a stage are in flight together; stages follow each other', async () => {
    const { cluster, maxInFlight, events } = slowCluster();
    const applier = new Applier(new Map([['member', cluster]]), { dryRun: 'none', logger: SILENT_LOGGER });
    const results = await applier.applyInOrder([configMap('a', 1), configMap('b', 1), configMap('c', 1), configMap('d', 2)]);
    assert.deepEqual(
      results.map((r) => r.object?.metadata.name),
      ['a', 'b', 'c', 'd'],
    );
    assert.equal(maxInFlight(), 3);
    // Two round trips, not four: stage 1 goes out at once, stage 2 after all of it came back.
    assert.deepEqual(events.slice(0, 3), ['start a', 'start b', 'start c']);
    assert.deepEqual(events.slice(3, 6).sort(), ['end a', 'end b', 'end c']);
    assert.deepEqual(events.slice(6), ['start d', 'end d']);
  });

  test('operations without a stage run one at a time', async () => {
    const { cluster, maxInFlight } = slowCluster();
    const applier = new Applier(new Map([['member', cluster]]), { dryRun: 'none', logger: SILENT_LOGGER });
    await applier.applyInOrder([configMap('a'), configMap('b')]);
    assert.equal(maxInFlight(), 1);
  });

  test('a failure in a stage waits for the rest of it, and the rollback deletes every object the run created', async () => {
    const { cluster } = slowCluster();
    cluster.failOn({ verb: 'create', name: 'b', error: apiError(403, 'configmaps "b" is forbidden', { reason: 'Forbidden' }) });
    const applier = new Applier(new Map([['member', cluster]]), { dryRun: 'none', logger: SILENT_LOGGER });
    await assert.rejects(applier.applyInOrder([configMap('a', 1), configMap('b', 1), configMap('c', 1), configMap('d', 2)]), /forbidden/);
    const written = () =>
      cluster
        .all(GVR.configMaps)
        .map((o) => o.metadata.name)
        .filter((name) => name !== 'kube-root-ca.crt')
        .sort();
    assert.deepEqual(written(), ['a', 'c'], 'the stage settled; the next never started');
    const report = await applier.rollback();
    assert.equal(report.rolledBack.length, 2);
    assert.deepEqual(written(), []);
  });
});
