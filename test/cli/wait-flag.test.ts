// `--wait` takes an optional timeout on join and unjoin; kubectl users also write it as a boolean
// (`--wait=false` to say "do not wait"), which must not be an invalid duration.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOptionalTimeout } from '../../src/core/duration.js';
import { FakeCluster, createFakeEnv, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';

function clusters(): FakeCluster[] {
  const host = new FakeCluster({ contextName: 'cluster1' }).installKubeFed();
  host.add({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig', metadata: { name: 'kubefed', namespace: NS }, spec: { scope: 'Cluster' } });
  return [host, new FakeCluster({ contextName: 'cluster2' })];
}

describe('--wait as a timeout or a boolean', () => {
  test('absent or false: no wait; bare or true: the default timeout; a duration: that timeout', () => {
    assert.equal(parseOptionalTimeout('--wait', undefined, '60s'), undefined);
    for (const off of ['false', 'False', 'FALSE', 'f', 'F']) assert.equal(parseOptionalTimeout('--wait', off, '60s'), undefined, off);
    for (const on of ['true', 'True', 'TRUE', 't', 'T']) assert.equal(parseOptionalTimeout('--wait', on, '60s'), 60_000, on);
    assert.equal(parseOptionalTimeout('--wait', '60s', '60s'), 60_000, 'the preset of a bare --wait');
    assert.equal(parseOptionalTimeout('--wait', '1m30s', '60s'), 90_000);
    assert.equal(parseOptionalTimeout('--wait', '0', '60s'), 0, 'a bare number stays seconds');
    assert.throws(() => parseOptionalTimeout('--wait', 'soon', '60s'), /invalid duration "soon" for --wait/);
    assert.throws(() => parseOptionalTimeout('--wait', 'falsey', '60s'), /invalid duration "falsey"/);
  });

  for (const command of ['join', 'unjoin']) {
    test(`${command} --wait=false is "do not wait" (it combines with --dry-run), --wait=true waits (it does not)`, async () => {
      const off = await runWithFakeEnv([command, 'cluster2', '--host-cluster-context', 'cluster1', '--dry-run', '--wait=false'], createFakeEnv(clusters()));
      assert.doesNotMatch(off.stderr, /invalid duration|--wait cannot/);
      assert.equal(off.code, command === 'join' ? 0 : 1, off.stderr);
      const on = await runWithFakeEnv([command, 'cluster2', '--host-cluster-context', 'cluster1', '--dry-run', '--wait=true'], createFakeEnv(clusters()));
      assert.equal(on.code, 2, on.stderr);
      assert.match(on.stderr, /--wait cannot be combined with --dry-run/);
      assert.doesNotMatch(on.stderr, /invalid duration/);
    });
  }
});
