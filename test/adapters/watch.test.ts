// ClusterClient.watchUntil against a fake API server that streams watch events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';

import { TimeoutError } from '../../src/errors.js';
import { base64, sendJson, type FakeApiServer } from './helpers/fixtures.js';
import { SECRETS, trusted, useClientHarness } from './helpers/client.js';

const harness = useClientHarness();

describe('watchUntil', () => {
  function watchServer(onWatch: (attempt: number, response: ServerResponse, resourceVersion: string | null) => void): Promise<FakeApiServer> {
    let attempts = 0;
    return harness.serve((request, response) => {
      if (request.query.get('watch') === '1') {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        onWatch(++attempts, response, request.query.get('resourceVersion'));
      } else {
        sendJson(response, 200, {
          apiVersion: 'v1',
          kind: 'SecretList',
          metadata: { resourceVersion: '10' },
          items: [{ metadata: { name: 'token', resourceVersion: '10' }, data: {} }],
        });
      }
    });
  }
  const event = (type: string, resourceVersion: string, data: Record<string, string> = {}) =>
    `${JSON.stringify({ type, object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', resourceVersion }, data } })}\n`;

  it('feeds the list as ADDED, re-establishes a closed watch from the last resourceVersion, and resolves on MODIFIED', async () => {
    const server = await watchServer((attempt, response) => {
      if (attempt === 1) {
        response.write(`${JSON.stringify({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Secret', metadata: { resourceVersion: '15' } } })}\n`);
        response.end(event('MODIFIED', '20'));
      } else {
        // Split across writes, to exercise line buffering.
        const line = event('MODIFIED', '30', { token: base64('sa-token') });
        response.write(line.slice(0, 25));
        setTimeout(() => response.write(line.slice(25)), 20);
      }
    });
    const client = await harness.connect(trusted(server));
    const seen: string[] = [];
    const token = await client.watchUntil(SECRETS, { namespace: 'testing', timeoutMs: 5000, description: 'the token secret' }, (e) => {
      seen.push(`${e.type}:${e.object.metadata.resourceVersion ?? ''}`);
      const data = e.object.data as Record<string, string> | undefined;
      return data?.token;
    });
    assert.equal(token, base64('sa-token'));
    assert.deepEqual(seen, ['ADDED:10', 'BOOKMARK:15', 'MODIFIED:20', 'MODIFIED:30']);
    const watches = server.requests.filter((r) => r.query.get('watch') === '1');
    assert.deepEqual(
      watches.map((r) => r.query.get('resourceVersion')),
      ['10', '20'],
    );
    assert.ok(watches.every((r) => r.query.get('allowWatchBookmarks') === 'true' && r.path === '/api/v1/namespaces/testing/secrets'));
  });

  it('resolves from the initial list without watching when the condition already holds', async () => {
    const server = await watchServer(() => assert.fail('no watch expected'));
    const client = await harness.connect(trusted(server));
    assert.equal(
      await client.watchUntil(SECRETS, { timeoutMs: 1000, description: 'x' }, (e) => (e.type === 'ADDED' ? e.object.metadata.name : undefined)),
      'token',
    );
    assert.equal(server.requests.length, 1);
  });

  it('rejects with TimeoutError after timeoutMs and closes the watch connection', async () => {
    const server = await watchServer((_attempt, response) => response.write(event('MODIFIED', '11')));
    const client = await harness.connect(trusted(server));
    const started = Date.now();
    await assert.rejects(
      client.watchUntil(SECRETS, { namespace: 'testing', timeoutMs: 300, description: 'the service account token' }, () => undefined),
      (error: unknown) => error instanceof TimeoutError && error.message === 'timed out after 300ms waiting for the service account token',
    );
    assert.ok(Date.now() - started < 2000);
    await waitFor(() => server.closedConnections() >= 2);
    assert.equal(server.closedConnections(), 2, 'list and watch responses are both finished');
  });

  it('re-lists when the watch resourceVersion is too old', async () => {
    const server = await watchServer((attempt, response) => {
      if (attempt === 1)
        response.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } })}\n`);
      else response.write(event('MODIFIED', '40', { token: 'dG9r' }));
    });
    const client = await harness.connect(trusted(server));
    const result = await client.watchUntil(SECRETS, { timeoutMs: 5000, description: 'x' }, (e) =>
      e.type === 'MODIFIED' ? e.object.metadata.resourceVersion : undefined,
    );
    assert.equal(result, '40');
    assert.deepEqual(
      server.requests.map((r) => (r.query.get('watch') ? 'watch' : 'list')),
      ['list', 'watch', 'list', 'watch'],
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
