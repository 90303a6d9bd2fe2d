// kubectl's table layout (cli-runtime printers.GetNewTabWriter): cells separated by tabs through a
// Go tabwriter with minwidth 6, padding 3 and spaces, so every column but the last is as wide as
// its widest cell plus three, and at least six. Pure: rows in, text out.

const MIN_WIDTH = 6;
const PADDING = 3;

/** One line per row, the header (if given) first; an empty table (no header, no rows) is "". */
export function renderTable(header: readonly string[] | undefined, rows: ReadonlyArray<readonly string[]>): string {
  const lines = header === undefined ? [...rows] : [header, ...rows];
  if (lines.length === 0) return '';
  const columns = Math.max(...lines.map((line) => line.length));
  const widths: number[] = [];
  for (let column = 0; column < columns - 1; column++) {
    const widest = Math.max(...lines.map((line) => displayWidth(line[column] ?? '')));
    widths.push(Math.max(MIN_WIDTH, widest + PADDING));
  }
  return lines
    .map((line) => line.map((cell, column) => (column < line.length - 1 ? cell + ' '.repeat(widths[column]! - displayWidth(cell)) : cell)).join(''))
    .map((line) => `${line}\n`)
    .join('');
}

/** Go's tabwriter counts runes (UTF-8 code points), not bytes or UTF-16 units. */
function displayWidth(text: string): number {
  return [...text].length;
}
