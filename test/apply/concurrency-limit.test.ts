import { describe, expect, it } from 'vitest';
import {
  type AdaptiveLimit,
  adaptiveLimit,
  type ConcurrencyLimit,
  fixedLimit,
  type RequestKind,
} from '../../src/apply/concurrency-limit.js';
import {
  oneWorker,
  overloading,
  scaling,
  type ServerModel,
  type SimulationOptions,
  type SimulationResult,
  simulate,
  workers,
} from '../support/simulated-server.js';
import { median, percentile } from '../support/stats.js';

/**
 * Feeds `count` answers, a read then a write, at the given latencies; each sent with
 * `inFlight` of ours in flight (default: as many as the limit allows). Returns the limits seen.
 */
function answer(
  limiter: ConcurrencyLimit,
  count: number,
  ms: Record<RequestKind, number> | ((i: number) => Record<RequestKind, number>),
  inFlight?: number,
): number[] {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    const kind: RequestKind = i % 2 === 0 ? 'read' : 'write';
    const latencies = typeof ms === 'function' ? ms(i) : ms;
    limiter.onSample({ kind, latencyMs: latencies[kind], inFlight: inFlight ?? limiter.limit });
    seen.push(limiter.limit);
  }
  return seen;
}

const distinct = (limits: number[]): number[] => limits.filter((l, i) => i === 0 || l !== limits[i - 1]);
const ALONE = { read: 10, write: 40 };
const times = (factor: number): Record<RequestKind, number> => ({ read: 10 * factor, write: 40 * factor });

/** An adaptive limit proven at 8 after slow start on a server that scales. */
function atEight(options: Parameters<typeof adaptiveLimit>[0] = {}): AdaptiveLimit {
  const limiter = adaptiveLimit(options);
  for (let i = 0; i < 100 && limiter.state().lastRound?.limit !== 8; i++) answer(limiter, 2, ALONE);
  expect(limiter.state()).toMatchObject({ limit: 8, lastRound: { limit: 8, verdict: 'grow' } });
  return limiter;
}

describe('fixedLimit', () => {
  it('is always N, whatever the server says', () => {
    const limiter = fixedLimit(4);
    answer(limiter, 50, times(10));
    limiter.onOverload();
    expect(limiter.limit).toBe(4);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s', (n) => {
    expect(() => fixedLimit(n)).toThrow(RangeError);
  });
});

