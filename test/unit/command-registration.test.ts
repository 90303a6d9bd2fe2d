// Only the command a command line runs is registered in full (cli/program.ts); the others keep
// their headers. None of that may show: help, errors and dispatch read as with every command.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { invokedCommandName } from '../../src/cli/argv.js';
import { COMMAND_NAMES, createProgram } from '../../src/cli/program.js';
import { runInProcess } from '../helpers/cli.js';

const ctx = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: '/', homeDir: '/' };
const state = () => ({ settings: { verbosity: 0, quiet: false, color: false }, pending: undefined, ignoredFlagsUsed: [] });
const ROOT_FLAGS_WITH_VALUE = new Set(['-v', '--v', '--vmodule', '--log-dir']);

describe('registering only the command that runs', () => {
  test('root help lists every command as it does with all of them registered', () => {
    const full = createProgram(ctx, state()).helpInformation();
    const headers = createProgram(ctx, state(), {}, ['--help']).helpInformation();
    assert.equal(headers, full);
    assert.match(full, /^ {2}join \[options\] \[CLUSTER_NAME\.\.\.\] +Register clusters/m);
    assert.match(full, /^ {2}orphaning-deletion +Manage orphaning delete policy$/m);
  });

  test('a command line gets its command alone, in full', () => {
    const program = createProgram(ctx, state(), {}, ['--kubeconfig', 'k', 'join', 'c2', '--host-cluster-context', 'c1']);
    assert.deepEqual(
      program.commands.map((command) => command.name()),
      ['join'],
    );
    assert.ok(program.commands[0]!.options.some((option) => option.long === '--error-on-existing'));
  });

  test('the command a command line runs, as commander finds it', () => {
    const name = (...argv: string[]) => invokedCommandName(argv, ROOT_FLAGS_WITH_VALUE);
    assert.equal(name('join', 'c2'), 'join');
    assert.equal(name('-v', '6', 'join'), 'join');
    assert.equal(name('--v=6', '--kubeconfig', 'k', '--host-cluster-context=c1', 'unjoin'), 'unjoin');
    assert.equal(name('--log-dir', '/tmp', '--dry-run', 'enable', 'x'), 'enable');
    assert.equal(name('--host_cluster_context', 'c1', 'get'), 'get');
    assert.equal(name('help', 'federate'), 'federate');
    assert.equal(name('--help'), undefined);
    assert.equal(name('--', 'version'), undefined);
  });

  test('help NAME is the full help of NAME', async () => {
    const viaHelp = await runInProcess(['help', 'join']);
    const viaFlag = await runInProcess(['join', '--help']);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
    assert.match(viaHelp.stdout, /--error-on-existing/);
  });

  test('a command line read differently than predicted still runs its command (every command is registered and it is parsed again)', async () => {
    const direct = await runInProcess(['version']);
    const afterDoubleDash = await runInProcess(['--', 'version']);
    assert.equal(direct.code, 0);
    assert.equal(afterDoubleDash.code, 0, afterDoubleDash.stderr);
    assert.equal(afterDoubleDash.stdout, direct.stdout);
  });

  test('an unknown command is reported with suggestions from every command', async () => {
    const result = await runInProcess(['jion', 'c2']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command "jion" for "kubefedctl" \(did you mean join\?\)/);
  });

  test('COMMAND_NAMES has every top-level command and help', () => {
    const full = createProgram(ctx, state());
    assert.deepEqual([...COMMAND_NAMES].sort(), [...full.commands.map((command) => command.name()), 'help'].sort());
  });
});

describe('the klog flags the Go tool accepts', () => {
  test('are registered only for a command line that uses one, and then still work', async () => {
    const ctxState = () => ({ settings: { verbosity: 0, quiet: false, color: false }, pending: undefined, ignoredFlagsUsed: [] });
    const sink = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: '/', homeDir: '/' };
    assert.ok(!createProgram(sink, ctxState(), {}, ['version']).options.some((option) => option.long === '--log-dir'));
    assert.ok(createProgram(sink, ctxState(), {}, ['--log_dir', '/tmp', 'version']).options.some((option) => option.long === '--log-dir'));
    const result = await runInProcess(['--log_dir', '/tmp', '--logtostderr=false', 'version']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^kubefedctl version: /);
    assert.match(result.stderr, /Warning: --log-dir is accepted for compatibility with the Go kubefedctl and has no effect/);
  });
});
