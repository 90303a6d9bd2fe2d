// The typed errors of kubefedctl. Anything may throw them; only cli/main.ts renders them
// (renderError in cli/render-error.ts) and turns them into an exit code.

export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** SIGINT (128 + 2), as shells report it. */
  interrupted: 130,
  /** SIGTERM (128 + 15). */
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export interface KubefedctlErrorOptions {
  hint?: string | undefined;
  cause?: unknown;
}

export class KubefedctlError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(code: string, exitCode: ExitCode, message: string, options: KubefedctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Class names do not survive minification; the stable code does.
    this.name = `kubefedctl ${code}`;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Bad or missing arguments, unknown or conflicting flags. Exit 2. */
export class UsageError extends KubefedctlError {
  constructor(message: string, options: KubefedctlErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'USAGE', EXIT_CODES.usage, message, options);
  }
}

/** Several usage problems found at once (validation reports everything before failing). */
export class MultipleUsageErrors extends UsageError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options: KubefedctlErrorOptions = {}) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`, {
      ...options,
      code: 'INVALID_OPTIONS',
    });
    this.problems = problems;
  }
}

/** Kubeconfig unreadable, context not found, credentials plugin failed. Exit 1. */
export class ConfigError extends KubefedctlError {
  constructor(message: string, options: KubefedctlErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'CONFIG', EXIT_CODES.failure, message, options);
  }
}

export interface ManifestLocation {
  /** File path as the user gave it, or "<stdin>". */
  file: string;
  /** 1-based index of the document inside the file (after splitting on ---), if known. */
  document?: number | undefined;
  /** 1-based line of the problem inside the file, if known. */
  line?: number | undefined;
  /** Field path inside the document, e.g. "metadata.name". */
  path?: string | undefined;
}

/** Invalid input manifest. Exit 2. The message names file, document and field. */
export class ManifestError extends KubefedctlError {
  readonly location: ManifestLocation;
  readonly detail: string;
  constructor(location: ManifestLocation, detail: string, options: KubefedctlErrorOptions = {}) {
    super('INVALID_MANIFEST', EXIT_CODES.usage, `${describeLocation(location)}: ${detail}`, options);
    this.location = location;
    this.detail = detail;
  }
}

export function describeLocation(location: ManifestLocation): string {
  let text = `error in "${location.file}"`;
  if (location.document !== undefined) text += ` document ${location.document}`;
  if (location.line !== undefined) text += ` (line ${location.line})`;
  if (location.path !== undefined) text += ` at ${location.path}`;
  return text;
}

export interface ApiErrorDetails {
  /** kubeconfig context of the cluster the request went to. */
  context: string;
  verb: string;
  /** e.g. "serviceaccounts kube-federation-system/cluster2-cluster1" */
  target: string;
  /** HTTP status, 0 for a network/TLS failure. */
  status: number;
  /** Kubernetes Status.reason, e.g. NotFound, AlreadyExists. */
  reason?: string | undefined;
  /** Kubernetes Status.message, or the network error text. */
  serverMessage: string;
}

/** A request to a cluster failed. Exit 1. */
export class ClusterApiError extends KubefedctlError {
  readonly details: ApiErrorDetails;
  constructor(details: ApiErrorDetails, options: KubefedctlErrorOptions & { code?: string } = {}) {
    const prefix = details.status === 0 ? `Unable to reach cluster "${details.context}"` : `Error from server (${details.reason ?? details.status})`;
    super(options.code ?? 'CLUSTER_API', EXIT_CODES.failure, `${prefix}: ${details.serverMessage}`, options);
    this.details = details;
  }
  get status(): number {
    return this.details.status;
  }
}

export class NotFoundError extends ClusterApiError {
  constructor(details: ApiErrorDetails, options: KubefedctlErrorOptions = {}) {
    super(details, { ...options, code: 'NOT_FOUND' });
  }
}

export class AlreadyExistsError extends ClusterApiError {
  constructor(details: ApiErrorDetails, options: KubefedctlErrorOptions = {}) {
    super(details, { ...options, code: 'ALREADY_EXISTS' });
  }
}

export class ConflictError extends ClusterApiError {
  constructor(details: ApiErrorDetails, options: KubefedctlErrorOptions = {}) {
    super(details, { ...options, code: 'CONFLICT' });
  }
}

export class ForbiddenError extends ClusterApiError {
  constructor(details: ApiErrorDetails, options: KubefedctlErrorOptions = {}) {
    super(details, { ...options, code: 'FORBIDDEN' });
  }
}

export class UnauthorizedError extends ClusterApiError {
  constructor(details: ApiErrorDetails, options: KubefedctlErrorOptions = {}) {
    super(details, { ...options, code: 'UNAUTHORIZED' });
  }
}

/** A condition did not become true in time (token, readiness, controller stop). Exit 1. */
export class TimeoutError extends KubefedctlError {
  constructor(message: string, options: KubefedctlErrorOptions = {}) {
    super('TIMEOUT', EXIT_CODES.failure, message, options);
  }
}

/** A precondition of the operation failed (object already exists, control plane missing...). Exit 1. */
export class OperationError extends KubefedctlError {
  constructor(code: string, message: string, options: KubefedctlErrorOptions = {}) {
    super(code, EXIT_CODES.failure, message, options);
  }
}

/** Some of several independent operations failed; one line each. Exit 1. */
export class PartialFailureError extends KubefedctlError {
  readonly failures: readonly Error[];
  constructor(summary: string, failures: readonly Error[], options: KubefedctlErrorOptions = {}) {
    super('PARTIAL_FAILURE', EXIT_CODES.failure, `${summary}:\n  - ${failures.map((f) => f.message).join('\n  - ')}`, options);
    this.failures = failures;
  }
}

/** A bug in kubefedctl. Always rendered with its stack. Exit 1. */
export class InternalError extends KubefedctlError {
  constructor(message: string, options: KubefedctlErrorOptions = {}) {
    super('INTERNAL', EXIT_CODES.failure, message, options);
  }
}

/** The run was stopped by SIGINT or SIGTERM (after rolling back what it could). Exit 130 or 143. */
export class InterruptedError extends KubefedctlError {
  constructor(signal: string, options: KubefedctlErrorOptions = {}) {
    super('INTERRUPTED', signal === 'SIGTERM' ? EXIT_CODES.terminated : EXIT_CODES.interrupted, `interrupted by ${signal}`, options);
  }
}

/**
 * The text client-go's error would have after `errors.Wrap`: the server's own message for an
 * HTTP error (as StatusError prints it), our full message otherwise.
 */
export function goErrorText(error: KubefedctlError): string {
  return error instanceof ClusterApiError && error.details.status !== 0 ? error.details.serverMessage : error.message;
}

/** errors.Wrap(err, prefix): same code, exit code and hint, message "<prefix>: <cause>". */
export function prefixError(error: unknown, prefix: string): unknown {
  if (!(error instanceof KubefedctlError)) return error;
  return new KubefedctlError(error.code, error.exitCode, `${prefix}: ${goErrorText(error)}`, { hint: error.hint, cause: error });
}
