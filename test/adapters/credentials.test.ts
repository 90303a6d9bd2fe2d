import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { writeFileSync } from 'node:fs';

import { createCredentialProvider, type CredentialDeps, type ExecCredentialCache } from '../../src/cluster/credentials.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import type { ContextInfo, ExecCredentialConfig, KubeconfigUser } from '../../src/cluster/types.js';
import { ConfigError } from '../../src/errors.js';
import { CREDENTIAL_PLUGIN, KUBECONFIG_FIXTURES, base64, makeTempDir, pluginRuns, tlsFile, tlsText, type TempDir } from './helpers/fixtures.js';

const CONTEXT: ContextInfo = {
  name: 'ctx',
  clusterName: 'cluster-a',
  userName: 'alice',
  namespace: 'default',
  server: 'https://127.0.0.1:6443',
  caFile: tlsFile('ca.crt'),
  insecureSkipTlsVerify: false,
  tlsServerName: 'kubernetes.default.svc',
  proxyUrl: 'http://proxy.test:3128',
  execClusterConfig: { audience: 'fleet' },
};

let dir: TempDir;
let logFile: string;
let cache: ExecCredentialCache;
let stderr: PassThrough;
let stderrText: string;

beforeEach(() => {
  dir = makeTempDir();
  logFile = dir.file('plugin.log');
  cache = new Map();
  stderr = new PassThrough();
  stderrText = '';
  stderr.on('data', (chunk: Buffer) => (stderrText += chunk.toString()));
});
afterEach(() => dir.remove());

function deps(extra: Partial<CredentialDeps> = {}): CredentialDeps {
  return { env: { PATH: process.env.PATH, PARENT_MARKER: 'from-parent' }, stdinIsTerminal: false, pluginStderr: stderr, execCache: cache, ...extra };
}

function execUser(mode: string, exec: Partial<ExecCredentialConfig> = {}, env: Record<string, string> = {}): KubeconfigUser {
  return {
    name: 'alice',
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: process.execPath,
      args: [CREDENTIAL_PLUGIN, '--mode', mode],
      env: Object.entries({ PLUGIN_LOG: logFile, PLUGIN_MARKER: 'from-exec-env', ...env }).map(([name, value]) => ({ name, value })),
      provideClusterInfo: false,
      ...exec,
    },
  };
}

describe('static credentials', () => {
  it('sends a bearer token and impersonation headers', async () => {
    const provider = createCredentialProvider(
      CONTEXT,
      { name: 'alice', token: 'static-token', impersonate: 'bob', impersonateGroups: ['g1', 'g2'], impersonateUserExtra: { 'scopes.example/x': ['a'] } },
      deps(),
    );
    const credentials = await provider.current();
    assert.equal(credentials.headers.Authorization, 'Bearer static-token');
    assert.equal(credentials.headers['Impersonate-User'], 'bob');
    assert.deepEqual(credentials.headers['Impersonate-Group'], ['g1', 'g2']);
    assert.deepEqual(credentials.headers['Impersonate-Extra-scopes.example%2Fx'], ['a']);
    assert.equal(provider.invalidate(credentials), false, 'a static token cannot get any better by retrying');
  });

  it('re-reads the token file on every request', async () => {
    const tokenFile = dir.write('token', 'first-token\n');
    const provider = createCredentialProvider(CONTEXT, { name: 'alice', tokenFile }, deps());
    assert.equal((await provider.current()).headers.Authorization, 'Bearer first-token');
    writeFileSync(tokenFile, 'rotated-token');
    assert.equal((await provider.current()).headers.Authorization, 'Bearer rotated-token');
  });

  it('uses basic auth', async () => {
    const provider = createCredentialProvider(CONTEXT, { name: 'alice', username: 'admin', password: 'pw' }, deps());
    assert.equal((await provider.current()).headers.Authorization, `Basic ${base64('admin:pw')}`);
  });

  it('loads client certificates from data or from files', async () => {
    const fromData = await createCredentialProvider(
      CONTEXT,
      { name: 'a', clientCertificateData: base64(tlsText('client.crt')), clientKeyData: base64(tlsText('client.key')) },
      deps(),
    ).current();
    assert.equal(fromData.cert, tlsText('client.crt'));
    assert.equal(fromData.key, tlsText('client.key'));
    assert.equal(fromData.headers.Authorization, undefined);
    const fromFiles = await createCredentialProvider(
      CONTEXT,
      { name: 'a', clientCertificate: tlsFile('client.crt'), clientKey: tlsFile('client.key') },
      deps(),
    ).current();
    assert.equal(fromFiles.cert, tlsText('client.crt'));
  });

  it('sends nothing for a missing user', async () => {
    const provider = createCredentialProvider(CONTEXT, undefined, deps());
    assert.deepEqual((await provider.current()).headers, {});
    assert.equal(provider.description, 'no credentials');
  });

  it('rejects conflicting or incomplete methods the way client-go does', () => {
    assert.throws(
      () => createCredentialProvider(CONTEXT, { name: 'alice', token: 't', username: 'u', password: 'p' }, deps()),
      /more than one authentication method found for user "alice"/,
    );
    assert.throws(
      () => createCredentialProvider(CONTEXT, { name: 'alice', clientCertificate: tlsFile('client.crt') }, deps()),
      /client certificate but no client key/,
    );
    assert.throws(
      () => createCredentialProvider(CONTEXT, { name: 'alice', authProvider: { name: 'gcp', config: {} } }, deps()),
      (error: unknown) => error instanceof ConfigError && /gcp auth-provider/.test(error.message) && /gke-gcloud-auth-plugin/.test(error.hint ?? ''),
    );
  });

  it('reports an unreadable client key file by name', async () => {
    const provider = createCredentialProvider(
      CONTEXT,
      { name: 'alice', clientCertificate: tlsFile('client.crt'), clientKey: '/nonexistent/client.key' },
      deps(),
    );
    await assert.rejects(provider.current(), (error: unknown) => error instanceof ConfigError && error.message.includes('/nonexistent/client.key'));
  });
});

