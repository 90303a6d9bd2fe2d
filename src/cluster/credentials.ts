// Turns a kubeconfig user into what each request carries: headers (bearer token, basic auth,
// impersonation) and a TLS client certificate. Exec credential plugins are run here, the way
// client-go runs them: KUBERNETES_EXEC_INFO, interactiveMode, env for the child only, and a
// per-process cache (client-node re-runs the plugin on every request when there is no expiry).
// The oidc auth-provider (refresh and write-back) lives in oidc.ts, loaded only for such users.

import { spawn } from 'node:child_process';

import { ConfigError } from '../errors.js';
import { isPlainObject } from '../core/types.js';
import type { Logger } from '../log.js';
import type { OidcCache, OidcTokenSource } from './oidc.js';
import { readCaBundleBase64, readKubeconfigFile } from './tls.js';
import type { ContextInfo, ExecCredentialConfig, ExecInteractiveMode, KubeconfigUser } from './types.js';

export interface RequestCredentials {
  /** Authorization and Impersonate-* headers. Never log these unredacted. */
  headers: Record<string, string | string[]>;
  /** PEM client certificate and key, when the user authenticates with one. */
  cert?: string | undefined;
  key?: string | undefined;
}

export interface CredentialProvider {
  /** What the user authenticates with, for messages: "token", "exec plugin \"aws\"", "no credentials"... */
  readonly description: string;
  /** Credentials for the next request (exec plugins run at most once per cache lifetime). */
  current(): Promise<RequestCredentials>;
  /**
   * The server answered 401 to `rejected`. Drops cached plugin credentials and says whether asking
   * again can give different ones (then the request is worth one retry).
   */
  invalidate(rejected: RequestCredentials): boolean;
}

/** Shared by all clients of a process, keyed like client-go: by exec config (and cluster when provided). */
export type ExecCredentialCache = Map<string, ExecCacheEntry>;

interface ExecCacheEntry {
  result: Promise<ExecResult>;
  settled?: ExecResult | undefined;
  /** Epoch ms; undefined = valid until a 401 or the end of the process. */
  expiresAt?: number | undefined;
}

interface ExecResult {
  token?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  expiresAt?: number | undefined;
}

export interface CredentialDeps {
  /** Our environment; the plugin's is this plus exec.env plus KUBERNETES_EXEC_INFO. */
  env: NodeJS.ProcessEnv;
  /** Whether our stdin is a terminal (interactive plugins may prompt). Default: process.stdin.isTTY. */
  stdinIsTerminal?: boolean | undefined;
  /** Where plugin stderr goes. Default: inherited, so prompts and errors reach the user directly. */
  pluginStderr?: NodeJS.WritableStream | undefined;
  execCache?: ExecCredentialCache | undefined;
  /** Refreshed OIDC tokens by user; default: one map per process. */
  oidcCache?: OidcCache | undefined;
  logger?: Logger | undefined;
  now?: (() => number) | undefined;
}

const PROCESS_EXEC_CACHE: ExecCredentialCache = new Map();

const SUPPORTED_EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

const PLUGIN_DOCS_HINT =
  'It looks like you are trying to use a client-go credential plugin that is not installed. To learn more about this feature, ' +
  'see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins';

export function createCredentialProvider(context: ContextInfo, user: KubeconfigUser | undefined, deps: CredentialDeps): CredentialProvider {
  if (user === undefined) return staticProvider('no credentials', {});
  validateAuthMethods(user);

  const impersonation = impersonationHeaders(user);
  const loadCertificate = certificateLoader(user);

  if (user.exec !== undefined && user.token === undefined && user.tokenFile === undefined) {
    return execProvider(context, user, user.exec, impersonation, loadCertificate, deps);
  }

  let description = 'no credentials';
  let authorization: (() => string) | undefined;
  if (user.token !== undefined) {
    const token = user.token;
    authorization = () => `Bearer ${token}`;
    description = 'a bearer token';
  } else if (user.tokenFile !== undefined) {
    const tokenFile = user.tokenFile;
    // Re-read every time: projected service-account tokens are rotated in place.
    authorization = () => `Bearer ${readTokenFile(tokenFile, user.name)}`;
    description = `the token in ${tokenFile}`;
  } else if (user.username !== undefined || user.password !== undefined) {
    const basic = Buffer.from(`${user.username ?? ''}:${user.password ?? ''}`).toString('base64');
    authorization = () => `Basic ${basic}`;
    description = `basic auth as "${user.username ?? ''}"`;
  } else if (user.authProvider !== undefined) {
    if (user.authProvider.name === 'oidc') return oidcProvider(user, impersonation, loadCertificate, deps);
    throw unsupportedAuthProvider(user, user.authProvider.name);
  }
  if (authorization === undefined && (user.clientCertificate !== undefined || user.clientCertificateData !== undefined)) {
    description = 'a client certificate';
  }

  return {
    description,
    async current() {
      const headers: Record<string, string | string[]> = { ...impersonation };
      if (authorization !== undefined) headers.Authorization = authorization();
      return { headers, ...loadCertificate() };
    },
    invalidate: () => false,
  };
}

