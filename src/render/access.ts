import { inert } from '../output/inert.js';
import { type Column, type TableLayout, fitLine, layoutTable } from '../output/table.js';
import { plural } from '../output/words.js';
import { formatIdRanges } from '../selection/selectors.js';
import {
  type AccessReport,
  type Attention,
  DATA_CONSUMER_ABOVE,
  type Member,
  type PersonAccess,
  type ProjectAccess,
  heldRights,
} from '../review/access.js';

/*
 * `access` for people: the tables (one row per person, or per project with --by-project),
 * fitted to a terminal's width, and the findings worth a look, one line each. Every text
 * from outside is made inert here; off a terminal (width undefined) nothing is shortened.
 */

export interface TextOptions {
  /** The terminal's width; undefined into a pipe or a file (nothing is cut). */
  width: number | undefined;
  bold?: (text: string) => string;
}

/** The note every `access` output carries: what EcoTaxa's API never shows. */
export const INACTIVE_NOTE =
  'Rights of inactive accounts, which the API never shows, are not listed here (and any update of a project drops them).';

/** "Carl Colleague <colleague@example.org>", inert. */
export function who(user: Pick<Member, 'name' | 'email'>): string {
  return inert(`${user.name} <${user.email}>`);
}

/** "M: 7; A: 1 3 5 30-31; V: 4": a person's projects at each right, highest first. */
export function projectsByRight(person: PersonAccess): string {
  return heldRights(person)
    .map(({ right, projects }) => `${right[0] ?? ''}: ${formatIdRanges(projects)}`)
    .join('; ');
}

/** On a terminal, a long list of ids keeps its first ranges and counts the rest. */
const IDS_SHOWN = 10;

function ids(list: readonly number[], width: number | undefined): string {
  const words = formatIdRanges(list).split(' ');
  if (width === undefined || words.length <= IDS_SHOWN) return words.join(' ');
  return `${words.slice(0, IDS_SHOWN).join(' ')} and ${words.length - IDS_SHOWN} more ranges`;
}

export function peopleTable(report: AccessReport, options: TextOptions): TableLayout {
  const columns: Column[] = [
    // Names and emails give up width only beyond these; the projects' ids give it up first.
    { header: 'NAME', shrink: 'truncate', minWidth: 20, maxClaim: 20 },
    { header: 'EMAIL', shrink: 'truncate', minWidth: 28, maxClaim: 28, dropRank: 1 },
    { header: 'ORGANISATION', shrink: 'truncate', minWidth: 20, maxClaim: 24, dropRank: 0 },
    { header: 'MANAGE', align: 'right' },
    { header: 'ANNOTATE', align: 'right' },
    { header: 'VIEW', align: 'right' },
    { header: 'PROJECTS', shrink: 'truncate', maxClaim: 30 },
  ];
  const rows = report.people.map((p) => [
    inert(p.user.name),
    inert(p.user.email),
    inert(p.user.organisation ?? ''),
    String(p.projects.Manage.length),
    String(p.projects.Annotate.length),
    String(p.projects.View.length),
    projectsByRight(p),
  ]);
  return layoutTable(columns, rows, { width: options.width, headerStyle: options.bold });
}

/** Keeps a name on one line when a cell wraps (given back as a space once the table is laid out). */
const JOIN = '\u00a0';

/** "M: Carl Colleague; V: Victor Villefranche, AqQua": a project's members, highest right first. */
export function membersByRight(project: ProjectAccess, keepTogether = false): string {
  const name = (m: Member): string => (keepTogether ? inert(m.name).replaceAll(' ', JOIN) : inert(m.name));
  return (['Manage', 'Annotate', 'View'] as const)
    .filter((right) => project.members[right].length > 0)
    .map((right) => `${right[0]}:${keepTogether ? JOIN : ' '}${project.members[right].map(name).join(', ')}`)
    .join('; ');
}

function contactName(project: ProjectAccess, callerId: number): string {
  if (project.contact === null) return '(none)';
  return project.contact.id === callerId ? 'you' : inert(project.contact.name);
}

export function projectsTable(report: AccessReport, callerId: number, options: TextOptions): TableLayout {
  const columns: Column[] = [
    { header: 'ID', align: 'right' },
    { header: 'TITLE', shrink: 'truncate', minWidth: 24, maxClaim: 40 },
    { header: 'CONTACT', shrink: 'truncate', maxClaim: 20, dropRank: 0 },
    // Members wrap under their row, between names: none is lost.
    { header: 'MEMBERS', shrink: 'wrap', minWidth: 24 },
  ];
  const rows = report.projects.map((p) => [
    String(p.projid),
    inert(p.title),
    contactName(p, callerId),
    membersByRight(p, true) || '-',
  ]);
  const table = layoutTable(columns, rows, { width: options.width, headerStyle: options.bold });
  return { ...table, text: table.text.replaceAll(JOIN, ' ') };
}

/** One finding in words (inert), its ids shortened on a terminal. */
export function describeAttention(finding: Attention, width: number | undefined): string {
  const on = ids(finding.projects, width);
  const n = finding.projects.length;
  const them = n === 1 ? 'it' : 'them';
  const projects = `${n === 1 ? 'project' : 'projects'} ${on}`;
  const person = finding.user === null ? '' : who(finding.user);
  switch (finding.kind) {
    case 'other-manager':
      return `${person} manages ${on} with you`;
    case 'other-domain':
      return `${person}: ${inert(finding.domain ?? '')} is neither your domain nor another manager's, on ${on}`;
    case 'data-consumer':
      return `${person} has a right on ${plural(n, 'project')} and manages none (more than ${DATA_CONSUMER_ABOVE}): a data consumer?`;
    case 'no-contact':
      return `${projects}: no contact (none set, or an inactive account): EcoTaxa refuses to update ${them} until one is set in the web UI`;
    case 'contact-not-manager':
      return `${projects}: the contact ${finding.user === null ? '' : inert(finding.user.name)} is not a manager: EcoTaxa refuses to update ${them} until that is fixed in the web UI`;
  }
}

/** The lines after the table: the findings, then the note. */
export function attentionText(report: AccessReport, width: number | undefined): string {
  const lines: string[] = [];
  if (report.attention.length > 0) {
    lines.push('Worth a look:');
    for (const finding of report.attention) lines.push(fitLine(`  - ${describeAttention(finding, width)}`, width, 4));
  }
  lines.push(fitLine(`Note: ${INACTIVE_NOTE}`, width, 6));
  return lines.join('\n');
}

/** The count line on stderr. */
export function accessSummary(report: AccessReport, byProject: boolean): string {
  const people = plural(report.people.length, 'person', 'people');
  const projects = plural(report.projects.length, 'project');
  return byProject ? `${projects}, ${people} besides you.` : `${people} besides you, on ${projects}.`;
}
