#!/usr/bin/env node
'use strict';
// The kubectl plugin: kubectl finds kubectl-kubefed on PATH and runs it for `kubectl kubefed ...`
// with the remaining arguments. It is kubefedctl, which takes the name it shows in usage and
// hints ("kubectl kubefed") from this file's name (src/cli/program-name.ts).
require('./kubefedctl.js');
