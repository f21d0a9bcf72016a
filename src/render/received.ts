import { toCsv } from '../output/csv.js';
import { inert } from '../output/inert.js';
import { type Column, type TableLayout, fitLine, layoutTable } from '../output/table.js';
import { escapeMarkdown, markdownCode, markdownTable } from './markdown.js';
import { formatIdRanges } from '../selection/selectors.js';
import type { Received, ReceivedGroup, ReceivedProject } from '../review/received.js';
import {
  PROJECT_ALIGN,
  PROJECT_COLUMNS,
  PROJECT_HEADER,
  type ReportForms,
  type TableOptions,
  formsOf,
  counted,
  describePerson,
  projectCells,
  totalsLine,
} from './report.js';

/*
 * `report --received` as people read it: one block per contact (whom to tell that the download
 * is complete), a Markdown version, and CSV with one row per contact. Pure.
 */

/** Whom a group writes to, in words. */
export function groupLabel(group: ReceivedGroup): string {
  if (group.contact !== null) return describePerson(group.contact);
  if (group.recipients.length === 0) return 'No contact, and no active manager';
  return `No contact; its managers: ${group.recipients.map(describePerson).join(', ')}`;
}

function groupLine(group: ReceivedGroup): string {
  return `${groupLabel(group)}: ${counted(group.projects.length, 'project')}, ${counted(group.objects, 'object')}`;
}

function closingLine(received: Received): string {
  const groups = received.totals.groups;
  return `${totalsLine(received.totals).replace(/\.$/, '')}; ${counted(groups, 'contact')} to write to.`;
}

const INDENT = '  ';

/** A received project's row, in text and in Markdown. */
const receivedCells = (p: ReceivedProject): string[] => [...projectCells(p), p.access, p.right];

/** Every group under its line, in one table's columns (so that they align from group to group). */
export function renderReceivedTable(received: Received, options: TableOptions): TableLayout {
  const columns: Column[] = [...PROJECT_COLUMNS, { header: 'ACCESS' }, { header: 'YOUR RIGHT' }];
  const rows = received.groups.flatMap((g) => g.projects.map(receivedCells));
  const width = options.width === undefined ? undefined : options.width - INDENT.length;
  const table = layoutTable(columns, rows, { width, headerStyle: options.headerStyle });
  // Each row is one line (titles are shortened, never wrapped): the header, then a line a project.
  const [header = '', ...lines] = table.text.split('\n');
  const blocks: string[] = [];
  let next = 0;
  for (const group of received.groups) {
    const own = lines.slice(next, next + group.projects.length);
    next += group.projects.length;
    blocks.push(
      [fitLine(inert(groupLine(group)), options.width, 2), ...[header, ...own].map((l) => INDENT + l)].join('\n'),
    );
  }
  const text = [...blocks, fitLine(inert(closingLine(received)), options.width, 2)].join('\n\n');
  return { text, dropped: table.dropped };
}

export const RECEIVED_CSV_HEADER = [
  'contact_name',
  'contact_email',
  'write_to',
  'projects',
  'projids',
  'titles',
  'objects',
] as const;

/**
 * One row per contact. `write_to` holds the emails to write to (the contact's, or the
 * managers' of projects without one), ready for a mail's "To:" line.
 */
export function renderReceivedCsv(received: Received): string {
  return toCsv(
    RECEIVED_CSV_HEADER,
    received.groups.map((g) => [
      g.contact?.name,
      g.contact?.email,
      g.recipients.map((r) => r.email).join(', '),
      g.projects.length,
      formatIdRanges(g.projects.map((p) => p.projid)),
      g.projects.map((p) => p.title).join('; '),
      g.objects,
    ]),
  ).trimEnd();
}

/** The received projects as Markdown: a section per contact. */
export function renderReceivedMarkdown(received: Received, asOf: string): string {
  const lines = [
    `## EcoTaxa projects shared with ${escapeMarkdown(describePerson(received.you))}`,
    '',
    `- Server: ${markdownCode(received.server)}`,
    `- As of: ${asOf}`,
  ];
  for (const group of received.groups) {
    lines.push(
      '',
      `### ${escapeMarkdown(groupLine(group))}`,
      '',
      ...markdownTable(
        [...PROJECT_HEADER, 'Access', 'Your right'],
        [...PROJECT_ALIGN, 'left', 'left'],
        group.projects.map(receivedCells),
      ),
    );
  }
  lines.push('', `**${escapeMarkdown(closingLine(received))}**`);
  return lines.join('\n');
}

export function receivedForms(received: Received): ReportForms {
  const empty = 'No project is shared with you: you have no right on a project you do not manage.';
  return formsOf(
    received,
    renderReceivedCsv,
    renderReceivedMarkdown,
    renderReceivedTable,
    received.groups.length > 0 ? undefined : empty,
  );
}
