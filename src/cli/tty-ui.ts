// What only a person at a terminal needs: spinners and colour. Built as its own bundle
// (dist/tty-ui.cjs) and loaded on demand, so CI runs and pipes never read it.
export { default as ora } from 'ora';
export { Chalk } from 'chalk';
