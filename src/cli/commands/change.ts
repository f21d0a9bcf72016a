import { z } from 'zod';
import { type Operation, planEntry, notFoundEntry, type PlanContext } from '../../plan/planner.js';
import type { Plan, PlanOperation } from '../../plan/plan-document.js';
import { parseRight } from '../../plan/rights.js';
import { showPlanAndApply } from '../apply-flow.js';
import type { Context, Session } from '../context.js';
import type { MinUser } from '../../api/schemas.js';
import { parseSelection, type SelectionInput, selectProjects } from '../selection.js';
import { resolveUser } from '../users.js';
import { UsageError } from '../../errors.js';
import { planNotes } from '../plan-notes.js';

/** Options of grant, revoke, plan grant and plan revoke, as commander gives them. */
export const changeOptionsSchema = z.object({
  command: z.enum(['grant', 'revoke', 'plan grant', 'plan revoke']),
  all: z.boolean().optional(),
  title: z.string().optional(),
  instrument: z.string().optional(),
  idsFrom: z.string().optional(),
  exclude: z.array(z.string()).optional(),
  user: z.string().optional(),
  right: z.string().default('view'),
  anyRight: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
  out: z.string().optional(),
  detailedExitcode: z.boolean().optional(),
  concurrency: z.number().optional(),
  strict: z.boolean().optional(),
});
export type ChangeOptions = z.infer<typeof changeOptionsSchema>;

/** The selectors as typed, for messages. */
function describeSelection(args: readonly string[], opts: ChangeOptions): string {
  const parts: string[] = [];
  if (args.length > 0) parts.push(args.join(' '));
  if (opts.all === true) parts.push('--all');
  if (opts.title !== undefined) parts.push(`--title "${opts.title}"`);
  if (opts.instrument !== undefined) parts.push(`--instrument "${opts.instrument}"`);
  if (opts.idsFrom !== undefined) parts.push(`--ids-from ${opts.idsFrom}`);
  for (const e of opts.exclude ?? []) parts.push(`--exclude ${e}`);
  return parts.join(' ');
}

/** grant / revoke / plan grant / plan revoke: select, plan, show, confirm, apply. */
export async function run(ctx: Context, args: string[], rawOptions: Record<string, unknown>): Promise<number> {
  const opts = changeOptionsSchema.parse(rawOptions);
  const kind = opts.command.endsWith('grant') ? 'grant' : 'revoke';
  const planOnly = opts.command.startsWith('plan') || opts.dryRun === true;
  if (opts.dryRun === true && opts.yes === true)
    throw new UsageError('--dry-run and --yes contradict each other: choose one');

  // Everything the user typed is checked before the first request.
  const right = parseRight(opts.right);
  const selection = await parseSelection(ctx.io, args, opts);
  const concurrency = ctx.concurrency(opts.concurrency);
  const operation: PlanOperation & Operation =
    kind === 'grant' ? { action: 'grant', right } : { action: 'revoke', right, anyRight: opts.anyRight === true };

  const session = await ctx.session();
  const spinner = await ctx.output.spinner('Reading projects');
  let plan: Plan;
  let user: MinUser;
  try {
    user = await resolveUser(session.client, opts.user ?? ctx.defaultUser, '--user');
    plan = await buildPlan(ctx, session, user, operation, selection, (n) => spinner.set(`Reading projects: ${n}`));
    if (plan.entries.length === 0) {
      throw new UsageError(
        `the selection (${describeSelection(args, opts)}) matched no project you can see: check it against \`ecotaxa-access projects list\``,
      );
    }
  } finally {
    spinner.stop();
  }
  return showPlanAndApply({
    ctx,
    session,
    plan,
    users: new Map([[user.id, user]]),
    planOnly,
    yes: opts.yes === true,
    detailedExitcode: opts.detailedExitcode === true,
    out: opts.out,
    concurrency,
    strict: opts.strict === true,
    command: `${opts.command} ${args.join(' ')}`.trim(),
  });
}

/**
 * Reads the selected projects and decides each. Only the decisions are kept: the projects'
 * full models are let go before applying (thousands of them would weigh on memory), and
 * every write reads its project afresh anyway.
 */
async function buildPlan(
  ctx: Context,
  session: Session,
  user: MinUser,
  operation: PlanOperation & Operation,
  selection: SelectionInput,
  onProgress: (count: number) => void,
): Promise<Plan> {
  const selected = await selectProjects(session.client, session.me.id, selection, onProgress);
  const planCtx: PlanContext = { caller: session.me, user };
  const entries = [
    ...selected.projects.map((p) => planEntry(p, planCtx, operation)),
    ...selected.missing.map((id) => notFoundEntry(id)),
  ].sort((a, b) => a.projid - b.projid);
  const plan: Plan = {
    createdAt: ctx.now(),
    server: ctx.serverUrl,
    caller: session.me,
    user,
    operation,
    entries,
    notes: [],
  };
  plan.notes = planNotes(plan, selected);
  return plan;
}
