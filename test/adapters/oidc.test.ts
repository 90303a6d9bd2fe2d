// The oidc auth-provider against a real (small) OpenID Connect provider on 127.0.0.1: an expired
// id-token is refreshed with the refresh-token, the new tokens go to the kubeconfig file that holds
// the user, and no token ever reaches the log.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync, chmodSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import yaml from 'js-yaml';

import { createCredentialProvider } from '../../src/cluster/credentials.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import type { OidcCache } from '../../src/cluster/oidc.js';
import { createClusterClient } from '../../src/cluster/rest-client.js';
import type { ContextInfo, Kubeconfig } from '../../src/cluster/types.js';
import { ConfigError } from '../../src/errors.js';
import {
  base64,
  capturingLogger,
  makeTempDir,
  sendJson,
  startFakeApiServer,
  tlsFile,
  tlsText,
  type CapturingLogger,
  type FakeApiServer,
  type TempDir,
} from './helpers/fixtures.js';
import { type FakeIdp, type IdpOptions, startFakeIdp, unsignedJwt } from './oidc-idp.js';

const CLIENT_SECRET = 'client-secret-value';
const FIRST_REFRESH = 'refresh-initial-0123456789';
const nowSeconds = () => Math.floor(Date.now() / 1000);
const EXPIRED_ID_TOKEN = unsignedJwt({ sub: 'alice', exp: nowSeconds() - 60, serial: 0 });
/** For the credential-provider tests, which send no request. */
const CONTEXT: ContextInfo = {
  name: 'c',
  clusterName: 'c',
  userName: 'alice',
  namespace: 'default',
  server: 'https://127.0.0.1:1',
  insecureSkipTlsVerify: false,
};

let dir: TempDir;
let cache: OidcCache;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(() => {
  dir = makeTempDir();
  cache = new Map();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  dir.remove();
});

async function idp(options: IdpOptions = {}): Promise<FakeIdp> {
  const provider = await startFakeIdp(FIRST_REFRESH, { clientSecret: CLIENT_SECRET, ...options });
  cleanups.push(() => provider.close());
  return provider;
}

async function apiServer(): Promise<FakeApiServer> {
  const server = await startFakeApiServer((_request, response) => sendJson(response, 200, { kind: 'APIVersions', versions: ['v1'] }));
  cleanups.push(() => server.close());
  return server;
}

function oidcConfig(provider: FakeIdp, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'idp-issuer-url': provider.issuer,
    'client-id': 'kubefedctl',
    'client-secret': CLIENT_SECRET,
    'id-token': EXPIRED_ID_TOKEN,
    'refresh-token': FIRST_REFRESH,
    'idp-certificate-authority': tlsFile('ca.crt'),
    ...extra,
  };
}

interface FileSpec {
  clusters?: Array<{ name: string; server: string }>;
  users?: Array<{ name: string; user: Record<string, unknown> }>;
  contexts?: Array<{ name: string; cluster: string; user: string }>;
  current?: string;
}

function writeConfig(name: string, spec: FileSpec): string {
  return dir.write(
    name,
    yaml.dump({
      apiVersion: 'v1',
      kind: 'Config',
      ...(spec.current !== undefined ? { 'current-context': spec.current } : {}),
      clusters: (spec.clusters ?? []).map((c) => ({ name: c.name, cluster: { server: c.server, 'certificate-authority': tlsFile('ca.crt') } })),
      users: spec.users ?? [],
      contexts: (spec.contexts ?? []).map((c) => ({ name: c.name, context: { cluster: c.cluster, user: c.user } })),
    }),
  );
}

/** One context "fleet" for user alice, who logs in through `provider`. */
function writeAliceConfig(name: string, provider: FakeIdp, server: FakeApiServer): string {
  return writeConfig(name, {
    current: 'fleet',
    clusters: [{ name: 'fleet', server: server.url }],
    users: [{ name: 'alice', user: { 'auth-provider': { name: 'oidc', config: oidcConfig(provider) } } }],
    contexts: [{ name: 'fleet', cluster: 'fleet', user: 'alice' }],
  });
}

function readUsers(file: string): Array<{ name: string; user: Record<string, any> }> {
  return (yaml.load(readFileSync(file, 'utf8')) as { users: Array<{ name: string; user: Record<string, any> }> }).users;
}

async function connect(kubeconfig: Kubeconfig, context?: string, logger?: CapturingLogger) {
  const client = await createClusterClient(kubeconfig, context, {
    logger: logger ?? capturingLogger(0),
    env: {},
    execCache: new Map(),
    oidcCache: cache,
    pluginStderr: new PassThrough(),
  });
  cleanups.push(() => client.close?.());
  return client;
}

