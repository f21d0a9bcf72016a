import { DEFAULT_RETRY_POLICY, type RetryPolicy, backoffDelay } from '../api/retry.js';
import { RateLimitError } from '../api/errors.js';

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
 * What one project may still spend on retries: time, attempts, write conflicts, and the few
 * reads past the budget that settle a lost answer. The only state a project's steps share.
 */
export class RetryBudget {
  private attempts = 1;
  private paused = 0;
  private conflictsMet = 0;
  private extraSettleReads = EXTRA_SETTLE_READS;
  private readonly started: number;

  constructor(
    private readonly options: BudgetOptions,
    private readonly random: () => number,
    private readonly now: () => number,
  ) {
    this.started = now();
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

  /** Counts a write conflict; whether the write may be tried again after it. */
  conflict(): boolean {
    this.conflictsMet++;
    return this.conflictsMet <= this.options.maxConflicts && !this.exhausted;
  }

  /** Whether a read settling a lost answer may be made again: within the budget, or one of the few past it. */
  maySettleAgain(): boolean {
    return !this.exhausted || this.extraSettleReads-- > 0;
  }

  /** The pause before the next attempt: backoff with jitter, longer when EcoTaxa asks (429). */
  nextPause(error: unknown): number {
    const policy = this.options.policy;
    let delay = backoffDelay(this.attempts - 1, policy, this.random);
    if (error instanceof RateLimitError && error.retryAfterMs !== undefined) {
      delay = Math.max(delay, Math.min(error.retryAfterMs, policy.maxRetryAfterMs));
    }
    this.attempts++;
    this.paused += delay;
    return delay;
  }
}
