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

/**
 * The optional goldens of a case: stderr (absent means empty) and the exit code (absent means 0).
 * UPDATE_GOLDEN=1 writes them only when they say something.
 */
export function assertGoldenStderrAndCode(stderrFile: string, codeFile: string, result: { stderr: string; code: number }): void {
  if (UPDATING) {
    if (result.stderr !== '' || existsSync(stderrFile)) assertGolden(stderrFile, result.stderr);
    if (result.code !== 0 || existsSync(codeFile)) assertGolden(codeFile, `${result.code}\n`);
    return;
  }
  assert.equal(result.stderr, readGoldenOr(stderrFile, ''));
  assert.equal(`${result.code}\n`, readGoldenOr(codeFile, '0\n'));
}
