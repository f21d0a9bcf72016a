import { describe, expect, it } from 'vitest';
import { formatDuration, progressLine } from '../../src/render/progress.js';
import { displayWidth } from '../../src/output/table.js';

describe('progressLine', () => {
  const at = (done: number, failed = 0, retrying = 0) => ({ total: 276, done, failed, retrying });

  it.each([
    ['at the start: no time left yet', 80, at(0), 0, 'Granting [░░░░░░░░░░░░░░░░] 0/276  0:00'],
    [
      'under way, with failures and retries: the pace so far gives the time left',
      80,
      at(120, 2, 1),
      42_000,
      'Granting [██████░░░░░░░░░░] 120/276  2 failed  1 retrying  0:42, ~0:55 left',
    ],
    [
      'wider: the bar grows up to 30',
      160,
      at(120, 2, 1),
      42_000,
      'Granting [█████████████░░░░░░░░░░░░░░░░░] 120/276  2 failed  1 retrying  0:42, ~0:55 left',
    ],
    ['the end', 80, at(276, 3), 95_000, 'Granting [████████████████] 276/276  3 failed  1:35'],
    [
      'narrow: no bar, the time goes first, then retries',
      40,
      { total: 2500, done: 1200, failed: 2, retrying: 1 },
      3_723_000,
      'Granting 1200/2500  2 failed',
    ],
    ['very narrow: the count only', 12, at(120, 2, 1), 42_000, 'Granting 120/276'],
    [
      'all that is left waits for a retry: no estimate',
      80,
      at(275, 2, 1),
      62_000,
      'Granting [███████████████░] 275/276  2 failed  1 retrying  1:02',
    ],
  ])('%s', (_name, width, counts, elapsed, line) => {
    expect(progressLine('Granting', counts, elapsed, width)).toBe(line);
  });

  it('keeps one bar size while failures and retries come and go', () => {
    const bar = (line: string): string => line.slice(line.indexOf('['), line.indexOf(']') + 1);
    const sizes = [at(0), at(100), at(100, 3), at(150, 3, 2), at(276, 3)].map(
      (counts) => bar(progressLine('Granting', counts, 42_000, 80)).length,
    );
    expect(new Set(sizes)).toEqual(new Set([18]));
  });

  it('stays at least one column short of the width, so that the terminal never wraps it', () => {
    for (const width of [20, 30, 45, 60, 80, 100, 200]) {
      for (const done of [0, 1, 137, 276]) {
        const line = progressLine('Restoring', at(done, 12, 4), 3_599_000, width);
        if (width >= 30) expect(displayWidth(line), `${width}: ${line}`).toBeLessThan(width);
      }
    }
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [499, '0:00'],
    [42_000, '0:42'],
    [725_000, '12:05'],
    [3_729_000, '1:02:09'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
