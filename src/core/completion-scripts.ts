/*! Completion scripts ported from Cobra v1.10.2 (https://github.com/spf13/cobra).
 * Copyright 2013-2023 The Cobra Authors. @license Apache-2.0 (see NOTICE) */

// The shell scripts of `kubefedctl completion bash|zsh|fish|powershell`: ports of Cobra's
// (spf13/cobra v1.10.2 bash_completionsV2.go, zsh_completions.go, fish_completions.go,
// powershell_completions.go). The templates (completion-scripts/*.ts) are Cobra's, line for
// line, with its fmt.Sprintf verbs; test/golden/completion holds Cobra's own output for
// kubefedctl, and what these functions print must equal it. Each script asks `<program>
// __complete ...` (or `__completeNoDesc`) for candidates: the logic lives in core/completion.ts.

import { DIRECTIVE } from './completion.js';
import { BASH } from './completion-scripts/bash.js';
import { FISH, FISH_HEADER } from './completion-scripts/fish.js';
import { POWERSHELL } from './completion-scripts/powershell.js';
import { ZSH } from './completion-scripts/zsh.js';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** Cobra's activeHelpMarker; kubefedctl sends no ActiveHelp, but the scripts know the marker. */
const ACTIVE_HELP_MARKER = '_activeHelp_ ';

export function completionScript(shell: CompletionShell, programName: string, descriptions: boolean): string {
  const request = descriptions ? '__complete' : '__completeNoDesc';
  const directives = [DIRECTIVE.error, DIRECTIVE.noSpace, DIRECTIVE.noFileComp, DIRECTIVE.filterFileExt, DIRECTIVE.filterDirs, DIRECTIVE.keepOrder];
  // Variables may not contain '-' or ':' (fish, powershell).
  const nameForVar = programName.replaceAll('-', '_').replaceAll(':', '_');
  switch (shell) {
    case 'bash':
      return goSprintf(BASH, [programName, request, ...directives, ACTIVE_HELP_MARKER]);
    case 'zsh':
      return goSprintf(ZSH, [programName, request, ...directives, ACTIVE_HELP_MARKER]);
    case 'fish':
      return goSprintf(FISH_HEADER, [programName]) + goSprintf(FISH, [nameForVar, programName, request, ...directives, activeHelpEnvVar(programName)]);
    case 'powershell':
      return goSprintf(POWERSHELL, [programName, nameForVar, request, ...directives, activeHelpEnvVar(programName)]);
  }
}

/** <PROGRAM>_ACTIVE_HELP, the program name upper-cased with anything but A-Z, 0-9 and _ made _. */
function activeHelpEnvVar(programName: string): string {
  return `${programName}_ACTIVE_HELP`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** The fmt.Sprintf verbs the templates use: %[n]s, %[n]d, %-36[n]s, %-36s, %s, %d and %%. */
function goSprintf(format: string, args: ReadonlyArray<string | number>): string {
  let next = 0;
  return format.replace(/%(-?)(\d*)(?:\[(\d+)\])?([sd%])/g, (_match, left: string, width: string, index: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const position = index === undefined ? next : Number(index) - 1;
    next = position + 1;
    const text = String(args[position]);
    const pad = width === '' ? 0 : Math.max(0, Number(width) - [...text].length);
    return left ? text + ' '.repeat(pad) : ' '.repeat(pad) + text;
  });
}
