// Shell completion: the engine (Cobra's getCompletions over the real command tree), the protocol
// it prints, and the program name under which kubectl runs the plugin.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { completionTreeOf } from '../../src/cli/completion-tree.js';
import { createProgram } from '../../src/cli/program.js';
import { programNameOf, withProgramName } from '../../src/cli/program-name.js';
import {
  type CompletionPlan,
  DIRECTIVE,
  describeDirective,
  descriptionsWanted,
  formatCompletionOutput,
  planCompletion,
  withDynamicCandidates,
} from '../../src/core/completion.js';

const tree = completionTreeOf(
  createProgram(
    { stdout: { write: () => true }, stderr: { write: () => true }, stdin: Readable.from([]), env: {}, cwd: '/', homeDir: '/nonexistent' },
    { settings: { verbosity: 0, quiet: false, color: false }, pending: undefined, ignoredFlagsUsed: [] },
  ),
);

const plan = (...words: string[]) => planCompletion(tree, words);
const values = (result: CompletionPlan) => result.candidates.map((c) => c.value);

describe('completion engine (Cobra getCompletions over the commander tree)', () => {
  test('a new word at the root: the visible commands, sorted, with help; no files', () => {
    const result = plan('');
    assert.deepEqual(values(result), [
      'completion',
      'disable',
      'enable',
      'federate',
      'get',
      'help',
      'join',
      'migrate',
      'orphaning-deletion',
      'preview',
      'promote',
      'rotate-credentials',
      'status',
      'unjoin',
      'version',
    ]);
    assert.equal(result.directive, DIRECTIVE.noFileComp);
    assert.equal(result.candidates.find((c) => c.value === 'get')?.description, 'Display the joined clusters');
    assert.equal(result.dynamic, undefined);
  });

  test('a prefix narrows the commands', () => assert.deepEqual(values(plan('o')), ['orphaning-deletion']));

  test('flag names: the root flags every command accepts first, then its own, each sorted, long form before short', () => {
    const names = values(plan('federate', '-'));
    assert.deepEqual(names.slice(0, 3), ['--no-color', '--v', '-v']);
    assert.ok(names.indexOf('--contents') < names.indexOf('--dry-run'));
    assert.ok(names.includes('-f') && names.indexOf('--filename') + 1 === names.indexOf('-f'), 'the short form follows its long form');
    assert.ok(names.includes('--help') && names.includes('-h'));
    assert.equal(plan('federate', '-').directive, DIRECTIVE.noFileComp);
  });

  test('a flag prefix; hidden flags (klog, --no- forms) are never offered', () => {
    assert.deepEqual(values(plan('join', '--h')), ['--help', '--host-cluster-context', '--host-cluster-name']);
    assert.deepEqual(values(plan('join', '--no-e')), []);
    assert.deepEqual(values(plan('join', '--log')), []);
  });

  test('a flag already given is not offered again', () => {
    assert.deepEqual(values(plan('join', '--secret-name', 'x', '--se')), []);
    assert.deepEqual(values(plan('join', '--secret-name=x', '--se')), []);
  });

  test('flag values from .choices(): as the next word, after =, and for a short flag', () => {
    assert.deepEqual(values(plan('get', 'clusters', '--output', '')), ['wide', 'json', 'yaml', 'name']);
    assert.deepEqual(values(plan('get', 'clusters', '--output=j')), ['json']);
    assert.deepEqual(values(plan('get', 'clusters', '-o', 'y')), ['yaml']);
    assert.equal(plan('get', 'clusters', '-o', '').directive, DIRECTIVE.noFileComp);
    assert.deepEqual(values(plan('join', '--dry-run=')), ['none', 'client', 'server', 'true', 'false']);
  });

  test('a bare optional-value flag takes no value: the next word is an argument', () => {
    const result = plan('join', '--dry-run', '');
    assert.equal(result.dynamic?.source, 'unjoined-contexts');
  });

  test('a value with nothing to offer (a path): the shell completes file names', () => {
    const result = plan('join', '--kubeconfig', '');
    assert.deepEqual(result.candidates, []);
    assert.equal(result.directive, DIRECTIVE.default);
    assert.equal(result.dynamic, undefined);
    assert.equal(plan('federate', '-f', '').directive, DIRECTIVE.default);
  });

  test('context, namespace and cluster values come from the kubeconfig and the host cluster', () => {
    assert.equal(plan('join', 'c2', '--host-cluster-context', '').dynamic?.source, 'contexts');
    assert.equal(plan('join', 'c2', '--cluster-context=').dynamic?.source, 'contexts');
    assert.equal(plan('status', 'fdeploy', 'web', '-n', '').dynamic?.source, 'namespaces');
    const short = plan('status', 'fdeploy', 'web', '-n=sh');
    assert.equal(short.dynamic?.source, 'namespaces');
    assert.equal(short.toComplete, 'sh');
    assert.equal(plan('get', 'clusters', '--kubefed-namespace', 'k').dynamic?.source, 'namespaces');
  });

  test('the scope flags count wherever they stand, also before the command', () => {
    const result = plan('--kubeconfig', '/tmp/kc', 'unjoin', '--host-cluster-context=host', '--kubefed-namespace', 'kf', 'c2', '');
    assert.deepEqual(result.dynamic, {
      source: 'clusters',
      scope: { kubeconfig: '/tmp/kc', hostClusterContext: 'host', kubefedNamespace: 'kf' },
      exclude: ['c2'],
    });
    assert.equal(result.directive, DIRECTIVE.noFileComp);
  });

  test('positional arguments of each command', () => {
    assert.deepEqual(values(plan('get', '')), ['clusters']);
    assert.deepEqual(plan('get', 'kfc', 'a', '').dynamic?.exclude, ['a']);
    assert.equal(plan('get', 'kfc', 'a', '').dynamic?.source, 'clusters');
    assert.equal(plan('get', 'pods', '').dynamic, undefined);
    assert.equal(plan('join', 'c2', '').dynamic?.source, 'unjoined-contexts');
    assert.deepEqual(plan('join', 'c2', '').dynamic?.exclude, ['c2']);
    assert.equal(plan('status', '').dynamic?.source, 'federated-types');
    assert.equal(plan('status', 'fdeploy', '').dynamic, undefined);
    assert.equal(plan('orphaning-deletion', 'enable', '').dynamic?.source, 'federated-types');
    assert.equal(plan('disable', '').dynamic?.source, 'type-configs');
    assert.equal(plan('federate', '').dynamic?.source, 'type-configs');
    for (const words of [
      ['version', ''],
      ['enable', ''],
      ['status', 'a', 'b', ''],
    ]) {
      const result = plan(...words);
      assert.deepEqual(result.candidates, [], words.join(' '));
      assert.equal(result.directive, DIRECTIVE.noFileComp, `${words.join(' ')}: no file names either`);
    }
  });

  test('subcommands of a command with subcommands, and help for any command', () => {
    assert.deepEqual(values(plan('orphaning-deletion', '')), ['disable', 'enable', 'status']);
    assert.deepEqual(values(plan('completion', '')), ['bash', 'fish', 'powershell', 'zsh']);
    assert.ok(values(plan('completion', 'zsh', '--')).includes('--no-descriptions'));
    assert.deepEqual(values(plan('help', 'j')), ['join']);
    assert.deepEqual(values(plan('help', 'orphaning-deletion', '')), ['disable', 'enable', 'status']);
  });

  test('flags before the command are skipped when finding it', () => {
    assert.deepEqual(values(plan('--kubeconfig', 'kc', 'j')), ['join']);
    assert.deepEqual(values(plan('-v', '4', 'ver')), ['version']);
  });

  test('Cobra edge cases: an unknown command, --help given, words after --, an unknown flag', () => {
    const unknown = plan('bogus', '');
    assert.deepEqual([unknown.candidates, unknown.directive], [[], DIRECTIVE.default]);
    const help = plan('join', '--help', '');
    assert.deepEqual([help.candidates, help.directive, help.dynamic], [[], DIRECTIVE.noFileComp, undefined]);
    assert.deepEqual(values(plan('join', '--', '-')), [], 'no flag names after --');
    assert.equal(plan('join', '--', '-').dynamic?.source, 'unjoined-contexts');
    const unknownFlag = plan('join', '--bogus', '');
    assert.deepEqual([unknownFlag.candidates, unknownFlag.directive], [[], DIRECTIVE.default]);
  });

  test('dynamic values are filtered by the word and leave out what is on the line', () => {
    const result = plan('unjoin', 'cluster2', 'cl');
    assert.deepEqual(withDynamicCandidates(result, [{ value: 'cluster2' }, { value: 'cluster3', description: 'Ready' }, { value: 'other' }]), [
      { value: 'cluster3', description: 'Ready' },
    ]);
  });
});

