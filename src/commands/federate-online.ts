import type { CommandEnv } from '../cli/command-env.js';
import { NotImplementedError } from '../errors.js';
import type { FederateOptions } from './federate.js';

export async function runOnlineFederate(_options: Extract<FederateOptions, { mode: 'online' }>, _env: CommandEnv): Promise<void> {
  throw new NotImplementedError('federate TYPE NAME (from a cluster)');
}
