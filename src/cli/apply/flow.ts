import type { MinUser } from '../../api/schemas.js';
import type { ConcurrencySetting } from '../../config/settings.js';
import { inert } from '../../output/inert.js';
import type { PlanOrigin } from '../../plan/builders.js';
import { summarize } from '../../plan/counts.js';
import type { Plan } from '../../plan/model.js';
import { toPlanDocument } from '../../store/plan-file.js';
import { resultsDocument } from '../../store/results-document.js';
import type { Context } from '../context.js';
import { savePlan } from '../out-file.js';
import type { Session } from '../session.js';
import { confirmFirst } from './confirm.js';
import { runEngine } from './engine.js';
import { planExitCode, runExitCode } from './exit.js';
import { finishJournal, openJournal, sayJournal } from './journal.js';
import { reportProblems } from './problems.js';
import { type PlanDisplay, renderedPlan, screenFor, showResults } from './screen.js';

/** What runs: the plan, its users, and what the journal says of it. */
export interface PlannedRun {
  session: Session;
  plan: Plan;
  /** Every user of the plan, as EcoTaxa returned them. */
  users: ReadonlyMap<number, MinUser>;
  /** For the journal: the command line that asked for it. */
  command: string;
  /** For the journal of an undo: the runs it undoes. */
  undoes?: string[] | undefined;
  /**
   * Ids the user named (on the command line or in --ids-from): one that is not found or
   * cannot be changed makes the run exit 1, after doing the rest.
   */
  named?: ReadonlySet<number> | undefined;
}

/** How it runs. */
export interface RunSettings {
  /** --dry-run or `plan`: show and stop. */
  planOnly: boolean;
  yes: boolean;
  detailedExitcode: boolean;
  /** --out FILE, or "-" for stdout (which then holds the plan's JSON only). */
  out: string | undefined;
  /** --force: --out may replace a file that is not a plan. */
  force?: boolean | undefined;
  concurrency: ConcurrencySetting;
  strict: boolean;
}

/** How it runs, from a command's options: what it does not have is off. */
export function runSettings(
  opts: {
    yes?: boolean | undefined;
    strict?: boolean | undefined;
    detailedExitcode?: boolean | undefined;
    out?: string | undefined;
    force?: boolean | undefined;
  },
  planOnly: boolean,
  concurrency: ConcurrencySetting,
): RunSettings {
  return {
    planOnly,
    yes: opts.yes === true,
    detailedExitcode: opts.detailedExitcode === true,
    out: opts.out,
    force: opts.force === true,
    concurrency,
    strict: opts.strict === true,
  };
}

/** A plan made now, on this server, by the session's caller. */
export function planOrigin(ctx: Context, session: Session): PlanOrigin {
  return { createdAt: ctx.now(), server: ctx.serverUrl, caller: session.me };
}

/** Saves the plan when --out asks for it, and says where. */
function saveIfAsked(ctx: Context, plan: Plan, how: RunSettings): void {
  if (how.out === undefined) return;
  const saved = savePlan(ctx, plan, how.out, how.force === true);
  if (saved !== undefined) {
    ctx.output.info(`Saved the plan to ${inert(saved)}: apply it with \`ecotaxa-access apply ${inert(how.out)}\``);
  }
}

/**
 * The second half of grant, revoke, sync, apply and undo: show the plan, save it if asked,
 * ask (or require --yes), apply, and report what needs attention.
 */
export async function showPlanAndApply(
  ctx: Context,
  run: PlannedRun,
  how: RunSettings,
  display: PlanDisplay = {},
): Promise<number> {
  const { plan } = run;
  const named = run.named ?? new Set<number>();
  const changes = summarize(plan.entries).change;
  const screen = screenFor(ctx, how.out === '-');
  const stopsHere = how.planOnly || changes === 0;
  if (stopsHere && ctx.json) {
    ctx.output.json(how.planOnly ? toPlanDocument(plan) : resultsDocument(plan, undefined, undefined));
  } else if (!ctx.json) {
    screen.show(renderedPlan(plan, screen, display));
  }
  saveIfAsked(ctx, plan, how);
  if (stopsHere) return planExitCode(reportProblems(ctx, plan, [], named), how, changes);

  if (!how.yes) await confirmFirst(ctx, plan, changes, display.question);
  const journal = await openJournal(ctx, plan, run);
  const report = await runEngine(ctx, { ...run, ...how, journal: journal.writer, changes });
  await finishJournal(ctx, journal, report);
  showResults(ctx, screen, plan, report, journal.writer.filepath, display.format);
  const failed = reportProblems(ctx, plan, report.results, named);
  sayJournal(ctx, journal, run.undoes);
  return runExitCode(report, failed);
}
