import type { ChalkInstance } from 'chalk';
import { inert } from '../output/inert.js';
import { type Column, type Row, fitLine, renderTable } from '../output/table.js';
import type { ContactChange, PlanEntry } from '../plan/planner.js';
import { summarize } from '../plan/planner.js';
import { changedScope, changesByAction, namesUsers, planUsers } from '../plan/counts.js';
import { type Person, type Plan, type PlanOperation, operationFor, userOf } from '../plan/plan-document.js';
import { describeUser, formatRight } from '../plan/rights.js';
import { plural } from '../output/words.js';
import { glyphOf, styleGlyph } from './glyphs.js';

export interface RenderOptions {
  color: ChalkInstance;
  /** Terminal width, to fit the table; undefined off a terminal (nothing is cut). */
  width?: number | undefined;
  /** --show-unchanged: list the projects left as they are, instead of counting them. */
  showUnchanged?: boolean | undefined;
}

/** The table is indented by two spaces under the plan's header. */
const INDENT = '  ';
/** The change or reason column wraps, but not narrower than this: titles shrink after it. */
const DETAIL_MIN = 24;

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

/** "none → you (Olivia Owner)", "Carl Colleague → you (Olivia Owner)": the caller is "you". */
export function describeContactChange(change: ContactChange, caller: Pick<Person, 'id'>): string {
  const name = (p: ContactChange['to'] | null): string =>
    p === null ? 'none' : p.id === caller.id ? `you (${p.name})` : p.name;
  return `${name(change.from)} → ${name(change.to)}`;
}

/**
 * Whether the plan's entries are about several users (a policy, its undo): then the header
 * names them all, and the tables say whose right each line is about (and which rule asked).
 */
export function aboutSeveralUsers(plan: Pick<Plan, 'entries'>): boolean {
  return namesUsers(plan);
}

export function planHeader(server: string, caller: Person, user: Person, op: PlanOperation): string[] {
  return [
    `Server:  ${server}`,
    `You:     ${describeUser(caller)}`,
    `User:    ${describeUser(user)}`,
    `Action:  ${describeOperation(op)}`,
  ];
}

/** The header: a policy names its file; a plan about several users names them all. */
function headerOf(plan: Plan): string[] {
  const users = `Users:   ${planUsers(plan).map(describeUser).join(', ')}`;
  if (plan.operation.action === 'sync') {
    return [
      `Server:  ${plan.server}`,
      `You:     ${describeUser(plan.caller)}`,
      users,
      `Policy:  ${plan.operation.policy}`,
    ];
  }
  return planHeader(plan.server, plan.caller, plan.user, plan.operation).map((line) =>
    // The undo of a policy is about several users: name them all.
    line.startsWith('User:') && namesUsers(plan) ? users : line,
  );
}

/** Changes that also make the caller the contact (--fix-contact). */
export function contactChangesOf(plan: Pick<Plan, 'entries'>): number {
  return new Set(plan.entries.filter((e) => e.decision.kind === 'change' && e.decision.contact).map((e) => e.projid))
    .size;
}

/** "Plan: 12 to grant, 3 unchanged, 2 skipped." or "No changes. 3 unchanged, 2 skipped." */
export function planSummaryLine(plan: Pick<Plan, 'operation' | 'entries'>): string {
  const s = summarize(plan.entries);
  const rest = [`${s.unchanged} unchanged`, `${s.skip} skipped`];
  if (s.change === 0) return `No changes. ${rest.join(', ')}.`;
  const contacts = contactChangesOf(plan);
  let change = [`${s.change} to ${plan.operation.action}`];
  if (plan.operation.action === 'sync') {
    // A policy grants and revokes in one plan: "Plan: 12 to grant, 3 to revoke, ...".
    const c = changesByAction(plan);
    change = [c.grants > 0 ? `${c.grants} to grant` : '', c.revocations > 0 ? `${c.revocations} to revoke` : ''];
    change = change.filter((a) => a !== '');
  }
  if (contacts > 0) change.push(`${plural(contacts, 'contact')} to set`);
  return `Plan: ${[...change, ...rest].join(', ')}.`;
}

/** Why a project is left as it is, in a few words, for the count line. */
function unchangedWhy(plan: Pick<Plan, 'operation' | 'user' | 'entries'>, entry: PlanEntry): string {
  // A policy's entries each have their own operation and user: their own reasons say it best.
  if (plan.operation.action === 'sync' || aboutSeveralUsers(plan)) {
    const reason = entry.decision.kind === 'change' ? '' : entry.decision.reason;
    return `${userOf(plan, entry).name} ${reason}`;
  }
  const who = userOf(plan, entry).name;
  const op = operationFor(plan, entry);
  const current = entry.decision.kind === 'change' ? entry.decision.from : entry.decision.current;
  switch (op.action) {
    case 'grant':
      return `${who} already has ${op.right} or higher`;
    case 'revoke':
      return current === null
        ? `${who} has no right there`
        : `${who} has a right other than ${op.right}, which --any-right removes`;
    case 'restore':
      return 'already back to the right before that run';
  }
}

/**
 * "= 40 projects unchanged (AqQua already has View or higher); --show-unchanged lists them":
 * the projects a plan leaves alone, counted rather than listed.
 */
export function unchangedLine(
  plan: Pick<Plan, 'operation' | 'user' | 'entries'>,
  hidden: readonly PlanEntry[],
): string {
  const why = new Map<string, number>();
  for (const entry of hidden) {
    const text = unchangedWhy(plan, entry);
    why.set(text, (why.get(text) ?? 0) + 1);
  }
  const reasons = why.size === 1 ? [...why.keys()] : [...why].map(([text, n]) => `${n}: ${text}`);
  return `= ${plural(hidden.length, 'project')} unchanged (${reasons.join('; ')}); --show-unchanged lists them`;
}

