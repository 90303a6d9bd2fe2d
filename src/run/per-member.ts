// join and unjoin of several members: concurrently with a bound, one result line per member in
// the order they were named, each failure on its own (one member's failure never stops another).
// At a terminal one member has a spinner, several have one live line each (pending → joining →
// ✔ joined / ✖ failed: reason).

import type { CommandEnv } from '../cli/command-env.js';
import type { Spinner, Ui } from '../cli/ui.js';
import { mapWithConcurrency } from '../cluster/applier.js';
import type { MemberIdentity } from '../cli/cluster-identity.js';
import { KubefedctlError, PartialFailureError } from '../errors.js';
import type { ClusterClient } from '../cluster/types.js';
import { type Operation, planObjects } from '../core/plan.js';
import { printObjects } from '../core/printers.js';
import type { KubeObject } from '../core/types.js';
import { redactObject } from '../redact.js';

/** Members worked on at once: enough to overlap round trips, few enough to keep load and output sane. */
const MEMBER_CONCURRENCY = 4;

/**
 * Runs `work` for each member and prints the lines it returns. With one member its error is
 * thrown as is; with several, failures are collected into one PartialFailureError after every
 * member has run. `work` gets the member's spinner (its live line) to say what it is doing.
 */
export async function runPerMember(
  members: readonly MemberIdentity[],
  words: { doing: string; failedTo: string },
  ui: Ui,
  env: CommandEnv,
  work: (member: MemberIdentity, spinner: Spinner) => Promise<string>,
): Promise<void> {
  const names = members.map((m) => `"${m.clusterName}"`).join(', ');
  const several = members.length > 1;
  const title = `${words.doing} cluster${several ? 's' : ''} ${names}`;
  const results = several ? await runSeveral(members, words, ui, work) : [await runOne(members[0]!, title, ui, work)];
  const failures = results.flatMap((r) => ('error' in r ? [r.error] : []));
  if (!several && failures.length === 1) throw failures[0];
  for (const result of results) if ('line' in result && result.line && !env.settings.quiet) env.ctx.stdout.write(`${result.line}\n`);
  if (failures.length === 0) return;
  for (const failure of failures) if (!(failure instanceof KubefedctlError)) throw failure;
  throw new PartialFailureError(`${failures.length} of ${members.length} clusters could not be ${words.failedTo}`, failures as Error[]);
}

type Result = { line: string } | { error: unknown };

async function runOne(member: MemberIdentity, title: string, ui: Ui, work: (member: MemberIdentity, spinner: Spinner) => Promise<string>): Promise<Result> {
  const spinner = await ui.spinner(title);
  try {
    const line = await work(member, spinner);
    if (line) spinner.succeed(`Cluster "${member.clusterName}": ${outcomeOf(line)}`);
    else spinner.stop();
    return { line };
  } catch (error) {
    spinner.fail(`${title} failed`);
    return { error };
  }
}

async function runSeveral(
  members: readonly MemberIdentity[],
  words: { doing: string; failedTo: string },
  ui: Ui,
  work: (member: MemberIdentity, spinner: Spinner) => Promise<string>,
): Promise<Result[]> {
  const tasks = await ui.tasks(
    `${words.doing} ${members.length} clusters`,
    members.map((m) => m.clusterName),
  );
  const results = await mapWithConcurrency(members, MEMBER_CONCURRENCY, async (member): Promise<Result> => {
    const task = tasks.task(member.clusterName);
    task.update(words.doing.toLowerCase());
    try {
      const line = await work(member, task);
      if (line) task.succeed(outcomeOf(line));
      else task.stop();
      return { line };
    } catch (error) {
      task.fail(`failed: ${error instanceof Error ? error.message : String(error)}`);
      return { error };
    }
  });
  const failed = results.filter((r) => 'error' in r).length;
  const done = words.failedTo.charAt(0).toUpperCase() + words.failedTo.slice(1);
  tasks.finish(failed === 0, `${done} ${members.length - failed} of ${members.length} clusters${failed > 0 ? `; ${failed} failed` : ''}`);
  return results;
}

/** "joined, Ready" of "kubefedcluster.core.kubefed.io/c2 joined, Ready": the result line after its object. */
function outcomeOf(line: string): string {
  return line.slice(line.indexOf(' ') + 1);
}

/** --dry-run -o yaml|json of a member-and-host plan: its objects, each under its cluster's context, tokens redacted. */
export function printPlannedObjects(
  plan: readonly Operation[],
  clients: { member: ClusterClient; host: ClusterClient },
  output: 'yaml' | 'json',
  env: CommandEnv,
): void {
  const contexts = new Map([
    ['member', clients.member.contextName],
    ['host', clients.host.contextName],
  ]);
  env.ctx.stdout.write(
    printObjects(
      planObjects(plan, (role) => contexts.get(role) ?? role).map((o) => redactObject(o) as KubeObject),
      output,
    ),
  );
}
