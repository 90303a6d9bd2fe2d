// The live lines (src/cli/progress.ts) and what they say (progress-format.ts), in process: the
// bytes they write are replayed through a terminal emulator and the screen is checked.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import type { OutputStream } from '../../src/cli/context.js';
import { formatCount } from '../../src/core/count.js';
import { RateMeter, fitToWidth, formatElapsed, formatRate, glyphsFor, progressBar, progressLine } from '../../src/cli/progress-format.js';
import { createLiveTerminal } from '../../src/cli/progress.js';
import { PLAIN } from '../../src/cli/ui.js';
import { emulate } from '../helpers/terminal.js';

describe('what the live lines say', () => {
  test('counts, times and rates as a person reads them', () => {
    assert.deepEqual([0, 999, 1000, 10001, 1234567].map(formatCount), ['0', '999', '1,000', '10,001', '1,234,567']);
    assert.deepEqual([0, 400, 16_000, 125_000, 3_720_000].map(formatElapsed), ['0s', '0s', '16s', '2m05s', '1h02m']);
    assert.deepEqual([357.4, 4.24, 0.05].map(formatRate), ['357/s', '4.2/s', '<0.1/s']);
  });

  test('a bar fills in proportion, in ASCII on terminals without Unicode', () => {
    assert.equal(progressBar(0.5, 10, true), '━━━━━─────');
    assert.equal(progressBar(1.2, 4, true), '━━━━');
    assert.equal(progressBar(0.25, 8, false), '[##------]');
  });

  test('the progress line: rate and time left while running, total time and average rate when done, failures always', () => {
    const running = progressLine({ title: 'Federating', done: 4512, failed: 0, total: 10001, elapsedMs: 13_000, perSecond: 350 }, 100, true);
    assert.equal(running, `Federating ${'━'.repeat(14)}${'─'.repeat(16)}  45% 4,512/10,001 · 350/s · 16s left`);
    const starting = progressLine({ title: 'Federating', done: 3, failed: 0, total: 10, elapsedMs: 100, perSecond: undefined }, 100, true);
    assert.match(starting, / 30% 3\/10$/, 'no rate before there is one to say');
    const done = progressLine({ title: 'Federating', done: 10001, failed: 3, total: 10001, elapsedMs: 28_000, perSecond: 400 }, 100, true);
    assert.match(done, /━{30} 100% 10,001\/10,001 · in 28s · 357\/s · 3 failed$/);
    const narrow = progressLine({ title: 'Federating', done: 1, failed: 0, total: 2, elapsedMs: 0, perSecond: undefined }, 30, true);
    assert.equal(narrow, 'Federating  50% 1/2', 'no bar when there is no room for one');
  });

  test('the rate is over the last seconds: a stall shows', () => {
    const meter = new RateMeter(5000);
    assert.equal(meter.perSecond(0), undefined);
    meter.sample(0, 0);
    for (let t = 1000; t <= 10_000; t += 1000) meter.sample(t, t <= 5000 ? t / 10 : 500);
    assert.equal(meter.perSecond(10_000), 0, 'nothing finished in the last 5 s');
    const early = new RateMeter();
    early.sample(0, 0);
    early.sample(200, 20);
    assert.equal(early.perSecond(200), undefined, 'not from a fifth of a second');
  });

  test('lines are cut to the width with an ellipsis, wide characters counted as two cells', () => {
    const width = (text: string) => [...text].reduce((sum, char) => sum + (/[\u4e00-\u9fff]/.test(char) ? 2 : 1), 0);
    assert.equal(fitToWidth('short', 10, width), 'short');
    assert.equal(fitToWidth('a long line of text', 10, width), 'a long li…');
    assert.equal(fitToWidth('名前名前名前', 7, width), '名前名…');
  });
});

/** A terminal-like stderr (and optionally stdout) that records every byte. */
function fakeTerminal(columns = 60, rows = 10, stdoutIsTerminal = false, unicode = true) {
  let written = '';
  const stderr: OutputStream = { isTTY: true, write: (chunk: string) => (written += chunk) };
  const stdout: OutputStream = { isTTY: stdoutIsTerminal, write: (chunk: string) => (written += chunk) };
  const live = createLiveTerminal({ stderr, stdout, size: () => ({ columns, rows }), painter: PLAIN, unicode });
  return { stderr, stdout, live, raw: () => written, screen: async () => (await emulate(written, columns, rows, { lineDiscipline: true })).rows };
}