/** The plan's table: changes and skips always, unchanged projects with --show-unchanged. */
function planTable(plan: Plan, shown: readonly PlanEntry[], options: RenderOptions): string {
  const c = options.color;
  const several = aboutSeveralUsers(plan);
  const withRule = plan.entries.some((e) => e.rule !== undefined);
  const columns: Column[] = [{ header: ' ' }, { header: 'ID', align: 'right' }];
  columns.push({ header: 'TITLE', shrink: 'truncate' });
  if (several) columns.push({ header: 'USER' });
  if (withRule) columns.push({ header: 'RULE', shrink: 'truncate', minWidth: 8 });
  columns.push({ header: 'CHANGE', shrink: 'wrap', minWidth: DETAIL_MIN });
  const rows: Row[] = [];
  const styles: ((text: string, column: number) => string)[] = [];
  for (const entry of shown) {
    const glyph = glyphOf(entry);
    const cells = [glyph, String(entry.projid), entry.title];
    if (several) cells.push(userOf(plan, entry).name);
    if (withRule) cells.push(entry.rule ?? '');
    cells.push(entryDetail(entry));
    rows.push(cells);
    styles.push((text, column) =>
      column === 0 || column === columns.length - 1 ? styleGlyph(glyph, text, c) : glyph === '=' ? c.dim(text) : text,
    );
    const d = entry.decision;
    if (d.kind === 'change' && d.contact !== undefined) {
      // Its own line under the project: a second change, of the contact.
      rows.push({ cells: ['~', '', `contact: ${describeContactChange(d.contact, plan.caller)}`], span: 2 });
      styles.push((text, column) => (column === 0 ? styleGlyph('~', text, c) : text));
    }
  }
  return renderTable(columns, rows, {
    width: options.width === undefined ? undefined : options.width - INDENT.length,
    headerStyle: (t) => c.bold(t),
    style: (text, row, column) => styles[row]?.(text, column) ?? text,
  });
}

/**
 * The plan as terraform shows one: the header, one line per change or skip (unchanged
 * projects are a count unless asked for), the notes, and the summary line last, so that a
 * question asked next comes right under it.
 */
export function renderPlan(plan: Plan, options: RenderOptions): string {
  const c = options.color;
  const hidden = options.showUnchanged === true ? [] : plan.entries.filter((e) => e.decision.kind === 'unchanged');
  const shown = hidden.length === 0 ? plan.entries : plan.entries.filter((e) => e.decision.kind !== 'unchanged');
  // Outside text (names, emails, the policy's file, a saved plan's server, notes quoting
  // rules and journals) is made inert before it is fitted and coloured.
  const lines = [...headerOf(plan).map(inert), ''];
  // One by one: a spread of thousands of lines overflows the call stack.
  if (shown.length > 0) for (const l of planTable(plan, shown, options).split('\n')) lines.push(`${INDENT}${l}`);
  const toWidth = (text: string, hang: number): string => fitLine(text, options.width, hang);
  if (hidden.length > 0) lines.push(c.dim(toWidth(`${INDENT}${inert(unchangedLine(plan, hidden))}`, 4)));
  lines.push('');
  for (const note of plan.notes) lines.push(c.dim(toWidth(`Note: ${inert(note)}`, 6)));
  lines.push(c.bold(toWidth(planSummaryLine(plan), 0)));
  return lines.join('\n');
}

/**
 * The question before writing, saying what, to whom, how many, and where: "Grant View to
 * AqQua <aqqua@geomar.de> on 276 projects at https://ecotaxa.obs-vlfr.fr/api?" Inert: a name
 * that cleared the screen and wrote another question would make the owner agree to this one.
 */
export function confirmQuestion(plan: Plan): string {
  return inert(questionOf(plan));
}

function questionOf(plan: Plan): string {
  const changes = plan.entries.filter((e) => e.decision.kind === 'change');
  const projects = plural(new Set(changes.map((e) => e.projid)).size, 'project');
  const contacts = contactChangesOf(plan);
  const andContact = contacts === 0 ? '' : `, and make you the contact of ${contacts},`;
  const at = `at ${plan.server}?`;
  const op = plan.operation;
  if (op.action === 'restore') {
    const runs = op.journal.split(',');
    return `Undo run${runs.length > 1 ? 's' : ''} ${runs.join(', ')}: put back ${plural(changes.length, 'right')} ${at}`;
  }
  const users = planUsers(plan);
  if (users.length > 1 || op.action === 'sync' || changes.some((e) => e.operation !== undefined)) {
    return `Apply ${plural(changes.length, 'change')} for ${plural(users.length, 'user')} on ${projects}${andContact} ${at}`;
  }
  const user = `${(users[0] ?? plan.user).name} <${(users[0] ?? plan.user).email}>`;
  if (op.action === 'grant') return `Grant ${op.right} to ${user} on ${projects}${andContact} ${at}`;
  const right = op.anyRight ? `${op.right} (or any other right)` : op.right;
  return `Revoke ${right} from ${user} on ${projects}${andContact} ${at}`;
}

/** "Apply this policy: 12 grants and 3 revocations for 2 users on 14 projects at URL?" */
export function policyQuestion(plan: Plan): string {
  const c = changesByAction(plan);
  const scope = changedScope(plan);
  const what = [
    c.grants > 0 ? plural(c.grants, 'grant') : '',
    c.revocations > 0 ? plural(c.revocations, 'revocation') : '',
  ].filter((w) => w !== '');
  return `Apply this policy: ${what.join(' and ')} for ${plural(scope.users, 'user')} on ${plural(scope.projects, 'project')} at ${plan.server}?`;
}
