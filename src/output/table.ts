import stringWidth from 'string-width';
import { inert } from './inert.js';

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

/** The stderr line naming the columns left out to fit, if any ("--json has all" of them). */
export function hiddenColumnsLine(layout: TableLayout): string | undefined {
  return layout.dropped.length > 0 ? `Hidden to fit: ${layout.dropped.join(', ')} (--json has all).` : undefined;
}

const GAP = '  ';
const DEFAULT_MIN = 12;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Printable ASCII: one column a character. */
const PLAIN = /^[\x20-\x7e]*$/;

/** Widths of graphemes and short texts that are not plain ASCII, measured once each ("none → View"...). */
const measured = new Map<string, number>();
const MEASURED_KEPT = 10_000;
/** Longer texts are not kept: measuring them again is linear, keeping them would hold their memory. */
const MEASURED_LONGEST = 256;

/**
 * How much text the grapheme segmenter sees at once. Intl.Segmenter slows down far more than
 * linearly on long texts (a title of 100,000 CJK characters took minutes), so text is
 * segmented window by window: each window's last grapheme may be cut, so it is segmented
 * again at the start of the next window. A grapheme longer than a window (thousands of
 * combining marks) is counted in pieces, which changes nothing: marks take no column.
 */
const WINDOW = 256;

/**
 * Characters that can join a neighbour into one grapheme (Unicode's grapheme cluster rules):
 * marks and other extenders, the zero-width joiner, spacing marks, prepended marks, regional
 * indicators, Hangul jamo, emoji modifiers, CR (of CR LF). In a text without any, each code
 * point is a grapheme of its own, and the segmenter is not needed.
 */
const JOINS =
  /[\p{Grapheme_Extend}\p{Mc}\p{Regional_Indicator}\u200d\r\u0e33\u0eb3\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\p{Emoji_Modifier}\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u0d4e\u{110bd}\u{110cd}\u{111c2}\u{111c3}\u{1193f}\u{11941}\u{11a3a}\u{11a84}-\u{11a89}\u{11d46}\u{11f02}]/u;

/** The graphemes of `text`, in order, in time linear in its length. */
export function* graphemesOf(text: string): Generator<string> {
  if (!JOINS.test(text)) {
    yield* text;
    return;
  }
  let at = 0;
  while (at < text.length) {
    const end = Math.min(text.length, at + WINDOW);
    let consumed = 0;
    let last: string | undefined;
    for (const { segment } of graphemes.segment(text.slice(at, end))) {
      if (last !== undefined) {
        yield last;
        consumed += last.length;
      }
      last = segment;
    }
    // The window's last grapheme may go on past it, unless the text ends there or it is all there is.
    if (last !== undefined && (end === text.length || consumed === 0)) {
      yield last;
      consumed += last.length;
    }
    at += consumed;
  }
}

/** The columns one grapheme (or a short text) takes, measured by string-width once. */
function measure(text: string): number {
  let width = measured.get(text);
  if (width === undefined) {
    width = stringWidth(text);
    if (measured.size < MEASURED_KEPT && text.length <= MEASURED_LONGEST) measured.set(text, width);
  }
  return width;
}

/**
 * The columns `text` takes on screen, or a number above `limit` as soon as it is known to
 * take more: a title is never measured further than a terminal can show. Linear in the
 * part of `text` measured.
 */
export function widthUpTo(text: string, limit: number): number {
  if (PLAIN.test(text)) return text.length;
  if (text.length <= WINDOW) return measure(text);
  let width = 0;
  for (const grapheme of graphemesOf(text)) {
    width += measure(grapheme);
    if (width > limit) return width;
  }
  return width;
}

/**
 * Columns on screen: CJK and most emoji take two, combining marks none (string-width, one
 * grapheme at a time). Each grapheme and short text is measured once: string-width segments
 * text into graphemes (Intl.Segmenter), whose memory outside the JS heap added 30 MB to the
 * peak of a 5,000-project plan measured cell by cell. Plain ASCII, most cells, is one column
 * a character. Linear in the length of `text`.
 */
