import type { ChalkInstance } from 'chalk';
import type { MinUser, Project } from '../api/schemas.js';
import { toCsv } from '../output/csv.js';
import { type Column, type TableLayout, layoutTable } from '../output/table.js';
import { plural } from '../output/words.js';
import { rightOf } from '../plan/rights.js';
import { personOf, projectFacts } from '../review/report.js';

/*
 * `projects list`: one row per project with your right and one user's, as --json gives it
 * (README "JSON output"), as CSV, and as a table fitted to the terminal.
 */

export interface ProjectRow {
  projid: number;
  title: string;
  instrument: string | null;
  status: string | null;
  /** "private", "public" or "open", as the table says (EcoTaxa's "0", "1", "2"). */
  access: string;
  objcount: number | null;
  myRight: string | null;
  contact: { id: number; name: string; email: string } | null;
  user: { id: number; name: string; email: string } | null;
  userRight: string | null;
}

export function projectRow(project: Project, myId: number, user: MinUser | undefined): ProjectRow {
  const { projid, title, instrument, access, objcount } = projectFacts(project);
  const contact = project.contact ?? null;
  // Fields in the order --json has always written them.
  return {
    projid,
    title,
    instrument,
    status: project.status ?? null,
    access,
    objcount,
    myRight: rightOf(project, myId),
    contact: contact === null ? null : personOf(contact),
    user: user === undefined ? null : personOf(user),
    userRight: user === undefined ? null : rightOf(project, user.id),
  };
}

export function projectsCsv(rows: readonly ProjectRow[]): string {
  return toCsv(
    [
      'projid',
      'title',
      'instrument',
      'status',
      'access',
      'objcount',
      'my_right',
      'contact_name',
      'contact_email',
      'user_email',
      'user_right',
    ],
    rows.map((r) => [
      r.projid,
      r.title,
      r.instrument,
      r.status,
      r.access,
      r.objcount,
      r.myRight,
      r.contact?.name,
      r.contact?.email,
      r.user?.email,
      r.userRight,
    ]),
  ).trimEnd();
}

/**
 * The least important columns go first when the table is too wide for the terminal, so that
 * each project stays on one line; the user's right column always stays, and titles are
 * shortened last. MY RIGHT says "Manage" on every row unless --all-rights: it goes first then.
 */
function dropRanks(allRights: boolean): Record<string, number> {
  const order = ['OBJECTS', 'STATUS', 'ACCESS', 'CONTACT', 'MY RIGHT', 'INSTRUMENT'];
  if (!allRights) order.unshift(order.splice(order.indexOf('MY RIGHT'), 1)[0] as string);
  return Object.fromEntries(order.map((header, i) => [header, i]));
}

/** The longest a title gets before other columns are dropped for it: longer ones are shortened. */
const TITLE_CLAIM = 40;

export interface ProjectsTableOptions {
  color: ChalkInstance;
  /** The terminal's width; undefined off a terminal (nothing is cut). */
  width: number | undefined;
  allRights: boolean;
  /** Whose right the last column shows, if anyone's. */
  user: Pick<MinUser, 'name'> | undefined;
}

/** The table, its last column the user's right (green where there is one). */
export function projectsTable(rows: readonly ProjectRow[], options: ProjectsTableOptions): TableLayout {
  const c = options.color;
  const ranks = dropRanks(options.allRights);
  const column = (header: string, more: Omit<Column, 'header'> = {}): Column => ({
    header,
    ...more,
    ...(ranks[header] === undefined ? {} : { dropRank: ranks[header] }),
  });
  const columns = [
    column('ID', { align: 'right' }),
    column('TITLE', { shrink: 'truncate', maxClaim: TITLE_CLAIM }),
    column('INSTRUMENT'),
    column('STATUS'),
    column('ACCESS'),
    column('MY RIGHT'),
    column('CONTACT'),
    column('OBJECTS', { align: 'right' }),
    // Not column(): the user's right is what the listing is for, it never goes.
    { header: options.user === undefined ? 'USER' : options.user.name.toUpperCase() },
  ];
  return layoutTable(
    columns,
    rows.map((r) => [
      String(r.projid),
      r.title,
      r.instrument ?? '-',
      r.status ?? '-',
      r.access,
      r.myRight ?? '-',
      r.contact?.name ?? '(none)',
      r.objcount === null ? '-' : String(r.objcount),
      r.userRight ?? '-',
    ]),
    {
      width: options.width,
      headerStyle: (t) => c.bold(t),
      style: (text, row, col) => (col === 8 && rows[row]?.userRight !== null ? c.green(text) : text),
    },
  );
}

/** "12 projects. AqQua <aqqua@geomar.de> has a right on 3." */
export function projectsSummary(
  rows: readonly ProjectRow[],
  user: Pick<MinUser, 'name' | 'email'> | undefined,
): string {
  const who =
    user === undefined
      ? ''
      : ` ${user.name} <${user.email}> has a right on ${rows.filter((r) => r.userRight !== null).length}.`;
  return `${plural(rows.length, 'project')}.${who}`;
}
