// federate --contents as a person at a terminal sees it: the built CLI under a real pseudo-terminal
// against a fake API server on 127.0.0.1 (the in-memory fake cluster cannot reach a separate
// process), the screen rebuilt by a terminal emulator. The same command through pipes gives the
// same stdout byte for byte and no control characters on stderr.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { apiError } from '../helpers/fake-cluster.js';
import type { FakeApiServer, WatchableFakeCluster } from '../helpers/fake-apiserver.js';
import { assertGolden } from '../helpers/golden.js';
import { hostWithNamespace, servedClusters } from '../helpers/terminal-fixtures.js';
import { CONTROL_CHARACTERS, HAS_SCRIPT, SPINNER_FRAMES, maskScreen, runInTerminal, runPiped } from '../helpers/terminal.js';

const GOLDEN = path.resolve(import.meta.dirname, '../golden/terminal');
const FEDERATE = ['federate', 'namespace', 'big', '--contents', '--host-cluster-context', 'host'];
const FEDERATED_TYPES = ['federatednamespaces', 'federatedconfigmaps', 'federatedsecrets'];

function federatedCount(cluster: WatchableFakeCluster): number {
  return FEDERATED_TYPES.reduce((sum, resource) => sum + cluster.all({ group: 'types.kubefed.io', version: 'v1beta1', resource }).length, 0);
}