describe('adaptiveLimit: its rules', () => {
  it('starts at 1, and checks its options', () => {
    expect(adaptiveLimit().limit).toBe(1);
    expect(adaptiveLimit({ initial: 20, max: 6 }).limit).toBe(6);
    expect(adaptiveLimit({ min: 2 }).limit).toBe(2);
    expect(() => adaptiveLimit({ min: 4, max: 3 })).toThrow(RangeError);
    expect(() => adaptiveLimit({ min: 0 })).toThrow(RangeError);
    expect(() => adaptiveLimit({ growBelow: 2, shrinkAbove: 1.5 })).toThrow(RangeError);
  });

  it('grows like slow start while answers stay as fast as alone, up to max', () => {
    const limiter = adaptiveLimit();
    const limits = answer(limiter, 60, ALONE);
    expect(distinct(limits)).toEqual([1, 2, 4, 8]);
    // A raise needs a full round of evidence: a baseline of 4 answers per kind first.
    expect(limits.indexOf(2)).toBe(7);
    expect(adaptiveLimit({ max: 3 }).limit).toBe(1);
    const capped = adaptiveLimit({ max: 3 });
    expect(distinct(answer(capped, 60, ALONE))).toEqual([1, 2, 3]);
  });

  it('keeps reads and writes apart: a write slower than a read is no queueing', () => {
    const limiter = adaptiveLimit();
    answer(limiter, 60, { read: 5, write: 200 });
    expect(limiter.limit).toBe(8);
    expect(limiter.state().baselineMs).toEqual({ read: 5, write: 200 });
  });

  it('when answers slow down k times, lowers the limit to limit / k', () => {
    const limiter = atEight();
    const limits = answer(limiter, 16, times(4));
    expect(limits.slice(0, 15).every((l) => l === 8)).toBe(true);
    expect(limiter.limit).toBe(2);
    expect(limiter.state().lastRound).toMatchObject({ limit: 8, verdict: 'shrink' });
    expect(limiter.state().lastRound?.ratio).toBeCloseTo(4);
  });

  it('lowers it by one at least, and never below min', () => {
    const limiter = atEight({ min: 3 });
    answer(limiter, 16, times(1.6));
    expect(limiter.limit).toBe(5);
    answer(limiter, 10, times(100));
    expect(limiter.limit).toBe(3);
  });

  it('keeps a proven limit while answers are only a little slower (grey zone)', () => {
    const limiter = atEight();
    answer(limiter, 64, times(1.4));
    expect(limiter.limit).toBe(8);
    expect(limiter.state().lastRound).toMatchObject({ verdict: 'hold' });
  });

  it('takes a probe back at once when it queues, and waits longer each time before trying it again', () => {
    const limiter = adaptiveLimit();
    answer(limiter, 8, ALONE);
    expect(limiter.limit).toBe(2);
    const failures: number[] = [];
    let events = 8;
    for (let i = 0; i < 3; i++) {
      // Each probe at 2 meets answers twice as slow: back to 1.
      answer(limiter, 4, times(2));
      expect(limiter.limit).toBe(1);
      events += 4;
      expect(limiter.state().ceiling).toBe(2);
      // Alone again: how long until it tries 2 once more?
      let waited = 0;
      while (limiter.limit === 1) {
        answer(limiter, 1, ALONE, 1);
        waited++;
      }
      failures.push(waited);
      events += waited;
    }
    expect(limiter.state().events).toBe(events);
    // 64, 128, 256 answers, rounded up to the end of a round of 4.
    expect(failures).toEqual([64, 128, 256]);
  });

  it('forgets the failures of a limit once a probe of it shows no queueing', () => {
    const limiter = adaptiveLimit({ probeBackoffSamples: 8 });
    answer(limiter, 8, ALONE);
    answer(limiter, 4, times(2));
    expect(limiter.limit).toBe(1);
    answer(limiter, 8, ALONE, 1);
    expect(limiter.limit).toBe(2);
    answer(limiter, 4, ALONE);
    expect(limiter.limit).toBe(3);
    // A grey probe of 3, taken back after 3 rounds of 6 answers.
    answer(limiter, 18, times(1.4));
    expect(limiter.limit).toBe(2);
    // 2 failed once before: its failure was forgotten, so only 3 is held off.
    expect(limiter.state().ceiling).toBe(3);
  });

  it('gives a probe in the grey zone up to 3 rounds, then takes it back', () => {
    const limiter = adaptiveLimit();
    answer(limiter, 8, ALONE);
    expect(limiter.limit).toBe(2);
    answer(limiter, 8, times(1.4));
    expect(limiter.limit).toBe(2);
    expect(limiter.state().lastRound).toMatchObject({ limit: 2, verdict: 'extend' });
    answer(limiter, 4, times(1.4));
    expect(limiter.limit).toBe(1);
    expect(limiter.state().ceiling).toBe(2);
  });

  it('lets no single stray answer decide a round', () => {
    const limiter = adaptiveLimit();
    answer(limiter, 8, ALONE);
    expect(limiter.limit).toBe(2);
    // One answer 50 times slower (a pause, a retransmission) among normal ones.
    answer(limiter, 4, (i) => (i === 1 ? times(50) : ALONE));
    expect(limiter.limit).toBe(2);
    expect(limiter.state().lastRound?.verdict).toBe('extend');
    answer(limiter, 4, ALONE);
    expect(limiter.limit).toBe(4);
  });

  it('judges a limit only by answers sent under it', () => {
    const limiter = atEight();
    limiter.onOverload();
    expect(limiter.limit).toBe(4);
    // Answers sent while 8 were in flight, however slow, say nothing about 4.
    answer(limiter, 40, times(5), 8);
    expect(limiter.limit).toBe(4);
    // During a probe, answers sent with no more in flight than before it do not count either.
    const probing = adaptiveLimit();
    answer(probing, 8, ALONE);
    expect(probing.limit).toBe(2);
    answer(probing, 40, times(5), 1);
    expect(probing.limit).toBe(2);
  });

  it('halves the limit on an overload, once per limit’s worth of answers, and holds that limit off', () => {
    const limiter = atEight();
    limiter.onOverload();
    expect(limiter.limit).toBe(4);
    // The other requests already on their way when the server said so.
    for (let i = 0; i < 7; i++) limiter.onOverload();
    expect(limiter.limit).toBe(4);
    limiter.onOverload();
    expect(limiter.limit).toBe(2);
    expect(limiter.state().ceiling).toBe(4);
    for (let i = 0; i < 20; i++) limiter.onOverload();
    expect(limiter.limit).toBe(1);
    expect(limiter.state().phase).toBe('steady');
  });

  it('measures the baseline afresh at min now and then, and goes back', () => {
    const limiter = atEight({ remeasureAfterMs: 1_000 });
    // 20 ms answers with 8 in flight: about 2.5 ms of wall time each, so at most 400 of them
    // (less the time estimated during slow start).
    const limits = answer(limiter, 400, { read: 20, write: 20 }, 8);
    const dropped = limits.indexOf(1);
    expect(dropped).toBeGreaterThan(300);
    expect(limits.slice(dropped)).toEqual(limits.slice(dropped).map(() => 1));
    expect(limiter.state().phase).toBe('remeasure');
    // Answers still on their way from 8 in flight are not part of the measurement.
    answer(limiter, 10, { read: 200, write: 200 }, 8);
    expect(limiter.limit).toBe(1);
    answer(limiter, 6, { read: 15, write: 30 }, 1);
    expect(limiter.state()).toMatchObject({ limit: 8, baselineMs: { read: 15, write: 30 } });
    expect(limiter.state().phase).not.toBe('remeasure');
  });

  it('started above min, measures a baseline at min before trusting what it saw', () => {
    const limiter = adaptiveLimit({ initial: 4 });
    answer(limiter, 8, times(4));
    expect(limiter.state()).toMatchObject({ limit: 1, phase: 'remeasure' });
    answer(limiter, 6, ALONE, 1);
    expect(limiter.limit).toBe(4);
    answer(limiter, 8, times(4));
    expect(limiter.limit).toBe(1);
  });

  it('ignores latencies that cannot be', () => {
    const limiter = adaptiveLimit();
    for (const latencyMs of [Number.NaN, -5, Infinity]) limiter.onSample({ kind: 'read', latencyMs, inFlight: 1 });
    expect(limiter.state()).toMatchObject({ events: 0, baselineMs: { read: undefined, write: undefined } });
  });
});