describe('terminals without Unicode (the Linux console, old Windows consoles)', () => {
  const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
  test('every glyph, separator and ellipsis is printable ASCII', () => {
    for (const [name, glyph] of Object.entries(glyphsFor(false))) for (const text of [glyph].flat()) assert.match(text, PRINTABLE_ASCII, name);
    for (const state of [
      { title: 'Federating', done: 4512, failed: 2, total: 10001, elapsedMs: 13_000, perSecond: 350 },
      { title: 'Federating', done: 10001, failed: 3, total: 10001, elapsedMs: 28_000, perSecond: 400 },
    ]) {
      const line = progressLine(state, 100, false);
      assert.match(line, PRINTABLE_ASCII, line);
      assert.match(line, /failed$/);
    }
    assert.equal(
      fitToWidth('a long line of text', 10, (text) => text.length, '...'),
      'a long ...',
    );
  });

  test('what the live lines write, escape sequences aside, is ASCII', async () => {
    const term = fakeTerminal(30, 5, false, false);
    const tasks = term.live.tasks('Joining 6 clusters', ['a', 'b', 'c', 'd', 'e', 'f']);
    tasks.task('a').update(`joining: ${'x'.repeat(80)}`);
    tasks.task('b').fail('failed');
    await sleep(200);
    tasks.finish(false, 'Joined 0 of 6 clusters');
    const bar = term.live.progress('Federating', 4);
    bar.advance(true);
    term.live.restore();
    const text = term
      .raw()
      .replace(/\u001b\[[?\d;]*[A-Za-z]/g, '')
      .replace(/[\r\n]/g, '');
    assert.match(text, PRINTABLE_ASCII, text);
    const screen = await term.screen();
    assert.equal(screen[0], 'x Joined 0 of 6 clusters');
    assert.ok(screen.includes('  x b  failed') && screen.includes('  . c  pending'), screen.join('\n'));
    assert.match(screen.slice(-2).join(''), /^x Federating  25% 1\/4 - interrupted after 0s$/);
  });
});

describe('the live lines at a terminal', () => {
  test('a warning written while a spinner runs gets its own row; the spinner comes back below it', async () => {
    const term = fakeTerminal();
    const originalWrite = term.stderr.write;
    const spinner = term.live.spinner('Joining cluster "c2"');
    assert.match((await term.screen()).join('\n'), /^⠋ Joining cluster "c2"$/);
    term.stderr.write('Warning: something to know\n');
    assert.deepEqual(await term.screen(), ['Warning: something to know'], 'the frame was erased before the warning');
    await sleep(200);
    assert.deepEqual(
      (await term.screen()).map((row) => row.replace(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/, '*')),
      ['Warning: something to know', '* Joining cluster "c2"'],
    );
    spinner.succeed('Cluster "c2": joined');
    assert.deepEqual(await term.screen(), ['Warning: something to know', '✔ Cluster "c2": joined']);
    assert.equal(term.stderr.write, originalWrite, 'the stream is given back');
    assert.ok(term.raw().lastIndexOf('\u001b[?25h') > term.raw().lastIndexOf('\u001b[?25l'), 'the cursor is shown again');
  });

  test('stdout is routed around the live lines only when it is the terminal too', async () => {
    const piped = fakeTerminal(60, 10, false);
    const before = piped.stdout.write;
    const bar = piped.live.progress('Federating', 10);
    assert.equal(piped.stdout.write, before, 'a piped stdout is not touched');
    bar.finish();
    const shared = fakeTerminal(60, 10, true);
    const spinner = shared.live.spinner('Reading');
    shared.stdout.write('data line\n');
    spinner.stop();
    assert.deepEqual(await shared.screen(), ['data line'], 'a stopped spinner leaves nothing');
  });

  test('long lines never wrap (they could not be erased), and the lines fit the screen', async () => {
    const term = fakeTerminal(30, 5);
    const tasks = term.live.tasks('Joining 6 clusters', ['a', 'b', 'c', 'd', 'e', 'f']);
    tasks.task('a').update(`joining: ${'x'.repeat(80)}`);
    await sleep(200);
    const screen = await term.screen();
    assert.equal(screen.length, 4, 'one row less than the screen holds');
    assert.ok(screen.every((row) => row.length < 30));
    assert.match(screen[1]!, /^ {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] a {2}joining: x+…$/);
    assert.equal(screen[3], '… and 4 more');
  });

  test('tasks end as ✔ or ✖ with what happened, under a summary', async () => {
    const term = fakeTerminal(80, 10);
    const tasks = term.live.tasks('Joining 3 clusters', ['c2', 'c3', 'c10']);
    tasks.task('c2').succeed('joined, Ready');
    tasks.task('c3').fail('failed: Unable to reach cluster "c3"\nmore detail');
    tasks.finish(false, 'Joined 1 of 3 clusters; 1 failed');
    assert.deepEqual(await term.screen(), [
      '✖ Joined 1 of 3 clusters; 1 failed',
      '  ✔ c2   joined, Ready',
      '  ✖ c3   failed: Unable to reach cluster "c3"',
      '  · c10  pending',
    ]);
  });

  test('restore (a signal) leaves the live lines marked interrupted; false when nothing is live', async () => {
    const term = fakeTerminal(100, 10);
    assert.equal(term.live.restore(), false);
    const bar = term.live.progress('Federating', 4);
    bar.advance(true);
    assert.equal(term.live.restore(), true);
    assert.match((await term.screen())[0]!, /^✖ Federating ━+─+ +25% 1\/4 · interrupted after 0s$/);
    assert.ok(term.raw().endsWith('\n\u001b[?25h'), 'the line is ended and the cursor shown');
  });
});