describe('federate --contents at a terminal', { skip: !HAS_SCRIPT && 'no script(1) on this machine' }, () => {
  const clusters = servedClusters();
  /** A fresh host with namespace "big" holding `count` objects to federate; its kubeconfig. */
  async function host(count: number, writeLatencyMs = 1): Promise<{ server: FakeApiServer; env: Record<string, string> }> {
    const { env, servers } = await clusters.serve([hostWithNamespace('big', count)], { writeLatencyMs });
    return { server: servers[0]!, env };
  }

  test('1,000 objects: the plan first, a bar that reaches 100%, then a summary of what was written (golden screen)', { timeout: 90_000 }, async () => {
    const { server, env } = await host(1000);
    let sawBarMoving = false;
    const run = await runInTerminal(FEDERATE, {
      env,
      onOutput: (raw) => {
        sawBarMoving ||= /Federating [━─]+ +\d+% [\d,]+\/1,000/.test(raw.slice(-400)) && !/100%/.test(raw.slice(-400));
      },
    });
    assert.equal(run.code, 0, run.raw);
    assert.equal(federatedCount(server.cluster), 1000, 'every object was written');
    assert.ok(sawBarMoving, 'the bar was drawn before the writes were done');
    assert.deepEqual(
      run.rows.filter((row) => SPINNER_FRAMES.test(row)),
      [],
      'no row keeps a spinner frame',
    );
    const bars = run.rows.filter((row) => /Federating .*%/.test(row));
    assert.deepEqual(
      bars.map((row) => row.replace(/ · in .*/, '')),
      ['✔ Federating ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 100% 1,000/1,000'],
      'one bar is left, at 100%',
    );
    const planAt = run.rows.indexOf('Plan (nothing is written yet):');
    const barAt = run.rows.indexOf(bars[0]!);
    assert.ok(planAt >= 0 && planAt < barAt, 'the table before the writes is labelled a plan');
    // A plan of 1,002 rows would scroll the screen away: at a terminal it is a count per type and action.
    assert.deepEqual(run.rows.slice(planAt + 1, planAt + 8), [
      'TYPE             COUNT  PLAN',
      'namespaces           1  federate as FederatedNamespace',
      'configmaps         700  federate as FederatedConfigMap',
      'secrets            299  federate as FederatedSecret',
      'configmaps           1  skipped: created by Kubernetes in every namespace',
      'serviceaccounts      1  skipped: created by Kubernetes in every namespace',
      'Plan: federate 1,000 object(s) of 3 type(s), skip 2 (each object: --dry-run or -v=2)',
    ]);
    assert.equal(barAt - planAt, 8 + 1000, 'the plan is followed by the results on stdout, not one stderr row per object');
    assert.equal(run.screen[run.screen.length - 1], 'federated 1,000 of 1,000 object(s) of 3 type(s); 2 skipped', 'the summary comes last, after the writes');
    assert.equal(run.cursorHidden, false, 'the cursor is shown again');
    assertGolden(path.join(GOLDEN, 'federate-contents-1000.screen'), maskScreen(run.screen));
  });

  test('the full plan, one row per object, stays with --dry-run and -v=2 at a terminal and wherever stderr is not one', { timeout: 90_000 }, async () => {
    const fullPlan = (rows: readonly string[]) => {
      const at = rows.indexOf('Plan (nothing is written yet):');
      return { header: rows[at + 1], objects: rows.filter((row) => /^(configmaps|secrets) +(settings|secret)-\d{4} +federate as /.test(row)).length };
    };
    const summary = await runInTerminal(FEDERATE, { env: (await host(40)).env });
    assert.equal(summary.code, 0, summary.raw);
    assert.deepEqual(fullPlan(summary.rows), { header: 'TYPE             COUNT  PLAN', objects: 0 }, 'a summary at a terminal');
    const dryRun = await runInTerminal([...FEDERATE, '--dry-run'], { env: (await host(40)).env });
    assert.equal(dryRun.code, 0, dryRun.raw);
    assert.deepEqual(fullPlan(dryRun.rows), { header: 'TYPE             NAME              PLAN', objects: 39 });
    const verbose = await runInTerminal([...FEDERATE, '-v=2'], { env: (await host(40)).env });
    assert.equal(verbose.code, 0, verbose.raw);
    assert.deepEqual(fullPlan(verbose.rows), { header: 'TYPE             NAME              PLAN', objects: 39 });
    const piped = await runPiped(FEDERATE, (await host(40)).env);
    assert.equal(piped.code, 0, piped.stderr);
    assert.deepEqual(fullPlan(piped.stderr.split('\n')), { header: 'TYPE             NAME              PLAN', objects: 39 });
    assert.match(piped.stderr, /\nPlan: federate 40 object\(s\) of 3 type\(s\), skip 2\n/);
  });

  test('failed writes: each warning on its own row while the bar runs, the bar and the summary count them', { timeout: 90_000 }, async () => {
    const { server, env } = await host(200, 2);
    for (const name of ['settings-0010', 'settings-0070', 'secret-0030']) {
      server.cluster.failOn({ verb: 'create', name, error: apiError(422, `admission webhook denied ${name}`, { reason: 'Invalid' }) });
    }
    const run = await runInTerminal(FEDERATE, { env });
    assert.equal(run.code, 1, run.raw);
    assert.equal(federatedCount(server.cluster), 197);
    assert.deepEqual(
      run.rows.filter((row) => SPINNER_FRAMES.test(row)),
      [],
    );
    const warnings = run.rows.filter((row) => row.includes('Warning:'));
    assert.equal(warnings.length, 3, run.rows.join('\n'));
    for (const row of warnings) assert.match(row, /^Warning: Error creating federated resource "big\/(settings|secret)-00\d0"/, 'a warning starts its own row');
    assert.deepEqual(
      run.rows.filter((row) => /Federating .*%/.test(row)).map((row) => row.replace(/ · in \S+ · \S+/, '')),
      ['✖ Federating ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 100% 200/200 · 3 failed'],
    );
    const summary = run.rows.findIndex((row) => row.startsWith('federated '));
    assert.equal(run.rows[summary], 'federated 197 of 200 object(s) of 3 type(s); 3 failed, 2 skipped');
    assert.match(
      run.rows.slice(summary + 1).join('\n'),
      /^error: 3 federated resource\(s\) could not be written:\n {2}- Error creating federated resource "big\/settings-0010"/,
      'the failures are listed after the summary',
    );
  });

  test('without a terminal: the same stdout byte for byte, no control characters on stderr, no live lines', { timeout: 90_000 }, async () => {
    const atTerminal = await host(300);
    const stdoutFile = path.join(clusters.dir, 'stdout');
    const run = await runInTerminal(FEDERATE, { env: atTerminal.env, stdoutFile });
    assert.equal(run.code, 0, run.raw);
    assert.match(run.raw, /\u001b\[\?25l/, 'stderr was a terminal: live lines were drawn');
    const piped = await host(300);
    const plain = await runPiped(FEDERATE, piped.env);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(readFileSync(stdoutFile, 'utf8'), plain.stdout, 'stdout does not depend on a terminal on stderr');
    assert.equal(plain.stdout.split('\n').length - 1, 300);
    assert.doesNotMatch(plain.stderr, CONTROL_CHARACTERS);
    assert.match(plain.stderr, /^Plan \(nothing is written yet\):\nTYPE/);
    assert.match(plain.stderr, /\nfederated 300 of 300 object\(s\) of 3 type\(s\); 2 skipped\n$/);
  });

  test('Ctrl-C while writing: the bar stays, marked interrupted, the line ends and the cursor is shown', { timeout: 90_000 }, async () => {
    const { env } = await host(1000, 20);
    let pressed = false;
    const run = await runInTerminal(FEDERATE, {
      env,
      onOutput: (raw, type) => {
        if (!pressed && /Federating [━─]+ +\d+% [1-9][\d,]*\/1,000/.test(raw.slice(-300))) {
          pressed = true;
          type('\u0003');
        }
      },
    });
    assert.ok(pressed, 'the bar was seen');
    assert.equal(run.code, 130, run.raw);
    assert.equal(run.cursorHidden, false, 'the cursor is shown again');
    assert.deepEqual(
      run.rows.filter((row) => SPINNER_FRAMES.test(row)),
      [],
    );
    const [bar, error, ...rest] = run.screen.slice(-2);
    assert.match(bar ?? '', /^✖ Federating [━─]+ +\d+% [\d,]+\/1,000 · interrupted after \d+s$/, run.screen.join('\n'));
    assert.equal(error, 'error: interrupted by SIGINT');
    assert.deepEqual(rest, []);
  });

  test('CI, -q and -o: no live lines, no next steps; NO_COLOR: live lines without colour', { timeout: 90_000 }, async () => {
    const { env } = await host(5);
    const ci = await runInTerminal(FEDERATE, { env: { ...env, CI: 'true' } });
    assert.equal(ci.code, 0, ci.raw);
    assert.doesNotMatch(ci.raw, /\u001b\[/, 'in CI a terminal gets plain lines');
    const yaml = await runInTerminal([...FEDERATE, '-o', 'yaml'], { env });
    assert.doesNotMatch(yaml.raw, /\u001b\[\?25l/, '-o: stdout is data, no live lines');
    const quiet = await runInTerminal([...FEDERATE, '-q'], { env });
    assert.doesNotMatch(quiet.raw, /\u001b\[\?25l|federated \d/);
    const noColor = await runInTerminal(FEDERATE, { env: { ...env, NO_COLOR: '1' } });
    assert.match(noColor.raw, /\u001b\[\?25l/, 'live lines are drawn');
    assert.doesNotMatch(noColor.raw, /\u001b\[\d+m/, 'without colour');
  });
});
