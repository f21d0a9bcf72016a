/*
 * How many projects to work on at once: fixed, or adapted to what the server shows.
 *
 * Why adapt (docs/ecotaxa-api.md#throughput): a server with one API worker does about 12 updates a
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
  return new AdaptiveConcurrency(settings(options));
}

type Settings = Required<AdaptiveLimitOptions>;

/** The options checked, with their defaults. */
function settings(options: AdaptiveLimitOptions): Settings {
  const min = wholeNumberOption('min', options.min ?? 1, 1);
  const max = wholeNumberOption('max', options.max ?? 8, min);
  const initial = Math.min(max, Math.max(min, wholeNumberOption('initial', options.initial ?? 1, 1)));
  const growBelow = options.growBelow ?? 1.25;
  const shrinkAbove = options.shrinkAbove ?? 1.5;
  if (!(growBelow >= 1 && shrinkAbove >= growBelow)) {
    throw new RangeError(`need 1 <= growBelow <= shrinkAbove: ${growBelow}, ${shrinkAbove}`);
  }
  const probeBackoffSamples = wholeNumberOption('probeBackoffSamples', options.probeBackoffSamples ?? 64, 1);
  const remeasureAfterMs = options.remeasureAfterMs ?? 60_000;
  return { min, max, initial, growBelow, shrinkAbove, probeBackoffSamples, remeasureAfterMs };
}

/** The adaptive limit's state and its decisions (described at adaptiveLimit). */
class AdaptiveConcurrency implements AdaptiveLimit {
  private current: number;
  private phase: 'slow-start' | 'steady' = 'slow-start';
  private events = 0;
  private lastRound: AdaptiveLimitState['lastRound'];

  // Recent answers sent at low concurrency, per kind; before any, the fastest of all.
  private readonly lowSamples: Record<RequestKind, number[]> = { read: [], write: [] };
  private readonly fastest: Record<RequestKind, number> = { read: Infinity, write: Infinity };
  /** Estimated time since the baseline was last measured: the sum of latency / in flight. */
  private sinceBaselineMs = 0;

  // The current round's latencies per kind; `probeFrom` is the limit before a raise.
  private round: Record<RequestKind, number[]> = { read: [], write: [] };
  private roundSize = 0;
  private nextCheck = 0;
  private probeFrom: number | undefined;

  // Limits that proved too high, not probed again before `until` (in events).
  private readonly failures = new Map<number, { count: number; until: number }>();

  private overloadQuietUntil = 0;
  private remeasure: { resumeAt: number; samples: Record<RequestKind, number[]> } | undefined;

  constructor(private readonly s: Settings) {
    this.current = s.initial;
    this.setLimit(s.initial, false);
  }

  get limit(): number {
    return this.current;
  }

  onSample({ kind, latencyMs, inFlight }: LatencySample): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    this.events++;
    const sent = Math.max(1, inFlight);
    const low = sent <= this.s.min;
    this.fastest[kind] = Math.min(this.fastest[kind], latencyMs);
    if (low) {
      this.lowSamples[kind].push(latencyMs);
      if (this.lowSamples[kind].length > BASELINE_WINDOW) this.lowSamples[kind].shift();
    }
    if (this.remeasure !== undefined) {
      if (low) this.remeasured(kind, latencyMs);
      return;
    }

    if (low) this.sinceBaselineMs = 0;
    else this.sinceBaselineMs += latencyMs / sent;
    if (this.current > this.s.min && this.sinceBaselineMs >= this.s.remeasureAfterMs) {
      this.startRemeasure();
      return;
    }

