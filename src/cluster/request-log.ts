// kubectl's request logging: -v=6 one line per request (method, URL, status, time), -v=7 the
// request headers, -v=8 response headers and bodies (truncated unless -v=9). Everything that can
// carry a credential goes through src/redact.ts first.

import type { IncomingHttpHeaders } from 'node:http';

import type { Logger } from '../log.js';
import { redactHeaders, redactObject, redactSecretPayload, redactText } from '../redact.js';

const BODY_LOG_LIMIT = 10_240;

export interface LoggedRequest {
  method: string;
  url: string;
  /** The resource the request is about: bodies of `secrets` are redacted whatever their shape. */
  resource?: string | undefined;
}

export interface LoggedResponse {
  status: number;
  statusMessage?: string | undefined;
  headers: IncomingHttpHeaders;
  /** Decoded body, or '' when it was not read (a watch stream). */
  body: string;
  startedAt: number;
}

export class RequestLog {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  request(request: LoggedRequest, headers: Record<string, string | string[]>, payload: Buffer | undefined): void {
    if (!this.#logger.enabled(7)) return;
    this.#logger.log(7, [`${request.method} ${request.url}`, 'Request Headers:', ...headerLines(headers)].join('\n'));
    if (payload !== undefined && this.#logger.enabled(8)) this.#logger.log(8, `Request Body: ${this.#body(payload.toString('utf8'), request.resource)}`);
  }

  response(request: LoggedRequest, response: LoggedResponse): void {
    if (!this.#logger.enabled(6)) return;
    const elapsed = Date.now() - response.startedAt;
    this.#logger.log(
      6,
      `${request.method} ${request.url} ${response.status} ${response.statusMessage ?? ''} in ${elapsed} milliseconds`.replace(/ {2,}/g, ' '),
    );
    if (!this.#logger.enabled(8)) return;
    this.#logger.log(8, ['Response Headers:', ...headerLines(response.headers)].join('\n'));
    if (response.body !== '') this.#logger.log(8, `Response Body: ${this.#body(response.body, request.resource)}`);
  }

  /** A request that got no response; `problem` is a short label such as ECONNREFUSED or timeout. */
  failure(request: LoggedRequest, problem: string, startedAt: number): void {
    this.#logger.log(6, `${request.method} ${request.url} (failed: ${problem}) in ${Date.now() - startedAt} milliseconds`);
  }

  #body(text: string, resource: string | undefined): string {
    let rendered: string;
    try {
      const value: unknown = JSON.parse(text);
      rendered = JSON.stringify(resource === 'secrets' ? redactSecretPayload(value) : redactObject(value));
    } catch {
      rendered = redactText(text);
    }
    if (this.#logger.enabled(9) || rendered.length <= BODY_LOG_LIMIT) return rendered;
    return `${rendered.slice(0, BODY_LOG_LIMIT)} [truncated ${rendered.length - BODY_LOG_LIMIT} chars]`;
  }
}

function headerLines(headers: Record<string, unknown>): string[] {
  return Object.entries(redactHeaders(headers)).map(([name, value]) => `    ${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
}
