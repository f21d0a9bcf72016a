/*
 * How many projects to work on at once: fixed, or adapted to what the server shows.
 *
 * Why adapt (API-NOTES "Throughput"): a server with one API worker does about 12 updates a
 * second whatever the client does; concurrency there only queues our requests inside it and
 * widens the read-to-write window in which a colleague's change can be overwritten (a PUT
 * takes ~42 ms alone, ~267 ms with 4 in flight, ~561 ms with 8). A server with several
 * workers, or an owner 300 ms away, needs concurrency to finish in minutes, not half an hour.
 *
 * The adaptive limit follows TCP Vegas and Netflix's concurrency-limits (VegasLimit,
 * Gradient2Limit): answers as fast as when we send one at a time mean nobody queues us, so
 * more concurrency pays; answers slowing down as we add concurrency mean the server
 * serialises us. Like Envoy's adaptive concurrency filter it measures that baseline afresh
 * now and then at low concurrency, so a baseline that drifts does not fool it. Pure: no
 * clock, no timers; time is counted in samples, or estimated from their latencies.
 */

export type RequestKind = 'read' | 'write';

export interface LatencySample {
  kind: RequestKind;
  /** The attempt alone, never a backoff wait. */
  latencyMs: number;
  /** How many requests of ours were in flight when it was sent, counting this one (1 = alone). */
  inFlight: number;
}

export interface ConcurrencyLimit {
  /** How many projects may be worked on at once now (1..max). */
  readonly limit: number;
  /** One HTTP attempt answered without an overload signal, after `latencyMs` (the attempt alone, never a backoff wait). Reads and writes take different times: keep a baseline per kind. `inFlight` is how many requests of ours were in flight when it was sent. */
  onSample(sample: LatencySample): void;
  /** The server said slow down (429, or 503). The strongest signal. */
  onOverload(): void;
}

/** `--concurrency N`: always N. */
export function fixedLimit(n: number): ConcurrencyLimit {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`a concurrency limit is a whole number from 1: ${n}`);
  return {
    limit: n,
    onSample() {},
    onOverload() {},
  };
}

export interface AdaptiveLimitOptions {
  /** The limit to start from (default 1: first learn how fast the server answers one request). */
  initial?: number;
  /** Never below (default 1). */
  min?: number;
  /** Never above (default 8). */
  max?: number;
  /** Answers within this ratio of the baseline show no queueing: the limit may grow (default 1.25). */
  growBelow?: number;
  /** Answers beyond this ratio of the baseline mean the server queues us: the limit shrinks (default 1.5). */
  shrinkAbove?: number;
  /** Samples to wait before probing a limit again after it proved too high, doubled at each failure (default 64). */
  probeBackoffSamples?: number;
  /** Estimated time above `min` after which the baseline is measured again at `min` (default 60 s). */
  remeasureAfterMs?: number;
}

/** What the adaptive limit is doing, for tests and diagnostics. */
export interface AdaptiveLimitState {
  limit: number;
  phase: 'slow-start' | 'steady' | 'remeasure';
  /** The typical recent time per kind at low concurrency; undefined before any sample. */
  baselineMs: Record<RequestKind, number | undefined>;
  /** Limits at or above this are not probed for now (Infinity: none). */
  ceiling: number;
  /** Samples and overloads seen so far: the limiter's own clock. */
  events: number;
  /** The last decision: at which limit, the round's latency ratio to the baseline, and what it did. */
  lastRound: { limit: number; ratio: number; verdict: 'grow' | 'hold' | 'shrink' | 'extend' } | undefined;
}

export interface AdaptiveLimit extends ConcurrencyLimit {
  state(): AdaptiveLimitState;
}

const KINDS = ['read', 'write'] as const;
/** Recent answers at low concurrency kept per kind: the baseline is their median. */
const BASELINE_WINDOW = 16;
/** Answers per kind at low concurrency before the first raise (a baseline worth comparing with). */
const FIRST_BASELINE = 4;
/** Samples, at least, behind each decision (per round: the larger of this and twice the limit). */
const MIN_ROUND = 4;
/** Rounds a raised limit may take to show clearly whether it queues, before it is taken back. */
const PROBE_ROUNDS = 3;
/** Answers per kind that measure the baseline afresh. */
const REMEASURE_SAMPLES = 3;
/** The wait before probing a failed limit again stops doubling after this many failures. */
const MAX_BACKOFF_DOUBLINGS = 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function wholeNumberOption(name: string, value: number, low: number): number {
  if (!Number.isInteger(value) || value < low)
    throw new RangeError(`${name} must be a whole number from ${low}: ${value}`);
  return value;
}

