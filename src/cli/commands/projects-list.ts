import { z } from 'zod';
import type { MinUser, Project } from '../../api/schemas.js';
import { ApiError } from '../../api/errors.js';
import { ExitCode, UsageError, UserError } from '../../errors.js';
import { toCsv } from '../../output/csv.js';
import { type Column, layoutTable } from '../../output/table.js';
import {
  formatIdRanges,
  matchesInstrumentFilter,
  matchesTitleFilter,
  parseIdTokens,
} from '../../selection/selectors.js';
import { rightOf } from '../../plan/rights.js';
import type { Sourced } from '../../config/settings.js';
import type { Context } from '../context.js';
import { describeError } from '../error-advice.js';
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
  /** "private", "public" or "open", as the table says (EcoTaxa's "0", "1", "2"). */
  access: string;
  objcount: number | null;
  myRight: string | null;
  contact: { id: number; name: string; email: string } | null;
  user: { id: number; name: string; email: string } | null;
  userRight: string | null;
}

/** EcoTaxa's access codes in words (API-NOTES "Projects"); an unknown code is shown as is. */
const ACCESS: Record<string, string> = { '0': 'private', '1': 'public', '2': 'open' };

function toRow(project: Project, myId: number, user: MinUser | undefined): ProjectRow {
  const contact = project.contact ?? null;
  return {
    projid: project.projid,
    title: project.title,
    instrument: project.instrument ?? null,
    status: project.status ?? null,
    access: ACCESS[project.access] ?? project.access,
    objcount: project.objcount ?? null,
    myRight: rightOf(project, myId),
    contact: contact === null ? null : { id: contact.id, name: contact.name, email: contact.email },
    user: user === undefined ? null : { id: user.id, name: user.name, email: user.email },
    userRight: user === undefined ? null : rightOf(project, user.id),
  };
}

/** Checks the flags and ids before the first request. */
export function parseInputs(
  ctx: Context,
  args: string[],
  options: Record<string, unknown>,
): {
  opts: z.infer<typeof listOptionsSchema>;
  /** Every id asked for, ranges included. */
  wanted: Set<number>;
  /** Ids named one by one: one that is not found is an error. */
  named: Set<number>;
  withUser: Sourced<string>;
} {
  const opts = parseOptions(listOptionsSchema, options, 'projects list');
  if (opts.csv === true && ctx.json) throw new UsageError('--csv and --json cannot be used together: choose one');
  const ids = parseIdTokens(args);
  const { user } = ctx.settings({ user: opts.withUser, userFlag: '--with-user' });
  return { opts, wanted: new Set([...ids.single, ...ids.ranged]), named: new Set(ids.single), withUser: user };
}

const them = (ids: readonly number[], one: string, many: string): string => (ids.length === 1 ? one : many);

/**
 * Why ids that were asked for are not listed: not found (an error, exit 1, for ids named
 * one by one; a range may have gaps), or not projects you manage (a hint: --all-rights).
 */
function explainMissing(
  ctx: Context,
  asked: ReadonlySet<number>,
  named: ReadonlySet<number>,
  found: readonly Project[],
  listed: readonly Project[],
  allRights: boolean,
  myId: number,
  administrator: boolean,
): boolean {
  const seen = new Set(found.map((p) => p.projid));
  const shown = new Set(listed.map((p) => p.projid));
  const notFound = [...named].filter((id) => !seen.has(id)).sort((a, b) => a - b);
  const notMine = found
    .filter((p) => asked.has(p.projid) && !shown.has(p.projid))
    .filter((p) => (allRights ? rightOf(p, myId) === null : rightOf(p, myId) !== 'Manage'))
    .map((p) => p.projid)
    .sort((a, b) => a - b);
  if (notMine.length > 0) {
    const which = formatIdRanges(notMine).replaceAll(' ', ', ');
    ctx.output.info(
      allRights
        ? `${which}: ${them(notMine, 'a project', 'projects')} you have no right of your own on (an administrator sees every project): not listed`
        : `${which}: not ${them(notMine, 'a project', 'projects')} you manage${administrator ? ' (an administrator sees every project; only those you manage are listed)' : ''}: --all-rights lists those you have a right on`,
    );
  }
  if (notFound.length > 0) {
    ctx.output.error(
      `${formatIdRanges(notFound).replaceAll(' ', ', ')}: not found, or you have no right on ${them(notFound, 'it', 'them')}`,
    );
  }
  return notFound.length > 0;
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

/**
 * projects list: the projects you manage (or every one you have a right on), with one
 * user's right on each, from one paged search (member lists come with every item).
 */
export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const { opts, wanted, named, withUser } = parseInputs(ctx, args, options);
  const session = await openSession(ctx);
  const { client, me } = session;
  const spinner = await ctx.output.spinner('Reading projects');
  try {
    let user: MinUser | undefined;
    try {
      user = await resolveUser(client, withUser.value, withUser.label);
    } catch (err) {
      // The default grantee may not exist on another EcoTaxa instance: list anyway.
      if (withUser.origin === 'flag' || !(err instanceof UserError || err instanceof ApiError)) throw err;
      ctx.output.warn(`${describeError(err)}; the user's right column is left empty`);
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
      ctx.output.json(rows);
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
            r.access,
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
      const ranks = dropRanks(opts.allRights === true);
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
        { header: userHeader },
      ];
      const width = ctx.output.stdoutWidth;
      const table = layoutTable(
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
          width,
          headerStyle: (t) => c.bold(t),
          style: (text, row, col) => (col === 8 && rows[row]?.userRight !== null ? c.green(text) : text),
        },
      );
      ctx.output.data(table.text);
      const who =
        user === undefined
          ? ''
          : ` ${user.name} <${user.email}> has a right on ${rows.filter((r) => r.userRight !== null).length}.`;
      ctx.output.info(`${rows.length} project${rows.length === 1 ? '' : 's'}.${who}`);
      if (table.dropped.length > 0) {
        ctx.output.info(`Hidden to fit: ${table.dropped.join(', ')} (--json has all).`);
      }
    }
    // After the list: what was asked for and is not in it, and why.
    const allRights = opts.allRights === true;
    const notFound = explainMissing(ctx, wanted, named, found, projects, allRights, me.id, session.administrator);
    return notFound ? ExitCode.Error : ExitCode.Success;
  } finally {
    spinner.stop();
  }
}
