// `npm run release`: the standalone kubefedctl for this machine's platform (linux-amd64), a single
// executable application (Node SEA) that carries Node inside, so it runs where no Node is installed,
// plus what krew needs to install it as `kubectl kubefed`:
//
//   release/kubefedctl-<version>-linux-amd64.tar.gz         kubefedctl, kubectl-kubefed, LICENSE, NOTICE, ...
//   release/kubefedctl-<version>-linux-amd64.tar.gz.sha256  `sha256sum -c` format
//   release/kubefed.yaml                                    the krew plugin manifest
//
// Other platforms are built the same way on their own runners (docs/release.md): a SEA's code cache
// is made by the Node that builds it and only fits that platform's V8.
//
//   KUBEFEDCTL_RELEASE_NODE_LINE=24    build on Node 24 (postject is then needed; default 26)
//   KUBEFEDCTL_RELEASE_URL=https://…   where the archive will be published (the manifest's uri)
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { buildCli } from './build.mjs';
import { NODE_LINES, nodeBinary } from './node-lines.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'release');
const WORK = path.join(OUT, 'work');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const PLATFORM = { os: 'linux', arch: 'amd64' };
const LINE = process.env.KUBEFEDCTL_RELEASE_NODE_LINE ?? '26';
const BASE_URL = process.env.KUBEFEDCTL_RELEASE_URL ?? `https://github.com/kubefedctl/kubefedctl/releases/download/v${pkg.version}`;

