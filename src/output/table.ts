import stringWidth from 'string-width';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /**
   * How the column gives up width when the table is wider than the terminal: `wrap` goes on
   * under its row, indented to the column (nothing is lost); `truncate` ends with "…" (one
   * line per row). Wrapping columns give up width first. Other columns keep their width.
   */
  shrink?: 'wrap' | 'truncate';
  /** The narrowest a shrinking column gets (default 12). */
  minWidth?: number;
  /**
   * A column that may be left out when the table would not fit otherwise: the lowest rank
   * goes first. Columns without a rank always stay.
   */
  dropRank?: number;
  /**
   * How much of its width a shrinking column is worth dropping other columns for; beyond
   * it, the column is shortened instead (default: all of it).
   */
  maxClaim?: number;
}

/**
 * A line under the row before it whose cell at `span` runs to the end of the line: it is
 * not measured (it never widens its column), and cells after it are not shown.
 */
export interface SpanRow {
  cells: readonly string[];
  span: number;
}

export type Row = readonly string[] | SpanRow;

export interface TableOptions {
  /** Terminal width; nothing is cut when undefined (output piped to a file or program). */
  width?: number | undefined;
  /** Colours a cell's text (row: the index in `rows`); padding is added outside, so escape codes never skew widths. */
  style?: (text: string, row: number, column: number) => string;
  headerStyle?: (text: string) => string;
}

export interface TableLayout {
  text: string;
  /** Headers of the columns left out to fit the width. */
  dropped: string[];
}

const GAP = '  ';
const DEFAULT_MIN = 12;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Printable ASCII: one column a character. */
const PLAIN = /^[\x20-\x7e]*$/;

/** Widths of the texts that are not plain ASCII, measured once each ("none → View"...). */
const measured = new Map<string, number>();
const MEASURED_KEPT = 10_000;

/**
 * Columns on screen: CJK and most emoji take two, combining marks none (string-width). Each
 * text is measured once: string-width segments it into graphemes (Intl.Segmenter), whose
 * memory outside the JS heap added 30 MB to the peak of a 5,000-project plan measured cell
 * by cell. Plain ASCII, most cells, is one column a character.
 */
export function displayWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let width = measured.get(text);
  if (width === undefined) {
    width = stringWidth(text);
    if (measured.size < MEASURED_KEPT) measured.set(text, width);
  }
  return width;
}

/** A cell on one line: control characters (a newline in a title) would break the table. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/** The longest start of `text` that fits `width` columns, and the rest. */
function splitAtWidth(text: string, width: number): [string, string] {
  if (PLAIN.test(text)) {
    // One column a character; at least one moves on, as below.
    const cut = text === '' ? 0 : Math.max(1, width);
    return [text.slice(0, cut), text.slice(cut)];
  }
  let head = '';
  let used = 0;
  let index = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = displayWidth(segment);
    if (used + w > width) break;
    head += segment;
    used += w;
    index += segment.length;
  }
  // A grapheme wider than the whole width (an emoji in a 1-column cell) still moves on.
  if (index === 0 && text !== '') {
    const first = graphemes.segment(text)[Symbol.iterator]().next().value?.segment ?? text;
    return [first, text.slice(first.length)];
  }
  return [head, text.slice(index)];
}

/** `text` shortened to `width` columns, ending with "…" when anything was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 1) return '…'.slice(0, Math.max(0, width));
  return `${splitAtWidth(text, width - 1)[0]}…`;
}

/**
 * `text` in lines of at most `width` columns (`restWidth` after the first), broken at spaces;
 * within a word only when it is longer than a line.
 */
export function wrap(text: string, width: number, restWidth = width): string[] {
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  const room = (): number => (lines.length === 0 ? width : restWidth);
  let line = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= room()) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = word;
    while (displayWidth(rest) > room()) {
      const [head, tail] = splitAtWidth(rest, room());
      lines.push(head);
      rest = tail;
    }
    line = rest;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * A line of prose fitted to a terminal `width` (unchanged without one): continuation lines
 * are indented by `hang` spaces, so that they read as part of the line above.
 */
export function fitLine(text: string, width: number | undefined, hang = 0): string {
  if (width === undefined || displayWidth(text) <= width) return text;
  const lead = /^ */.exec(text)?.[0] ?? '';
  const [first = '', ...rest] = wrap(text.slice(lead.length), width - lead.length, Math.max(DEFAULT_MIN, width - hang));
  return [`${lead}${first}`, ...rest.map((l) => `${' '.repeat(hang)}${l}`)].join('\n');
}

function isSpan(row: Row): row is SpanRow {
  return !Array.isArray(row);
}

/** Pads `styled` (the coloured form of `plain`) to `width`, outside the colour codes. */
function pad(plain: string, styled: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(plain)));
  return align === 'right' ? fill + styled : styled + fill;
}

