// TLS towards the API server, as client-go sets it up from the kubeconfig: the certificate
// authority (inline data wins over the file), insecure-skip-tls-verify, and tls-server-name.
// Also the one reader of files a kubeconfig names, so every unreadable file is reported alike.

import { readFileSync } from 'node:fs';
import tls from 'node:tls';

import { ConfigError } from '../errors.js';
import type { ContextInfo } from './types.js';

/** The name the server certificate must carry: tls-server-name, else the host of the server URL. */
export function expectedServerName(context: ContextInfo, serverUrl: URL): string {
  return context.tlsServerName ?? serverUrl.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Options for connections to the API server (client certificates come per request, from credentials.ts). */
export function tlsOptionsFor(context: ContextInfo, serverUrl: URL): tls.ConnectionOptions {
  if (serverUrl.protocol !== 'https:') return {};
  if (context.insecureSkipTlsVerify && (context.caData !== undefined || context.caFile !== undefined)) {
    throw new ConfigError(`cluster "${context.clusterName}" sets both a certificate authority and insecure-skip-tls-verify`, {
      code: 'KUBECONFIG_INVALID',
      hint: 'kubectl refuses this too ("specifying a root certificates file with the insecure flag is not allowed"): remove one of them.',
    });
  }
  const expectedName = expectedServerName(context, serverUrl);
  const options: tls.ConnectionOptions = {
    rejectUnauthorized: !context.insecureSkipTlsVerify,
    // Checked against the server's own name however the connection was made: a SOCKS tunnel does not
    // pass the target host on to the TLS layer, and socks-proxy-agent then checks "localhost".
    checkServerIdentity: (_host, certificate) => tls.checkServerIdentity(expectedName, certificate),
  };
  const ca = readCaBundle(context);
  if (ca !== undefined) options.ca = ca;
  if (context.tlsServerName !== undefined) options.servername = context.tlsServerName;
  return options;
}

/** The PEM bundle the context trusts: certificate-authority-data, else the certificate-authority file. */
export function readCaBundle(context: ContextInfo): Buffer | undefined {
  if (context.caData !== undefined) return Buffer.from(context.caData, 'base64');
  if (context.caFile !== undefined) return readKubeconfigFile(context.caFile, `certificate-authority "${context.caFile}" of cluster "${context.clusterName}"`);
  return undefined;
}

/**
 * The context's CA bundle as base64 (what a KubeFedCluster's caBundle and an exec plugin's
 * certificate-authority-data carry), from inline data or the file; undefined when it names none.
 * Throws ConfigError when the file cannot be read.
 */
export function readCaBundleBase64(context: ContextInfo): string | undefined {
  return readCaBundle(context)?.toString('base64');
}

/** Reads a file the kubeconfig names; `what` describes it for the error, e.g. `client-key "k.pem" of user "u"`. */
export function readKubeconfigFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(`unable to read ${what}: ${describeFsError(error)}`, { code: 'KUBECONFIG_INVALID', cause: error });
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
