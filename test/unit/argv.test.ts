import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flagTable, normalizeArgv } from '../../src/cli/argv.js';
import { createProgram } from '../../src/cli/program.js';

const program = createProgram(
  { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: '/', homeDir: '/' },
  { settings: { verbosity: 0, quiet: false, color: false }, pending: undefined, ignoredFlagsUsed: [] },
);
const TABLE = flagTable(program);
const norm = (...argv: string[]) => normalizeArgv(argv, TABLE).args;

describe('pflag-style command lines', () => {
  test('--flag=false and --flag=true for booleans (Go ParseBool values)', () => {
    assert.deepEqual(norm('join', 'c2', '--error-on-existing=false'), ['join', 'c2', '--no-error-on-existing']);
    assert.deepEqual(norm('join', 'c2', '--error-on-existing=1'), ['join', 'c2', '--error-on-existing']);
    assert.deepEqual(norm('unjoin', 'c2', '--force=F'), ['unjoin', 'c2', '--no-force']);
    assert.throws(() => norm('join', '--force=maybe'), /invalid value "maybe" for --force: expected true or false/);
  });
  test('a bare --dry-run means client and never swallows the next word', () => {
    assert.deepEqual(norm('join', '--dry-run', 'c2'), ['join', '--dry-run=client', 'c2']);
    assert.deepEqual(norm('join', '--dry-run=server', 'c2'), ['join', '--dry-run=server', 'c2']);
  });
  test('the flag table comes from the command tree', () => {
    for (const name of [
      'error-on-existing',
      'force',
      'delete-crd',
      'enable-type',
      'contents',
      'recursive',
      'offline',
      'quiet',
      'color',
      'logtostderr',
      'one-output',
    ]) {
      assert.ok(TABLE.booleans.has(name), `${name} is a boolean flag`);
    }
    assert.deepEqual(Object.fromEntries(TABLE.presets), { 'dry-run': 'client', wait: '60s' });
    assert.ok(TABLE.subcommands.has('orphaning-deletion') && TABLE.subcommands.has('help'));
    assert.ok(TABLE.rootFlagsWithValue.has('--v') && TABLE.rootFlagsWithValue.has('--vmodule'));
    assert.ok(!TABLE.booleans.has('kubeconfig'));
  });
  test('klog -v forms', () => {
    assert.deepEqual(norm('-v=2', 'join'), ['--v=2', 'join']);
    assert.deepEqual(norm('join', '-v4'), ['join', '--v=4']);
    assert.deepEqual(norm('join', '-v', '6'), ['join', '-v', '6']);
  });
  test('underscores in flag names are converted with a warning', () => {
    const { args, warnings } = normalizeArgv(['join', '--host_cluster_context=c1'], TABLE);
    assert.deepEqual(args, ['join', '--host-cluster-context=c1']);
    assert.match(warnings[0]!, /host_cluster_context has been converted to host-cluster-context/);
  });
  test('subcommand flags before the subcommand move after it (the Go tool accepts them there)', () => {
    assert.deepEqual(norm('--kubeconfig', 'k', 'enable', 'deployments.apps'), ['enable', '--kubeconfig', 'k', 'deployments.apps']);
    assert.deepEqual(norm('--v', '2', '--kubeconfig=k', 'orphaning-deletion', 'status', 'fdeploy', 'x'), [
      '--v',
      '2',
      'orphaning-deletion',
      'status',
      '--kubeconfig=k',
      'fdeploy',
      'x',
    ]);
  });
  test('arguments after -- are left alone', () => {
    assert.deepEqual(norm('federate', '--', '--dry-run'), ['federate', '--', '--dry-run']);
  });
});
