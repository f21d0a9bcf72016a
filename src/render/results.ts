import type { ChalkInstance } from 'chalk';
import { type Column, fitLine, renderTable } from '../output/table.js';
import type { ApplyReport } from '../apply/run.js';
import { type ApplyResult, runCounts } from '../plan/results.js';
import type { Plan } from '../plan/plan-document.js';
import type { PlanEntry } from '../plan/planner.js';
import { planUsers } from '../plan/counts.js';
import { aboutSeveralUsers, entryDetail } from './plan.js';
import { formatRight } from '../plan/rights.js';
import { plural } from '../output/words.js';
import { type Glyph, OUTCOME_GLYPH, styleGlyph } from './glyphs.js';

/*
 * What the owner reads after a run: only what needs attention (failed, unconfirmed,
 * skipped), the counts of everything, and what to do next. Every row stays in --json.
 */

const PAST: Record<Plan['operation']['action'], string> = {
  grant: 'granted',
  revoke: 'revoked',
  restore: 'restored',
  sync: 'changed',
};

/** "Done: 270 granted, 3 failed, 2 skipped, 40 already done.": every entry of the plan is in it. */
export function doneLine(plan: Pick<Plan, 'operation' | 'entries'>, report: ApplyReport): string {
  const c = runCounts(plan, report.results);
  const contacts = c.contactsSet === 0 ? '' : ` (and you became the contact of ${c.contactsSet})`;
  const applied = report.results.filter((r) => r.outcome === 'applied');
  // A policy both grants and revokes: "12 granted, 3 revoked".
  const done =
    plan.operation.action === 'sync'
      ? `${applied.filter((r) => r.to !== null).length} granted, ${applied.filter((r) => r.to === null).length} revoked`
      : `${c.applied} ${PAST[plan.operation.action]}`;
  const parts = [`${done}${contacts}`, `${c.failed} failed`];
  if (c.unconfirmed > 0) parts.push(`${c.unconfirmed} unconfirmed`);
  if (c.notStarted > 0) parts.push(`${c.notStarted} not started`);
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  if (c.alreadyDone > 0) parts.push(`${c.alreadyDone} already done`);
  const head = report.interrupted ? 'Interrupted' : report.stopped !== undefined ? 'Stopped' : 'Done';
  return `${head}: ${parts.join(', ')}.`;
}

/** What to do about what is left: "Next: run the same command again to retry the 3 that failed." */
export function nextSteps(plan: Pick<Plan, 'entries'>, report: ApplyReport): string[] {
  const c = runCounts(plan, report.results);
  const again: string[] = [];
  if (c.failed > 0) again.push(`retry the ${c.failed === 1 ? 'one' : c.failed} that failed`);
  if (c.unconfirmed > 0) again.push(`check the ${c.unconfirmed} unconfirmed`);
  if (c.notStarted > 0) again.push(`do the ${c.notStarted} not started`);
  const steps: string[] = [];
  if (again.length > 0) {
    steps.push(
      `Next: run the same command again to ${again.join(' and ')}: it reads each project again and changes only what is left.`,
    );
  }
  if (c.skipped > 0) {
    steps.push(
      `The ${c.skipped === 1 ? 'project' : `${c.skipped} projects`} skipped ${c.skipped === 1 ? 'stays' : 'stay'} as ${c.skipped === 1 ? 'it is' : 'they are'}: ${c.skipped === 1 ? 'its reason says' : 'each reason says'} why, and what would change that.`,
    );
  }
  return steps;
}

/**
 * How one change ended, in words: the change made, or the outcome and its reason, and how
 * the project had changed since the plan. The one rule for the text table, the stderr lines
 * and the Markdown table.
 */
