// Per-cluster PKI made with the `openssl` CLI (certificates) and node:crypto (service-account keys).
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
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

/** Creates CA, serving cert (127.0.0.1/localhost), admin client cert (O=system:masters), SA key pair and token file. */
export async function makeClusterPki(dir: string, cluster: string): Promise<ClusterPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n: string): string => join(dir, n);

  await openssl(
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
      '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', `/CN=kubefedctl-e2e-${cluster}-ca`,
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ],
    dir,
  );

  writeFileSync(
    f('serving.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1',
      '',
    ].join('\n'),
  );
  writeFileSync(
    f('client.ext'),
    ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth', ''].join('\n'),
  );

  const leaf = async (base: string, subj: string, ext: string): Promise<void> => {
    await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', subj], dir);
    await openssl(
      ['x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-sha256', '-days', '3650', '-extfile', ext, '-out', `${base}.crt`],
      dir,
    );
  };
  await leaf('serving', `/CN=kube-apiserver-${cluster}`, 'serving.ext');
  await leaf('admin', '/O=system:masters/CN=admin', 'client.ext');

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(f('sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(f('sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(f('tokens.csv'), `${adminToken},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });

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