/** Runs `file` quietly, failing with its stderr. */
function run(file, args, options = {}) {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function hasCommand(name) {
  try {
    run('sh', ['-c', `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The single executable. Node >= 25.5 builds it itself (--build-sea); older lines write a blob that
 * postject injects into a copy of node. The base is stripped first: the official binary carries
 * ~33 MB of debug info, and stripping after injection corrupts the executable.
 */
async function buildExecutable(node, output) {
  const main = path.join(WORK, 'sea-main.cjs');
  const { metafile } = await buildCli({ outfile: main });
  const base = path.join(WORK, 'node-base');
  copyFileSync(node, base);
  chmodSync(base, 0o755);
  if (hasCommand('strip')) run('strip', [base]);
  const config = { main, output, disableExperimentalSEAWarning: true, useCodeCache: true };
  const configFile = path.join(WORK, 'sea-config.json');
  const help = run(node, ['--help']);
  if (help.includes('--build-sea')) {
    writeFileSync(configFile, JSON.stringify({ ...config, executable: base }, null, 2));
    run(node, ['--build-sea', configFile], { cwd: WORK });
  } else {
    const blob = path.join(WORK, 'sea-prep.blob');
    writeFileSync(configFile, JSON.stringify({ ...config, output: blob }, null, 2));
    run(node, ['--experimental-sea-config', configFile], { cwd: WORK });
    copyFileSync(base, output);
    // The fuse is Node's documented sentinel (single-executable-applications.md).
    run('npx', ['--no-install', 'postject', output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2']);
  }
  chmodSync(output, 0o755);
  return metafile;
}

/** License texts of Node and of the npm packages esbuild put into the executable. */
function thirdPartyLicenses(nodeDir, metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  const sections = [`Node.js ${path.basename(nodeDir)} (the runtime inside the executable)\n\n${readFileSync(path.join(nodeDir, 'LICENSE'), 'utf8')}`];
  for (const name of [...packages].sort()) {
    const dir = path.join(ROOT, 'node_modules', name);
    const { version, license } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((entry) => /^licen[cs]e/i.test(entry));
    sections.push(`${name} ${version} (${license})\n\n${file ? readFileSync(path.join(dir, file), 'utf8') : `License: ${license}`}`);
  }
  return sections.join(`\n${'-'.repeat(78)}\n\n`);
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The krew manifest (krew.sigs.k8s.io/docs/developer-guide/plugin-manifest). */
function krewManifest(archiveName, archiveSha) {
  return `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: kubefed
spec:
  version: v${pkg.version}
  homepage: ${pkg.homepage ?? 'https://github.com/kubefedctl/kubefedctl'}
  shortDescription: Join clusters to KubeFed and federate resources
  description: |
    A drop-in replacement for KubeFed's kubefedctl v0.10.0: join and unjoin member
    clusters, enable and disable federated types, federate manifests (also offline),
    and inspect federation status, as \`kubectl kubefed ...\`.
  platforms:
    - selector:
        matchLabels:
          os: ${PLATFORM.os}
          arch: ${PLATFORM.arch}
      uri: ${BASE_URL}/${archiveName}
      sha256: ${archiveSha}
      bin: kubectl-kubefed
      files:
        - from: kubectl-kubefed
          to: .
        - from: LICENSE
          to: .
        - from: NOTICE
          to: .
        - from: THIRD-PARTY-LICENSES
          to: .
`;
}

async function main() {
  const version = NODE_LINES[LINE];
  if (!version) throw new Error(`KUBEFEDCTL_RELEASE_NODE_LINE=${LINE}: not a supported line (${Object.keys(NODE_LINES).join(', ')})`);
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`release builds linux-amd64 only; this is ${process.platform}-${process.arch} (docs/release.md)`);
  const node = nodeBinary(version);
  rmSync(OUT, { recursive: true, force: true });
  const name = `kubefedctl-${pkg.version}-${PLATFORM.os}-${PLATFORM.arch}`;
  const stage = path.join(WORK, name);
  mkdirSync(stage, { recursive: true });

  const started = Date.now();
  const executable = path.join(stage, 'kubefedctl');
  const metafile = await buildExecutable(node, executable);
  // Smoke test with no Node to find: the executable must say it is the standalone build.
  const said = run(executable, ['version'], { env: { PATH: '/nonexistent' } });
  if (!said.includes('Distribution:"standalone"')) throw new Error(`the built executable's version is not the standalone build: ${said}`);

  // kubectl runs plugins by file name; krew links its bin entry to a file in the archive, so the
  // plugin is a copy rather than a symlink. The name the program shows comes from argv (src/cli/program-name.ts).
  copyFileSync(executable, path.join(stage, 'kubectl-kubefed'));
  chmodSync(path.join(stage, 'kubectl-kubefed'), 0o755);
  copyFileSync(path.join(ROOT, 'LICENSE'), path.join(stage, 'LICENSE'));
  copyFileSync(path.join(ROOT, 'NOTICE'), path.join(stage, 'NOTICE'));
  writeFileSync(path.join(stage, 'THIRD-PARTY-LICENSES'), thirdPartyLicenses(path.dirname(path.dirname(node)), metafile));

  const archiveName = `${name}.tar.gz`;
  const archive = path.join(OUT, archiveName);
  // Reproducible entries: sorted, fixed owner and times (the build date is in `version`).
  run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', stage, '-czf', archive, ...readdirSync(stage).sort()], {
    env: { ...process.env, GZIP: '-9' },
  });
  const digest = sha256(archive);
  writeFileSync(`${archive}.sha256`, `${digest}  ${archiveName}\n`);
  writeFileSync(path.join(OUT, 'kubefed.yaml'), krewManifest(archiveName, digest));
  // The unpacked binary stays beside the archive for tests and the bench (test/cli/standalone.test.ts).
  copyFileSync(executable, path.join(OUT, 'kubefedctl'));
  chmodSync(path.join(OUT, 'kubefedctl'), 0o755);
  rmSync(WORK, { recursive: true, force: true });

  const mb = (file) => `${(statSync(file).size / 1e6).toFixed(1)} MB`;
  console.log(`release: Node ${version}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`  ${path.relative(ROOT, path.join(OUT, 'kubefedctl'))}  ${mb(path.join(OUT, 'kubefedctl'))}`);
  console.log(`  ${path.relative(ROOT, archive)}  ${mb(archive)}  sha256 ${digest}`);
  console.log(`  ${path.relative(ROOT, path.join(OUT, 'kubefed.yaml'))}`);
}

if (!existsSync(path.join(ROOT, 'node_modules'))) throw new Error('run `npm ci` first: the build needs esbuild and the bundled libraries');
await main();
