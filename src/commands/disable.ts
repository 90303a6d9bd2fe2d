import type { CommandEnv } from '../cli/command-env.js';
import { NotImplementedError } from '../errors.js';

export async function runDisableCommand(_n: string | undefined, _f: Record<string, unknown>, _e: CommandEnv): Promise<void> {
  throw new NotImplementedError('disable');
}
