import type { ProgressCounts } from '../output/output.js';
import { displayWidth } from '../output/table.js';

/*
 * The progress line while writing, which Output draws again and again on stderr.
 */

/** "0:42", "12:05", "1:02:09". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const BAR_MIN = 10;
const BAR_MAX = 30;

/**
 * The progress line while writing, fitted to `width` columns (one less, so that the terminal
 * never wraps it): "Granting [██████░░░░░░] 120/276  2 failed  1 retrying  0:42, ~0:55 left".
 * The time left is the pace so far applied to what remains, once something is done, and
 * not while all that remains waits to be retried.
 */
export function progressLine(label: string, p: ProgressCounts, elapsedMs: number, width: number): string {
  const parts = [`${p.done}/${p.total}`];
  if (p.failed > 0) parts.push(`${p.failed} failed`);
  if (p.retrying > 0) parts.push(`${p.retrying} retrying`);
  // No estimate while all that is left waits for a retry: its wait is not the pace so far.
  const remaining = p.total - p.done;
  const left =
    p.done > 0 && remaining > p.retrying
      ? `, ~${formatDuration(Math.max(1000, (elapsedMs / p.done) * remaining))} left`
      : '';
  parts.push(`${formatDuration(elapsedMs)}${left}`);
  const text = parts.join('  ');
  // The bar keeps one size while counts come and go: room is kept for the longest text of
  // this run (every count at its total), unless even the bar's minimum would not fit then.
  const n = String(p.total);
  const longest = `${n}/${n}  ${n} failed  ${n} retrying  ${formatDuration(elapsedMs)}, ~${formatDuration(elapsedMs)} left`;
  const free = (t: string): number => width - 1 - displayWidth(label) - displayWidth(t) - 4;
  const room = Math.min(free(text), Math.max(free(longest), BAR_MIN));
  if (room >= BAR_MIN) {
    const size = Math.min(BAR_MAX, room);
    const filled = p.total === 0 ? size : Math.floor((size * p.done) / p.total);
    return `${label} [${'█'.repeat(filled)}${'░'.repeat(size - filled)}] ${text}`;
  }
  // No room for a bar: the least telling parts go first (time, then retrying, then failed).
  for (let n = parts.length; n > 1; n--) {
    const line = `${label} ${parts.slice(0, n).join('  ')}`;
    if (displayWidth(line) < width) return line;
  }
  return `${label} ${parts[0] as string}`;
}
