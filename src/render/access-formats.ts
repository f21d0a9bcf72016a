import type { MinUser } from '../api/schemas.js';
import { toCsv } from '../output/csv.js';
import { formatIdRanges } from '../selection/selectors.js';
import { plural } from '../output/words.js';
import { escapeMarkdown, markdownCode, markdownTable } from './markdown.js';
import { RIGHTS } from '../plan/rights.js';
import type { AccessReport, Member, PersonAccess } from '../review/access.js';
import { INACTIVE_NOTE, describeAttention, projectsByRight } from './access.js';

/*
 * `access` for programs and documents: --json (every field, every id), --csv (one row per
 * person, or per project with --by-project; ids whole, as ranges) and --format markdown.
 * JSON and CSV keep the exact text; Markdown, read on a terminal too, gets it inert.
 */

/** --json: people, projects and findings, whatever --by-project says (README "JSON output"). */
export function accessDocument(
  report: AccessReport,
  context: { server: string; caller: Pick<MinUser, 'id' | 'name' | 'email'> },
): object {
  const kindsOf = (p: PersonAccess): string[] => [
    ...new Set(report.attention.filter((a) => a.user?.id === p.user.id).map((a) => a.kind)),
  ];
  return {
    server: context.server,
    caller: { id: context.caller.id, name: context.caller.name, email: context.caller.email },
    people: report.people.map((p) => ({
      ...p.user,
      highestRight: p.highest,
      counts: { Manage: p.projects.Manage.length, Annotate: p.projects.Annotate.length, View: p.projects.View.length },
      projects: p.projects,
      contactOf: p.contactOf,
      attention: kindsOf(p),
    })),
    projects: report.projects.map((p) => ({
      projid: p.projid,
      title: p.title,
      contact: p.contact,
      managers: p.members.Manage,
      annotators: p.members.Annotate,
      viewers: p.members.View,
    })),
    attention: report.attention,
    notes: [INACTIVE_NOTE],
  };
}

const emails = (members: readonly Member[]): string => members.map((m) => `${m.name} <${m.email}>`).join('; ');

/** --csv: one row per person (or per project with --by-project), every id written whole. */
export function accessCsv(report: AccessReport, byProject: boolean): string {
  if (byProject) {
    return toCsv(
      ['projid', 'title', 'contact_name', 'contact_email', 'managers', 'annotators', 'viewers'],
      report.projects.map((p) => [
        p.projid,
        p.title,
        p.contact?.name,
        p.contact?.email,
        emails(p.members.Manage),
        emails(p.members.Annotate),
        emails(p.members.View),
      ]),
    );
  }
  const kinds = (p: PersonAccess): string =>
    [...new Set(report.attention.filter((a) => a.user?.id === p.user.id).map((a) => a.kind))].join(' ');
  return toCsv(
    [
      'user_id',
      'name',
      'email',
      'organisation',
      'highest_right',
      'manage_count',
      'annotate_count',
      'view_count',
      'manage_projects',
      'annotate_projects',
      'view_projects',
      'contact_projects',
      'attention',
    ],
    report.people.map((p) => [
      p.user.id,
      p.user.name,
      p.user.email,
      p.user.organisation,
      p.highest,
      ...RIGHTS.slice()
        .reverse()
        .map((r) => p.projects[r].length),
      ...RIGHTS.slice()
        .reverse()
        .map((r) => formatIdRanges(p.projects[r])),
      formatIdRanges(p.contactOf),
      kinds(p),
    ]),
  );
}

/** --format markdown: a title, the table, the findings and the note, for a report or a CI summary. */
export function accessMarkdown(report: AccessReport, byProject: boolean, server: string): string {
  const lines = [`## Who has what: ${plural(report.projects.length, 'project')} at ${markdownCode(server)}`, ''];
  if (byProject) {
    const names = (members: readonly Member[]): string => members.map((m) => m.name).join(', ');
    lines.push(
      ...markdownTable(
        ['ID', 'Title', 'Contact', 'Other managers', 'Annotators', 'Viewers'],
        ['right', 'left', 'left', 'left', 'left', 'left'],
        report.projects.map((p) => [
          String(p.projid),
          p.title,
          p.contact?.name ?? '(none)',
          names(p.members.Manage),
          names(p.members.Annotate),
          names(p.members.View),
        ]),
      ),
    );
  } else {
    lines.push(
      ...markdownTable(
        ['Name', 'Email', 'Organisation', 'Manage', 'Annotate', 'View', 'Projects'],
        ['left', 'left', 'left', 'right', 'right', 'right', 'left'],
        report.people.map((p) => [
          p.user.name,
          p.user.email,
          p.user.organisation ?? '',
          String(p.projects.Manage.length),
          String(p.projects.Annotate.length),
          String(p.projects.View.length),
          projectsByRight(p),
        ]),
      ),
    );
  }
  if (report.attention.length > 0) {
    lines.push('', '### Worth a look', '');
    for (const finding of report.attention) lines.push(`- ${escapeMarkdown(describeAttention(finding, undefined))}`);
  }
  lines.push('', `_Note: ${escapeMarkdown(INACTIVE_NOTE)}_`);
  return `${lines.join('\n')}\n`;
}
