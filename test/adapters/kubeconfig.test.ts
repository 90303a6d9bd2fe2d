import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chmodSync, mkdirSync } from 'node:fs';

import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import { ConfigError } from '../../src/errors.js';
import { FIXTURES, KUBECONFIG_FIXTURES, makeTempDir } from './helpers/fixtures.js';

const fixture = (name: string) => path.join(KUBECONFIG_FIXTURES, name);
const FIRST = fixture('merge/first.yaml');
const SECOND = fixture('merge/second.yaml');
const NO_CURRENT = fixture('merge/no-current.yaml');
const MISSING = fixture('merge/does-not-exist.yaml');
const NOWHERE = '/nonexistent-home-for-tests';

function fromEnv(kubeconfig: string) {
  return loadKubeconfig({ env: { KUBECONFIG: kubeconfig }, homeDir: NOWHERE });
}

describe('loadKubeconfig: which files', () => {
  it('merges KUBECONFIG with the first file winning for names and current-context, skipping missing files', () => {
    const config = fromEnv([FIRST, MISSING, SECOND].join(path.delimiter));
    assert.deepEqual(config.files, [FIRST, SECOND]);
    assert.equal(config.currentContext, 'ctx-first');
    assert.deepEqual([...config.contextNames].sort(), ['ctx-first', 'ctx-second', 'shared-ctx']);

    const shared = config.context('shared-ctx');
    assert.equal(shared.clusterName, 'shared', 'the whole shared-ctx entry comes from the first file');
    assert.equal(shared.namespace, 'from-first');
    assert.equal(shared.server, 'https://first.example.test:6443/', 'server is kept exactly as written');
    assert.equal(shared.insecureSkipTlsVerify, true);
    assert.equal(config.user?.('shared-ctx')?.token, 'token-from-first');

    // A name only the second file defines is still there.
    assert.equal(config.context('ctx-second').server, 'https://only-second.example.test');
    assert.equal(config.user?.('ctx-second')?.username, 'admin');
  });

  it('takes current-context from the first file that sets one', () => {
    assert.equal(fromEnv([NO_CURRENT, SECOND, FIRST].join(path.delimiter)).currentContext, 'ctx-second');
    assert.equal(fromEnv([MISSING, SECOND].join(path.delimiter)).context().name, 'ctx-second');
  });

  it('ignores empty and duplicate KUBECONFIG entries', () => {
    const config = fromEnv(['', FIRST, '', FIRST].join(path.delimiter));
    assert.deepEqual(config.files, [FIRST]);
  });

  it('reads only --kubeconfig when given, even if KUBECONFIG is set', () => {
    const config = loadKubeconfig({ explicitPath: SECOND, env: { KUBECONFIG: FIRST }, homeDir: NOWHERE });
    assert.deepEqual(config.files, [SECOND]);
    assert.equal(config.context('shared-ctx').namespace, 'from-second');
  });

  it('fails with a ConfigError naming a missing --kubeconfig file', () => {
    assert.throws(
      () => loadKubeconfig({ explicitPath: MISSING, env: {}, homeDir: NOWHERE }),
      (error: unknown) => error instanceof ConfigError && error.message.includes(MISSING) && error.exitCode === 1,
    );
  });

  it('falls back to ~/.kube/config', () => {
    const home = makeTempDir();
    try {
      mkdirSync(home.file('.kube'));
      home.write(
        '.kube/config',
        'apiVersion: v1\nclusters: [{name: c, cluster: {server: "https://home.test"}}]\ncontexts: [{name: home, context: {cluster: c}}]\ncurrent-context: home\n',
      );
      const config = loadKubeconfig({ env: {}, homeDir: home.path });
      assert.deepEqual(config.files, [home.file('.kube/config')]);
      assert.equal(config.context().server, 'https://home.test');
    } finally {
      home.remove();
    }
  });

  it('explains how to provide a kubeconfig when there is none', () => {
    assert.throws(
      () => loadKubeconfig({ env: {}, homeDir: NOWHERE }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /no kubeconfig found/.test(error.message) &&
        error.message.includes(path.join(NOWHERE, '.kube', 'config')) &&
        /--kubeconfig/.test(error.hint ?? '') &&
        /KUBECONFIG/.test(error.hint ?? ''),
    );
    assert.throws(
      () => fromEnv(MISSING),
      (error: unknown) => error instanceof ConfigError && /none of the files in KUBECONFIG exist/.test(error.message),
    );
  });

  it('reports invalid YAML and unreadable files with the file name', () => {
    const invalid = fixture('invalid-yaml.yaml');
    assert.throws(
      () => fromEnv(invalid),
      (error: unknown) => error instanceof ConfigError && error.message.includes(invalid) && /not valid YAML/.test(error.message),
    );
    assert.throws(
      () => fromEnv(fixture('duplicate-names.yaml')),
      (error: unknown) => error instanceof ConfigError && /duplicate cluster name "twice"/.test(error.message),
    );
    const dir = makeTempDir();
    try {
      const file = dir.write('locked.yaml', 'apiVersion: v1\n');
      chmodSync(file, 0o000);
      // root reads anything; only assert the permission path when it applies.
      if (process.getuid?.() !== 0) {
        assert.throws(
          () => fromEnv(file),
          (error: unknown) => error instanceof ConfigError && error.message.includes(file) && /permission denied/.test(error.message),
        );
      }
      assert.throws(
        () => fromEnv(dir.path),
        (error: unknown) => error instanceof ConfigError && error.message.includes(dir.path),
      );
    } finally {
      dir.remove();
    }
  });
});

describe('loadKubeconfig: contexts', () => {
  const special = () => loadKubeconfig({ explicitPath: fixture('special.yaml'), env: {}, homeDir: NOWHERE });

  it('handles context names with ":" and "/" and reports cluster fields as written', () => {
    const eks = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
    const context = special().context();
    assert.equal(context.name, eks);
    assert.equal(context.clusterName, eks);
    assert.equal(context.userName, eks);
    assert.equal(context.namespace, 'kube-federation-system');
    assert.equal(context.caData, 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==');
    assert.equal(context.caFile, undefined, 'inline data is not reported as a file');
    assert.equal(context.proxyUrl, 'http://proxy.corp.test:3128');
    assert.equal(context.tlsServerName, 'kubernetes.default.svc');
    assert.equal(context.insecureSkipTlsVerify, false);
    assert.equal(special().user?.(eks)?.token, 'eks-token');
  });

  it('defaults the namespace to "default" and reads YAML 1.1 booleans like kubectl', () => {
    const context = special().context('gke_my-project_europe-west1_cluster-1');
    assert.equal(context.namespace, 'default');
    assert.equal(context.insecureSkipTlsVerify, true, '"yes" is true for kubectl');
    assert.equal(context.server, 'https://10.0.0.1/');
  });

  it('treats a missing or unnamed user as anonymous, as kubectl does', () => {
    const config = special();
    assert.equal(config.context('gke_my-project_europe-west1_cluster-1').userName, 'ghost-user');
    assert.equal(config.user?.('gke_my-project_europe-west1_cluster-1'), undefined);
    assert.equal(config.context('no-user').userName, '');
    assert.equal(config.user?.('no-user'), undefined);
  });

  it('rejects an unknown context with client-go wording and lists the available ones', () => {
    assert.throws(
      () => special().context('bar'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'context "bar" does not exist' &&
        error.code === 'CONTEXT_NOT_FOUND' &&
        (error.hint ?? '').includes('"no-user"') &&
        (error.hint ?? '').includes('"arn:aws:eks:eu-west-1:123456789012:cluster/prod"'),
    );
  });

  it('rejects a context whose cluster is not defined', () => {
    assert.throws(
      () => special().context('dangling-cluster'),
      (error: unknown) => error instanceof ConfigError && /cluster "not-defined" of context "dangling-cluster"/.test(error.message),
    );
  });

  it('asks for --context when there is no current-context', () => {
    const config = fromEnv(NO_CURRENT);
    assert.equal(config.currentContext, undefined);
    assert.throws(
      () => config.context(),
      (error: unknown) => error instanceof ConfigError && /current-context/.test(error.message) && /"quiet-ctx"/.test(error.hint ?? ''),
    );
  });
});

describe('loadKubeconfig: relative paths', () => {
  it('resolves certificate, key, tokenFile and exec command paths against the kubeconfig directory', () => {
    const file = fixture('relative/kubeconfig.yaml');
    const config = loadKubeconfig({ explicitPath: path.relative(process.cwd(), file), env: {}, homeDir: NOWHERE });
    const tls = path.join(FIXTURES, 'tls');
    assert.equal(config.context().caFile, path.join(tls, 'ca.crt'));
    assert.equal(config.context().caData, undefined);
    const certUser = config.user?.('relative');
    assert.equal(certUser?.clientCertificate, path.join(tls, 'client.crt'));
    assert.equal(certUser?.clientKey, path.join(tls, 'client.key'));
    assert.equal(config.user?.('relative-token-file')?.tokenFile, path.join(KUBECONFIG_FIXTURES, 'relative', 'nested', 'token'));
    assert.equal(config.user?.('relative-exec')?.exec?.command, path.join(FIXTURES, 'exec', 'credential-plugin.mjs'));
    assert.deepEqual(config.user?.('relative-exec')?.exec?.args, ['--mode', 'token']);
    assert.equal(config.user?.('path-exec')?.exec?.command, 'gke-gcloud-auth-plugin', 'a bare command stays a PATH lookup');
  });
});

// kubectl reads a kubeconfig with the manifests' YAML 1.1 rules (sigs.k8s.io/yaml over go-yaml v2)
// and then decodes it into client-go's typed v1.Config, which fails on a wrong type instead of
// converting it. Each refusal below was checked against the Go kubefedctl v0.10.0 (client-go
// v0.22.2): "error loading config file ...: v1.Cluster.InsecureSkipTLSVerify: ReadBool: ...",
// "v1.AuthInfo.Token: ReadString: ...", "Unsupported map key of type: %!s(<nil>)".
describe('loadKubeconfig: YAML and types as kubectl reads them', () => {
  function kubeconfig(cluster: string, user: string, extra = ''): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: c',
      '  cluster:',
      '    server: https://c.example.test',
      ...cluster
        .split('\n')
        .filter(Boolean)
        .map((line) => `    ${line}`),
      'users:',
      '- name: u',
      '  user:',
      ...user
        .split('\n')
        .filter(Boolean)
        .map((line) => `    ${line}`),
      'contexts:',
      '- name: c',
      '  context: {cluster: c, user: u}',
      'current-context: c',
      extra,
    ].join('\n');
  }
  function load(text: string) {
    const dir = makeTempDir();
    try {
      return loadKubeconfig({ explicitPath: dir.write('config', text), env: {}, homeDir: NOWHERE });
    } finally {
      dir.remove();
    }
  }

  const booleans: Array<[string, boolean]> = [
    ['yes', true],
    ['Yes', true],
    ['on', true],
    ['ON', true],
    ['y', true],
    ['true', true],
    ['off', false],
    ['no', false],
    ['N', false],
    ['False', false],
  ];
  for (const [text, expected] of booleans) {
    it(`reads insecure-skip-tls-verify: ${text} as ${expected}, as YAML 1.1 does`, () => {
      assert.equal(load(kubeconfig(`insecure-skip-tls-verify: ${text}`, 'token: t')).context().insecureSkipTlsVerify, expected);
    });
  }

  it('keeps quoted strings as written: an exec env value "0123", a token "12345"', () => {
    const config = load(
      kubeconfig(
        '',
        'token: "12345"\nexec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: plugin\n  env:\n  - {name: PIN, value: "0123"}\n  - {name: FLAG, value: "yes"}',
      ),
    );
    assert.equal(config.user?.('c')?.token, '12345');
    assert.deepEqual(config.user?.('c')?.exec?.env, [
      { name: 'PIN', value: '0123' },
      { name: 'FLAG', value: 'yes' },
    ]);
  });

  const refused: Array<[string, string, RegExp]> = [
    [
      'a quoted "true" where a boolean belongs',
      kubeconfig('insecure-skip-tls-verify: "true"', 'token: t'),
      /clusters "c": insecure-skip-tls-verify must be true or false, found the string "true"/,
    ],
    [
      'an unquoted 0123 exec env value (the octal int 83)',
      kubeconfig('', 'exec:\n  command: plugin\n  env:\n  - {name: PIN, value: 0123}'),
      /users "u": exec\.env\[0\]: value must be a string, found the number 83/,
    ],
    ['an unquoted numeric token', kubeconfig('', 'token: 12345'), /users "u": token must be a string, found the number 12345/],
    [
      'a context named no (the boolean false)',
      kubeconfig('', 'token: t').replace('- name: c\n  context', '- name: no\n  context'),
      /contexts\[0\]: name must be a string, found the boolean false/,
    ],
    [
      'a non-string exec argument',
      kubeconfig('', 'exec:\n  command: plugin\n  args: [--port, 8080]'),
      /exec: args\[1\] must be a string, found the number 8080/,
    ],
    ['a null key', kubeconfig('', 'token: t', '~: x'), /not valid YAML: a mapping key is null/],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what}, as kubectl does, naming the field`, () => {
      assert.throws(
        () => load(text),
        (error: unknown) => error instanceof ConfigError && error.code === 'KUBECONFIG_INVALID' && message.test(error.message),
      );
    });
  }
});
