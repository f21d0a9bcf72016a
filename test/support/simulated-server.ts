import type { ConcurrencyLimit, RequestKind } from '../../src/apply/concurrency-limit.js';
import { seededRandom } from './faults.js';

/*
 * A discrete-event simulation of the apply engine against a model of a server, on a clock
 * the simulation drives (no timers, no sleeps): N projects, each a read then a write, with a
 * ConcurrencyLimit deciding how many projects are in flight, as p-limit does in the engine
 * (a lowered limit lets running projects finish; a raised one starts more at once).
 */

/** How a server treats one request arriving at `now` (ms). */
export interface ServerModel {
  /**
   * When its service ends (a read's state is taken, a write committed, then the answer
   * leaves), or 'overload' for a 429/503 answered at once. `vary` applies the run's jitter.
   */
  serve(kind: RequestKind, now: number, vary: (ms: number) => number): number | 'overload';
}

/** API workers sharing one FIFO queue: a request waits for the first free worker. */
export function workers(count: number, times: { readMs: number; writeMs: number }): ServerModel {
  const freeAt: number[] = Array.from({ length: count }, () => 0);
  return {
    serve(kind, now, vary) {
      // Arrivals come in time order, so the earliest free worker serves this one next.
      const worker = freeAt.indexOf(Math.min(...freeAt));
      const end = Math.max(now, freeAt[worker] as number) + vary(kind === 'read' ? times.readMs : times.writeMs);
      freeAt[worker] = end;
      return end;
    },
  };
}

/** One API worker: every request waits for the ones before it (FIFO). */
export function oneWorker(times: { readMs: number; writeMs: number }): ServerModel {
  return workers(1, times);
}

/** A server that scales: each request takes its time, whatever else is in flight. */
export function scaling(times: { serviceMs: number }): ServerModel {
  return { serve: (_kind, now, vary) => now + vary(times.serviceMs) };
}

/**
 * A server that scales up to `capacity` requests in service at once and answers 429 to any
 * request beyond it (`capacity` may change with time: a burst of other clients).
 */
export function overloading(options: { serviceMs: number; capacity: number | ((now: number) => number) }): ServerModel {
  let inService: number[] = [];
  return {
    serve(_kind, now, vary) {
      inService = inService.filter((end) => end > now);
      const capacity = typeof options.capacity === 'number' ? options.capacity : options.capacity(now);
      if (inService.length >= capacity) return 'overload';
      const end = now + vary(options.serviceMs);
      inService.push(end);
      return end;
    },
  };
}

export interface SimulationOptions {
  projects: number;
  server: ServerModel;
  limiter: ConcurrencyLimit;
  /** Network round trip, half each way (default 0). */
  rttMs?: number;
  /** The client's own time before sending each request (default 1 ms). */
  clientMs?: number;
  /** Service and network times vary uniformly by ± this fraction (default 0.1), seeded. */
  jitter?: number;
  seed?: number;
  /** The wait before sending again a request answered 429/503 (default 100 ms). */
  retryAfterMs?: number;
}

export interface SimulationResult {
  /** When the last project's write was answered. */
  wallMs: number;
  /** Per project, at the server: from when its read was served to when its write committed. */
  windows: number[];
  /** The limit after each answer, in order. */
  limits: { atMs: number; limit: number }[];
  overloads: number;
  /** The most projects in flight at once. */
  maxActive: number;
}

/** A binary min-heap of events by time, then by insertion order (deterministic ties). */
class Agenda {
  private heap: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;

  add(at: number, run: () => void): void {
    const heap = this.heap;
    heap.push({ at, seq: this.seq++, run });
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  take(): { at: number; run: () => void } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    for (let i = 0; ;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let least = i;
      if (l < heap.length && this.before(l, least)) least = l;
      if (r < heap.length && this.before(r, least)) least = r;
      if (least === i) break;
      [heap[i], heap[least]] = [heap[least]!, heap[i]!];
      i = least;
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const [a, b] = [this.heap[i]!, this.heap[j]!];
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}

export function simulate(options: SimulationOptions): SimulationResult {
  const { projects, server, limiter } = options;
  const rtt = options.rttMs ?? 0;
  const clientMs = options.clientMs ?? 1;
  const jitter = options.jitter ?? 0.1;
  const retryAfterMs = options.retryAfterMs ?? 100;
  const random = seededRandom(options.seed ?? 1);
  const vary = (ms: number): number => (jitter === 0 ? ms : ms * (1 + jitter * (2 * random() - 1)));

  const agenda = new Agenda();
  let now = 0;
  let next = 0;
  let active = 0;
  let maxActive = 0;
  let inFlight = 0;
  let overloads = 0;
  let wallMs = 0;
  const readServedAt = new Map<number, number>();
  const windows: number[] = [];
  const limits: SimulationResult['limits'] = [];

  const pump = (): void => {
    while (active < limiter.limit && next < projects) {
      const project = next++;
      active++;
      maxActive = Math.max(maxActive, active);
      agenda.add(now + clientMs, () => send(project, 'read'));
    }
  };

  const send = (project: number, kind: RequestKind): void => {
    const sentAt = now;
    const count = ++inFlight;
    agenda.add(now + vary(rtt / 2), () => {
      const served = server.serve(kind, now, vary);
      if (served === 'overload') {
        agenda.add(now + vary(rtt / 2), () => {
          inFlight--;
          overloads++;
          limiter.onOverload();
          limits.push({ atMs: now, limit: limiter.limit });
          pump();
          agenda.add(now + retryAfterMs, () => send(project, kind));
        });
        return;
      }
      if (kind === 'read') readServedAt.set(project, served);
      else windows[project] = served - (readServedAt.get(project) as number);
      agenda.add(served + vary(rtt / 2), () => {
        inFlight--;
        limiter.onSample({ kind, latencyMs: now - sentAt, inFlight: count });
        limits.push({ atMs: now, limit: limiter.limit });
        if (kind === 'read') {
          agenda.add(now + clientMs, () => send(project, 'write'));
        } else {
          active--;
          wallMs = now;
        }
        pump();
      });
    });
  };

  pump();
  for (let event = agenda.take(); event !== undefined; event = agenda.take()) {
    now = event.at;
    event.run();
  }
  return { wallMs, windows, limits, overloads, maxActive };
}
