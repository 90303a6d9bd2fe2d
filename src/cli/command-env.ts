// What a command's run function receives: the context, the UI for talk, global settings,
// (lazily) access to clusters, and the interrupt guard.

import type { CliContext, GlobalSettings } from './context.js';
import type { Ui } from './ui.js';
import type { ClusterClient, Kubeconfig } from '../cluster/types.js';

/** How clusters are reached; the default suits a command a person runs. */
export interface AccessOptions {
  /**
   * For shell completion, which runs on every Tab: nothing may prompt or print (exec credential
   * plugins run without the terminal, their stderr and all warnings are discarded), and every
   * request gives up after this many milliseconds.
   */
  silentWithTimeoutMs?: number;
}

export interface ClusterAccess {
  kubeconfig: Kubeconfig;
  /** One client per context (cached); undefined means the kubeconfig's current context. */
  client(context: string | undefined): Promise<ClusterClient>;
  /**
   * A client for a context of another kubeconfig than the user's (the credentials KubeFed stores for
   * a member), made with the same logging and options as the user's clients; one per context.
   */
  clientFor(kubeconfig: Kubeconfig, context: string): Promise<ClusterClient>;
}

/**
 * SIGINT and SIGTERM. Outside protect() a signal ends the process at once (nothing to undo).
 * Inside, the first signal aborts `signal` so the command rolls back and exits 130/143; a second
 * one exits at once and lists what `pending()` says may be left.
 */
export interface Interrupts {
  readonly signal: AbortSignal;
  protect(pending: () => string[]): { release(): void };
}

export interface CommandEnv {
  ctx: CliContext;
  settings: GlobalSettings;
  /** Creates the UI once the command knows whether stdout carries machine output. */
  ui(options?: { machineOutput?: boolean }): Ui;
  /**
   * Loads the kubeconfig (`--kubeconfig`, else KUBECONFIG, else ~/.kube/config) and gives clients.
   * Loading cluster code is deferred to this call so offline paths never pay for it. The first
   * call decides the kubeconfig; later calls (with undefined) get the same access.
   */
  clusterAccess(kubeconfigFlag: string | undefined, options?: AccessOptions): Promise<ClusterAccess>;
  interrupts: Interrupts;
}
