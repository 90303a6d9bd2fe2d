// migrate karmada|ocm through the real CLI: exit codes, all-or-nothing stdout, --allow-lossy,
// --rename, the report's formats and destination, offline inputs, and the online mode against an
// in-memory host cluster (reads only, and the Secrets' tokens only ever on stdout).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { GVR } from '../../src/core/gvr.js';
import { parseYamlDocument } from '../../src/core/yaml.js';
import { runInProcess } from '../helpers/cli.js';
import { FakeCluster, WRITE_VERBS, createFakeEnv, runWithFakeEnv } from '../helpers/fake-cluster.js';

const NS = 'kube-federation-system';
const TOKEN = 'c2VjcmV0LXRva2VuLW9mLWNsdXN0ZXIx'; // base64 of "secret-token-of-cluster1"

const NAMESPACE = `apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: app, namespace: app}
spec:
  placement:
    clusterSelector: {}
`;
/** A FederatedConfigMap document (after a `---`) in namespace app. */
const configMap = (name: string, spec: string) => `---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: ${name}, namespace: app}
spec:
  template:
    data: {mode: fast}
${spec}`;
const GOOD = NAMESPACE + configMap('settings', '  placement:\n    clusters: [{name: cluster1}]\n');
const FAILING_OVERRIDE = configMap(
  'broken',
  `  placement:
    clusterSelector: {}
  overrides:
  - clusterName: cluster1
    clusterOverrides:
    - {path: /data/nested/x, value: y}
`,
);
const CLUSTER = (name: string) => `---
apiVersion: core.kubefed.io/v1beta1
kind: KubeFedCluster
metadata: {name: ${name}, namespace: ${NS}}
spec: {apiEndpoint: https://10.0.0.1:6443, secretRef: {name: ${name}-x}}
---
apiVersion: v1
kind: Secret
metadata: {name: ${name}-x, namespace: ${NS}}
data: {token: ${TOKEN}}
`;

function tmpDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kfc-migrate-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const migrate = (args: string[], options: { cwd?: string; stdin?: string } = {}) => runInProcess(['migrate', ...args], options);

