// How a command's action runs: the program hands each action a CommandEnv and keeps its promise,
// so that errors reach the one top-level handler (cli/run.ts).

import type { CommandEnv } from './command-env.js';

export type CommandRunner = (action: (env: CommandEnv) => Promise<void>) => Promise<void>;
