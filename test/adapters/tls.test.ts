// TLS towards the API server: CA (file or inline data), client certificates, insecure-skip-tls-verify,
// tls-server-name, and the one CA reader the cluster layer exports.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { readCaBundleBase64 } from '../../src/cluster/tls.js';
import type { ContextInfo } from '../../src/cluster/types.js';
import { ClusterApiError, ConfigError } from '../../src/errors.js';
import { base64, tlsFile, tlsText } from './helpers/fixtures.js';
import { isApiError, okHandler, trusted, useClientHarness } from './helpers/client.js';

const harness = useClientHarness();

describe('TLS towards the API server', () => {
  it('verifies the server against certificate-authority and presents the client certificate', async () => {
    const server = await harness.serve(okHandler);
    const client = await harness.connect(trusted(server), { 'client-certificate': tlsFile('client.crt'), 'client-key': tlsFile('client.key') });
    assert.deepEqual(await client.getRaw('/api'), { kind: 'APIVersions', versions: ['v1'], seenPath: '/api' });
    assert.equal(server.requests[0]?.clientCertCN, 'fixture-admin');
    assert.equal(server.requests[0]?.headers.authorization, undefined);
  });

  it('trusts inline certificate-authority-data and sends the bearer token', async () => {
    const server = await harness.serve(okHandler);
    const client = await harness.connect({ server: server.url, 'certificate-authority-data': base64(tlsText('ca.crt')) }, { token: 'inline-ca-token' });
    await client.getRaw('/api');
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer inline-ca-token');
    assert.equal(server.requests[0]?.headers.accept, 'application/json');
    assert.match(String(server.requests[0]?.headers['user-agent']), /^kubefedctl/);
  });

  it('fails against an unknown CA with a message naming context and server and a hint about the CA', async () => {
    const server = await harness.serve(okHandler);
    const client = await harness.connect({ server: server.url, 'certificate-authority': tlsFile('other-ca.crt') });
    await assert.rejects(client.getRaw('/api'), (error: unknown) => {
      assert.ok(error instanceof ClusterApiError);
      assert.equal(error.status, 0);
      assert.match(error.message, /^Unable to reach cluster "test": GET https:\/\/127\.0\.0\.1:\d+\/api: x509: certificate signed by unknown authority/);
      assert.match(error.hint ?? '', /certificate-authority/);
      assert.match(error.hint ?? '', /insecure-skip-tls-verify/);
      return true;
    });
    assert.equal(server.requests.length, 0);
  });

  it('connects without verification when insecure-skip-tls-verify is set', async () => {
    const server = await harness.serve(okHandler);
    const client = await harness.connect({ server: server.url, 'insecure-skip-tls-verify': true });
    assert.ok(await client.getRaw('/api'));
  });

  it('verifies against tls-server-name when the server address is not in the certificate', async () => {
    const server = await harness.serve(okHandler, { cert: 'named-server' });
    const withoutName = await harness.connect(trusted(server));
    await assert.rejects(
      withoutName.getRaw('/api'),
      (error: unknown) => isApiError(0, /not valid for this host/)(error) && /tls-server-name/.test((error as ClusterApiError).hint ?? ''),
    );
    const withName = await harness.connect(trusted(server, { 'tls-server-name': 'apiserver.fixture.test' }));
    assert.ok(await withName.getRaw('/api'));
  });
});

describe('readCaBundleBase64', () => {
  const context = (extra: Partial<ContextInfo>): ContextInfo => ({
    name: 'c',
    clusterName: 'member',
    userName: 'u',
    namespace: 'default',
    server: 'https://member.example.com',
    insecureSkipTlsVerify: false,
    ...extra,
  });

  it('gives the CA of a context as base64, from inline data (which wins) or the file', () => {
    const pem = tlsText('ca.crt');
    assert.equal(readCaBundleBase64(context({ caFile: tlsFile('ca.crt') })), base64(pem));
    // Line-wrapped data, as some tools write it, comes back in one line.
    const wrapped = base64(pem).replace(/(.{64})/g, '$1\n');
    assert.equal(readCaBundleBase64(context({ caData: wrapped, caFile: tlsFile('other-ca.crt') })), base64(pem));
    assert.equal(readCaBundleBase64(context({})), undefined);
  });

  it('throws a ConfigError naming the file and the cluster when the file cannot be read', () => {
    assert.throws(
      () => readCaBundleBase64(context({ caFile: '/nonexistent/ca.crt' })),
      (e: unknown) => e instanceof ConfigError && e.message === 'unable to read certificate-authority "/nonexistent/ca.crt" of cluster "member": no such file',
    );
  });
});

describe('TLS settings the kubeconfig must not combine', () => {
  it('refuses a certificate authority together with insecure-skip-tls-verify, as kubectl does', async () => {
    const server = await harness.serve(okHandler);
    await assert.rejects(
      harness.connect({ server: server.url, 'certificate-authority': tlsFile('ca.crt'), 'insecure-skip-tls-verify': true }),
      (e: unknown) => e instanceof ConfigError && /sets both a certificate authority and insecure-skip-tls-verify/.test(e.message),
    );
  });
});