describe('the __complete protocol', () => {
  test('one candidate a line, an optional tab and description (first line, trimmed), then :directive', () => {
    assert.equal(
      formatCompletionOutput([{ value: 'a', description: 'first\nsecond' }, { value: 'b' }, { value: 'c', description: '' }], 4, true),
      'a\tfirst\nb\nc\n:4\n',
    );
    assert.equal(formatCompletionOutput([{ value: 'a', description: 'x' }], 0, false), 'a\n:0\n');
    assert.equal(formatCompletionOutput([], 1, true), ':1\n');
  });
  test('directive names as Cobra prints them on stderr', () => {
    assert.equal(describeDirective(0), 'ShellCompDirectiveDefault');
    assert.equal(describeDirective(6), 'ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp');
    assert.equal(
      describeDirective(63),
      'ShellCompDirectiveError, ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp, ShellCompDirectiveFilterFileExt, ShellCompDirectiveFilterDirs, ShellCompDirectiveKeepOrder',
    );
    assert.equal(describeDirective(64), 'ERROR: unexpected ShellCompDirective value: 64');
  });
  test('descriptions: __completeNoDesc, then KUBEFEDCTL_COMPLETION_DESCRIPTIONS, then COBRA_COMPLETION_DESCRIPTIONS', () => {
    assert.equal(descriptionsWanted('kubefedctl', {}, false), true);
    assert.equal(descriptionsWanted('kubefedctl', {}, true), false);
    assert.equal(descriptionsWanted('kubefedctl', { KUBEFEDCTL_COMPLETION_DESCRIPTIONS: 'false' }, false), false);
    assert.equal(descriptionsWanted('kubefedctl', { COBRA_COMPLETION_DESCRIPTIONS: '0' }, false), false);
    assert.equal(descriptionsWanted('kubefedctl', { KUBEFEDCTL_COMPLETION_DESCRIPTIONS: 'true', COBRA_COMPLETION_DESCRIPTIONS: '0' }, false), true);
    assert.equal(descriptionsWanted('kubefedctl', { KUBEFEDCTL_COMPLETION_DESCRIPTIONS: 'maybe' }, false), true);
  });
});

