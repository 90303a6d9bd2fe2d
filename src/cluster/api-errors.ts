// Translates what came back from an API server (or failed to) into the typed errors of
// src/errors.ts, with kubectl's wording and a hint about what to check.

import { AlreadyExistsError, ClusterApiError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, type ApiErrorDetails } from '../errors.js';
import { formatDuration } from '../core/duration.js';
import { isPlainObject } from '../core/types.js';

export interface KubernetesStatus {
  reason?: string | undefined;
  message?: string | undefined;
  code?: number | undefined;
}

/** The Status object of an error response, if the body is one. */
export function parseStatus(body: string): KubernetesStatus | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed) || parsed.kind !== 'Status') return undefined;
  return {
    reason: typeof parsed.reason === 'string' && parsed.reason !== '' ? parsed.reason : undefined,
    message: typeof parsed.message === 'string' && parsed.message !== '' ? parsed.message : undefined,
    code: typeof parsed.code === 'number' ? parsed.code : undefined,
  };
}

export interface ResponseErrorInput {
  contextName: string;
  verb: string;
  target: string;
  status: number;
  body: string;
  /** What authenticated the request, for the 401 message ("a bearer token", "exec plugin \"aws\""). */
  credentialsDescription: string;
  userName: string;
  /** The context names a user the kubeconfig does not define. */
  userMissing: boolean;
}

