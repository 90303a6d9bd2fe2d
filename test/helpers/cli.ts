// Runs kubefedctl in-process with captured streams.
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(args: string[], options: { cwd?: string; stdin?: string; env?: NodeJS.ProcessEnv; tty?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (chunk: string) => (stdout += chunk), isTTY: options.tty ?? false },
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: options.tty ?? false },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? { PATH: process.env.PATH },
    cwd: options.cwd ?? process.cwd(),
    homeDir: '/nonexistent-home',
  });
  return { code, stdout, stderr };
}

/** Splits a golden `args` file into argv: whitespace-separated, '…' quotes a word. */
export function parseArgsLine(line: string): string[] {
  const words: string[] = [];
  for (const match of line.trim().matchAll(/'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2]!);
  return words;
}
