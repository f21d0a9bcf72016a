import { z } from 'zod';
import type { MinUser, Project } from '../../api/schemas.js';
import type { ConcurrencySetting, Sourced } from '../../config/settings.js';
import { UsageError } from '../../errors.js';
import type { Plan, PlanOperation } from '../../plan/plan-document.js';
import { type Operation, type PlanContext, notFoundEntry, planEntry } from '../../plan/planner.js';
import { formatIdRanges } from '../../selection/selectors.js';
import { parseRight } from '../../plan/rights.js';
import { showPlanAndApply } from '../apply-flow.js';
import type { Context } from '../context.js';
import { concurrencyOptions, describeSelection, parseOptions } from '../options.js';
import type { CommandName } from '../program.js';
import { planNotes } from '../plan-notes.js';
import { checkPlanOut } from '../plan-out.js';
import { pickProjects } from '../pick.js';
import { parseSelection, type SelectionInput, selectProjects } from '../../selection/select.js';
import { type Session, openSession } from '../session.js';
import { resolveUser } from '../users.js';

type ChangeCommand = 'grant' | 'revoke' | 'plan grant' | 'plan revoke';

const selectionShape = {
  all: z.boolean().optional(),
  title: z.string().optional(),
  instrument: z.string().optional(),
  idsFrom: z.string().optional(),
  exclude: z.array(z.string()).optional(),
  pick: z.boolean().optional(),
};
const planShape = {
  ...selectionShape,
  user: z.string().optional(),
  right: z.string().default('view'),
  out: z.string().optional(),
  force: z.boolean().optional(),
  detailedExitcode: z.boolean().optional(),
  fixContact: z.boolean().optional(),
  showUnchanged: z.boolean().optional(),
};
const applyShape = {
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
  ...concurrencyOptions,
  strict: z.boolean().optional(),
};
const anyRight = z.boolean().optional();

/** The options of each command this module runs, exactly as program.ts declares them. */
export const changeOptionsSchemas = {
  grant: z.strictObject({ ...planShape, ...applyShape }),
  revoke: z.strictObject({ ...planShape, anyRight, ...applyShape }),
  'plan grant': z.strictObject(planShape),
  'plan revoke': z.strictObject({ ...planShape, anyRight }),
} as const satisfies Record<ChangeCommand, z.ZodType>;

/** Any of them: the widest, every key optional but --right. */
export type ChangeOptions = z.infer<(typeof changeOptionsSchemas)['revoke']>;

/**
 * The command as the journal and `history` show it, and as a re-run must repeat to finish an
 * interrupted one: the selectors and what changes for whom, not how it runs (--yes, --concurrency).
 */
export function journalCommand(name: ChangeCommand, args: readonly string[], opts: ChangeOptions): string {
  const parts = [name.replace(/^plan /, ''), describeSelection(args, opts)];
  if (opts.user !== undefined) parts.push(`--user ${/\s/.test(opts.user) ? `"${opts.user}"` : opts.user}`);
  if (opts.right.toLowerCase() !== 'view') parts.push(`--right ${opts.right.toLowerCase()}`);
  if (opts.anyRight === true) parts.push('--any-right');
  if (opts.fixContact === true) parts.push('--fix-contact');
  return parts.filter((p) => p !== '').join(' ');
}

function isChangeCommand(name: CommandName): name is ChangeCommand {
  return Object.hasOwn(changeOptionsSchemas, name);
}

/** What the user asked for, every part checked. */
export interface ChangeInputs {
  opts: ChangeOptions;
  planOnly: boolean;
  operation: PlanOperation & Operation;
  selection: SelectionInput;
  /** The user whose right changes, not yet looked up. */
  user: Sourced<string>;
  concurrency: ConcurrencySetting;
}

