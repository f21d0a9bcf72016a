import { describe, expect, it } from 'vitest';
import { inert, inertLines, isInert, terminalSafe } from '../../src/output/inert.js';
import { jsonText } from '../../src/output/json.js';

describe('inert: outside text made harmless for a terminal', () => {
  it.each([
    ['Plain title', 'Plain title'],
    ['Tara Océans 2009–2013', 'Tara Océans 2009–2013'],
    ['浮游生物 🦐 survey', '浮游生物 🦐 survey'],
    ['family 👩‍👩‍👧 kept whole', 'family 👩‍👩‍👧 kept whole'],
    ['flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿 kept whole', 'flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿 kept whole'],
    ['back\\slash stays', 'back\\slash stays'],
  ])('keeps %j as it is', (text, shown) => {
    expect(inert(text)).toBe(shown);
    expect(isInert(text)).toBe(true);
  });

  it.each([
    ['\u001b[2J\u001b[HYes', '\\x1b[2J\\x1b[HYes'],
    ['\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    [
      '\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\',
      '\\x1b]8;;https://evil.example\\x1b\\link\\x1b]8;;\\x1b\\',
    ],
    ['abc\rXYZ', 'abc\\rXYZ'],
    ['two\nlines\tand a tab', 'two\\nlines\\tand a tab'],
    ['del\u007f', 'del\\x7f'],
    ['8-bit CSI \u009b2J', '8-bit CSI \\x9b2J'],
    ['\u202eevil\u202c', '\\u202eevil\\u202c'],
    ['iso\u2066late\u2069', 'iso\\u2066late\\u2069'],
    ['zero\u200bwidth\ufeff', 'zero\\u200bwidth\\ufeff'],
    ['lone joiner a\u200db', 'lone joiner a\\u200db'],
    ['line\u2028sep', 'line\\u2028sep'],
    ['tag smuggling a\u{e0041}', 'tag smuggling a\\u{e0041}'],
    [
      'hidden text after an escaped tag: a\u{e0041}\u{e0042}\u{e0043}',
      'hidden text after an escaped tag: a\\u{e0041}\\u{e0042}\\u{e0043}',
    ],
    [
      'tags after a flag, then after a break: 🏴\u{e0067}x\u{e0068}',
      'tags after a flag, then after a break: 🏴\u{e0067}x\\u{e0068}',
    ],
    ['lone \ud800 surrogate', 'lone \\ud800 surrogate'],
  ])('escapes %j', (text, shown) => {
    expect(inert(text)).toBe(shown);
    expect(isInert(text)).toBe(false);
  });

  it('is linear: a million characters to escape take one pass', () => {
    const text = '\u001b\u200d'.repeat(500_000);
    const shown = inert(text);
    expect(shown.length).toBe(500_000 * '\\x1b\\u200d'.length);
  });
});

describe('inertLines: messages of several lines', () => {
  it('keeps the line ends and makes each line inert', () => {
    expect(inertLines('one\u001b[2J\ntwo\rthree')).toBe('one\\x1b[2J\ntwo\\rthree');
  });
});

describe('terminalSafe: the output layer’s last guard', () => {
  it.each([
    ['bold and dim', '\u001b[1mPlan\u001b[22m \u001b[2mNote\u001b[22m'],
    [
      'the colours of glyphs and rights',
      '\u001b[31m-\u001b[39m \u001b[32m+\u001b[39m \u001b[33m~\u001b[39m \u001b[35m!\u001b[39m \u001b[36mi\u001b[39m',
    ],
    ['line ends', 'one\ntwo\n'],
    ['accents, CJK, emoji', 'Eckernförde 东海 👩‍👩‍👧'],
  ])('passes our own %s as they are', (_name, text) => {
    expect(terminalSafe(text)).toBe(text);
  });

  it.each([
    ['text hidden by a colour code', 'a\u001b[8msecret', 'a\\x1b[8msecret'],
    ['black on black', '\u001b[30;40mx', '\\x1b[30;40mx'],
    ['a screen clear and a cursor move', '\u001b[2J\u001b[1;1H', '\\x1b[2J\\x1b[1;1H'],
    ['a window title', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['a carriage return', 'abc\rXYZ', 'abc\\rXYZ'],
    ['8-bit CSI, bidi, zero-width', '\u009b2J\u202e\u200b', '\\x9b2J\\u202e\\u200b'],
    ['a hostile code between two of ours', '\u001b[1m\u001b[2J\u001b[22m', '\u001b[1m\\x1b[2J\u001b[22m'],
  ])('escapes %s', (_name, text, shown) => {
    expect(terminalSafe(text)).toBe(shown);
  });

  it('is idempotent: what it shows, it shows again as it is', () => {
    const once = terminalSafe('\u001b[32mok\u001b[39m \u001b[2J\r\u202e');
    expect(terminalSafe(once)).toBe(once);
  });
});

describe('jsonText: the one writer of --json', () => {
  it('writes C1, DEL, bidi, zero-width and tag characters as \\u escapes, and parses back to the exact text', () => {
    const value = { title: 'a\u009b\u007f\u202e\u2066\u200b\u200d\ufeff\u2028\u{e0041}\u001b[2J 东海 🦐 é' };
    const text = jsonText(value);
    expect(text).toBe(
      '{\n  "title": "a\\u009b\\u007f\\u202e\\u2066\\u200b\\u200d\\ufeff\\u2028\\udb40\\udc41\\u001b[2J 东海 🦐 é"\n}',
    );
    expect(JSON.parse(text)).toEqual(value);
    expect(terminalSafe(text)).toBe(text);
  });
});
