// Go-style durations, as the Go tool's flags take them ("30s", "2m", "1m30s", "500ms").

import { UsageError } from '../errors.js';

/** Parses a Go-style duration; a bare number means seconds. */
export function parseDuration(flag: string, value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const match of value.matchAll(pattern)) {
    const amount = Number(match[1]);
    const unit = match[2]!;
    total += amount * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit]!;
    consumed += match[0].length;
  }
  if (consumed !== value.length || consumed === 0) {
    throw new UsageError(`invalid duration "${value}" for ${flag}: use a number with a unit, e.g. 30s, 2m or 1m30s`);
  }
  return total;
}

/**
 * A flag that takes an optional timeout (`--wait`, `--wait=2m`): the timeout in ms, or undefined for
 * "do not wait". kubectl users write booleans too (`--wait=false`, `--wait=true`, as Go's flag
 * package reads them), so those words mean off and on (with `defaultTimeout`); bare numbers stay
 * seconds, as for every other duration.
 */
export function parseOptionalTimeout(flag: string, value: string | undefined, defaultTimeout: string): number | undefined {
  if (value === undefined || /^(f|false)$/i.test(value)) return undefined;
  return parseDuration(flag, /^(t|true)$/i.test(value) ? defaultTimeout : value);
}

/** "30s", "1500ms": a duration as the flags take it. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
