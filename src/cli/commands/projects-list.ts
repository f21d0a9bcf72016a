import { z } from 'zod';
import type { MinUser, Project } from '../../api/schemas.js';
import { UsageError, UserError } from '../../errors.js';
import { toCsv } from '../../output/csv.js';
import { renderTable } from '../../output/table.js';
import { matchesInstrumentFilter, matchesTitleFilter, parseIdTokens } from '../../plan/selectors.js';
import { rightOf } from '../../plan/rights.js';
import type { Sourced } from '../../config/settings.js';
import type { Context } from '../context.js';
import { parseOptions } from '../options.js';
import { openSession } from '../session.js';
import { resolveUser } from '../users.js';

export const listOptionsSchema = z.strictObject({
  allRights: z.boolean().optional(),
  title: z.string().optional(),
  instrument: z.string().optional(),
  withUser: z.string().optional(),
  csv: z.boolean().optional(),
});

export interface ProjectRow {
  projid: number;
  title: string;
  instrument: string | null;
  status: string | null;
  access: string;
  objcount: number | null;
  myRight: string | null;
  contact: { id: number; name: string; email: string } | null;
  user: { id: number; name: string; email: string } | null;
  userRight: string | null;
}

function toRow(project: Project, myId: number, user: MinUser | undefined): ProjectRow {
  const contact = project.contact ?? null;
  return {
    projid: project.projid,
    title: project.title,
    instrument: project.instrument ?? null,
    status: project.status ?? null,
    access: project.access,
    objcount: project.objcount ?? null,
    myRight: rightOf(project, myId),
    contact: contact === null ? null : { id: contact.id, name: contact.name, email: contact.email },
    user: user === undefined ? null : { id: user.id, name: user.name, email: user.email },
    userRight: user === undefined ? null : rightOf(project, user.id),
  };
}

const ACCESS: Record<string, string> = { '0': 'private', '1': 'public', '2': 'open' };

/** Checks the flags and ids before the first request. */
export function parseInputs(
  ctx: Context,
  args: string[],
  options: Record<string, unknown>,
): { opts: z.infer<typeof listOptionsSchema>; wanted: Set<number>; withUser: Sourced<string> } {
  const opts = parseOptions(listOptionsSchema, options, 'projects list');
  if (opts.csv === true && ctx.json) throw new UsageError('--csv and --json cannot be used together: choose one');
  const ids = parseIdTokens(args);
  const { user } = ctx.settings({ user: opts.withUser, userFlag: '--with-user' });
  return { opts, wanted: new Set([...ids.single, ...ids.ranged]), withUser: user };
}

/**
 * projects list: the projects you manage (or every one you have a right on), with one
 * user's right on each, from one paged search (member lists come with every item).
 */
export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const { opts, wanted, withUser } = parseInputs(ctx, args, options);
  const session = await openSession(ctx);
  const { client, me } = session;
  const spinner = await ctx.output.spinner('Reading projects');
  try {
    let user: MinUser | undefined;
    try {
      user = await resolveUser(client, withUser.value, withUser.label);
    } catch (err) {
      // The default grantee may not exist on another EcoTaxa instance: list anyway.
      if (withUser.origin === 'flag' || !(err instanceof UserError)) throw err;
      ctx.output.warn(`${err.message}; the user's right column is left empty`);
    }
    const found =
      wanted.size > 0
        ? await client.getProjects([...wanted], (n) => spinner.set(`Reading projects: ${n}`))
        : await client.searchProjects(
            { forManaging: opts.allRights !== true, title: opts.title, instrument: opts.instrument },
            (n) => spinner.set(`Reading projects: ${n}`),
          );
    // An administrator's search returns every project: keep those with an explicit right.
    const projects = found.filter((p) => {
      const mine = rightOf(p, me.id);
      if (opts.allRights === true ? mine === null : mine !== 'Manage') return false;
      if (opts.title !== undefined && !matchesTitleFilter(p, opts.title)) return false;
      return opts.instrument === undefined || matchesInstrumentFilter(p, opts.instrument);
    });
    spinner.stop();
    const rows = projects.map((p) => toRow(p, me.id, user));

    if (ctx.json) {
      ctx.output.data(JSON.stringify(rows, null, 2));
    } else if (opts.csv === true) {
      ctx.output.data(
        toCsv(
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
            ACCESS[r.access] ?? r.access,
            r.objcount,
            r.myRight,
            r.contact?.name,
            r.contact?.email,
            r.user?.email,
            r.userRight,
          ]),
        ).trimEnd(),
      );
    } else {
      const c = ctx.output.out;
      const userHeader = user === undefined ? 'USER' : `${user.name.toUpperCase()}`;
      ctx.output.data(
        renderTable(
          [
            { header: 'ID', align: 'right' },
            { header: 'TITLE', flexible: true },
            { header: 'INSTRUMENT' },
            { header: 'STATUS' },
            { header: 'ACCESS' },
            { header: 'MY RIGHT' },
            { header: 'CONTACT' },
            { header: 'OBJECTS', align: 'right' },
            { header: userHeader },
          ],
          rows.map((r) => [
            String(r.projid),
            r.title,
            r.instrument ?? '-',
            r.status ?? '-',
            ACCESS[r.access] ?? r.access,
            r.myRight ?? '-',
            r.contact?.name ?? '(none)',
            r.objcount === null ? '-' : String(r.objcount),
            r.userRight ?? '-',
          ]),
          {
            width: ctx.output.stdoutWidth,
            headerStyle: (t) => c.bold(t),
            style: (text, row, column) => (column === 8 && rows[row]?.userRight !== null ? c.green(text) : text),
          },
        ),
      );
      const who =
        user === undefined
          ? ''
          : ` ${user.name} <${user.email}> has a right on ${rows.filter((r) => r.userRight !== null).length}.`;
      ctx.output.info(`${rows.length} project${rows.length === 1 ? '' : 's'}.${who}`);
    }
    return 0;
  } finally {
    spinner.stop();
  }
}
