// The `oidc` auth-provider, as client-go's plugin/pkg/client/auth/oidc does it: the id-token is
// sent while it is valid for more than 10 seconds; after that it is refreshed with the refresh-token
// at the token endpoint the issuer's discovery document names, and the new tokens are written back
// to the kubeconfig file that defines the user. Loaded only for users with this auth-provider.
//
// Not @kubernetes/client-node's oidc_auth (openid-client): it writes nothing back, keeps one expiry
// for all users, and has no idp-certificate-authority (docs/dependencies.md).

import { closeSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

import { isPlainObject } from '../core/types.js';
import { parseYamlDocument, toYaml } from '../core/yaml.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { redactText } from '../redact.js';
import { createProxyAgent, resolveProxy } from './proxy.js';
import { readKubeconfigFile } from './tls.js';
import type { ContextInfo, KubeconfigUser } from './types.js';

/** client-go's expiryDelta: a token this close to its expiry is refreshed first. */
const EXPIRY_DELTA_MS = 10_000;
/** client-go sets none; a stuck identity provider should not hang a command forever. */
const IDP_TIMEOUT_MS = 30_000;

const LOGIN_HINT =
  'Log in again with the tool that wrote these tokens (for example "kubectl oidc-login"), or switch the user to an exec credential plugin such as kubelogin.';

export interface OidcDeps {
  /** HTTPS_PROXY / NO_PROXY for the identity provider, as for the API server. */
  env: NodeJS.ProcessEnv;
  logger?: Logger | undefined;
  now?: (() => number) | undefined;
  /** Shared by all clients of a process, so two contexts of one user refresh once. */
  cache?: OidcCache | undefined;
}

export type OidcCache = Map<string, OidcState>;

interface OidcState {
  /** The auth-provider config as last written (or read). Holds secrets: never log it. */
  config: Record<string, string>;
  refreshing?: Promise<string> | undefined;
}

const PROCESS_CACHE: OidcCache = new Map();

export interface OidcTokenSource {
  /** A valid id-token, refreshed (and written back) first when it expires within 10 s. */
  idToken(): Promise<string>;
}

export function createOidcTokenSource(user: KubeconfigUser, deps: OidcDeps): OidcTokenSource {
  const initial = user.authProvider?.config ?? {};
  const issuer = initial['idp-issuer-url'] ?? '';
  const clientId = initial['client-id'] ?? '';
  if (issuer === '') throw oidcConfigError(user, 'idp-issuer-url');
  if (clientId === '') throw oidcConfigError(user, 'client-id');
  if ((initial['extra-scopes'] ?? '') !== '') {
    deps.logger?.log(2, "extra-scopes auth provider field deprecated, refresh request don't send scopes");
  }

  const cache = deps.cache ?? PROCESS_CACHE;
  const key = JSON.stringify([user.origin ?? '', user.name, issuer, clientId]);
  let state = cache.get(key);
  if (state === undefined) {
    state = { config: { ...initial } };
    cache.set(key, state);
  }
  const shared = state;
  const now = deps.now ?? Date.now;

  return {
    async idToken() {
      const current = shared.config['id-token'] ?? '';
      if (current !== '' && idTokenValid(current, now(), user.name)) return current;
      shared.refreshing ??= refresh(user, shared, deps).finally(() => {
        shared.refreshing = undefined;
      });
      return shared.refreshing;
    },
  };
}

function oidcConfigError(user: KubeconfigUser, field: string): ConfigError {
  return new ConfigError(`user "${user.name}" uses the oidc auth-provider without ${field}`, {
    code: 'AUTH_PROVIDER',
    hint: `kubectl refuses this too ("Must provide ${field}"). Add ${field} to the auth-provider config, or log in again to rewrite it.`,
  });
}

/** Whether the JWT's exp is more than 10 s away (client-go's idTokenExpired, which despite its name says "valid"). */
export function idTokenValid(idToken: string, nowMs: number, userName: string): boolean {
  const parts = idToken.split('.');
  if (parts.length !== 3) throw new ConfigError(`the OIDC id-token of user "${userName}" is not a valid JWT`, { code: 'AUTH_PROVIDER', hint: LOGIN_HINT });
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw new ConfigError(`the OIDC id-token of user "${userName}" has claims that are not JSON`, { code: 'AUTH_PROVIDER', hint: LOGIN_HINT });
  }
  const exp = isPlainObject(claims) ? claims.exp : undefined;
  // No exp reads as the zero time in Go: expired.
  if (typeof exp !== 'number') return false;
  return nowMs + EXPIRY_DELTA_MS < exp * 1000;
}