/** client-go's wording when the server's answer is not a Status object. */
const GENERIC_MESSAGES: Record<number, { reason: string; message: string }> = {
  400: { reason: 'BadRequest', message: 'the server rejected our request for an unknown reason' },
  401: { reason: 'Unauthorized', message: 'the server has asked for the client to provide credentials' },
  403: { reason: 'Forbidden', message: 'the server does not allow access to the requested resource' },
  404: { reason: 'NotFound', message: 'the server could not find the requested resource' },
  405: { reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' },
  406: { reason: 'NotAcceptable', message: 'the server was unable to respond with a content type that the client supports' },
  409: { reason: 'Conflict', message: 'the server reported a conflict' },
  410: { reason: 'Gone', message: 'the server has asked for the client to re-list the resource' },
  415: { reason: 'UnsupportedMediaType', message: 'the server has rejected the content type of the request' },
  422: { reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
  429: { reason: 'TooManyRequests', message: 'the server has received too many requests and has asked us to try again later' },
  500: { reason: 'InternalError', message: 'an error on the server has prevented the request from succeeding' },
  503: { reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' },
  504: { reason: 'Timeout', message: 'the server was unable to return a response in the time allotted, but may still be processing the request' },
};

export function errorFromResponse(input: ResponseErrorInput): ClusterApiError {
  const status = parseStatus(input.body);
  const generic = GENERIC_MESSAGES[input.status];
  const reason = status?.reason ?? generic?.reason;
  let serverMessage = status?.message ?? generic?.message ?? `the server responded with HTTP ${input.status}`;
  if (status === undefined && input.status >= 500 && input.body.trim() !== '') {
    serverMessage = `an error on the server (${JSON.stringify(truncate(input.body.trim(), 200))}) has prevented the request from succeeding`;
  }
  const details: ApiErrorDetails = {
    context: input.contextName,
    verb: input.verb,
    target: input.target,
    status: input.status,
    reason,
    serverMessage,
  };

  switch (input.status) {
    case 401: {
      details.serverMessage =
        `the API server of context "${input.contextName}" rejected the credentials of user "${input.userName}" ` +
        `(${input.credentialsDescription}): ${serverMessage}`;
      const hint = input.userMissing
        ? `Context "${input.contextName}" names user "${input.userName}", which the kubeconfig does not define, so the request was anonymous.`
        : 'The token or certificate may have expired or been revoked: log in again (or refresh the kubeconfig) and retry.';
      return new UnauthorizedError(details, { hint });
    }
    case 403:
      // Admission refuses new objects in a namespace that is being deleted: not an RBAC problem.
      if (/because it is being terminated/.test(serverMessage)) {
        return new ClusterApiError(details, {
          code: 'NAMESPACE_TERMINATING',
          hint: `The namespace is still being deleted in context "${input.contextName}" (after an unjoin, for example); wait until it is gone (kubectl get namespace) and retry.`,
        });
      }
      return new ForbiddenError(details, {
        hint: `Check the RBAC permissions of user "${input.userName}" on context "${input.contextName}" (kubectl auth can-i ${input.verb} ...).`,
      });
    case 404:
      return new NotFoundError(details);
    case 409:
      return reason === 'AlreadyExists' ? new AlreadyExistsError(details) : new ConflictError(details);
    default:
      return new ClusterApiError(details);
  }
}

export interface NetworkErrorInput {
  contextName: string;
  clusterName: string;
  server: string;
  verb: string;
  target: string;
  method: string;
  url: string;
  error: unknown;
  /** Set when our own per-request timeout fired. */
  timeoutMs?: number | undefined;
  /** The proxy in use, credentials masked. */
  proxy?: string | undefined;
}

const UNKNOWN_AUTHORITY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** A failure before any HTTP status: TCP, DNS, TLS, proxy, timeout. status 0. */
export function errorFromNetworkFailure(input: NetworkErrorInput): ClusterApiError {
  const code = errorCode(input.error);
  const viaProxy = input.proxy !== undefined ? ` via proxy ${input.proxy}` : '';
  let problem: string;
  let hint: string;
  if (input.timeoutMs !== undefined) {
    problem = `no response within ${formatDuration(input.timeoutMs)}`;
    hint = `Check that the API server at ${input.server} is reachable${viaProxy} and responsive; slow clusters may need a longer request timeout.`;
  } else if (code !== undefined && UNKNOWN_AUTHORITY_CODES.has(code)) {
    problem = `x509: certificate signed by unknown authority (${code})`;
    hint =
      `Check certificate-authority / certificate-authority-data of cluster "${input.clusterName}" in the kubeconfig: it must hold the CA that signed ` +
      `the API server's certificate. insecure-skip-tls-verify: true turns the check off (unsafe).`;
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    problem = `x509: certificate is not valid for this host (${messageOf(input.error)})`;
    hint = `Set server to a name the certificate was issued for, or set tls-server-name of cluster "${input.clusterName}" to it.`;
  } else if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    problem = `x509: certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not yet valid'}`;
    hint = "Check this machine's clock and whether the API server's certificates need rotating.";
  } else if (code === 'ECONNREFUSED') {
    problem = 'connection refused';
    hint = `Check that the cluster is running and that server of cluster "${input.clusterName}" (${input.server}) has the right host and port.`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    problem = `no such host (${code})`;
    hint = `Check the host name in server of cluster "${input.clusterName}" (${input.server}) and your DNS.`;
  } else if (code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
    problem = `network unreachable (${code})`;
    hint = `Check the network path to ${input.server} (VPN, firewall, proxy).`;
  } else if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(messageOf(input.error))) {
    problem = `TLS handshake failed (${messageOf(input.error)})`;
    hint = `The server may speak plain HTTP: check the scheme of server of cluster "${input.clusterName}" (${input.server}).`;
  } else if (code === 'EPROXY') {
    problem = messageOf(input.error);
    hint = 'Check proxy-url of the cluster (or HTTPS_PROXY / NO_PROXY in the environment).';
  } else if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(messageOf(input.error))) {
    problem = `connection reset (${code ?? 'socket hang up'})`;
    hint = `The server${viaProxy} closed the connection: check that ${input.server} is a Kubernetes API server and, if it requires client certificates, that the kubeconfig user has one it accepts.`;
  } else {
    problem = messageOf(input.error);
    hint = `Check that the API server at ${input.server} is reachable${viaProxy}.`;
  }
  return new ClusterApiError(
    {
      context: input.contextName,
      verb: input.verb,
      target: input.target,
      status: 0,
      serverMessage: `${input.method} ${input.url}${viaProxy}: ${problem}`,
    },
    { hint, cause: input.error },
  );
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}

/** Network failures that happen before a request is sent: the server cannot have acted on it. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EPROXY',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  ...UNKNOWN_AUTHORITY_CODES,
]);

/**
 * True when a write failed in a way that leaves its outcome unknown: the connection broke or
 * timed out after the request may have reached the server, or the server answered 5xx. The
 * applier then reads the object back instead of assuming the write did not happen.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (!(error instanceof ClusterApiError)) return false;
  if (error.status >= 500) return true;
  if (error.status !== 0) return false;
  const code = errorCode(error.cause);
  return code === undefined || !NOT_SENT_CODES.has(code);
}
