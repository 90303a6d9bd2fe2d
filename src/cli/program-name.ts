// The name the program goes by: kubefedctl, or `kubectl kubefed` when kubectl runs it as the
// plugin kubectl-kubefed (kubectl finds plugins by file name, so the name comes from argv[1]).

export const DEFAULT_PROGRAM_NAME = 'kubefedctl';

/** kubectl-kubefed → "kubectl kubefed" (a `_` in a plugin file name stands for a `-` in the command); anything else → kubefedctl. */
export function programNameOf(scriptPath: string | undefined): string {
  const base = (scriptPath ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(c?js|mjs|cmd|exe)$/i, '');
  if (!base.startsWith('kubectl-') || base.length === 'kubectl-'.length) return DEFAULT_PROGRAM_NAME;
  return `kubectl ${base
    .slice('kubectl-'.length)
    .split('-')
    .map((word) => word.replaceAll('_', '-'))
    .join(' ')}`;
}

/**
 * Help and error text name commands as `kubefedctl join ...`; under another program name those
 * examples and hints must read `kubectl kubefed join ...`. Only "kubefedctl" followed by one of
 * the program's subcommands or a flag is a command line; other mentions ("the Go kubefedctl") stay.
 */
export function withProgramName(text: string, programName: string, subcommands: readonly string[]): string {
  if (programName === DEFAULT_PROGRAM_NAME) return text;
  const words = subcommands.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return text.replace(new RegExp(`\\bkubefedctl(?= (?:-|(?:${words})\\b))`, 'g'), programName);
}
