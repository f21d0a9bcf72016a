export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** The column that gives up width when the table is wider than the terminal. */
  flexible?: boolean;
}

export interface TableOptions {
  /** Terminal width; no truncation when undefined (output piped to a file or program). */
  width?: number | undefined;
  /** Colours a cell's text; padding is added outside, so escape codes never skew widths. */
  style?: (text: string, row: number, column: number) => string;
  headerStyle?: (text: string) => string;
}

const GAP = '  ';
const MIN_FLEXIBLE = 12;

function length(text: string): number {
  return [...text].length;
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Pads `styled` (the coloured form of `plain`) to `width`, outside the colour codes. */
function pad(plain: string, styled: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - length(plain)));
  return align === 'right' ? fill + styled : styled + fill;
}

/** A plain-text table: a header row, then one row per item, columns two spaces apart. */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const widths = columns.map((col, i) => Math.max(length(col.header), ...rows.map((r) => length(r[i] ?? ''))));
  if (options.width !== undefined) {
    const total = widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1);
    const flexible = columns.findIndex((c) => c.flexible === true);
    const over = total - options.width;
    if (over > 0 && flexible >= 0) {
      widths[flexible] = Math.max(MIN_FLEXIBLE, (widths[flexible] ?? 0) - over);
    }
  }
  const line = (cells: readonly string[], row: number): string =>
    columns
      .map((col, i) => {
        const width = widths[i] ?? 0;
        const text = truncate(cells[i] ?? '', width);
        const styled = row < 0 ? (options.headerStyle?.(text) ?? text) : (options.style?.(text, row, i) ?? text);
        return pad(text, styled, width, col.align ?? 'left');
      })
      .join(GAP)
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      -1,
    ),
    ...rows.map((r, i) => line(r, i)),
  ].join('\n');
}