/**
 * `--concurrency auto`.
 *
 * The baseline, per kind, is the median of the last answers sent at low concurrency (`min`
 * in flight): the time the server takes when we queue nothing. (Not the minimum: one lucky
 * answer would make every later one look queued on a server whose times vary by 30%.)
 *
 * Decisions come in rounds of samples (at least 4, and twice the limit); a round's ratio is
 * the geometric mean of its answers' latencies over their kind's baseline.
 * - At most `growBelow`: nothing queues, the limit is raised; doubled until the first sign of
 *   queueing (slow start), then one at a time.
 * - Beyond `shrinkAbove`: the server queues us; the limit goes down to what it can take
 *   without queueing, limit / ratio (Little's law: a server that serialises us answers
 *   `ratio` times slower with `limit` in flight), and at least by one.
 * - In between, a proven limit is kept.
 * A raised limit is a probe: it must show no queueing (within up to 3 rounds while the
 * evidence is grey) or it is taken back, and it and every limit above it are not tried
 * again for a wait that doubles with each failure: on a one-worker server the limit hardly
 * ever leaves 1, where the read-to-write window is narrowest.
 *
 * An overload (429, 503) halves the limit at once, once per limit's worth of answers (those
 * already on their way say nothing new), and holds off the limit it was at.
 *
 * After `remeasureAfterMs` (estimated from the samples) spent above `min`, the limit drops to
 * `min` for a few answers to measure the baseline afresh, then returns, so that a baseline
 * measured when the server was slower does not hide queueing (Envoy's minRTT recalculation).
 */
