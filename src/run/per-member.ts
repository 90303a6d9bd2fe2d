// join and unjoin of several members: concurrently with a bound, one result line per member in
// the order they were named, each failure on its own (one member's failure never stops another).

import type { CommandEnv } from '../cli/command-env.js';
import type { Spinner, Ui } from '../cli/ui.js';
import { mapWithConcurrency } from '../cluster/applier.js';
import type { MemberIdentity } from '../cli/cluster-identity.js';
import { KubefedctlError, PartialFailureError } from '../errors.js';

/** Members worked on at once: enough to overlap round trips, few enough to keep load and output sane. */
const MEMBER_CONCURRENCY = 4;

/**
 * Runs `work` for each member and prints the lines it returns. With one member its error is
 * thrown as is (and it gets the spinner); with several, failures are collected into one
 * PartialFailureError after every member has run.
 */
export async function runPerMember(
  members: readonly MemberIdentity[],
  words: { doing: string; failedTo: string },
  ui: Ui,
  env: CommandEnv,
  work: (member: MemberIdentity, spinner: Spinner | undefined) => Promise<string>,
): Promise<void> {
  const names = members.map((m) => `"${m.clusterName}"`).join(', ');
  const several = members.length > 1;
  const title = `${words.doing} cluster${several ? 's' : ''} ${names}`;
  const spinner = await ui.spinner(title);
  let done = 0;
  const results = await mapWithConcurrency(members, MEMBER_CONCURRENCY, async (member) => {
    try {
      return { line: await work(member, several ? undefined : spinner) };
    } catch (error) {
      return { error };
    } finally {
      done++;
      if (several) spinner.update(`${title} (${done} of ${members.length} done)`);
    }
  });
  const failures = results.flatMap((r) => ('error' in r ? [r.error] : []));
  if (failures.length > 0) spinner.fail(`${title} failed`);
  else spinner.stop();
  if (!several && failures.length === 1) throw failures[0];
  for (const result of results) if ('line' in result && result.line && !env.settings.quiet) env.ctx.stdout.write(`${result.line}\n`);
  if (failures.length === 0) return;
  for (const failure of failures) if (!(failure instanceof KubefedctlError)) throw failure;
  throw new PartialFailureError(`${failures.length} of ${members.length} clusters could not be ${words.failedTo}`, failures as Error[]);
}
