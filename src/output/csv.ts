import { inert } from './inert.js';

/** A cell: text (from outside, neutralised), or a number or boolean of ours (written as it is). */
export type CsvValue = string | number | boolean | null | undefined;

/** What starts a formula in a spreadsheet (OWASP, "CSV injection"): =, +, -, @, a tab, a carriage return. */
const FORMULA = /^[=+\-@\t\r]/;

/**
 * A text cell as this tool writes it. CSV has no escape of its own, and this file is opened in
 * spreadsheets and printed on terminals (`head list.csv`): control, bidirectional and invisible
 * characters are shown as the tables show them (`\x1b`, `\u202e`: --json keeps the exact text),
 * and a text that a spreadsheet would run as a formula (`=HYPERLINK(...)`) gets a leading `'`,
 * which spreadsheets read as "this is text".
 */
export function csvText(text: string): string {
  const shown = inert(text);
  return FORMULA.test(shown) ? `'${shown}` : shown;
}

function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Numbers (project ids, object counts) are ours, and are read back by --ids-from: as they are.
  const text = typeof value === 'string' ? csvText(value) : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 CSV: a header row, then one row per item; quotes only where needed. Every text
 * cell goes through `csvText`; numbers and booleans are written as they are.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}

/**
 * Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). Returns rows of fields.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let value = '';
  let quoted = false;
  let i = 0;
  const input = text.replace(/^\uFEFF/, '');
  while (i < input.length) {
    const ch = input[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          value += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else value += ch;
      i++;
      continue;
    }
    if (ch === '"' && value === '') quoted = true;
    else if (ch === ',') {
      row.push(value);
      value = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(value);
      rows.push(row);
      row = [];
      value = '';
      if (ch === '\r' && input[i + 1] === '\n') i++;
    } else value += ch;
    i++;
  }
  if (quoted) throw new Error('a quoted field is not closed');
  if (value !== '' || row.length > 0) {
    row.push(value);
    rows.push(row);
  }
  return rows;
}
