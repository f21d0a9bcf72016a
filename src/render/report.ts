import { toCsv } from '../output/csv.js';
import { inert } from '../output/inert.js';
import { type Column, type TableLayout, fitLine, layoutTable } from '../output/table.js';
import { formatAt, formatCount, plural } from '../output/words.js';
import { escapeMarkdown, markdownCode, markdownTable } from './markdown.js';
import type { ProjectFacts, Report, ReportPerson, ReportRow, Totals } from '../review/report.js';
import type { Since } from '../review/since.js';

/*
 * `report` as people read it: a table fitted to the terminal, Markdown to paste into a form or
 * an email, CSV. Pure: the same report always gives the same text. Outside text (titles,
 * names, instruments) is shown inert; in Markdown, escaped as well.
 */

/** "1,234 objects": totals are read by people. */
export const counted = (n: number, one: string): string => plural(n, one, `${one}s`, formatCount);

/** The columns a project starts with, in `report` and `report --received`. */
export const PROJECT_COLUMNS: readonly Column[] = [
  { header: 'ID', align: 'right' },
  { header: 'TITLE', shrink: 'truncate', maxClaim: 40 },
  { header: 'INSTRUMENT', dropRank: 1 },
  { header: 'OBJECTS', align: 'right', dropRank: 0 },
];

/** The same columns in Markdown: headers, and how each is aligned. */
export const PROJECT_HEADER = ['ID', 'Title', 'Instrument', 'Objects'];
export const PROJECT_ALIGN = ['right', 'left', 'left', 'right'] as const;

/** A project's cells under those columns. */
export function projectCells(p: ProjectFacts): string[] {
  return [String(p.projid), p.title, p.instrument ?? '-', p.objcount === null ? '-' : String(p.objcount)];
}

/** The SINCE cell: when, "before the journals", or "changed elsewhere"; `?` marks a write whose answer was lost. */
export function sinceCell(since: Since): string {
  switch (since.kind) {
    case 'run':
      return `${formatAt(since.at)}${since.confirmed ? '' : '?'}`;
    case 'before-journals':
      return 'before the journals';
    case 'elsewhere':
      return 'changed elsewhere';
  }
}

export function runCell(since: Since): string {
  return since.kind === 'run' ? since.run : '-';
}

const accessCell = (row: ReportRow): string => (row.marked ? `${row.access} !` : row.access);

/** A row of the report, in text and in Markdown. */
const reportCells = (r: ReportRow): string[] => [
  ...projectCells(r),
  accessCell(r),
  r.right,
  sinceCell(r.since),
  runCell(r.since),
];

/** "UVP6 (2), Zooscan (2), (none) (1)": every instrument, most used first. */
export function instrumentsText(totals: Totals): string {
  return totals.instruments.map((i) => `${i.instrument ?? '(none)'} (${i.projects})`).join(', ');
}

export function totalsLine(totals: Totals): string {
  const instruments = totals.instruments.length === 0 ? '' : `; instruments: ${instrumentsText(totals)}`;
  return `Total: ${counted(totals.projects, 'project')}, ${counted(totals.objects, 'object')}${instruments}.`;
}

/** The table's closing line: whose rights, and the totals. */
function whoLine(report: Report): string {
  const { totals } = report;
  const instruments = totals.instruments.length === 0 ? '' : `; instruments: ${instrumentsText(totals)}`;
  return `${describePerson(report.user)} has a right on ${counted(totals.projects, 'project')} you manage: ${counted(totals.objects, 'object')}${instruments}.`;
}

export const describePerson = (p: ReportPerson): string => `${p.name} <${p.email}>`;

/** The lines after the table that explain its marks, when it has them. */
function legend(report: Report): string[] {
  const lines: string[] = [];
  const kinds = new Set(
    report.projects.map((r) => (r.since.kind === 'run' && !r.since.confirmed ? '?' : r.since.kind)),
  );
  if (kinds.has('elsewhere')) {
    lines.push(
      '"changed elsewhere": our runs last left another right there; it was changed since by other means (the web UI, another machine).',
    );
  }
  if (kinds.has('?')) {
    lines.push(
      '"?": the run never learned whether that write landed; the project shows its result, so it most likely did.',
    );
  }
  return lines;
}

/** The condition, once, and what it means for these projects (AqQua's account only). */
export function conditionLines(report: Report): string[] {
  const condition = report.condition;
  if (condition === null) return [];
  const n = condition.privateProjects.length;
  const fact =
    n === 0
      ? 'None of these projects is private.'
      : `! ${n === 1 ? '1 of these projects is' : `${formatCount(n)} of these projects are`} still private (marked "private !"): the access level is the owner's to change, in EcoTaxa; ecotaxa-access changes nothing here.`;
  return [`Condition: ${condition.text}`, fact];
}

