// What only a person at a terminal needs: colour and the live lines (spinner, progress bar, one
// line per cluster). Built as its own bundle (dist/tty-ui.cjs) and loaded on demand, so CI runs
// and pipes never read it.
export { Chalk } from 'chalk';
export { createLiveTerminal } from './progress.js';
export { default as stdinDiscarder } from 'stdin-discarder';