export function resultDetail(result: ApplyResult): string {
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

/** One line of the list of what needs attention. */
interface AttentionRow {
  projid: number;
  title: string;
  userId: number;
  glyph: Glyph;
  detail: string;
  rule?: string | undefined;
}

/**
 * Failed, unconfirmed and skipped (in the plan or at write time), and any project that
 * changed since the plan (someone else was at work there), by project id.
 */
function attentionRows(plan: Plan, results: readonly ApplyResult[]): AttentionRow[] {
  const rows: AttentionRow[] = [];
  for (const r of results) {
    const problem = r.outcome === 'failed' || r.outcome === 'unconfirmed' || r.outcome === 'skipped';
    if (!problem && (r.drift === undefined || r.outcome === 'not-started')) continue;
    rows.push({ ...r, glyph: OUTCOME_GLYPH[r.outcome], detail: resultDetail(r) });
  }
  for (const entry of plan.entries) {
    if (entry.decision.kind !== 'skip') continue;
    rows.push({
      projid: entry.projid,
      title: entry.title,
      userId: (entry.user ?? plan.user).id,
      glyph: OUTCOME_GLYPH.skipped,
      detail: entryDetail(entry),
      rule: entry.rule,
    });
  }
  return rows.sort((a, b) => a.projid - b.projid || a.userId - b.userId);
}

export interface ResultsOptions {
  color: ChalkInstance;
  /** Terminal width, to fit the table; undefined off a terminal. */
  width?: number | undefined;
}

/**
 * After a run: the table of what needs attention (nothing when all went well), a count of
 * those not started, the counts line, and the next steps.
 */
export function renderResults(plan: Plan, report: ApplyReport, options: ResultsOptions): string {
  const c = options.color;
  const rows = attentionRows(plan, report.results);
  const lines: string[] = [];
  if (rows.length > 0) {
    const several = aboutSeveralUsers(plan);
    const names = new Map(planUsers(plan).map((u) => [u.id, u.name]));
    const rules = rows.some((r) => r.rule !== undefined);
    const columns: Column[] = [
      { header: ' ' },
      { header: 'ID', align: 'right' },
      { header: 'TITLE', shrink: 'truncate' },
    ];
    if (several) columns.push({ header: 'USER' });
    if (rules) columns.push({ header: 'RULE', shrink: 'truncate', minWidth: 8 });
    columns.push({ header: 'RESULT', shrink: 'wrap', minWidth: 24 });
    const table = renderTable(
      columns,
      rows.map((r) => [
        r.glyph,
        String(r.projid),
        r.title,
        ...(several ? [names.get(r.userId) ?? `#${r.userId}`] : []),
        ...(rules ? [r.rule ?? ''] : []),
        r.detail,
      ]),
      {
        width: options.width === undefined ? undefined : options.width - 2,
        headerStyle: (t) => c.bold(t),
        style: (text, row, column) => {
          const glyph = rows[row]?.glyph;
          return glyph !== undefined && (column === 0 || column === columns.length - 1)
            ? styleGlyph(glyph, text, c)
            : text;
        },
      },
    );
    for (const l of table.split('\n')) lines.push(`  ${l}`);
  }
  const toWidth = (text: string, hang: number): string => fitLine(text, options.width, hang);
  const notStarted = report.results.filter((r) => r.outcome === 'not-started').length;
  if (notStarted > 0) {
    lines.push(c.dim(toWidth(`  · ${plural(notStarted, 'change')} not started: the run stopped before their turn`, 4)));
  }
  if (lines.length > 0) lines.push('');
  lines.push(c.bold(toWidth(doneLine(plan, report), 0)));
  for (const step of nextSteps(plan, report)) lines.push(toWidth(step, 0));
  return lines.join('\n');
}

/** "project 107 (Kiel harbour)" or "project 999999" (no title when it was not found). */
function projectName(projid: number, title: string): string {
  return title === '' ? `project ${projid}` : `project ${projid} (${title})`;
}

function skipLine(entry: Pick<PlanEntry, 'projid' | 'title' | 'decision'>): string {
  const d = entry.decision;
  if (d.kind === 'skip' && d.code === 'not-found') return `${projectName(entry.projid, '')}: ${d.reason}`;
  return `${projectName(entry.projid, entry.title)}: ${entryDetail(entry as PlanEntry)}`;
}

/** The stderr lines of a run, one per project, by kind. */
export interface ProblemLines {
  /** Failed or unconfirmed changes: errors. */
  failed: string[];
  /** Projects named on the command line that were not found or cannot be changed: errors. */
  named: string[];
  /** The ids of `named`, in order. */
  namedIds: number[];
  /** The other skips (of --all, --title...): not errors. */
  notes: string[];
}

/**
 * What went wrong in a run, one line per project: failures and skips of named projects make
 * the exit code 1; the other skips are only notes.
 */
export function problemLines(
  plan: Pick<Plan, 'entries'>,
  results: readonly ApplyResult[],
  named: ReadonlySet<number>,
): ProblemLines {
  const problems: { projid: number; line: string; kind: 'failed' | 'named' | 'note' }[] = [];
  const skipKind = (projid: number): 'named' | 'note' => (named.has(projid) ? 'named' : 'note');
  for (const entry of plan.entries) {
    if (entry.decision.kind === 'skip') {
      problems.push({ projid: entry.projid, line: skipLine(entry), kind: skipKind(entry.projid) });
    }
  }
  for (const r of results) {
    const line = `${projectName(r.projid, r.title)}: ${resultDetail(r)}`;
    if (r.outcome === 'failed' || r.outcome === 'unconfirmed')
      problems.push({ projid: r.projid, line, kind: 'failed' });
    else if (r.outcome === 'skipped') problems.push({ projid: r.projid, line, kind: skipKind(r.projid) });
  }
  const lines: ProblemLines = { failed: [], named: [], namedIds: [], notes: [] };
  for (const p of problems.sort((a, b) => a.projid - b.projid)) {
    if (p.kind === 'failed') lines.failed.push(p.line);
    else if (p.kind === 'named') {
      lines.named.push(p.line);
      lines.namedIds.push(p.projid);
    } else lines.notes.push(p.line);
  }
  return lines;
}

/**
 * One error line for a terminal, where the list of what needs attention is on screen just
 * above: "3 changes failed; 2 projects you named cannot be changed (33, 999999): see above".
 */
export function problemSummary(lines: ProblemLines): string | undefined {
  const parts: string[] = [];
  if (lines.failed.length > 0) parts.push(`${plural(lines.failed.length, 'change')} failed`);
  if (lines.named.length > 0) {
    const ids = [...new Set(lines.namedIds)];
    parts.push(
      `${ids.length === 1 ? 'a project' : `${ids.length} projects`} you named cannot be changed or ${ids.length === 1 ? 'was' : 'were'} not found (${ids.join(', ')})`,
    );
  }
  return parts.length === 0 ? undefined : `${parts.join('; ')}: the list above says why`;
}
