// A top-level command as the program knows it before it is needed. Root help, suggestions for a
// mistyped command and dispatch need only the header (name, summary, arguments); the options,
// help texts and action are added by `register`, which the program calls only for the command a
// command line runs (cli/program.ts). A start then pays for one command's flags, not every one's.

import type { Command } from 'commander';
import type { CommandRunner } from './runner.js';

export interface CommandDefinition {
  name: string;
  /** The line root help shows. */
  summary: string;
  /** As commander's .argument() takes them: the term (e.g. `[NAME...]`) and its description. */
  arguments?: ReadonlyArray<readonly [term: string, description: string]>;
  /** A group of subcommands (orphaning-deletion, migrate, completion): root help shows no "[options]". */
  group?: true;
  /** Left out of help (the completion protocol's commands). */
  hidden?: true;
  /** Adds the rest to the command the program created from the header. */
  register(command: Command, run: CommandRunner): void;
}
