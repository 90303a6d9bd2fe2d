import type { CommandEnv } from '../cli/command-env.js';
import { NotImplementedError } from '../errors.js';

export async function runOrphaningCommand(verb: string, _type: string | undefined, _name: string | undefined, _flags: Record<string, unknown>, _env: CommandEnv): Promise<void> {
  throw new NotImplementedError(`orphaning-deletion ${verb}`);
}