describe('oidc auth-provider', () => {
  it('refreshes an expired id-token, sends the new one and writes both tokens back to the file', async () => {
    const provider = await idp();
    const server = await apiServer();
    const file = writeConfig('config', {
      current: 'fleet',
      clusters: [{ name: 'fleet', server: server.url }],
      users: [
        { name: 'alice', user: { 'auth-provider': { name: 'oidc', config: oidcConfig(provider, { 'extra-scopes': 'groups,email' }) } } },
        { name: 'bob', user: { token: 'bob-token' } },
      ],
      contexts: [{ name: 'fleet', cluster: 'fleet', user: 'alice' }],
    });
    chmodSync(file, 0o640);
    const logger = capturingLogger(2);

    const client = await connect(loadKubeconfig({ explicitPath: file, env: {}, homeDir: dir.path }), undefined, logger);
    await client.getRaw('/api');
    await client.getRaw('/api');

    assert.equal(provider.discoveryRequests, 1);
    assert.equal(provider.tokenRequests.length, 1, 'one refresh, then the new id-token is used');
    const [grant] = provider.tokenRequests;
    assert.deepEqual(
      grant!.form,
      { grant_type: 'refresh_token', refresh_token: FIRST_REFRESH },
      'credentials in the Basic header first; extra-scopes not sent',
    );
    assert.deepEqual(grant!.basic, { id: 'kubefedctl', secret: CLIENT_SECRET });
    const newIdToken = provider.issued[0]!;
    assert.deepEqual(
      server.requests.map((r) => r.headers.authorization),
      [`Bearer ${newIdToken}`, `Bearer ${newIdToken}`],
    );
    assert.match(logger.text(), /extra-scopes auth provider field deprecated/);

    const users = readUsers(file);
    const written = users.find((u) => u.name === 'alice')!.user['auth-provider'].config;
    assert.equal(written['id-token'], newIdToken);
    assert.equal(written['refresh-token'], provider.currentRefreshToken);
    assert.notEqual(provider.currentRefreshToken, FIRST_REFRESH);
    assert.equal(written['client-secret'], CLIENT_SECRET, 'the rest of the config is kept');
    assert.equal(written['extra-scopes'], 'groups,email');
    assert.deepEqual(users.find((u) => u.name === 'bob')!.user, { token: 'bob-token' }, 'other users are kept');
    assert.equal(statSync(file).mode & 0o777, 0o640, 'the file keeps its mode');
    assert.equal(existsSync(`${file}.lock`), false);

    // A new process (a fresh cache) reads the refreshed token and needs no refresh.
    cache = new Map();
    const again = await connect(loadKubeconfig({ explicitPath: file, env: {}, homeDir: dir.path }));
    await again.getRaw('/api');
    assert.equal(provider.tokenRequests.length, 1);
    assert.equal(server.requests.at(-1)!.headers.authorization, `Bearer ${newIdToken}`);
  });

  it('writes to the file of a KUBECONFIG list that defines the user, and no other', async () => {
    const provider = await idp();
    const server = await apiServer();
    const first = writeConfig('first.yaml', {
      current: 'fleet',
      clusters: [{ name: 'fleet', server: server.url }],
      contexts: [{ name: 'fleet', cluster: 'fleet', user: 'alice' }],
    });
    const second = writeConfig('second.yaml', { users: [{ name: 'alice', user: { 'auth-provider': { name: 'oidc', config: oidcConfig(provider) } } }] });
    // Defines alice too; second.yaml is the first file to define her, so its definition is the one used and written.
    const third = writeConfig('third.yaml', { users: [{ name: 'alice', user: { token: 'shadowed' } }] });
    const before = { first: readFileSync(first, 'utf8'), third: readFileSync(third, 'utf8') };
    const env = { KUBECONFIG: [first, second, third].join(path.delimiter) };

    const client = await connect(loadKubeconfig({ env, homeDir: dir.path }));
    await client.getRaw('/api');

    assert.equal(readUsers(second)[0]!.user['auth-provider'].config['id-token'], provider.issued[0]);
    assert.equal(readFileSync(first, 'utf8'), before.first);
    assert.equal(readFileSync(third, 'utf8'), before.third);
  });

  it('writes through a symlinked kubeconfig to its target', async () => {
    const provider = await idp();
    const server = await apiServer();
    const target = writeAliceConfig('real-config', provider, server);
    const link = dir.file('linked-config');
    symlinkSync(target, link);
    const client = await connect(loadKubeconfig({ explicitPath: link, env: {}, homeDir: dir.path }));
    await client.getRaw('/api');
    assert.equal(readUsers(target)[0]!.user['auth-provider'].config['id-token'], provider.issued[0]);
    assert.ok(statSync(link, { throwIfNoEntry: true }).isFile() && readFileSync(link, 'utf8') === readFileSync(target, 'utf8'));
  });

  it('refreshes once for concurrent requests and for two contexts of the same user', async () => {
    const provider = await idp({ delayMs: 100 });
    const server = await apiServer();
    const file = writeConfig('config', {
      current: 'one',
      clusters: [{ name: 'fleet', server: server.url }],
      users: [{ name: 'alice', user: { 'auth-provider': { name: 'oidc', config: oidcConfig(provider) } } }],
      contexts: [
        { name: 'one', cluster: 'fleet', user: 'alice' },
        { name: 'two', cluster: 'fleet', user: 'alice' },
      ],
    });
    const kubeconfig = loadKubeconfig({ explicitPath: file, env: {}, homeDir: dir.path });
    const [one, two] = await Promise.all([connect(kubeconfig, 'one'), connect(kubeconfig, 'two')]);
    await Promise.all([one.getRaw('/api'), one.getRaw('/apis'), two.getRaw('/api'), two.getRaw('/version')]);
    assert.equal(provider.tokenRequests.length, 1);
    assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${provider.issued[0]}`));
  });

  it('sends a valid id-token as it is, and refreshes one that expires within 10 seconds', async () => {
    const provider = await idp();
    const valid = unsignedJwt({ exp: nowSeconds() + 3600 });
    const fresh = createCredentialProvider(
      CONTEXT,
      { name: 'alice', authProvider: { name: 'oidc', config: oidcConfig(provider, { 'id-token': valid }) } },
      { env: {}, oidcCache: cache },
    );
    assert.equal((await fresh.current()).headers.Authorization, `Bearer ${valid}`);
    assert.equal(provider.tokenRequests.length, 0);

    const nearlyExpired = unsignedJwt({ exp: nowSeconds() + 5 });
    const closeToExpiry = createCredentialProvider(
      CONTEXT,
      { name: 'bob', authProvider: { name: 'oidc', config: oidcConfig(provider, { 'id-token': nearlyExpired }) } },
      { env: {}, oidcCache: cache },
    );
    assert.equal((await closeToExpiry.current()).headers.Authorization, `Bearer ${provider.issued[0]}`);
    assert.equal(provider.tokenRequests.length, 1);
  });

  it('keeps the expiry per user: one user refreshing does not make another send a stale token', async () => {
    const provider = await idp({ rotateRefreshTokens: false });
    const alice = createCredentialProvider(
      CONTEXT,
      { name: 'alice', authProvider: { name: 'oidc', config: oidcConfig(provider, { 'id-token': unsignedJwt({ exp: nowSeconds() + 3600 }) }) } },
      { env: {}, oidcCache: cache },
    );
    const bob = createCredentialProvider(CONTEXT, { name: 'bob', authProvider: { name: 'oidc', config: oidcConfig(provider) } }, { env: {}, oidcCache: cache });
    await alice.current();
    const bobHeader = (await bob.current()).headers.Authorization;
    assert.equal(bobHeader, `Bearer ${provider.issued[0]}`, 'bob refreshed his own expired token');
    assert.equal(provider.tokenRequests.length, 1);
  });

  it('sends the client credentials in the form body when the provider refuses HTTP Basic', async () => {
    const provider = await idp({ credentialsInBody: true });
    const credentials = createCredentialProvider(
      CONTEXT,
      { name: 'alice', authProvider: { name: 'oidc', config: oidcConfig(provider) } },
      { env: {}, oidcCache: cache },
    );
    assert.equal((await credentials.current()).headers.Authorization, `Bearer ${provider.issued[0]}`);
    assert.equal(provider.tokenRequests.length, 2);
    assert.equal(provider.tokenRequests[1]!.basic, undefined);
    assert.deepEqual(provider.tokenRequests[1]!.form, {
      grant_type: 'refresh_token',
      refresh_token: FIRST_REFRESH,
      client_id: 'kubefedctl',
      client_secret: CLIENT_SECRET,
    });
  });

  it('trusts idp-certificate-authority-data, and refuses a provider its CA did not sign', async () => {
    const provider = await idp();
    const withData = oidcConfig(provider, { 'idp-certificate-authority-data': base64(tlsText('ca.crt')) });
    delete withData['idp-certificate-authority'];
    const good = createCredentialProvider(CONTEXT, { name: 'alice', authProvider: { name: 'oidc', config: withData } }, { env: {}, oidcCache: cache });
    assert.equal((await good.current()).headers.Authorization, `Bearer ${provider.issued[0]}`);

    const untrusted = oidcConfig(provider, { 'idp-certificate-authority': tlsFile('other-ca.crt') });
    const bad = createCredentialProvider(CONTEXT, { name: 'bob', authProvider: { name: 'oidc', config: untrusted } }, { env: {}, oidcCache: cache });
    await assert.rejects(
      bad.current(),
      (error: unknown) => error instanceof ConfigError && error.code === 'AUTH_PROVIDER' && /cannot reach .*openid-configuration/.test(error.message),
    );
  });

  it('fails with a hint, and without the refresh token in the message, when the provider refuses it', async () => {
    const provider = await idp();
    const stale = 'refresh-revoked-9876543210';
    const credentials = createCredentialProvider(
      CONTEXT,
      { name: 'alice', authProvider: { name: 'oidc', config: oidcConfig(provider, { 'refresh-token': stale }) } },
      { env: {}, oidcCache: cache },
    );
    await assert.rejects(credentials.current(), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /answered 400 \(invalid_grant: Token is not active: REDACTED\)/);
      assert.ok(!error.message.includes(stale) && !error.message.includes(CLIENT_SECRET));
      assert.match(error.hint ?? '', /Log in again/);
      return true;
    });
  });

  it('reports what is missing: a refresh-token, an id_token in the answer, the issuer or client id', async () => {
    const provider = await idp({ omitIdToken: true });
    const make = (config: Record<string, string>, name = 'alice') =>
      createCredentialProvider(CONTEXT, { name, authProvider: { name: 'oidc', config } }, { env: {}, oidcCache: cache });

    const noRefresh = oidcConfig(provider);
    delete noRefresh['refresh-token'];
    await assert.rejects(make(noRefresh).current(), /the OIDC id-token has expired, and there is no refresh-token/);
    await assert.rejects(make(oidcConfig(provider), 'bob').current(), /did not contain an id_token/);
    await assert.rejects(make({ ...oidcConfig(provider), 'idp-issuer-url': '' }, 'carol').current(), /without idp-issuer-url/);
    await assert.rejects(make({ ...oidcConfig(provider), 'client-id': '' }, 'dave').current(), /without client-id/);
    await assert.rejects(make({ ...oidcConfig(provider), 'id-token': 'not-a-jwt' }, 'erin').current(), /is not a valid JWT/);
  });

  it("does not send a request, and leaves another writer's lock alone, when the tokens cannot be written back", async () => {
    const provider = await idp();
    const server = await apiServer();
    const file = writeAliceConfig('config', provider, server);
    writeFileSync(`${file}.lock`, '');
    const client = await connect(loadKubeconfig({ explicitPath: file, env: {}, homeDir: dir.path }));
    await assert.rejects(
      client.getRaw('/api'),
      (error: unknown) => error instanceof ConfigError && /could not persist new tokens .*\/config\.lock exists/.test(error.message),
    );
    assert.equal(server.requests.length, 0);
    assert.ok(existsSync(`${file}.lock`));
    assert.equal(readUsers(file)[0]!.user['auth-provider'].config['id-token'], EXPIRED_ID_TOKEN);
  });

  it('never logs a token, a refresh token or the client secret, at any verbosity', async () => {
    const provider = await idp();
    const server = await apiServer();
    const file = writeAliceConfig('config', provider, server);
    const logger = capturingLogger(10);
    const client = await connect(loadKubeconfig({ explicitPath: file, env: {}, homeDir: dir.path }), undefined, logger);
    await client.getRaw('/api');
    const log = logger.text();
    assert.match(log, /Refreshing the OIDC id-token of user "alice" at https:\/\/127\.0\.0\.1:\d+\/realms\/fleet\/protocol\/openid-connect\/token/);
    assert.match(log, /Wrote the refreshed OIDC tokens of user "alice" to /);
    assert.match(log, /GET https:\/\/127\.0\.0\.1:\d+\/api/);
    for (const secret of [EXPIRED_ID_TOKEN, FIRST_REFRESH, CLIENT_SECRET, ...provider.issued]) assert.ok(!log.includes(secret), 'a secret reached the log');
  });
});
