// disable against an in-memory host cluster whose "controller" reports the propagation
// controller stopped after the patch (or never, for the timeout).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { offlineTypeResources } from '../../src/core/builtin-types.js';
import { GVR } from '../../src/core/gvr.js';
import { defaultEnableTypeDirective } from '../../src/core/enable-directive.js';
import type { KubeObject } from '../../src/core/types.js';
import { FakeCluster, apiError, createFakeEnv, describeRequest, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';
const REF = `"${NS}/deployments.apps"`;
const CRD = 'federateddeployments.types.kubefed.io';
const FEDERATED_DEPLOYMENTS = { group: 'types.kubefed.io', version: 'v1beta1', resource: 'federateddeployments' };

/** A control plane with deployments.apps enabled, its controller Running. */
function enabledCluster(): FakeCluster {
  return new FakeCluster().installKubeFed().enableType('deployments.apps', { propagationController: 'Running' });
}

async function disable(cluster: FakeCluster, ...args: string[]) {
  return runWithFakeEnv(['disable', ...args], createFakeEnv(cluster));
}

function federatedDeployment(name: string): KubeObject {
  return { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedDeployment', metadata: { name, namespace: 'app' }, spec: { template: {} } };
}

describe('disable against a cluster', () => {
  test('disables propagation, watches until the controller reports NotRunning, deletes the FederatedTypeConfig', async () => {
    const cluster = enabledCluster();
    cluster.stopsPropagationControllerAfterPatch(20);
    const result = await disable(cluster, 'deployments.apps');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `Disabled propagation for FederatedTypeConfig ${REF}\nPropagation controller for FederatedTypeConfig ${REF} is stopped\nfederatedtypeconfig ${REF} deleted\n`,
    );
    assert.equal(result.stderr, `Verifying propagation controller is stopped for FederatedTypeConfig ${REF}\n`);
    assert.deepEqual(cluster.writes().map(describeRequest), [
      `patch federatedtypeconfigs ${NS}/deployments.apps`,
      `delete federatedtypeconfigs ${NS}/deployments.apps`,
    ]);
    assert.deepEqual(cluster.writes()[0]!.body, { spec: { propagation: 'Disabled' } });
    assert.equal(cluster.requestsOf('watch').length, 1, 'waits with a watch');
    assert.equal(cluster.requestsOf('get', 'federatedtypeconfigs').length, 1, 'no polling GETs');
    assert.equal(cluster.requestsOf('serverGroups').length, 0, 'a dotted NAME is the FederatedTypeConfig name: no discovery');
    assert.ok(cluster.peek(GVR.customResourceDefinitions, CRD), 'the CRD stays without --delete-crd');
  });

  test('times out with the Go message, once', async () => {
    const cluster = enabledCluster();
    const started = Date.now();
    const result = await disable(cluster, 'deployments.apps', '--timeout', '150ms');
    assert.ok(Date.now() - started < 5000);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, `Disabled propagation for FederatedTypeConfig ${REF}\n`);
    const [first, hint] = result.stderr.split('\n').slice(1);
    assert.equal(first, `error: Unable to verify propagation controller for FederatedTypeConfig ${REF} is stopped: timed out waiting for the condition`);
    assert.match(hint ?? '', /hint: Is the KubeFed controller manager running .*--timeout \(now 150ms\)/);
    assert.equal(result.stderr.match(/timed out waiting for the condition/g)?.length, 1);
    assert.ok(cluster.peek(GVR.federatedTypeConfigs, 'deployments.apps', NS), 'the FederatedTypeConfig is kept');
  });

  test('a failing watch is reported with the Go prefix', async () => {
    const cluster = enabledCluster().failOn({
      verb: 'watch',
      error: apiError(403, 'federatedtypeconfigs.core.kubefed.io "deployments.apps" is forbidden: cannot watch'),
    });
    const result = await disable(cluster, 'deployments.apps');
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `error: Unable to verify propagation controller for FederatedTypeConfig "${NS}/deployments.apps" is stopped: federatedtypeconfigs.core.kubefed.io "deployments.apps" is forbidden: cannot watch\\n`,
      ),
    );
  });

  test('--delete-crd refuses while federated objects exist, before changing anything', async () => {
    const cluster = enabledCluster();
    cluster.add(federatedDeployment('web'));
    const result = await disable(cluster, 'deployments.apps', '--delete-crd');
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.split('\n')[0],
      `error: Cannot delete CRD "${CRD}" while resource instances exist. Please try kubefedctl disable again after removing the resource instances or without the '--delete-crd' option`,
    );
    assert.match(result.stderr, new RegExp(`hint: List them with: kubectl get ${CRD} --all-namespaces`));
    assert.deepEqual(cluster.writes(), []);
    assert.deepEqual(cluster.requestsOf('list', 'federateddeployments')[0]?.namespace, undefined, 'listed across all namespaces');
  });

  test('--delete-crd deletes the CRD before the FederatedTypeConfig', async () => {
    const cluster = enabledCluster();
    cluster.stopsPropagationControllerAfterPatch(20);
    const result = await disable(cluster, 'deployments.apps', '--delete-crd');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `Disabled propagation for FederatedTypeConfig ${REF}\nPropagation controller for FederatedTypeConfig ${REF} is stopped\ncustomresourcedefinition "${CRD}" deleted\nfederatedtypeconfig ${REF} deleted\n`,
    );
    assert.deepEqual(cluster.writes().map(describeRequest), [
      `patch federatedtypeconfigs ${NS}/deployments.apps`,
      `delete customresourcedefinitions ${CRD}`,
      `delete federatedtypeconfigs ${NS}/deployments.apps`,
    ]);
    assert.equal(cluster.requestsOf('list', 'federateddeployments').length, 2, 'instances are checked before disabling and again before deleting');
    assert.equal(cluster.peek(GVR.customResourceDefinitions, CRD), undefined);
  });

  test('an already disabled type is not patched again', async () => {
    const cluster = enabledCluster();
    cluster.modify(GVR.federatedTypeConfigs, 'deployments.apps', NS, (ftc) => {
      (ftc.spec as Record<string, unknown>).propagation = 'Disabled';
      ftc.status = { propagationController: 'NotRunning' };
    });
    const result = await disable(cluster, 'deployments.apps');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `Propagation controller for FederatedTypeConfig ${REF} is stopped\nfederatedtypeconfig ${REF} deleted\n`);
    assert.deepEqual(
      cluster.writes().map((request) => request.verb),
      ['delete'],
    );
  });

  test('a missing FederatedTypeConfig is reported; nothing else happens without --delete-crd', async () => {
    const cluster = new FakeCluster().installKubeFed();
    const result = await disable(cluster, 'jobs.batch');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `FederatedTypeConfig "${NS}/jobs.batch" does not exist\n`);
    assert.deepEqual(cluster.writes(), []);
  });

  test('a missing FederatedTypeConfig with --delete-crd: the CRD name comes from discovery and --federated-group', async () => {
    const cluster = new FakeCluster().installKubeFed();
    const { crd } = offlineTypeResources({ ...defaultEnableTypeDirective('jobs.batch'), federatedGroup: 'fed.example.com' });
    cluster.put(GVR.customResourceDefinitions, crd);
    const result = await disable(cluster, 'jobs.batch', '--delete-crd', '--federated-group', 'fed.example.com');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `FederatedTypeConfig "${NS}/jobs.batch" does not exist\ncustomresourcedefinition "federatedjobs.fed.example.com" deleted\n`);
    assert.deepEqual(cluster.writes().map(describeRequest), ['delete customresourcedefinitions federatedjobs.fed.example.com']);
    const again = await disable(cluster, 'jobs.batch', '--delete-crd', '--federated-group', 'fed.example.com');
    assert.equal(
      again.stdout,
      `FederatedTypeConfig "${NS}/jobs.batch" does not exist\ncustomresourcedefinition "federatedjobs.fed.example.com" does not exist\n`,
    );
  });

  test('a NAME without a dot is looked up: cm means the FederatedTypeConfig "configmaps"', async () => {
    const cluster = new FakeCluster().installKubeFed();
    const result = await disable(cluster, 'cm');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `FederatedTypeConfig "${NS}/configmaps" does not exist\n`);
    assert.equal(cluster.requestsOf('serverGroups').length, 1);
    const unknown = await disable(cluster, 'gizmo');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: Unable to find api resource named "gizmo"\.\n/);
  });

  test('--dry-run reads, says what it would do, writes nothing and does not wait', async () => {
    const cluster = enabledCluster();
    const result = await disable(cluster, 'deployments.apps', '--delete-crd', '--dry-run');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `Disabled propagation for FederatedTypeConfig ${REF} (dry run)\ncustomresourcedefinition "${CRD}" deleted (dry run)\nfederatedtypeconfig ${REF} deleted (dry run)\n`,
    );
    assert.match(result.stderr, /Not waiting for the propagation controller .* \(dry run\)/);
    assert.deepEqual(cluster.writes(), []);
    assert.equal(cluster.requestsOf('watch').length, 0);
  });

  test('--dry-run still refuses when instances exist', async () => {
    const cluster = enabledCluster();
    cluster.add(federatedDeployment('web'));
    const result = await disable(cluster, 'deployments.apps', '--delete-crd', '--dry-run');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Cannot delete CRD/);
  });

  test('flag checks: --version and --federated-group only with --delete-crd; NAME required', async () => {
    const cluster = new FakeCluster();
    const version = await disable(cluster, 'deployments.apps', '--version', 'v1');
    assert.equal(version.code, 2);
    assert.match(version.stderr, /^error: --version flag valid only with --delete-crd\n/);
    const group = await disable(cluster, 'deployments.apps', '--federated-group', 'x.io');
    assert.equal(group.code, 2);
    assert.match(group.stderr, /^error: --federated-group flag valid only with --delete-crd\n/);
    const defaultGroup = await disable(cluster, 'deployments.apps', '--federated-group', 'types.kubefed.io', '--dry-run');
    assert.equal(defaultGroup.code, 0, 'the default group is accepted without --delete-crd, as in the Go tool');
    const noName = await disable(cluster);
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /^error: NAME is required\n/);
    assert.equal((await disable(cluster, 'x.y', '--timeout', 'soon')).code, 2);
    assert.equal(cluster.writes().length, 0);
  });

  test('--delete-crd=false is accepted (pflag boolean syntax)', async () => {
    const cluster = new FakeCluster().installKubeFed();
    const result = await disable(cluster, 'jobs.batch', '--delete-crd=false');
    assert.equal(result.code, 0, result.stderr);
  });

  test('instances of an unserved federated type count as none', async () => {
    const cluster = enabledCluster();
    cluster.remove(GVR.customResourceDefinitions, CRD);
    cluster.stopsPropagationControllerAfterPatch(20);
    const result = await disable(cluster, 'deployments.apps', '--delete-crd');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`customresourcedefinition "${CRD}" does not exist\\n`));
    assert.deepEqual(cluster.all(FEDERATED_DEPLOYMENTS), []);
  });
});
