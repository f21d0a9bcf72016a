import { describe, expect, it } from 'vitest';
import { caught } from '../support/caught.js';
import { InputError, UsageError } from '../../src/errors.js';
import { toCsv } from '../../src/output/csv.js';
import {
  MAX_SELECTED_IDS,
  formatIdRanges,
  matchesInstrumentFilter,
  matchesTitleFilter,
  mergeIdLists,
  parseIdTokens,
  parseIdsFile,
} from '../../src/selection/selectors.js';

describe('parseIdTokens', () => {
  it.each([
    { tokens: ['101'], single: [101], ranged: [] },
    { tokens: ['2001-2004'], single: [], ranged: [2001, 2002, 2003, 2004] },
    { tokens: ['7-7'], single: [], ranged: [7] },
    { tokens: ['101,102 200-202'], single: [101, 102], ranged: [200, 201, 202] },
    { tokens: ['101', ' 102 ,, 103 ', '5-6,9'], single: [101, 102, 103, 9], ranged: [5, 6] },
    { tokens: ['007'], single: [7], ranged: [] },
    { tokens: [], single: [], ranged: [] },
  ])('$tokens', ({ tokens, single, ranged }) => {
    expect(parseIdTokens(tokens)).toEqual({ single, ranged });
  });

  it.each([
    ['12x', '"12x" is not a project id: ids are whole numbers such as 101, ranges look like 2001-2010'],
    ['0', '"0" is not a project id: ids start at 1'],
    ['-3', '"-3" is not a project id: ids are whole numbers such as 101, ranges look like 2001-2010'],
    ['0-5', '"0" is not a project id: ids start at 1'],
    ['1.5', '"1.5" is not a project id: ids are whole numbers such as 101, ranges look like 2001-2010'],
    ['10-5', 'range 10-5 is reversed: write 5-10'],
    [
      '1-2000000',
      'range 1-2000000 names too many ids (at most 1,000,000 in all): split the selection into several runs',
    ],
    // An unset variable, or a list of them: naming nothing is never "no filter".
    ['', '"" names no project id: give ids or ranges such as 101 or 2001-2010 (an unset variable in a script?)'],
    [' , ', '" , " names no project id: give ids or ranges such as 101 or 2001-2010 (an unset variable in a script?)'],
  ])('refuses %j', (token, message) => {
    const err = caught(() => parseIdTokens([token]));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(message);
  });

  it('counts ids over all ranges together', () => {
    const half = MAX_SELECTED_IDS / 2;
    expect(parseIdTokens([`1-${half}`]).ranged).toHaveLength(half);
    const err = caught(() => parseIdTokens([`1-${half}`, `${half + 1}-${MAX_SELECTED_IDS + 1}`]));
    expect(err.message).toBe(
      `range ${half + 1}-${MAX_SELECTED_IDS + 1} names too many ids (at most 1,000,000 in all): split the selection into several runs`,
    );
  });

  it('prefixes messages with where the token came from', () => {
    expect(caught(() => parseIdTokens(['abc'], 'ids.txt line 3: ')).message).toMatch(
      /^ids\.txt line 3: "abc" is not a project id/,
    );
  });

  it('mergeIdLists keeps single and ranged ids apart', () => {
    expect(mergeIdLists(parseIdTokens(['1', '5-6']), parseIdTokens(['2']))).toEqual({ single: [1, 2], ranged: [5, 6] });
  });
});

describe('formatIdRanges', () => {
  it('writes ids in as few words as parseIdTokens reads back', () => {
    expect(formatIdRanges([9, 1, 2, 3, 5, 8, 3])).toBe('1-3 5 8-9');
    expect(formatIdRanges([])).toBe('');
    const ids = [4, 5, 6, 10, 12, 13];
    const back = parseIdTokens([formatIdRanges(ids)]);
    expect([...back.single, ...back.ranged].sort((a, b) => a - b)).toEqual(ids);
  });
});

