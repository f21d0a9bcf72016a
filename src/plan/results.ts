import type { ContactChange, Plan } from './model.js';
import type { RightOrNone } from './rights.js';

/*
 * How each change of a plan ended when it was carried out: the apply engine's results, as
 * the journal, the --json results document and the renderers read them.
 */

export type Outcome = 'applied' | 'unchanged' | 'skipped' | 'failed' | 'unconfirmed' | 'not-started';

/** What happened to one planned change (one user on one project). */
export interface ApplyResult {
  projid: number;
  title: string;
  /** Whose right. */
  userId: number;
  outcome: Outcome;
  from: RightOrNone;
  to: RightOrNone;
  /** Why it was not applied, or what to know about how it was. */
  reason?: string;
  /** How the project had changed since the plan, if it had. */
  drift?: string;
  /** For applied changes: whether a read-back showed the new right. */
  verified?: boolean;
  /** --fix-contact: the contact this write set (or would have set). */
  contact?: ContactChange;
  /** Which rule of a policy asked for it (sync). */
  rule?: string;
}

export function countOutcomes(results: readonly ApplyResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = {
    applied: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    unconfirmed: 0,
    'not-started': 0,
  };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

/** Every entry of the plan, counted by how it ended: the planned changes by their result. */
export interface RunCounts {
  applied: number;
  failed: number;
  unconfirmed: number;
  notStarted: number;
  /** Skipped in the plan, or when decided again right before the write. */
  skipped: number;
  /** Unchanged in the plan, or found already done right before the write. */
  alreadyDone: number;
  /** Applied changes that also made the caller the contact (--fix-contact). */
  contactsSet: number;
}

export function runCounts(plan: Pick<Plan, 'entries'>, results: readonly ApplyResult[]): RunCounts {
  const outcomes = countOutcomes(results);
  let skipped = outcomes.skipped;
  let alreadyDone = outcomes.unchanged;
  for (const entry of plan.entries) {
    if (entry.decision.kind === 'skip') skipped++;
    if (entry.decision.kind === 'unchanged') alreadyDone++;
  }
  return {
    applied: outcomes.applied,
    failed: outcomes.failed,
    unconfirmed: outcomes.unconfirmed,
    notStarted: outcomes['not-started'],
    skipped,
    alreadyDone,
    contactsSet: new Set(results.filter((r) => r.outcome === 'applied' && r.contact).map((r) => r.projid)).size,
  };
}
