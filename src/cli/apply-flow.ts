import type { MinUser } from '../api/schemas.js';
import type { ConcurrencySetting } from '../config/settings.js';
import { ExitCode, UsageError, UserError } from '../errors.js';
import { inert } from '../output/inert.js';
import { confirm } from '../output/prompt.js';
import { type ApplyReport, applyPlan } from '../apply/run.js';
import { type ConcurrencyLimit, adaptiveLimit, fixedLimit } from '../apply/concurrency-limit.js';
import { listJournals } from '../store/journal.js';
import { type Plan, toPlanDocument, userOf } from '../plan/plan-document.js';
import { savePlan } from './plan-out.js';
import { groupRuns, groupToContinue } from '../store/runs.js';
import { summarize } from '../plan/planner.js';
import { namesUsers } from '../plan/counts.js';
import { confirmQuestion, planSummaryLine, renderPlan } from '../render/plan.js';
import { progressLine } from '../render/progress.js';
import { renderPlanMarkdown, renderResultsMarkdown } from '../render/markdown.js';
import { countOutcomes } from '../plan/results.js';
import { doneLine, problemLines, problemSummary, renderResults } from '../render/results.js';
import type { Context } from './context.js';
import { describeError } from './error-advice.js';
import type { Session } from './session.js';

export interface ExecuteOptions {
  ctx: Context;
  session: Session;
  plan: Plan;
  /** Every user of the plan, as EcoTaxa returned them. */
  users: ReadonlyMap<number, MinUser>;
  /** --dry-run or `plan`: show and stop. */
  planOnly: boolean;
  yes: boolean;
  detailedExitcode: boolean;
  /** --out FILE, or "-" for stdout (which then holds the plan's JSON only). */
  out: string | undefined;
  /** --force: --out may replace a file that is not a plan. */
  force?: boolean;
  concurrency: ConcurrencySetting;
  strict: boolean;
  /** For the journal: the command line that asked for it. */
  command: string;
  /** For the journal of an undo: the runs it undoes. */
  undoes?: string[];
  /** Lines shown under the plan: how projects changed since a saved plan. */
  driftLines?: string[];
  /** The confirmation's question, when the command says better what it does (sync). */
  question?: string;
  /** --format markdown: the plan and the results as Markdown on stdout (sync). */
  format?: 'text' | 'markdown';
  /** --show-unchanged: list the projects left as they are, not only their count. */
  showUnchanged?: boolean;
  /**
   * Ids the user named (on the command line or in --ids-from): one that is not found or
   * cannot be changed makes the run exit 1, after doing the rest.
   */
  named?: ReadonlySet<number>;
}

const ACTION: Record<Plan['operation']['action'], string> = {
  grant: 'Granting',
  revoke: 'Revoking',
  restore: 'Restoring',
  sync: 'Applying',
};

function resultsDocument(plan: Plan, report: ApplyReport | undefined, journal: string | undefined): object {
  const results = report?.results ?? [];
  const counts = countOutcomes(results);
  return {
    plan: toPlanDocument(plan),
    results: results.map((r) => ({
      projid: r.projid,
      title: r.title,
      outcome: r.outcome,
      from: r.from,
      to: r.to,
      reason: r.reason ?? null,
      drift: r.drift ?? null,
      verified: r.verified ?? null,
      contact: r.contact ?? null,
      // Plans about several users: whose right, and which rule of a policy asked for it.
      ...(namesUsers(plan) ? { userId: r.userId } : {}),
      ...(r.rule === undefined ? {} : { rule: r.rule }),
    })),
    summary: {
      applied: counts.applied,
      unchanged: counts.unchanged,
      skipped: counts.skipped,
      failed: counts.failed,
      unconfirmed: counts.unconfirmed,
      notStarted: counts['not-started'],
    },
    interrupted: report?.interrupted ?? false,
    stopped: report?.stopped ?? null,
    journal: journal ?? null,
  };
}

