import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, backoffDelay, parseRetryAfter } from '../../src/api/retry.js';

const policy: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };
const noJitter = (): number => 0;
const fullJitter = (): number => 0.999999;

describe('backoffDelay', () => {
  it.each([
    [0, 500],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 8_000],
    [30, 8_000],
  ])('retry %i waits %i ms without jitter (doubling, capped)', (index, ms) => {
    expect(backoffDelay(index, policy, noJitter)).toBe(ms);
  });

  it.each([0, 1, 2, 3, 4, 10])('retry %i takes at most 25%% off with jitter', (index) => {
    const full = backoffDelay(index, policy, noJitter);
    expect(backoffDelay(index, policy, fullJitter)).toBe(Math.round(full * 0.75));
    expect(backoffDelay(index, policy, () => 0.5)).toBe(Math.round(full * 0.875));
  });

  it('stays within [75%, 100%] of the capped delay for any random value', () => {
    for (let i = 0; i <= 100; i++) {
      const r = i / 100;
      const d = backoffDelay(6, DEFAULT_RETRY_POLICY, () => r);
      expect(d).toBeGreaterThanOrEqual(6_000);
      expect(d).toBeLessThanOrEqual(8_000);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-15T10:00:00Z');

  it.each([
    ['120', 120_000],
    [' 3 ', 3_000],
    ['0', 0],
    ['1.5', 1_500],
  ])('seconds %j → %i ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it('an HTTP date counts from the given now', () => {
    expect(parseRetryAfter('Thu, 15 Jan 2026 10:00:42 GMT', now)).toBe(42_000);
  });

  it('an HTTP date already past means no wait', () => {
    expect(parseRetryAfter('Thu, 15 Jan 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it.each(['', 'soon', 'in a minute', '5s', '-1', 'later 5'])('is undefined for garbage %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
