// Builds (once, cached by version outside the repo) kube-apiserver, kube-controller-manager and etcd from the
// wrapper module test/e2e/go/kubernetes, KubeFed's controller-manager (+ the Go kubefedctl) from
// test/e2e/go/kubefed, kubectl from test/e2e/go/kubernetes with its own go.mod (kubectl.mod, so the
// server binaries' cache key did not change when kubectl was added), and the tools kubefedctl plugs
// into (Helm 3 and 4 from test/e2e/go/helm, kustomize from test/e2e/go/kustomize, krew from
// test/e2e/go/krew), which need no cluster: ensureToolBinaries() builds only those. The cache key holds
// the versions read from the wrapper go.mod files plus a hash of go.mod/go.sum/tools.go, so bumping a
// version (or any pinned dependency) rebuilds.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isAlive, sleep } from './procs.js';
import { cacheRoot, GO_DIR, REPO_ROOT, type Binaries, type KarmadaBinaries, type Versions } from './state.js';

const run = promisify(execFile);

/** Bump when the build recipe (flags, outputs) changes, to invalidate old cache entries. */
const RECIPE = 'r1';

interface Group {
  id: string;
  moduleDir: string;
  dir: string;
  binDir: string;
  /** binary name in bin/ -> Go package */
  outputs: Record<string, string>;
  ldflags: string;
  label: string;
  /** An alternate go.mod in moduleDir (`go build -modfile`), whose .sum sits next to it. */
  modfile?: string;
  /** One `go build -o bin/NAME` per output: needed when two packages share a base name (Helm 3's and 4's cmd/helm). */
  separate?: boolean;
  /**
   * Source shipped as a tarball instead of a wrapper module (Karmada: its modules are not on the proxy these
   * machines reach, but the tag vendors every dependency). Checked against `sha256` before extraction;
   * `moduleDir` is then relative to the extracted tree, and `keep` lists paths of that tree copied into the
   * cache entry (the CRDs) before the tree is removed.
   */
  tarball?: { file: string; sha256: string; keep: string[] };
  /** Environment for `go build` on top of goEnv() (GOFLAGS=-mod=vendor, GOPROXY=off for a vendored tree). */
  env?: Record<string, string>;
}

function goBin(): string {
  if (process.env['GO']) return process.env['GO'];
  for (const p of (process.env['PATH'] ?? '').split(':')) {
    if (p && existsSync(join(p, 'go'))) return join(p, 'go');
  }
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error('the Go toolchain (`go`) is required to build the e2e binaries; put it on PATH or set GO=/path/to/go');
}

function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' };
}

