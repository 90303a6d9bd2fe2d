// kubefedctl completion bash|zsh|fish|powershell prints a shell's completion script (Cobra's,
// ported: core/completion-scripts.ts); the hidden __complete and __completeNoDesc answer the
// scripts (and kubectl, for the plugin) with Cobra's protocol (core/completion.ts,
// run/completion.ts). Everything here loads lazily: completion costs --help nothing.

import { type Command, Option } from 'commander';
import { COMPLETION_REQUEST_COMMANDS } from '../cli/completion-request.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';
import type { CompletionCommand } from '../core/completion.js';

export interface CompletionRequestOptions {
  tree: CompletionCommand;
  /** The words after the program name; the last one is being completed. */
  words: string[];
  /** __complete (with descriptions) or __completeNoDesc. */
  noDescriptions: boolean;
}

const SHELLS: ReadonlyArray<{ shell: 'bash' | 'zsh' | 'fish' | 'powershell'; long: (name: string) => string }> = [
  {
    shell: 'bash',
    long: (name) => `Generate the autocompletion script for the bash shell.

This script depends on the 'bash-completion' package.
If it is not installed already, you can install it via your OS's package manager.

To load completions in your current shell session:

	source <(${name} completion bash)

To load completions for every new session, execute once:

#### Linux:

	${name} completion bash > /etc/bash_completion.d/${name}

#### macOS:

	${name} completion bash > $(brew --prefix)/etc/bash_completion.d/${name}

You will need to start a new shell for this setup to take effect.`,
  },
  {
    shell: 'zsh',
    long: (name) => `Generate the autocompletion script for the zsh shell.

If shell completion is not already enabled in your environment you will need
to enable it.  You can execute the following once:

	echo "autoload -U compinit; compinit" >> ~/.zshrc

To load completions in your current shell session:

	source <(${name} completion zsh)

To load completions for every new session, execute once:

#### Linux:

	${name} completion zsh > "\${fpath[1]}/_${name}"

#### macOS:

	${name} completion zsh > $(brew --prefix)/share/zsh/site-functions/_${name}

You will need to start a new shell for this setup to take effect.`,
  },
  {
    shell: 'fish',
    long: (name) => `Generate the autocompletion script for the fish shell.

To load completions in your current shell session:

	${name} completion fish | source

To load completions for every new session, execute once:

	${name} completion fish > ~/.config/fish/completions/${name}.fish

You will need to start a new shell for this setup to take effect.`,
  },
  {
    shell: 'powershell',
    long: (name) => `Generate the autocompletion script for powershell.

To load completions in your current shell session:

	${name} completion powershell | Out-String | Invoke-Expression

To load completions for every new session, add the output of the above command
to your powershell profile.`,
  },
];

/** The scripts complete the command a shell runs: kubefedctl (the kubectl plugin is completed by kubectl itself). */
const SCRIPT_PROGRAM = 'kubefedctl';

export const completionCommand: CommandDefinition = {
  name: 'completion',
  summary: 'Generate the autocompletion script for the specified shell',
  group: true,
  register: registerCompletion,
};

/** Cobra's hidden completion requests; they complete against the whole command tree, which the program registers in full for them. */
export const completionRequestCommands: CommandDefinition[] = COMPLETION_REQUEST_COMMANDS.map((name) => ({
  name,
  summary: 'Request shell completion choices for the specified command-line',
  arguments: [['[command-line...]', '']],
  hidden: true,
  register: (command, run) => registerCompletionRequest(command, run, name),
}));

function registerCompletion(parent: Command, run: CommandRunner): void {
  parent.description(
    `Generate the autocompletion script for ${SCRIPT_PROGRAM} for the specified shell.\nSee each sub-command's help for details on how to use the generated script.`,
  );
  for (const { shell, long } of SHELLS) {
    parent
      .command(shell)
      .summary(`Generate the autocompletion script for ${shell}`)
      .description(long(SCRIPT_PROGRAM))
      .addOption(new Option('--no-descriptions', 'disable completion descriptions'))
      .action((flags: { descriptions?: boolean }) =>
        run(async (env) => {
          const { completionScript } = await import('../core/completion-scripts.js');
          env.ctx.stdout.write(completionScript(shell, SCRIPT_PROGRAM, flags.descriptions !== false));
        }),
      );
  }
  // Like Cobra: without a shell, print help and succeed.
  parent.action(() => run(async () => void parent.outputHelp()));
}

function registerCompletionRequest(command: Command, run: CommandRunner, name: (typeof COMPLETION_REQUEST_COMMANDS)[number]): void {
  command
    .description('Request shell completion choices for the specified command-line')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action((words: string[]) =>
      run(async (env) => {
        const { completionTreeOf } = await import('../cli/completion-tree.js');
        const { runCompletionRequest } = await import('../run/completion.js');
        await runCompletionRequest({ tree: completionTreeOf(command.parent!), words, noDescriptions: name === '__completeNoDesc' }, env);
      }),
    );
}
