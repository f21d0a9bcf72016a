import { z } from 'zod';
import type { MinUser } from '../../api/schemas.js';
import { InputError } from '../../errors.js';
import { privilegeFingerprint } from '../../plan/fingerprint.js';
import { listJournals } from '../../store/journal.js';
import type { Person, Plan } from '../../plan/plan-document.js';
import { type PlanEntry, decide, notFoundEntry } from '../../plan/planner.js';
import { describeUser } from '../../plan/rights.js';
import {
  type RunGroup,
  type UndoTarget,
  contactChanges,
  groupRuns,
  groupsToUndo,
  undoTargets,
} from '../../store/runs.js';
import { showPlanAndApply } from '../apply-flow.js';
import type { Context } from '../context.js';
import { concurrencyOptions, parseOptions } from '../options.js';
import { type Session, openSession } from '../session.js';
import { planNotes } from '../plan-notes.js';
import { isActive } from '../users.js';

export const undoOptionsSchema = z.strictObject({
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
  strict: z.boolean().optional(),
  ...concurrencyOptions,
  detailedExitcode: z.boolean().optional(),
  showUnchanged: z.boolean().optional(),
});

/** A user as the runs' journals name them. */
function named(groups: readonly RunGroup[], id: number): Person {
  return groups.flatMap((g) => g.users).find((u) => u.id === id) ?? { id, name: `#${id}`, email: '' };
}

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
    const known = named(groups, id);
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
 * undo [RUN...]: the exact inverse of earlier runs, planned on the current state: each
 * project and user a run changed goes back to the right it had, unless it changed again
 * since. A run that finished an interrupted one is undone with it.
 */
export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(undoOptionsSchema, options, 'undo');
  const { concurrency } = ctx.settings({ concurrency: opts.concurrency, maxConcurrency: opts.maxConcurrency });
  const session = await openSession(ctx);
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

  const { users, gone } = await resolveRunUsers(session, groups, targets);
  const firstUser = [...users.values()][0] as MinUser;
  const aboutOneUser = targets.every((t) => t.userId === firstUser.id);
  const current = new Map(
    (await session.client.getProjects([...new Set(targets.map((t) => t.projid))])).map((p) => [p.projid, p]),
  );
  const entries: PlanEntry[] = targets.map((target) => {
    const restore = { from: target.from, to: target.to };
    const unreachable = gone.get(target.userId);
    const user = users.get(target.userId) ?? named(groups, target.userId);
    const project = current.get(target.projid);
    const entry: PlanEntry =
      unreachable !== undefined
        ? {
            projid: target.projid,
            title: project?.title ?? target.title,
            fingerprint: project === undefined ? null : privilegeFingerprint(project),
            decision: { kind: 'skip', code: 'inactive-user', current: null, reason: unreachable },
            restore,
          }
        : project === undefined
          ? { ...notFoundEntry(target.projid, target.title), restore }
          : {
              projid: target.projid,
              title: project.title,
              fingerprint: privilegeFingerprint(project),
              decision: decide(project, { caller: session.me, user }, { action: 'restore', ...restore }),
              restore,
            };
    if (!aboutOneUser) entry.user = user;
    return entry;
  });
  const ids = groups.map((g) => g.id);
  const plan: Plan = {
    createdAt: ctx.now(),
    server: ctx.serverUrl,
    caller: session.me,
    user: firstUser,
    operation: { action: 'restore', journal: ids.join(',') },
    entries,
    notes: [],
  };
  const undoing = groups.map((g) => `${g.command} (run ${g.id}${g.runs.length > 1 ? `, ${g.runs.length} runs` : ''})`);
  const contacts = contactChanges(groups);
  plan.notes = [
    `Undoing ${undoing.join('; ')}.`,
    ...(contacts.length === 0
      ? []
      : [
          `The contact set by --fix-contact stays on ${contacts.map((c) => c.projid).join(', ')}: EcoTaxa cannot update a project without a valid contact.`,
        ]),
    ...planNotes(plan),
  ];
  return showPlanAndApply({
    ctx,
    session,
    plan,
    users,
    planOnly: opts.dryRun === true,
    yes: opts.yes === true,
    detailedExitcode: opts.detailedExitcode === true,
    out: undefined,
    concurrency: concurrency.value,
    strict: opts.strict === true,
    command: `undo ${ids.join(' ')}`,
    undoes: ids,
    showUnchanged: opts.showUnchanged === true,
  });
}
