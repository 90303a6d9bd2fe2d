// kubectl's table layout (cli-runtime printers.GetNewTabWriter): cells separated by tabs through a
// Go tabwriter with minwidth 6, padding 3 and spaces, so every column but the last is as wide as
// its widest cell plus three, and at least six. Other layouts (a plan on stderr) give their own
// minwidth and padding, as tabwriter.NewWriter takes them. Pure: rows in, text out.

/** Go tabwriter's minwidth and padding. */
export interface TableLayout {
  minWidth: number;
  padding: number;
}

const KUBECTL_LAYOUT: TableLayout = { minWidth: 6, padding: 3 };

/** One line per row, the header (if given) first; an empty table (no header, no rows) is "". */
export function renderTable(header: readonly string[] | undefined, rows: ReadonlyArray<readonly string[]>, layout: TableLayout = KUBECTL_LAYOUT): string {
  const lines = header === undefined ? [...rows] : [header, ...rows];
  if (lines.length === 0) return '';
  const columns = Math.max(...lines.map((line) => line.length));
  const widths: number[] = [];
  for (let column = 0; column < columns - 1; column++) {
    const widest = Math.max(...lines.map((line) => displayWidth(line[column] ?? '')));
    widths.push(Math.max(layout.minWidth, widest + layout.padding));
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
