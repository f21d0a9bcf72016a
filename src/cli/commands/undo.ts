import { z } from 'zod';
import type { MinUser } from '../../api/schemas.js';
import { InputError } from '../../errors.js';
import { journaledUser, restorePlan } from '../../plan/builders.js';
import { describeUser } from '../../plan/rights.js';
import { listJournals } from '../../store/journal-read.js';
import {
  type RunGroup,
  type UndoTarget,
  contactChanges,
  groupRuns,
  groupsToUndo,
  undoTargets,
} from '../../store/runs.js';
import { planOrigin, runSettings, showPlanAndApply } from '../apply/flow.js';
import type { Context } from '../context.js';
import { applyOptions, parseOptions } from '../options.js';
import { type Session, openSession } from '../session.js';
import { isActive } from '../users.js';

export const undoOptionsSchema = z.strictObject({
  ...applyOptions,
  detailedExitcode: z.boolean().optional(),
  showUnchanged: z.boolean().optional(),
});

/**
 * The users whose rights the runs changed, as EcoTaxa has them now. A user who no longer
 * exists or whose account is inactive cannot be given a right back (EcoTaxa hides inactive
 * accounts' rights and drops them at the next update): their projects are skipped with the
 * reason, and when that is every user, undo refuses.
 */
async function resolveRunUsers(
  session: Session,
  groups: readonly RunGroup[],
  targets: readonly UndoTarget[],
): Promise<{ users: Map<number, MinUser>; gone: Map<number, string> }> {
  const users = new Map<number, MinUser>();
  const gone = new Map<number, string>();
  for (const id of new Set(targets.map((t) => t.userId))) {
    const known = journaledUser(
      groups.flatMap((g) => g.users),
      id,
    );
    const user = await session.client.getUser(id);
    if (user === undefined) gone.set(id, `the user of that run, ${describeUser(known)}, no longer exists`);
    else if (!(await isActive(session.client, user))) {
      gone.set(
        id,
        `the user of that run, ${describeUser(user)}, has an inactive account now: EcoTaxa no longer shows its rights`,
      );
    } else users.set(user.id, user);
  }
  const [first] = gone.values();
  if (users.size === 0 && first !== undefined) throw new InputError(first);
  return { users, gone };
}

/**
 * The groups of runs to undo (the last one, or those named), each checked to be this
 * server's and the caller's, with what they changed.
 */
function runsToUndo(
  ctx: Context,
  session: Session,
  args: readonly string[],
): { groups: RunGroup[]; targets: UndoTarget[] } {
  const dir = ctx.journalDir();
  const journals = listJournals(dir, undefined, (_file, err) => ctx.output.warn(`${err.message}; it is left out`));
  const groups = groupsToUndo(groupRuns(journals), {
    server: ctx.serverUrl,
    callerId: session.me.id,
    named: args,
    cwd: ctx.io.cwd,
    dir,
  });
  for (const group of groups) {
    if (group.server !== ctx.serverUrl) {
      throw new InputError(`run ${group.id} changed ${group.server}, not ${ctx.serverUrl}: use --url ${group.server}`);
    }
    if (group.caller.id !== session.me.id) {
      throw new InputError(`run ${group.id} was made by ${describeUser(group.caller)}, not by you`);
    }
  }
  const targets = undoTargets(groups);
  if (targets.length === 0) {
    throw new InputError(`run ${groups.map((g) => g.id).join(', ')} changed nothing: nothing to undo`);
  }
  return { groups, targets };
}

/**
 * undo [RUN...]: the exact inverse of earlier runs, planned on the current state: each
 * project and user a run changed goes back to the right it had, unless it changed again
 * since. A run that finished an interrupted one is undone with it.
 */
export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(undoOptionsSchema, options, 'undo');
  const { concurrency } = ctx.settings({ concurrency: opts.concurrency, maxConcurrency: opts.maxConcurrency });
  const session = await openSession(ctx);
  const { groups, targets } = runsToUndo(ctx, session, args);
  const { users, gone } = await resolveRunUsers(session, groups, targets);
  const projects = await session.client.getProjects([...new Set(targets.map((t) => t.projid))]);
  const plan = restorePlan({
    origin: planOrigin(ctx, session),
    undone: groups,
    targets,
    users,
    gone,
    journaled: groups.flatMap((g) => g.users),
    projects,
    keptContacts: contactChanges(groups),
  });
  const ids = groups.map((g) => g.id);
  return showPlanAndApply(
    ctx,
    { session, plan, users, command: `undo ${ids.join(' ')}`, undoes: ids },
    runSettings(opts, opts.dryRun === true, concurrency.value),
    { showUnchanged: opts.showUnchanged === true },
  );
}
