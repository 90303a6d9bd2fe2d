#!/usr/bin/env node
// Completion for the kubectl plugin: kubectl (1.26+) runs kubectl_complete-kubefed from PATH with
// the plugin's arguments and the word being completed, and reads Cobra's protocol back; that is
// `kubefedctl __complete <arguments>`.
process.argv.splice(2, 0, '__complete');
await import('./kubefedctl.js');
