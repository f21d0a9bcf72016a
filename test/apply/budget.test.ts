import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ConnectionError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
} from '../../src/api/errors.js';
import { type BudgetOptions, DEFAULT_BUDGET, RetryBudget } from '../../src/apply/budget.js';
import { request } from '../support/scripted-client.js';

/* One project's retry budget: its time, attempts and conflicts, and the pause before each attempt. */

const PUT = request('PUT', '/projects/1');
const GET = request('GET', '/projects?project_ids=1');
const timeout = (): TimeoutError => new TimeoutError(PUT, 1000);

function budget(options: Partial<BudgetOptions> = {}, now: () => number = () => 0): RetryBudget {
  return new RetryBudget({ ...DEFAULT_BUDGET, ...options }, () => 0, now);
}

describe('RetryBudget', () => {
  it('pauses with exponential backoff and jitter, and counts attempts', () => {
    const b = budget();
    expect(b.attempt).toBe(1);
    expect([1, 2, 3, 4, 5, 6].map(() => b.nextPause(timeout()))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(b.attempt).toBe(7);
  });

  it('takes jitter off the backoff, as the client does', () => {
    const jittered = new RetryBudget(
      DEFAULT_BUDGET,
      () => 1,
      () => 0,
    );
    expect(jittered.nextPause(timeout())).toBe(375);
  });

  it('is exhausted once its time is spent, counting simulated pauses and waits', () => {
    const b = budget({ timeMs: 3_000 });
    b.nextPause(timeout());
    b.nextPause(timeout());
    expect(b.exhausted).toBe(false);
    b.spend(1_500);
    expect(b.exhausted).toBe(true);
  });

  it('is exhausted by the clock too, and by the attempt cap', () => {
    let now = 0;
    const b = budget({ timeMs: 10_000 }, () => now);
    now = 10_000;
    expect(b.exhausted).toBe(true);
    const capped = budget({ maxAttempts: 2 });
    expect(capped.exhausted).toBe(false);
    capped.nextPause(timeout());
    expect(capped.exhausted).toBe(true);
  });

  it('gives no pause once exhausted: no attempt follows, none is counted', () => {
    const b = budget({ maxAttempts: 2 });
    expect(b.nextPause(timeout())).toBe(500);
    expect(b.nextPause(timeout())).toBeUndefined();
    expect(b.attempt).toBe(2);
  });

  it('bounds the attempts by itself, not by the policy count of retries', () => {
    const b = budget({ policy: { ...DEFAULT_BUDGET.policy, maxRetries: 1 } });
    expect([1, 2, 3].map(() => b.nextPause(timeout()))).toEqual([500, 1_000, 2_000]);
  });

  it('tries again a server never reached: it answered earlier in the run', () => {
    expect(budget().nextPause(new ConnectionError(PUT, 'ECONNREFUSED', 'connection refused'))).toBe(500);
  });

  it('gives no pause for a failure that would fail the same way, and counts no attempt', () => {
    const b = budget();
    expect(b.nextPause(new PermissionDeniedError(PUT, "You can't do this."))).toBeUndefined();
    expect(b.nextPause(new Error('socket went away'))).toBeUndefined();
    expect(b.nextPause(undefined)).toBeUndefined();
    expect(b.attempt).toBe(1);
  });

  it('waits the backoff after a write conflict', () => {
    expect(budget().nextPause(new ConflictError(PUT, 'UniqueViolation'))).toBe(500);
  });
});

describe('RetryBudget: time', () => {
  it('counts time from when the project started, on any clock', () => {
    let now = 5_000;
    const b = budget({ timeMs: 3_000 }, () => now);
    expect(b.exhausted).toBe(false);
    now = 7_999;
    expect(b.exhausted).toBe(false);
    now = 8_000;
    expect(b.exhausted).toBe(true);
  });

  it('waits the plain backoff after a 429 without Retry-After, or another failure', () => {
    const b = budget();
    expect(b.nextPause(new RateLimitError(PUT, undefined))).toBe(500);
    expect(b.nextPause(timeout())).toBe(1_000);
  });

  it('counts the pauses it gives against its time', () => {
    const b = budget({ timeMs: 1_500 });
    b.nextPause(timeout());
    expect(b.exhausted).toBe(false);
    b.nextPause(timeout());
    expect(b.exhausted).toBe(true);
  });
});

describe("RetryBudget: a 429's Retry-After, for reads and writes alike", () => {
  it('waits as long as it asks, up to the cap of a minute', () => {
    const b = budget();
    expect(b.nextPause(new RateLimitError(PUT, 5_000))).toBe(5_000);
    expect(b.nextPause(new RateLimitError(GET, 60_000))).toBe(60_000);
  });

  it('a longer wait is not waited for, nor cut short to the cap: no attempt follows', () => {
    const b = budget();
    expect(b.nextPause(new RateLimitError(PUT, 10 * 60_000))).toBeUndefined();
    expect(b.nextPause(new RateLimitError(GET, 60_001))).toBeUndefined();
    expect(b.attempt).toBe(1);
    expect(b.exhausted).toBe(false);
  });

  it('nor past the budget while settling a lost answer', () => {
    const b = budget({ maxAttempts: 1 });
    expect(b.nextSettlePause(new RateLimitError(GET, 10 * 60_000))).toBeUndefined();
  });
});

describe('RetryBudget: write conflicts', () => {
  it('allows another write after each of the first three, not after the fourth', () => {
    const b = budget();
    expect([1, 2, 3, 4].map(() => b.conflict())).toEqual([true, true, true, false]);
    expect(b.conflicts).toBe(4);
  });

  it('keeps to the number of conflicts it is given', () => {
    const b = budget({ maxConflicts: 1 });
    expect([b.conflict(), b.conflict()]).toEqual([true, false]);
  });
});

describe('RetryBudget: settling a lost answer', () => {
  it('gives the read a pause within the budget, as nextPause would', () => {
    const b = budget();
    expect(b.nextSettlePause(timeout())).toBe(500);
    expect(b.attempt).toBe(2);
  });

  it('within the budget, is not limited to the five reads allowed past it', () => {
    const b = budget();
    expect([1, 2, 3, 4, 5, 6, 7].map(() => b.nextSettlePause(timeout()) !== undefined)).toEqual(Array(7).fill(true));
  });

  it('past the budget, allows five more reads, then none', () => {
    const b = budget({ maxAttempts: 1 });
    expect(b.nextPause(timeout())).toBeUndefined();
    expect([1, 2, 3, 4, 5, 6, 7].map(() => b.nextSettlePause(timeout()))).toEqual([
      500,
      1_000,
      2_000,
      4_000,
      8_000,
      undefined,
      undefined,
    ]);
  });
});