/*
 * The engine against server models, the targets of issue 9. Each project is a read then a
 * write; the window is, at the server, from its read to its write's commit.
 */

interface Model {
  name: string;
  server: () => ServerModel;
  projects: number;
  rttMs?: number;
  jitter?: number;
}

const ONE_WORKER: Model = { name: 'one worker', server: () => oneWorker({ readMs: 10, writeMs: 40 }), projects: 300 };
const SCALING: Model = { name: 'scaling', server: () => scaling({ serviceMs: 20 }), projects: 1000 };
const FAR: Model = { name: 'far', server: () => scaling({ serviceMs: 20 }), projects: 1000, rttMs: 300 };
const FOUR_WORKERS: Model = {
  name: 'four workers',
  server: () => workers(4, { readMs: 10, writeMs: 40 }),
  projects: 1000,
};
const SEEDS = [1, 2, 3];

function run(model: Model, limiter: ConcurrencyLimit, seed: number, extra: Partial<SimulationOptions> = {}) {
  return simulate({
    projects: model.projects,
    server: model.server(),
    limiter,
    rttMs: model.rttMs ?? 0,
    jitter: model.jitter ?? 0.2,
    seed,
    ...extra,
  });
}

const results = new Map<string, SimulationResult>();
function result(model: Model, concurrency: 1 | 4 | 8 | 'auto', seed: number): SimulationResult {
  const key = `${model.name} ${concurrency} ${seed}`;
  let found = results.get(key);
  if (found === undefined) {
    found = run(model, concurrency === 'auto' ? adaptiveLimit() : fixedLimit(concurrency), seed);
    results.set(key, found);
  }
  return found;
}

