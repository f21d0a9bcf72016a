import type { ChalkInstance } from 'chalk';
import type { PlanEntry } from '../plan/planner.js';
import type { Outcome } from '../plan/results.js';

/*
 * The mark at the start of each line of a plan or a run's results, and its colour, the same
 * in text and Markdown.
 */

/** A plan's line: + a right given, - taken away, ~ changed, = left as it is, ! skipped. */
export type PlanGlyph = '+' | '-' | '~' | '=' | '!';

/** How a change ended: ✓ applied, = already so, ! skipped, ✗ failed, ? unconfirmed, · not started. */
export const OUTCOME_GLYPH = {
  applied: '✓',
  unchanged: '=',
  skipped: '!',
  failed: '✗',
  unconfirmed: '?',
  'not-started': '·',
} as const satisfies Record<Outcome, string>;

export type Glyph = PlanGlyph | (typeof OUTCOME_GLYPH)[Outcome];

/** Green for what is given or done, red for what is taken or went wrong, dim for what stays. */
const COLOUR: Record<Glyph, 'green' | 'red' | 'yellow' | 'magenta' | 'dim'> = {
  '+': 'green',
  '✓': 'green',
  '-': 'red',
  '✗': 'red',
  '?': 'red',
  '~': 'yellow',
  '!': 'magenta',
  '=': 'dim',
  '·': 'dim',
};

export function glyphOf(entry: PlanEntry): PlanGlyph {
  const d = entry.decision;
  if (d.kind === 'unchanged') return '=';
  if (d.kind === 'skip') return '!';
  if (d.from === null) return '+';
  if (d.to === null) return '-';
  return '~';
}

/** `text` in the colour of `glyph`. */
export function styleGlyph(glyph: Glyph, text: string, c: ChalkInstance): string {
  return c[COLOUR[glyph]](text);
}