function staticProvider(description: string, headers: Record<string, string>): CredentialProvider {
  return { description, current: async () => ({ headers: { ...headers } }), invalidate: () => false };
}

function validateAuthMethods(user: KubeconfigUser): void {
  const methods: string[] = [];
  if (user.token !== undefined || user.tokenFile !== undefined) methods.push('token');
  if (user.username !== undefined || user.password !== undefined) methods.push('basicAuth');
  if (methods.length > 1) {
    throw new ConfigError(`more than one authentication method found for user "${user.name}"; found [${methods.join(' ')}], only one is allowed`, {
      code: 'KUBECONFIG_INVALID',
    });
  }
  if (user.clientCertificate !== undefined && user.clientCertificateData !== undefined) {
    throw new ConfigError(`client-cert-data and client-cert are both specified for user "${user.name}"`, { code: 'KUBECONFIG_INVALID' });
  }
  if (user.clientKey !== undefined && user.clientKeyData !== undefined) {
    throw new ConfigError(`client-key-data and client-key are both specified for user "${user.name}"`, { code: 'KUBECONFIG_INVALID' });
  }
  const hasCert = user.clientCertificate !== undefined || user.clientCertificateData !== undefined;
  const hasKey = user.clientKey !== undefined || user.clientKeyData !== undefined;
  if (hasCert !== hasKey) {
    throw new ConfigError(`user "${user.name}" has a client ${hasCert ? 'certificate but no client key' : 'key but no client certificate'}`, {
      code: 'KUBECONFIG_INVALID',
    });
  }
  if (user.exec !== undefined && user.authProvider !== undefined) {
    throw new ConfigError(`user "${user.name}": auth-provider cannot be combined with an exec plugin`, { code: 'KUBECONFIG_INVALID' });
  }
  if (user.exec !== undefined) validateExecConfig(user.exec, user.name);
}

function validateExecConfig(exec: ExecCredentialConfig, userName: string): void {
  if (exec.apiVersion === 'client.authentication.k8s.io/v1alpha1') {
    throw new ConfigError(`exec plugin of user "${userName}" uses client.authentication.k8s.io/v1alpha1, which is no longer supported`, {
      code: 'EXEC_PLUGIN',
      hint: 'kubectl 1.24 removed v1alpha1 too. Set exec.apiVersion to client.authentication.k8s.io/v1beta1 (or v1 with interactiveMode), and update the plugin if it predates v1beta1.',
    });
  }
  if (!SUPPORTED_EXEC_API_VERSIONS.includes(exec.apiVersion)) {
    throw new ConfigError(
      exec.apiVersion === ''
        ? `exec plugin of user "${userName}" has no apiVersion`
        : `exec plugin of user "${userName}" uses unsupported apiVersion "${exec.apiVersion}"`,
      { code: 'EXEC_PLUGIN', hint: `Supported: ${SUPPORTED_EXEC_API_VERSIONS.join(', ')}.` },
    );
  }
  if (exec.command === '') throw new ConfigError(`exec plugin of user "${userName}" has no command`, { code: 'EXEC_PLUGIN' });
  if (exec.interactiveMode === undefined && exec.apiVersion.endsWith('/v1')) {
    throw new ConfigError(`interactiveMode must be specified for user "${userName}" to use an exec authentication plugin`, {
      code: 'EXEC_PLUGIN',
      hint: 'Set exec.interactiveMode to Never, IfAvailable or Always (it is required with client.authentication.k8s.io/v1).',
    });
  }
  if (exec.interactiveMode !== undefined && !['Never', 'IfAvailable', 'Always'].includes(exec.interactiveMode)) {
    throw new ConfigError(`exec plugin of user "${userName}" has invalid interactiveMode "${exec.interactiveMode}"`, {
      code: 'EXEC_PLUGIN',
      hint: 'Use Never, IfAvailable or Always.',
    });
  }
}