/** The share of answers after which the limit was above 1. */
const aboveOne = (r: SimulationResult): number => r.limits.filter((l) => l.limit > 1).length / r.limits.length;

describe('adaptiveLimit against simulated servers', () => {
  it.each(SEEDS)('one worker (seed %i): as fast as one at a time, and a window as narrow', (seed) => {
    const c1 = result(ONE_WORKER, 1, seed);
    const c8 = result(ONE_WORKER, 8, seed);
    const auto = result(ONE_WORKER, 'auto', seed);
    expect(auto.wallMs).toBeLessThanOrEqual(1.05 * c1.wallMs);
    expect(median(auto.windows)).toBeLessThanOrEqual(1.5 * median(c1.windows));
    // The server does one thing at a time: concurrency 8 only widens the window.
    expect(c8.wallMs).toBeGreaterThan(0.9 * c1.wallMs);
    expect(median(c8.windows)).toBeGreaterThan(4 * median(c1.windows));
    // It hardly ever probes above 1.
    expect(aboveOne(auto)).toBeLessThan(0.05);
    expect(auto.maxActive).toBeLessThanOrEqual(2);
  });

  it.each(SEEDS)('a server that scales (seed %i): about as fast as 8 at a time', (seed) => {
    const c1 = result(SCALING, 1, seed);
    const c8 = result(SCALING, 8, seed);
    const auto = result(SCALING, 'auto', seed);
    expect(auto.wallMs).toBeLessThanOrEqual(1.25 * c8.wallMs);
    expect(c1.wallMs).toBeGreaterThan(7 * c8.wallMs);
    expect(median(auto.windows)).toBeLessThanOrEqual(1.1 * median(c1.windows));
    // Slow start: at 8 within the first 20 projects.
    const reached = auto.limits.findIndex((l) => l.limit === 8);
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(40);
  });

  it.each(SEEDS)('a far server, 300 ms away (seed %i): about as fast as 8 at a time', (seed) => {
    const c8 = result(FAR, 8, seed);
    const auto = result(FAR, 'auto', seed);
    expect(auto.wallMs).toBeLessThanOrEqual(1.25 * c8.wallMs);
    expect(percentile(auto.windows, 95)).toBeLessThanOrEqual(1.1 * percentile(c8.windows, 95));
  });

  it.each(SEEDS)('four workers (seed %i): fast, without the window of 8 in a queue', (seed) => {
    const c1 = result(FOUR_WORKERS, 1, seed);
    const c4 = result(FOUR_WORKERS, 4, seed);
    const auto = result(FOUR_WORKERS, 'auto', seed);
    expect(auto.wallMs).toBeLessThanOrEqual(1.15 * c4.wallMs);
    expect(median(auto.windows)).toBeLessThanOrEqual(1.25 * median(c1.windows));
  });

  it('keeps its limit within [min, max] on every model', () => {
    const bounds = [
      { min: 1, max: 8 },
      { min: 2, max: 5 },
      { min: 3, max: 3 },
      { min: 1, max: 16, initial: 16 },
    ];
    const models = [
      ONE_WORKER,
      SCALING,
      FAR,
      FOUR_WORKERS,
      { name: 'overloaded', server: () => overloading({ serviceMs: 20, capacity: 3 }), projects: 300 },
    ];
    for (const options of bounds) {
      for (const model of models) {
        const r = run({ ...model, projects: Math.min(model.projects, 300) }, adaptiveLimit(options), 7);
        const limits = r.limits.map((l) => l.limit);
        expect(Math.min(...limits)).toBeGreaterThanOrEqual(options.min);
        expect(Math.max(...limits)).toBeLessThanOrEqual(options.max);
        expect(r.maxActive).toBeLessThanOrEqual(options.max);
      }
    }
  });
});

