// The entry of dist/cluster-commands.cjs: the commands that talk to clusters, and the cluster
// access they share, apart from main.cjs (which --help, version and offline federate load alone).
// Each function loads its module on first call, so a command evaluates only what it runs
// (enable --offline never loads the HTTPS stack).

type Run<K extends string, M extends Record<K, (...args: never[]) => unknown>> = (...args: Parameters<M[K]>) => ReturnType<M[K]>;

export const runJoin: Run<'runJoin', typeof import('./join.js')> = async (...args) => (await import('./join.js')).runJoin(...args);
export const runUnjoin: Run<'runUnjoin', typeof import('./unjoin.js')> = async (...args) => (await import('./unjoin.js')).runUnjoin(...args);
export const runRotateCredentials: Run<'runRotateCredentials', typeof import('./rotate-credentials.js')> = async (...args) => (await import('./rotate-credentials.js')).runRotateCredentials(...args);
export const runEnable: Run<'runEnable', typeof import('./enable.js')> = async (...args) => (await import('./enable.js')).runEnable(...args);
export const runDisable: Run<'runDisable', typeof import('./disable.js')> = async (...args) => (await import('./disable.js')).runDisable(...args);
export const runOnlineFederate: Run<'runOnlineFederate', typeof import('./federate-online.js')> = async (...args) => (await import('./federate-online.js')).runOnlineFederate(...args);
export const runPromote: Run<'runPromote', typeof import('./promote.js')> = async (...args) => (await import('./promote.js')).runPromote(...args);
export const runOrphaning: Run<'runOrphaning', typeof import('./orphaning.js')> = async (...args) => (await import('./orphaning.js')).runOrphaning(...args);
export const runGet: Run<'runGet', typeof import('./get.js')> = async (...args) => (await import('./get.js')).runGet(...args);
export const runCutover: Run<'runCutover', typeof import('./migrate-execute.js')> = async (...args) => (await import('./migrate-execute.js')).runCutover(...args);
export const runStatus: Run<'runStatus', typeof import('./status.js')> = async (...args) => (await import('./status.js')).runStatus(...args);
export const runCompletionRequest: Run<'runCompletionRequest', typeof import('./completion.js')> = async (...args) => (await import('./completion.js')).runCompletionRequest(...args);
export const openClusterAccess: Run<'openClusterAccess', typeof import('../cli/cluster-access.js')> = async (...args) => (await import('../cli/cluster-access.js')).openClusterAccess(...args);
