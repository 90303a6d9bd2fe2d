// enable and disable at a terminal: the next step after enable, a spinner while disable waits for
// the propagation controller to stop. The built CLI under a pseudo-terminal, a fake API server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WatchableFakeCluster } from '../helpers/fake-apiserver.js';
import { HAS_SCRIPT, SPINNER_FRAMES, emulate, runInTerminal, runPiped } from '../helpers/terminal.js';
import { KUBEFED_NS, servedClusters } from '../helpers/terminal-fixtures.js';

const REF = `"${KUBEFED_NS}/deployments.apps"`;

describe('enable and disable at a terminal', { skip: !HAS_SCRIPT && 'no script(1) on this machine' }, () => {
  const clusters = servedClusters();
  const serve = async (cluster: WatchableFakeCluster) => (await clusters.serve([cluster])).env;

  test('enable: the next step says how to federate an object of the type, only at a terminal', { timeout: 60_000 }, async () => {
    const run = await runInTerminal(['enable', 'deployments.apps'], { env: await serve(new WatchableFakeCluster({ contextName: 'host' }).installKubeFed()) });
    assert.equal(run.code, 0, run.raw);
    assert.deepEqual(run.screen.slice(-3), [
      '',
      'Next, federate an object of this type (Deployment):',
      '  kubefedctl federate deployments.apps <name> -n <namespace>',
    ]);
    const cluster = await serve(new WatchableFakeCluster({ contextName: 'host' }).installKubeFed());
    const piped = await runPiped(['enable', 'deployments.apps'], cluster);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, '', 'no next steps without a terminal');
    const namespaces = await runInTerminal(['enable', 'namespaces', '-o', 'yaml'], { env: cluster });
    assert.doesNotMatch(namespaces.raw, /Next,/, 'none with -o');
  });

  test('disable: a spinner says what it waits for while the propagation controller stops, then a ✔ line', { timeout: 60_000 }, async () => {
    const cluster = new WatchableFakeCluster({ contextName: 'host' }).installKubeFed();
    cluster.enableType('deployments.apps', { propagationController: 'Running' });
    cluster.stopsPropagationControllerAfterPatch(1500);
    // Every output so far that ends near the spinner's text: one chunk may also hold the erase before a
    // redraw, so the screen is judged on each of them, not on the first alone.
    const whileWaiting: string[] = [];
    const run = await runInTerminal(['disable', 'deployments.apps'], {
      env: await serve(cluster),
      cols: 140,
      onOutput: (raw) => {
        if (/Waiting for the propagation controller/.test(raw.slice(-200))) whileWaiting.push(raw);
      },
    });
    assert.equal(run.code, 0, run.raw);
    assert.ok(whileWaiting.length > 0, 'the spinner was drawn');
    const spinnerRow = new RegExp(`^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting for the propagation controller of FederatedTypeConfig ${REF} to stop \\(up to 10s\\)`);
    const lastRows = await Promise.all(whileWaiting.map(async (raw) => (await emulate(raw, 140, 30)).screen.at(-1) ?? ''));
    assert.ok(
      lastRows.some((row) => spinnerRow.test(row)),
      `the spinner's line was the last on screen while waiting:\n${lastRows.join('\n')}`,
    );
    assert.deepEqual(
      run.rows.filter((row) => SPINNER_FRAMES.test(row)),
      [],
    );
    assert.deepEqual(
      run.screen.map((row) => row.replace(/ \(\ds\)$/, '')),
      [
        `Disabled propagation for FederatedTypeConfig ${REF}`,
        `Verifying propagation controller is stopped for FederatedTypeConfig ${REF}`,
        `✔ Waited for the propagation controller of FederatedTypeConfig ${REF} to stop`,
        `Propagation controller for FederatedTypeConfig ${REF} is stopped`,
        `federatedtypeconfig ${REF} deleted`,
      ],
    );
  });
});