export function adaptiveLimit(options: AdaptiveLimitOptions = {}): AdaptiveLimit {
  const min = wholeNumberOption('min', options.min ?? 1, 1);
  const max = wholeNumberOption('max', options.max ?? 8, min);
  const initial = Math.min(max, Math.max(min, wholeNumberOption('initial', options.initial ?? 1, 1)));
  const growBelow = options.growBelow ?? 1.25;
  const shrinkAbove = options.shrinkAbove ?? 1.5;
  if (!(growBelow >= 1 && shrinkAbove >= growBelow)) {
    throw new RangeError(`need 1 <= growBelow <= shrinkAbove: ${growBelow}, ${shrinkAbove}`);
  }
  const probeBackoff = wholeNumberOption('probeBackoffSamples', options.probeBackoffSamples ?? 64, 1);
  const remeasureAfterMs = options.remeasureAfterMs ?? 60_000;

  let limit = initial;
  let phase: 'slow-start' | 'steady' = 'slow-start';
  let events = 0;
  let lastRound: AdaptiveLimitState['lastRound'];

  // Recent answers sent at low concurrency, per kind; before any, the fastest of all.
  const lowSamples: Record<RequestKind, number[]> = { read: [], write: [] };
  const fastest: Record<RequestKind, number> = { read: Infinity, write: Infinity };
  const seenKinds = (): RequestKind[] => KINDS.filter((k) => Number.isFinite(fastest[k]));
  const baseline = (kind: RequestKind): number | undefined => {
    const low = lowSamples[kind];
    const value = low.length > 0 ? median(low) : fastest[kind];
    return Number.isFinite(value) ? value : undefined;
  };
  /** Estimated time since the baseline was last measured: the sum of latency / in flight. */
  let sinceBaselineMs = 0;

  // The current round's latencies per kind; `probeFrom` is the limit before a raise.
  let round: Record<RequestKind, number[]> = { read: [], write: [] };
  let roundSize = 0;
  let nextCheck = 0;
  let probeFrom: number | undefined;

  // Limits that proved too high, not probed again before `until` (in events).
  const failures = new Map<number, { count: number; until: number }>();
  const ceiling = (): number => {
    let lowest = Infinity;
    for (const [level, f] of failures) if (f.until > events && level < lowest) lowest = level;
    return lowest;
  };
  const holdOff = (level: number): void => {
    if (level <= min) return;
    const count = (failures.get(level)?.count ?? 0) + 1;
    failures.set(level, { count, until: events + probeBackoff * 2 ** Math.min(count - 1, MAX_BACKOFF_DOUBLINGS) });
  };

  let overloadQuietUntil = 0;
  let remeasure: { resumeAt: number; samples: Record<RequestKind, number[]> } | undefined;

  const roundLength = (): number => Math.max(MIN_ROUND, 2 * limit);

  const setLimit = (next: number, probe: boolean): void => {
    probeFrom = probe ? limit : undefined;
    limit = Math.min(max, Math.max(min, next));
    round = { read: [], write: [] };
    roundSize = 0;
    nextCheck = roundLength();
  };

  const grow = (): void => {
    const wanted = phase === 'slow-start' ? limit * 2 : limit + 1;
    const next = Math.min(wanted, max, ceiling() - 1);
    // The first raise waits for a baseline worth comparing with.
    const measured = seenKinds().every((k) => lowSamples[k].length >= FIRST_BASELINE);
    if (next > limit && measured) setLimit(next, true);
    else setLimit(limit, false);
  };

  const shrink = (ratio: number): void => {
    phase = 'steady';
    holdOff(limit);
    setLimit(Math.min(limit - 1, probeFrom ?? limit, Math.floor(limit / ratio)), false);
  };

  const startRemeasure = (): void => {
    remeasure = { resumeAt: limit, samples: { read: [], write: [] } };
    setLimit(min, false);
  };

  const decide = (): void => {
    // Started above min (`initial`) with no answer at low concurrency for a kind yet: the
    // fastest answers seen may all have been queued. Measure before deciding anything.
    if (limit > min && KINDS.some((k) => round[k].length > 0 && lowSamples[k].length === 0)) {
      startRemeasure();
      return;
    }
    // The geometric mean of the answers' ratios to their baseline: latencies vary by factors,
    // and it tells a trend from noise with fewer answers than the median. Each ratio counts
    // for at most the round's length, so one stray answer (a pause, a retransmission) cannot
    // decide a round alone. Under a millisecond counts as one (a clock's resolution).
    const cap = roundLength();
    const logs = KINDS.flatMap((kind) => {
      const base = Math.max(1, baseline(kind) ?? 1);
      return round[kind].map((ms) => Math.log(Math.min(cap, Math.max(1 / cap, Math.max(1, ms) / base))));
    });
    const ratio = Math.exp(logs.reduce((sum, l) => sum + l, 0) / logs.length);
    const probing = probeFrom !== undefined;
    const verdict =
      ratio <= growBelow
        ? 'grow'
        : ratio > shrinkAbove
          ? 'shrink'
          : !probing
            ? 'hold'
            : roundSize < PROBE_ROUNDS * roundLength()
              ? 'extend'
              : 'shrink';
    lastRound = { limit, ratio, verdict };
    if (verdict === 'grow') {
      if (probing) failures.delete(limit);
      grow();
    } else if (verdict === 'shrink') {
      shrink(ratio);
    } else if (verdict === 'hold') {
      setLimit(limit, false);
    } else {
      nextCheck += roundLength();
    }
  };

  const remeasured = (kind: RequestKind, latencyMs: number): void => {
    if (remeasure === undefined) return;
    remeasure.samples[kind].push(latencyMs);
    const fresh = remeasure.samples;
    if (!seenKinds().every((k) => fresh[k].length >= REMEASURE_SAMPLES)) return;
    // The fresh answers replace the old ones: the server may have become slower, or faster.
    for (const k of seenKinds()) lowSamples[k] = [...fresh[k]];
    sinceBaselineMs = 0;
    const resumeAt = remeasure.resumeAt;
    remeasure = undefined;
    setLimit(resumeAt, false);
  };

  setLimit(initial, false);

  return {
    get limit() {
      return limit;
    },

    onSample({ kind, latencyMs, inFlight }) {
      if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
      events++;
      const sent = Math.max(1, inFlight);
      const low = sent <= min;
      fastest[kind] = Math.min(fastest[kind], latencyMs);
      if (low) {
        lowSamples[kind].push(latencyMs);
        if (lowSamples[kind].length > BASELINE_WINDOW) lowSamples[kind].shift();
      }
      if (remeasure !== undefined) {
        if (low) remeasured(kind, latencyMs);
        return;
      }

      if (low) sinceBaselineMs = 0;
      else sinceBaselineMs += latencyMs / sent;
      if (limit > min && sinceBaselineMs >= remeasureAfterMs) {
        startRemeasure();
        return;
      }

      // Only answers sent under the current limit speak for it; during a probe, only those
      // sent with more in flight than before the raise.
      if (sent > limit || (probeFrom !== undefined && sent <= probeFrom)) return;
      round[kind].push(latencyMs);
      roundSize++;
      if (roundSize >= nextCheck) decide();
    },

    onOverload() {
      events++;
      if (events < overloadQuietUntil) return;
      overloadQuietUntil = events + limit;
      phase = 'steady';
      if (remeasure !== undefined) {
        holdOff(remeasure.resumeAt);
        remeasure.resumeAt = Math.max(min, Math.floor(remeasure.resumeAt / 2));
        return;
      }
      holdOff(limit);
      setLimit(Math.floor(limit / 2), false);
    },

    state() {
      return {
        limit,
        phase: remeasure !== undefined ? 'remeasure' : phase,
        baselineMs: { read: baseline('read'), write: baseline('write') },
        ceiling: ceiling(),
        events,
        lastRound,
      };
    },
  };
}
