import { describe, expect, it } from 'vitest';
import { type CsvValue, csvText, parseCsv, toCsv } from '../../src/output/csv.js';

describe('toCsv', () => {
  it.each([
    ['plain', 'Kiel Fjord', 'Kiel Fjord'],
    ['a comma', 'Kiel, Fjord', '"Kiel, Fjord"'],
    ['quotes', 'the "inner" fjord', '"the ""inner"" fjord"'],
    ['a leading space', ' padded', '" padded"'],
    ['a trailing space', 'padded ', '"padded "'],
    ['a quote in the middle only', 'O"Brien', '"O""Brien"'],
    ['a number', 18422, '18422'],
    ['a boolean', false, 'false'],
    ['null', null, ''],
    ['undefined', undefined, ''],
  ] as [string, CsvValue, string][])('quotes %s only where needed', (_name, value, field) => {
    expect(toCsv(['h'], [[value]])).toBe(`h\n${field}\n`);
  });

  it.each([
    ['=', '=HYPERLINK("https://evil.example","Open")', `"'=HYPERLINK(""https://evil.example"",""Open"")"`],
    ['+', "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"],
    ['-', '-2+3', "'-2+3"],
    ['@', '@SUM(1,2)', `"'@SUM(1,2)"`],
    ['a tab', '\t=1+1', '\\t=1+1'],
    ['a carriage return', '\r=1+1', '\\r=1+1'],
  ])('neutralises a text starting with %s, which a spreadsheet would run as a formula', (_name, value, field) => {
    expect(toCsv(['h'], [[value]])).toBe(`h\n${field}\n`);
  });

  it('never touches numbers (project ids are read back by --ids-from), even negative ones', () => {
    expect(toCsv(['projid', 'delta'], [[101, -5]])).toBe('projid,delta\n101,-5\n');
  });

  it('shows control, bidirectional and invisible characters as the tables do, not as they are', () => {
    expect(csvText('line 1\nline 2')).toBe('line 1\\nline 2');
    expect(csvText('a\rb')).toBe('a\\rb');
    expect(csvText('\u001b[2J\u001b]8;;https://evil.example\u0007x')).toBe(
      '\\x1b[2J\\x1b]8;;https://evil.example\\x07x',
    );
    expect(csvText('\u009b2J \u202eabc \u200bz')).toBe('\\x9b2J \\u202eabc \\u200bz');
    expect(csvText('Eckernförde 东海 🦐 -5 m')).toBe('Eckernförde 东海 🦐 -5 m');
  });

  it('writes a header row and one row per item, newline-terminated', () => {
    expect(
      toCsv(
        ['projid', 'title'],
        [
          [1, 'a'],
          [2, 'b, c'],
        ],
      ),
    ).toBe('projid,title\n1,a\n2,"b, c"\n');
  });
});

describe('parseCsv', () => {
  it('round-trips whatever toCsv writes', () => {
    const rows: string[][] = [
      ['12', 'Kiel, Fjord "inner"', ' lead', 'trail ', ''],
      ['7', 'two, "parts"', 'x', '""', 'plain'],
    ];
    const header = ['projid', 'title', 'a', 'b', 'c'];
    expect(parseCsv(toCsv(header, rows))).toEqual([header, ...rows]);
  });

  it('reads fields with line breaks, as other programs write them', () => {
    expect(parseCsv('projid,title\n1,"two\nlines"\n2,"cr\r\nlf"\n')).toEqual([
      ['projid', 'title'],
      ['1', 'two\nlines'],
      ['2', 'cr\r\nlf'],
    ]);
  });

  it('reads CRLF line ends and a byte order mark', () => {
    expect(parseCsv('\uFEFFprojid,title\r\n1,"a, b"\r\n2,c\r\n')).toEqual([
      ['projid', 'title'],
      ['1', 'a, b'],
      ['2', 'c'],
    ]);
  });

  it('reads a last row without a line end and keeps empty fields', () => {
    expect(parseCsv('a,,b\n,\nx,y')).toEqual([
      ['a', '', 'b'],
      ['', ''],
      ['x', 'y'],
    ]);
  });

  it('refuses a quoted field that is never closed', () => {
    expect(() => parseCsv('a,"b\nc\n')).toThrow('a quoted field is not closed');
  });
});