/** How many projects are written at once: a fixed number, or adapting to the server (issue 9). */
function concurrencyLimit(setting: ConcurrencySetting): ConcurrencyLimit {
  return setting.mode === 'fixed' ? fixedLimit(setting.n) : adaptiveLimit({ max: setting.max });
}

/**
 * Says on stderr what went wrong: when stdout is not the terminal (a pipe, a file) one line
 * per project, errors (failures, ids the user named that were not found or cannot be
 * changed) and notes (other skips); when it is, the list is on screen just above (the plan
 * or results table, or the --json document with every reason), so one error line explains
 * the exit code instead of listing each project a second time. Returns whether there were
 * errors.
 */
function reportProblems(
  ctx: Context,
  plan: Plan,
  report: ApplyReport | undefined,
  named: ReadonlySet<number>,
): boolean {
  const lines = problemLines(plan, report?.results ?? [], named);
  if (!ctx.output.stdoutIsTerminal) {
    for (const line of lines.notes) ctx.output.info(line);
    for (const line of [...lines.failed, ...lines.named]) ctx.output.error(line);
  } else {
    const summary = problemSummary(lines);
    if (summary !== undefined) ctx.output.error(summary);
  }
  return lines.failed.length + lines.named.length > 0;
}

/**
 * Asks before writing, on stderr: the plan is out of the process first (`| tee log` shows it
 * above the question), and when stdout is not the terminal the summary is repeated right
 * above the question, where the owner is looking.
 */
async function askFirst(ctx: Context, plan: Plan, question: string | undefined): Promise<void> {
  const output = ctx.output;
  if (ctx.json) {
    output.show(renderPlan(plan, { color: output.err, width: output.stderrWidth }));
  } else {
    await output.flushStdout();
    if (!output.stdoutIsTerminal) output.show(output.err.bold(planSummaryLine(plan)));
  }
  const ok = await confirm(ctx.io, question ?? confirmQuestion(plan));
  if (!ok) throw new UserError('cancelled: nothing was changed', { errorCode: 'cancelled' });
}

/**
 * The second half of grant, revoke, apply and undo: show the plan, save it if asked, ask
 * (or require --yes), apply, and report what needs attention.
 */