function impersonationHeaders(user: KubeconfigUser): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  if (user.impersonate !== undefined) headers['Impersonate-User'] = user.impersonate;
  if (user.impersonateUid !== undefined) headers['Impersonate-Uid'] = user.impersonateUid;
  if (user.impersonateGroups !== undefined && user.impersonateGroups.length > 0) headers['Impersonate-Group'] = user.impersonateGroups;
  for (const [key, values] of Object.entries(user.impersonateUserExtra ?? {})) {
    headers[`Impersonate-Extra-${encodeURIComponent(key)}`] = values;
  }
  return headers;
}

function certificateLoader(user: KubeconfigUser): () => { cert?: string; key?: string } {
  let loaded: { cert?: string; key?: string } | undefined;
  return () => {
    if (loaded !== undefined) return loaded;
    const cert =
      user.clientCertificateData !== undefined ? decodeBase64Pem(user.clientCertificateData) : readPem(user.clientCertificate, 'client-certificate', user.name);
    const key = user.clientKeyData !== undefined ? decodeBase64Pem(user.clientKeyData) : readPem(user.clientKey, 'client-key', user.name);
    loaded = cert !== undefined && key !== undefined ? { cert, key } : {};
    return loaded;
  };
}

function decodeBase64Pem(data: string): string {
  return Buffer.from(data, 'base64').toString('utf8');
}

function readPem(file: string | undefined, field: string, userName: string): string | undefined {
  return file === undefined ? undefined : readKubeconfigFile(file, `${field} "${file}" of user "${userName}"`).toString('utf8');
}

function readTokenFile(file: string, userName: string): string {
  return readKubeconfigFile(file, `tokenFile "${file}" of user "${userName}"`).toString('utf8').trim();
}

function unsupportedAuthProvider(user: KubeconfigUser, name: string): ConfigError {
  if (name === 'gcp') {
    return new ConfigError(`user "${user.name}" uses the gcp auth-provider, which kubectl removed`, {
      code: 'AUTH_PROVIDER',
      hint: 'Install gke-gcloud-auth-plugin and run "gcloud container clusters get-credentials" to rewrite the kubeconfig with an exec plugin.',
    });
  }
  if (name === 'azure') {
    return new ConfigError(`user "${user.name}" uses the azure auth-provider, which kubectl removed`, {
      code: 'AUTH_PROVIDER',
      hint: 'Install kubelogin and run "kubelogin convert-kubeconfig" to switch the kubeconfig to an exec plugin.',
    });
  }
  return new ConfigError(`user "${user.name}" uses the unsupported auth-provider "${name}"`, {
    code: 'AUTH_PROVIDER',
    hint: 'Use an exec credential plugin instead.',
  });
}

/** The oidc auth-provider: oidc.ts (loaded on first use) keeps the id-token fresh and writes refreshed tokens back. */
function oidcProvider(
  user: KubeconfigUser,
  impersonation: Record<string, string | string[]>,
  loadCertificate: () => { cert?: string; key?: string },
  deps: CredentialDeps,
): CredentialProvider {
  let source: Promise<OidcTokenSource> | undefined;
  return {
    description: 'the oidc auth-provider id-token',
    async current() {
      source ??= import('./oidc.js').then(({ createOidcTokenSource }) =>
        createOidcTokenSource(user, { env: deps.env, logger: deps.logger, now: deps.now, cache: deps.oidcCache }),
      );
      const idToken = await (await source).idToken();
      return { headers: { ...impersonation, Authorization: `Bearer ${idToken}` }, ...loadCertificate() };
    },
    // Like client-go: a 401 is not answered with a refresh (the token was valid by its exp).
    invalidate: () => false,
  };
}

// ---------------------------------------------------------------------------------------------
// Exec credential plugins

