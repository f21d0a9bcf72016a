import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  TimeoutError,
  parseRetryAfter,
} from '../../src/api/errors.js';
import {
  DEFAULT_RETRY_POLICY,
  type RetryLoop,
  type RetryPolicy,
  abortable,
  backoffDelay,
  onAbort,
  realSleep,
  retryDelay,
  withRetries,
} from '../../src/api/retry.js';
import { request } from '../support/scripted-client.js';

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

describe("retryDelay: whether and when a failed request is sent again (the client's reads, the engine's reads and writes)", () => {
  const read = request('GET', '/projects/1');

  it('waits the backoff after a passing failure, while retries are left', () => {
    expect(retryDelay(new TimeoutError(read, 1000), 0, policy, noJitter)).toBe(500);
    expect(retryDelay(new TimeoutError(read, 1000), 3, policy, noJitter)).toBe(4_000);
    expect(retryDelay(new TimeoutError(read, 1000), 4, policy, noJitter)).toBeUndefined();
  });

  it('never sends again what would fail the same way', () => {
    expect(retryDelay(new AuthenticationError(read), 0, policy, noJitter)).toBeUndefined();
    // Not even an API error: a bug, or a value thrown that is not an error at all.
    expect(retryDelay(new Error('socket went away'), 0, policy, noJitter)).toBeUndefined();
    expect(retryDelay(undefined, 0, policy, noJitter)).toBeUndefined();
    expect(retryDelay(new ConnectionError(read, 'CERT_HAS_EXPIRED', 'expired'), 0, policy, noJitter)).toBeUndefined();
  });

  it('gives up at once on a server never reached (most often a wrong URL), not on a reset', () => {
    expect(retryDelay(new ConnectionError(read, 'ECONNREFUSED', 'refused'), 0, policy, noJitter)).toBeUndefined();
    expect(retryDelay(new ConnectionError(read, 'ECONNRESET', 'reset'), 0, policy, noJitter)).toBe(500);
  });

  it("honours a 429's Retry-After when longer than the backoff, up to the policy's limit", () => {
    expect(retryDelay(new RateLimitError(read, 2_000), 0, policy, noJitter)).toBe(2_000);
    expect(retryDelay(new RateLimitError(read, 100), 1, policy, noJitter)).toBe(1_000);
    expect(retryDelay(new RateLimitError(read, undefined), 2, policy, noJitter)).toBe(2_000);
    expect(retryDelay(new RateLimitError(read, 60_000), 0, policy, noJitter)).toBe(60_000);
    expect(retryDelay(new RateLimitError(read, 60_001), 0, policy, noJitter)).toBeUndefined();
  });

  it('does not send sooner what asks for a longer wait than the cap, even mid-run', () => {
    expect(retryDelay(new RateLimitError(read, 10 * 60_000), 0, policy, noJitter, true)).toBeUndefined();
  });
});

