import { z } from 'zod';
import type { MinUser } from '../../api/schemas.js';
import { ExitCode, UsageError } from '../../errors.js';
import { type Right, parseRight } from '../../plan/rights.js';
import { accessCsv, accessDocument, accessMarkdown } from '../../render/access-formats.js';
import { accessSummary, attentionText, peopleTable, projectsTable, who } from '../../render/access.js';
import { type AccessReport, reviewAccess } from '../../review/access.js';
import type { Context } from '../context.js';
import { parseReadSelection, readManagedProjects } from '../../selection/managed.js';
import { reportSelection } from '../selection-report.js';
import { parseOptions, selectorOptions } from '../options.js';
import { openSession } from '../session.js';
import { resolveUser } from '../users.js';
import { hiddenColumnsLine } from '../../output/table.js';

export const accessOptionsSchema = z.strictObject({
  ...selectorOptions,
  user: z.string().optional(),
  right: z.string().optional(),
  byProject: z.boolean().optional(),
  csv: z.boolean().optional(),
  format: z.enum(['text', 'markdown']).optional(),
});

type AccessOptions = z.infer<typeof accessOptionsSchema>;

/** The flags that choose the output: one at most. */
function checkOutputs(ctx: Context, opts: AccessOptions): void {
  const chosen = [
    ctx.json ? '--json' : undefined,
    opts.csv === true ? '--csv' : undefined,
    opts.format === 'markdown' ? '--format markdown' : undefined,
  ].filter((f): f is string => f !== undefined);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} are different outputs: choose one`);
}

/** Writes the report on stdout in the output asked for. */
function show(
  ctx: Context,
  report: AccessReport,
  opts: AccessOptions,
  caller: Pick<MinUser, 'id' | 'name' | 'email'>,
): void {
  const byProject = opts.byProject === true;
  if (ctx.json) {
    ctx.output.data(JSON.stringify(accessDocument(report, { server: ctx.serverUrl, caller }), null, 2));
    return;
  }
  if (opts.csv === true) {
    ctx.output.data(accessCsv(report, byProject).trimEnd());
    return;
  }
  if (opts.format === 'markdown') {
    ctx.output.data(accessMarkdown(report, byProject, ctx.serverUrl));
    return;
  }
  const width = ctx.output.stdoutWidth;
  const bold = (t: string): string => ctx.output.out.bold(t);
  const rows = byProject ? report.projects.length : report.people.length;
  const table = byProject ? projectsTable(report, caller.id, { width, bold }) : peopleTable(report, { width, bold });
  ctx.output.data(`${rows > 0 ? `${table.text}\n\n` : ''}${attentionText(report, width)}`);
  // Nothing to show: the caller says why (no project, nobody with that right).
  if (rows === 0) return;
  ctx.output.info(accessSummary(report, byProject));
  const hidden = hiddenColumnsLine(table);
  if (hidden !== undefined) ctx.output.info(hidden);
}

/**
 * access [SELECTORS]: every member of your projects (by default, all you manage), one row per
 * person or per project, and what deserves a look; from one paged search (each project comes
 * with its members). Exit 1 when a named id is not found, or when what was asked for (--user,
 * --right, selectors) matches nothing, so that a script can test it.
 */
export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(accessOptionsSchema, options, 'access');
  checkOutputs(ctx, opts);
  const right: Right | undefined = opts.right === undefined ? undefined : parseRight(opts.right);
  const selection = await parseReadSelection(ctx.io, args, opts);
  const session = await openSession(ctx);
  const spinner = await ctx.output.spinner('Reading your projects');
  let user: MinUser | undefined;
  let report: AccessReport;
  let read: Awaited<ReturnType<typeof readManagedProjects>>;
  try {
    if (opts.user !== undefined) user = await resolveUser(session.client, opts.user, '--user');
    read = await readManagedProjects(session.client, session.me.id, selection, (n) =>
      spinner.set(`Reading your projects: ${n}`),
    );
    report = reviewAccess({ projects: read.projects, caller: session.me, userId: user?.id, right });
  } finally {
    spinner.stop();
  }
  show(ctx, report, opts, session.me);
  const notFound = reportSelection(ctx.output, read);
  if (read.projects.length === 0) {
    ctx.output.info(
      selection.explicit
        ? 'No project you manage matches these selectors.'
        : `You manage no project at ${ctx.serverUrl}.`,
    );
    return notFound || selection.explicit ? ExitCode.Error : ExitCode.Success;
  }
  if (report.people.length === 0 && (user !== undefined || right !== undefined)) {
    const n = read.projects.length;
    const where = `on the ${n === 1 ? 'selected project' : `${n} selected projects`}`;
    ctx.output.info(
      user === undefined
        ? `No one but you holds ${right === undefined ? 'a right' : `${right}`} ${where}.`
        : `${who(user)} holds ${right === undefined ? 'no right' : `no ${right}`} ${where}.`,
    );
    return ExitCode.Error;
  }
  return notFound ? ExitCode.Error : ExitCode.Success;
}
