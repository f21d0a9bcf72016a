import { z } from 'zod';
import type { MinUser, Project } from '../../api/schemas.js';
import type { ConcurrencySetting, Sourced } from '../../config/settings.js';
import { UsageError } from '../../errors.js';
import { selectionPlan } from '../../plan/builders.js';
import type { Plan, RightChange } from '../../plan/model.js';
import { parseRight } from '../../plan/rights.js';
import { formatIdRanges } from '../../selection/selectors.js';
import { parseSelection, type SelectionInput, selectProjects } from '../../selection/select.js';
import { planOrigin, runSettings, showPlanAndApply } from '../apply/flow.js';
import type { Context } from '../context.js';
import { applyOptions, describeSelection, parseOptions, refuseDryRunWithYes, selectorOptions } from '../options.js';
import { checkPlanOut } from '../out-file.js';
import { pickProjects } from '../pick.js';
import type { CommandModule } from '../main.js';
import type { CommandName } from '../program.js';
import { type Session, openSession } from '../session.js';
import { resolveUser } from '../users.js';

type ChangeCommand = 'grant' | 'revoke' | 'plan grant' | 'plan revoke';

const planShape = {
  ...selectorOptions,
  pick: z.boolean().optional(),
  user: z.string().optional(),
  right: z.string().default('view'),
  out: z.string().optional(),
  force: z.boolean().optional(),
  detailedExitcode: z.boolean().optional(),
  fixContact: z.boolean().optional(),
  showUnchanged: z.boolean().optional(),
};
const anyRight = z.boolean().optional();

/** The options of each command this module runs, exactly as program.ts declares them. */
export const changeOptionsSchemas = {
  grant: z.strictObject({ ...planShape, ...applyOptions }),
  revoke: z.strictObject({ ...planShape, anyRight, ...applyOptions }),
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
  operation: RightChange;
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
  refuseDryRunWithYes(opts);
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
  const operation: RightChange = name.endsWith('grant')
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
export const run: CommandModule['run'] = async (ctx, args, options, name) => {
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
    plan = await selectAndPlan(ctx, session, user, inputs, (n) => spinner.set(`Reading projects: ${n}`), pick);
    if (plan.entries.length === 0) throw nothingSelected(session, inputs.selection, describeSelection(args, opts));
  } finally {
    spinner.stop();
  }
  // After --pick, the projects picked: what a re-run must name to finish this one.
  const command =
    opts.pick === true
      ? journalCommand(name, [formatIdRanges(plan.entries.map((e) => e.projid))], {
          right: opts.right,
          user: opts.user,
          anyRight: opts.anyRight,
          fixContact: opts.fixContact,
        })
      : journalCommand(name, args, opts);
  return showPlanAndApply(
    ctx,
    {
      session,
      plan,
      users: new Map([[user.id, user]]),
      command,
      named: new Set([...inputs.selection.ids.single, ...inputs.selection.ids.ranged]),
    },
    runSettings(opts, inputs.planOnly, inputs.concurrency),
    { showUnchanged: opts.showUnchanged === true },
  );
};

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
 * Reads the selected projects, then plans them (selectionPlan). Only the decisions are kept:
 * the projects' full models are let go before applying (thousands of them would weigh on
 * memory), and every write reads its project afresh anyway.
 */
async function selectAndPlan(
  ctx: Context,
  session: Session,
  user: MinUser,
  inputs: Pick<ChangeInputs, 'operation' | 'selection' | 'opts'>,
  onProgress: (count: number) => void,
  pick?: (projects: Project[]) => Promise<Project[]>,
): Promise<Plan> {
  const selected = await selectProjects(session.client, session.me.id, inputs.selection, onProgress);
  if (pick !== undefined) selected.projects = await pick(selected.projects);
  return selectionPlan({
    origin: planOrigin(ctx, session),
    user,
    operation: inputs.operation,
    fixContact: inputs.opts.fixContact === true,
    selected,
  });
}