describe('migrate: exit codes and all-or-nothing output', () => {
  test('exit 0: the objects on stdout, the report and runbook on stderr', async () => {
    const dir = tmpDir({ 'in.yaml': GOOD });
    const result = await migrate(['karmada', '-f', 'in.yaml'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const kinds = result.stdout
      .split(/^---\n/m)
      .filter(Boolean)
      .map((document) => (parseYamlDocument(document, 'stdout') as { kind: string }).kind);
    assert.deepEqual(kinds, ['Namespace', 'ClusterPropagationPolicy', 'ConfigMap', 'PropagationPolicy']);
    assert.match(result.stderr, /^summary: 0 errors, 0 warnings, 1 info; 4 objects written to stdout$/m);
    assert.equal(result.stderr.match(/Cut-over runbook/g)?.length, 1, 'the runbook is printed once');
  });

  test('exit 1: an error leaves stdout empty, the report says why and names --allow-lossy', async () => {
    const dir = tmpDir({ 'in.yaml': GOOD + FAILING_OVERRIDE });
    const result = await migrate(['karmada', '-f', 'in.yaml'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^error OVERRIDE_FAILS_IN_KUBEFED FederatedConfigMap app\/broken \("in.yaml" document 3\) spec\.overrides\[0\]\.clusterOverrides: /m,
    );
    assert.match(result.stderr, /^summary: 1 error, .*nothing written to stdout/m);
    assert.match(result.stderr, /^error: 1 finding cannot be migrated .*\n\s+hint: .*--allow-lossy/m);
  });

  test('--allow-lossy writes the rest, with the error still in the report, and exits 0', async () => {
    const dir = tmpDir({ 'in.yaml': GOOD + FAILING_OVERRIDE });
    const result = await migrate(['karmada', '-f', 'in.yaml', '--allow-lossy'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^error OVERRIDE_FAILS_IN_KUBEFED /m);
    assert.match(result.stdout, /exclude:\n {6}- cluster1\n/);
    assert.match(result.stderr, /objects written to stdout \(--allow-lossy/);
  });

  test('exit 2: invalid input or usage, nothing on stdout and no report', async () => {
    const dir = tmpDir({ 'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\n' });
    const bad = await migrate(['karmada', '-f', 'bad.yaml'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.doesNotMatch(bad.stderr, /summary:/);
    const usage = await migrate(['karmada', '-f', 'bad.yaml', '-A', '--rename', 'x', '--karmada-version', 'v1.5'], { cwd: dir });
    assert.equal(usage.code, 2);
    for (const problem of ['-A/--all-namespaces reads from the host cluster', 'invalid --rename "x"', '--karmada-version v1.5 is not supported'])
      assert.ok(usage.stderr.includes(problem), `${problem} in ${usage.stderr}`);
    const choice = await migrate(['karmada', '-f', 'bad.yaml', '--empty-placement', 'drop'], { cwd: dir });
    assert.equal(choice.code, 2);
    const ocm = await migrate(['ocm', '-f', 'bad.yaml', '--mode', 'cluster'], { cwd: dir });
    assert.equal(ocm.code, 2);
  });

  test('reads stdin (-f -) and directories (-R)', async () => {
    const stdin = await migrate(['karmada', '-f', '-'], { stdin: GOOD });
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.match(stdin.stderr, /\("<stdin>" document 1\)/);
    const dir = tmpDir({});
    const nested = path.join(dir, 'a', 'b');
    (await import('node:fs')).mkdirSync(nested, { recursive: true });
    writeFileSync(path.join(nested, 'in.yaml'), GOOD);
    assert.equal((await migrate(['karmada', '-f', dir], { cwd: dir })).code, 2, 'without -R a directory of subdirectories has no manifests');
    const recursive = await migrate(['karmada', '-f', dir, '-R'], { cwd: dir });
    assert.equal(recursive.code, 0, recursive.stderr);
    assert.equal(recursive.stdout, stdin.stdout);
  });
});

describe('migrate: --rename, reports, formats', () => {
  test('--rename is applied to the Cluster, its Secret and every placement; a name Karmada refuses needs one', async () => {
    const long = 'cluster1.eu-west-1.production.example.com';
    const input = `${NAMESPACE}---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: settings, namespace: app}
spec:
  template: {data: {a: b}}
  placement: {clusters: [{name: ${long}}]}
  overrides: [{clusterName: ${long}, clusterOverrides: [{path: /data/a, value: c}]}]
${CLUSTER(long)}`;
    const dir = tmpDir({ 'in.yaml': input });
    const refused = await migrate(['karmada', '-f', 'in.yaml'], { cwd: dir });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /CLUSTER_NAME_INVALID KubeFedCluster cluster1\.eu-west-1\.production\.example\.com .*--rename cluster1\.eu-west-1\.production\.example\.com=cluster1 \(with --allow-lossy the cluster is left out/,
    );
    const lossy = await migrate(['karmada', '-f', 'in.yaml', '--allow-lossy'], { cwd: dir });
    assert.equal(lossy.code, 0);
    assert.doesNotMatch(lossy.stdout, /kind: (Cluster|Secret)\n/, 'with --allow-lossy a refused name is left out, not written for Karmada to refuse');
    const renamed = await migrate(['karmada', '-f', 'in.yaml', '--rename', `${long}=cluster1`], { cwd: dir });
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.ok(!renamed.stdout.includes(long), 'the old name appears nowhere in the output');
    assert.equal(renamed.stdout.match(/- cluster1\n/g)?.length, 2, 'placement and override target');
    assert.match(renamed.stdout, /kind: Cluster\nmetadata:\n {2}name: cluster1\n/);
    assert.match(renamed.stdout, /kind: Secret\nmetadata:\n {2}name: cluster1\n {2}namespace: karmada-cluster\n/);
    assert.ok(renamed.stdout.includes(`token: ${TOKEN}`), 'the token is the product: on stdout');
    assert.ok(!renamed.stderr.includes(TOKEN) && !renamed.stderr.includes('secret-token-of-cluster1'), 'never in the report');
    assert.match(renamed.stderr, new RegExp(`kubefedctl unjoin ${long.replace(/\./g, '\\.')} `), 'the runbook unjoins the KubeFed name');
    const unused = await migrate(['karmada', '-f', 'in.yaml', '--rename', `${long}=cluster1`, '--rename', 'ghost=spirit'], { cwd: dir });
    assert.match(unused.stderr, /^warning RENAME_UNUSED --rename: no cluster named "ghost"/m);
    const clash = await migrate(['karmada', '-f', 'in.yaml', '--rename', 'a=same', '--rename', 'b=same'], { cwd: dir });
    assert.equal(clash.code, 2);
  });

  test('--report FILE takes the report off stderr, --report-format json makes it one object', async () => {
    const dir = tmpDir({ 'in.yaml': GOOD + FAILING_OVERRIDE });
    const result = await migrate(['karmada', '-f', 'in.yaml', '--report', 'report.json', '--report-format', 'json'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stderr, /summary|OVERRIDE_FAILS/, 'only the error line on stderr');
    assert.match(result.stderr, /\(report\.json\)/);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as {
      kind: string;
      findings: Array<{ source: string; severity: string; code: string; field: string; message: string; location?: string }>;
      summary: { errors: number; written: boolean; objects: number };
      runbook: Array<{ title: string; commands: string[] }>;
    };
    assert.equal(report.kind, 'MigrationReport');
    assert.deepEqual(report.summary, { errors: 1, warnings: 0, info: 1, written: false, objects: 0 });
    const error = report.findings.find(({ severity }) => severity === 'error')!;
    assert.equal(error.code, 'OVERRIDE_FAILS_IN_KUBEFED');
    assert.equal(error.source, 'FederatedConfigMap app/broken');
    assert.equal(error.location, '"in.yaml" document 3');
    assert.equal(error.field, 'spec.overrides[0].clusterOverrides');
    assert.equal(report.runbook.length, 4);
    assert.deepEqual(report.runbook[2]!.commands, ['kubectl --context <karmada-apiserver> apply -f karmada.yaml']);
    const unwritable = await migrate(['karmada', '-f', 'in.yaml', '--report', path.join(dir, 'missing', 'r.txt')], { cwd: dir });
    assert.equal(unwritable.code, 1);
    assert.equal(unwritable.stdout, '');
    assert.match(unwritable.stderr, /cannot write the report/);
  });

  test('-o json prints one List', async () => {
    const dir = tmpDir({ 'in.yaml': GOOD });
    const result = await migrate(['karmada', '-f', 'in.yaml', '-o', 'json'], { cwd: dir });
    const list = JSON.parse(result.stdout) as { kind: string; items: Array<{ kind: string }> };
    assert.equal(list.kind, 'List');
    assert.equal(list.items.length, 4);
  });

  test('an input without anything to migrate writes nothing and says so', async () => {
    const dir = tmpDir({ 'in.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n' });
    const result = await migrate(['karmada', '-f', 'in.yaml'], { cwd: dir });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /NOT_FEDERATED ConfigMap plain/);
    assert.match(result.stderr, /nothing to migrate/);
  });

  test('migrate ocm: ManifestWorks by default, the clusteradm commands in the report', async () => {
    const dir = tmpDir({ 'in.yaml': GOOD + CLUSTER('cluster1') + CLUSTER('cluster2') });
    const result = await migrate(['ocm', '-f', 'in.yaml'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const works = result.stdout
      .split(/^---\n/m)
      .filter(Boolean)
      .map(
        (document) =>
          parseYamlDocument(document, 'stdout') as {
            kind: string;
            metadata: { namespace: string };
            spec: { workload: { manifests: Array<{ kind: string }> } };
          },
      );
    assert.deepEqual(
      works.map(({ kind, metadata }) => `${kind} ${metadata.namespace}`),
      ['ManifestWork cluster1', 'ManifestWork cluster2'],
    );
    assert.deepEqual(
      works[0]!.spec.workload.manifests.map(({ kind }) => kind),
      ['Namespace', 'ConfigMap'],
    );
    assert.deepEqual(
      works[1]!.spec.workload.manifests.map(({ kind }) => kind),
      ['Namespace'],
    );
    assert.match(result.stderr, /clusteradm join --hub-token <token> --hub-apiserver <hub-url> --cluster-name cluster1 --context cluster1/);
    assert.match(result.stderr, /clusteradm accept --clusters cluster1,cluster2/);
    assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN), 'OCM needs no token: none anywhere');
  });
});

describe('migrate from the host cluster (fake)', () => {
  function host(): FakeCluster {
    const cluster = new FakeCluster({ contextName: 'host' }).installKubeFed();
    for (const type of ['namespaces', 'configmaps', 'clusterroles.rbac.authorization.k8s.io']) {
      cluster.enableType(type);
    }
    const fed = (resource: string) => ({ group: 'types.kubefed.io', version: 'v1beta1', resource });
    cluster.put({ group: '', version: 'v1', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } });
    cluster.put({ group: '', version: 'v1', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    cluster.put(fed('federatednamespaces'), {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedNamespace',
      metadata: { name: 'app', namespace: 'app' },
      spec: { placement: { clusterSelector: {} } },
    });
    cluster.put(fed('federatedconfigmaps'), {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'settings', namespace: 'app', annotations: { 'kubefed.io/orphan': 'true' } },
      spec: { template: { data: { a: 'b' } }, placement: { clusters: [{ name: 'cluster1' }] } },
      status: { clusters: [{ name: 'cluster1' }] },
    });
    cluster.put(fed('federatedconfigmaps'), {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'elsewhere', namespace: 'other' },
      spec: { template: {}, placement: { clusterSelector: {} } },
    });
    cluster.put(fed('federatedclusterroles'), {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedClusterRole',
      metadata: { name: 'reader' },
      spec: { template: { rules: [] }, placement: { clusterSelector: {} } },
    });
    cluster.put(GVR.kubefedClusters, {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedCluster',
      metadata: { name: 'cluster1', namespace: NS, labels: { region: 'eu' } },
      spec: { apiEndpoint: 'https://10.0.0.1:6443', secretRef: { name: 'cluster1-x' } },
    });
    cluster.put(GVR.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cluster1-x', namespace: NS }, data: { token: TOKEN } });
    return cluster;
  }

  test('-n reads one namespace, writes nothing to the host, and keeps the token on stdout', async () => {
    const cluster = host();
    const fake = createFakeEnv(cluster);
    const result = await runWithFakeEnv(['migrate', 'karmada', '--host-cluster-context', 'host', '-n', 'app'], fake);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      cluster.requests.filter((request) => WRITE_VERBS.has(request.verb)),
      [],
      'migrate never writes',
    );
    assert.match(result.stdout, /preserveResourcesOnDeletion: true/);
    assert.match(result.stdout, /name: settings/);
    assert.doesNotMatch(result.stdout, /elsewhere|reader/, 'other namespaces and cluster-scoped objects need -A');
    assert.match(result.stdout, /kind: Cluster\n/);
    assert.ok(result.stdout.includes(TOKEN));
    assert.ok(!result.stderr.includes(TOKEN));
    assert.match(result.stderr, /replicaschedulingpreferences\.scheduling\.kubefed\.io is not served by the host cluster: none read/);
    assert.match(result.stderr, /\("context host" document \d+\)/);
    assert.match(result.stderr, /kubefedctl orphaning-deletion enable FederatedConfigMap settings -n app --host-cluster-context host/);
  });

  test('-A reads every namespace and the cluster-scoped Federated objects', async () => {
    const fake = createFakeEnv(host());
    const result = await runWithFakeEnv(['migrate', 'karmada', '--host-cluster-context', 'host', '-A', '--allow-lossy'], fake);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /kind: ClusterPropagationPolicy\nmetadata:\n {2}name: reader-clusterrole\n/);
    assert.match(result.stderr, /NAMESPACE_NOT_FEDERATED FederatedConfigMap other\/elsewhere/);
  });

  test('a host without KubeFed is an error that names the context', async () => {
    const fake = createFakeEnv(new FakeCluster({ contextName: 'plain' }).installKubeFed());
    const result = await runWithFakeEnv(['migrate', 'karmada', '--host-cluster-context', 'plain'], fake);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no FederatedTypeConfig in namespace kube-federation-system of context plain/);
  });

  test('offline never opens the kubeconfig', async () => {
    const fake = createFakeEnv(host(), { stdin: GOOD });
    const result = await runWithFakeEnv(['migrate', 'karmada', '-f', '-'], fake);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(fake.clusterAccessCalls, []);
  });
});

describe('migrate karmada --execute before its first write (fake host and Karmada)', () => {
  function world(): { host: FakeCluster; karmada: FakeCluster } {
    const host = new FakeCluster({ contextName: 'host' }).installKubeFed();
    for (const type of ['namespaces', 'configmaps']) host.enableType(type);
    const fed = (resource: string) => ({ group: 'types.kubefed.io', version: 'v1beta1', resource });
    host.put(GVR.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } });
    host.put(fed('federatednamespaces'), {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedNamespace',
      metadata: { name: 'app', namespace: 'app' },
      spec: { placement: { clusterSelector: {} } },
    });
    host.put(fed('federatedconfigmaps'), {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'settings', namespace: 'app' },
      spec: { template: { data: { a: 'b' } }, placement: { clusters: [{ name: 'cluster1' }] } },
    });
    host.put(GVR.kubefedClusters, {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedCluster',
      metadata: { name: 'cluster1', namespace: NS },
      spec: { apiEndpoint: 'https://10.0.0.1:6443', secretRef: { name: 'cluster1-x' } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    host.put(GVR.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cluster1-x', namespace: NS }, data: { token: TOKEN } });
    return { host, karmada: new FakeCluster({ contextName: 'karmada' }) };
  }
  const execute = ['migrate', 'karmada', '--execute', '--host-cluster-context', 'host', '--karmada-context', 'karmada', '-n', 'app'];
  const writes = (cluster: FakeCluster) => cluster.requests.filter((request) => WRITE_VERBS.has(request.verb));

  test('usage errors are listed together and exit 2', async () => {
    const { host, karmada } = world();
    const result = await runWithFakeEnv(
      ['migrate', 'karmada', '--execute', '--host-cluster-context', 'host', '-o', 'json', '--dry-run=server'],
      createFakeEnv([host, karmada]),
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--execute needs --karmada-context/);
    assert.match(result.stderr, /--execute needs the namespaces to cut over: -n NS/);
    assert.match(result.stderr, /-o does not apply/);
    assert.match(result.stderr, /--dry-run=server is not supported/);
    const printing = await runWithFakeEnv(['migrate', 'karmada', '--host-cluster-context', 'host', '-n', 'a', '-n', 'b'], createFakeEnv([host, karmada]));
    assert.equal(printing.code, 2);
    assert.match(printing.stderr, /-n\/--namespace is given more than once/);
  });

  test('without a terminal it needs --yes, and writes nothing anywhere', async () => {
    const { host, karmada } = world();
    const result = await runWithFakeEnv(execute, createFakeEnv([host, karmada]));
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /without a terminal to confirm at, pass --yes/);
    assert.deepEqual([...writes(host), ...writes(karmada)], []);
  });

  test('--dry-run prints every phase and its objects, and writes nothing', async () => {
    const { host, karmada } = world();
    const result = await runWithFakeEnv([...execute, '--dry-run'], createFakeEnv([host, karmada]));
    assert.equal(result.code, 0, result.stderr);
    for (const line of [
      'register: Karmada gets credentials of its own',
      'orphan: mark 2 Federated objects',
      'adopt: apply',
      'ConfigMap app/settings stays in: cluster1',
      'release: delete the Federated objects',
      'unregister: unjoin cluster1',
    ]) {
      assert.ok(result.stdout.includes(line), `${line}\n${result.stdout}`);
    }
    assert.deepEqual([...writes(host), ...writes(karmada)], []);
    assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN), 'no token is printed');
  });

  test('with no Federated object and no member left, it says so and exits 0', async () => {
    const karmada = new FakeCluster({ contextName: 'karmada' });
    const host = new FakeCluster({ contextName: 'host' }).installKubeFed();
    host.enableType('configmaps');
    const result = await runWithFakeEnv([...execute, '--yes'], createFakeEnv([host, karmada]));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Nothing left to cut over/);
    assert.deepEqual([...writes(host), ...writes(karmada)], []);
  });
});
