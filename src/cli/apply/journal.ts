import type { Plan } from '../../plan/model.js';
import { userOf } from '../../plan/model.js';
import { countOutcomes } from '../../plan/results.js';
import type { JournalWriter } from '../../store/journal.js';
import { listJournals } from '../../store/journal-read.js';
import type { RunReport } from '../../store/results-document.js';
import { groupRuns, groupToContinue } from '../../store/runs.js';
import type { Context } from '../context.js';

/** A run's journal, and the interrupted run it finishes, if any. */
export interface RunJournal {
  writer: JournalWriter;
  /** The group of the interrupted run this one finishes (the same command), which it joins. */
  continues: string | undefined;
}

/**
 * Opens the run's journal, on disk before the first write: a run that cannot be journaled
 * does not start. A run that finishes an interrupted one (the same command) joins its group:
 * one undo covers both.
 */
export async function openJournal(
  ctx: Context,
  plan: Plan,
  run: { command: string; undoes?: string[] | undefined },
): Promise<RunJournal> {
  const users = [...new Map(plan.entries.map((e) => [userOf(plan, e).id, userOf(plan, e)])).values()];
  const aboutOneUser = users.every((u) => u.id === plan.user.id);
  const continues = ctx.replaying
    ? undefined
    : groupToContinue(groupRuns(listJournals(ctx.journalDir(), () => undefined)), {
        server: plan.server,
        callerId: plan.caller.id,
        command: run.command,
        userIds: users.map((u) => u.id),
      });
  const writer = ctx.journal({
    server: plan.server,
    caller: plan.caller,
    ...(aboutOneUser ? { user: plan.user } : { users }),
    command: run.command,
    undoes: run.undoes,
    continues,
  });
  await writer.open();
  return { writer, continues };
}

/** Closes the journal with the run's counts; a last line that cannot be written is only a warning. */
export async function finishJournal(ctx: Context, journal: RunJournal, report: RunReport): Promise<void> {
  const counts = countOutcomes(report.results);
  try {
    await journal.writer.finish({
      interrupted: report.interrupted,
      applied: counts.applied,
      failed: counts.failed,
      stopped: report.stopped,
      skipped: counts.skipped,
      unconfirmed: counts.unconfirmed,
      notStarted: counts['not-started'],
    });
  } catch (err) {
    ctx.output.warn(
      `the journal's last line could not be written (${(err as Error).message}); its changes are all there`,
    );
  }
}

/** Where the journal is, and the command that undoes the run (or, after an undo, redoes it). */
export function sayJournal(ctx: Context, journal: RunJournal, undoes: readonly string[] | undefined): void {
  const { filepath, runId } = journal.writer;
  if (filepath === undefined || runId === undefined) return;
  const group = journal.continues ?? runId;
  const again = undoes === undefined ? 'undo it' : 'redo it';
  const withEarlier = journal.continues === undefined ? '' : ' (with the interrupted run it finished)';
  ctx.output.info(`Journal: ${filepath}; ${again}${withEarlier} with \`ecotaxa-access undo ${group}\``);
}
