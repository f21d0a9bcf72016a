import stringWidth from 'string-width';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Column,
  displayWidth,
  fitLine,
  graphemesOf,
  layoutTable,
  renderTable,
  truncate,
  widthUpTo,
  wrap,
} from '../../src/output/table.js';

/** Every line's width on screen: what a terminal shows, whatever the characters. */
const widths = (text: string): number[] => text.split('\n').map(displayWidth);

describe('displayWidth', () => {
  it.each([
    ['ASCII', 'Kiel', 4],
    ['Chinese, two columns each', '东海浮游动物', 12],
    ['Japanese', 'プランクトン', 12],
    ['Korean', '동해 플랑크톤', 13],
    ['an emoji', '🦐', 2],
    ['a family emoji (one grapheme)', '👨‍👩‍👧', 2],
    ['a precomposed ö', 'Eckernförde', 11],
    ['a combining diaeresis (zero columns)', 'Eckernfo\u0308rde', 11],
    ['colour codes (none)', '\u001b[31mred\u001b[39m', 3],
  ])('%s', (_name, text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('truncate and wrap', () => {
  it('truncates by columns, never splitting a wide character past the width', () => {
    expect(truncate('Kiel Fjord zooplankton', 10)).toBe('Kiel Fjor…');
    expect(truncate('东海浮游动物', 6)).toBe('东海…');
    expect(displayWidth(truncate('东海浮游动物', 6))).toBe(5);
    expect(truncate('🦐🦐🦐', 4)).toBe('🦐…');
    expect(truncate('Eckernfo\u0308rde Bay', 10)).toBe('Eckernfo\u0308r…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('wraps at spaces, breaks a word only when it is longer than a line, and CJK anywhere', () => {
    expect(wrap('skipped: EcoTaxa refuses to update this legacy project', 20)).toEqual([
      'skipped: EcoTaxa',
      'refuses to update',
      'this legacy project',
    ]);
    expect(wrap('see https://ecotaxa.obs-vlfr.fr/prj/1234', 12)).toEqual([
      'see',
      'https://ecot',
      'axa.obs-vlfr',
      '.fr/prj/1234',
    ]);
    expect(wrap('东海浮游动物调查', 6)).toEqual(['东海浮', '游动物', '调查']);
    expect(wrap('fits', 10)).toEqual(['fits']);
  });
});

describe('renderTable', () => {
  const columns: Column[] = [
    { header: 'ID', align: 'right' },
    { header: 'TITLE', shrink: 'truncate' },
    { header: 'RIGHT' },
  ];
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

  it('shortens a truncating column with "…" to fit the width', () => {
    const text = renderTable(columns, rows, { width: 30 });
    expect(text).toBe(
      ['  ID  TITLE             RIGHT', '   7  Helgoland Roads…  Manage', '1234  Kiel              View'].join('\n'),
    );
    for (const w of widths(text)) expect(w).toBeLessThanOrEqual(30);
  });

  it('never shrinks a column below its minimum (12 by default)', () => {
    expect(renderTable(columns, rows, { width: 10 }).split('\n')[1]).toBe('   7  Helgoland R…  Manage');
  });

  it('cuts nothing without a width (a pipe), nor when the table fits', () => {
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

  it('keeps CJK, emoji and combining titles aligned, whole or shortened', () => {
    const titles = [
      ['1', '东海浮游动物调查 2019', 'View'],
      ['2', '🦐 Krill larvae 🦑', 'Manage'],
      ['3', 'Eckernfo\u0308rde Bay', 'View'],
      ['4', 'Plain ASCII title', 'View'],
    ];
    expect(renderTable(columns, titles)).toBe(
      [
        'ID  TITLE                  RIGHT',
        ' 1  东海浮游动物调查 2019  View',
        ' 2  🦐 Krill larvae 🦑     Manage',
        ' 3  Eckernfo\u0308rde Bay        View',
        ' 4  Plain ASCII title      View',
      ].join('\n'),
    );
    const narrow = renderTable(columns, titles, { width: 28 });
    expect(narrow).toBe(
      [
        'ID  TITLE             RIGHT',
        ' 1  东海浮游动物调…   View',
        ' 2  🦐 Krill larvae…  Manage',
        ' 3  Eckernfo\u0308rde Bay   View',
        ' 4  Plain ASCII tit…  View',
      ].join('\n'),
    );
    // Every RIGHT cell starts in the same screen column.
    const starts = narrow.split('\n').map((l) => displayWidth(l.slice(0, l.search(/(View|Manage|RIGHT)$/))));
    expect(new Set(starts).size).toBe(1);
  });

  it('wraps a wrapping column under its own row, indented to that column', () => {
    const wrapping: Column[] = [
      { header: 'ID', align: 'right' },
      { header: 'TITLE', shrink: 'truncate' },
      { header: 'CHANGE', shrink: 'wrap', minWidth: 20 },
    ];
    const text = renderTable(
      wrapping,
      [
        ['8', 'Bornholm Basin larval fish', 'skipped: EcoTaxa refuses to update this legacy project: fix its contact'],
        ['15', 'Weddell Sea krill', 'none → View'],
      ],
      { width: 60 },
    );
    expect(text).toBe(
      [
        'ID  TITLE                       CHANGE',
        ' 8  Bornholm Basin larval fish  skipped: EcoTaxa refuses to',
        '                                update this legacy project:',
        '                                fix its contact',
        '15  Weddell Sea krill           none → View',
      ].join('\n'),
    );
    for (const w of widths(text)) expect(w).toBeLessThanOrEqual(60);
  });

  it('gives up wrapping width first, then shortens titles', () => {
    const wrapping: Column[] = [
      { header: 'TITLE', shrink: 'truncate' },
      { header: 'CHANGE', shrink: 'wrap', minWidth: 14 },
    ];
    const text = renderTable(wrapping, [['Bornholm Basin larval fish', 'skipped: not a manager of it']], { width: 36 });
    expect(text).toBe(
      [
        'TITLE                 CHANGE',
        'Bornholm Basin larv…  skipped: not a',
        '                      manager of it',
      ].join('\n'),
    );
  });

  it('drops the lowest-ranked columns first to stay one line per row, and says which', () => {
    const ranked: Column[] = [
      { header: 'ID', align: 'right' },
      { header: 'TITLE', shrink: 'truncate', maxClaim: 20 },
      { header: 'STATUS', dropRank: 1 },
      { header: 'OBJECTS', align: 'right', dropRank: 0 },
      { header: 'AQQUA' },
    ];
    const data = [
      ['1', 'Kiel Fjord zooplankton 2019 and a long tail', 'Annotate', '18422', 'View'],
      ['2', 'Kiel', 'ExploreOnly', '5', '-'],
    ];
    const full = layoutTable(ranked, data);
    expect(full.dropped).toEqual([]);
    // The title claims 20 columns at most: past that it is shortened, nothing is dropped for it.
    expect(layoutTable(ranked, data, { width: 55 })).toEqual({
      text: [
        'ID  TITLE                   STATUS       OBJECTS  AQQUA',
        ' 1  Kiel Fjord zooplankto…  Annotate       18422  View',
        ' 2  Kiel                    ExploreOnly        5  -',
      ].join('\n'),
      dropped: [],
    });
    expect(layoutTable(ranked, data, { width: 50 })).toEqual({
      text: [
        'ID  TITLE                       STATUS       AQQUA',
        ' 1  Kiel Fjord zooplankton 20…  Annotate     View',
        ' 2  Kiel                        ExploreOnly  -',
      ].join('\n'),
      dropped: ['OBJECTS'],
    });
    const narrow = layoutTable(ranked, data, { width: 34 });
    expect(narrow.dropped).toEqual(['STATUS', 'OBJECTS']);
    expect(narrow.text).toBe(
      [
        'ID  TITLE                    AQQUA',
        ' 1  Kiel Fjord zooplankton…  View',
        ' 2  Kiel                     -',
      ].join('\n'),
    );
  });

  it('lays a span row under the row before it, not measured, running to the end of the line', () => {
    const text = renderTable(
      [{ header: ' ' }, { header: 'ID', align: 'right' }, { header: 'TITLE' }, { header: 'CHANGE' }],
      [['+', '9', 'No contact', 'none → View'], { cells: ['~', '', 'contact: none → you (Olivia Owner)'], span: 2 }],
    );
    expect(text).toBe(
      ['   ID  TITLE       CHANGE', '+   9  No contact  none → View', '~      contact: none → you (Olivia Owner)'].join(
        '\n',
      ),
    );
  });

  it('shows control characters in cells and headers escaped: they neither break the table nor act on the terminal', () => {
    expect(renderTable([{ header: 'T' }, { header: 'X' }], [['two\nlines', 'x']])).toBe(
      'T           X\ntwo\\nlines  x',
    );
    expect(
      renderTable(
        [{ header: 'ID' }, { header: 'USER\u001b]0;pwned\u0007' }],
        [['1', '\u001b[2J\u001b[HOK\r\u009b\u202e\u200b']],
      ),
    ).toBe(['ID  USER\\x1b]0;pwned\\x07', '1   \\x1b[2J\\x1b[HOK\\r\\x9b\\u202e\\u200b'].join('\n'));
  });
});

describe('layout in linear time, whatever the length of a text', () => {
  /**
   * Every text given to Intl.Segmenter (ours, and string-width's own) while `run` runs: the
   * segmenter slows down far more than linearly on long texts (minutes for 100,000 CJK
   * characters), so no long text may reach it, and the total it sees must grow linearly.
   */
  function segmented(run: () => unknown): { longest: number; total: number } {
    const spy = vi.spyOn(Intl.Segmenter.prototype, 'segment');
    try {
      run();
      const lengths = spy.mock.calls.map(([text]) => text.length);
      return { longest: Math.max(0, ...lengths), total: lengths.reduce((a, b) => a + b, 0) };
    } finally {
      spy.mockRestore();
    }
  }

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('measures a title no further than the terminal shows: the same work for 20,000 characters as for 2 million', () => {
    const columns: Column[] = [{ header: 'ID' }, { header: 'TITLE', shrink: 'truncate' }];
    const layout = (n: number): string => renderTable(columns, [['1', `${'漢'.repeat(n)}\u0301`]], { width: 40 });
    layout(20_000); // measures (and keeps) the widths of the graphemes seen
    const small = segmented(() => layout(20_000));
    expect(small.longest).toBeLessThanOrEqual(256);
    expect(small.total).toBeLessThanOrEqual(2_000);
    const huge = segmented(() => layout(2_000_000));
    expect(huge.total).toBe(small.total);
    expect(layout(2_000_000)).toBe(`ID  TITLE\n1   ${'漢'.repeat(17)}…`);
  });

  it.each([
    ['CJK', '漢'],
    ['combining marks', 'e\u0301'],
    ['emoji sequences', '👩🏽‍🔬'],
  ])('wraps, truncates and measures %s in passes linear in the length', (_name, unit) => {
    const text = (n: number): string => `${unit.repeat(n)} ${unit.repeat(n)}`;
    const work = (n: number): { longest: number; total: number } =>
      segmented(() => {
        wrap(text(n), 30);
        truncate(text(n), 30);
        displayWidth(text(n));
        fitLine(text(n), 30, 4);
      });
    const small = work(5_000);
    expect(small.longest).toBeLessThanOrEqual(256);
    const large = work(50_000);
    // Ten times the text, ten times the work (give or take a window): not a hundred times.
    expect(large.total).toBeLessThanOrEqual(11 * small.total);
  });

  it('measures long texts exactly as string-width would measure each grapheme', () => {
    const text = `${'x'.repeat(300)}👩🏽‍🔬 and 🇫🇷🇩🇪 東 e\u0301 각 สำ`.repeat(40);
    // string-width itself, on a text short enough for the segmenter to take whole.
    expect(displayWidth(text)).toBe(stringWidth(text));
    expect([...graphemesOf(text)].join('')).toBe(text);
    expect([...graphemesOf('👩🏽‍🔬'.repeat(100))]).toEqual(Array(100).fill('👩🏽‍🔬'));
    expect(widthUpTo('漢'.repeat(1000), 10)).toBeLessThanOrEqual(12);
  });

  it('wraps a long word into lines of the width, and keeps words whole otherwise', () => {
    const lines = wrap(`start ${'漢'.repeat(10_000)} end`, 40);
    expect(lines[0]).toBe('start');
    expect(lines.slice(1, -1).every((l) => l === '漢'.repeat(20))).toBe(true);
    expect(lines).toHaveLength(1 + 500 + 1);
    expect(lines.at(-1)).toBe('end');
  });
});
