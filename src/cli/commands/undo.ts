import { z } from 'zod';
import { InputError } from '../../errors.js';
import { type ChangeLine, findJournalToUndo, type JournalFile } from '../../plan/journal.js';
import type { Plan } from '../../plan/plan-document.js';
import { decide, notFoundEntry, type PlanEntry } from '../../plan/planner.js';
import { privilegeFingerprint } from '../../plan/fingerprint.js';
import { describeUser } from '../../plan/rights.js';
import { showPlanAndApply } from '../apply-flow.js';
import type { Context } from '../context.js';
import { concurrencyOptions, parseOptions } from '../options.js';
import { openSession } from '../session.js';
import { planNotes } from '../plan-notes.js';
import { isActive } from '../users.js';

export const undoOptionsSchema = z.strictObject({
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
  strict: z.boolean().optional(),
  ...concurrencyOptions,
  detailedExitcode: z.boolean().optional(),
});

/**
 * Per project: what the run found (first "before") and what it left (last "after"). Writes
 * whose outcome the run never learned count too: if the project shows their result, it is
 * put back; if it shows what they replaced, it is left as it is.
 */
function targets(
  journal: JournalFile,
): Map<number, { title: string; from: ChangeLine['after']; to: ChangeLine['before'] }> {
  const out = new Map<number, { title: string; from: ChangeLine['after']; to: ChangeLine['before'] }>();
  for (const change of [...journal.changes, ...journal.unknown]) {
    const known = out.get(change.projid);
    out.set(change.projid, {
      title: change.title,
      from: change.after,
      to: known === undefined ? change.before : known.to,
    });
  }
  return out;
}

/**
 * undo [JOURNAL]: the exact inverse of an earlier run, planned on the current state: each
 * project the run changed goes back to the right it had, unless it changed again since.
 */
export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(undoOptionsSchema, options, 'undo');
  const { concurrency } = ctx.settings({ concurrency: opts.concurrency, maxConcurrency: opts.maxConcurrency });
  const session = await openSession(ctx);
  const journal = findJournalToUndo(ctx.journalDir(), ctx.serverUrl, session.me.id, args[0], ctx.io.cwd);
  if (journal.run.server !== ctx.serverUrl) {
    throw new InputError(
      `${journal.filepath} records changes on ${journal.run.server}, not ${ctx.serverUrl}: use --url ${journal.run.server}`,
    );
  }
  if (journal.run.caller.id !== session.me.id) {
    throw new InputError(`${journal.filepath} records changes by ${describeUser(journal.run.caller)}, not by you`);
  }
  if (journal.changes.length + journal.unknown.length === 0) {
    throw new InputError(`${journal.filepath} records no change: nothing to undo`);
  }

  const user = await session.client.getUser(journal.run.user.id);
  if (user === undefined)
    throw new InputError(`the user of that run, ${describeUser(journal.run.user)}, no longer exists`);
  if (!(await isActive(session.client, user))) {
    throw new InputError(
      `the user of that run, ${describeUser(user)}, has an inactive account now: EcoTaxa no longer shows its rights`,
    );
  }
  const wanted = targets(journal);
  const current = new Map((await session.client.getProjects([...wanted.keys()])).map((p) => [p.projid, p]));
  const planCtx = { caller: session.me, user };
  const entries: PlanEntry[] = [...wanted.entries()]
    .sort(([a], [b]) => a - b)
    .map(([projid, target]) => {
      const project = current.get(projid);
      const restore = { from: target.from, to: target.to };
      if (project === undefined) return { ...notFoundEntry(projid, target.title), restore };
      return {
        projid,
        title: project.title,
        fingerprint: privilegeFingerprint(project),
        decision: decide(project, planCtx, { action: 'restore', ...restore }),
        restore,
      };
    });
  const plan: Plan = {
    createdAt: ctx.now(),
    server: ctx.serverUrl,
    caller: session.me,
    user,
    operation: { action: 'restore', journal: journal.run.runId },
    entries,
    notes: [],
  };
  plan.notes = [`Undoing ${journal.run.command} (${journal.filepath}).`, ...planNotes(plan)];
  return showPlanAndApply({
    ctx,
    session,
    plan,
    user,
    planOnly: opts.dryRun === true,
    yes: opts.yes === true,
    detailedExitcode: opts.detailedExitcode === true,
    out: undefined,
    concurrency: concurrency.value,
    strict: opts.strict === true,
    command: `undo ${journal.run.runId}`,
    undoes: journal.run.runId,
  });
}
