// What a command's run function receives: the context, the UI for talk, and global settings.

import type { CliContext, GlobalSettings } from './context.js';
import type { Ui } from './ui.js';

export interface CommandEnv {
  ctx: CliContext;
  settings: GlobalSettings;
  /** Creates the UI once the command knows whether stdout carries machine output. */
  ui(options?: { machineOutput?: boolean }): Ui;
}