function execProvider(
  context: ContextInfo,
  user: KubeconfigUser,
  exec: ExecCredentialConfig,
  impersonation: Record<string, string | string[]>,
  loadCertificate: () => { cert?: string; key?: string },
  deps: CredentialDeps,
): CredentialProvider {
  const cache = deps.execCache ?? PROCESS_EXEC_CACHE;
  const now = deps.now ?? Date.now;
  const clusterInfo = exec.provideClusterInfo ? execClusterInfo(context) : undefined;
  const cacheKey = JSON.stringify({ exec, cluster: clusterInfo ?? null });
  const commandName = exec.command;

  const obtain = (): Promise<ExecResult> => {
    const cached = cache.get(cacheKey);
    if (cached !== undefined && (cached.expiresAt === undefined || now() < cached.expiresAt)) return cached.result;
    const entry: ExecCacheEntry = { result: runExecPlugin(user.name, exec, clusterInfo, deps) };
    cache.set(cacheKey, entry);
    entry.result.then(
      (result) => {
        entry.settled = result;
        entry.expiresAt = result.expiresAt;
      },
      () => {
        // A failed run is not remembered: the next request tries again.
        if (cache.get(cacheKey) === entry) cache.delete(cacheKey);
      },
    );
    return entry.result;
  };

  return {
    description: `exec plugin "${commandName}"`,
    async current() {
      const result = await obtain();
      const headers: Record<string, string | string[]> = { ...impersonation };
      if (result.token !== undefined) headers.Authorization = `Bearer ${result.token}`;
      if (result.cert !== undefined && result.key !== undefined) return { headers, cert: result.cert, key: result.key };
      return { headers, ...loadCertificate() };
    },
    invalidate(rejected) {
      const cached = cache.get(cacheKey);
      // Only drop the entry if it holds what was rejected; a concurrent request may have refreshed it.
      if (cached?.settled !== undefined && sameExecCredentials(cached.settled, rejected)) cache.delete(cacheKey);
      return true;
    },
  };
}

function sameExecCredentials(result: ExecResult, used: RequestCredentials): boolean {
  if (result.token !== undefined && used.headers.Authorization === `Bearer ${result.token}`) return true;
  return result.cert !== undefined && used.cert === result.cert;
}

interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'certificate-authority-data'?: string;
  'proxy-url'?: string;
  'disable-compression'?: boolean;
  config?: unknown;
}

function execClusterInfo(context: ContextInfo): ExecClusterInfo {
  const info: ExecClusterInfo = { server: context.server };
  if (context.tlsServerName !== undefined) info['tls-server-name'] = context.tlsServerName;
  if (context.insecureSkipTlsVerify) info['insecure-skip-tls-verify'] = true;
  const caData = readCaBundleBase64(context);
  if (caData !== undefined) info['certificate-authority-data'] = caData;
  if (context.proxyUrl !== undefined) info['proxy-url'] = context.proxyUrl;
  if (context.disableCompression === true) info['disable-compression'] = true;
  if (context.execClusterConfig !== undefined) info.config = context.execClusterConfig;
  return info;
}

function interactiveMode(exec: ExecCredentialConfig): ExecInteractiveMode {
  const mode = exec.interactiveMode ?? 'IfAvailable';
  return mode === 'Never' || mode === 'Always' ? mode : 'IfAvailable';
}

async function runExecPlugin(userName: string, exec: ExecCredentialConfig, cluster: ExecClusterInfo | undefined, deps: CredentialDeps): Promise<ExecResult> {
  const stdinIsTerminal = deps.stdinIsTerminal ?? process.stdin.isTTY === true;
  const mode = interactiveMode(exec);
  if (mode === 'Always' && !stdinIsTerminal) {
    throw new ConfigError(`exec plugin "${exec.command}" of user "${userName}" needs an interactive terminal, but standard input is not a terminal`, {
      code: 'EXEC_PLUGIN',
      hint: 'Run the command from a terminal, or set exec.interactiveMode to IfAvailable or Never if the plugin can work without one.',
    });
  }
  const interactive = mode !== 'Never' && stdinIsTerminal;

  const execInfo = { kind: 'ExecCredential', apiVersion: exec.apiVersion, spec: { interactive, ...(cluster ? { cluster } : {}) } };
  const childEnv: NodeJS.ProcessEnv = { ...deps.env };
  for (const { name, value } of exec.env) childEnv[name] = value;
  childEnv.KUBERNETES_EXEC_INFO = JSON.stringify(execInfo);

  deps.logger?.log(4, `Running exec credential plugin "${exec.command}" for user "${userName}" (interactive: ${interactive})`);
  const pipeStderr = deps.pluginStderr !== undefined;
  const { stdout, exitCode, signal } = await new Promise<{ stdout: string; exitCode: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    let child;
    try {
      child = spawn(exec.command, exec.args, {
        env: childEnv,
        stdio: [interactive ? 'inherit' : 'ignore', 'pipe', pipeStderr ? 'pipe' : 'inherit'],
      });
    } catch (error) {
      reject(execSpawnError(error, userName, exec));
      return;
    }
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    if (pipeStderr) child.stderr!.on('data', (chunk: Buffer) => deps.pluginStderr!.write(chunk));
    child.on('error', (error) => reject(execSpawnError(error, userName, exec)));
    child.on('close', (exitCode, signal) => resolve({ stdout: Buffer.concat(chunks).toString('utf8'), exitCode, signal }));
  });

  if (exitCode !== 0) {
    throw new ConfigError(
      `getting credentials for user "${userName}": exec plugin "${exec.command}" ${signal ? `was killed by ${signal}` : `failed with exit code ${exitCode}`}`,
      { code: 'EXEC_PLUGIN', hint: "The plugin's own error output, if any, is printed above." },
    );
  }
  return parseExecCredential(stdout, userName, exec);
}

