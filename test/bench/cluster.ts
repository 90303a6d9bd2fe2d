// Cluster benchmarks against the local e2e environment (npm run e2e:up) or KUBEFEDCTL_E2E_KUBECONFIG:
// join and unjoin wall time and API requests. The floor is one process start plus one
// authenticated HTTPS request to the same apiserver, measured in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/kubefedctl.js');

interface Timed {
  ms: number;
  requests: number;
  code: number | null;
  stderr: string;
}

function run(args: string[]): Timed {
  const env = { ...process.env };
  delete env.KUBECONFIG; // every command names its kubeconfig
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, ...args, '-v=6'], { encoding: 'utf8', env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const requests = (result.stderr.match(/^(GET|POST|PUT|PATCH|DELETE) https?:\/\/\S+ \d{3}/gm) ?? []).length;
  return { ms, requests, code: result.status, stderr: result.stderr };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function runClusterBenchmarks(): Promise<string[]> {
  const external = process.env.KUBEFEDCTL_E2E_KUBECONFIG;
  if (!external && !existsSync(path.join(ROOT, '.e2e/state.json'))) {
    return ['cluster benchmarks: skipped (no environment: run `npm run e2e:up` first, or set KUBEFEDCTL_E2E_KUBECONFIG)'];
  }
  const { loadE2eEnv } = await import('../e2e/harness/env.js');
  const env = loadE2eEnv();
  const host = env.hostCluster;
  const member = env.clusters.find((c) => c !== host)!;
  const creds = env.credentials(member);
  const floorScript = `const https=require('node:https');const r=https.request(${JSON.stringify(creds.server + '/api/v1/namespaces/default')},{headers:{Authorization:'Bearer '+process.env.T},ca:process.env.CA||undefined,rejectUnauthorized:!!process.env.CA},res=>{res.resume();res.on('end',()=>process.exit(res.statusCode===200?0:1))});r.end();`;
  const base = ['--host-cluster-context', host, '--kubeconfig', env.kubeconfig];
  run(['unjoin', member, ...base, '--force']);
  const joins: Timed[] = [];
  const unjoins: Timed[] = [];
  const floors: number[] = [];
  for (let i = 0; i < 5; i++) {
    const floorStart = process.hrtime.bigint();
    const floor = spawnSync(process.execPath, ['-e', floorScript], { env: { PATH: process.env.PATH, T: creds.token ?? '', CA: env.caPem(member) ?? '' } });
    floors.push(Number(process.hrtime.bigint() - floorStart) / 1e6);
    if (floor.status !== 0) throw new Error(`floor request failed: ${floor.stderr}`);
    const join = run(['join', member, ...base]);
    if (join.code !== 0) throw new Error(`join failed: ${join.stderr}`);
    joins.push(join);
    const unjoin = run(['unjoin', member, ...base]);
    if (unjoin.code !== 0) throw new Error(`unjoin failed: ${unjoin.stderr}`);
    unjoins.push(unjoin);
    // Let the member namespace finish terminating so every join starts from the same state.
    await env.waitFor(async () => (await env.adminRequest(member, 'GET', `/api/v1/namespaces/${env.kubefedNamespace}`)).status === 404, 60_000);
  }
  const floor = median(floors);
  const line = (name: string, samples: Timed[], targetMs?: number) => {
    const ms = median(samples.map((s) => s.ms));
    const target = targetMs === undefined ? '' : ` (target < ${targetMs} ms: ${ms < targetMs ? 'ok' : 'OVER TARGET'})`;
    return `${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  floor ${floor.toFixed(1).padStart(8)} ms  ratio ${(ms / floor).toFixed(2)}x  ${median(samples.map((s) => s.requests))} API requests${target}`;
  };
  const lines = [line(`join ${member} (no --wait)`, joins, 1000), line(`unjoin ${member}`, unjoins)];

  // federate --contents of a namespace holding 1,000 objects (configmaps, secrets, headless services:
  // the test clusters have a /24 service range).
  const namespace = `kfc-bench-${process.pid}`;
  const created = await env.adminRequest(host, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  if (created.status !== 201) throw new Error(`cannot create ${namespace}: ${created.text}`);
  try {
    const objects = Array.from({ length: 1000 }, (_, i) =>
      i % 3 === 0
        ? ['configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { index: String(i) } }]
        : i % 3 === 1
          ? ['secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `secret-${i}` }, stringData: { index: String(i) } }]
          : ['services', { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}` }, spec: { clusterIP: 'None', selector: { app: `a${i}` }, ports: [{ port: 80 }] } }],
    ) as Array<[string, unknown]>;
    for (let i = 0; i < objects.length; i += 25) {
      await Promise.all(
        objects.slice(i, i + 25).map(async ([resource, body]) => {
          const response = await env.adminRequest(host, 'POST', `/api/v1/namespaces/${namespace}/${resource}`, body);
          if (response.status !== 201) throw new Error(`create ${resource}: ${response.text}`);
        }),
      );
    }
    // Kubernetes adds its own (default ServiceAccount, kube-root-ca.crt): federate skips those.
    await env.waitFor(async () => (await env.adminRequest(host, 'GET', `/api/v1/namespaces/${namespace}/serviceaccounts/default`)).status === 200, 60_000);
    const printed = run(['federate', 'namespace', namespace, ...base, '--contents', '-o', 'yaml']);
    if (printed.code !== 0) throw new Error(`federate -o yaml failed: ${printed.stderr}`);
    const applied = run(['federate', 'namespace', namespace, ...base, '--contents']);
    if (applied.code !== 0) throw new Error(`federate failed: ${applied.stderr}`);
    const rerun = run(['federate', 'namespace', namespace, ...base, '--contents']);
    if (rerun.code !== 0) throw new Error(`federate re-run failed: ${rerun.stderr}`);
    lines.push(line('federate --contents, 1,000 objects, -o yaml', [printed], 10_000));
    lines.push(line('federate --contents, 1,000 objects, create', [applied], 10_000));
    lines.push(line('federate --contents, 1,000 objects, re-run', [rerun], 10_000));
  } finally {
    await env.adminRequest(host, 'DELETE', `/api/v1/namespaces/${namespace}`);
  }
  return lines;
}
