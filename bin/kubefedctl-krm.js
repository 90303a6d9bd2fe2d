#!/usr/bin/env node
// `kubefedctl federate --krm` under a name of its own, for KRM orchestrators that name an
// executable without arguments (kustomize: `exec: {path: kubefedctl-krm}`; kpt). Extra arguments
// (--placement-clusters, --passthrough-kinds...) are passed on.
process.argv.splice(2, 0, 'federate', '--krm');
await import('./kubefedctl.js');
