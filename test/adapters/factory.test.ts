import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { createClusterFactory } from '../../src/cluster/factory.js';
import { ConfigError } from '../../src/errors.js';
import { SILENT_LOGGER } from '../../src/log.js';
import { makeTempDir, type TempDir } from './helpers/fixtures.js';

const TWO_CONTEXTS = `apiVersion: v1
kind: Config
current-context: one
clusters:
  - {name: c1, cluster: {server: "https://one.invalid:6443", insecure-skip-tls-verify: true}}
  - {name: c2, cluster: {server: "https://two.invalid:6443", insecure-skip-tls-verify: true}}
  - {name: bad-ca, cluster: {server: "https://three.invalid", certificate-authority: does-not-exist.crt}}
contexts:
  - {name: one, context: {cluster: c1}}
  - {name: two, context: {cluster: c2}}
  - {name: bad-ca, context: {cluster: bad-ca}}
`;

let dir: TempDir;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.remove());

describe('createClusterFactory', () => {
  it('reads the kubeconfig only when a client is first needed', async () => {
    const factory = createClusterFactory({ explicitKubeconfig: dir.file('later.yaml'), env: {}, homeDir: dir.path, logger: SILENT_LOGGER });
    dir.write('later.yaml', TWO_CONTEXTS);
    const client = await factory(undefined);
    assert.equal(client.contextName, 'one');
    assert.equal(client.context.server, 'https://one.invalid:6443');
    assert.equal(client.requestCount, 0, 'creating a client sends nothing');
  });

  it('caches one client per context; the current context and its name share one', async () => {
    const factory = createClusterFactory({ explicitKubeconfig: dir.write('config.yaml', TWO_CONTEXTS), env: {}, homeDir: dir.path, logger: SILENT_LOGGER });
    const [implicit, named, other] = await Promise.all([factory(undefined), factory('one'), factory('two')]);
    assert.equal(implicit, named);
    assert.notEqual(implicit, other);
    assert.equal(await factory('two'), other);
    assert.deepEqual(factory.kubeconfig().contextNames, ['one', 'two', 'bad-ca']);
  });

  it('reports kubeconfig and context problems as ConfigError, and does not cache failures', async () => {
    const factory = createClusterFactory({ explicitKubeconfig: dir.write('config.yaml', TWO_CONTEXTS), env: {}, homeDir: dir.path, logger: SILENT_LOGGER });
    await assert.rejects(factory('three'), (error: unknown) => error instanceof ConfigError && error.message === 'context "three" does not exist');
    await assert.rejects(
      factory('bad-ca'),
      (error: unknown) => error instanceof ConfigError && /unable to read certificate-authority ".*does-not-exist\.crt"/.test(error.message),
    );
    dir.write('does-not-exist.crt', 'not really a certificate');
    assert.equal((await factory('bad-ca')).contextName, 'bad-ca', 'fixed on disk, so the retry succeeds');

    const missing = createClusterFactory({ env: { KUBECONFIG: dir.file('nope.yaml') }, homeDir: dir.path, logger: SILENT_LOGGER });
    await assert.rejects(missing(undefined), (error: unknown) => error instanceof ConfigError && /no kubeconfig found/.test(error.message));
  });
});
