import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { OUTCOME_GLYPH, styleGlyph } from '../../src/render/glyphs.js';

const c = new Chalk({ level: 1 });

describe('the glyph table', () => {
  it('marks each outcome of a run', () => {
    expect(OUTCOME_GLYPH).toEqual({
      applied: '✓',
      unchanged: '=',
      skipped: '!',
      failed: '✗',
      unconfirmed: '?',
      'not-started': '·',
    });
  });

  it.each([
    ['+', c.green('x')],
    ['✓', c.green('x')],
    ['-', c.red('x')],
    ['✗', c.red('x')],
    ['?', c.red('x')],
    ['~', c.yellow('x')],
    ['!', c.magenta('x')],
    ['=', c.dim('x')],
    ['·', c.dim('x')],
  ] as const)('colours %s', (glyph, styled) => {
    expect(styleGlyph(glyph, 'x', c)).toBe(styled);
  });
});
