import { z } from 'zod';
import type { EcoTaxaClient } from '../../api/client.js';
import type { MinUser, Project } from '../../api/schemas.js';
import { ApiError } from '../../api/errors.js';
import { ExitCode, UsageError, UserError } from '../../errors.js';
import { matchesInstrumentFilter, matchesTitleFilter, parseIdTokens } from '../../selection/selectors.js';
import { rightOf } from '../../plan/rights.js';
import { idList, notFoundLine, notProjectsLine } from '../../render/missing.js';
import { type ProjectRow, projectRow, projectsCsv, projectsSummary, projectsTable } from '../../render/projects.js';
import type { Sourced } from '../../config/settings.js';
import type { Context } from '../context.js';
import { describeError } from '../error-advice.js';
import { filterOptions, parseOptions } from '../options.js';
import { openSession } from '../session.js';
import { resolveUser } from '../users.js';
import { hiddenColumnsLine } from '../../output/table.js';

export const listOptionsSchema = z.strictObject({
  allRights: z.boolean().optional(),
  ...filterOptions,
  withUser: z.string().optional(),
  csv: z.boolean().optional(),
});
type ListOptions = z.infer<typeof listOptionsSchema>;

/** Checks the flags and ids before the first request. */
export function parseInputs(
  ctx: Context,
  args: string[],
  options: Record<string, unknown>,
): {
  opts: ListOptions;
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
    ctx.output.info(
      allRights
        ? `${idList(notMine)}: ${notMine.length === 1 ? 'a project' : 'projects'} you have no right of your own on (an administrator sees every project): not listed`
        : `${notProjectsLine(notMine, 'you manage')}${administrator ? ' (an administrator sees every project; only those you manage are listed)' : ''}: --all-rights lists those you have a right on`,
    );
  }
  if (notFound.length > 0) ctx.output.error(notFoundLine(notFound));
  return notFound.length > 0;
}

/** The user whose right the list shows; the default one may not exist on another EcoTaxa: list anyway. */
async function userToShow(
  ctx: Context,
  client: EcoTaxaClient,
  withUser: Sourced<string>,
): Promise<MinUser | undefined> {
  try {
    return await resolveUser(client, withUser.value, withUser.label);
  } catch (err) {
    if (withUser.origin === 'flag' || !(err instanceof UserError || err instanceof ApiError)) throw err;
    ctx.output.warn(`${describeError(err)}; the user's right column is left empty`);
    return undefined;
  }
}

/** Whether a project found is listed: an administrator's search returns every project, so an explicit right is needed. */
function listed(p: Project, opts: ListOptions, myId: number): boolean {
  const mine = rightOf(p, myId);
  if (opts.allRights === true ? mine === null : mine !== 'Manage') return false;
  if (opts.title !== undefined && !matchesTitleFilter(p, opts.title)) return false;
  return opts.instrument === undefined || matchesInstrumentFilter(p, opts.instrument);
}

/** The rows on stdout (--json, --csv or a table), the counts on stderr. */
function show(ctx: Context, rows: readonly ProjectRow[], user: MinUser | undefined, opts: ListOptions): void {
  if (ctx.json) return ctx.output.json(rows);
  if (opts.csv === true) return ctx.output.data(projectsCsv(rows));
  const table = projectsTable(rows, {
    color: ctx.output.out,
    width: ctx.output.stdoutWidth,
    allRights: opts.allRights === true,
    user,
  });
  ctx.output.data(table.text);
  ctx.output.info(projectsSummary(rows, user));
  const hidden = hiddenColumnsLine(table);
  if (hidden !== undefined) ctx.output.info(hidden);
}

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
    const user = await userToShow(ctx, client, withUser);
    const onProgress = (n: number): void => spinner.set(`Reading projects: ${n}`);
    const found =
      wanted.size > 0
        ? await client.getProjects([...wanted], onProgress)
        : await client.searchProjects(
            { forManaging: opts.allRights !== true, title: opts.title, instrument: opts.instrument },
            onProgress,
          );
    const projects = found.filter((p) => listed(p, opts, me.id));
    spinner.stop();
    show(
      ctx,
      projects.map((p) => projectRow(p, me.id, user)),
      user,
      opts,
    );
    // After the list: what was asked for and is not in it, and why.
    const allRights = opts.allRights === true;
    const notFound = explainMissing(ctx, wanted, named, found, projects, allRights, me.id, session.administrator);
    return notFound ? ExitCode.Error : ExitCode.Success;
  } finally {
    spinner.stop();
  }
}