function requireVersion(goMod: string, module: string, file: string): string {
  const re = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+(v\\S+)`, 'm');
  const m = re.exec(goMod);
  if (!m?.[1]) throw new Error(`${file}: no requirement for ${module}`);
  return m[1];
}

function hashFiles(dir: string, names: string[]): string {
  const h = createHash('sha256');
  h.update(RECIPE);
  for (const n of names) {
    h.update(n);
    h.update(readFileSync(join(dir, n)));
  }
  return h.digest('hex').slice(0, 10);
}

/** Versions pinned by the wrapper modules (what `up` will run). */
export function pinnedVersions(): Versions {
  const k8sMod = readFileSync(join(GO_DIR, 'kubernetes', 'go.mod'), 'utf8');
  const kubectlMod = readFileSync(join(GO_DIR, 'kubernetes', 'kubectl.mod'), 'utf8');
  const kubernetes = requireVersion(k8sMod, 'k8s.io/kubernetes', 'kubernetes/go.mod');
  if (requireVersion(kubectlMod, 'k8s.io/kubernetes', 'kubernetes/kubectl.mod') !== kubernetes) {
    throw new Error(`test/e2e/go/kubernetes/kubectl.mod builds another k8s.io/kubernetes than go.mod (${kubernetes}); regenerate it as its header says`);
  }
  const kfMod = readFileSync(join(GO_DIR, 'kubefed', 'go.mod'), 'utf8');
  return {
    kubernetes,
    etcd: requireVersion(k8sMod, 'go.etcd.io/etcd/server/v3', 'kubernetes/go.mod'),
    kubefed: requireVersion(kfMod, 'sigs.k8s.io/kubefed', 'kubefed/go.mod'),
  };
}

function groups(v: Versions): { k8s: Group; kubefed: Group; kubectl: Group } {
  const root = cacheRoot();
  const k8sModDir = join(GO_DIR, 'kubernetes');
  const kfModDir = join(GO_DIR, 'kubefed');
  const files = ['go.mod', 'go.sum', 'tools.go'];
  const k8sDir = join(root, `kubernetes-${v.kubernetes}_etcd-${v.etcd}_${hashFiles(k8sModDir, files)}`);
  const kfDir = join(root, `kubefed-${v.kubefed}_${hashFiles(kfModDir, files)}`);
  const kubectlDir = join(root, `kubectl-${v.kubernetes}_${hashFiles(k8sModDir, ['kubectl.mod', 'kubectl.sum'])}`);
  const minor = /^v(\d+)\.(\d+)\./.exec(v.kubernetes);
  const k8sLdflags = [
    '-s -w',
    `-X k8s.io/component-base/version.gitVersion=${v.kubernetes}`,
    `-X k8s.io/component-base/version.gitMajor=${minor?.[1] ?? '1'}`,
    `-X k8s.io/component-base/version.gitMinor=${minor?.[2] ?? '0'}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
  ].join(' ');
  return {
    k8s: {
      id: 'kubernetes',
      moduleDir: k8sModDir,
      dir: k8sDir,
      binDir: join(k8sDir, 'bin'),
      outputs: {
        'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
        'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
        etcd: 'go.etcd.io/etcd/server/v3',
      },
      ldflags: k8sLdflags,
      label: `kube-apiserver + kube-controller-manager ${v.kubernetes}, etcd ${v.etcd}`,
    },
    kubefed: {
      id: 'kubefed',
      moduleDir: kfModDir,
      dir: kfDir,
      binDir: join(kfDir, 'bin'),
      outputs: {
        'kubefed-controller-manager': 'sigs.k8s.io/kubefed/cmd/controller-manager',
        'kubefedctl-go': 'sigs.k8s.io/kubefed/cmd/kubefedctl',
      },
      ldflags: ['-s -w', `-X sigs.k8s.io/kubefed/pkg/version.version=${v.kubefed}`, '-X sigs.k8s.io/kubefed/pkg/version.gitTreeState=clean'].join(' '),
      label: `KubeFed ${v.kubefed} controller-manager + kubefedctl (Go)`,
    },
    kubectl: {
      id: 'kubectl',
      moduleDir: k8sModDir,
      dir: kubectlDir,
      binDir: join(kubectlDir, 'bin'),
      outputs: { kubectl: 'k8s.io/kubernetes/cmd/kubectl' },
      modfile: 'kubectl.mod',
      ldflags: k8sLdflags,
      label: `kubectl ${v.kubernetes}`,
    },
  };
}

/** Helm, kustomize and krew, pinned by their wrapper modules. */
export interface ToolBinaries {
  /** Helm 3 (`--post-renderer PATH`). */
  helm3: string;
  /** Helm 4 (`--post-renderer PLUGIN-NAME`). */
  helm4: string;
  kustomize: string;
  /** krew (`kubectl krew install --manifest --archive`, test/e2e/release.test.ts). */
  krew: string;
  versions: { helm3: string; helm4: string; kustomize: string; krew: string };
}