export function displayWidth(text: string): number {
  return widthUpTo(text, Number.POSITIVE_INFINITY);
}

/**
 * A cell on one line, inert: a control character, an escape sequence, a bidirectional
 * override or an invisible character from outside is shown escaped (`\x1b`, `\u202e`), so
 * it can neither act on the terminal nor break the table.
 */
function clean(text: string): string {
  return inert(text);
}

/** The longest start of `text` that fits `width` columns, and the rest: linear in the start. */
function splitAtWidth(text: string, width: number): [string, string] {
  if (PLAIN.test(text)) {
    // One column a character; at least one moves on, as below.
    const cut = text === '' ? 0 : Math.max(1, width);
    return [text.slice(0, cut), text.slice(cut)];
  }
  let used = 0;
  let index = 0;
  for (const grapheme of graphemesOf(text)) {
    const w = measure(grapheme);
    // A grapheme wider than the whole width (an emoji in a 1-column cell) still moves on.
    if (used + w > width && index > 0) break;
    used += w;
    index += grapheme.length;
  }
  return [text.slice(0, index), text.slice(index)];
}

/** `text` shortened to `width` columns, ending with "…" when anything was cut. */
export function truncate(text: string, width: number): string {
  if (widthUpTo(text, width) <= width) return text;
  if (width <= 1) return '…'.slice(0, Math.max(0, width));
  return `${splitAtWidth(text, width - 1)[0]}…`;
}

/**
 * `text` in lines of at most `width` columns (`restWidth` after the first), broken at spaces;
 * within a word only when it is longer than a line. Each word is measured once: linear in
 * the length of `text`.
 */
export function wrap(text: string, width: number, restWidth = width): string[] {
  if (widthUpTo(text, width) <= width) return [text];
  const lines: string[] = [];
  const room = (): number => (lines.length === 0 ? width : restWidth);
  let line = '';
  let used = 0;
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const w = displayWidth(word);
    if (line !== '' && used + 1 + w <= room()) {
      line = `${line} ${word}`;
      used += 1 + w;
      continue;
    }
    if (line !== '') lines.push(line);
    line = word;
    used = w;
    if (w <= room()) continue;
    // A word longer than a line: cut it, grapheme by grapheme, in one pass.
    line = '';
    used = 0;
    for (const grapheme of graphemesOf(word)) {
      const gw = measure(grapheme);
      if (line !== '' && used + gw > room()) {
        lines.push(line);
        line = '';
        used = 0;
      }
      line += grapheme;
      used += gw;
    }
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
function columnWidths(
  columns: readonly Column[],
  natural: readonly number[],
  width: number | undefined,
): Map<number, number> {
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
  const headers = columns.map((c) => clean(c.header));
  // No cell is measured past the terminal's width: a longer one is cut to it in any case.
  const limit = options.width ?? Number.POSITIVE_INFINITY;
  // A fold, not Math.max(...rows): spreading thousands of rows overflows the call stack.
  const natural = columns.map((_, i) =>
    cleaned.reduce(
      (widest, cells, r) => {
        const row = rows[r] as Row;
        return Math.max(widest, isSpan(row) && i >= row.span ? 0 : widthUpTo(cells[i] ?? '', limit));
      },
      widthUpTo(headers[i] ?? '', limit),
    ),
  );
  const widths = columnWidths(columns, natural, options.width);
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
      if (row < 0 || widthUpTo(text, width) <= width) return [text];
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

  const lines = [...render(headers, -1, undefined)];
  rows.forEach((row, r) => {
    for (const line of render(cleaned[r] as readonly string[], r, isSpan(row) ? row.span : undefined)) lines.push(line);
  });
  return {
    text: lines.join('\n'),
    dropped: headers.filter((_, i) => !widths.has(i)),
  };
}

/** The table's text alone (see layoutTable). */
export function renderTable(columns: readonly Column[], rows: readonly Row[], options: TableOptions = {}): string {
  return layoutTable(columns, rows, options).text;
}
