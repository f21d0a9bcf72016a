import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from '../api/retry.js';

export interface BudgetOptions {
  /** Time one project may take across its attempts, pauses included. */
  timeMs: number;
  /** A cap on attempts, whatever the time. */
  maxAttempts: number;
  /** Write conflicts (two writers at once) retried before the project is reported. */
  maxConflicts: number;
  policy: RetryPolicy;
}

/**
 * Each project gets time, not a small count: under a storm of passing failures (a busy
 * server, a flaky proxy) one run still finishes the job. About 10 attempts fit in a minute
 * with the backoff below.
 */
export const DEFAULT_BUDGET: BudgetOptions = {
  timeMs: 60_000,
  maxAttempts: 16,
  maxConflicts: 3,
  policy: DEFAULT_RETRY_POLICY,
};

/**
 * Reads a lost answer may take past its project's budget to be settled: a read is always safe
 * to repeat, and a write that landed must not be reported as unknown for want of one more read.
 */
const EXTRA_SETTLE_READS = 5;

/**
 * What one project may still spend on retries (time, attempts, write conflicts, and the few
 * reads past the budget that settle a lost answer), and the pause before each: the only state
 * a project's steps share.
 */
export class RetryBudget {
  private attempts = 1;
  private paused = 0;
  private conflictsMet = 0;
  private extraSettleReads = EXTRA_SETTLE_READS;
  private readonly started: number;
  private readonly uncounted: RetryPolicy;

  constructor(
    private readonly options: BudgetOptions,
    private readonly random: () => number,
    private readonly now: () => number,
  ) {
    this.started = now();
    this.uncounted = { ...options.policy, maxRetries: Number.POSITIVE_INFINITY };
  }

  /** Attempts made so far (the first included). */
  get attempt(): number {
    return this.attempts;
  }

  /** No time or attempt left for another try. */
  get exhausted(): boolean {
    // Pauses count even when the sleep is simulated (tests), where the clock does not move.
    const spent = Math.max(this.now() - this.started, this.paused);
    return this.attempts >= this.options.maxAttempts || spent >= this.options.timeMs;
  }

  /** Time spent waiting outside nextPause (a settle's replica waits) counts too. */
  spend(ms: number): void {
    this.paused += ms;
  }

  /** Write conflicts met so far. */
  get conflicts(): number {
    return this.conflictsMet;
  }

  /** Counts a write conflict; whether few enough have been met to write again after it. */
  conflict(): boolean {
    this.conflictsMet++;
    return this.conflictsMet <= this.options.maxConflicts;
  }

  /**
   * The pause before the next attempt after `error`, counted as an attempt; undefined when
   * there is none: no time or attempt left, or a failure not worth another by the tool's one
   * retry rule (src/api/retry.ts retryDelay), which also refuses a Retry-After longer than the
   * policy's cap.
   */
  nextPause(error: unknown): number | undefined {
    return this.exhausted ? undefined : this.pauseAfter(error);
  }

  /**
   * The pause before reading again a project whose write's answer was lost: as nextPause, but
   * with a few reads allowed past the budget (a read is always safe to repeat).
   */
  nextSettlePause(error: unknown): number | undefined {
    if (this.exhausted && this.extraSettleReads-- <= 0) return undefined;
    return this.pauseAfter(error);
  }

  private pauseAfter(error: unknown): number | undefined {
    // The budget bounds the attempts, not the policy's count of retries; and a server never
    // reached is tried again: it answered earlier in the run.
    const delay = retryDelay(error, this.attempts - 1, this.uncounted, this.random, true);
    if (delay === undefined) return undefined;
    this.attempts++;
    this.paused += delay;
    return delay;
  }
}