    // Only answers sent under the current limit speak for it; during a probe, only those
    // sent with more in flight than before the raise.
    if (sent > this.current || (this.probeFrom !== undefined && sent <= this.probeFrom)) return;
    this.round[kind].push(latencyMs);
    this.roundSize++;
    if (this.roundSize >= this.nextCheck) this.decide();
  }

  onOverload(): void {
    this.events++;
    if (this.events < this.overloadQuietUntil) return;
    this.overloadQuietUntil = this.events + this.current;
    this.phase = 'steady';
    if (this.remeasure !== undefined) {
      this.holdOff(this.remeasure.resumeAt);
      this.remeasure.resumeAt = Math.max(this.s.min, Math.floor(this.remeasure.resumeAt / 2));
      return;
    }
    this.holdOff(this.current);
    this.setLimit(Math.floor(this.current / 2), false);
  }

  state(): AdaptiveLimitState {
    return {
      limit: this.current,
      phase: this.remeasure !== undefined ? 'remeasure' : this.phase,
      baselineMs: { read: this.baseline('read'), write: this.baseline('write') },
      ceiling: this.ceiling(),
      events: this.events,
      lastRound: this.lastRound,
    };
  }

  private seenKinds(): RequestKind[] {
    return KINDS.filter((k) => Number.isFinite(this.fastest[k]));
  }

  private baseline(kind: RequestKind): number | undefined {
    const low = this.lowSamples[kind];
    const value = low.length > 0 ? median(low) : this.fastest[kind];
    return Number.isFinite(value) ? value : undefined;
  }

  private ceiling(): number {
    let lowest = Infinity;
    for (const [level, f] of this.failures) if (f.until > this.events && level < lowest) lowest = level;
    return lowest;
  }

  private holdOff(level: number): void {
    if (level <= this.s.min) return;
    const count = (this.failures.get(level)?.count ?? 0) + 1;
    const wait = this.s.probeBackoffSamples * 2 ** Math.min(count - 1, MAX_BACKOFF_DOUBLINGS);
    this.failures.set(level, { count, until: this.events + wait });
  }

  private roundLength(): number {
    return Math.max(MIN_ROUND, 2 * this.current);
  }

  private setLimit(next: number, probe: boolean): void {
    this.probeFrom = probe ? this.current : undefined;
    this.current = Math.min(this.s.max, Math.max(this.s.min, next));
    this.round = { read: [], write: [] };
    this.roundSize = 0;
    this.nextCheck = this.roundLength();
  }

  private grow(): void {
    const wanted = this.phase === 'slow-start' ? this.current * 2 : this.current + 1;
    const next = Math.min(wanted, this.s.max, this.ceiling() - 1);
    // The first raise waits for a baseline worth comparing with.
    const measured = this.seenKinds().every((k) => this.lowSamples[k].length >= FIRST_BASELINE);
    if (next > this.current && measured) this.setLimit(next, true);
    else this.setLimit(this.current, false);
  }

  private shrink(ratio: number): void {
    this.phase = 'steady';
    this.holdOff(this.current);
    this.setLimit(Math.min(this.current - 1, this.probeFrom ?? this.current, Math.floor(this.current / ratio)), false);
  }

  private startRemeasure(): void {
    this.remeasure = { resumeAt: this.current, samples: { read: [], write: [] } };
    this.setLimit(this.s.min, false);
  }

  /**
   * The geometric mean of the round's answers' ratios to their baseline: latencies vary by
   * factors, and it tells a trend from noise with fewer answers than the median. Each ratio
   * counts for at most the round's length, so one stray answer (a pause, a retransmission)
   * cannot decide a round alone. Under a millisecond counts as one (a clock's resolution).
   */
  private roundRatio(): number {
    const cap = this.roundLength();
    const logs = KINDS.flatMap((kind) => {
      const base = Math.max(1, this.baseline(kind) ?? 1);
      return this.round[kind].map((ms) => Math.log(Math.min(cap, Math.max(1 / cap, Math.max(1, ms) / base))));
    });
    return Math.exp(logs.reduce((sum, l) => sum + l, 0) / logs.length);
  }

  private decide(): void {
    // Started above min (`initial`) with no answer at low concurrency for a kind yet: the
    // fastest answers seen may all have been queued. Measure before deciding anything.
    if (this.current > this.s.min && KINDS.some((k) => this.round[k].length > 0 && this.lowSamples[k].length === 0)) {
      this.startRemeasure();
      return;
    }
    const ratio = this.roundRatio();
    const probing = this.probeFrom !== undefined;
    const verdict =
      ratio <= this.s.growBelow
        ? 'grow'
        : ratio > this.s.shrinkAbove
          ? 'shrink'
          : !probing
            ? 'hold'
            : this.roundSize < PROBE_ROUNDS * this.roundLength()
              ? 'extend'
              : 'shrink';
    this.lastRound = { limit: this.current, ratio, verdict };
    if (verdict === 'grow') {
      if (probing) this.failures.delete(this.current);
      this.grow();
    } else if (verdict === 'shrink') {
      this.shrink(ratio);
    } else if (verdict === 'hold') {
      this.setLimit(this.current, false);
    } else {
      this.nextCheck += this.roundLength();
    }
  }

  private remeasured(kind: RequestKind, latencyMs: number): void {
    if (this.remeasure === undefined) return;
    this.remeasure.samples[kind].push(latencyMs);
    const fresh = this.remeasure.samples;
    if (!this.seenKinds().every((k) => fresh[k].length >= REMEASURE_SAMPLES)) return;
    // The fresh answers replace the old ones: the server may have become slower, or faster.
    for (const k of this.seenKinds()) this.lowSamples[k] = [...fresh[k]];
    this.sinceBaselineMs = 0;
    const resumeAt = this.remeasure.resumeAt;
    this.remeasure = undefined;
    this.setLimit(resumeAt, false);
  }
}
