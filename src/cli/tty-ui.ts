// What only a person at a terminal needs: colour and the live lines (spinner, progress bar, one
// line per cluster). Imported lazily, so CI runs and pipes never initialise it.
export { Chalk } from 'chalk';
export { createLiveTerminal } from './progress.js';
export { default as stdinDiscarder } from 'stdin-discarder';
