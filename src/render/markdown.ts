import { inert } from '../output/inert.js';
import type { ApplyResult } from '../plan/results.js';
import { namesUsers, planUsers } from '../plan/counts.js';
import { type Person, type Plan, type PlanEntry, userOf } from '../plan/model.js';
import { describeOperation, entryDetail, planSummaryLine } from './plan.js';
import { describeUser } from '../plan/rights.js';
import { OUTCOME_GLYPH, glyphOf } from './glyphs.js';
import { resultDetail } from './results.js';

/*
 * --format markdown: a plan (and what applying it did) as GitHub-flavoured Markdown, for a CI
 * job summary ($GITHUB_STEP_SUMMARY) or a pull-request comment. Changes and skips are tables;
 * unchanged projects are a count. Pure: the same plan always gives the same text.
 */

/**
 * What Markdown acts on inside a line, as GitHub renders it: emphasis and strike-through
 * (`*`, `_`, `~`), code (`` ` ``), links and images (`[text](url)`, `![alt](url)`: without
 * their brackets there is neither, and a parenthesis alone is plain text), HTML tags and
 * autolinks (`<...>`), table cells (`|`), character references (`&amp;`), math (`$`), and the
 * backslash itself. Each is escaped with a backslash.
 */
const MARKDOWN = /[\\`*_~[\]<>|&$]/g;

/**
 * Text from outside made inert for Markdown: one line of plain text in a table cell or a list
 * item, shown as it is and acting on nothing. Control and invisible characters are shown as
 * `inert` shows them (`\x1b`); Markdown syntax is escaped, so `[text](url)` and `![](url)`
 * are neither a link nor an image; the links GitHub makes of bare addresses are broken by
 * writing their colon (`https&#58;//`, `mailto&#58;`) or the dot after `www` (`www&#46;`) as a
 * character reference, which renders as the same text. In a pull-request comment GitHub also
 * notifies `@name` and links `#12` or `GH-12` to an issue: a zero-width space after the `@`
 * (not in an email address, which mentions no one), the `#` or the `-` breaks them, as
 * Renovate does in its comments.
 */
export function escapeMarkdown(text: string): string {
  return inert(text)
    .replace(MARKDOWN, '\\$&')
    .replace(/(?<![\w.+-])@(?=\w)|#(?=\d)|(?<=\bGH)-(?=\d)/gi, '$&&#8203;')
    .replace(/:(?=\/\/)|(?<=\b(?:mailto|xmpp)):/gi, '&#58;')
    .replace(/(?<=\bwww)\./gi, '&#46;');
}

/**
 * `text` as a code span: shown as typed (a server's address stays readable, also pasted as
 * plain text), never a link. The fence is longer than any run of backticks in the text.
 */
export function markdownCode(text: string): string {
  const shown = inert(text);
  let longest = 0;
  for (const run of shown.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/** `escapeMarkdown` for a text that starts a list item: it cannot make it a heading or another list. */
function escapeMarkdownItem(text: string): string {
  return escapeMarkdown(text).replace(/^[#+-]|(?<=^\d+)[.)]/, '\\$&');
}

/** A Markdown table: the header as written, each cell of `rows` escaped (`escapeMarkdown`). */
export function markdownTable(
  header: readonly string[],
  align: readonly ('left' | 'right')[],
  rows: readonly (readonly string[])[],
): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(align.map((a) => (a === 'right' ? '---:' : '---'))),
    ...rows.map((row) => line(row.map(escapeMarkdown))),
  ];
}

function who(plan: Plan, entryOrUserId: PlanEntry | number): string {
  if (typeof entryOrUserId !== 'number') return userOf(plan, entryOrUserId).name;
  return plan.entries.map((e) => userOf(plan, e)).find((u) => u.id === entryOrUserId)?.name ?? `#${entryOrUserId}`;
}

function person(p: Person): string {
  return escapeMarkdown(describeUser(p));
}

/** Columns about whose right and which rule, when the plan names them. */
function whose(plan: Plan): { header: string[]; cells: (entry: PlanEntry) => string[] } {
  const users = namesUsers(plan);
  const rules = plan.entries.some((e) => e.rule !== undefined);
  return {
    header: [...(users ? ['User'] : []), ...(rules ? ['Rule'] : [])],
    cells: (e) => [...(users ? [who(plan, e)] : []), ...(rules ? [e.rule ?? ''] : [])],
  };
}

/** The plan: title, who and where, the summary, a table of changes, one of skips, the notes. */
export function renderPlanMarkdown(plan: Plan): string {
  const op = plan.operation;
  const title =
    op.action === 'sync' ? `sync \`${inert(op.policy).replace(/`/g, "'")}\`` : escapeMarkdown(describeOperation(op));
  const users = planUsers(plan);
  const lines = [
    `## ecotaxa-access plan: ${title}`,
    '',
    `- Server: ${markdownCode(plan.server)}`,
    `- You: ${person(plan.caller)}`,
    `- ${users.length === 1 ? 'User' : 'Users'}: ${users.map(person).join(', ')}`,
    '',
    `**${planSummaryLine(plan)}**`,
  ];
  const extra = whose(plan);
  const changes = plan.entries.filter((e) => e.decision.kind === 'change');
  if (changes.length > 0) {
    lines.push('', `### Changes (${changes.length})`, '');
    // One by one: a spread of thousands of rows overflows the call stack.
    for (const line of markdownTable(
      ['', 'ID', 'Title', ...extra.header, 'Change'],
      ['left', 'right', 'left', ...extra.header.map(() => 'left' as const), 'left'],
      changes.map((e) => [glyphOf(e), String(e.projid), e.title, ...extra.cells(e), entryDetail(e)]),
    ))
      lines.push(line);
  }
  const skips = plan.entries.filter((e) => e.decision.kind === 'skip');
  if (skips.length > 0) {
    lines.push('', `### Skipped (${skips.length})`, '');
    for (const line of markdownTable(
      ['ID', 'Title', ...extra.header, 'Reason'],
      ['right', 'left', ...extra.header.map(() => 'left' as const), 'left'],
      skips.map((e) => [
        String(e.projid),
        e.title,
        ...extra.cells(e),
        e.decision.kind === 'skip' ? e.decision.reason : '',
      ]),
    ))
      lines.push(line);
  }
  if (plan.notes.length > 0) lines.push('', '### Notes', '');
  for (const note of plan.notes) lines.push(`- ${escapeMarkdownItem(note)}`);
  return lines.join('\n');
}

/** What applying did: the closing line, and a table of every project and user written or not. */
export function renderResultsMarkdown(plan: Plan, results: readonly ApplyResult[], summary: string): string {
  const users = namesUsers(plan);
  const rules = results.some((r) => r.rule !== undefined);
  const header = ['', 'ID', 'Title', ...(users ? ['User'] : []), ...(rules ? ['Rule'] : []), 'Result'];
  const lines = ['', '### Result', '', `**${summary}**`];
  if (results.length > 0) {
    lines.push('');
    for (const line of markdownTable(
      header,
      header.map((h) => (h === 'ID' ? 'right' : 'left')),
      results.map((r) => [
        OUTCOME_GLYPH[r.outcome],
        String(r.projid),
        r.title,
        ...(users ? [who(plan, r.userId)] : []),
        ...(rules ? [r.rule ?? ''] : []),
        resultDetail(r),
      ]),
    ))
      lines.push(line);
  }
  return lines.join('\n');
}
