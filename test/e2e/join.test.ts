// join and unjoin against real kube-apiservers and the real KubeFed controller.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type E2eEnv, loadE2eEnv } from './harness/env.js';
import {
  NS,
  adminContext,
  assertNoTokenPrinted,
  describeRun,
  getObject,
  kubefedctl,
  limitedUser,
  listNames,
  snapshot,
  tokenOf,
  waitForNamespaceGone,
  writeKubeconfig,
} from './support.js';

const env: E2eEnv = loadE2eEnv();
const HOST = env.hostCluster;
const MEMBER = env.clusters.find((c) => c !== HOST)!;
const SA = `${MEMBER}-${HOST}`;
const seenTokens = new Set<string>();

async function recordToken(cluster: string, secret: string): Promise<void> {
  const token = await tokenOf(env, cluster, NS, secret);
  if (token) seenTokens.add(token);
}

async function unjoin(name: string, extra: string[] = []): Promise<void> {
  const result = await kubefedctl(env, ['unjoin', name, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, ...extra]);
  assert.equal(result.code, 0, describeRun(result));
}

async function kubefedCluster(name: string, namespace = NS): Promise<any> {
  return getObject(env, HOST, `/apis/core.kubefed.io/v1beta1/namespaces/${namespace}/kubefedclusters/${name}`);
}