function execSpawnError(error: unknown, userName: string, exec: ExecCredentialConfig): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new ConfigError(`exec plugin "${exec.command}" of user "${userName}" was not found${exec.command.includes('/') ? '' : ' in PATH'}`, {
      code: 'EXEC_PLUGIN_NOT_FOUND',
      hint: exec.installHint !== undefined ? exec.installHint.trim() : PLUGIN_DOCS_HINT,
      cause: error,
    });
  }
  if (code === 'EACCES') {
    return new ConfigError(`exec plugin "${exec.command}" of user "${userName}" is not executable (permission denied)`, { code: 'EXEC_PLUGIN', cause: error });
  }
  return new ConfigError(`unable to run exec plugin "${exec.command}" of user "${userName}": ${(error as Error).message}`, {
    code: 'EXEC_PLUGIN',
    cause: error,
  });
}

function parseExecCredential(stdout: string, userName: string, exec: ExecCredentialConfig): ExecResult {
  const fail = (problem: string, hint?: string) =>
    new ConfigError(`exec plugin "${exec.command}" of user "${userName}" ${problem}`, { code: 'EXEC_PLUGIN', hint });
  let credential: unknown;
  try {
    credential = JSON.parse(stdout);
  } catch {
    // The output may hold a credential: never echo it.
    throw fail('printed something that is not an ExecCredential JSON object', 'The plugin must print a client.authentication.k8s.io ExecCredential on stdout.');
  }
  if (!isPlainObject(credential)) throw fail('printed something that is not an ExecCredential JSON object');
  if (credential.apiVersion !== exec.apiVersion) {
    throw fail(
      `is configured to use API version ${exec.apiVersion}, but the plugin returned version ${String(credential.apiVersion ?? '(none)')}`,
      'Set exec.apiVersion in the kubeconfig to the version the plugin speaks.',
    );
  }
  if (credential.kind !== undefined && credential.kind !== 'ExecCredential') throw fail(`returned kind "${String(credential.kind)}" instead of ExecCredential`);
  const status = credential.status;
  if (!isPlainObject(status)) throw fail("didn't return a status field");

  const token = typeof status.token === 'string' && status.token !== '' ? status.token : undefined;
  const cert = typeof status.clientCertificateData === 'string' && status.clientCertificateData !== '' ? status.clientCertificateData : undefined;
  const key = typeof status.clientKeyData === 'string' && status.clientKeyData !== '' ? status.clientKeyData : undefined;
  if ((cert === undefined) !== (key === undefined)) throw fail('returned only a client certificate or a client key, not both');
  if (token === undefined && cert === undefined) throw fail("didn't return a token or a client certificate and key");

  let expiresAt: number | undefined;
  if (status.expirationTimestamp !== undefined && status.expirationTimestamp !== null) {
    expiresAt = typeof status.expirationTimestamp === 'string' ? Date.parse(status.expirationTimestamp) : Number.NaN;
    if (Number.isNaN(expiresAt)) throw fail('returned an invalid status.expirationTimestamp (want RFC 3339)');
  }
  return { token, cert, key, expiresAt };
}
