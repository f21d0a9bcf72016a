import { describe, expect, it } from 'vitest';
import { type CsvValue, parseCsv, toCsv } from '../../src/output/csv.js';
import { renderTable } from '../../src/output/table.js';

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

describe('renderTable', () => {
  const columns = [{ header: 'ID', align: 'right' as const }, { header: 'TITLE', flexible: true }, { header: 'RIGHT' }];
  const rows = [
    ['7', 'Helgoland Roads copepods (co-managed)', 'Manage'],
    ['1234', 'Kiel', 'View'],
  ];

  it('aligns columns two spaces apart, numbers to the right, without trailing spaces', () => {
    expect(renderTable(columns, rows)).toBe(
      [
        '  ID  TITLE                                  RIGHT',
        '   7  Helgoland Roads copepods (co-managed)  Manage',
        '1234  Kiel                                   View',
      ].join('\n'),
    );
  });

  it('truncates the flexible column with "…" to fit the width', () => {
    const text = renderTable(columns, rows, { width: 30 });
    expect(text).toBe(
      ['  ID  TITLE             RIGHT', '   7  Helgoland Roads…  Manage', '1234  Kiel              View'].join('\n'),
    );
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(30);
  });

  it('never shrinks the flexible column below 12 characters', () => {
    const text = renderTable(columns, rows, { width: 10 });
    expect(text.split('\n')[1]).toBe('   7  Helgoland R…  Manage');
  });

  it('does not truncate without a width, nor when the table fits', () => {
    const wide = renderTable(columns, rows);
    expect(wide).not.toContain('…');
    expect(renderTable(columns, rows, { width: 200 })).toBe(wide);
    expect(renderTable(columns, rows, { width: 51 })).toBe(wide);
    expect(renderTable(columns, rows, { width: 50 })).toContain('(co-manage…  Manage');
  });

  it('styles cells after measuring, so colour codes do not skew the columns', () => {
    const text = renderTable(columns, rows, {
      style: (t, row, col) => (row === 0 && col === 1 ? `<${t}>` : t),
      headerStyle: (t) => t.toLowerCase(),
    });
    expect(text.split('\n')).toEqual([
      '  id  title                                  right',
      '   7  <Helgoland Roads copepods (co-managed)>  Manage',
      '1234  Kiel                                   View',
    ]);
  });

  it('measures characters, not UTF-16 units', () => {
    const text = renderTable(
      [{ header: 'T' }, { header: 'X' }],
      [['Eckernförde 🦐'], ['ab']].map((r) => [r[0] ?? '', 'x']),
    );
    expect(text.split('\n')).toEqual(['T              X', 'Eckernförde 🦐  x', 'ab             x']);
  });
});