describe('join and unjoin', { timeout: 900_000 }, () => {
  let baseline: Record<string, string[]>;
  before(async () => {
    // A previous crashed run may have left a registration behind.
    await kubefedctl(env, ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--force']);
    await waitForNamespaceGone(env, MEMBER, NS);
    baseline = await snapshot(env, HOST, MEMBER);
  });
  after(() => assertNoTokenPrinted(seenTokens));

  test('join a member cluster: objects, labels, KubeFed marks it Ready (--wait), unjoin removes everything', async () => {
    const result = await kubefedctl(env, ['join', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--wait=90s']);
    assert.equal(result.code, 0, describeRun(result));
    assert.equal(result.stdout, `kubefedcluster.core.kubefed.io/${MEMBER} joined, Ready\n`, '--wait says the cluster is Ready');
    await recordToken(MEMBER, SA);
    const sa = await getObject(env, MEMBER, `/api/v1/namespaces/${NS}/serviceaccounts/${SA}`);
    assert.equal(sa.metadata.labels['app.kubernetes.io/managed-by'], 'kubefedctl');
    assert.equal(sa.metadata.labels['kubefed.io/cluster-name'], MEMBER);
    assert.equal(sa.automountServiceAccountToken, false);
    const role = await getObject(env, MEMBER, `/apis/rbac.authorization.k8s.io/v1/clusterroles/kubefed-controller-manager:${SA}`);
    assert.deepEqual(role.rules[1], { nonResourceURLs: ['*'], verbs: ['get'] });
    const kfc = await kubefedCluster(MEMBER);
    assert.equal(kfc.spec.apiEndpoint, env.server(MEMBER));
    assert.equal(Buffer.from(kfc.spec.caBundle, 'base64').toString(), env.caPem(MEMBER));
    assert.equal(kfc.spec.proxyURL, '');
    assert.ok(
      kfc.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      JSON.stringify(kfc.status),
    );
    const hostSecret = await getObject(env, HOST, `/api/v1/namespaces/${NS}/secrets/${kfc.spec.secretRef.name}`);
    assert.equal(Buffer.from(hostSecret.data.token, 'base64').toString(), await tokenOf(env, MEMBER, NS, SA));
    assert.match(kfc.spec.secretRef.name, new RegExp(`^${MEMBER}-`));

    await unjoin(MEMBER);
    await waitForNamespaceGone(env, MEMBER, NS);
    assert.deepEqual(await snapshot(env, HOST, MEMBER), baseline, 'unjoin left the clusters as before the join');
  });

  test('re-join: fails with the Go message by default; --error-on-existing=false converges without a second host Secret', async () => {
    const join = ['join', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig];
    assert.equal((await kubefedctl(env, join)).code, 0);
    await recordToken(MEMBER, SA);
    const again = await kubefedctl(env, join);
    assert.equal(again.code, 1, describeRun(again));
    assert.match(again.stderr, new RegExp(`error: service account: ${SA} already exists in joining cluster: ${MEMBER}`));
    const before = await snapshot(env, HOST, MEMBER);
    const converge = await kubefedctl(env, [...join, '--error-on-existing=false']);
    assert.equal(converge.code, 0, describeRun(converge));
    assert.deepEqual(await snapshot(env, HOST, MEMBER), before, 're-join created or removed objects');
    const labelled = await listNames(env, HOST, `/api/v1/namespaces/${NS}/secrets?labelSelector=kubefed.io/cluster-name=${MEMBER}`);
    assert.equal(labelled.length, 1, `one host secret for ${MEMBER}: ${labelled.join(', ')}`);
    await unjoin(MEMBER);
    await waitForNamespaceGone(env, MEMBER, NS);
  });

  test('unjoin of a cluster that is not joined: a clear error, and a no-op success with --force', async () => {
    const result = await kubefedctl(env, ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig]);
    assert.equal(result.code, 1, describeRun(result));
    assert.match(result.stderr, new RegExp(`error: cluster "${MEMBER}" is not joined`));
    const before = await snapshot(env, HOST, MEMBER);
    await unjoin(MEMBER, ['--force']);
    assert.deepEqual(await snapshot(env, HOST, MEMBER), before);
  });

  test(
    'unjoin --force with the member apiserver stopped removes the registration from the host',
    { skip: !env.canControlApiservers && 'external environment' },
    async () => {
      assert.equal((await kubefedctl(env, ['join', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig])).code, 0);
      await recordToken(MEMBER, SA);
      const secretName = (await kubefedCluster(MEMBER)).spec.secretRef.name as string;
      await env.stopApiserver(MEMBER);
      try {
        const plain = await kubefedctl(env, ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig]);
        assert.equal(plain.code, 1, describeRun(plain));
        const forced = await kubefedctl(env, ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--force']);
        assert.equal(forced.code, 0, describeRun(forced));
        assert.match(forced.stderr, /with --force its objects are left in place|continuing because of --force/);
        assert.equal(await kubefedCluster(MEMBER), undefined);
        assert.equal(await getObject(env, HOST, `/api/v1/namespaces/${NS}/secrets/${secretName}`), undefined);
      } finally {
        await env.startApiserver(MEMBER);
      }
      // The member's leftovers are found by label once it is back.
      await unjoin(MEMBER, ['--force']);
      await waitForNamespaceGone(env, MEMBER, NS);
      assert.deepEqual(await snapshot(env, HOST, MEMBER), baseline);
    },
  );

  test('join the host cluster to itself; unjoin never deletes the control plane namespace', async () => {
    const result = await kubefedctl(env, [
      'join',
      HOST,
      '--cluster-context',
      HOST,
      '--host-cluster-context',
      HOST,
      '--kubeconfig',
      env.kubeconfig,
      '--wait=90s',
    ]);
    assert.equal(result.code, 0, describeRun(result));
    assert.doesNotMatch(result.stderr, /loopback/, 'no loopback warning when the host joins itself');
    await recordToken(HOST, `${HOST}-${HOST}`);
    await unjoin(HOST, ['--cluster-context', HOST]);
    assert.ok(await getObject(env, HOST, `/api/v1/namespaces/${NS}`), 'control plane namespace kept');
    assert.ok(await getObject(env, HOST, `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedconfigs/kubefed`), 'KubeFedConfig kept');
    assert.equal(await getObject(env, HOST, `/api/v1/namespaces/${NS}/serviceaccounts/${HOST}-${HOST}`), undefined);
  });

  test('Namespaced KubeFed scope: Role, RoleBinding and a health-check ClusterRole with verb get', async () => {
    const scoped = `kfc-scoped-${process.pid}`;
    const ns = await env.adminRequest(HOST, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: scoped } });
    assert.equal(ns.status, 201, ns.text);
    try {
      const config = await env.adminRequest(HOST, 'POST', `/apis/core.kubefed.io/v1beta1/namespaces/${scoped}/kubefedconfigs`, {
        apiVersion: 'core.kubefed.io/v1beta1',
        kind: 'KubeFedConfig',
        metadata: { name: 'kubefed', namespace: scoped },
        spec: { scope: 'Namespaced' },
      });
      assert.equal(config.status, 201, config.text);
      const result = await kubefedctl(env, ['join', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--kubefed-namespace', scoped]);
      assert.equal(result.code, 0, describeRun(result));
      await recordToken(MEMBER, SA);
      const role = `kubefed-controller-manager:${SA}`;
      assert.ok(await getObject(env, MEMBER, `/apis/rbac.authorization.k8s.io/v1/namespaces/${scoped}/roles/${role}`));
      assert.ok(await getObject(env, MEMBER, `/apis/rbac.authorization.k8s.io/v1/namespaces/${scoped}/rolebindings/${role}`));
      const healthCheck = await getObject(
        env,
        MEMBER,
        `/apis/rbac.authorization.k8s.io/v1/clusterroles/kubefed-controller-manager:${scoped}:healthcheck-${SA}`,
      );
      assert.deepEqual(healthCheck.rules[0], { nonResourceURLs: ['/healthz'], verbs: ['get'] });
      assert.equal(
        await getObject(env, MEMBER, `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role}`),
        undefined,
        'no cluster-wide role in Namespaced scope',
      );
      const un = await kubefedctl(env, ['unjoin', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--kubefed-namespace', scoped]);
      assert.equal(un.code, 0, describeRun(un));
      await waitForNamespaceGone(env, MEMBER, scoped);
      assert.equal(
        await getObject(env, MEMBER, `/apis/rbac.authorization.k8s.io/v1/clusterroles/kubefed-controller-manager:${scoped}:healthcheck-${SA}`),
        undefined,
      );
    } finally {
      await env.adminRequest(HOST, 'DELETE', `/api/v1/namespaces/${scoped}`);
    }
  });

  describe('kubeconfig variants', () => {
    async function joinWith(kubeconfigFile: string, extra: string[] = []): Promise<any> {
      const result = await kubefedctl(env, ['join', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', kubeconfigFile, ...extra]);
      assert.equal(result.code, 0, describeRun(result));
      await recordToken(MEMBER, SA);
      const kfc = await kubefedCluster(MEMBER);
      await unjoin(MEMBER);
      await waitForNamespaceGone(env, MEMBER, NS);
      return kfc;
    }
    const hostContext = () => adminContext(env, HOST);

    test('certificate-authority as a file: the file content becomes caBundle', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-ca-'));
      writeFileSync(path.join(dir, 'ca.crt'), env.caPem(MEMBER)!);
      const member = adminContext(env, MEMBER);
      const file = writeKubeconfig([hostContext(), { ...member, cluster: { server: env.server(MEMBER), 'certificate-authority': path.join(dir, 'ca.crt') } }]);
      const kfc = await joinWith(file);
      assert.equal(Buffer.from(kfc.spec.caBundle, 'base64').toString(), env.caPem(MEMBER));
    });

    test('insecure-skip-tls-verify: disabledTLSValidations ["*"]', async () => {
      const member = adminContext(env, MEMBER);
      const file = writeKubeconfig([hostContext(), { ...member, cluster: { server: env.server(MEMBER), 'insecure-skip-tls-verify': true } }]);
      const kfc = await joinWith(file);
      assert.deepEqual(kfc.spec.disabledTLSValidations, ['*']);
      assert.ok(kfc.spec.caBundle, 'caBundle from the token secret ca.crt');
    });

    test('client certificate user', { skip: !env.state && 'external environment' }, async () => {
      const cluster = env.state!.clusters[MEMBER]!;
      const member = adminContext(env, MEMBER);
      const file = writeKubeconfig([hostContext(), { ...member, user: { 'client-certificate': cluster.adminCertFile, 'client-key': cluster.adminKeyFile } }]);
      const kfc = await joinWith(file);
      assert.equal(kfc.spec.apiEndpoint, env.server(MEMBER));
    });

    test('exec credential plugin (client.authentication.k8s.io/v1)', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-exec-'));
      const plugin = path.join(dir, 'plugin.mjs');
      writeFileSync(
        plugin,
        `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.env.E2E_PLUGIN_TOKEN } }));\n`,
      );
      const member = adminContext(env, MEMBER);
      const file = writeKubeconfig([
        hostContext(),
        {
          ...member,
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: process.execPath,
              args: [plugin],
              env: [{ name: 'E2E_PLUGIN_TOKEN', value: env.credentials(MEMBER).token }],
              interactiveMode: 'Never',
            },
          },
        },
      ]);
      await joinWith(file);
    });

    test('proxy-url: requests go through the proxy and spec.proxyURL carries it', async () => {
      let tunnels = 0;
      const proxy = http.createServer();
      proxy.on('connect', (req, socket, head) => {
        tunnels += 1;
        const [hostname, port] = (req.url ?? '').split(':');
        const upstream = net.connect(Number(port), hostname, () => {
          socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(socket);
          socket.pipe(upstream);
        });
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      try {
        const member = adminContext(env, MEMBER);
        const file = writeKubeconfig([hostContext(), { ...member, cluster: { ...member.cluster, 'proxy-url': proxyUrl } }]);
        const kfc = await joinWith(file);
        assert.equal(kfc.spec.proxyURL, proxyUrl);
        assert.ok(tunnels > 0, 'member requests went through the proxy');
      } finally {
        proxy.close();
        proxy.closeAllConnections();
      }
    });
  });

  describe('a failure at each write step leaves both clusters exactly as before', () => {
    const steps: Array<[string, 'member' | 'host', string | undefined, string[]]> = [
      ['member namespace', 'member', 'namespaces', []],
      ['service account', 'member', 'serviceaccounts', []],
      ['token secret', 'member', 'secrets', []],
      ['cluster role', 'member', 'clusterroles', []],
      ['cluster role binding', 'member', 'clusterrolebindings', []],
      ['waiting for the token', 'member', undefined, ['--token-timeout=1ms']],
      ['host secret', 'host', 'secrets', []],
      ['KubeFedCluster', 'host', 'kubefedclusters', []],
    ];
    for (const [label, side, denied, extra] of steps) {
      test(label, async () => {
        const memberToken = await limitedUser(env, MEMBER, `kfc-e2e-limited-member`, side === 'member' ? denied : undefined);
        const hostToken = await limitedUser(env, HOST, `kfc-e2e-limited-host`, side === 'host' ? denied : undefined);
        const file = writeKubeconfig([
          { ...adminContext(env, HOST, 'limited-host'), user: { token: hostToken } },
          { ...adminContext(env, MEMBER, 'limited-member'), user: { token: memberToken } },
        ]);
        const before = await snapshot(env, HOST, MEMBER);
        const result = await kubefedctl(env, [
          'join',
          MEMBER,
          '--cluster-context',
          'limited-member',
          '--host-cluster-context',
          'limited-host',
          '--host-cluster-name',
          HOST,
          '--kubeconfig',
          file,
          ...extra,
        ]);
        assert.equal(result.code, 1, describeRun(result));
        if (label !== 'member namespace') assert.match(result.stderr, /rolled back: deleted/, describeRun(result));
        await waitForNamespaceGone(env, MEMBER, NS);
        await env
          .waitFor(async () => JSON.stringify(await snapshot(env, HOST, MEMBER)) === JSON.stringify(before), 60_000, {
            what: 'clusters back to their state before the join',
          })
          .catch(() => undefined);
        assert.deepEqual(await snapshot(env, HOST, MEMBER), before);
      });
    }
  });

  test('bad contexts and names fail before any request', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['join', 'Bad_Name', '--host-cluster-context', HOST], 2, /invalid cluster name "Bad_Name"/],
      [['join', MEMBER, '--host-cluster-context', 'nope'], 1, /context "nope" does not exist/],
      [['join', MEMBER, '--cluster-context', 'nope', '--host-cluster-context', HOST], 1, /context "nope" does not exist/],
      [['join', MEMBER, '--host-cluster-context', HOST, '--host-cluster-name', 'a:b'], 2, /host-cluster-name may not contain/],
      [['join', 'Bad_Name', '--host-cluster-context', 'nope', '--secret-name', 'UPPER'], 2, /4 problems/],
    ];
    for (const [args, code, message] of cases) {
      const result = await kubefedctl(env, [...args, '--kubeconfig', env.kubeconfig, '-v=6']);
      assert.equal(result.code, code, describeRun(result));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /(GET|POST|PUT|PATCH|DELETE) https?:\/\//, 'no request was made');
    }
    const eks = writeKubeconfig(
      [adminContext(env, HOST, 'arn:aws:eks:eu-west-1:123456789012:cluster/prod'), adminContext(env, MEMBER)],
      'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
    );
    const result = await kubefedctl(env, ['join', MEMBER, '--kubeconfig', eks, '-v=6']);
    assert.equal(result.code, 2, describeRun(result));
    assert.match(result.stderr, /--host-cluster-name=prod/);
  });

  test('--dry-run changes nothing and shows the plan; -o yaml prints the objects without a token', async () => {
    const before = await snapshot(env, HOST, MEMBER);
    const plan = await kubefedctl(env, ['join', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--dry-run']);
    assert.equal(plan.code, 0, describeRun(plan));
    assert.match(plan.stdout, /dry run; nothing was changed/);
    assert.match(plan.stdout, /create serviceaccount\/kube-federation-system\/cluster2-cluster1|create serviceaccount\/.*cluster2-cluster1/);
    const objects = await kubefedctl(env, ['join', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--dry-run=client', '-o', 'yaml']);
    assert.equal(objects.code, 0, describeRun(objects));
    assert.match(objects.stdout, /kind: KubeFedCluster/);
    assert.match(objects.stdout, /token: REDACTED/);
    const server = await kubefedctl(env, ['join', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, '--dry-run=server']);
    assert.equal(server.code, 0, describeRun(server));
    assert.match(server.stdout, /joined \(server dry run\)/);
    assert.deepEqual(await snapshot(env, HOST, MEMBER), before);
  });

  test('no token appears at any verbosity', async () => {
    for (const level of ['-v=2', '-v=6', '-v=9']) {
      const result = await kubefedctl(env, ['join', MEMBER, '--host-cluster-context', HOST, '--kubeconfig', env.kubeconfig, level]);
      assert.equal(result.code, 0, describeRun(result));
      await recordToken(MEMBER, SA);
      if (level === '-v=9') assert.match(result.stderr, /Authorization: REDACTED|"authorization":"REDACTED"|REDACTED/i);
      await unjoin(MEMBER, [level]);
      await waitForNamespaceGone(env, MEMBER, NS);
    }
    assert.ok(seenTokens.size > 0);
    assertNoTokenPrinted(seenTokens);
    for (const token of seenTokens) assert.ok(!token.includes('REDACTED'));
  });
});
