// Request logging at -v=6/7/8: kubectl's lines, and no credential or Secret value at any level.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { REDACTED, redactHeaders, redactObject, redactSecretPayload, redactText } from '../../src/redact.js';
import { CREDENTIAL_PLUGIN, base64, capturingLogger, sendJson } from './helpers/fixtures.js';
import { CONFIGMAPS, SECRETS, okHandler, trusted, useClientHarness } from './helpers/client.js';

const harness = useClientHarness();

describe('logging', () => {
  it('logs requests like kubectl at -v=6 and never shows tokens or secret data at -v=8', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'testing' }, data: { token: base64('secret-value-xyz') } };
    const server = await harness.serve((request, response) => {
      if (request.method === 'POST') sendJson(response, 201, JSON.parse(request.body));
      else if (request.path.endsWith('/secrets'))
        sendJson(response, 200, { apiVersion: 'v1', kind: 'SecretList', metadata: {}, items: [{ metadata: { name: 's' }, data: secret.data }] });
      else sendJson(response, 200, { kind: 'TokenRequest', status: { token: 'issued-token-abc' } });
    });
    const logger = capturingLogger(8);
    const log = harness.dir.file('plugin.log');
    const client = await harness.connect(
      trusted(server),
      {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: process.execPath,
          args: [CREDENTIAL_PLUGIN, '--mode', 'token'],
          env: [
            { name: 'PLUGIN_LOG', value: log },
            { name: 'PLUGIN_TOKEN', value: 'plugin-token-very-secret' },
          ],
        },
      },
      { logger },
    );
    await client.create(SECRETS, secret);
    await client.list(SECRETS, { namespace: 'testing' });
    await client.getRaw('/api/v1/namespaces/testing/serviceaccounts/sa/token');
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer plugin-token-very-secret');

    const text = logger.text();
    assert.match(text, new RegExp(`POST ${server.url}/api/v1/namespaces/testing/secrets 201 Created in \\d+ milliseconds`));
    assert.match(text, new RegExp(`GET ${server.url}/api/v1/namespaces/testing/secrets\\?limit=500 200 OK in \\d+ milliseconds`));
    assert.match(text, /Authorization: REDACTED/);
    assert.match(text, /Request Body: /);
    assert.match(text, /Response Body: /);
    for (const leaked of ['plugin-token-very-secret', base64('secret-value-xyz'), 'issued-token-abc']) {
      assert.ok(!text.includes(leaked), `log must not contain ${leaked}`);
    }
  });

  it('logs nothing below -v=6', async () => {
    const server = await harness.serve(okHandler);
    const logger = capturingLogger(5);
    const client = await harness.connect(trusted(server), { token: 't' }, { logger });
    await client.getRaw('/api');
    assert.deepEqual(logger.lines, []);
  });
});

