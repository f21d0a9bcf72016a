import { errorMessage } from '../errors.js';
import { userOf } from '../plan/model.js';
import type { ApplyResult, Outcome } from '../plan/results.js';
import type { JournalChange } from '../store/journal.js';
import { type ApplyRun, type ProjectTask, stopAll } from './apply-run.js';
import type { RetryBudget } from './budget.js';
import { type PlannedWrite, changeResult, plannedRights } from './steps.js';

/*
 * What a project's steps report, and what they journal: the results of its entries, the
 * intent before a write and the change once it landed.
 */

/** A result's reason with more said after it. */
export function join(reason: string | undefined, more: string): string {
  return reason === undefined ? more : `${reason}; ${more}`;
}

/** How many attempts a failure came after, when more than one. */
export function tries(budget: RetryBudget): string {
  return budget.attempt > 1 ? ` (after ${budget.attempt} attempts)` : '';
}

/** Every entry of the task, reported with one outcome and reason (nothing was decided anew). */
export function entryResults(run: ApplyRun, task: ProjectTask, outcome: Outcome, reason: string): ApplyResult[] {
  return task.entries.map((entry) => ({
    projid: entry.projid,
    title: entry.title,
    userId: userOf(run.plan, entry).id,
    outcome,
    ...plannedRights(entry),
    reason,
    ...(entry.rule === undefined ? {} : { rule: entry.rule }),
  }));
}

/** Every change of a write with one outcome, then the entries settled without it. */
export function writeResults(
  write: PlannedWrite,
  outcome: Outcome,
  reason: string | undefined,
  settled: readonly ApplyResult[],
): ApplyResult[] {
  return [
    ...write.changes.map((change) => ({
      ...changeResult(write.title, change, write.contact),
      outcome,
      ...(reason === undefined ? {} : { reason }),
    })),
    ...settled,
  ];
}

function journalChanges(write: PlannedWrite): JournalChange[] {
  return write.changes.map((change, i) => ({
    projid: write.projid,
    title: write.title,
    userId: change.user.id,
    before: change.from,
    after: change.to,
    // The contact rides on the first line of the write that set it.
    ...(i === 0 && write.contact !== undefined
      ? { contact: { before: write.contact.from, after: write.contact.to } }
      : {}),
  }));
}

/**
 * The write's intent, journaled before it is sent; a journal that cannot take it stops the run.
 * Whether the journal took it.
 */
export async function intend(run: ApplyRun, write: PlannedWrite): Promise<boolean> {
  try {
    for (const change of journalChanges(write)) await run.options.journal.intend(change);
    return true;
  } catch (err) {
    stopAll(run, `the journal could not be written (${errorMessage(err)})`);
    return false;
  }
}

/**
 * A write the run knows changed nothing (refused, a write conflict, never sent): its intent is
 * withdrawn, so that undo does not revert a right someone else gave meanwhile. A journal that
 * cannot take it stops the run; the intent then stays, of unknown outcome, as before.
 */
export async function notLanded(run: ApplyRun, write: PlannedWrite): Promise<void> {
  try {
    for (const change of journalChanges(write)) await run.options.journal.notLanded(change);
  } catch (err) {
    stopAll(run, `the journal could not be written (${errorMessage(err)})`);
  }
}

/** A write landed: its lines go to the journal before it is reported as applied. */
export async function landed(
  run: ApplyRun,
  write: PlannedWrite,
  reason: string | undefined,
  settled: readonly ApplyResult[],
): Promise<ApplyResult[]> {
  let note = reason;
  try {
    for (const change of journalChanges(write)) await run.options.journal.record(change);
  } catch (err) {
    stopAll(run, `the journal could not be written (${errorMessage(err)}): undo will not know of the last changes`);
    note = join(reason, 'not in the journal: undo will not know of it');
  }
  return writeResults(write, 'applied', note, settled);
}
