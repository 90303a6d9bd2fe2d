// The pure parts of promote: what a pod template depends on, what KubeFed's write changes, and
// the member kubeconfig made from the credentials KubeFed stores.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storedCredentialsKubeconfig } from '../../src/cluster/stored-credentials.js';
import { describeChanges, podSpecDependencies, podSpecOf } from '../../src/core/promote.js';
import type { KubeObject } from '../../src/core/types.js';
import { OperationError } from '../../src/errors.js';

describe('podSpecDependencies', () => {
  test('volumes, projected sources, env, envFrom, image pull secrets and the service account', () => {
    const podSpec = {
      serviceAccountName: 'runner',
      imagePullSecrets: [{ name: 'registry' }],
      volumes: [
        { name: 'a', configMap: { name: 'files' } },
        { name: 'b', secret: { secretName: 'certs', optional: true } },
        {
          name: 'c',
          projected: { sources: [{ configMap: { name: 'projected-cm' } }, { secret: { name: 'projected-secret' } }, { serviceAccountToken: { path: 't' } }] },
        },
      ],
      initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'init-env' } }] }],
      containers: [
        {
          name: 'c',
          envFrom: [{ configMapRef: { name: 'files' } }],
          env: [
            { name: 'X', valueFrom: { configMapKeyRef: { name: 'keys', key: 'x', optional: true } } },
            { name: 'Y', valueFrom: { secretKeyRef: { name: 'certs', key: 'y' } } },
          ],
        },
      ],
    };
    assert.deepEqual(
      podSpecDependencies(podSpec)
        .map((d) => `${d.kind}/${d.name}${d.optional ? '?' : ''}`)
        .sort(),
      [
        'ConfigMap/files',
        'ConfigMap/keys?',
        'ConfigMap/projected-cm',
        'Secret/certs',
        'Secret/init-env',
        'Secret/projected-secret',
        'Secret/registry',
        'ServiceAccount/runner',
      ],
    );
  });

  test("the default ServiceAccount is every cluster's own", () => {
    assert.deepEqual(podSpecDependencies({ serviceAccountName: 'default', containers: [] }), []);
  });

  test('CronJob templates are found', () => {
    const cronJob: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: 'x' } } } } },
    };
    assert.deepEqual(podSpecOf(cronJob), { serviceAccountName: 'x' });
  });
});

describe('describeChanges', () => {
  test('labels added and removed, server metadata and status ignored', () => {
    const live: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', uid: 'u', resourceVersion: '1', labels: { keep: '1', gone: 'x' } },
      data: { a: '1' },
      status: { x: 1 },
    };
    const desired: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', labels: { keep: '1', 'kubefed.io/managed': 'true' } },
      data: { a: '2' },
    };
    assert.deepEqual(describeChanges(live, desired), ['~ data.a: "1" -> "2"', '- metadata.labels.gone: "x"', '+ metadata.labels.kubefed.io/managed: "true"']);
  });
});

describe('storedCredentialsKubeconfig', () => {
  const cluster: KubeObject = {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedCluster',
    metadata: { name: 'c2' },
    spec: { apiEndpoint: 'https://10.0.0.2:6443', caBundle: 'Q0E=', secretRef: { name: 'c2-x' } },
  };
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c2-x' }, data: { token: Buffer.from('t0ken').toString('base64') } };

  test('the endpoint, CA and token KubeFed uses', () => {
    const kubeconfig = storedCredentialsKubeconfig(cluster, secret);
    const context = kubeconfig.context();
    assert.equal(context.server, 'https://10.0.0.2:6443');
    assert.equal(context.caData, 'Q0E=');
    assert.equal(context.insecureSkipTlsVerify, false);
    assert.equal(kubeconfig.user?.()?.token, 't0ken');
  });

  test('disabledTLSValidations ["*"] skips verification, as KubeFed does', () => {
    const context = storedCredentialsKubeconfig({ ...cluster, spec: { ...(cluster.spec as object), disabledTLSValidations: ['*'] } }, secret).context();
    assert.equal(context.insecureSkipTlsVerify, true);
    assert.equal(context.caData, undefined);
  });

  test("no token is an error that says what to do, without the secret's content", () => {
    assert.throws(
      () => storedCredentialsKubeconfig(cluster, undefined),
      (error: unknown) => error instanceof OperationError && /--cluster-context/.test(error.hint ?? ''),
    );
  });
});
