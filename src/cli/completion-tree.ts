// The command tree as shell completion sees it (core/completion.ts), derived from commander's:
// commands, their visible and hidden options (long, short, whether they take a value, choices),
// and the implicit help command. Nothing is declared twice: a new flag or command completes as
// soon as it is registered.

import { type Command, type Option } from 'commander';
import type { CompletionCommand, CompletionOption } from '../core/completion.js';

export function completionTreeOf(command: Command, place: { hidden: boolean; isHelp: boolean } = { hidden: false, isHelp: false }): CompletionCommand {
  const help = command.createHelp();
  const visibleCommands = help.visibleCommands(command);
  const visibleOptions = help.visibleOptions(command);
  // visibleOptions adds the help option and leaves hidden ones out; command.options has those.
  const options = [...new Set([...command.options, ...visibleOptions])];
  // visibleCommands adds the implicit help command and leaves hidden ones (__complete) out.
  const commands = [...new Set([...command.commands, ...visibleCommands])];
  return {
    name: command.name(),
    aliases: command.aliases(),
    description: help.subcommandDescription(command),
    hidden: place.hidden,
    isHelp: place.isHelp,
    options: options.map((option) => completionOptionOf(option, !visibleOptions.includes(option))),
    commands: commands.map((sub) => completionTreeOf(sub, { hidden: !visibleCommands.includes(sub), isHelp: !command.commands.includes(sub) })),
  };
}

function completionOptionOf(option: Option, hidden: boolean): CompletionOption {
  return {
    long: option.long?.replace(/^--/, ''),
    short: option.short?.replace(/^-/, ''),
    description: option.description,
    value: option.required ? 'required' : option.optional ? 'optional' : 'none',
    choices: option.argChoices,
    hidden,
    repeatable: option.variadic,
    mandatory: option.mandatory,
  };
}
