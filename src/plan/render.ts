import type { ChalkInstance } from 'chalk';
import { type Column, renderTable } from '../output/table.js';
import type { PlanEntry } from './planner.js';
import { summarize } from './planner.js';
import { changesByAction, namesUsers, planUsers } from './plan-counts.js';
import { type Person, type Plan, type PlanOperation, userOf } from './plan-document.js';
import { describeUser, formatRight } from './rights.js';

export interface RenderOptions {
  color: ChalkInstance;
  /** Terminal width, for truncating titles; undefined off a terminal. */
  width?: number | undefined;
}

type Glyph = '+' | '-' | '~' | '=' | '!';

export function glyphOf(entry: PlanEntry): Glyph {
  const d = entry.decision;
  if (d.kind === 'unchanged') return '=';
  if (d.kind === 'skip') return '!';
  if (d.from === null) return '+';
  if (d.to === null) return '-';
  return '~';
}

function styleGlyph(glyph: Glyph, text: string, c: ChalkInstance): string {
  switch (glyph) {
    case '+':
      return c.green(text);
    case '-':
      return c.red(text);
    case '~':
      return c.yellow(text);
    case '!':
      return c.magenta(text);
    case '=':
      return c.dim(text);
  }
}

export function describeOperation(op: PlanOperation): string {
  switch (op.action) {
    case 'grant':
      return `grant ${op.right}`;
    case 'revoke':
      return op.anyRight ? `revoke ${op.right} (or any other right: --any-right)` : `revoke ${op.right}`;
    case 'restore':
      return `undo run ${op.journal} (put back each project's previous right)`;
    case 'sync':
      return `sync the policy ${op.policy}`;
  }
}

export function entryDetail(entry: PlanEntry): string {
  const d = entry.decision;
  if (d.kind === 'change') return `${formatRight(d.from)} → ${formatRight(d.to)}`;
  if (d.kind === 'unchanged') return `unchanged: ${d.reason}`;
  return `skipped: ${d.reason}`;
}

export function planHeader(server: string, caller: Person, user: Person, op: PlanOperation): string[] {
  return [
    `Server:  ${server}`,
    `You:     ${describeUser(caller)}`,
    `User:    ${describeUser(user)}`,
    `Action:  ${describeOperation(op)}`,
  ];
}

/** A policy's header: whose rights it is about, and the file, instead of one user and one action. */
function policyHeader(plan: Plan, policy: string): string[] {
  return [
    `Server:  ${plan.server}`,
    `You:     ${describeUser(plan.caller)}`,
    `Users:   ${planUsers(plan).map(describeUser).join(', ')}`,
    `Policy:  ${policy}`,
  ];
}

/** "Plan: 12 to grant, 3 unchanged, 2 skipped." or "No changes. 3 unchanged, 2 skipped." */
export function planSummaryLine(plan: Pick<Plan, 'operation' | 'entries'>): string {
  const s = summarize(plan.entries);
  const rest = [`${s.unchanged} unchanged`, `${s.skip} skipped`];
  if (s.change === 0) return `No changes. ${rest.join(', ')}.`;
  if (plan.operation.action === 'sync') {
    // A policy grants and revokes in one plan: "Plan: 12 to grant, 3 to revoke, ...".
    const c = changesByAction(plan);
    const actions = [c.grants > 0 ? `${c.grants} to grant` : '', c.revocations > 0 ? `${c.revocations} to revoke` : ''];
    return `Plan: ${[...actions.filter((a) => a !== ''), ...rest].join(', ')}.`;
  }
  return `Plan: ${s.change} to ${plan.operation.action}, ${rest.join(', ')}.`;
}

/**
 * Plans about several users (a policy, its undo) say whose right each line changes, and, for
 * a policy, which rule asked: columns before CHANGE.
 */
function whoseColumns(plan: Plan): { columns: Column[]; cells: (entry: PlanEntry) => string[] } {
  const users = namesUsers(plan);
  const rules = plan.entries.some((e) => e.rule !== undefined);
  return {
    columns: [...(users ? [{ header: 'USER' }] : []), ...(rules ? [{ header: 'RULE' }] : [])],
    cells: (e) => [...(users ? [userOf(plan, e).name] : []), ...(rules ? [e.rule ?? ''] : [])],
  };
}

/** The plan as terraform shows one: header, one line per project, summary, notes. */
export function renderPlan(plan: Plan, options: RenderOptions): string {
  const c = options.color;
  const whose = whoseColumns(plan);
  const rows = plan.entries.map((e) => [glyphOf(e), String(e.projid), e.title, ...whose.cells(e), entryDetail(e)]);
  const table = renderTable(
    [
      { header: ' ' },
      { header: 'ID', align: 'right' },
      { header: 'TITLE', flexible: true },
      ...whose.columns,
      { header: 'CHANGE' },
    ],
    rows,
    {
      width: options.width === undefined ? undefined : Math.max(60, options.width - 2),
      headerStyle: (t) => c.bold(t),
      style: (text, row, column) => {
        const entry = plan.entries[row];
        if (entry === undefined) return text;
        const glyph = glyphOf(entry);
        if (column === 0 || column === 3 + whose.columns.length) return styleGlyph(glyph, text, c);
        return glyph === '=' ? c.dim(text) : text;
      },
    },
  );
  const lines = [
    ...(plan.operation.action === 'sync'
      ? policyHeader(plan, plan.operation.policy)
      : planHeader(plan.server, plan.caller, plan.user, plan.operation).map((line) =>
          // The undo of a policy is about several users: name them all.
          line.startsWith('User:') && namesUsers(plan)
            ? `Users:   ${planUsers(plan).map(describeUser).join(', ')}`
            : line,
        )),
    '',
    ...table.split('\n').map((l) => `  ${l}`),
    '',
    c.bold(planSummaryLine(plan)),
  ];
  for (const note of plan.notes) lines.push(c.dim(`Note: ${note}`));
  return lines.join('\n');
}
