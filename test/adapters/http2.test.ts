// One TLS connection per cluster: against a server that speaks h2 (as kube-apiserver does), every
// request of a client is a stream on one session; against one that does not, HTTP/1.1 with a few
// kept-alive connections.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64, sendJson, sendStatus } from './helpers/fixtures.js';
import { CONFIGMAPS, SECRETS, isApiError, trusted, useClientHarness } from './helpers/client.js';

const harness = useClientHarness();

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });

describe('connections to the API server', () => {
  it('h2: 30 parallel requests, a write, an error and a watch share one TLS connection', async () => {
    const server = await harness.serve(
      (request, response) => {
        if (request.query.get('watch') === '1') {
          response.writeHead(200, { 'Content-Type': 'application/json' });
          response.write(
            `${JSON.stringify({ type: 'MODIFIED', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', resourceVersion: '11' }, data: { token: base64('t') } } })}\n`,
          );
          return;
        }
        if (request.path.endsWith('/secrets')) {
          sendJson(response, 200, { apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: '10' }, items: [] });
          return;
        }
        if (request.path.endsWith('/missing')) {
          sendStatus(response, 404, 'NotFound', 'configmaps "missing" not found');
          return;
        }
        if (request.method === 'POST') {
          sendJson(response, 201, JSON.parse(request.body));
          return;
        }
        sendJson(response, 200, configMap(request.path.split('/').pop()!));
      },
      { http2: true },
    );
    const client = await harness.connect(trusted(server));
    const names = Array.from({ length: 30 }, (_, i) => `cm-${i}`);
    const got = await Promise.all(names.map((name) => client.get(CONFIGMAPS, name, 'default')));
    assert.deepEqual(
      got.map((o) => o?.metadata.name),
      names,
    );
    assert.equal((await client.create(CONFIGMAPS, configMap('new'))).metadata.name, 'new');
    assert.equal(await client.get(CONFIGMAPS, 'missing', 'default'), undefined, 'a 404 over h2 is "absent"');
    const token = await client.watchUntil(SECRETS, { namespace: 'default', timeoutMs: 5000, description: 'the token' }, (event) =>
      event.type === 'MODIFIED' ? event.object : undefined,
    );
    assert.equal(token.metadata.name, 'token');
    assert.equal(server.tlsConnections(), 1, 'one TLS handshake for the whole run');
    assert.equal(server.requests.length, 34);
  });

  it('h2: server errors keep their meaning (status, reason, message)', async () => {
    const server = await harness.serve((_request, response) => sendStatus(response, 403, 'Forbidden', 'configmaps is forbidden: User "u" cannot get'), {
      http2: true,
    });
    const client = await harness.connect(trusted(server));
    await assert.rejects(client.get(CONFIGMAPS, 'x', 'default'), isApiError(403, /configmaps is forbidden/));
  });

  it('HTTP/1.1 only: falls back after one probe, and opens at most 8 connections for a burst', async () => {
    const server = await harness.serve((request, response) => setTimeout(() => sendJson(response, 200, configMap(request.path.split('/').pop()!)), 20));
    const client = await harness.connect(trusted(server));
    const got = await Promise.all(Array.from({ length: 30 }, (_, i) => client.get(CONFIGMAPS, `cm-${i}`, 'default')));
    assert.equal(got.length, 30);
    // The ALPN probe (closed when the server did not choose h2) plus at most 8 kept-alive connections.
    assert.ok(server.tlsConnections() <= 9, `${server.tlsConnections()} TLS connections`);
    assert.ok(server.tlsConnections() >= 2, 'the burst was spread over several connections');
  });
});
