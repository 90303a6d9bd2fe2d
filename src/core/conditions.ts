// What each wait of a plan waits for, and how a timeout is explained. Pure: the applier feeds
// watch events in and reports what these functions say.

import { formatDuration } from './duration.js';
import type { WaitOperation } from './plan.js';
import { type KubeObject, isPlainObject } from './types.js';

export interface WatchedEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionsOf(object: KubeObject | undefined): Condition[] {
  const conditions = isPlainObject(object?.status) ? object.status.conditions : undefined;
  return Array.isArray(conditions)
    ? conditions.filter((c): c is Condition => isPlainObject(c) && typeof c.type === 'string' && typeof c.status === 'string')
    : [];
}

export function isClusterReady(object: KubeObject | undefined): boolean {
  return conditionsOf(object).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The Ready condition's lastTransitionTime: a KubeFed client built after a spec change writes a new one. */
export function readyTransitionTime(object: KubeObject | undefined): string | undefined {
  const ready = conditionsOf(object).find((c) => c.type === 'Ready') as { lastTransitionTime?: unknown } | undefined;
  return typeof ready?.lastTransitionTime === 'string' ? ready.lastTransitionTime : undefined;
}

/** True when the event satisfies the wait's condition. */
export function conditionMet(wait: Pick<WaitOperation, 'until' | 'readyTransitionBefore'>, event: WatchedEvent): boolean {
  switch (wait.until) {
    case 'token-issued':
      return event.type !== 'DELETED' && typeof (event.object.data as Record<string, unknown> | undefined)?.token === 'string';
    case 'cluster-ready':
      return event.type !== 'DELETED' && isClusterReady(event.object);
    case 'cluster-ready-anew':
      return event.type !== 'DELETED' && isClusterReady(event.object) && readyTransitionTime(event.object) !== wait.readyTransitionBefore;
    case 'propagation-stopped':
      return event.type === 'DELETED' || (isPlainObject(event.object.status) && event.object.status.propagationController === 'NotRunning');
    case 'deleted':
      return event.type === 'DELETED';
  }
}

/** "Ready=False (ClusterNotReady: ...), Offline=True": the conditions as a person reads them. */
export function describeConditions(object: KubeObject | undefined): string {
  const conditions = conditionsOf(object);
  if (conditions.length === 0) return 'no conditions reported yet';
  return conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`).join(', ');
}

/** The message of a wait that timed out, from the last state seen. */
export function waitTimeoutText(op: WaitOperation, lastSeen: KubeObject | undefined): { message: string; hint?: string } {
  const seconds = formatDuration(op.timeoutMs);
  switch (op.until) {
    case 'cluster-ready':
      return {
        message: `cluster "${op.name}" was joined but KubeFed did not report it Ready within ${seconds}: ${lastSeen ? describeConditions(lastSeen) : 'no conditions reported yet'}${conditionsOf(lastSeen).length === 0 ? ' (is the KubeFed controller running?)' : ''}`,
        hint: "Check that the KubeFed controller can reach the cluster's API endpoint (see --api-endpoint).",
      };
    case 'cluster-ready-anew':
      return {
        message: `KubeFed did not report cluster "${op.name}" Ready with the new credentials within ${seconds}: ${lastSeen ? describeConditions(lastSeen) : 'no conditions reported yet'}`,
        hint: "The old credentials were kept (not revoked). Check the KubeFed controller's log; once it reports the cluster Ready, run rotate-credentials again to finish (it deletes the old credentials).",
      };
    case 'propagation-stopped':
      // wait.ErrWaitTimeout's text, which the Go tool prints after its own prefix.
      return {
        message: 'timed out waiting for the condition',
        hint: `Is the KubeFed controller manager running (kubectl -n ${op.namespace ?? ''} get pods)? Propagation is disabled already; rerun with a longer --timeout (now ${seconds}) to finish.`,
      };
    default:
      return { message: `timed out after ${seconds} waiting for ${op.description}` };
  }
}