describe('withRetries', () => {
  const read = request('GET', '/users/me');
  // A new one each time it is asked for (in a test), so that a mutation run sees which test uses it.
  const timeout = (): TimeoutError => new TimeoutError(read, 1000);

  /** An attempt that fails with each of `failures` in turn, then answers 'ok'. */
  function attempts(...failures: Error[]): { attempt: (i: number) => Promise<string>; seen: number[] } {
    const seen: number[] = [];
    return {
      seen,
      attempt: (i) => {
        seen.push(i);
        const failure = failures[seen.length - 1];
        return failure === undefined ? Promise.resolve('ok') : Promise.reject(failure);
      },
    };
  }

  function loop(overrides: Partial<RetryLoop> = {}): RetryLoop & { waits: number[] } {
    const waits: number[] = [];
    return {
      waits,
      policy,
      random: noJitter,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...overrides,
    };
  }

  it('gives the sleep its signal, so that a real wait clears its timer on Ctrl-C', async () => {
    const interrupt = new AbortController();
    const signals: (AbortSignal | undefined)[] = [];
    const { attempt } = attempts(timeout());
    const l = loop({
      signal: interrupt.signal,
      sleep: (_ms, signal) => {
        signals.push(signal);
        return Promise.resolve();
      },
    });
    await withRetries(attempt, l);
    expect(signals).toEqual([interrupt.signal]);
  });

  it('stops retrying when the caller says so (the engine, past its time budget)', async () => {
    const { attempt, seen } = attempts(timeout(), timeout());
    const asked: number[] = [];
    const l = loop({ mayRetry: () => asked.push(seen.length) < 2 });
    await expect(withRetries(attempt, l)).rejects.toBeInstanceOf(TimeoutError);
    expect(seen).toEqual([0, 1]);
    expect(asked).toEqual([1, 2]);
    expect(l.waits).toEqual([500]);
  });

  it('throws at once a 429 asking for a longer wait than the cap: no wait, no second attempt', async () => {
    const tooLong = new RateLimitError(read, 10 * 60_000);
    const { attempt, seen } = attempts(tooLong);
    const l = loop();
    await expect(withRetries(attempt, l)).rejects.toBe(tooLong);
    expect(seen).toEqual([0]);
    expect(l.waits).toEqual([]);
  });

  it('returns the answer of the first attempt that succeeds, after growing waits', async () => {
    const transient = timeout();
    const { attempt, seen } = attempts(transient, transient);
    const retries: unknown[] = [];
    const l = loop({ onRetry: (info) => retries.push(info) });
    await expect(withRetries(attempt, l)).resolves.toBe('ok');
    expect(seen).toEqual([0, 1, 2]);
    expect(l.waits).toEqual([500, 1_000]);
    expect(retries).toEqual([
      { error: transient, delayMs: 500, retry: 1 },
      { error: transient, delayMs: 1_000, retry: 2 },
    ]);
  });

  it('throws the last failure once the retries are used up (5 attempts in all)', async () => {
    const transient = timeout();
    const last = new TimeoutError(read, 2000);
    const { attempt, seen } = attempts(transient, transient, transient, transient, last);
    const l = loop();
    await expect(withRetries(attempt, l)).rejects.toBe(last);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(l.waits).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('throws at once what is not an API failure, or not a passing one', async () => {
    const bug = new TypeError('a bug');
    const first = attempts(bug);
    await expect(withRetries(first.attempt, loop())).rejects.toBe(bug);
    expect(first.seen).toEqual([0]);
    const denied = new AuthenticationError(read);
    const second = attempts(denied);
    await expect(withRetries(second.attempt, loop())).rejects.toBe(denied);
    expect(second.seen).toEqual([0]);
  });

  it('after Ctrl-C during a wait, the wait ends and no attempt follows', async () => {
    const interrupt = new AbortController();
    const transient = timeout();
    const { attempt, seen } = attempts(transient, transient);
    const l = loop({
      signal: interrupt.signal,
      sleep: () => {
        interrupt.abort();
        return new Promise(() => undefined);
      },
    });
    await expect(withRetries(attempt, l)).rejects.toBe(transient);
    expect(seen).toEqual([0]);
  });

  it('once aborted, neither waits nor announces a retry', async () => {
    const interrupt = new AbortController();
    interrupt.abort();
    const transient = timeout();
    const { attempt, seen } = attempts(transient);
    const retries: unknown[] = [];
    const l = loop({ signal: interrupt.signal, onRetry: (info) => retries.push(info) });
    await expect(withRetries(attempt, l)).rejects.toBe(transient);
    expect(seen).toEqual([0]);
    expect(l.waits).toEqual([]);
    expect(retries).toEqual([]);
  });
});

describe('abortable', () => {
  const never = (): Promise<void> => new Promise(() => undefined);

  it('is the wait itself without a signal', async () => {
    let done = false;
    await abortable(
      Promise.resolve().then(() => {
        done = true;
      }),
      undefined,
    );
    expect(done).toBe(true);
  });

  it('ends at once on a signal already aborted, or as soon as it aborts', async () => {
    await abortable(never(), AbortSignal.abort());
    const interrupt = new AbortController();
    const waiting = abortable(never(), interrupt.signal);
    interrupt.abort();
    await waiting;
  });

  it('passes on a failed wait as an Error', async () => {
    const signal = new AbortController().signal;
    const failure = new Error('timer broke');
    await expect(abortable(Promise.reject(failure), signal)).rejects.toBe(failure);
    // A wait is any promise: one that rejects with a bare value still ends in an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    await expect(abortable(Promise.reject('odd'), signal)).rejects.toThrow('odd');
  });

  it('leaves no abort listener behind, however many waits a long run makes', async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < 20; i++) await abortable(Promise.resolve(), signal);
    await abortable(Promise.reject(new Error('x')), signal).catch(() => undefined);
    expect(getEventListeners(signal, 'abort')).toEqual([]);
  });
});

describe('realSleep', () => {
  it('resolves once the time has passed, not before', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const wait = realSleep(500).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(499);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await wait;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends at once on Ctrl-C, its timer cleared: nothing keeps the process alive for the rest of the wait', async () => {
    vi.useFakeTimers();
    try {
      const interrupt = new AbortController();
      const wait = realSleep(60_000, interrupt.signal);
      expect(vi.getTimerCount()).toBe(1);
      interrupt.abort();
      await wait;
      expect(vi.getTimerCount()).toBe(0);
      expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not start a timer once aborted', async () => {
    vi.useFakeTimers();
    try {
      await realSleep(60_000, AbortSignal.abort());
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves no abort listener behind when the time passes', async () => {
    vi.useFakeTimers();
    try {
      const interrupt = new AbortController();
      const wait = realSleep(500, interrupt.signal);
      await vi.advanceTimersByTimeAsync(500);
      await wait;
      expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('onAbort: one listener per signal, whatever the number of waiters', () => {
  it('still wakes the waiters left when one of them stops waiting first', () => {
    const interrupt = new AbortController();
    const woken: string[] = [];
    const forgetFirst = onAbort(interrupt.signal, () => woken.push('first'));
    onAbort(interrupt.signal, () => woken.push('second'));
    forgetFirst();
    expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(1);
    interrupt.abort();
    expect(woken).toEqual(['second']);
  });

  it('a waiter from before the abort, stopping late, leaves the waiters that came after it one listener', () => {
    const interrupt = new AbortController();
    const forgetBefore = onAbort(interrupt.signal, () => undefined);
    interrupt.abort();
    const forgetAfter = onAbort(interrupt.signal, () => undefined);
    forgetBefore();
    const forgetLast = onAbort(interrupt.signal, () => undefined);
    expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(1);
    forgetAfter();
    forgetLast();
    expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(0);
  });
});
