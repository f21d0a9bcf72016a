import fs from 'node:fs/promises';
import path from 'node:path';
import type { MinUser } from '../api/schemas.js';
import type { ConcurrencySetting } from '../config/settings.js';
import { ExitCode, InputError, UsageError, UserError } from '../errors.js';
import { confirm } from '../output/prompt.js';
import { type Column, renderTable } from '../output/table.js';
import { type ApplyReport, type ApplyResult, type Outcome, applyPlan } from '../plan/apply.js';
import { type ConcurrencyLimit, adaptiveLimit, fixedLimit } from '../plan/concurrency-limit.js';
import { listJournals } from '../plan/journal.js';
import { type Plan, toPlanDocument, userOf } from '../plan/plan-document.js';
import { groupRuns, groupToContinue } from '../plan/runs.js';
import { summarize } from '../plan/planner.js';
import { namesUsers } from '../plan/plan-counts.js';
import { renderPlan } from '../plan/render.js';
import { renderPlanMarkdown, renderResultsMarkdown } from '../plan/render-markdown.js';
import { formatRight } from '../plan/rights.js';
import type { Context } from './context.js';
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
  out: string | undefined;
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
}

const PAST: Record<Plan['operation']['action'], string> = {
  grant: 'granted',
  revoke: 'revoked',
  restore: 'restored',
  sync: 'changed',
};

async function savePlan(ctx: Context, plan: Plan, file: string): Promise<string> {
  const target = path.resolve(ctx.io.cwd, file);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    await fs.writeFile(tmp, `${JSON.stringify(toPlanDocument(plan), null, 2)}\n`, 'utf8');
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new InputError(
      `--out ${file}: cannot write the plan (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  return target;
}

function outcomeGlyph(outcome: Outcome): string {
  return { applied: '✓', unchanged: '=', skipped: '!', failed: '✗', unconfirmed: '?', 'not-started': '·' }[outcome];
}

function resultDetail(result: ApplyResult): string {
  const change = `${formatRight(result.from)} → ${formatRight(result.to)}`;
  const drift = result.drift === undefined ? '' : ` [changed since the plan: ${result.drift}]`;
  switch (result.outcome) {
    case 'applied':
      return `${change}${result.reason === undefined ? '' : ` (${result.reason})`}${drift}`;
    case 'failed':
      return `failed: ${result.reason ?? 'unknown error'}${drift}`;
    case 'unconfirmed':
      return `unconfirmed: ${result.reason ?? 'unknown'}${drift}`;
    case 'not-started':
      return `not started: ${change}`;
    default:
      return `${result.outcome}: ${result.reason ?? ''}${drift}`;
  }
}

export function countOutcomes(results: readonly ApplyResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = {
    applied: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    unconfirmed: 0,
    'not-started': 0,
  };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

function summaryLine(plan: Plan, report: ApplyReport): string {
  const c = countOutcomes(report.results);
  const applied = report.results.filter((r) => r.outcome === 'applied');
  // A policy both grants and revokes: "12 granted, 3 revoked".
  const done =
    plan.operation.action === 'sync'
      ? `${applied.filter((r) => r.to !== null).length} granted, ${applied.filter((r) => r.to === null).length} revoked`
      : `${c.applied} ${PAST[plan.operation.action]}`;
  const parts = [done, `${c.failed} failed`];
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  if (c.unchanged > 0) parts.push(`${c.unchanged} already done`);
  if (c.unconfirmed > 0) parts.push(`${c.unconfirmed} unconfirmed`);
  if (c['not-started'] > 0) parts.push(`${c['not-started']} not started`);
  if (report.interrupted || report.stopped !== undefined) {
    return `${report.interrupted ? 'Interrupted' : 'Stopped'}: ${parts.join(', ')}. Run the same command again to finish.`;
  }
  return `Done: ${parts.join(', ')}.`;
}

/** Plans about several users (a policy, its undo): whose right each result is about, and which rule asked. */
function resultWhose(
  plan: Plan,
  results: readonly ApplyResult[],
): { columns: Column[]; cells: (result: ApplyResult) => string[] } {
  const users = namesUsers(plan);
  const rules = results.some((r) => r.rule !== undefined);
  const names = new Map(plan.entries.map((e) => [userOf(plan, e).id, userOf(plan, e).name]));
  return {
    columns: [...(users ? [{ header: 'USER' }] : []), ...(rules ? [{ header: 'RULE' }] : [])],
    cells: (r) => [...(users ? [names.get(r.userId) ?? `#${r.userId}`] : []), ...(rules ? [r.rule ?? ''] : [])],
  };
}

