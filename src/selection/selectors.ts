import { parseCsv } from '../output/csv.js';
import { InputError, UsageError } from '../errors.js';

/**
 * The most ids a selection may name, from every source together (ids and ranges on the line,
 * --ids-from), to catch a typo like 1-99999999 and a runaway file before they take the memory.
 */
export const MAX_SELECTED_IDS = 1_000_000;

/** Counts the ids of one selection, over all its sources, against MAX_SELECTED_IDS. */
export class IdCount {
  private count = 0;

  /** Adds `n` ids; past the bound, `what` (e.g. `range 1-2000000`) is named in the error. */
  add(n: number, where: string, what: string): void {
    this.count += n;
    if (this.count > MAX_SELECTED_IDS) {
      throw new UsageError(
        `${where}${what} names too many ids (at most ${MAX_SELECTED_IDS.toLocaleString('en')} in all): split the selection into several runs`,
      );
    }
  }
}

/** Outside text shown in a message, cut to a length a line can hold. */
function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface IdList {
  /** Ids named one by one: a missing one is reported as "not found". */
  single: number[];
  /** Ids that came from ranges: a missing one is only counted. */
  ranged: number[];
}

export const emptyIdList = (): IdList => ({ single: [], ranged: [] });

function parseId(text: string, where: string): number {
  const shown = `"${clip(text)}"`;
  if (!/^\d+$/.test(text)) {
    throw new UsageError(
      `${where}${shown} is not a project id: ids are whole numbers such as 101, ranges look like 2001-2010`,
    );
  }
  const id = Number(text);
  if (id === 0) throw new UsageError(`${where}${shown} is not a project id: ids start at 1`);
  if (!Number.isSafeInteger(id)) throw new UsageError(`${where}${shown} is not a project id: it is far too large`);
  return id;
}

/**
 * Project ids and ranges as typed: `101`, `2001-2010`, or several separated by commas or
 * spaces (`101,102 200-210`).
 */
export function parseIdTokens(tokens: readonly string[], where = '', count = new IdCount()): IdList {
  const result = emptyIdList();
  for (const typed of tokens) {
    // "," or " , " is a list of unset variables: it must not silently name nothing.
    if (typed.split(/[\s,]+/).every((t) => t === '')) {
      throw new UsageError(
        `${where}${JSON.stringify(clip(typed))} names no project id: give ids or ranges such as 101 or 2001-2010 (an unset variable in a script?)`,
      );
    }
  }
  for (const token of tokens.flatMap((t) => t.split(/[\s,]+/)).filter((t) => t !== '')) {
    const range = /^(\d+)-(\d+)$/.exec(token);
    if (range === null) {
      const id = parseId(token, where);
      count.add(1, where, `id ${id}`);
      result.single.push(id);
    } else {
      const from = parseId(range[1] as string, where);
      const to = parseId(range[2] as string, where);
      if (from > to) throw new UsageError(`${where}range ${token} is reversed: write ${to}-${from}`);
      count.add(to - from + 1, where, `range ${token}`);
      for (let id = from; id <= to; id++) result.ranged.push(id);
    }
  }
  return result;
}

/** Ids as few words as `parseIdTokens` reads back: [1, 2, 3, 5, 8, 9] → "1-3 5 8-9". */
export function formatIdRanges(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const words: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    words.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return words.join(' ');
}

/** The lines of a text, one at a time, without the end-of-line (\n or \r\n), numbered from 1. */
function* linesOf(text: string): Generator<{ line: string; number: number }> {
  let number = 0;
  for (let start = 0; start <= text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    yield { line: line.endsWith('\r') ? line.slice(0, -1) : line, number: ++number };
    start = end + 1;
  }
}

/**
 * The ids of an `--ids-from` file: one id (or range) per line, `#` comments and blank lines
 * ignored; or a CSV whose header has a `projid` or `id` column (`projects list --csv`). Ids
 * count against the selection's bound as they are read (`count`, shared with the other sources).
 */
export function parseIdsFile(text: string, source: string, count = new IdCount()): IdList {
  const withoutComment = (line: string): string => line.replace(/#.*$/, '').trim();
  let firstLine: string | undefined;
  for (const { line } of linesOf(text)) {
    firstLine = withoutComment(line);
    if (firstLine !== '') break;
  }
  if (firstLine === undefined || firstLine === '') throw new InputError(`${source} names no project id`);
  if (/^[\d\s,-]+$/.test(firstLine)) {
    const result = emptyIdList();
    for (const { line, number } of linesOf(text)) {
      const content = withoutComment(line);
      if (content === '') continue;
      const ids = parseIdTokens([content], `${source} line ${number}: `, count);
      // One by one: a spread of a long list overflows the call stack.
      for (const id of ids.single) result.single.push(id);
      for (const id of ids.ranged) result.ranged.push(id);
    }
    return result;
  }
  return parseIdsCsv(text, source, count);
}

function parseIdsCsv(text: string, source: string, count: IdCount): IdList {
  // Each row becomes an array: past a line per id and a header, parsing would only fill memory.
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    if (++lines > MAX_SELECTED_IDS + 1) {
      throw new InputError(
        `${source} has more than ${(MAX_SELECTED_IDS + 1).toLocaleString('en')} lines, and a selection names at most ${MAX_SELECTED_IDS.toLocaleString('en')} ids: split it into several runs`,
      );
    }
  }
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (err) {
    throw new InputError(`${source} is not a valid CSV file: ${(err as Error).message}`);
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const column = header.includes('projid') ? header.indexOf('projid') : header.indexOf('id');
  if (column < 0) {
    throw new InputError(
      `${source} has no "projid" or "id" column (its header is: ${clip((rows[0] ?? []).join(', '), 200)}); give one id per line or a CSV such as \`projects list --csv\``,
    );
  }
  const result = emptyIdList();
  rows.slice(1).forEach((row, index) => {
    if (row.every((cell) => cell.trim() === '')) return;
    const where = `${source} row ${index + 2}: `;
    const id = parseId((row[column] ?? '').trim(), where);
    count.add(1, where, `id ${id}`);
    result.single.push(id);
  });
  if (result.single.length === 0) throw new InputError(`${source} names no project id`);
  return result;
}

export function mergeIdLists(...lists: IdList[]): IdList {
  return { single: lists.flatMap((l) => l.single), ranged: lists.flatMap((l) => l.ranged) };
}

/**
 * A --title or --instrument text made only of wildcards ("%", "_") matches every project:
 * refused, as an empty one is, since nothing may default to every project. `--all` says it.
 */
export function checkFilterText(flag: string, text: string): void {
  if (/^[%_]+$/.test(text)) {
    throw new UsageError(
      `${flag} ${JSON.stringify(text)} matches every project (% and _ are wildcards): give a text to look for, or use --all to mean every project you manage`,
    );
  }
}

// The server's filters, as the client also checks every search answer against them.
export { matchesInstrumentFilter, matchesTitleFilter } from '../api/filters.js';
