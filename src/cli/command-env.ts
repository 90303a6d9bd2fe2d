// What a command's run function receives: the context, the UI for talk, global settings, and
// (lazily) access to clusters.

import type { CliContext, GlobalSettings } from './context.js';
import type { Ui } from './ui.js';
import type { ClusterClient, Kubeconfig } from '../cluster/types.js';

export interface ClusterAccess {
  kubeconfig: Kubeconfig;
  /** One client per context (cached); undefined means the kubeconfig's current context. */
  client(context: string | undefined): Promise<ClusterClient>;
}

export interface CommandEnv {
  ctx: CliContext;
  settings: GlobalSettings;
  /** Creates the UI once the command knows whether stdout carries machine output. */
  ui(options?: { machineOutput?: boolean }): Ui;
  /**
   * Loads the kubeconfig (`--kubeconfig`, else KUBECONFIG, else ~/.kube/config) and gives clients.
   * Loading cluster code is deferred to this call so offline paths never pay for it.
   */
  clusterAccess(kubeconfigFlag: string | undefined): Promise<ClusterAccess>;
}