describe('logging of Secret bodies', () => {
  it('redacts Secret values in patches and raw reads at -v=9, and keeps other bodies readable', async () => {
    const server = await harness.serve((request, response) => {
      if (request.path.endsWith('/secrets/s'))
        sendJson(response, 200, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'raw-read-secret' } });
      else sendJson(response, 200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { colour: 'blue' } });
    });
    const logger = capturingLogger(9);
    const client = await harness.connect(trusted(server), { token: 't' }, { logger });
    await client.patch(SECRETS, 's', 'testing', [{ op: 'replace', path: '/data/token', value: 'json-patch-secret' }], 'json');
    await client.patch(SECRETS, 's', 'testing', { data: { token: 'merge-patch-secret' } }, 'merge');
    await client.getRaw('/api/v1/namespaces/testing/secrets/s');
    await client.get(CONFIGMAPS, 'c', 'testing');

    const text = logger.text();
    for (const leaked of ['json-patch-secret', 'merge-patch-secret', 'raw-read-secret']) assert.ok(!text.includes(leaked), `log must not contain ${leaked}`);
    assert.match(text, /Request Body: \[\{"op":"replace","path":"\/data\/token","value":"REDACTED"\}\]/);
    assert.match(text, /Request Body: \{"data":\{"token":"REDACTED"\}\}/);
    assert.match(text, /"colour":"blue"/, 'a ConfigMap is logged as it is');
  });

  it('truncates long bodies below -v=9', async () => {
    const long = 'x'.repeat(20_000);
    const server = await harness.serve((_request, response) => sendJson(response, 200, { kind: 'ConfigMap', data: { long } }));
    const logger = capturingLogger(8);
    const client = await harness.connect(trusted(server), { token: 't' }, { logger });
    await client.getRaw('/api/v1/namespaces/testing/configmaps/big');
    assert.match(logger.text(), /Response Body: \{"kind":"ConfigMap","data":\{"long":"x+ \[truncated \d+ chars\]/);
  });
});

describe('redact', () => {
  it('redacts credential headers whatever their case', () => {
    assert.deepEqual(redactHeaders({ Authorization: 'Bearer abc', 'proxy-authorization': 'Basic xyz', Cookie: 'c', Accept: 'application/json' }), {
      Authorization: REDACTED,
      'proxy-authorization': REDACTED,
      Cookie: REDACTED,
      Accept: 'application/json',
    });
  });

  it('redacts the data of Secrets only, and token-like fields of any object', () => {
    const objects = [
      { kind: 'Secret', data: { token: 'dG9r' }, stringData: { password: 'pw' }, metadata: { name: 's' } },
      { kind: 'ConfigMap', data: { token: 'visible' } },
      { kind: 'Config', users: [{ user: { token: 'kubeconfig-token', 'client-key-data': 'a2V5' } }] },
    ];
    assert.deepEqual(redactObject(objects), [
      { kind: 'Secret', data: { token: REDACTED }, stringData: { password: REDACTED }, metadata: { name: 's' } },
      { kind: 'ConfigMap', data: { token: REDACTED } },
      { kind: 'Config', users: [{ user: { token: REDACTED, 'client-key-data': REDACTED } }] },
    ]);
    assert.deepEqual(redactObject({ kind: 'ConfigMap', data: { colour: 'blue' } }), { kind: 'ConfigMap', data: { colour: 'blue' } });
  });

  it('redacts the secrets of an oidc auth-provider config and of an OAuth token response', () => {
    const provider = {
      name: 'oidc',
      config: { 'client-id': 'fleet', 'client-secret': 's3cret', 'id-token': 'eyJ.a.b', 'refresh-token': 'r1', 'idp-issuer-url': 'https://idp.example' },
    };
    assert.deepEqual(redactObject({ user: { 'auth-provider': provider } }), {
      user: {
        'auth-provider': {
          name: 'oidc',
          config: { 'client-id': 'fleet', 'client-secret': REDACTED, 'id-token': REDACTED, 'refresh-token': REDACTED, 'idp-issuer-url': 'https://idp.example' },
        },
      },
    });
    assert.deepEqual(redactObject({ access_token: 'a', id_token: 'i', refresh_token: 'r', client_secret: 'c', token_type: 'Bearer' }), {
      access_token: REDACTED,
      id_token: REDACTED,
      refresh_token: REDACTED,
      client_secret: REDACTED,
      token_type: 'Bearer',
    });
  });

  it('redacts every shape of a secrets body: list items without a kind, merge patches and JSON-patch values', () => {
    assert.deepEqual(redactSecretPayload({ kind: 'SecretList', items: [{ metadata: { name: 'a' }, data: { k: 'v' } }] }), {
      kind: 'SecretList',
      items: [{ metadata: { name: 'a' }, data: { k: REDACTED } }],
    });
    assert.deepEqual(redactSecretPayload({ stringData: { k: 'v' } }), { stringData: { k: REDACTED } });
    assert.deepEqual(
      redactSecretPayload([
        { op: 'add', path: '/data/k', value: 'v' },
        { op: 'remove', path: '/data/j' },
      ]),
      [
        { op: 'add', path: '/data/k', value: REDACTED },
        { op: 'remove', path: '/data/j' },
      ],
    );
  });

  it('redacts bearer tokens and JWTs in text', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl';
    assert.equal(redactText(`Authorization: Bearer abc.def and ${jwt}`), `Authorization: Bearer ${REDACTED} and ${REDACTED}`);
  });
});
