// Runs the built CLI under a real pseudo-terminal (script(1) from util-linux, as a person's shell
// would) and shows what the screen holds afterwards, by replaying everything it wrote through a
// terminal emulator (@xterm/headless, the engine of VS Code's terminal).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import xterm from '@xterm/headless';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/kubefedctl.js');

export const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

export interface TerminalRun {
  /** Everything written to the terminal, escape sequences included. */
  raw: string;
  code: number | null;
  /** The rows on screen at the end, right-trimmed. */
  screen: string[];
  /** Every row, the scrolled-off ones first, right-trimmed. */
  rows: string[];
  /** The last cursor visibility sequence left it hidden. */
  cursorHidden: boolean;
}

export interface TerminalOptions {
  cols?: number;
  rows?: number;
  /** The whole environment of the CLI (nothing is inherited but PATH). */
  env?: Record<string, string>;
  /** stdout goes to this file instead of the terminal (stderr stays on it). */
  stdoutFile?: string;
  /** Options for node itself, before the CLI's path (e.g. --require a recorder). */
  nodeArgs?: readonly string[];
  /** Called with the output so far, each time more arrives; `type` sends keys (e.g. '\x03' for Ctrl-C). */
  onOutput?: (raw: string, type: (keys: string) => void) => void;
  timeoutMs?: number;
  /** A shell command run in the terminal first (e.g. `clear`), as a person would type `clear; kubefedctl ...`. */
  before?: string;
}

function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export async function runInTerminal(args: readonly string[], options: TerminalOptions = {}): Promise<TerminalRun> {
  const cols = options.cols ?? 100;
  const rows = options.rows ?? 30;
  const command = [process.execPath, ...(options.nodeArgs ?? []), BIN, ...args].map(shellWord).join(' ');
  const inner = `stty cols ${cols} rows ${rows}; ${options.before ? `${options.before}; ` : ''}exec ${command}${options.stdoutFile ? ` > ${shellWord(options.stdoutFile)}` : ''}`;
  const child = spawn('script', ['-qefc', inner, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  const type = (keys: string) => void child.stdin.write(keys);
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    raw += chunk;
    options.onOutput?.(raw, type);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  clearTimeout(timer);
  child.stdin.destroy();
  if (stderr) raw += stderr;
  const screen = await emulate(raw, cols, rows);
  const hide = raw.lastIndexOf('\u001b[?25l');
  return { raw, code, ...screen, cursorHidden: hide >= 0 && hide > raw.lastIndexOf('\u001b[?25h') };
}

/**
 * What a terminal of this size shows after `raw` was written to it. `lineDiscipline`: output that
 * did not pass through a pty, whose newlines the terminal driver would have made CR LF.
 */
export async function emulate(
  raw: string,
  cols: number,
  rows: number,
  options: { lineDiscipline?: boolean } = {},
): Promise<{ screen: string[]; rows: string[] }> {
  const terminal = new xterm.Terminal({ cols, rows, scrollback: 100_000, allowProposedApi: true, convertEol: options.lineDiscipline ?? false });
  await new Promise<void>((resolve) => terminal.write(raw, resolve));
  const buffer = terminal.buffer.active;
  const all: string[] = [];
  for (let i = 0; i < buffer.length; i++) all.push(buffer.getLine(i)?.translateToString(true) ?? '');
  terminal.dispose();
  const screen = all.slice(buffer.baseY, buffer.baseY + rows);
  // Trailing empty rows say nothing; keep the screen's text only.
  while (screen.length > 0 && screen[screen.length - 1] === '') screen.pop();
  while (all.length > 0 && all[all.length - 1] === '') all.pop();
  return { screen, rows: all };
}

/** Braille spinner frames (progress.ts): a row holding one is a live line left behind. */
export const SPINNER_FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

/** C0 control characters other than newline and tab, and DEL: none may reach a pipe. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/**
 * The screen as a golden file holds it: timings, rates and ports masked (they change from run to
 * run), the elapsed time a finished spinner line may carry dropped.
 */
export function maskScreen(rows: readonly string[]): string {
  return `${rows
    .map((row) =>
      row
        .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
        .replace(/ \(\d+(?:m\d{2})?s\)$/, '')
        .replace(/\bin \d+(?:m\d{2})?s · (?:[\d,.]+|<0\.1)\/s/, 'in <time> · <rate>/s'),
    )
    .join('\n')}\n`;
}

/** The same command without a terminal: stdout and stderr are pipes. */
export async function runPiped(
  args: readonly string[],
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  return { code, stdout, stderr };
}
