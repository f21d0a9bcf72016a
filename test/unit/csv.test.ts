import { describe, expect, it } from 'vitest';
import { type CsvValue, parseCsv, toCsv } from '../../src/output/csv.js';

describe('toCsv', () => {
  it.each([
    ['plain', 'Kiel Fjord', 'Kiel Fjord'],
    ['a comma', 'Kiel, Fjord', '"Kiel, Fjord"'],
    ['quotes', 'the "inner" fjord', '"the ""inner"" fjord"'],
    ['a newline', 'line 1\nline 2', '"line 1\nline 2"'],
    ['a carriage return', 'a\rb', '"a\rb"'],
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
      ['7', 'two\nlines', 'cr\r\nlf', '""', 'plain'],
    ];
    const header = ['projid', 'title', 'a', 'b', 'c'];
    expect(parseCsv(toCsv(header, rows))).toEqual([header, ...rows]);
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