/** The report as a table `width` columns wide (nothing cut without one), then its totals and condition. */
export function renderReportTable(report: Report, options: TableOptions): TableLayout {
  const columns: Column[] = [
    ...PROJECT_COLUMNS,
    { header: 'ACCESS' },
    { header: 'RIGHT' },
    { header: 'SINCE (UTC)' },
    { header: 'RUN', dropRank: 2 },
  ];
  const table = layoutTable(columns, report.projects.map(reportCells), {
    width: options.width,
    headerStyle: options.headerStyle,
  });
  const prose = [...legend(report), inert(whoLine(report)), ...conditionLines(report)];
  return { text: [table.text, ...prose.map((l) => fitLine(l, options.width, 2))].join('\n'), dropped: table.dropped };
}

export const REPORT_CSV_HEADER = [
  'projid',
  'title',
  'instrument',
  'objcount',
  'access',
  'user_email',
  'user_right',
  'since_kind',
  'since',
  'since_run',
] as const;

/** `since_kind` in CSV: run, run-unconfirmed, before-journals or elsewhere. */
function sinceKind(since: Since): string {
  return since.kind === 'run' && !since.confirmed ? 'run-unconfirmed' : since.kind;
}

/** One row per project (it feeds `--ids-from`); the totals and the condition are in the other forms. */
export function renderReportCsv(report: Report): string {
  return toCsv(
    REPORT_CSV_HEADER,
    report.projects.map((r) => [
      r.projid,
      r.title,
      r.instrument,
      r.objcount,
      r.access,
      report.user.email,
      r.right,
      sinceKind(r.since),
      r.since.kind === 'run' ? r.since.at : null,
      r.since.kind === 'run' ? r.since.run : null,
    ]),
  ).trimEnd();
}

/** The report as Markdown, to paste into AqQua's form or an email. `asOf`: the day it was made. */
export function renderReportMarkdown(report: Report, asOf: string): string {
  const lines = [
    `## EcoTaxa projects shared with ${escapeMarkdown(describePerson(report.user))}`,
    '',
    `- Shared by: ${escapeMarkdown(describePerson(report.owner))}`,
    `- Server: ${markdownCode(report.server)}`,
    `- As of: ${asOf}`,
    '',
  ];
  if (report.projects.length === 0) {
    lines.push(`${escapeMarkdown(report.user.name)} has no right on these projects.`);
  } else {
    lines.push(
      ...markdownTable(
        [...PROJECT_HEADER, 'Access', 'Right', 'Since (UTC)', 'Run'],
        [...PROJECT_ALIGN, 'left', 'left', 'left', 'left'],
        report.projects.map(reportCells),
      ),
    );
  }
  lines.push('', `**${escapeMarkdown(totalsLine(report.totals))}**`);
  const legendLines = legend(report);
  if (legendLines.length > 0) lines.push('', ...legendLines.map((l) => `- ${escapeMarkdown(l)}`));
  const condition = conditionLines(report);
  // One quote, a paragraph a line.
  if (condition.length > 0) lines.push('', condition.map((l) => `> ${escapeMarkdown(l)}`).join('\n>\n'));
  return lines.join('\n');
}

/** How a report's table is laid out: the terminal's width, and the header's style. */
export interface TableOptions {
  width: number | undefined;
  headerStyle?: (text: string) => string;
}

/** A report in each of its forms, each made only when asked for. */
export interface ReportForms {
  /** The --json document (with the day it was made). */
  data: object;
  csv(): string;
  markdown(asOf: string): string;
  table(options: TableOptions): TableLayout;
  /** What to say instead of an empty table (on stderr), if it is empty. */
  empty: string | undefined;
}

export function formsOf<T extends object>(
  data: T,
  csv: (data: T) => string,
  markdown: (data: T, asOf: string) => string,
  table: (data: T, options: TableOptions) => TableLayout,
  empty: string | undefined,
): ReportForms {
  return { data, csv: () => csv(data), markdown: (asOf) => markdown(data, asOf), table: (o) => table(data, o), empty };
}

/** `selected`: how many projects the report looked at. */
export function reportForms(report: Report, selected: number): ReportForms {
  const selection = selected === 1 ? 'project' : `${selected} projects`;
  const empty = `${describePerson(report.user)} has no right on the ${selection} selected.`;
  return formsOf(
    report,
    renderReportCsv,
    renderReportMarkdown,
    renderReportTable,
    report.projects.length > 0 ? undefined : empty,
  );
}
