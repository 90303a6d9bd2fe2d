// Per-cluster PKI made with the `openssl` CLI (certificates) and node:crypto (service-account keys).
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function opensslBin(): string {
  return process.env['OPENSSL'] ?? 'openssl';
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run(opensslBin(), args, { cwd });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

export interface ClusterPki {
  caFile: string;
  caKeyFile: string;
  servingCertFile: string;
  servingKeyFile: string;
  adminCertFile: string;
  adminKeyFile: string;
  saKeyFile: string;
  saPubFile: string;
  tokenAuthFile: string;
  adminToken: string;
}

const CA_EXTS = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'];
const CLIENT_EXT = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth', ''].join('\n');

function servingExt(sans: string[]): string {
  return [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=${sans.join(',')}`,
    '',
  ].join('\n');
}

/** A self-signed CA `<base>.crt`/`<base>.key` in `dir`. */
async function makeCa(dir: string, base: string, cn: string): Promise<void> {
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '3650',
      '-keyout',
      `${base}.key`,
      '-out',
      `${base}.crt`,
      '-subj',
      `/CN=${cn}`,
      ...CA_EXTS,
    ],
    dir,
  );
}

/** A leaf `<base>.crt`/`<base>.key` signed by the CA `<ca>.crt`, with the extensions in `extText`. */
async function makeLeaf(dir: string, base: string, ca: string, subj: string, extText: string): Promise<void> {
  writeFileSync(join(dir, `${base}.ext`), extText);
  await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', subj], dir);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-sha256',
      '-days',
      '3650',
      '-extfile',
      `${base}.ext`,
      '-out',
      `${base}.crt`,
    ],
    dir,
  );
}

/**
 * Creates CA, serving cert (127.0.0.1/localhost), admin client cert (O=system:masters, CN `adminUser`), SA key
 * pair and token file (the same admin user, so a token and the certificate are one identity).
 */
export async function makeClusterPki(dir: string, cluster: string, adminUser = 'admin'): Promise<ClusterPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n: string): string => join(dir, n);

  await makeCa(dir, 'ca', `kubefedctl-e2e-${cluster}-ca`);
  await makeLeaf(
    dir,
    'serving',
    'ca',
    `/CN=kube-apiserver-${cluster}`,
    servingExt(['IP:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'IP:10.0.0.1']),
  );
  await makeLeaf(dir, 'admin', 'ca', `/O=system:masters/CN=${adminUser}`, CLIENT_EXT);

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(f('sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(f('sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(f('tokens.csv'), `${adminToken},${adminUser},${adminUser}-uid,"system:masters"\n`, { mode: 0o600 });

  return {
    caFile: f('ca.crt'),
    caKeyFile: f('ca.key'),
    servingCertFile: f('serving.crt'),
    servingKeyFile: f('serving.key'),
    adminCertFile: f('admin.crt'),
    adminKeyFile: f('admin.key'),
    saKeyFile: f('sa.key'),
    saPubFile: f('sa.pub'),
    tokenAuthFile: f('tokens.csv'),
    adminToken,
  };
}

export interface KarmadaPki extends ClusterPki {
  /** The aggregation layer's own CA (--requestheader-client-ca-file) and the client cert it trusts. */
  frontProxyCaFile: string;
  frontProxyClientCertFile: string;
  frontProxyClientKeyFile: string;
  /** Serving cert of karmada-aggregated-apiserver, for the name the aggregator dials (`<svc>.<ns>.svc`). */
  aggregatedCertFile: string;
  aggregatedKeyFile: string;
  /** Directory with tls.crt/tls.key, the names karmada-webhook reads from --cert-dir. */
  webhookCertDir: string;
}

/**
 * The Karmada apiserver's PKI: a cluster PKI whose admin is CN=system:admin (the user upstream's cluster-proxy
 * RBAC names), plus the front proxy, the aggregated apiserver and the webhook serving certs, all from its CA.
 */
export async function makeKarmadaPki(dir: string, aggregatedService: { name: string; namespace: string }): Promise<KarmadaPki> {
  const pki = await makeClusterPki(dir, 'karmada', 'system:admin');
  await makeCa(dir, 'front-proxy-ca', 'kubefedctl-e2e-karmada-front-proxy-ca');
  await makeLeaf(dir, 'front-proxy-client', 'front-proxy-ca', '/CN=front-proxy-client', CLIENT_EXT);
  const svc = `${aggregatedService.name}.${aggregatedService.namespace}.svc`;
  await makeLeaf(dir, 'aggregated', 'ca', `/CN=${svc}`, servingExt([`DNS:${svc}`, `DNS:${svc}.cluster.local`, 'DNS:localhost', 'IP:127.0.0.1']));
  const webhookDir = join(dir, 'webhook');
  mkdirSync(webhookDir, { recursive: true, mode: 0o700 });
  await makeLeaf(dir, 'webhook', 'ca', '/CN=karmada-webhook', servingExt(['DNS:localhost', 'IP:127.0.0.1']));
  copyFileSync(join(dir, 'webhook.crt'), join(webhookDir, 'tls.crt'));
  copyFileSync(join(dir, 'webhook.key'), join(webhookDir, 'tls.key'));
  return {
    ...pki,
    frontProxyCaFile: join(dir, 'front-proxy-ca.crt'),
    frontProxyClientCertFile: join(dir, 'front-proxy-client.crt'),
    frontProxyClientKeyFile: join(dir, 'front-proxy-client.key'),
    aggregatedCertFile: join(dir, 'aggregated.crt'),
    aggregatedKeyFile: join(dir, 'aggregated.key'),
    webhookCertDir: webhookDir,
  };
}
