// The live lines at a terminal: a spinner, a progress bar, or one line per cluster, drawn at the
// bottom of stderr and redrawn in place. It is the one writer of the terminal while they are
// shown: every write to the command's stderr and (when it is the terminal too) stdout first
// erases the live lines and they come back below it, so a warning never shares a row with a
// spinner frame. Loaded from the tty-ui bundle only at a terminal (ui.ts decides).

import stringWidth from 'string-width';
import type { OutputStream } from './context.js';
import { type Glyphs, RateMeter, fitToWidth, formatElapsed, glyphsFor, progressLine } from './progress-format.js';
import type { Painter, ProgressBar, Spinner, TaskList } from './ui.js';

export interface LiveTerminalOptions {
  stderr: OutputStream;
  stdout: OutputStream;
  /** The terminal's size now (it may change while lines are live). */
  size(): { columns: number; rows: number };
  painter: Painter;
  unicode: boolean;
  /**
   * Keys typed while lines are live: the terminal would echo them into the live line, and an Enter
   * would move the cursor below it, leaving a row the redraw can no longer erase. start() stops the
   * echo and discards what is typed (Ctrl-C still interrupts); stop() gives the keyboard back.
   */
  input?: { start(): void; stop(): void } | undefined;
  /**
   * Node's own stderr stream (process.stderr), when the process has one: Node writes its warnings
   * there ("(node:123) Warning: ..."), beside our stderr, so they too erase the live lines first.
   */
  nodeStderr?: OutputStream | undefined;
}

export interface LiveTerminal {
  spinner(text: string): Spinner;
  progress(title: string, total: number): ProgressBar;
  tasks(title: string, names: readonly string[]): TaskList;
  /** Leaves the live lines marked interrupted and gives the terminal back; true when some were live. */
  restore(): boolean;
}

const CSI = '\u001b[';
const HIDE_CURSOR = `${CSI}?25l`;
const SHOW_CURSOR = `${CSI}?25h`;
const ERASE_DOWN = `${CSI}J`;
// Terminals that know it show a redraw at once instead of half-drawn; the others ignore it.
const SYNC_START = `${CSI}?2026h`;
const SYNC_END = `${CSI}?2026l`;
const FRAME_MS = 80;

/** A piece of a live line: plain text, or text painted after the line is cut to the width. */
type Segment = string | { text: string; paint: (text: string) => string };
type Line = Segment[];

interface View {
  /** `frame` counts the frames drawn so far (the spinner's position). */
  lines(frame: number, now: number, columns: number): Line[];
  /** What stays on screen when the run is interrupted. */
  interrupted(columns: number): Line[];
}

export function createLiveTerminal(options: LiveTerminalOptions): LiveTerminal {
  const region = new Region(options);
  const glyphs = glyphsFor(options.unicode);
  const paint = options.painter;
  return {
    spinner: (text) => spinnerView(region, glyphs, paint, text),
    progress: (title, total) => progressView(region, glyphs, paint, title, total, options.unicode),
    tasks: (title, names) => tasksView(region, glyphs, paint, title, names),
    restore: () => region.restore(true),
  };
}

/** Draws one view at a time at the bottom of the terminal. */
class Region {
  readonly #options: LiveTerminalOptions;
  #view: View | undefined;
  #rows = 0;
  #frame = 0;
  /** Someone wrote part of a line: nothing is drawn until it is ended. */
  #lineOpen = false;
  #timer: NodeJS.Timeout | undefined;
  #unhook: (() => void) | undefined;
  #writeRaw: (text: string) => void;
  readonly #onExit = () => this.restore(false);

  readonly #ellipsis: string;

  constructor(options: LiveTerminalOptions) {
    this.#options = options;
    this.#ellipsis = glyphsFor(options.unicode).ellipsis;
    this.#writeRaw = (text) => void options.stderr.write(text);
  }

