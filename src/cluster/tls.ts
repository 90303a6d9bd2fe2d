// TLS material named by a kubeconfig context.

import { readFile } from 'node:fs/promises';
import type { ContextInfo } from './types.js';

/** The context's CA bundle as base64 (inline data, or the file's content); undefined when it names none. */
export async function readCaBundle(context: Pick<ContextInfo, 'caData' | 'caFile'>): Promise<string | undefined> {
  if (context.caData) return context.caData;
  if (context.caFile) return (await readFile(context.caFile)).toString('base64');
  return undefined;
}
