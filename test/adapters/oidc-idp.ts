// A small OpenID Connect provider on 127.0.0.1 for the oidc auth-provider tests: a discovery
// document and a token endpoint that answers the refresh_token grant with unsigned JWTs carrying
// an exp claim (the client only reads exp; the API server, here a fake, would check the rest).

import https from 'node:https';
import type net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { tlsText } from './helpers/fixtures.js';

export interface TokenRequestRecord {
  /** The form fields, as sent. Holds secrets: assert on it, never print it. */
  form: Record<string, string>;
  /** Decoded HTTP Basic credentials, if any. */
  basic?: { id: string; secret: string } | undefined;
}

export interface IdpOptions {
  clientId?: string;
  clientSecret?: string;
  /** Only accept the client credentials in the form body (answer 401 to HTTP Basic). */
  credentialsInBody?: boolean;
  /** Issue a new refresh token with every refresh (rotation). Default true. */
  rotateRefreshTokens?: boolean;
  /** Leave id_token out of the token response. */
  omitIdToken?: boolean;
  /** Lifetime of issued id-tokens in seconds. Default 3600. */
  lifetimeSeconds?: number;
  /** Delay of each token response, to let concurrent callers pile up. */
  delayMs?: number;
}

export interface FakeIdp {
  issuer: string;
  tokenEndpoint: string;
  discoveryRequests: number;
  tokenRequests: TokenRequestRecord[];
  /** Every id-token and refresh token it issued, and the one it accepts now. */
  issued: string[];
  currentRefreshToken: string;
  close(): Promise<void>;
}

/** An unsigned JWT (alg none) whose exp is `exp` (seconds since the epoch). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.unsigned`;
}

export async function startFakeIdp(initialRefreshToken: string, options: IdpOptions = {}): Promise<FakeIdp> {
  const clientId = options.clientId ?? 'kubefedctl';
  const clientSecret = options.clientSecret ?? 'client-secret-value';
  let serial = 0;
  const state = { discoveryRequests: 0, tokenRequests: [] as TokenRequestRecord[], issued: [] as string[], currentRefreshToken: initialRefreshToken };
  const send = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  };
  const server = https.createServer({ cert: tlsText('server.crt'), key: tlsText('server.key') }, (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', issuer);
      if (request.method === 'GET' && url.pathname === '/realms/fleet/.well-known/openid-configuration') {
        state.discoveryRequests += 1;
        send(response, 200, { issuer, token_endpoint: `${origin}/realms/fleet/protocol/openid-connect/token`, jwks_uri: `${origin}/realms/fleet/certs` });
        return;
      }
      if (request.method !== 'POST' || url.pathname !== '/realms/fleet/protocol/openid-connect/token') {
        send(response, 404, { error: 'not_found' });
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const authorization = request.headers.authorization ?? '';
      let basic: TokenRequestRecord['basic'];
      if (authorization.startsWith('Basic ')) {
        const [id = '', secret = ''] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
        basic = { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
      }
      state.tokenRequests.push({ form, basic });
      const credentials = options.credentialsInBody ? { id: form.client_id, secret: form.client_secret } : basic;
      if (credentials === undefined || credentials.id !== clientId || credentials.secret !== clientSecret) {
        send(response, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
        return;
      }
      if (form.grant_type !== 'refresh_token' || form.refresh_token !== state.currentRefreshToken) {
        send(response, 400, { error: 'invalid_grant', error_description: `Token is not active: ${form.refresh_token ?? ''}` });
        return;
      }
      serial += 1;
      const idToken = unsignedJwt({ iss: issuer, sub: 'alice', aud: clientId, exp: Math.floor(Date.now() / 1000) + (options.lifetimeSeconds ?? 3600), serial });
      const body: Record<string, unknown> = { access_token: `access-${serial}`, token_type: 'Bearer', expires_in: 300 };
      if (!options.omitIdToken) body.id_token = idToken;
      state.issued.push(idToken);
      if (options.rotateRefreshTokens !== false) {
        state.currentRefreshToken = `refresh-${serial}-${Math.random().toString(36).slice(2)}`;
        state.issued.push(state.currentRefreshToken);
        body.refresh_token = state.currentRefreshToken;
      }
      setTimeout(() => send(response, 200, body), options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const issuer = `${origin}/realms/fleet`;
  return {
    issuer,
    tokenEndpoint: `${origin}/realms/fleet/protocol/openid-connect/token`,
    get discoveryRequests() {
      return state.discoveryRequests;
    },
    tokenRequests: state.tokenRequests,
    issued: state.issued,
    get currentRefreshToken() {
      return state.currentRefreshToken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
