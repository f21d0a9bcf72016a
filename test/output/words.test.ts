import { describe, expect, it } from 'vitest';
import { formatAt, formatCount, plural } from '../../src/output/words.js';

describe('plural', () => {
  it.each([
    [0, 'project', undefined, '0 projects'],
    [1, 'project', undefined, '1 project'],
    [2, 'project', undefined, '2 projects'],
    [1, 'person', 'people', '1 person'],
    [3, 'person', 'people', '3 people'],
    [1234, 'object', undefined, '1234 objects'],
  ])('%d %s', (n, one, many, text) => {
    expect(plural(n, one, many)).toBe(text);
  });

  it('writes the number as it is told: totals with their thousands', () => {
    expect(plural(1234567, 'object', 'objects', formatCount)).toBe('1,234,567 objects');
    expect(plural(1, 'object', 'objects', formatCount)).toBe('1 object');
  });
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [18422, '18,422'],
    [1234567, '1,234,567'],
  ])('%d → %s', (n, text) => {
    expect(formatCount(n)).toBe(text);
  });
});

describe('formatAt', () => {
  it('keeps the day and the minute, in UTC as written', () => {
    expect(formatAt('2026-11-27T08:50:00.135Z')).toBe('2026-11-27 08:50');
  });
});