const total = (widths: readonly number[]): number =>
  widths.reduce((a, b) => a + b, 0) + GAP.length * Math.max(0, widths.length - 1);

/** Which columns stay, and how wide each is, to fit `width` (all, at full width, without one). */
function fit(columns: readonly Column[], natural: readonly number[], width: number | undefined): Map<number, number> {
  const kept = new Map(natural.map((w, i) => [i, w]));
  if (width === undefined) return kept;
  const claim = (i: number): number => {
    const col = columns[i] as Column;
    const w = kept.get(i) ?? 0;
    return col.shrink === undefined ? w : Math.min(w, Math.max(col.maxClaim ?? w, col.minWidth ?? DEFAULT_MIN));
  };
  const droppable = columns
    .map((col, i) => ({ i, rank: col.dropRank }))
    .filter((c): c is { i: number; rank: number } => c.rank !== undefined)
    .sort((a, b) => a.rank - b.rank);
  for (const { i } of droppable) {
    if (total([...kept.keys()].map(claim)) <= width) break;
    kept.delete(i);
  }
  let over = total([...kept.values()]) - width;
  for (const mode of ['wrap', 'truncate'] as const) {
    for (const [i, w] of kept) {
      const col = columns[i] as Column;
      if (over <= 0 || col.shrink !== mode) continue;
      const least = Math.max(col.minWidth ?? DEFAULT_MIN, displayWidth(col.header));
      const narrower = Math.max(Math.min(w, least), w - over);
      over -= w - narrower;
      kept.set(i, narrower);
    }
  }
  return kept;
}

/**
 * A plain-text table: a header row, then each row, columns two spaces apart, measured by
 * their width on screen. Given a terminal width, it drops the columns that may go and
 * shrinks the others as each column says; without one, nothing is cut.
 */
export function layoutTable(columns: readonly Column[], rows: readonly Row[], options: TableOptions = {}): TableLayout {
  const cellsOf = (row: Row): readonly string[] => (isSpan(row) ? row.cells : row).map((c) => clean(c));
  const cleaned = rows.map(cellsOf);
  // A fold, not Math.max(...rows): spreading thousands of rows overflows the call stack.
  const natural = columns.map((col, i) =>
    cleaned.reduce((widest, cells, r) => {
      const row = rows[r] as Row;
      return Math.max(widest, isSpan(row) && i >= row.span ? 0 : displayWidth(cells[i] ?? ''));
    }, displayWidth(col.header)),
  );
  const widths = fit(columns, natural, options.width);
  const shown = [...widths.keys()].sort((a, b) => a - b);

  /** The lines of one row: every cell's lines side by side, short cells padded below. */
  const render = (cells: readonly string[], row: number, span: number | undefined): string[] => {
    const visible = span === undefined ? shown : shown.filter((i) => i <= span);
    const stacks = visible.map((i, k) => {
      const col = columns[i] as Column;
      const text = cells[i] ?? '';
      if (span === i) {
        const from = total(visible.slice(0, k).map((j) => widths.get(j) ?? 0)) + (k > 0 ? GAP.length : 0);
        return options.width === undefined ? [text] : wrap(text, Math.max(DEFAULT_MIN, options.width - from));
      }
      const width = widths.get(i) ?? 0;
      if (row < 0 || displayWidth(text) <= width) return [text];
      return col.shrink === 'wrap' ? wrap(text, width) : [truncate(text, width)];
    });
    const height = stacks.reduce((tallest, s) => Math.max(tallest, s.length), 0);
    const lines: string[] = [];
    for (let l = 0; l < height; l++) {
      const line = visible
        .map((i, k) => {
          const text = stacks[k]?.[l] ?? '';
          const styled =
            text === ''
              ? ''
              : row < 0
                ? (options.headerStyle?.(text) ?? text)
                : (options.style?.(text, row, i) ?? text);
          return span === i ? styled : pad(text, styled, widths.get(i) ?? 0, columns[i]?.align ?? 'left');
        })
        .join(GAP)
        .trimEnd();
      lines.push(line);
    }
    return lines;
  };

  const lines = [
    ...render(
      columns.map((c) => c.header),
      -1,
      undefined,
    ),
  ];
  rows.forEach((row, r) => {
    for (const line of render(cleaned[r] as readonly string[], r, isSpan(row) ? row.span : undefined)) lines.push(line);
  });
  return {
    text: lines.join('\n'),
    dropped: columns.filter((_, i) => !widths.has(i)).map((c) => c.header),
  };
}

/** The table's text alone (see layoutTable). */
export function renderTable(columns: readonly Column[], rows: readonly Row[], options: TableOptions = {}): string {
  return layoutTable(columns, rows, options).text;
}
