/*
 * Counts and times as people read them, the same in every output: renderings, messages and
 * the comments of a dumped policy.
 */

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * "1 project", "3 projects", "2 people": a count and its noun in the right number. `count`
 * writes the number (`formatCount` for totals read by people).
 */
export function plural(n: number, one: string, many = `${one}s`, count: (n: number) => string = String): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** "2026-11-27T08:50:00.135Z" → "2026-11-27 08:50" (UTC, to the minute). */
export function formatAt(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}
