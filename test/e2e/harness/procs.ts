// Process and port helpers: detached daemons with logs, pid checks that survive pid reuse,
// SIGTERM-then-SIGKILL stops, free loopback ports, and a listening-port census from /proc/net.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { ProcInfo } from './state.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` until it returns a value other than undefined/false/null, or throws the last error
 * (or a timeout error) after `timeoutMs`. Errors thrown by `fn` count as "not yet".
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs: number,
  opts: { intervalMs?: number; what?: string } = {},
): Promise<Exclude<T, false | null | undefined>> {
  const interval = opts.intervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v as Exclude<T, false | null | undefined>;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) {
      const what = opts.what ?? 'condition';
      const detail = lastErr instanceof Error ? `: ${lastErr.message}` : lastErr !== undefined ? `: ${String(lastErr)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(interval);
  }
}

/** Starts `bin args` detached (own process group), stdout+stderr appended to `log`; the parent does not wait for it. */
export function spawnDaemon(bin: string, args: string[], log: string, env?: NodeJS.ProcessEnv): ProcInfo {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(bin, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: env ?? process.env,
    });
    if (child.pid === undefined) throw new Error(`failed to start ${bin}`);
    child.on('error', () => {});
    child.unref();
    return { pid: child.pid, bin, args, log };
  } finally {
    closeSync(fd);
  }
}

function procCmdline(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((s) => s !== '');
  } catch {
    return null;
  }
}

function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ..." — comm may contain spaces/parens, so split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** True if `pid` is a live (non-zombie) process whose argv[0] is `bin` (when given). */
export function isAlive(pid: number, bin?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  const state = procState(pid);
  if (state === null || state === 'Z' || state === 'X') return false;
  if (bin === undefined) return true;
  const argv = procCmdline(pid);
  return argv !== null && argv[0] === bin;
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL and wait until the process is gone. Only kills if it is still `info.bin`. */
export async function stopProc(info: Pick<ProcInfo, 'pid' | 'bin'>, graceMs = 5000): Promise<void> {
  if (!isAlive(info.pid, info.bin)) return;
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(info.pid, info.bin)) return;
    await sleep(50);
  }
  try {
    process.kill(info.pid, 'SIGKILL');
  } catch {
    return;
  }
  const killDeadline = Date.now() + 5000;
  while (Date.now() < killDeadline) {
    if (!isAlive(info.pid)) return;
    await sleep(50);
  }
  throw new Error(`process ${info.pid} (${info.bin}) survived SIGKILL`);
}

/** Pids of live processes whose command line mentions `needle` (used to find strays of a crashed run under `.e2e/`). */
export function findProcsMentioning(needle: string): Array<{ pid: number; argv: string[] }> {
  const out: Array<{ pid: number; argv: string[] }> = [];
  for (const ent of readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    const pid = Number(ent);
    if (pid === process.pid) continue;
    const argv = procCmdline(pid);
    if (argv === null || argv.length === 0) continue;
    if (argv.some((a) => a.includes(needle)) && isAlive(pid)) out.push({ pid, argv });
  }
  return out;
}

const reservedPorts = new Set<number>();

/** A currently free TCP port on 127.0.0.1 (not handed out before by this process). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr !== null ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (port > 0 && !reservedPorts.has(port)) {
      reservedPorts.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port');
}

/** Ports in LISTEN state (IPv4 and IPv6), from /proc/net/tcp{,6}. */
export function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(f)) continue;
    const lines = readFileSync(f, 'utf8').split('\n').slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue;
      const local = cols[1] ?? '';
      const portHex = local.slice(local.lastIndexOf(':') + 1);
      ports.add(parseInt(portHex, 16));
    }
  }
  return ports;
}

/** Last `n` lines of a log file, for error messages. */
export function tailFile(file: string, n = 30): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    return lines.slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Resident set size of a process in KiB (VmRSS), or 0. */
export function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] !== undefined ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