describe('exec credential plugins', () => {
  it('runs the plugin with KUBERNETES_EXEC_INFO, exec env for the child only, and passes stderr through', async () => {
    const provider = createCredentialProvider(CONTEXT, execUser('token'), deps());
    const credentials = await provider.current();
    assert.equal(credentials.headers.Authorization, 'Bearer exec-plugin-token');
    const [run] = pluginRuns(logFile);
    assert.ok(run);
    assert.equal(run.marker, 'from-exec-env');
    assert.equal(run.parentMarker, 'from-parent', 'the child inherits our environment');
    assert.equal(process.env.PLUGIN_MARKER, undefined, 'exec env never leaks into our own process');
    assert.deepEqual(run.execInfo, { kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', spec: { interactive: false } });
    assert.match(stderrText, /credential-plugin: mode token/);
  });

  it('provides cluster info when asked: server, CA data from the CA file, TLS name, proxy and the exec extension', async () => {
    const user = execUser('token', { apiVersion: 'client.authentication.k8s.io/v1', provideClusterInfo: true, interactiveMode: 'Never' });
    await createCredentialProvider(CONTEXT, user, deps()).current();
    const [run] = pluginRuns(logFile);
    assert.equal(run?.execInfo?.apiVersion, 'client.authentication.k8s.io/v1');
    assert.deepEqual(run?.execInfo?.spec.cluster, {
      server: 'https://127.0.0.1:6443',
      'tls-server-name': 'kubernetes.default.svc',
      'certificate-authority-data': base64(tlsText('ca.crt')),
      'proxy-url': 'http://proxy.test:3128',
      config: { audience: 'fleet' },
    });
  });

  it('caches credentials without expirationTimestamp for the process, across providers sharing the cache', async () => {
    const first = createCredentialProvider(CONTEXT, execUser('token'), deps());
    const second = createCredentialProvider(CONTEXT, execUser('token'), deps());
    await Promise.all([first.current(), first.current(), second.current()]);
    await first.current();
    assert.equal(pluginRuns(logFile).length, 1);
  });

  it('re-runs the plugin once the credentials expire', async () => {
    let now = Date.now();
    const provider = createCredentialProvider(CONTEXT, execUser('token', {}, { PLUGIN_EXPIRES_IN_MS: '60000' }), deps({ now: () => now }));
    await provider.current();
    await provider.current();
    assert.equal(pluginRuns(logFile).length, 1, 'still valid');
    now += 120_000;
    await provider.current();
    assert.equal(pluginRuns(logFile).length, 2, 'expired, so the plugin ran again');
  });

  it('drops rejected credentials on invalidate so the next request gets fresh ones', async () => {
    const provider = createCredentialProvider(CONTEXT, execUser('rotate'), deps());
    const rejected = await provider.current();
    assert.equal(rejected.headers.Authorization, 'Bearer rotating-token-1');
    assert.equal(provider.invalidate(rejected), true);
    assert.equal((await provider.current()).headers.Authorization, 'Bearer rotating-token-2');
  });

  it('accepts client certificate data from the plugin', async () => {
    const user = execUser('cert', {}, { PLUGIN_CERT: tlsFile('client.crt'), PLUGIN_KEY: tlsFile('client.key') });
    const credentials = await createCredentialProvider(CONTEXT, user, deps()).current();
    assert.equal(credentials.cert, tlsText('client.crt'));
    assert.equal(credentials.key, tlsText('client.key'));
    assert.equal(credentials.headers.Authorization, undefined);
  });

  it('rejects v1alpha1 and a v1 config without interactiveMode before running anything', () => {
    assert.throws(
      () => createCredentialProvider(CONTEXT, execUser('token', { apiVersion: 'client.authentication.k8s.io/v1alpha1' }), deps()),
      (error: unknown) => error instanceof ConfigError && /v1alpha1, which is no longer supported/.test(error.message) && /v1beta1/.test(error.hint ?? ''),
    );
    assert.throws(
      () => createCredentialProvider(CONTEXT, execUser('token', { apiVersion: 'client.authentication.k8s.io/v1' }), deps()),
      /interactiveMode must be specified/,
    );
    assert.equal(pluginRuns(logFile).length, 0);
  });

  it('shows the installHint when the plugin is not installed', async () => {
    const user = execUser('token', { command: 'kubefedctl-test-no-such-plugin', args: [], installHint: 'Install it with: brew install no-such-plugin\n' });
    await assert.rejects(
      createCredentialProvider(CONTEXT, user, deps()).current(),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.code === 'EXEC_PLUGIN_NOT_FOUND' &&
        /"kubefedctl-test-no-such-plugin" of user "alice" was not found in PATH/.test(error.message) &&
        error.hint === 'Install it with: brew install no-such-plugin',
    );
  });

  it('reports a failing plugin with its exit code, and retries on the next request', async () => {
    const provider = createCredentialProvider(CONTEXT, execUser('fail'), deps());
    await assert.rejects(
      provider.current(),
      (error: unknown) => error instanceof ConfigError && error.exitCode === 1 && /failed with exit code 3/.test(error.message),
    );
    assert.match(stderrText, /you are not logged in/);
    await assert.rejects(provider.current());
    assert.equal(pluginRuns(logFile).length, 2, 'failures are not cached');
  });

  it('rejects malformed plugin output without echoing it', async () => {
    await assert.rejects(
      createCredentialProvider(CONTEXT, execUser('garbage'), deps()).current(),
      (error: unknown) => error instanceof ConfigError && /not an ExecCredential/.test(error.message) && !error.message.includes('this is not'),
    );
    await assert.rejects(
      createCredentialProvider(CONTEXT, execUser('wrong-version'), deps()).current(),
      /configured to use API version client.authentication.k8s.io\/v1beta1/,
    );
    await assert.rejects(createCredentialProvider(CONTEXT, execUser('empty-status'), deps()).current(), /didn't return a token or a client certificate/);
  });

  it('follows interactiveMode: Always needs a terminal, IfAvailable uses one when present', async () => {
    await assert.rejects(
      createCredentialProvider(CONTEXT, execUser('token', { interactiveMode: 'Always' }), deps()).current(),
      (error: unknown) => error instanceof ConfigError && /standard input is not a terminal/.test(error.message),
    );
    assert.equal(pluginRuns(logFile).length, 0);
    await createCredentialProvider(CONTEXT, execUser('token', { interactiveMode: 'IfAvailable' }), deps({ stdinIsTerminal: true })).current();
    await createCredentialProvider(CONTEXT, execUser('token', { interactiveMode: 'Never' }), deps({ stdinIsTerminal: true })).current();
    assert.deepEqual(
      pluginRuns(logFile).map((run) => run.execInfo?.spec.interactive),
      [true, false],
    );
  });

  it('runs a plugin given by a path relative to the kubeconfig', async () => {
    const config = loadKubeconfig({ explicitPath: path.join(KUBECONFIG_FIXTURES, 'relative', 'kubeconfig.yaml'), env: {}, homeDir: '/nonexistent' });
    const provider = createCredentialProvider(config.context('relative-exec'), config.user?.('relative-exec'), deps());
    assert.equal((await provider.current()).headers.Authorization, 'Bearer exec-plugin-token');
    assert.equal(provider.description, `exec plugin "${CREDENTIAL_PLUGIN}"`);
  });
});
