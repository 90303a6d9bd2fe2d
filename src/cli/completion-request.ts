// The hidden commands of Cobra's completion protocol. Their arguments are another command line:
// cli/run.ts passes them on verbatim, and cli/main.ts ends the process as soon as the answer is out.

export const COMPLETION_REQUEST_COMMANDS = ['__complete', '__completeNoDesc'] as const;

export function isCompletionRequest(argv: readonly string[]): boolean {
  return (COMPLETION_REQUEST_COMMANDS as readonly string[]).includes(argv[0] ?? '');
}
