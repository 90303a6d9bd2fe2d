// ClusterClient.watchUntil: list, then watch from the list's resourceVersion, reconnecting when
// the server closes the stream and re-listing when the version has expired, until the caller's
// condition holds or the time is up.

import { TimeoutError } from '../errors.js';
import { isPlainObject, type KubeObject } from '../core/types.js';
import { formatDuration } from '../core/duration.js';
import { CANCELLED, delay, isNetworkError, readBody, type ApiTransport, type RequestSpec } from './transport.js';
import type { WatchEvent } from './types.js';

/** The collection to watch, as the REST client resolved it. */
export interface WatchedCollection {
  /** API path of the collection, e.g. /api/v1/namespaces/x/secrets. */
  path: string;
  /** For messages, e.g. "secrets in namespace x". */
  target: string;
  resource: string;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Lists the whole collection: the initial state, and again after the watched version expired. */
  list(signal: AbortSignal): Promise<{ items: KubeObject[]; resourceVersion: string }>;
}

type WatchOutcome<T> = { kind: 'done'; value: T } | { kind: 'closed'; resourceVersion: string } | { kind: 'expired' };

/** Resolves with the first value other than undefined that `until` returns; TimeoutError after timeoutMs. */
export async function watchUntil<T>(
  transport: ApiTransport,
  collection: WatchedCollection,
  options: { timeoutMs: number; description: string },
  until: (event: WatchEvent) => T | undefined,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(CANCELLED);
      reject(new TimeoutError(`timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.description}`));
    }, options.timeoutMs);
  });
  try {
    return await Promise.race([watchLoop(transport, collection, until, controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    controller.abort(CANCELLED);
  }
}

async function watchLoop<T>(
  transport: ApiTransport,
  collection: WatchedCollection,
  until: (event: WatchEvent) => T | undefined,
  signal: AbortSignal,
): Promise<T> {
  let resourceVersion: string | undefined;
  let connectFailures = 0;
  for (;;) {
    if (signal.aborted) throw signal.reason;
    if (resourceVersion === undefined) {
      const { items, resourceVersion: listedVersion } = await collection.list(signal);
      for (const object of items) {
        const result = until({ type: 'ADDED', object });
        if (result !== undefined) return result;
      }
      resourceVersion = listedVersion;
    }
    const startedAt = Date.now();
    let outcome: WatchOutcome<T>;
    try {
      outcome = await watchOnce(transport, collection, resourceVersion, until, signal);
      connectFailures = 0;
    } catch (error) {
      // A transient network failure while (re)connecting is retried a few times; HTTP errors are final.
      if (signal.aborted || !isNetworkError(error) || ++connectFailures > 3) throw error;
      outcome = { kind: 'closed', resourceVersion };
    }
    if (outcome.kind === 'done') return outcome.value;
    resourceVersion = outcome.kind === 'expired' ? undefined : outcome.resourceVersion;
    // The server may close watches at any time; reconnect, but do not spin if it does so at once.
    if (Date.now() - startedAt < 1000) await delay(connectFailures > 0 ? 1000 * connectFailures : 200, signal);
  }
}

async function watchOnce<T>(
  transport: ApiTransport,
  collection: WatchedCollection,
  resourceVersion: string,
  until: (event: WatchEvent) => T | undefined,
  signal: AbortSignal,
): Promise<WatchOutcome<T>> {
  const spec: RequestSpec = {
    method: 'GET',
    path: collection.path,
    query: {
      watch: '1',
      resourceVersion: resourceVersion === '' ? undefined : resourceVersion,
      allowWatchBookmarks: 'true',
      labelSelector: collection.labelSelector,
      fieldSelector: collection.fieldSelector,
    },
    verb: 'watch',
    target: collection.target,
    resource: collection.resource,
  };
  const exchange = await transport.open(spec, { signal, stream: true });
  const { response } = exchange;
  transport.logResponse(spec, exchange, '');
  if (response.statusCode !== 200) {
    const body = await readBody(response);
    exchange.settle();
    if (response.statusCode === 410) return { kind: 'expired' };
    throw transport.responseError(spec, response.statusCode ?? 0, body.toString('utf8'));
  }
  exchange.settle();

  let currentVersion = resourceVersion;
  return new Promise<WatchOutcome<T>>((resolve, reject) => {
    let buffered = '';
    let finished = false;
    const finish = (outcome: WatchOutcome<T> | Error) => {
      if (finished) return;
      finished = true;
      response.removeAllListeners('data');
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
      if (outcome instanceof Error || outcome.kind !== 'closed') response.destroy();
    };
    const handleLine = (line: string) => {
      if (line.trim() === '') return;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        finish(new TypeError(`watch ${spec.target}: the server sent a line that is not JSON`));
        return;
      }
      if (!isPlainObject(event) || typeof event.type !== 'string' || !isPlainObject(event.object)) return;
      const object = event.object as KubeObject;
      if (event.type === 'ERROR') {
        const status = object as { code?: unknown; reason?: unknown };
        if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') {
          finish({ kind: 'expired' });
          return;
        }
      } else {
        const version = isPlainObject(object.metadata) ? object.metadata.resourceVersion : undefined;
        if (typeof version === 'string' && version !== '') currentVersion = version;
      }
      let result: T | undefined;
      try {
        result = until({ type: event.type as WatchEvent['type'], object });
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (result !== undefined) {
        finish({ kind: 'done', value: result });
      } else if (event.type === 'ERROR') {
        const status = object as { code?: unknown };
        finish(transport.responseError(spec, typeof status.code === 'number' ? status.code : 500, JSON.stringify(object)));
      }
    };
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0 && !finished) {
        handleLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    });
    response.on('end', () => {
      if (!finished && buffered.trim() !== '') handleLine(buffered);
      finish({ kind: 'closed', resourceVersion: currentVersion });
    });
    response.on('error', () => finish({ kind: 'closed', resourceVersion: currentVersion }));
    response.on('close', () => finish({ kind: 'closed', resourceVersion: currentVersion }));
  });
}