/** Checks everything the user typed (and --ids-from's file) before the first request. */
export async function parseInputs(
  ctx: Context,
  args: string[],
  options: Record<string, unknown>,
  name: ChangeCommand,
): Promise<ChangeInputs> {
  const opts: ChangeOptions = parseOptions(changeOptionsSchemas[name], options, name);
  if (opts.dryRun === true && opts.yes === true)
    throw new UsageError('--dry-run and --yes contradict each other: choose one');
  const right = parseRight(opts.right);
  checkPlanOut(ctx, opts);
  if (opts.pick === true && !ctx.output.interactive) {
    throw new UsageError(
      '--pick shows a list to choose from: it needs a terminal (stdin and stderr, not in CI); name the projects instead (ids, --all, --title, --instrument, --ids-from)',
    );
  }
  // --pick alone lists every project you manage.
  const pickAll =
    opts.pick === true &&
    args.length === 0 &&
    [opts.title, opts.instrument, opts.idsFrom].every((selector) => selector === undefined);
  const selection = await parseSelection(ctx.io, args, pickAll ? { ...opts, all: true } : opts);
  const settings = ctx.settings({
    concurrency: opts.concurrency,
    maxConcurrency: opts.maxConcurrency,
    user: opts.user,
    userFlag: '--user',
  });
  const operation: PlanOperation & Operation = name.endsWith('grant')
    ? { action: 'grant', right }
    : { action: 'revoke', right, anyRight: opts.anyRight === true };
  return {
    opts,
    planOnly: name.startsWith('plan') || opts.dryRun === true,
    operation,
    selection,
    user: settings.user,
    concurrency: settings.concurrency.value,
  };
}

/** grant / revoke / plan grant / plan revoke: select, plan, show, confirm, apply. */
export async function run(
  ctx: Context,
  args: string[],
  options: Record<string, unknown>,
  name: CommandName,
): Promise<number> {
  if (!isChangeCommand(name)) throw new Error(`change.ts cannot run ${name}`);
  const inputs = await parseInputs(ctx, args, options, name);
  const { opts } = inputs;

  const session = await openSession(ctx);
  const spinner = await ctx.output.spinner('Reading projects');
  let plan: Plan;
  let user: MinUser;
  try {
    user = await resolveUser(session.client, inputs.user.value, inputs.user.label);
    const pick =
      opts.pick === true
        ? (projects: Project[]): Promise<Project[]> => {
            spinner.stop();
            return pickProjects(ctx.io, projects, user, inputs.operation);
          }
        : undefined;
    plan = await buildPlan(ctx, session, user, inputs, (n) => spinner.set(`Reading projects: ${n}`), pick);
    if (plan.entries.length === 0) throw nothingSelected(session, inputs.selection, describeSelection(args, opts));
  } finally {
    spinner.stop();
  }
  return showPlanAndApply({
    ctx,
    session,
    plan,
    users: new Map([[user.id, user]]),
    planOnly: inputs.planOnly,
    yes: opts.yes === true,
    detailedExitcode: opts.detailedExitcode === true,
    out: opts.out,
    force: opts.force === true,
    concurrency: inputs.concurrency,
    strict: opts.strict === true,
    // After --pick, the projects picked: what a re-run must name to finish this one.
    command:
      opts.pick === true
        ? journalCommand(name, [formatIdRanges(plan.entries.map((e) => e.projid))], {
            right: opts.right,
            user: opts.user,
            anyRight: opts.anyRight,
            fixContact: opts.fixContact,
          })
        : journalCommand(name, args, opts),
    showUnchanged: opts.showUnchanged === true,
    named: new Set([...inputs.selection.ids.single, ...inputs.selection.ids.ranged]),
  });
}

/** An empty selection, in words that fit who you are: an administrator sees every project. */
function nothingSelected(session: Session, selection: SelectionInput, typed: string): UsageError {
  const byIds = selection.ids.single.length + selection.ids.ranged.length > 0;
  if (session.administrator && !byIds) {
    const means = selection.all
      ? '--all means those you are a manager of'
      : '--title and --instrument select among those you are a manager of';
    return new UsageError(
      `the selection (${typed}) matched no project you manage; as an administrator you see every project, but ${means}: check it against \`ecotaxa-access projects list\``,
    );
  }
  return new UsageError(
    `the selection (${typed}) matched no project you ${byIds ? 'can see' : 'manage'}: check it against \`ecotaxa-access projects list\``,
  );
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
  inputs: Pick<ChangeInputs, 'operation' | 'selection' | 'opts'>,
  onProgress: (count: number) => void,
  pick?: (projects: Project[]) => Promise<Project[]>,
): Promise<Plan> {
  const { operation, selection } = inputs;
  const fixContact = inputs.opts.fixContact === true;
  const selected = await selectProjects(session.client, session.me.id, selection, onProgress);
  if (pick !== undefined) selected.projects = await pick(selected.projects);
  const planCtx: PlanContext = { caller: session.me, user, fixContact };
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
    ...(fixContact ? { fixContact: true } : {}),
  };
  plan.notes = planNotes(plan, selected);
  return plan;
}
