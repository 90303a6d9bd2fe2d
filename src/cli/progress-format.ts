// What the live lines at a terminal say, as pure functions of counts and times: the progress bar,
// its rate and time left, and lines cut to the terminal's width (counts: core/count.ts). Only the
// terminal UI (progress.ts, in the tty-ui bundle) and tests import it.

import { formatCount } from '../core/count.js';

/** A short elapsed time or time left: "0s", "16s", "2m05s", "1h02m". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** A rate as a person reads it: "357/s", "4.2/s", "<0.1/s". */
export function formatRate(perSecond: number): string {
  if (perSecond >= 10) return `${formatCount(perSecond)}/s`;
  if (perSecond >= 0.1) return `${perSecond.toFixed(1)}/s`;
  return '<0.1/s';
}

/** What the live lines are drawn with: Unicode where the terminal shows it, plain ASCII elsewhere. */
export interface Glyphs {
  frames: readonly string[];
  success: string;
  failure: string;
  pending: string;
  /** Between the parts of a progress line. */
  separator: string;
  /** Ends a line cut to the width. */
  ellipsis: string;
  barDone: string;
  barTodo: string;
}

const UNICODE_GLYPHS: Glyphs = {
  frames: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
  success: '✔',
  failure: '✖',
  pending: '·',
  separator: ' · ',
  ellipsis: '…',
  barDone: '━',
  barTodo: '─',
};
// Printable ASCII only: the Linux console's and old Windows consoles' fonts lack even √ and ×.
const ASCII_GLYPHS: Glyphs = {
  frames: ['-', '\\', '|', '/'],
  success: '+',
  failure: 'x',
  pending: '.',
  separator: ' - ',
  ellipsis: '...',
  barDone: '#',
  barTodo: '-',
};

export function glyphsFor(unicode: boolean): Glyphs {
  return unicode ? UNICODE_GLYPHS : ASCII_GLYPHS;
}

/** `width` cells, the first `fraction` of them filled. */
export function progressBar(fraction: number, width: number, unicode: boolean): string {
  const glyphs = glyphsFor(unicode);
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  const bar = `${glyphs.barDone.repeat(filled)}${glyphs.barTodo.repeat(width - filled)}`;
  return unicode ? bar : `[${bar}]`;
}

/**
 * Items per second over the last few seconds (a moving window, so a slow start or a stall shows
 * in the rate and the time left instead of being averaged away).
 */
export class RateMeter {
  readonly #windowMs: number;
  readonly #samples: Array<{ at: number; count: number }> = [];

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }

  sample(at: number, count: number): void {
    this.#samples.push({ at, count });
    // Keep one sample older than the window as the baseline.
    while (this.#samples.length > 2 && this.#samples[1]!.at <= at - this.#windowMs) this.#samples.shift();
  }

  /** Undefined until the window holds half a second of samples. */
  perSecond(now: number): number | undefined {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || now - first.at < 500) return undefined;
    return ((last.count - first.count) * 1000) / (now - first.at);
  }
}

export interface ProgressState {
  title: string;
  /** Items finished, successfully or not. */
  done: number;
  failed: number;
  total: number;
  elapsedMs: number;
  perSecond: number | undefined;
}

/**
 * The parts of a progress line: `Federating ━━━━╸──── 45% 4,512/10,001 · 350/s · 16s left · 3 failed`.
 * The bar takes what the rest leaves of `columns`, between 10 and 30 cells (none on a narrow terminal).
 */
export function progressLine(state: ProgressState, columns: number, unicode: boolean): string {
  const fraction = state.total === 0 ? 1 : state.done / state.total;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const counts = `${formatCount(state.done)}/${formatCount(state.total)}`;
  const details: string[] = [];
  if (state.done < state.total) {
    if (state.perSecond !== undefined && state.perSecond > 0) {
      details.push(formatRate(state.perSecond), `${formatElapsed(((state.total - state.done) / state.perSecond) * 1000)} left`);
    }
  } else {
    details.push(`in ${formatElapsed(state.elapsedMs)}`);
    if (state.elapsedMs > 0) details.push(formatRate((state.total * 1000) / state.elapsedMs));
  }
  if (state.failed > 0) details.push(`${formatCount(state.failed)} failed`);
  const { separator } = glyphsFor(unicode);
  const tail = `${percent} ${counts}${details.length > 0 ? `${separator}${details.join(separator)}` : ''}`;
  const room = columns - state.title.length - tail.length - 4;
  const width = Math.min(30, room);
  return width >= 10 ? `${state.title} ${progressBar(fraction, unicode ? width : width - 2, unicode)} ${tail}` : `${state.title} ${tail}`;
}

/** Cuts `text` to `columns` display cells, ending with an ellipsis when cut. */
export function fitToWidth(text: string, columns: number, widthOf: (text: string) => number, ellipsis = '…'): string {
  if (widthOf(text) <= columns) return text;
  const room = columns - widthOf(ellipsis);
  let kept = '';
  let width = 0;
  for (const char of text) {
    const charWidth = widthOf(char);
    if (width + charWidth > room) break;
    kept += char;
    width += charWidth;
  }
  return `${kept}${ellipsis}`;
}
