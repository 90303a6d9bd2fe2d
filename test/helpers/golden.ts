// Compares output with a file under test/golden; UPDATE_GOLDEN=1 rewrites the file instead.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const UPDATING = process.env.UPDATE_GOLDEN === '1';

export function assertGolden(file: string, actual: string, message?: string): void {
  if (UPDATING) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `golden file ${file} is missing; run with UPDATE_GOLDEN=1 to create it`);
  assert.equal(actual, readFileSync(file, 'utf8'), message ?? `output differs from ${file} (UPDATE_GOLDEN=1 rewrites it; review the diff)`);
}

/** Golden file content if it exists (absent optional goldens mean "must be empty"). */
export function readGoldenOr(file: string, fallback: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : fallback;
}
