// join as a person at a terminal sees it: the built CLI under a real pseudo-terminal against fake
// API servers on 127.0.0.1 whose timers play the token controller and KubeFed's health checks.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FAKE_TOKEN, type WatchableFakeCluster } from '../helpers/fake-apiserver.js';
import { assertGolden } from '../helpers/golden.js';
import { CONTROL_CHARACTERS, HAS_SCRIPT, emulate, SPINNER_FRAMES, maskScreen, runInTerminal, runPiped } from '../helpers/terminal.js';
import { joinHost, joinMember, servedClusters } from '../helpers/terminal-fixtures.js';

const GOLDEN = path.resolve(import.meta.dirname, '../golden/terminal');
const ROOT = path.resolve(import.meta.dirname, '../..');
/** Wide enough that a line of conditions fits on one row. */
const COLS = 160;
const JOIN_WAIT = ['join', 'member', '--host-cluster-context', 'host', '--wait=30s'];
const CONDITIONS = [
  '  KubeFedCluster "member": Offline=True (ClusterNotReachable: cluster is not reachable)',
  '  KubeFedCluster "member": Ready=False (ClusterNotReady: /healthz responded without ok), Offline=False (ClusterReachable: cluster is reachable)',
  '  KubeFedCluster "member": Ready=True (ClusterReady: /healthz responded with ok)',
];

