import { z } from 'zod';
import type { MinUser } from '../../api/schemas.js';
import type { ConcurrencySetting } from '../../config/settings.js';
import { InputError } from '../../errors.js';
import { type Replanned, replannedPlan } from '../../plan/builders.js';
import { type Plan, userOf } from '../../plan/model.js';
import { describeUser } from '../../plan/rights.js';
import { readPlanFile } from '../../store/plan-file.js';
import { runSettings, showPlanAndApply } from '../apply/flow.js';
import type { Context } from '../context.js';
import { concurrencyOptions, parseOptions } from '../options.js';
import { type Session, openSession } from '../session.js';
import { isActive } from '../users.js';

export const applyOptionsSchema = z.strictObject({
  yes: z.boolean().optional(),
  strict: z.boolean().optional(),
  ...concurrencyOptions,
  showUnchanged: z.boolean().optional(),
});

/** Every user of a saved plan as EcoTaxa has them now: each must still exist, with an active account. */
async function planUsersNow(session: Session, saved: Plan): Promise<Map<number, MinUser>> {
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
  return users;
}

/** A saved plan decided again on the server's current state (replannedPlan), with its users. */
async function replan(
  session: Session,
  saved: Plan,
  strict: boolean,
  now: Date,
): Promise<Replanned & { users: Map<number, MinUser> }> {
  const users = await planUsersNow(session, saved);
  const projects = await session.client.getProjects(saved.entries.map((e) => e.projid));
  return { ...replannedPlan({ saved, caller: session.me, users, projects, strict, now }), users };
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
  const saved = readPlanFile(ctx.io.cwd, file);
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
  return showPlanAndApply(
    ctx,
    { session, plan: fresh.plan, users: fresh.users, command: `apply ${file}` },
    runSettings(opts, false, concurrency),
    { driftLines: fresh.driftLines, showUnchanged: opts.showUnchanged === true },
  );
}