describe('adaptiveLimit when the server says slow down', () => {
  it('stays under a server that answers 429 beyond 3 requests at once', () => {
    const server = (): ServerModel => overloading({ serviceMs: 20, capacity: 3 });
    const c8 = simulate({ projects: 1000, server: server(), limiter: fixedLimit(8), seed: 1 });
    const auto = simulate({ projects: 1000, server: server(), limiter: adaptiveLimit(), seed: 1 });
    const c3 = simulate({ projects: 1000, server: server(), limiter: fixedLimit(3), seed: 1 });
    expect(c8.overloads).toBeGreaterThan(500);
    expect(auto.overloads).toBeLessThan(20);
    expect(auto.wallMs).toBeLessThanOrEqual(1.25 * c3.wallMs);
  });

  it('drops on a burst of 429s, and comes back to max after it', () => {
    const burst = { from: 3_000, to: 8_000 };
    const auto = simulate({
      projects: 2000,
      server: overloading({ serviceMs: 20, capacity: (now) => (now >= burst.from && now < burst.to ? 2 : Infinity) }),
      limiter: adaptiveLimit(),
      seed: 1,
    });
    const at = (from: number, to: number): number[] =>
      auto.limits.filter((l) => l.atMs >= from && l.atMs < to).map((l) => l.limit);
    expect(Math.min(...at(2_000, burst.from))).toBe(8);
    // Within half a second of the burst, and for the rest of it, mostly 2 or less, with few 429s.
    const during = at(burst.from + 500, burst.to);
    expect(during.filter((l) => l <= 2).length / during.length).toBeGreaterThan(0.9);
    expect(Math.max(...during)).toBeLessThanOrEqual(4);
    expect(auto.overloads).toBeLessThan(30);
    // Back to 8 within 2 s of its end.
    expect(at(burst.to, burst.to + 2_000)).toContain(8);
    expect(at(burst.to + 2_000, Infinity).every((l) => l === 8)).toBe(true);
  });
});

describe('adaptiveLimit when the baseline drifts', () => {
  // 300 ms answers from a server that scales, then a one-worker server of 10 / 40 ms: with 8
  // in flight, answers of ~200 ms look faster than the old baseline, yet they queue.
  const drifting = (): ServerModel => {
    const before = scaling({ serviceMs: 300 });
    const after = oneWorker({ readMs: 10, writeMs: 40 });
    return { serve: (kind, now, vary) => (now < 20_000 ? before : after).serve(kind, now, vary) };
  };

  it('re-measures it at low concurrency and finds the queue', () => {
    const auto = simulate({ projects: 3000, server: drifting(), limiter: adaptiveLimit(), seed: 1 });
    const after = auto.limits.filter((l) => l.atMs >= 90_000).map((l) => l.limit);
    expect(after.length).toBeGreaterThan(1000);
    expect(after.filter((l) => l > 1).length / after.length).toBeLessThan(0.05);
  });

  it('would be fooled without re-measuring', () => {
    const stale = simulate({
      projects: 3000,
      server: drifting(),
      limiter: adaptiveLimit({ remeasureAfterMs: Infinity }),
      seed: 1,
    });
    const after = stale.limits.filter((l) => l.atMs >= 90_000).map((l) => l.limit);
    expect(median(after)).toBe(8);
  });

  it('follows a one-worker server that becomes slower for everyone, staying at 1', () => {
    const before = oneWorker({ readMs: 10, writeMs: 40 });
    const server: ServerModel = {
      serve: (kind, now, vary) => before.serve(kind, now, (ms) => vary(now < 5_000 ? ms : 3 * ms)),
    };
    const auto = simulate({ projects: 500, server, limiter: adaptiveLimit(), seed: 1 });
    expect(aboveOne(auto)).toBeLessThan(0.05);
  });
});
