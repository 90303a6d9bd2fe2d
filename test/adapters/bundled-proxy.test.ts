// The proxy agents are bundled into dist/cluster.cjs behind a dynamic import (hpagent and socks are
// devDependencies): the built CLI, not only the sources, must tunnel through each kind of proxy.
// Needs the build (npm test builds first).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';

import { sendStatus, tlsFile, writeKubeconfig } from './helpers/fixtures.js';
import { startConnectProxy, startSocks5Proxy } from './helpers/proxies.js';
import { useClientHarness } from './helpers/client.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/kubefedctl.js');

const harness = useClientHarness();

function runCli(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: harness.dir.path }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('the built CLI behind a proxy', () => {
  for (const [label, start] of [
    ['an HTTP CONNECT proxy', () => startConnectProxy({ auth: { username: 'u', password: 'proxy-password' } })],
    ['a SOCKS5 proxy', () => startSocks5Proxy({ auth: { username: 'u', password: 'proxy-password' } })],
  ] as const) {
    it(`reaches the API server through ${label} with credentials`, async () => {
      const server = await harness.serve((_request, response) => sendStatus(response, 403, 'Forbidden', 'deployments.apps is forbidden: User "u" cannot list'));
      const proxy = await start();
      harness.defer(() => proxy.close());
      const proxyUrl = proxy.url.replace('://', '://u:proxy-password@');
      const kubeconfig = writeKubeconfig(
        harness.dir,
        { server: server.url, 'certificate-authority': tlsFile('ca.crt'), 'proxy-url': proxyUrl },
        { token: 't' },
      );

      const { status, stderr } = await runCli(['enable', 'deployments.apps', '--kubeconfig', kubeconfig, '-v=6']);
      assert.equal(status, 1, stderr);
      assert.match(stderr, /Error from server \(Forbidden\)/, 'the answer came from the API server, through the tunnel');
      assert.ok(proxy.targets.length >= 1 && proxy.targets.every((target) => target === `127.0.0.1:${server.port}`), String(proxy.targets));
      assert.ok(
        proxy.credentials.every((presented) => /^(Basic dTpwcm94eS1wYXNzd29yZA==|u:proxy-password)$/.test(presented)),
        'the proxy saw the credentials',
      );
      assert.ok(server.requests.length >= 1);
      assert.doesNotMatch(stderr, /proxy-password/);
    });
  }
});
