// Reads manifest sources named by -f: files, directories (lexical order, -R descends) and stdin.

// Synchronous reads: a one-shot CLI gains nothing from concurrency here, and fs/promises is one
// more internal module to load on the offline federate path.
import { type Dirent, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { UsageError } from './errors.js';
import type { ManifestSource } from './core/manifest.js';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

export interface ReadSourcesOptions {
  recursive: boolean;
  /** Called only when a path is "-": creating process.stdin is not free. */
  stdin: () => Readable;
  cwd: string;
}

export async function readManifestSources(paths: readonly string[], options: ReadSourcesOptions): Promise<ManifestSource[]> {
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('-f - (stdin) may be given only once');
  const sources: ManifestSource[] = [];
  for (const given of paths) {
    if (given === '-') {
      sources.push({ name: '<stdin>', text: await readAll(options.stdin()) });
      continue;
    }
    const absolute = path.resolve(options.cwd, given);
    const info = attempt(given, () => statSync(absolute));
    if (info.isDirectory()) {
      const files = attempt(given, () => listManifestFiles(absolute, options.recursive));
      if (files.length === 0) {
        throw new UsageError(
          `no manifests found in directory "${given}": it has no ${MANIFEST_EXTENSIONS.join(', ')} files${options.recursive ? '' : ' at its top level (use -R to descend into subdirectories)'}`,
        );
      }
      for (const file of files) {
        const shown = path.join(given, path.relative(absolute, file));
        sources.push({ name: shown, text: attempt(shown, () => readFileSync(file, 'utf8')) });
      }
    } else {
      sources.push({ name: given, text: attempt(given, () => readFileSync(absolute, 'utf8')) });
    }
  }
  return sources;
}

function listManifestFiles(directory: string, recursive: boolean): string[] {
  const entries: Dirent[] = readdirSync(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (recursive) files.push(...listManifestFiles(full, true));
    } else if (MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
      files.push(full);
    }
  }
  return files;
}

function attempt<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw unreadable(name, error as NodeJS.ErrnoException);
  }
}

function unreadable(name: string, error: NodeJS.ErrnoException): UsageError {
  const reason =
    error.code === 'ENOENT'
      ? 'no such file or directory'
      : error.code === 'EACCES'
        ? 'permission denied'
        : error.code === 'EISDIR'
          ? 'is a directory'
          : error.message;
  return new UsageError(`cannot read "${name}": ${reason}`, { code: 'UNREADABLE_FILE' });
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