function toolGroups(): { helm: Group; kustomize: Group; krew: Group; versions: ToolBinaries['versions'] } {
  const root = cacheRoot();
  const helmModDir = join(GO_DIR, 'helm');
  const kustomizeModDir = join(GO_DIR, 'kustomize');
  const helmMod = readFileSync(join(helmModDir, 'go.mod'), 'utf8');
  const kustomizeMod = readFileSync(join(kustomizeModDir, 'go.mod'), 'utf8');
  const krewModDir = join(GO_DIR, 'krew');
  const krewMod = readFileSync(join(krewModDir, 'go.mod'), 'utf8');
  const versions = {
    helm3: requireVersion(helmMod, 'helm.sh/helm/v3', 'helm/go.mod'),
    helm4: requireVersion(helmMod, 'helm.sh/helm/v4', 'helm/go.mod'),
    kustomize: requireVersion(kustomizeMod, 'sigs.k8s.io/kustomize/kustomize/v5', 'kustomize/go.mod'),
    krew: requireVersion(krewMod, 'sigs.k8s.io/krew', 'krew/go.mod'),
  };
  const files = ['go.mod', 'go.sum', 'tools.go'];
  const helmDir = join(root, `helm-${versions.helm3}_${versions.helm4}_${hashFiles(helmModDir, files)}`);
  const kustomizeDir = join(root, `kustomize-${versions.kustomize}_${hashFiles(kustomizeModDir, files)}`);
  const krewDir = join(root, `krew-${versions.krew}_${hashFiles(krewModDir, files)}`);
  return {
    versions,
    helm: {
      id: 'helm',
      moduleDir: helmModDir,
      dir: helmDir,
      binDir: join(helmDir, 'bin'),
      outputs: { helm3: 'helm.sh/helm/v3/cmd/helm', helm4: 'helm.sh/helm/v4/cmd/helm' },
      separate: true,
      ldflags: [
        '-s -w',
        `-X helm.sh/helm/v3/internal/version.version=${versions.helm3}`,
        `-X helm.sh/helm/v4/internal/version.version=${versions.helm4}`,
        '-X helm.sh/helm/v3/internal/version.gitTreeState=clean',
        '-X helm.sh/helm/v4/internal/version.gitTreeState=clean',
      ].join(' '),
      label: `Helm ${versions.helm3} and ${versions.helm4}`,
    },
    kustomize: {
      id: 'kustomize',
      moduleDir: kustomizeModDir,
      dir: kustomizeDir,
      binDir: join(kustomizeDir, 'bin'),
      outputs: { kustomize: 'sigs.k8s.io/kustomize/kustomize/v5' },
      ldflags: `-s -w -X sigs.k8s.io/kustomize/api/provenance.version=kustomize/${versions.kustomize}`,
      label: `kustomize ${versions.kustomize}`,
    },
    krew: {
      id: 'krew',
      moduleDir: krewModDir,
      dir: krewDir,
      binDir: join(krewDir, 'bin'),
      // kubectl finds it as a plugin by this name (`kubectl krew ...`).
      outputs: { 'kubectl-krew': 'sigs.k8s.io/krew/cmd/krew' },
      ldflags: `-s -w -X sigs.k8s.io/krew/internal/version.gitTag=${versions.krew}`,
      label: `krew ${versions.krew}`,
    },
  };
}

/** Chart files copied from the KubeFed module as released. */
const CHART_FILES = [
  'charts/kubefed/charts/controllermanager/crds/crds.yaml',
  'charts/kubefed/charts/controllermanager/templates/kubefedconfig.yaml',
  'charts/kubefed/crds/crds.yaml',
  'charts/kubefed/templates/federatedtypeconfig.yaml',
];

function complete(g: Group): boolean {
  if (!existsSync(join(g.dir, 'build.json'))) return false;
  for (const name of Object.keys(g.outputs)) {
    const p = join(g.binDir, name);
    if (!existsSync(p) || statSync(p).size === 0) return false;
  }
  if (g.id === 'kubefed') return CHART_FILES.every((f) => existsSync(join(g.dir, f)));
  return (g.tarball?.keep ?? []).every((f) => existsSync(join(g.dir, f)));
}