describe('join at a terminal', { skip: !HAS_SCRIPT && 'no script(1) on this machine' }, () => {
  const clusters = servedClusters();
  async function serve(...members: WatchableFakeCluster[]): Promise<Record<string, string>> {
    return (await clusters.serve(members)).env;
  }

  test(
    '--wait says what it waits for, shows each change of the conditions, ends with "joined, Ready" and the next step (golden screen)',
    { timeout: 90_000 },
    async () => {
      const env = await serve(joinHost(), joinMember('member'));
      let whileWaiting: string | undefined;
      const run = await runInTerminal(JOIN_WAIT, {
        env,
        cols: COLS,
        onOutput: (raw) => {
          // Once the spinner is drawn again under the first change.
          if (whileWaiting === undefined && raw.includes('Offline=True') && raw.lastIndexOf('Waiting for KubeFed') > raw.indexOf('Offline=True'))
            whileWaiting = raw;
        },
      });
      assert.equal(run.code, 0, run.raw);
      assert.equal(run.cursorHidden, false);
      assert.deepEqual(
        run.rows.filter((row) => SPINNER_FRAMES.test(row)),
        [],
        'no row keeps a spinner frame',
      );
      // The warning printed while the spinner ran starts its own row (it used to be glued to the frame).
      assert.match(run.rows[0]!, /^Warning: the API endpoint of cluster "member" is a loopback address/);
      for (const line of CONDITIONS) assert.equal(run.rows.filter((row) => row === line).length, 1, `shows ${line} once`);
      assert.deepEqual(
        run.rows.filter((row) => row.startsWith('  KubeFedCluster')),
        CONDITIONS,
        'in the order they came',
      );
      assert.deepEqual(
        run.screen.slice(-5).map((row) => row.replace(/ \(\d+s\)$/, '')),
        [
          '✔ Cluster "member": joined, Ready',
          'kubefedcluster.core.kubefed.io/member joined, Ready',
          '',
          'Next, federate a namespace and what is in it to the joined cluster:',
          '  kubefedctl federate namespace <namespace> --contents --host-cluster-context host',
        ],
      );
      // While it waits, the last row is the spinner saying what for, under the conditions so far.
      assert.ok(whileWaiting, 'the conditions were shown while waiting');
      const live = await emulate(whileWaiting, COLS, 30);
      assert.match(live.screen[live.screen.length - 2]!, /^ {2}KubeFedCluster "member": Offline=True/);
      assert.match(live.screen[live.screen.length - 1]!, /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting for KubeFed to report cluster "member" Ready \(up to 30s\)/);
      assertGolden(path.join(GOLDEN, 'join-wait.screen'), maskScreen(run.screen));
    },
  );

  test(
    'the reported case: after clear, at 80 columns (the warning wraps), with keys pressed while the spinner runs, no stale spinner row stays above the warning',
    { timeout: 90_000 },
    async () => {
      const env = await serve(joinHost(), joinMember('member'));
      let typed = 0;
      const run = await runInTerminal(['join', 'member', '--host-cluster-context', 'host', '--wait'], {
        env,
        cols: 80,
        before: 'clear',
        onOutput: (raw, type) => {
          // Letters and Enter each time a new live line is drawn, twice: "Joining", then "Reading".
          const drawn = raw.split('\u001b[?2026h').length - 1;
          if (typed < 2 && drawn > typed) {
            typed++;
            type('qz\r');
          }
        },
      });
      assert.equal(run.code, 0, run.raw);
      assert.equal(typed, 2, 'keys were pressed while the live lines were drawn');
      assert.deepEqual(
        run.rows.filter((row) => SPINNER_FRAMES.test(row)),
        [],
        run.rows.join('\n'),
      );
      assert.match(run.rows[0]!, /^Warning: the API endpoint of cluster "member" is a loopback address/, run.rows.join('\n'));
      assert.ok(run.rows[1]!.length > 0 && !run.rows[1]!.startsWith('Waiting'), 'the warning wraps at 80 columns');
      assert.deepEqual(
        run.rows.filter((row) => row.includes('qz')),
        [],
        'typed keys are not echoed into the live lines',
      );
      assert.match(
        run.rows.find((row) => row.startsWith('✔'))!,
        /^✔ Cluster "member": joined, Ready/,
      );
      assert.equal(run.cursorHidden, false);
    },
  );

  test(
    'an exec credential plugin that talks on stderr while the spinner runs: its line is kept whole, on its own row, with no spinner row left',
    { timeout: 90_000 },
    async () => {
      const env = await serve(joinHost(), joinMember('member'));
      const plugin = path.join(clusters.dir, 'sign-in.sh');
      // A sign-in message in two writes (as a prompt would be), then the credential.
      writeFileSync(
        plugin,
        `#!/bin/sh\nprintf 'Signing in to member... ' >&2\nsleep 0.4\necho 'signed in' >&2\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${FAKE_TOKEN}"}}'\n`,
        { mode: 0o755 },
      );
      const kubeconfig = readFileSync(env.KUBECONFIG!, 'utf8').replace(
        `- name: member\n  user: {token: ${FAKE_TOKEN}}`,
        `- name: member\n  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never}}`,
      );
      assert.match(kubeconfig, /sign-in\.sh/);
      const file = path.join(clusters.dir, 'config-plugin');
      writeFileSync(file, kubeconfig);
      const run = await runInTerminal(['join', 'member', '--host-cluster-context', 'host'], { env: { ...env, KUBECONFIG: file }, cols: COLS });
      assert.equal(run.code, 0, run.raw);
      assert.deepEqual(
        run.rows.filter((row) => SPINNER_FRAMES.test(row)),
        [],
        run.rows.join('\n'),
      );
      assert.deepEqual(
        run.rows.filter((row) => row.includes('Signing in')),
        ['Signing in to member... signed in'],
        run.rows.join('\n'),
      );
      assert.equal(run.cursorHidden, false);
    },
  );

  test('a warning Node itself prints while the spinner runs starts its own row, and no spinner row is left', { timeout: 90_000 }, async () => {
    const env = await serve(joinHost(), joinMember('member'));
    const run = await runInTerminal(JOIN_WAIT, {
      env: { ...env, LATE_WARNING_MS: '150' },
      cols: COLS,
      nodeArgs: ['--require', path.join(ROOT, 'test/helpers/late-warning.cjs')],
    });
    assert.equal(run.code, 0, run.raw);
    assert.deepEqual(
      run.rows.filter((row) => SPINNER_FRAMES.test(row)),
      [],
      run.rows.join('\n'),
    );
    assert.equal(run.rows.filter((row) => /^\(node:\d+\) Warning: something Node itself wants to say$/.test(row)).length, 1, run.rows.join('\n'));
  });

  test('without a terminal: the same stdout, plain stderr, no next steps', { timeout: 90_000 }, async () => {
    const atTerminal = await serve(joinHost(100), joinMember('member'));
    const stdoutFile = path.join(clusters.dir, 'join-stdout');
    const run = await runInTerminal(JOIN_WAIT, { env: atTerminal, stdoutFile });
    assert.equal(run.code, 0, run.raw);
    const piped = await runPiped(JOIN_WAIT, await serve(joinHost(100), joinMember('member')));
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(readFileSync(stdoutFile, 'utf8'), piped.stdout);
    assert.equal(piped.stdout, 'kubefedcluster.core.kubefed.io/member joined, Ready\n');
    assert.doesNotMatch(piped.stderr, CONTROL_CHARACTERS);
    assert.match(piped.stderr, /^Warning: the API endpoint of cluster "member" is a loopback address .*\n$/);
    const verbose = await runPiped([...JOIN_WAIT, '-v=2'], await serve(joinHost(100), joinMember('member')));
    assert.match(verbose.stderr, /KubeFedCluster "member" reports Ready=True \(ClusterReady: \/healthz responded with ok\)\n/, '-v=2 has a line per change');
  });

  test('several clusters: one line per cluster, each ending ✔ joined or ✖ failed with the reason', { timeout: 90_000 }, async () => {
    const env = await serve(joinHost(), joinMember('m1'), joinMember('m2'));
    // m3 names a server nobody listens on.
    const kubeconfig = readFileSync(env.KUBECONFIG!, 'utf8')
      .replace('clusters:\n', 'clusters:\n- name: m3\n  cluster: {server: "http://127.0.0.1:1"}\n')
      .replace('users:\n', 'users:\n- name: m3\n  user: {token: t}\n')
      .replace('contexts:\n', 'contexts:\n- name: m3\n  context: {cluster: m3, user: m3}\n');
    const file = path.join(clusters.dir, 'config-several');
    writeFileSync(file, kubeconfig);
    const run = await runInTerminal(['join', 'm1', 'm2', 'm3', '--host-cluster-context', 'host'], { env: { ...env, KUBECONFIG: file }, cols: COLS });
    assert.equal(run.code, 1, run.raw);
    assert.deepEqual(
      run.rows.filter((row) => SPINNER_FRAMES.test(row)),
      [],
    );
    // The loopback warnings came while the lines were live: each starts its own row.
    assert.deepEqual(
      run.rows
        .filter((row) => row.includes('is a loopback address'))
        .map((row) => row.slice(0, 47))
        .sort(),
      ['Warning: the API endpoint of cluster "m1" is a ', 'Warning: the API endpoint of cluster "m2" is a '],
    );
    const at = run.rows.indexOf('✖ Joined 2 of 3 clusters; 1 failed');
    assert.ok(at >= 0, run.rows.join('\n'));
    assert.deepEqual(run.rows.slice(at + 1, at + 3), ['  ✔ m1  joined', '  ✔ m2  joined']);
    assert.match(run.rows[at + 3]!, /^ {2}✖ m3 {2}failed: Unable to reach cluster "m3"/);
    assert.deepEqual(
      run.rows.filter((row) => row.startsWith('kubefedcluster.')),
      ['kubefedcluster.core.kubefed.io/m1 joined', 'kubefedcluster.core.kubefed.io/m2 joined'],
    );
    assert.ok(run.rows.some((row) => row.startsWith('error: 1 of 3 clusters could not be joined')));
    assert.ok(!run.rows.some((row) => row.startsWith('Next,')), 'no next steps after a failure');
  });

  test('the terminal code loads only at a terminal', { timeout: 90_000 }, async () => {
    const recorder = ['--import', path.join(ROOT, 'test/helpers/record-modules.mjs')];
    const modules = path.join(clusters.dir, 'modules.json');
    const piped = await runPiped(JOIN_WAIT, { ...(await serve(joinHost(50), joinMember('member'))), RECORD_MODULES_FILE: modules }, recorder);
    assert.equal(piped.code, 0, piped.stderr);
    // The terminal code (cli/tty-ui.ts) is in dist/offline.cjs, initialised on first import; chalk's
    // colour detection requires node:tty then, which nothing else of a piped run loads.
    const builtins = (JSON.parse(readFileSync(modules, 'utf8')) as { builtins: string[] }).builtins;
    assert.ok(builtins.includes('fs'), 'recorded the built-ins');
    assert.ok(!builtins.includes('tty'), 'not without a terminal');
    const run = await runInTerminal(JOIN_WAIT, {
      env: { ...(await serve(joinHost(50), joinMember('member'))), RECORD_MODULES_FILE: modules },
      nodeArgs: recorder,
    });
    assert.equal(run.code, 0, run.raw);
    const atTerminal = (JSON.parse(readFileSync(modules, 'utf8')) as { builtins: string[] }).builtins;
    assert.ok(atTerminal.includes('tty'), 'at a terminal');
  });
});
