#!/usr/bin/env node
'use strict';
// `kubefedctl federate --krm` under a name of its own, for KRM orchestrators that name an
// executable without arguments (kustomize: `exec: {path: kubefedctl-krm}`; kpt). Extra arguments
// (--placement-clusters, --passthrough-kinds...) are passed on.
process.argv.splice(2, 0, 'federate', '--krm');
require('./kubefedctl.js');
