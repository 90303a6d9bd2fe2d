#!/usr/bin/env node
'use strict';
// Completion for the kubectl plugin: kubectl (1.26+) runs kubectl_complete-kubefed from PATH with
// the plugin's arguments and the word being completed, and reads Cobra's protocol back; that is
// `kubefedctl __complete <arguments>`.
process.argv.splice(2, 0, '__complete');
require('./kubefedctl.js');