async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(cacheRoot(), { recursive: true });
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created */
      }
      if (Number.isInteger(holder) && !isAlive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Runs a command with output appended to `log`; rejects with the log tail on failure. */
function runLogged(cmd: string, args: string[], cwd: string, log: string, env: NodeJS.ProcessEnv = goEnv()): Promise<void> {
  appendFileSync(log, `\n$ (cd ${cwd} && ${cmd} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')})\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const write = (b: Buffer): void => appendFileSync(log, b);
    child.stdout.on('data', write);
    child.stderr.on('data', write);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-25).join('\n');
        reject(new Error(`${cmd} ${args[0]} failed (exit ${code}); see ${log}\n${tail}`));
      }
    });
  });
}

/** sha256 of a file, streamed (the Karmada tarball is 14 MB). */
function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (b) => h.update(b))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** Checks the tarball, extracts it under `tmp`, and returns the directory to build in. */
async function extractSource(g: Group, tmp: string, log: string): Promise<string> {
  const t = g.tarball!;
  if (!existsSync(t.file)) throw new Error(`${g.label}: source tarball ${t.file} is missing (it comes with the shared/ folder beside the repository)`);
  const actual = await sha256File(t.file);
  if (actual !== t.sha256) {
    throw new Error(`${g.label}: ${t.file} has sha256 ${actual}, expected ${t.sha256}; refusing to build from an unexpected tarball`);
  }
  const src = join(tmp, 'src');
  mkdirSync(src, { recursive: true });
  await runLogged('tar', ['-xzf', t.file, '-C', src], tmp, log);
  return join(src, g.moduleDir);
}

async function buildGroup(g: Group, v: Versions | ToolBinaries['versions'] | KarmadaVersions): Promise<void> {
  const go = goBin();
  const logDir = join(cacheRoot(), 'logs');
  mkdirSync(logDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const log = join(logDir, `build-${g.id}-${stamp}.log`);
  const tmp = `${g.dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'bin'), { recursive: true });

  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  const line = `e2e: building ${g.label} (first run per version; can take 10-30 min on 2 cores). Log: ${log}`;
  process.stderr.write(tty ? line : line + '\n');
  const ticker = tty ? setInterval(() => process.stderr.write(`\r${line} [${fmtDuration(Date.now() - started)}]`), 5000) : undefined;
  try {
    const goVersion = (await run(go, ['version'], { env: goEnv() })).stdout.trim();
    appendFileSync(log, `${goVersion}\nbuilding into ${tmp}\n`);
    const modfile = g.modfile ? [`-modfile=${g.modfile}`] : [];
    const moduleDir = g.tarball ? await extractSource(g, tmp, log) : g.moduleDir;
    if (g.tarball) {
      // A cold Karmada build takes minutes of both cores; `nice` leaves the neighbours' work responsive.
      await runLogged(
        'nice',
        ['-n', '5', go, 'build', '-trimpath', '-ldflags', g.ldflags, '-o', join(tmp, 'bin') + '/', ...Object.values(g.outputs)],
        moduleDir,
        log,
        { ...goEnv(), ...g.env },
      );
      for (const f of g.tarball.keep) cpSync(join(moduleDir, f), join(tmp, f), { recursive: true });
      rmSync(join(tmp, 'src'), { recursive: true, force: true });
    } else if (g.separate) {
      // Packages compiled for the first binary come from the build cache for the next ones.
      for (const [name, pkg] of Object.entries(g.outputs)) {
        await runLogged(go, ['build', ...modfile, '-trimpath', '-ldflags', g.ldflags, '-o', join(tmp, 'bin', name), pkg], g.moduleDir, log);
      }
    } else {
      // One `go build` for all binaries of the group, so shared packages compile once.
      const pkgs = Object.values(g.outputs);
      await runLogged(go, ['build', ...modfile, '-trimpath', '-ldflags', g.ldflags, '-o', join(tmp, 'bin') + '/', ...pkgs], g.moduleDir, log);
    }
    // `go build -o dir/` names each binary after its package path (major-version suffixes skipped).
    for (const [name, pkg] of g.separate ? [] : Object.entries(g.outputs)) {
      const parts = pkg.split('/');
      let base = parts[parts.length - 1] ?? name;
      if (/^v\d+$/.test(base) && parts.length > 1) base = parts[parts.length - 2] ?? base;
      const from = join(tmp, 'bin', base);
      if (base !== name) renameSync(from, join(tmp, 'bin', name));
    }
    if (g.id === 'kubefed' && 'kubefed' in v) {
      const out = await run(go, ['mod', 'download', '-json', `sigs.k8s.io/kubefed@${v.kubefed}`], { cwd: g.moduleDir, env: goEnv() });
      const modDir = (JSON.parse(out.stdout) as { Dir?: string }).Dir;
      if (!modDir) throw new Error(`go mod download sigs.k8s.io/kubefed@${v.kubefed} gave no Dir`);
      for (const f of CHART_FILES) {
        const dest = join(tmp, f);
        mkdirSync(join(dest, '..'), { recursive: true });
        writeFileSync(dest, readFileSync(join(modDir, f)));
      }
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    const info = { group: g.id, versions: v, goVersion, buildSeconds: seconds, builtAt: new Date().toISOString(), log };
    writeFileSync(join(tmp, 'build.json'), JSON.stringify(info, null, 2) + '\n');
    appendFileSync(log, `\nbuild time: ${seconds}s\n`);
    rmSync(g.dir, { recursive: true, force: true });
    renameSync(tmp, g.dir);
    process.stderr.write(`${tty ? '\r' : ''}e2e: built ${g.label} in ${fmtDuration(Date.now() - started)} -> ${g.binDir}\n`);
  } catch (err) {
    if (tty) process.stderr.write('\n');
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

async function ensureGroups(list: Group[], v: Versions | ToolBinaries['versions'] | KarmadaVersions, built: string[]): Promise<void> {
  for (const g of list) {
    if (complete(g)) continue;
    await withLock(g.dir, async () => {
      if (!complete(g)) {
        await buildGroup(g, v);
        built.push(g.id);
      }
    });
  }
}

/** Helm 3, Helm 4, kustomize and krew, building whatever the cache lacks (no cluster binaries). */
export async function ensureToolBinaries(built: string[] = []): Promise<ToolBinaries> {
  const { helm, kustomize, krew, versions } = toolGroups();
  await ensureGroups([helm, kustomize, krew], versions, built);
  return {
    helm3: join(helm.binDir, 'helm3'),
    helm4: join(helm.binDir, 'helm4'),
    kustomize: join(kustomize.binDir, 'kustomize'),
    krew: join(krew.binDir, 'kubectl-krew'),
    versions,
  };
}

/** Returns the cached binaries, building whatever is missing (the tools too, so `up` leaves nothing to build). */
export async function ensureBinaries(): Promise<{ binaries: Binaries; versions: Versions; built: string[] }> {
  const v = pinnedVersions();
  const { k8s, kubefed, kubectl } = groups(v);
  const built: string[] = [];
  await ensureGroups([k8s, kubefed, kubectl], v, built);
  await ensureToolBinaries(built);
  return {
    versions: v,
    built,
    binaries: {
      kubeApiserver: join(k8s.binDir, 'kube-apiserver'),
      kubeControllerManager: join(k8s.binDir, 'kube-controller-manager'),
      etcd: join(k8s.binDir, 'etcd'),
      kubefedControllerManager: join(kubefed.binDir, 'kubefed-controller-manager'),
      kubefedctlGo: join(kubefed.binDir, 'kubefedctl-go'),
      kubectl: join(kubectl.binDir, 'kubectl'),
      kubefedChartDir: kubefed.dir,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Karmada (only with KUBEFEDCTL_E2E_KARMADA=1)

/** The vendored Karmada source the shared folder ships next to the repository (see its README). */
export const KARMADA_VERSION = 'v1.18.2';
const KARMADA_TARBALL_SHA256 = '132772eb30b810518df0c681733e55f81ffc6e1533e99046a674a62542dbd1a7';
/** Bump when the Karmada build recipe changes (flags, outputs, kept files). */
const KARMADA_RECIPE = 'k1';
const KARMADA_CRD_DIR = 'charts/karmada/_crds/bases';

type KarmadaVersions = { karmada: string; tarballSha256: string };

function karmadaGroup(): Group {
  const dir = join(cacheRoot(), `karmada-${KARMADA_VERSION}_${KARMADA_TARBALL_SHA256.slice(0, 10)}_${KARMADA_RECIPE}`);
  return {
    id: 'karmada',
    // The tarball's top directory; extractSource() makes it absolute.
    moduleDir: `karmada-${KARMADA_VERSION}`,
    dir,
    binDir: join(dir, 'bin'),
    outputs: {
      'karmada-controller-manager': './cmd/controller-manager',
      'karmada-scheduler': './cmd/scheduler',
      'karmada-aggregated-apiserver': './cmd/aggregated-apiserver',
      'karmada-webhook': './cmd/webhook',
    },
    ldflags: [
      '-s -w',
      `-X k8s.io/component-base/version.gitVersion=${KARMADA_VERSION}`,
      `-X github.com/karmada-io/karmada/pkg/version.gitVersion=${KARMADA_VERSION}`,
      '-X github.com/karmada-io/karmada/pkg/version.gitTreeState=clean',
    ].join(' '),
    label: `Karmada ${KARMADA_VERSION} controller-manager, scheduler, aggregated-apiserver and webhook`,
    tarball: {
      file: join(REPO_ROOT, '..', 'shared', 'third_party', `karmada-${KARMADA_VERSION}`, `karmada-${KARMADA_VERSION}-src.tar.gz`),
      sha256: KARMADA_TARBALL_SHA256,
      keep: [KARMADA_CRD_DIR],
    },
    // Everything is vendored: no module download may happen.
    env: { GOPROXY: 'off', GOFLAGS: '-mod=vendor' },
  };
}

/** Karmada's four binaries and CRDs, building them from the shared tarball when the cache lacks them. */
export async function ensureKarmadaBinaries(built: string[] = []): Promise<KarmadaBinaries> {
  const g = karmadaGroup();
  await ensureGroups([g], { karmada: KARMADA_VERSION, tarballSha256: KARMADA_TARBALL_SHA256 }, built);
  return {
    version: KARMADA_VERSION,
    controllerManager: join(g.binDir, 'karmada-controller-manager'),
    scheduler: join(g.binDir, 'karmada-scheduler'),
    aggregatedApiserver: join(g.binDir, 'karmada-aggregated-apiserver'),
    webhook: join(g.binDir, 'karmada-webhook'),
    crdDir: join(g.dir, KARMADA_CRD_DIR),
  };
}
