import { parseCsv } from '../output/csv.js';
import { InputError, UsageError } from '../errors.js';

/** The most ids a selection may name (ranges included), to catch a typo like 1-99999999. */
export const MAX_SELECTED_IDS = 1_000_000;

export interface IdList {
  /** Ids named one by one: a missing one is reported as "not found". */
  single: number[];
  /** Ids that came from ranges: a missing one is only counted. */
  ranged: number[];
}

export const emptyIdList = (): IdList => ({ single: [], ranged: [] });

function parseId(text: string, where: string): number {
  if (!/^\d+$/.test(text)) {
    throw new UsageError(
      `${where}"${text}" is not a project id: ids are whole numbers such as 101, ranges look like 2001-2010`,
    );
  }
  const id = Number(text);
  if (id === 0) throw new UsageError(`${where}"${text}" is not a project id: ids start at 1`);
  if (!Number.isSafeInteger(id)) throw new UsageError(`${where}"${text}" is not a project id: it is far too large`);
  return id;
}

/**
 * Project ids and ranges as typed: `101`, `2001-2010`, or several separated by commas or
 * spaces (`101,102 200-210`).
 */
export function parseIdTokens(tokens: readonly string[], where = ''): IdList {
  const result = emptyIdList();
  let count = 0;
  for (const typed of tokens) {
    // "," or " , " is a list of unset variables: it must not silently name nothing.
    if (typed.split(/[\s,]+/).every((t) => t === '')) {
      throw new UsageError(
        `${where}${JSON.stringify(typed)} names no project id: give ids or ranges such as 101 or 2001-2010 (an unset variable in a script?)`,
      );
    }
  }
  for (const token of tokens.flatMap((t) => t.split(/[\s,]+/)).filter((t) => t !== '')) {
    const range = /^(\d+)-(\d+)$/.exec(token);
    if (range === null) {
      result.single.push(parseId(token, where));
      count++;
    } else {
      const from = parseId(range[1] as string, where);
      const to = parseId(range[2] as string, where);
      if (from > to) throw new UsageError(`${where}range ${token} is reversed: write ${to}-${from}`);
      count += to - from + 1;
      if (count > MAX_SELECTED_IDS) {
        throw new UsageError(
          `${where}range ${token} names too many ids (at most ${MAX_SELECTED_IDS.toLocaleString('en')} in all)`,
        );
      }
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

/**
 * The ids of an `--ids-from` file: one id (or range) per line, `#` comments and blank lines
 * ignored; or a CSV whose header has a `projid` or `id` column (`projects list --csv`).
 */
export function parseIdsFile(text: string, source: string): IdList {
  const lines = text.split(/\r?\n/);
  const withoutComment = (line: string): string => line.replace(/#.*$/, '').trim();
  const firstLine = lines.map(withoutComment).find((l) => l !== '');
  if (firstLine === undefined) throw new InputError(`${source} names no project id`);
  if (/^[\d\s,-]+$/.test(firstLine)) {
    const result = emptyIdList();
    lines.forEach((line, index) => {
      const content = withoutComment(line);
      if (content === '') return;
      const ids = parseIdTokens([content], `${source} line ${index + 1}: `);
      result.single.push(...ids.single);
      result.ranged.push(...ids.ranged);
    });
    return result;
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
      `${source} has no "projid" or "id" column (its header is: ${(rows[0] ?? []).join(', ')}); give one id per line or a CSV such as \`projects list --csv\``,
    );
  }
  const result = emptyIdList();
  rows.slice(1).forEach((row, index) => {
    if (row.every((cell) => cell.trim() === '')) return;
    const cell = (row[column] ?? '').trim();
    result.single.push(parseId(cell, `${source} row ${index + 2}: `));
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