function renderResults(ctx: Context, plan: Plan, report: ApplyReport): string {
  const c = ctx.output.out;
  const style = (outcome: Outcome, text: string): string =>
    outcome === 'applied'
      ? c.green(text)
      : outcome === 'failed'
        ? c.red(text)
        : outcome === 'skipped'
          ? c.magenta(text)
          : c.dim(text);
  const whose = resultWhose(plan, report.results);
  const table = renderTable(
    [
      { header: ' ' },
      { header: 'ID', align: 'right' },
      { header: 'TITLE', flexible: true },
      ...whose.columns,
      { header: 'RESULT' },
    ],
    report.results.map((r) => [outcomeGlyph(r.outcome), String(r.projid), r.title, ...whose.cells(r), resultDetail(r)]),
    {
      width: ctx.output.stdoutWidth,
      headerStyle: (t) => c.bold(t),
      style: (text, row, column) => {
        const result = report.results[row];
        return result !== undefined && (column === 0 || column === 3 + whose.columns.length)
          ? style(result.outcome, text)
          : text;
      },
    },
  );
  return [...table.split('\n').map((l) => `  ${l}`), '', c.bold(summaryLine(plan, report))].join('\n');
}

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
 * The second half of grant, revoke, apply and undo: show the plan, save it if asked, ask
 * (or require --yes), apply, and report every project.
 */
export async function showPlanAndApply(opts: ExecuteOptions): Promise<number> {
  const { ctx, plan } = opts;
  const output = ctx.output;
  const changes = summarize(plan.entries).change;
  const rendered = (): string => {
    if (opts.format === 'markdown') return renderPlanMarkdown(plan);
    const text = renderPlan(plan, { color: output.out, width: output.stdoutWidth });
    return opts.driftLines === undefined || opts.driftLines.length === 0
      ? text
      : `${text}\n\n${output.out.yellow(`Changed since the plan (${opts.driftLines.length}):`)}\n${opts.driftLines.map((l) => `  ${l}`).join('\n')}`;
  };

  if (opts.planOnly || changes === 0) {
    if (ctx.json)
      output.data(
        JSON.stringify(opts.planOnly ? toPlanDocument(plan) : resultsDocument(plan, undefined, undefined), null, 2),
      );
    else output.data(rendered());
  } else if (!ctx.json) {
    output.data(rendered());
  }
  if (opts.out !== undefined) {
    const saved = await savePlan(ctx, plan, opts.out);
    output.info(`Saved the plan to ${saved}: apply it with \`ecotaxa-access apply ${opts.out}\``);
  }
  if (opts.planOnly) {
    return opts.detailedExitcode && changes > 0 ? ExitCode.ChangesPending : ExitCode.Success;
  }
  if (changes === 0) return ExitCode.Success;

  if (!opts.yes) {
    if (!output.interactive) {
      throw new UsageError(
        `refusing to change ${changes} project${changes === 1 ? '' : 's'} without confirmation: stdin is not a terminal; add --yes (or --dry-run to only see the plan)`,
      );
    }
    if (ctx.json) ctx.io.stderr.write(`${renderPlan(plan, { color: output.err })}\n`);
    const ok = await confirm(
      ctx.io,
      `\n${opts.question ?? `Apply these ${changes} change${changes === 1 ? '' : 's'} on ${plan.server}?`}`,
    );
    if (!ok) throw new UserError('cancelled: nothing was changed', { errorCode: 'cancelled' });
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
  const spinner = await output.spinner(`Applying 0/${changes}`);
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
      onProgress: (p) => {
        spinner.set(`Applying ${p.done}/${p.total}`);
        if (p.limit !== limit)
          output.debug(`concurrency: ${limit} → ${p.limit} project${p.limit === 1 ? '' : 's'} at once`);
        limit = p.limit;
      },
    });
  } finally {
    ctx.writePhase.active = false;
    spinner.stop();
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

  if (ctx.json) output.data(JSON.stringify(resultsDocument(plan, report, journal.filepath), null, 2));
  else if (opts.format === 'markdown')
    output.data(renderResultsMarkdown(plan, report.results, summaryLine(plan, report)));
  else output.data(`\n${renderResults(ctx, plan, report)}`);
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
  return counts.failed > 0 ? ExitCode.Error : ExitCode.Success;
}