describe('parseIdsFile', () => {
  it('reads one id or range per line, ignoring # comments and blank lines', () => {
    const text = '# projects for AqQua\n\n101\n  102  \n# 999\n200-202\r\n\n';
    expect(parseIdsFile(text, 'ids.txt')).toEqual({ single: [101, 102], ranged: [200, 201, 202] });
  });

  it('ignores a comment after the id on the first line too', () => {
    expect(parseIdsFile('101 # Kiel Fjord\n102 # Boknis Eck\n', 'ids.txt')).toEqual({ single: [101, 102], ranged: [] });
  });

  it('names the file and the line of a bad id', () => {
    const err = caught(() => parseIdsFile('101\n\n10x\n', 'ids.txt'));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(
      'ids.txt line 3: "10x" is not a project id: ids are whole numbers such as 101, ranges look like 2001-2010',
    );
  });

  it('refuses a file with no id', () => {
    expect(caught(() => parseIdsFile('# nothing\n\n', 'ids.txt')).message).toBe('ids.txt names no project id');
  });

  it('reads the projid column of `projects list --csv`, titles with commas and quotes included', () => {
    const csv = toCsv(
      ['projid', 'title', 'instrument', 'status', 'access', 'objcount', 'my_right'],
      [
        [12, 'Kiel, Fjord "inner" zooplankton', 'Zooscan', 'Annotate', 'public', 18422, 'Manage'],
        [7, 'Helgoland Roads\ncopepods', 'UVP6', null, 'private', null, 'Manage'],
      ],
    );
    expect(parseIdsFile(csv, 'list.csv')).toEqual({ single: [12, 7], ranged: [] });
  });

  it('reads an `id` column, in any position, with CRLF, a BOM and blank rows', () => {
    const csv = '\uFEFFtitle,ID\r\n"a, b",101\r\n,\r\nc,102\r\n';
    expect(parseIdsFile(csv, 'list.csv')).toEqual({ single: [101, 102], ranged: [] });
  });

  it('refuses a CSV without projid or id column, naming its header', () => {
    const err = caught(() => parseIdsFile('title,instrument\nKiel,Zooscan\n', 'list.csv'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      'list.csv has no "projid" or "id" column (its header is: title, instrument); give one id per line or a CSV such as `projects list --csv`',
    );
  });

  it('names the row of a bad cell', () => {
    const err = caught(() => parseIdsFile('projid,title\n101,a\nabc,b\n', 'list.csv'));
    expect(err.message).toBe(
      'list.csv row 3: "abc" is not a project id: ids are whole numbers such as 101, ranges look like 2001-2010',
    );
  });

  it('names an empty cell', () => {
    expect(caught(() => parseIdsFile('projid,title\n,a\n', 'list.csv')).message).toMatch(
      /^list\.csv row 2: "" is not a project id/,
    );
  });

  it('refuses an unclosed quote as an invalid CSV', () => {
    const err = caught(() => parseIdsFile('projid,title\n101,"open\n', 'list.csv'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('list.csv is not a valid CSV file: a quoted field is not closed');
  });

  it('refuses a CSV with a header only', () => {
    expect(caught(() => parseIdsFile('projid,title\n', 'list.csv')).message).toBe('list.csv names no project id');
  });
});

describe('matchesTitleFilter', () => {
  const p = { projid: 4712, title: 'Kiel Fjord Zooplankton 2019' };
  it.each([
    ['fjord', true],
    ['ZOOPLANKTON 2019', true],
    ['kiel fjord zoo', true],
    ['plankton 2020', false],
    ['712', true],
    ['12', true],
    ['471', false],
    ['4712', true],
    ['', true],
  ])('%j → %s', (filter, expected) => {
    expect(matchesTitleFilter(p, filter)).toBe(expected);
  });
});

describe('matchesInstrumentFilter', () => {
  it.each([
    ['Zooscan', 'zoo', true],
    ['UVP5HD', 'uvp5', true],
    ['UVP6', 'UVP5', false],
    [null, 'uvp', false],
    [undefined, 'uvp', false],
  ])('%j with %j → %s', (instrument, filter, expected) => {
    expect(matchesInstrumentFilter({ instrument }, filter)).toBe(expected);
  });
});

describe("filters use the server's ILIKE semantics", () => {
  it('treats % and _ as wildcards, as EcoTaxa does, so local and server filters agree', () => {
    expect(matchesTitleFilter({ projid: 1, title: 'Kiel Bight winter survey' }, 'kiel%survey')).toBe(true);
    expect(matchesTitleFilter({ projid: 1, title: 'Kiel Bight winter survey' }, 'b_ght')).toBe(true);
    expect(matchesTitleFilter({ projid: 1, title: 'Kiel (2023)' }, '(2023)')).toBe(true);
    expect(matchesTitleFilter({ projid: 1, title: 'axb' }, 'a.b')).toBe(false);
    expect(matchesInstrumentFilter({ instrument: 'UVP5HD' }, 'uvp%hd')).toBe(true);
  });
});

describe('the wildcard match of --title and --instrument', () => {
  const title = (text: string, filter: string): boolean => matchesTitleFilter({ projid: 1, title: text }, filter);

  it.each([
    ['Kiel Bight winter survey', 'kiel%survey', true],
    ['Kiel Bight winter survey', 'Kiel%%Bight', true],
    ['Kiel Bight winter survey', 'survey%kiel', false],
    ['Kiel Bight winter survey', 'b_ght', true],
    ['Kiel Bight winter survey', 'b__ght', false],
    ['Kiel Bight winter survey', '_kiel', false],
    ['Kiel Bight winter survey', 'surve_', true],
    ['Kiel Bight winter survey', 'survey_', false],
    ['line one\nline two', 'one_line', true],
    ['line one\r\nline two', 'one%two', true],
  ])('%j with %j → %s: "%" is any run, "_" one character, line breaks included', (text, filter, expected) => {
    expect(title(text, filter)).toBe(expected);
  });

  it('counts "_" as one UTF-16 code unit: an emoji takes two', () => {
    expect(title('Cod 🐟 larvae', 'cod __ larvae')).toBe(true);
    expect(title('Cod 🐟 larvae', 'cod _ larvae')).toBe(false);
  });

  it.each([
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['x*', 'xx', false],
    ['x*', 'ax*b', true],
    ['(2023', 'Kiel (2023)', true],
    ['[ab]', 'a', false],
    ['[ab]', 'set [AB]', true],
    ['^kiel', 'Kiel', false],
    ['fjord$', 'Fjord', false],
    ['a+b?', 'A+B?', true],
    ['a|b', 'a', false],
    ['back\\slash', 'a back\\slash', true],
    ['{2}', 'x{2}', true],
  ])('%j is literal: in %j → %s', (filter, text, expected) => {
    expect(title(text, filter)).toBe(expected);
  });

  it.each([
    ['ZOOPLANKTON', 'Zooplankton 2019', true],
    ['études', 'Études côtières', true],
    ['CÔTIÈRES', 'Études côtières', true],
    ['ØRESUND', 'øresund', true],
    ['σ', 'ΘΑΛΑΣΣΑ', true],
    ['θάλασσα', 'ΘΆΛΑΣΣΑ', true],
    ['ς', 'ΘΆΛΑΣΣΑ', true],
    ['МОРЕ', 'Черное море', true],
    ['STRASSE', 'Meeresstraße', false],
    ['straße', 'MEERESSTRASSE', false],
  ])('%j in %j → %s: case is folded one character at a time', (filter, text, expected) => {
    expect(title(text, filter)).toBe(expected);
  });

  it('an empty pattern matches everything, an empty instrument included; "_" needs a character', () => {
    expect(title('', '')).toBe(true);
    expect(matchesInstrumentFilter({ instrument: null }, '')).toBe(true);
    expect(matchesInstrumentFilter({ instrument: '' }, '%%')).toBe(true);
    expect(matchesInstrumentFilter({ instrument: '' }, '_')).toBe(false);
    expect(matchesInstrumentFilter({ instrument: 'UVP' }, '___')).toBe(true);
    expect(matchesInstrumentFilter({ instrument: 'UVP' }, '____')).toBe(false);
  });

  it('answers %a%a…%b against a 100,000-character title (a backtracking regex would not finish)', () => {
    const filter = '%a%a%a%a%a%a%a%a%a%a%a%a%b';
    const long = 'a'.repeat(100_000);
    expect(title(long, filter)).toBe(false);
    expect(title(`${long}b`, filter)).toBe(true);
    expect(title(`${'a'.repeat(50_000)}B${'a'.repeat(50_000)}`, filter)).toBe(true);
    expect(title(`${'a'.repeat(11)}b${'a'.repeat(100_000)}`, filter)).toBe(false);
    expect(matchesInstrumentFilter({ instrument: long }, `${'_'.repeat(99_999)}%a`)).toBe(true);
    expect(matchesInstrumentFilter({ instrument: long }, `${'_'.repeat(100_001)}`)).toBe(false);
  });
});
