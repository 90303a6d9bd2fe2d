// Which code scripts/build.mjs bundles apart from main.cjs (imported by the build and by tests).

// Code that most runs never use lives in bundles of its own, which the main bundle requires only
// when it is needed, so that every start reads and parses less (start-up time scales with the
// size of main.cjs and its code cache):
// - ora/chalk and the live-lines code only serve a person at a terminal;
// - hpagent and socks only serve a kubeconfig that names a proxy;
// - preview, migrate and the shell completion scripts only serve those commands;
// - the cluster commands and the cluster layer (kubeconfig, TLS, HTTP/2) serve no offline run.
// A bundle of our own code carries its own copies of the modules it shares with main.cjs; our
// errors are recognised across copies by brand (src/errors.ts), and nothing else is shared by
// identity (commands receive the CommandEnv, whose objects come from main.cjs).
export const APART = [
  { name: 'tty-ui', entry: 'src/cli/tty-ui.ts', specifier: /(^|\/)tty-ui\.js$/ },
  { name: 'proxy-libs', entry: 'src/cluster/proxy-libs.ts', specifier: /(^|\/)proxy-libs\.js$/ },
  { name: 'run-preview-offline', entry: 'src/run/preview-offline.ts', specifier: /\/run\/preview-offline\.js$/ },
  { name: 'run-preview-online', entry: 'src/run/preview-online.ts', specifier: /\/run\/preview-online\.js$/ },
  { name: 'preview-inputs', entry: 'src/core/preview/inputs.ts', specifier: /\/core\/preview\/inputs\.js$/ },
  { name: 'run-migrate', entry: 'src/run/migrate.ts', specifier: /\/run\/migrate\.js$/ },
  // The commands that talk to clusters and the cluster layer (its entry loads each on first call):
  // an import of any of these modules gets the entry's exports (test/unit/bundles.test.ts checks
  // that every name imported from them is one).
  { name: 'cluster-commands', entry: 'src/run/cluster-commands.ts', specifier: /(\/run\/(join|unjoin|enable|disable|federate-online|promote|rotate-credentials|orphaning|migrate-execute|get|status|completion)|(^|\/)cluster-access)\.js$/ },
  { name: 'completion-scripts', entry: 'src/core/completion-scripts.ts', specifier: /\/core\/completion-scripts\.js$/ },
];
