// The e2e harness names a daemon that died during the tests with the line of its log that says why
// (a KubeFed controller that exits with klog.Fatalf fails every later test; CI must say so plainly).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { deadDaemons } from '../e2e/harness/cluster.js';
import type { E2eState } from '../e2e/harness/state.js';

test('a daemon that exited is named with its fatal line; a running one is not', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-dead-daemons-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'kubefed-controller-manager.log');
  writeFileSync(
    log,
    [
      "I1207 23:51:46.601125   30171 controller.go:238] Target clusters' informers not synced",
      'F1207 23:51:46.601177   30171 controller.go:257] failed to wait for all data stores to sync: timed out waiting for the condition',
      'goroutine 15802 [running]:',
      '',
    ].join('\n'),
  );
  const exited = spawnSync(process.execPath, ['-e', '0']).pid!;
  const running = { pid: process.pid, bin: process.execPath, args: [], log: path.join(dir, 'none.log') };
  const state = {
    kubefed: { pid: exited, bin: '/bin/kubefed-controller-manager', args: [], log, namespace: 'kube-federation-system', healthzPort: 1, metricsPort: 2 },
    clusters: {},
    etcd: running,
    karmada: null,
  } as unknown as E2eState;
  assert.deepEqual(deadDaemons(state), [
    {
      what: 'kubefed-controller-manager',
      why: `F1207 23:51:46.601177   30171 controller.go:257] failed to wait for all data stores to sync: timed out waiting for the condition (log ${log})`,
    },
  ]);
});