async function refresh(user: KubeconfigUser, state: OidcState, deps: OidcDeps): Promise<string> {
  const config = state.config;
  const refreshToken = config['refresh-token'] ?? '';
  if (refreshToken === '') {
    throw new ConfigError(`user "${user.name}": the OIDC id-token has expired, and there is no refresh-token to renew it`, {
      code: 'AUTH_PROVIDER',
      hint: LOGIN_HINT,
    });
  }
  const idp = await idpClient(config, deps.env, user.name);
  const tokenUrl = await tokenEndpoint(idp, config['idp-issuer-url']!, user.name);
  deps.logger?.log(4, `Refreshing the OIDC id-token of user "${user.name}" at ${tokenUrl}`);
  const secrets = [refreshToken, config['client-secret'] ?? ''].filter((s) => s !== '');
  const answer = await refreshTokenGrant(idp, tokenUrl, config['client-id']!, config['client-secret'] ?? '', refreshToken, user.name, secrets);

  const idToken = answer.id_token;
  if (typeof idToken !== 'string' || idToken === '') {
    throw new ConfigError(
      `refreshing the OIDC id-token of user "${user.name}": the token response did not contain an id_token, either the scope "openid" wasn't requested upon login, or the provider doesn't support id_tokens as part of the refresh response`,
      { code: 'AUTH_PROVIDER', hint: LOGIN_HINT },
    );
  }
  const next: Record<string, string> = { ...config, 'id-token': idToken };
  if (typeof answer.refresh_token === 'string' && answer.refresh_token !== '' && answer.refresh_token !== refreshToken)
    next['refresh-token'] = answer.refresh_token;

  if (user.origin !== undefined) {
    persistAuthProviderConfig(user.origin, user.name, next);
    deps.logger?.log(4, `Wrote the refreshed OIDC tokens of user "${user.name}" to ${user.origin}`);
  }
  state.config = next;
  return idToken;
}

// ---------------------------------------------------------------------------------------------
// HTTP towards the identity provider

interface IdpClient {
  get(url: URL): Promise<HttpAnswer>;
  postForm(url: URL, form: URLSearchParams, headers: Record<string, string>): Promise<HttpAnswer>;
}

interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** The CA is idp-certificate-authority-data, else the idp-certificate-authority file, else the system roots (client-go's TLS config). */
async function idpClient(config: Record<string, string>, env: NodeJS.ProcessEnv, userName: string): Promise<IdpClient> {
  let ca: Buffer | undefined;
  const caData = config['idp-certificate-authority-data'] ?? '';
  const caFile = config['idp-certificate-authority'] ?? '';
  if (caData !== '') ca = Buffer.from(caData, 'base64');
  else if (caFile !== '') ca = readKubeconfigFile(caFile, `idp-certificate-authority "${caFile}" of user "${userName}"`);

  const agents = new Map<string, http.Agent>();
  const agentFor = async (url: URL): Promise<http.Agent> => {
    const cached = agents.get(url.origin);
    if (cached !== undefined) return cached;
    const tlsOptions = url.protocol === 'https:' && ca !== undefined ? { ca } : {};
    const proxyContext = { clusterName: 'identity provider' } as ContextInfo;
    const proxy = resolveProxy(proxyContext, env, url);
    const agent =
      proxy !== undefined ? await createProxyAgent(url, proxy, tlsOptions) : url.protocol === 'https:' ? new https.Agent(tlsOptions) : new http.Agent();
    agents.set(url.origin, agent);
    return agent;
  };

  const send = async (method: 'GET' | 'POST', url: URL, headers: Record<string, string>, body?: string): Promise<HttpAnswer> => {
    const agent = await agentFor(url);
    const module = url.protocol === 'https:' ? https : http;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const request = module.request(url, { method, agent, headers: { Accept: 'application/json', ...headers }, timeout: IDP_TIMEOUT_MS }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${IDP_TIMEOUT_MS / 1000} s`)));
      request.on('error', reject);
      request.end(body);
    });
  };

  return {
    get: (url) => send('GET', url, {}),
    postForm: (url, form, headers) => send('POST', url, { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, form.toString()),
  };
}

function idpError(userName: string, problem: string, cause?: unknown): ConfigError {
  return new ConfigError(`refreshing the OIDC id-token of user "${userName}": ${problem}`, { code: 'AUTH_PROVIDER', hint: LOGIN_HINT, cause });
}

async function tokenEndpoint(idp: IdpClient, issuer: string, userName: string): Promise<URL> {
  const wellKnown = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let url: URL;
  try {
    url = new URL(wellKnown);
  } catch {
    throw idpError(userName, `idp-issuer-url "${issuer}" is not a valid URL`);
  }
  let answer: HttpAnswer;
  try {
    answer = await idp.get(url);
  } catch (error) {
    throw idpError(userName, `cannot reach ${wellKnown}: ${(error as Error).message}`, error);
  }
  if (answer.status !== 200) {
    const body = answer.body.length > 80 ? `${answer.body.slice(0, 80)}...` : answer.body;
    throw idpError(userName, `failed to query metadata endpoint ${wellKnown}: ${answer.status} ${JSON.stringify(redactText(body))}`);
  }
  let metadata: unknown;
  try {
    metadata = JSON.parse(answer.body);
  } catch {
    throw idpError(userName, `the discovery document at ${wellKnown} is not JSON`);
  }
  const endpoint = isPlainObject(metadata) ? metadata.token_endpoint : undefined;
  if (typeof endpoint !== 'string' || endpoint === '') throw idpError(userName, `the discovery document at ${wellKnown} has no token_endpoint`);
  try {
    return new URL(endpoint);
  } catch {
    throw idpError(userName, `the token_endpoint "${endpoint}" of ${wellKnown} is not a valid URL`);
  }
}

interface TokenAnswer {
  id_token?: unknown;
  refresh_token?: unknown;
}

/**
 * The refresh_token grant the way golang.org/x/oauth2 sends it without a configured auth style:
 * the client credentials in an HTTP Basic header first and, if the server answers with an error,
 * once more in the form body.
 */
async function refreshTokenGrant(
  idp: IdpClient,
  tokenUrl: URL,
  clientId: string,
  clientSecret: string,
  refreshToken: string,
  userName: string,
  secrets: string[],
): Promise<TokenAnswer> {
  const form = () => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const attempt = async (inHeader: boolean): Promise<TokenAnswer> => {
    const body = form();
    if (!inHeader) {
      body.set('client_id', clientId);
      if (clientSecret !== '') body.set('client_secret', clientSecret);
    }
    let answer: HttpAnswer;
    try {
      answer = await idp.postForm(tokenUrl, body, inHeader ? { Authorization: `Basic ${basic}` } : {});
    } catch (error) {
      throw idpError(userName, `cannot reach the token endpoint ${tokenUrl.href}: ${(error as Error).message}`, error);
    }
    return parseTokenAnswer(answer, tokenUrl, userName, secrets);
  };
  try {
    return await attempt(true);
  } catch (first) {
    // golang.org/x/oauth2 retries after any error; a refused refresh token is not worth a retry.
    if (first instanceof ConfigError && first.cause instanceof TokenEndpointRefusal && first.cause.error !== 'invalid_grant') return attempt(false);
    throw first;
  }
}

/** The token endpoint answered, but not with tokens (a retry with the credentials in the body may help). */
class TokenEndpointRefusal extends Error {
  readonly error: string | undefined;
  constructor(error?: string) {
    super(error ?? 'no tokens');
    this.error = error;
  }
}

function parseTokenAnswer(answer: HttpAnswer, tokenUrl: URL, userName: string, secrets: string[]): TokenAnswer {
  const mediaType = answer.contentType.split(';')[0]!.trim().toLowerCase();
  let fields: Record<string, unknown> | undefined;
  if (mediaType === 'application/x-www-form-urlencoded' || mediaType === 'text/plain') {
    fields = Object.fromEntries(new URLSearchParams(answer.body));
  } else {
    try {
      const parsed: unknown = JSON.parse(answer.body);
      if (isPlainObject(parsed)) fields = parsed;
    } catch {
      fields = undefined;
    }
  }
  if (answer.status < 200 || answer.status > 299) {
    const code = typeof fields?.error === 'string' ? fields.error : undefined;
    const description = typeof fields?.error_description === 'string' ? `: ${fields.error_description}` : '';
    const detail = code !== undefined ? ` (${scrub(`${code}${description}`, secrets)})` : '';
    throw idpError(userName, `the token endpoint ${tokenUrl.href} answered ${answer.status}${detail}`, new TokenEndpointRefusal(code));
  }
  if (fields === undefined)
    throw idpError(userName, `the token endpoint ${tokenUrl.href} answered with something that is not a token response`, new TokenEndpointRefusal());
  if (typeof fields.access_token !== 'string' || fields.access_token === '') {
    throw idpError(userName, `the token endpoint ${tokenUrl.href} answered without an access_token`, new TokenEndpointRefusal());
  }
  return fields;
}

/** An identity provider's error text, without anything secret it might echo. */
function scrub(text: string, secrets: string[]): string {
  let out = redactText(text);
  for (const secret of secrets) out = out.split(secret).join('REDACTED');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing the tokens back

/**
 * Replaces the auth-provider config of `userName` in `file` with `config`, as kubectl's persister
 * does (clientcmd ModifyConfig): under `<file>.lock`, the whole file written again. The file is
 * replaced atomically and keeps its mode; a symlinked kubeconfig is written where the link points.
 */
export function persistAuthProviderConfig(file: string, userName: string, config: Record<string, string>): void {
  const lock = `${file}.lock`;
  let lockFd: number;
  try {
    lockFd = openSync(lock, 'wx', 0o600);
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new ConfigError(`could not persist new tokens of user "${userName}" to ${file}: ${exists ? `${lock} exists` : (error as Error).message}`, {
      code: 'AUTH_PROVIDER',
      hint: exists ? `Another kubectl or kubefedctl is writing the kubeconfig. If none is running, remove ${lock}.` : undefined,
      cause: error,
    });
  }
  closeSync(lockFd);
  try {
    const target = realpathSync(file);
    const document = parseYamlDocument(readFileSync(target, 'utf8'), file);
    const users = isPlainObject(document) && Array.isArray(document.users) ? document.users : [];
    const entry = users.find((item): item is Record<string, unknown> => isPlainObject(item) && item.name === userName);
    const provider = entry !== undefined && isPlainObject(entry.user) ? entry.user['auth-provider'] : undefined;
    // Like kubectl: only a user that still has an auth-provider there gets the new config.
    if (!isPlainObject(provider)) return;
    provider.config = { ...config };
    const mode = statSync(target).mode & 0o777;
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.kubefedctl-${process.pid}.tmp`);
    try {
      writeFileSync(temporary, toYaml(document), { mode });
      renameSync(temporary, target);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`could not persist new tokens of user "${userName}" to ${file}: ${(error as Error).message}`, {
      code: 'AUTH_PROVIDER',
      cause: error,
    });
  } finally {
    unlinkSync(lock);
  }
}
