// A REST client against a local fake API server, per test: a temporary directory for the
// kubeconfig, and everything the test started closed again afterwards.

import { afterEach, beforeEach } from 'node:test';
import { PassThrough } from 'node:stream';

import { createClusterClient, type ClusterClientDeps } from '../../../src/cluster/rest-client.js';
import { loadKubeconfig } from '../../../src/cluster/kubeconfig.js';
import type { ClusterClient } from '../../../src/cluster/types.js';
import type { GroupVersionResource } from '../../../src/core/types.js';
import { ClusterApiError } from '../../../src/errors.js';
import { SILENT_LOGGER } from '../../../src/log.js';
import {
  makeTempDir,
  sendJson,
  startFakeApiServer,
  tlsFile,
  writeKubeconfig,
  type ClusterSpec,
  type FakeApiServer,
  type FakeHandler,
  type TempDir,
} from './fixtures.js';

export const CONFIGMAPS: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
export const SECRETS: GroupVersionResource = { group: '', version: 'v1', resource: 'secrets' };

export interface ClientHarness {
  /** This test's temporary directory. */
  readonly dir: TempDir;
  /** Runs after the test, last registered first. */
  defer(cleanup: () => unknown): void;
  serve(handler: FakeHandler, options?: { cert?: 'server' | 'named-server'; host?: string; http2?: boolean }): Promise<FakeApiServer>;
  /** A client for a one-context kubeconfig (context "test", user "test-user"). */
  connect(cluster: ClusterSpec, user?: Record<string, unknown>, deps?: Partial<ClusterClientDeps>): Promise<ClusterClient>;
}

/** Call at the top of a test file: registers the per-test setup and cleanup. */
export function useClientHarness(): ClientHarness {
  let dir: TempDir | undefined;
  const cleanups: Array<() => unknown> = [];
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    dir?.remove();
  });
  const harness: ClientHarness = {
    get dir() {
      if (dir === undefined) throw new Error('the client harness is used outside a test');
      return dir;
    },
    defer: (cleanup) => cleanups.push(cleanup),
    async serve(handler, options = {}) {
      const server = await startFakeApiServer(handler, options);
      cleanups.push(() => server.close());
      return server;
    },
    async connect(cluster, user = { token: 'test-token' }, deps = {}) {
      const file = writeKubeconfig(harness.dir, cluster, user);
      const kubeconfig = loadKubeconfig({ explicitPath: file, env: {}, homeDir: harness.dir.path });
      const client = await createClusterClient(kubeconfig, undefined, {
        logger: SILENT_LOGGER,
        env: {},
        execCache: new Map(),
        pluginStderr: new PassThrough(),
        ...deps,
      });
      cleanups.push(() => client.close?.());
      return client;
    },
  };
  return harness;
}

/** The fake server's URL with the fixture CA trusted. */
export const trusted = (server: FakeApiServer, extra: Partial<ClusterSpec> = {}): ClusterSpec => ({
  server: server.url,
  'certificate-authority': tlsFile('ca.crt'),
  ...extra,
});

export const okHandler: FakeHandler = (request, response) => sendJson(response, 200, { kind: 'APIVersions', versions: ['v1'], seenPath: request.path });

export function isApiError(status: number, pattern?: RegExp) {
  return (error: unknown) => error instanceof ClusterApiError && error.status === status && (pattern === undefined || pattern.test(error.message));
}
