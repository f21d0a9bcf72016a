import path from 'node:path';
import { z } from 'zod';
import type { MinUser, Project } from '../../api/schemas.js';
import { InputError, UsageError, UserError } from '../../errors.js';
import { MAX_BYTES, readTextFile } from '../../files/read-text.js';
import { plural } from '../../output/words.js';
import type { Plan } from '../../plan/plan-document.js';
import { type MassRevoke, type PolicyPlan, planPolicy } from '../../policy/plan-policy.js';
import { type Policy, checkServer, parsePolicy, ruleName } from '../../policy/policy-file.js';
import { policyQuestion } from '../../render/plan.js';
import { showPlanAndApply } from '../apply-flow.js';
import type { Context } from '../context.js';
import { concurrencyOptions, parseOptions } from '../options.js';
import type { CommandName } from '../program.js';
import { planNotes } from '../plan-notes.js';
import { checkPlanOut } from '../plan-out.js';
import { type Session, openSession } from '../session.js';
import { resolveUser } from '../users.js';

type SyncCommand = 'sync' | 'plan sync';

const planShape = {
  out: z.string().optional(),
  force: z.boolean().optional(),
  detailedExitcode: z.boolean().optional(),
  format: z.enum(['text', 'markdown']).optional(),
  allowMassRevoke: z.boolean().optional(),
  showUnchanged: z.boolean().optional(),
};

/** The options of `sync` and `plan sync`, exactly as program.ts declares them. */
export const syncOptionsSchemas = {
  sync: z.strictObject({
    ...planShape,
    dryRun: z.boolean().optional(),
    yes: z.boolean().optional(),
    ...concurrencyOptions,
    strict: z.boolean().optional(),
  }),
  'plan sync': z.strictObject(planShape),
} as const satisfies Record<SyncCommand, z.ZodType>;

type SyncOptions = z.infer<(typeof syncOptionsSchemas)['sync']>;

function isSyncCommand(name: CommandName): name is SyncCommand {
  return Object.hasOwn(syncOptionsSchemas, name);
}

/** Reads and checks the policy file: one line naming the file, the line and the key if it is wrong. */
function readPolicy(ctx: Context, file: string): Policy {
  const text = readTextFile(path.resolve(ctx.io.cwd, file), {
    what: 'the policy',
    shown: file,
    maxBytes: MAX_BYTES.policy,
  });
  return parsePolicy(text, file);
}

/** Each rule's user, looked up like --user (id, exact email, exact name; active accounts only). */
async function resolveRuleUsers(session: Session, policy: Policy): Promise<MinUser[]> {
  const byText = new Map<string, MinUser>();
  const users: MinUser[] = [];
  for (const rule of policy.rules) {
    const where = `${policy.file}:${rule.userLine}: ${ruleName(rule)}.user`;
    const user = byText.get(rule.user) ?? (await resolveUser(session.client, rule.user, where));
    byText.set(rule.user, user);
    if (user.id === session.me.id) {
      throw new InputError(`${where} "${rule.user}" is you: this tool never changes your own right`);
    }
    users.push(user);
  }
  return users;
}

/** The peribolos guard: an authoritative rule may not take back more than a quarter of what its user holds. */
function refuseMassRevoke(policy: Policy, found: readonly MassRevoke[]): void {
  const first = found[0];
  if (first === undefined) return;
  const { rule, user, revocations, held } = first;
  const more = found.length > 1 ? ` (and ${plural(found.length - 1, 'more rule')})` : '';
  throw new UserError(
    `${policy.file}:${rule.line}: ${ruleName(rule)} (${rule.user} ${rule.right.toLowerCase()}, authoritative) would take ${rule.right} back from ${revocations} of the ${plural(held, 'project')} where ${user.name} holds it, more than a quarter${more}: check the policy, or add --allow-mass-revoke (with --dry-run to see the plan first)`,
    { errorCode: 'mass-revoke' },
  );
}

/** sync FILE / plan sync FILE: read the policy, plan it on your projects, show, confirm, apply. */
export async function run(
  ctx: Context,
  args: string[],
  options: Record<string, unknown>,
  name: CommandName,
): Promise<number> {
  if (!isSyncCommand(name)) throw new Error(`sync.ts cannot run ${name}`);
  const opts: SyncOptions = parseOptions(syncOptionsSchemas[name], options, name);
  if (opts.dryRun === true && opts.yes === true)
    throw new UsageError('--dry-run and --yes contradict each other: choose one');
  if (ctx.json && opts.format === 'markdown')
    throw new UsageError('--json and --format markdown are two different outputs: choose one');
  checkPlanOut(ctx, opts);
  const file = args[0] as string;
  const policy = readPolicy(ctx, file);
  checkServer(policy, ctx.serverUrl);
  const { concurrency } = ctx.settings({ concurrency: opts.concurrency, maxConcurrency: opts.maxConcurrency });

  const session = await openSession(ctx);
  const spinner = await ctx.output.spinner('Reading your projects');
  let users: MinUser[];
  let planned: PolicyPlan;
  let notManaged = 0;
  try {
    users = await resolveRuleUsers(session, policy);
    // Every project you manage, in one paged search: a policy is about all of them (an
    // authoritative rule takes back from those it does not select). An administrator's search
    // returns the whole server (API-NOTES "Projects"): "yours" means explicitly a manager.
    const mine: Project[] = [];
    for (const project of await session.client.searchProjects({ forManaging: true }, (n) =>
      spinner.set(`Reading your projects: ${n}`),
    )) {
      if (project.managers.some((m) => m.id === session.me.id)) mine.push(project);
      else notManaged++;
    }
    planned = planPolicy({
      policy,
      caller: session.me,
      projects: mine,
      users,
      today: ctx.now().toISOString().slice(0, 10),
    });
  } finally {
    spinner.stop();
  }
  if (opts.allowMassRevoke !== true) refuseMassRevoke(policy, planned.massRevokes);

  const plan: Plan = {
    createdAt: ctx.now(),
    server: ctx.serverUrl,
    caller: session.me,
    // The first rule's user; each entry names its own.
    user: users[0] as MinUser,
    operation: { action: 'sync', policy: file },
    entries: planned.entries,
    notes: [],
  };
  plan.notes = [...planned.notes, ...planNotes(plan, { rangedMissing: 0, notManagedAdminProjects: notManaged })];
  return showPlanAndApply({
    ctx,
    session,
    plan,
    users: new Map(users.map((u) => [u.id, u])),
    planOnly: name === 'plan sync' || opts.dryRun === true,
    yes: opts.yes === true,
    detailedExitcode: opts.detailedExitcode === true,
    out: opts.out,
    force: opts.force === true,
    concurrency: concurrency.value,
    strict: opts.strict === true,
    command: `${name} ${file}`,
    question: policyQuestion(plan),
    format: opts.format ?? 'text',
    showUnchanged: opts.showUnchanged === true,
  });
}
