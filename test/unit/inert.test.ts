import { describe, expect, it } from 'vitest';
import { inert, isInert } from '../../src/output/inert.js';

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
