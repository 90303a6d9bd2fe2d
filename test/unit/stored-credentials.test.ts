// The kubeconfig status --members builds in memory from a KubeFedCluster and its Secret: the
// endpoint, CA, TLS and proxy settings KubeFed uses, and the token decoded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kubeconfigOfKubeFedCluster } from '../../src/cluster/stored-credentials.js';
import type { KubeObject } from '../../src/core/types.js';

const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c2-abcde' }, data: { token: Buffer.from('the-token').toString('base64') } };
const cluster = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster', metadata: { name: 'c2' }, spec });

describe('kubeconfigOfKubeFedCluster', () => {
  test('endpoint, CA bundle, proxy and the decoded token, in a context named like the cluster', () => {
    const kubeconfig = kubeconfigOfKubeFedCluster(cluster({ apiEndpoint: 'https://10.0.0.2:6443', caBundle: 'Q0E=', proxyURL: 'http://proxy:3128', secretRef: { name: 'c2-abcde' } }), secret);
    const context = kubeconfig.context();
    assert.deepEqual([context.name, context.server, context.caData, context.insecureSkipTlsVerify, context.proxyUrl], ['c2', 'https://10.0.0.2:6443', 'Q0E=', false, 'http://proxy:3128']);
    assert.equal(kubeconfig.user?.()?.token, 'the-token');
  });

  test('disabledTLSValidations ["*"] skips verification (and drops the CA, which kubectl refuses together with it)', () => {
    const context = kubeconfigOfKubeFedCluster(cluster({ apiEndpoint: 'https://c2', caBundle: 'Q0E=', disabledTLSValidations: ['*'] }), secret).context();
    assert.equal(context.insecureSkipTlsVerify, true);
    assert.equal(context.caData, undefined);
  });
});
