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

/** A number from the seed and a string, for faults that do not depend on arrival order. */
function hash(seed: number, text: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Each request fails with probability `rate`, with a fault drawn from `mix` (a commit-then
 * fault only hits writes; a hang, which costs a real client timeout, only `hangRate`). The
 * draw depends on the request (method, path and query) and how many times it was seen, not
 * on arrival order, so concurrent runs meet the same faults.
 */
export function randomFaults(options: {
  seed: number;
  rate: number;
  mix?: readonly Fault[];
  hangRate?: number;
}): FaultSchedule {
  const mix = options.mix ?? TRANSIENT_MIX;
  const seen = new Map<string, number>();
  return (req: FakeRequest) => {
    const key = `${req.method} ${req.path}?${req.query.toString()}`;
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    const random = seededRandom(hash(options.seed, `${key}#${nth}`));
    if (random() < (options.hangRate ?? 0)) return { kind: 'hang' };
    if (random() >= options.rate) return undefined;
    const fault = mix[Math.floor(random() * mix.length)] as Fault;
    if (fault.kind === 'commit-then' && req.method !== 'PUT') return { kind: 'status', status: 502 };
    return fault;
  };
}

/**
 * A share `rate` of PUTs answered by EcoTaxa's conflict 500 (another writer of the same project
 * won; nothing committed), seeded and drawn per request and how many times it was seen, like
 * randomFaults. A project's first PUT conflicts on `projects_variables_pkey` half the time (the
 * first update also inserts the variables row), any other on `IS_ProjectsPriv`. `maxInARow`
 * caps the conflicts one project meets in a row (default: no cap).
 */
export function conflictFaults(options: { seed: number; rate: number; maxInARow?: number }): FaultSchedule {
  const seen = new Map<string, number>();
  const inARow = new Map<string, number>();
  return (req: FakeRequest) => {
    if (req.method !== 'PUT') return undefined;
    const key = `${req.method} ${req.path.replace(/^\/api(?=\/)/, '')}`;
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    const random = seededRandom(hash(options.seed, `conflict ${key}#${nth}`));
    const streak = inARow.get(key) ?? 0;
    if (random() >= options.rate || streak >= (options.maxInARow ?? Infinity)) {
      inARow.set(key, 0);
      return undefined;
    }
    inARow.set(key, streak + 1);
    return {
      kind: 'conflict',
      constraint: nth === 1 && random() < 0.5 ? 'projects_variables_pkey' : 'IS_ProjectsPriv',
    };
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