describe('the program name (kubectl plugin)', () => {
  test('from argv[1]: kubectl-kubefed is "kubectl kubefed", anything else kubefedctl', () => {
    assert.equal(programNameOf('/usr/local/bin/kubectl-kubefed'), 'kubectl kubefed');
    assert.equal(programNameOf('/x/node_modules/kubefedctl/bin/kubectl-kubefed.js'), 'kubectl kubefed');
    assert.equal(programNameOf('C:\\npm\\kubectl-kubefed.cmd'), 'kubectl kubefed');
    assert.equal(programNameOf('/bin/kubectl-kube_fed-join'), 'kubectl kube-fed join');
    assert.equal(programNameOf('/usr/local/bin/kubefedctl'), 'kubefedctl');
    assert.equal(programNameOf('/usr/local/bin/kubectl-'), 'kubefedctl');
    assert.equal(programNameOf(undefined), 'kubefedctl');
  });
  test('command lines in help and hints take the name; other mentions of kubefedctl stay', () => {
    const text = "Examples:\n  kubefedctl join foo\nSee 'kubefedctl --help'. The Go kubefedctl and kubefedctl get.";
    assert.equal(
      withProgramName(text, 'kubectl kubefed', ['join', 'get']),
      "Examples:\n  kubectl kubefed join foo\nSee 'kubectl kubefed --help'. The Go kubefedctl and kubectl kubefed get.",
    );
    assert.equal(withProgramName(text, 'kubefedctl', ['join']), text);
  });
});