export async function showPlanAndApply(opts: ExecuteOptions): Promise<number> {
  const { ctx, plan } = opts;
  const output = ctx.output;
  const named = opts.named ?? new Set<number>();
  const changes = summarize(plan.entries).change;
  // With `--out -` stdout holds the plan's JSON alone: what people read goes to stderr.
  const toStderr = opts.out === '-';
  const show = (text: string): void => {
    if (!toStderr) output.data(text);
    else if (!output.options.quiet) output.show(text);
  };
  const color = toStderr ? output.err : output.out;
  const width = toStderr ? output.stderrWidth : output.stdoutWidth;
  const rendered = (): string => {
    if (opts.format === 'markdown') return renderPlanMarkdown(plan);
    const text = renderPlan(plan, { color, width, showUnchanged: opts.showUnchanged });
    return opts.driftLines === undefined || opts.driftLines.length === 0
      ? text
      : `${text}\n\n${color.yellow(`Changed since the plan (${opts.driftLines.length}):`)}\n${opts.driftLines.map((l) => `  ${inert(l)}`).join('\n')}`;
  };

  if (opts.planOnly || changes === 0) {
    if (ctx.json) output.json(opts.planOnly ? toPlanDocument(plan) : resultsDocument(plan, undefined, undefined));
    else show(rendered());
  } else if (!ctx.json) {
    show(rendered());
  }
  if (opts.out !== undefined) {
    const saved = savePlan(ctx, plan, opts.out, opts.force === true);
    if (saved !== undefined) {
      output.info(`Saved the plan to ${inert(saved)}: apply it with \`ecotaxa-access apply ${inert(opts.out)}\``);
    }
  }
  if (opts.planOnly || changes === 0) {
    if (reportProblems(ctx, plan, undefined, named)) return ExitCode.Error;
    return opts.planOnly && opts.detailedExitcode && changes > 0 ? ExitCode.ChangesPending : ExitCode.Success;
  }

  if (!opts.yes) {
    const why = output.notInteractiveBecause;
    if (why !== undefined) {
      throw new UsageError(
        `refusing to change ${changes} project${changes === 1 ? '' : 's'} without confirmation: ${why}, so the question cannot be asked; add --yes to apply without asking (or --dry-run to only see the plan)`,
      );
    }
    await askFirst(ctx, plan, opts.question);
  }

  const planUsers = [...new Map(plan.entries.map((e) => [userOf(plan, e).id, userOf(plan, e)])).values()];
  const aboutOneUser = planUsers.every((u) => u.id === plan.user.id);
  // A run that finishes an interrupted one (the same command) joins its group: one undo covers both.
  const continues = ctx.replaying
    ? undefined
    : groupToContinue(groupRuns(listJournals(ctx.journalDir(), () => undefined)), {
        server: plan.server,
        callerId: plan.caller.id,
        command: opts.command,
        userIds: planUsers.map((u) => u.id),
      });
  const journal = ctx.journal({
    server: plan.server,
    caller: plan.caller,
    ...(aboutOneUser ? { user: plan.user } : { users: planUsers }),
    command: opts.command,
    undoes: opts.undoes,
    continues,
  });
  // On disk before the first write: a run that cannot be journaled does not start.
  await journal.open();
  const bar = output.progressBar(changes, (p, ms, width) => progressLine(ACTION[plan.operation.action], p, ms, width));
  ctx.writePhase.active = true;
  let report: ApplyReport;
  const concurrency = concurrencyLimit(opts.concurrency);
  let limit = concurrency.limit;
  try {
    report = await applyPlan({
      client: opts.session.client,
      plan,
      users: opts.users,
      concurrency,
      strict: opts.strict,
      journal,
      sleep: ctx.sleep,
      random: ctx.io.random,
      signal: ctx.io.interrupt,
      checkToken: () => opts.session.client.me(),
      describeError,
      onProgress: (p) => {
        bar.update(p);
        if (p.limit !== limit)
          output.debug(`concurrency: ${limit} → ${p.limit} project${p.limit === 1 ? '' : 's'} at once`);
        limit = p.limit;
      },
    });
  } finally {
    ctx.writePhase.active = false;
    bar.stop();
  }
  const counts = countOutcomes(report.results);
  try {
    await journal.finish({
      interrupted: report.interrupted,
      applied: counts.applied,
      failed: counts.failed,
      stopped: report.stopped,
      skipped: counts.skipped,
      unconfirmed: counts.unconfirmed,
      notStarted: counts['not-started'],
    });
  } catch (err) {
    output.warn(`the journal's last line could not be written (${(err as Error).message}); its changes are all there`);
  }

  if (ctx.json) output.json(resultsDocument(plan, report, journal.filepath));
  else if (opts.format === 'markdown') show(renderResultsMarkdown(plan, report.results, doneLine(plan, report)));
  else show(`\n${renderResults(plan, report, { color, width })}`);
  const failed = reportProblems(ctx, plan, report, named);
  if (journal.filepath !== undefined && journal.runId !== undefined) {
    const group = continues ?? journal.runId;
    const again = opts.undoes === undefined ? 'undo it' : 'redo it';
    const withEarlier = continues === undefined ? '' : ' (with the interrupted run it finished)';
    output.info(`Journal: ${journal.filepath}; ${again}${withEarlier} with \`ecotaxa-access undo ${group}\``);
  }
  if (report.interrupted) return ExitCode.Interrupted;
  if (report.stopped !== undefined) {
    throw new UserError(
      `stopped before the end: ${report.stopped}; the summary above says what was done; fix it and run the same command again`,
      { errorCode: 'stopped' },
    );
  }
  return failed ? ExitCode.Error : ExitCode.Success;
}
