import { errorMessage } from '../errors.js';
import { ApiError, ConnectionError, RateLimitError } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for, nor retried sooner: the error is reported (retryDelay). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Waits `ms`. Given a signal, a sleep ends as soon as it aborts; the real one then clears its
 * timer, which would otherwise keep the process alive after Ctrl-C for the rest of a backoff
 * (up to a minute of a 429's Retry-After). Tests inject sleeps that return at once.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      forget();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const forget = signal === undefined ? () => undefined : onAbort(signal, done);
  });

/** Who waits on each signal, and the one abort listener that wakes them all. */
const waiting = new WeakMap<AbortSignal, { wakers: Set<() => void>; listener: () => void }>();

/**
 * Calls `wake` when `signal` aborts; returns the function that stops it. Every project of a
 * run waits on the run's one Ctrl-C signal: a listener each would pass Node's limit of ten and
 * print a MaxListenersExceededWarning. So a signal has one listener while anyone waits on it,
 * whatever their number, and none once nobody does.
 */
export function onAbort(signal: AbortSignal, wake: () => void): () => void {
  let waiters = waiting.get(signal);
  if (waiters === undefined) {
    const wakers = new Set<() => void>();
    const listener = (): void => {
      waiting.delete(signal);
      for (const w of wakers) w();
    };
    waiters = { wakers, listener };
    waiting.set(signal, waiters);
    signal.addEventListener('abort', listener, { once: true });
  }
  const own = waiters;
  // A function of its own: the same `wake` may wait twice.
  const entry = (): void => wake();
  own.wakers.add(entry);
  return () => {
    own.wakers.delete(entry);
    if (own.wakers.size > 0 || waiting.get(signal) !== own) return;
    waiting.delete(signal);
    signal.removeEventListener('abort', own.listener);
  };
}

/**
 * Exponential backoff with up to 25% jitter taken off, so that many clients (or many
 * concurrent requests of ours) failing together do not come back together.
 * `retryIndex` is 0 for the first retry.
 */
export function backoffDelay(retryIndex: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.baseDelayMs * 2 ** retryIndex, policy.maxDelayMs);
  return Math.round(base * (1 - 0.25 * random()));
}

/**
 * Resolves when `wait` does, or as soon as `signal` aborts. The waiter is forgotten once the
 * wait is over: one left behind per backoff would pile up on a long run.
 */
export function abortable(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return wait;
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const forget = onAbort(signal, resolve);
    wait.then(
      () => {
        forget();
        resolve();
      },
      (err: unknown) => {
        forget();
        reject(err instanceof Error ? err : new Error(errorMessage(err)));
      },
    );
  });
}

/**
 * The one rule for pauses between attempts, whoever sends again: the client's reads
 * (withRetries), and the apply engine's reads and writes (src/apply/budget.ts). How long to
 * wait before sending again a request that failed with `error`, or undefined when it is not
 * sent again: a failure that would fail the same way (not transient, or not an API error), the
 * retries used up, a server never reached (unless `retryUnreached`), or a Retry-After longer
 * than `policy.maxRetryAfterMs`. Otherwise exponential backoff with jitter, and at least as
 * long as a Retry-After asks. Pure.
 *
 * A Retry-After longer than the cap (a minute) is neither waited for nor cut short: the request
 * fails at once, its message giving the wait EcoTaxa asked for ("try again later"). Sending
 * before the wait is over asks to be refused again and adds to the load of a server that said
 * it has too much; waiting it out would leave an owner at a terminal, or a script, blocked with
 * no end in sight, and would outlast a project's whole budget (a minute). Nothing is written by
 * a refused request, and running the same command again later does what is left.
 */
export function retryDelay(
  error: unknown,
  retryIndex: number,
  policy: RetryPolicy,
  random?: () => number,
  retryUnreached = false,
): number | undefined {
  if (!(error instanceof ApiError) || !error.transient || retryIndex >= policy.maxRetries) return undefined;
  // A server never reached (refused, unknown host) is most often a wrong URL: say so at
  // once. Mid-run (the apply engine, which has reached it), it is a passing fault like any other.
  if (!retryUnreached && error instanceof ConnectionError && error.delivery === 'none') return undefined;
  const delayMs = backoffDelay(retryIndex, policy, random);
  if (error instanceof RateLimitError && error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > policy.maxRetryAfterMs) return undefined;
    return Math.max(delayMs, error.retryAfterMs);
  }
  return delayMs;
}

export interface RetryLoop {
  policy: RetryPolicy;
  sleep: Sleep;
  random?: (() => number) | undefined;
  /** Ctrl-C: once aborted no further attempt starts, and a backoff under way is cut short. */
  signal?: AbortSignal | undefined;
  /** Retry a server never reached too: set once the server has answered (the apply engine). */
  retryUnreached?: boolean | undefined;
  /** Asked before each retry: false ends the retries (the apply engine's time budget). */
  mayRetry?: (() => boolean) | undefined;
  /** Called before each retry's wait. */
  onRetry?: ((info: { error: ApiError; delayMs: number; retry: number }) => void) | undefined;
}

/**
 * Runs `attempt` (given its retry index, 0 first) until it succeeds or fails in a way
 * retryDelay does not send again; then its last failure is thrown. Only for idempotent
 * reads: a write that failed may have been carried out (the apply engine settles it).
 */
export async function withRetries<T>(attempt: (retryIndex: number) => Promise<T>, loop: RetryLoop): Promise<T> {
  const aborted = (): boolean => loop.signal?.aborted === true;
  for (let retryIndex = 0; ; retryIndex++) {
    try {
      return await attempt(retryIndex);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const delayMs = retryDelay(err, retryIndex, loop.policy, loop.random, loop.retryUnreached);
      // After Ctrl-C no timer may keep the process alive, and no request starts.
      if (delayMs === undefined || aborted() || loop.mayRetry?.() === false) throw err;
      loop.onRetry?.({ error: err, delayMs, retry: retryIndex + 1 });
      await abortable(loop.sleep(delayMs, loop.signal), loop.signal);
      if (aborted()) throw err;
    }
  }
}
