// What a person at a terminal sees against real clusters and the real KubeFed controller: the
// built CLI under a pseudo-terminal (script(1)), its screen rebuilt by a terminal emulator.
// (test/cli/terminal-*.test.ts cover the same screens against a fake API server, with goldens.)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type E2eEnv, loadE2eEnv } from './harness/env.js';
import { E2E_DIR } from './harness/state.js';
import { NS, describeRun, kubefedctl, waitForNamespaceGone } from './support.js';
import { HAS_SCRIPT, SPINNER_FRAMES, runInTerminal } from '../helpers/terminal.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
// The last member: earlier files stop and restart cluster2's apiserver, and one CI run saw KubeFed
// report no condition at all for a re-joined cluster2 for 90 s (see the diagnostic below).
const MEMBER = env.clusters.filter((c) => c !== HOST).at(-1)!;
const APP = `kfc-tty-${process.pid}`;
const COUNT = 200;
const base = ['--kubeconfig', env.kubeconfig, '--host-cluster-context', HOST];

describe('at a terminal, against KubeFed', { timeout: 900_000, skip: !HAS_SCRIPT && 'no script(1) on this machine' }, () => {
  let home: string;
  before(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'kfc-e2e-tty-'));
    await kubefedctl(env, ['unjoin', MEMBER, ...base, '--force']);
    await waitForNamespaceGone(env, MEMBER, NS);
  });
  after(async () => {
    await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${APP}`);
    await kubefedctl(env, ['unjoin', MEMBER, ...base, '--force']);
    rmSync(home, { recursive: true, force: true });
  });

  test('join --wait: what it waits for, the conditions KubeFed reports as they change, then joined, Ready', async (t) => {
    const run = await runInTerminal(['join', MEMBER, ...base, '--wait=90s'], { cols: 200, env: { HOME: home }, timeoutMs: 150_000 });
    t.diagnostic(`the final screen:\n${run.screen.join('\n')}`);
    assert.equal(run.code, 0, `${run.raw}\n--- the KubeFed controller's last lines about ${MEMBER}:\n${kubefedLogAbout(MEMBER)}`);
    assert.equal(run.cursorHidden, false);
    assert.deepEqual(
      run.rows.filter((row) => SPINNER_FRAMES.test(row)),
      [],
      run.rows.join('\n'),
    );
    assert.ok(run.rows.includes(`Waiting up to 90s for KubeFed to report cluster "${MEMBER}" Ready; its conditions as they change:`), run.rows.join('\n'));
    const conditions = run.rows.filter((row) => row.startsWith(`  KubeFedCluster "${MEMBER}": `));
    assert.ok(conditions.length >= 1, run.rows.join('\n'));
    assert.match(
      conditions[conditions.length - 1]!,
      /Ready=True \(ClusterReady: \/healthz responded with ok\)/,
      'the last change is the one that ended the wait',
    );
    assert.equal(new Set(conditions).size, conditions.length, 'a change is shown once, not at every probe');
    const done = run.rows.findIndex((row) => row.startsWith(`✔ Cluster "${MEMBER}": joined, Ready`));
    assert.ok(done >= 0, run.rows.join('\n'));
    assert.equal(run.rows[done + 1], `kubefedcluster.core.kubefed.io/${MEMBER} joined, Ready`);
    assert.ok(
      run.rows.some((row) => row.startsWith('  kubefedctl federate namespace <namespace> --contents --host-cluster-context')),
      'the next step',
    );
  });

  test(`federate --contents of ${COUNT} objects: the plan, a bar that reaches 100%, a summary of what the host holds`, async (t) => {
    assert.equal((await env.adminRequest(HOST, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP } })).status, 201);
    for (let start = 1; start <= COUNT - 1; start += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, COUNT - start) }, (_, i) =>
          env.adminRequest(HOST, 'POST', `/api/v1/namespaces/${APP}/configmaps`, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `settings-${start + i}` },
            data: { index: String(start + i) },
          }),
        ),
      );
    }
    const run = await runInTerminal(['federate', 'namespace', APP, '--contents', ...base], { env: { HOME: home }, timeoutMs: 150_000 });
    t.diagnostic(`the last rows:\n${run.screen.slice(-4).join('\n')}`);
    assert.equal(run.code, 0, run.raw);
    assert.deepEqual(
      run.rows.filter((row) => SPINNER_FRAMES.test(row)),
      [],
    );
    assert.ok(run.rows.indexOf('Plan (nothing is written yet):') >= 0);
    const bars = run.rows.filter((row) => /Federating .*%/.test(row));
    assert.equal(bars.length, 1, run.rows.join('\n'));
    assert.match(bars[0]!, new RegExp(`^✔ Federating ━+ 100% ${COUNT}/${COUNT} · in \\d+s · [\\d.,]+/s$`));
    const listed = await env.adminRequest(HOST, 'GET', `/apis/types.kubefed.io/v1beta1/namespaces/${APP}/federatedconfigmaps`);
    const written = (listed.body.items as unknown[]).length + 1;
    assert.equal(written, COUNT, describeRun({ stdout: '', stderr: run.raw, code: run.code }));
    // kube-root-ca.crt and the default ServiceAccount are skipped once the controller-manager has made them.
    assert.match(run.screen[run.screen.length - 1]!, new RegExp(`^federated ${COUNT} of ${COUNT} object\\(s\\) of 2 type\\(s\\); [0-2] skipped$`));
  });
});

/** What the KubeFed controller logged about a cluster (the harness keeps its log in .e2e/logs), for a failure message. */
function kubefedLogAbout(cluster: string): string {
  try {
    const log = readFileSync(path.join(E2E_DIR, 'logs', 'kubefed-controller-manager.log'), 'utf8');
    return log
      .split('\n')
      .filter((line) => line.includes(`"${cluster}"`) || line.includes(` ${cluster}`))
      .slice(-15)
      .join('\n');
  } catch (error) {
    return `(no log: ${(error as Error).message})`;
  }
}
