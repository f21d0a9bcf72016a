/** How many projects the apply engine works on at once (a stand-in until the adaptive limiter lands). */
export interface ConcurrencyLimit {
  /** How many projects may be worked on at once now (1..max). */
  readonly limit: number;
  /** One HTTP attempt answered without an overload signal, after `latencyMs`. */
  onSample(sample: { kind: 'read' | 'write'; latencyMs: number; inFlight: number }): void;
  /** The server said slow down (429, or 503). */
  onOverload(): void;
}

export function fixedLimit(n: number): ConcurrencyLimit {
  return { limit: n, onSample() {}, onOverload() {} };
}

export function adaptiveLimit(options: { initial?: number; min?: number; max?: number } = {}): ConcurrencyLimit {
  return fixedLimit(Math.min(options.max ?? 8, 4));
}