  show(view: View): void {
    if (this.#view === undefined) {
      this.#hook();
      this.#options.input?.start();
      this.#writeRaw(HIDE_CURSOR);
      this.#timer = setInterval(() => this.#tick(), FRAME_MS);
      this.#timer.unref();
      process.once('exit', this.#onExit);
    }
    this.#view = view;
    this.#draw();
  }

  get columns(): number {
    return this.#options.size().columns;
  }

  isShowing(view: View): boolean {
    return this.#view === view;
  }

  /** Replaces `view`'s live lines with `lines`, which stay; the terminal is given back. */
  end(view: View, lines: Line[]): void {
    if (this.#view !== view) return;
    this.#erase();
    this.#writeRaw(`${this.#lineOpen ? '\n' : ''}${lines.map((line) => `${render(line, Infinity, '')}\n`).join('')}`);
    this.#lineOpen = false;
    this.#release();
  }

  /** Writes a line above the live lines (through the hooked stream, which erases and redraws). */
  note(text: string): void {
    this.#options.stderr.write(`${text}\n`);
  }

  restore(keepInterrupted: boolean): boolean {
    const view = this.#view;
    if (view === undefined) return false;
    this.end(view, keepInterrupted ? view.interrupted(this.columns) : []);
    return true;
  }

  #hook(): void {
    const streams: OutputStream[] = [
      this.#options.stderr,
      ...(this.#options.stdout.isTTY ? [this.#options.stdout] : []),
      ...(this.#options.nodeStderr ? [this.#options.nodeStderr] : []),
    ];
    const restores = streams.map((stream) => {
      const own = Object.hasOwn(stream, 'write');
      const original = stream.write as (chunk: string | Uint8Array, ...rest: unknown[]) => unknown;
      const write = (text: string) => original.call(stream, text);
      if (stream === this.#options.stderr) this.#writeRaw = (text) => void write(text);
      // Node's own stream is written with an encoding and a callback too: both pass through.
      stream.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
        this.#erase();
        const result = original.call(stream, chunk, ...rest);
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
        if (text.length > 0) this.#setLineOpen(!text.endsWith('\n'));
        // Drawn again at the next frame: a burst of lines costs one redraw.
        return result;
      };
      return () => {
        if (own) stream.write = original;
        else delete (stream as Partial<OutputStream>).write;
      };
    });
    this.#unhook = () => {
      for (const restore of restores) restore();
      this.#writeRaw = (text) => void this.#options.stderr.write(text);
    };
  }

  #release(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    process.off('exit', this.#onExit);
    this.#writeRaw(SHOW_CURSOR);
    this.#options.input?.stop();
    this.#unhook?.();
    this.#unhook = undefined;
    this.#view = undefined;
    this.#rows = 0;
  }

  /**
   * A line left open is often a prompt (an exec credential plugin asking for a code): the keyboard
   * is given back while it is, and nothing is drawn over it until the line is ended.
   */
  #setLineOpen(open: boolean): void {
    if (open === this.#lineOpen) return;
    this.#lineOpen = open;
    if (open) this.#options.input?.stop();
    else this.#options.input?.start();
  }

  #tick(): void {
    this.#frame++;
    if (!this.#lineOpen) this.#draw();
  }

  #draw(): void {
    const view = this.#view;
    if (view === undefined) return;
    const { columns, rows } = this.#options.size();
    let lines = view.lines(this.#frame, Date.now(), columns);
    // Lines that scrolled off the top could not be erased: keep them within the screen.
    const room = Math.max(1, rows - 1);
    if (lines.length > room) lines = [...lines.slice(0, room - 1), [`${this.#ellipsis} and ${lines.length - room + 1} more`]];
    // One cell short of the width: a line that fills the last column wraps on some terminals.
    const text = lines.map((line) => render(line, columns - 1, this.#ellipsis)).join('\n');
    const erase = this.#eraseSequence();
    this.#writeRaw(`${SYNC_START}${erase}${this.#lineOpen ? '\n' : ''}${text}${SYNC_END}`);
    this.#setLineOpen(false);
    this.#rows = lines.length;
  }

  #erase(): void {
    if (this.#rows === 0) return;
    this.#writeRaw(this.#eraseSequence());
    this.#rows = 0;
  }

  #eraseSequence(): string {
    if (this.#rows === 0) return '';
    return `\r${this.#rows > 1 ? `${CSI}${this.#rows - 1}A` : ''}${ERASE_DOWN}`;
  }
}

/** A line cut to `width` display cells, then painted. */
function render(line: Line, width: number, ellipsis: string): string {
  let left = width;
  let out = '';
  for (const segment of line) {
    const text = typeof segment === 'string' ? segment : segment.text;
    const fitted = left === Infinity ? text : fitToWidth(text, left, stringWidth, ellipsis);
    left -= stringWidth(fitted);
    out += typeof segment === 'string' ? fitted : segment.paint(fitted);
    if (fitted !== text) break;
  }
  return out;
}

function frameOf(glyphs: Glyphs, frame: number): string {
  return glyphs.frames[frame % glyphs.frames.length]!;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}

function spinnerView(region: Region, glyphs: Glyphs, paint: Painter, initial: string): Spinner {
  let text = initial;
  const started = Date.now();
  // How long it has taken, once that is worth saying.
  const elapsed = (now: number): Segment[] => (now - started >= 2000 ? [{ text: ` (${formatElapsed(now - started)})`, paint: paint.dim }] : []);
  const view: View = {
    lines: (frame, now) => [[{ text: frameOf(glyphs, frame), paint: paint.accent }, ` ${text}`, ...elapsed(now)]],
    interrupted: () => [[{ text: glyphs.failure, paint: paint.error }, ` ${text} (interrupted after ${formatElapsed(Date.now() - started)})`]],
  };
  region.show(view);
  return {
    update: (next) => {
      text = firstLine(next);
    },
    note: (line) => {
      if (region.isShowing(view)) region.note(line);
    },
    succeed: (done) => region.end(view, [[{ text: glyphs.success, paint: paint.success }, ` ${done}`, ...elapsed(Date.now())]]),
    fail: (failed) => region.end(view, [[{ text: glyphs.failure, paint: paint.error }, ` ${failed}`, ...elapsed(Date.now())]]),
    stop: () => region.end(view, []),
  };
}

function progressView(region: Region, glyphs: Glyphs, paint: Painter, title: string, total: number, unicode: boolean): ProgressBar {
  const started = Date.now();
  const meter = new RateMeter();
  let done = 0;
  let failed = 0;
  meter.sample(started, 0);
  const line = (now: number, columns: number, perSecond = meter.perSecond(now)) =>
    progressLine({ title, done, failed, total, elapsedMs: now - started, perSecond }, columns - 2, unicode);
  const view: View = {
    lines: (frame, now, columns) => [[{ text: frameOf(glyphs, frame), paint: paint.accent }, ` ${line(now, columns)}`]],
    // No rate or time left: nothing more will be done.
    interrupted: (columns) => {
      const suffix = `${glyphs.separator}interrupted after ${formatElapsed(Date.now() - started)}`;
      return [[{ text: glyphs.failure, paint: paint.error }, ` ${line(Date.now(), columns - suffix.length, undefined)}${suffix}`]];
    },
  };
  region.show(view);
  return {
    advance(ok) {
      done++;
      if (!ok) failed++;
      meter.sample(Date.now(), done);
    },
    finish() {
      const columns = region.columns;
      const glyph = failed === 0 ? { text: glyphs.success, paint: paint.success } : { text: glyphs.failure, paint: paint.error };
      region.end(view, [[glyph, ` ${line(Date.now(), columns)}`]]);
    },
  };
}

type TaskState = { state: 'pending' | 'running' | 'done' | 'failed'; detail: string };

function tasksView(region: Region, glyphs: Glyphs, paint: Painter, title: string, names: readonly string[]): TaskList {
  const tasks = new Map<string, TaskState>(names.map((name) => [name, { state: 'pending', detail: 'pending' }]));
  const width = Math.max(...names.map((name) => name.length));
  const taskLines = (frame: number | undefined): Line[] =>
    [...tasks].map(([name, task]) => {
      const glyph =
        task.state === 'done'
          ? { text: glyphs.success, paint: paint.success }
          : task.state === 'failed'
            ? { text: glyphs.failure, paint: paint.error }
            : task.state === 'running' && frame !== undefined
              ? { text: frameOf(glyphs, frame), paint: paint.accent }
              : { text: glyphs.pending, paint: paint.dim };
      return ['  ', glyph, ` ${name.padEnd(width)}  `, task.state === 'pending' ? { text: task.detail, paint: paint.dim } : task.detail];
    });
  const finished = () => [...tasks.values()].filter((task) => task.state === 'done' || task.state === 'failed').length;
  const view: View = {
    lines: (frame) => [[{ text: frameOf(glyphs, frame), paint: paint.accent }, ` ${title} (${finished()} of ${tasks.size} done)`], ...taskLines(frame)],
    interrupted: () => {
      for (const task of tasks.values())
        if (task.state === 'running' || task.state === 'pending') Object.assign(task, { state: 'failed', detail: `interrupted (${task.detail})` });
      return [[{ text: glyphs.failure, paint: paint.error }, ` ${title} (interrupted)`], ...taskLines(undefined)];
    },
  };
  region.show(view);
  const set = (name: string, state: TaskState['state'], detail: string) => {
    const task = tasks.get(name);
    if (task) Object.assign(task, { state, detail: firstLine(detail) });
  };
  return {
    task: (name) => ({
      update: (text) => set(name, 'running', text),
      note: (line) => {
        if (region.isShowing(view)) region.note(line);
      },
      succeed: (text) => set(name, 'done', text),
      fail: (text) => set(name, 'failed', text),
      stop: () => set(name, 'done', 'done'),
    }),
    finish: (ok, summary) =>
      region.end(view, [
        [ok ? { text: glyphs.success, paint: paint.success } : { text: glyphs.failure, paint: paint.error }, ` ${summary}`],
        ...taskLines(undefined),
      ]),
  };
}
