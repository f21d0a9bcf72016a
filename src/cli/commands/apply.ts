import path from 'node:path';
import { z } from 'zod';
import type { MinUser, Project } from '../../api/schemas.js';
import type { ConcurrencySetting } from '../../config/settings.js';
import { InputError } from '../../errors.js';
import { MAX_BYTES, readTextFile } from '../../files/read-text.js';
import { privilegeFingerprint } from '../../plan/fingerprint.js';
import { type Plan, operationFor, parsePlanFile, userOf } from '../../plan/plan-document.js';
import { type PlanEntry, decide, notFoundEntry } from '../../plan/planner.js';
import { describeDrift, describeUser, rightOf } from '../../plan/rights.js';
import { showPlanAndApply } from '../apply-flow.js';
import type { Context } from '../context.js';
import { concurrencyOptions, parseOptions } from '../options.js';
import { type Session, openSession } from '../session.js';
import { planNotes } from '../plan-notes.js';
import { isActive } from '../users.js';

export const applyOptionsSchema = z.strictObject({
  yes: z.boolean().optional(),
  strict: z.boolean().optional(),
  ...concurrencyOptions,
  showUnchanged: z.boolean().optional(),
});

/**
 * A saved plan decided again on the server's current state. Entries whose privileges changed
 * since the plan are drift: decided again, or skipped with --strict. Returns the fresh plan
 * (its fingerprints are now's, so a change during the confirmation is caught at write time)
 * and one line per drifted project.
 */
export async function replan(
  session: Session,
  saved: Plan,
  strict: boolean,
  now: Date,
): Promise<{ plan: Plan; driftLines: string[]; users: Map<number, MinUser> }> {
  const users = new Map<number, MinUser>();
  for (const known of new Map(saved.entries.map((e) => [userOf(saved, e).id, userOf(saved, e)])).values()) {
    const user = await session.client.getUser(known.id);
    if (user === undefined) {
      throw new InputError(`the plan's user ${describeUser(known)} no longer exists on ${saved.server}`);
    }
    if (!(await isActive(session.client, user))) {
      throw new InputError(
        `the plan's user ${describeUser(user)} has an inactive account now: EcoTaxa would not show the right and drops it at the next update`,
      );
    }
    users.set(user.id, user);
  }
  const fresh = new Map<number, Project>(
    (await session.client.getProjects(saved.entries.map((e) => e.projid))).map((p) => [p.projid, p]),
  );
  const driftLines: string[] = [];
  const planUser = users.get(saved.user.id) ?? saved.user;
  const entries = saved.entries.map((old): PlanEntry => {
    const user = users.get(userOf(saved, old).id) as MinUser;
    const ctx = { caller: session.me, user, fixContact: saved.fixContact };
    // What the entry is about stays as planned: its own user, operation, rule, undo target.
    const about: Partial<PlanEntry> = {};
    if (old.restore !== undefined) about.restore = old.restore;
    if (old.user !== undefined) about.user = user;
    if (old.operation !== undefined) about.operation = old.operation;
    if (old.rule !== undefined) about.rule = old.rule;
    const project = fresh.get(old.projid);
    if (project === undefined) {
      if (old.fingerprint !== null) driftLines.push(`${old.projid} ${old.title}: no longer visible to you`);
      return { ...notFoundEntry(old.projid, old.title), ...about };
    }
    const fingerprint = privilegeFingerprint(project);
    const decision = decide(project, ctx, operationFor(saved, old));
    const entry: PlanEntry = { projid: old.projid, title: project.title, fingerprint, decision, ...about };
    if (old.fingerprint !== fingerprint) {
      const before = old.decision.kind === 'change' ? old.decision.from : old.decision.current;
      driftLines.push(
        `${old.projid} ${project.title}: ${describeDrift(before, project, user)}${strict ? '; skipped (--strict)' : ''}`,
      );
      if (strict) {
        entry.decision = {
          kind: 'skip',
          code: 'drift',
          current: rightOf(project, user.id),
          reason: 'changed since the plan (--strict)',
        };
      }
    }
    return entry;
  });
  const plan: Plan = { ...saved, createdAt: now, user: planUser, entries, notes: [] };
  plan.notes = planNotes(plan);
  return { plan, driftLines, users };
}

/** Checks the flags and reads the plan file, before the first request. */
export function parseInputs(
  ctx: Context,
  args: string[],
  options: Record<string, unknown>,
): { file: string; saved: Plan; opts: z.infer<typeof applyOptionsSchema>; concurrency: ConcurrencySetting } {
  const opts = parseOptions(applyOptionsSchema, options, 'apply');
  const file = args[0] as string;
  const { concurrency } = ctx.settings({ concurrency: opts.concurrency, maxConcurrency: opts.maxConcurrency });
  const text = readTextFile(path.resolve(ctx.io.cwd, file), {
    what: 'the plan',
    shown: file,
    maxBytes: MAX_BYTES.plan,
  });
  const saved = parsePlanFile(text, file);
  if (saved.server !== ctx.serverUrl) {
    throw new InputError(
      `${file} is a plan for ${saved.server}, not ${ctx.serverUrl}: use --url ${saved.server}, or make a new plan`,
    );
  }
  return { file, saved, opts, concurrency: concurrency.value };
}

/** apply FILE: a saved plan, for this server and this caller only, on fresh state. */
export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const { file, saved, opts, concurrency } = parseInputs(ctx, args, options);
  const session = await openSession(ctx);
  if (saved.caller.id !== session.me.id) {
    throw new InputError(
      `${file} was made by ${describeUser(saved.caller)}, but you are ${describeUser(session.me)}: make a new plan as yourself`,
    );
  }
  const spinner = await ctx.output.spinner('Reading the projects of the plan');
  let fresh: Awaited<ReturnType<typeof replan>>;
  try {
    fresh = await replan(session, saved, opts.strict === true, ctx.now());
  } finally {
    spinner.stop();
  }
  return showPlanAndApply({
    ctx,
    session,
    plan: fresh.plan,
    users: fresh.users,
    planOnly: false,
    yes: opts.yes === true,
    detailedExitcode: false,
    out: undefined,
    concurrency,
    strict: opts.strict === true,
    command: `apply ${file}`,
    driftLines: fresh.driftLines,
    showUnchanged: opts.showUnchanged === true,
  });
}
