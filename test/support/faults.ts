import type { FakeRequest } from './fake-ecotaxa.js';
import type { Fault, FaultSchedule } from './fake-server.js';

/** A small, seeded PRNG (mulberry32): the same seed always gives the same fault schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The transient faults of a busy production server behind a proxy. */
export const TRANSIENT_MIX: readonly Fault[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 503 },
  { kind: 'status', status: 504 },
  { kind: 'rate-limit', retryAfter: '1' },
  { kind: 'reset' },
  { kind: 'commit-then', status: 502 },
  { kind: 'delay', ms: 5 },
];

/**
 * Each request fails with probability `rate`, with a fault drawn from `mix` (a commit-then
 * fault only hits writes; a hang, which costs a real client timeout, only `hangRate`).
 */
export function randomFaults(options: { seed: number; rate: number; mix?: readonly Fault[]; hangRate?: number }): FaultSchedule {
  const random = seededRandom(options.seed);
  const mix = options.mix ?? TRANSIENT_MIX;
  return (req: FakeRequest) => {
    if (random() < (options.hangRate ?? 0)) return { kind: 'hang' };
    if (random() >= options.rate) return undefined;
    const fault = mix[Math.floor(random() * mix.length)] as Fault;
    if (fault.kind === 'commit-then' && req.method !== 'PUT') return { kind: 'status', status: 502 };
    return fault;
  };
}

/** Faults for given requests ("PUT /api/projects/5"), by how many times each was seen. */
export function scriptedFaults(script: Record<string, (nth: number) => Fault | undefined>): FaultSchedule {
  const seen = new Map<string, number>();
  return (req) => {
    const key = `${req.method} ${req.path.replace(/^\/api(?=\/)/, '')}`;
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    return script[key]?.(nth);
  };
}
