import fs from 'node:fs';
import { z } from 'zod';
import type { MinUser, Project } from '../../api/schemas.js';
import { ExitCode, UsageError } from '../../errors.js';
import { inert } from '../../output/inert.js';
import { type JournalFile, listJournals } from '../../store/journal-read.js';
import { rightOf } from '../../plan/rights.js';
import { matchesInstrumentFilter, matchesTitleFilter } from '../../selection/selectors.js';
import { idList, notFoundLine, notProjectsLine } from '../../render/missing.js';
import { receivedForms } from '../../render/received.js';
import { type ReportForms, reportForms } from '../../render/report.js';
import { buildReceived, receivedRight } from '../../review/received.js';
import { buildReport, personOf } from '../../review/report.js';
import { indexJournals, sinceOf } from '../../review/since.js';
import type { Context } from '../context.js';
import { describeSelection, parseOptions, selectorOptions } from '../options.js';
import { parseSelection, type SelectionInput, selectProjects } from '../../selection/select.js';
import { type Session, openSession } from '../session.js';
import { resolveUser } from '../users.js';
import { hiddenColumnsLine } from '../../output/table.js';

export const reportOptionsSchema = z.strictObject({
  ...selectorOptions,
  user: z.string().optional(),
  received: z.boolean().optional(),
  csv: z.boolean().optional(),
  format: z.enum(['text', 'markdown']).optional(),
});
type ReportOptions = z.infer<typeof reportOptionsSchema>;
type Format = 'text' | 'markdown' | 'csv' | 'json';

/*
 * report: what you shared with one user (default AqQua's account), for AqQua's data-sharing
 * form, with since when and by which run as this machine's journals say; `--received`, what
 * others shared with you, grouped by whom to tell that the download is complete. One paged
 * search (members, title, instrument, objects and access come with every item) and nothing
 * per project.
 */

interface ReportInputs {
  opts: ReportOptions;
  format: Format;
  selection: SelectionInput;
  /** Some selector narrows the report (without one: every project in scope). */
  narrowed: boolean;
  /** The selectors as typed, for messages. */
  typed: string;
}

/** Checks the flags, ids and --ids-from's file before the first request. */
async function parseInputs(ctx: Context, args: string[], options: Record<string, unknown>): Promise<ReportInputs> {
  const opts = parseOptions(reportOptionsSchema, options, 'report');
  const markdown = opts.format === 'markdown';
  if (opts.csv === true && ctx.json) throw new UsageError('--csv and --json cannot be used together: choose one');
  if (markdown && (opts.csv === true || ctx.json)) {
    throw new UsageError(`--format markdown and ${ctx.json ? '--json' : '--csv'} cannot be used together: choose one`);
  }
  if (opts.received === true && opts.user !== undefined) {
    throw new UsageError('--received reports the rights you were given: leave out --user');
  }
  const narrowed =
    args.length > 0 || [opts.title, opts.instrument, opts.idsFrom].some((selector) => selector !== undefined);
  // Without a selector, the report covers every project in scope (--exclude still applies).
  const selection = await parseSelection(ctx.io, args, narrowed ? opts : { ...opts, all: true });
  const format: Format = ctx.json ? 'json' : opts.csv === true ? 'csv' : markdown ? 'markdown' : 'text';
  return { opts, format, selection, narrowed, typed: describeSelection(args, opts) };
}

export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const inputs = await parseInputs(ctx, args, options);
  const session = await openSession(ctx);
  return inputs.opts.received === true ? received(ctx, session, inputs) : report(ctx, session, inputs);
}

/** This machine's journals, with a note when there are none to say since when, and a warning per damaged one. */
function readJournals(ctx: Context): { journals: JournalFile[]; note: string | undefined } {
  const dir = ctx.journalDir();
  const before = 'every right shows as given "before the journals"';
  try {
    fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { journals: [], note: inert(`no journal folder at ${dir}: ${before}`) };
    ctx.output.warn(inert(`cannot read the journal folder ${dir} (${String(code)}): ${before}`));
    return { journals: [], note: undefined };
  }
  const journals = listJournals(dir, (_file, err) =>
    ctx.output.warn(
      inert(`${err.message}: left out; rights its run gave show as given before it, or "changed elsewhere"`),
    ),
  );
  const here = journals.some((j) => j.run.server === ctx.serverUrl);
  return { journals, note: here ? undefined : inert(`no run on ${ctx.serverUrl} in ${dir}: ${before}`) };
}

/** Ids named one by one that are not in the report: not found (an error), or not in scope. */
function explainNamed(
  ctx: Context,
  named: readonly number[],
  found: readonly Project[],
  inScope: (p: Project) => boolean,
  scope: string,
): boolean {
  const byId = new Map(found.map((p) => [p.projid, p]));
  const notFound = named.filter((id) => !byId.has(id)).sort((a, b) => a - b);
  const outside = named.filter((id) => byId.has(id) && !inScope(byId.get(id) as Project)).sort((a, b) => a - b);
  if (outside.length > 0) ctx.output.info(`${notProjectsLine(outside, scope)}: not reported`);
  if (notFound.length > 0) ctx.output.error(notFoundLine(notFound));
  return notFound.length > 0;
}

async function report(ctx: Context, session: Session, inputs: ReportInputs): Promise<number> {
  const { client, me } = session;
  const { user: wanted } = ctx.settings({ user: inputs.opts.user, userFlag: '--user' });
  const spinner = await ctx.output.spinner('Reading projects');
  let found: Project[];
  let user: MinUser;
  try {
    user = await resolveUser(client, wanted.value, wanted.label);
    found = (await selectProjects(client, me.id, inputs.selection, (n) => spinner.set(`Reading projects: ${n}`)))
      .projects;
  } finally {
    spinner.stop();
  }
  const managed = (p: Project): boolean => rightOf(p, me.id) === 'Manage';
  const mine = found.filter(managed);
  if (inputs.narrowed && mine.length === 0) {
    throw new UsageError(
      `the selection (${inputs.typed}) matched no project you manage: check it against \`ecotaxa-access projects list\``,
    );
  }
  const { journals, note } = readJournals(ctx);
  const index = indexJournals(journals, ctx.serverUrl);
  const built = buildReport({
    server: ctx.serverUrl,
    owner: me,
    user,
    projects: mine,
    since: (projid, userId, right) => sinceOf(index, projid, userId, right),
  });
  show(ctx, inputs.format, reportForms(built, mine.length));
  if (note !== undefined && built.projects.length > 0) ctx.output.info(`Note: ${note}.`);
  const reported = new Set(built.projects.map((r) => r.projid));
  const without = inputs.selection.ids.single.filter((id) => mine.some((p) => p.projid === id) && !reported.has(id));
  if (without.length > 0) {
    ctx.output.info(inert(`${idList(without)}: ${user.name} has no right there: not reported`));
  }
  const notFound = explainNamed(ctx, inputs.selection.ids.single, found, managed, 'you manage');
  return notFound ? ExitCode.Error : ExitCode.Success;
}

function show(ctx: Context, format: Format, forms: ReportForms): void {
  // The day it is made (the recording's, in a replay).
  const now = ctx.now().toISOString();
  if (format === 'json') return ctx.output.data(JSON.stringify({ asOf: now, ...forms.data }, null, 2));
  if (format === 'csv') return ctx.output.data(forms.csv());
  if (format === 'markdown') return ctx.output.data(forms.markdown(now.slice(0, 10)));
  if (forms.empty !== undefined) return ctx.output.info(inert(forms.empty));
  const table = forms.table({ width: ctx.output.stdoutWidth, headerStyle: (t) => ctx.output.out.bold(t) });
  ctx.output.data(table.text);
  const hidden = hiddenColumnsLine(table);
  if (hidden !== undefined) ctx.output.info(hidden);
}

/**
 * The projects where you hold a right without managing them. Without ids, one paged search
 * without for_managing: every project where you hold an explicit right (an administrator's
 * holds every project; only those where you are a member count).
 */
async function receivedProjects(
  session: Session,
  input: SelectionInput,
  onProgress: (n: number) => void,
): Promise<Project[]> {
  const { client } = session;
  const wanted = [...new Set([...input.ids.single, ...input.ids.ranged])];
  const byId = new Map<number, Project>();
  if (input.all || wanted.length === 0) {
    const search = { forManaging: false, title: input.title, instrument: input.instrument };
    for (const p of await client.searchProjects(search, onProgress)) byId.set(p.projid, p);
  }
  if (wanted.length > 0) {
    for (const p of await client.getProjects(wanted, onProgress)) {
      if (input.title !== undefined && !matchesTitleFilter(p, input.title)) continue;
      if (input.instrument !== undefined && !matchesInstrumentFilter(p, input.instrument)) continue;
      byId.set(p.projid, p);
    }
  }
  for (const id of input.exclude) byId.delete(id);
  return [...byId.values()].sort((a, b) => a.projid - b.projid);
}

async function received(ctx: Context, session: Session, inputs: ReportInputs): Promise<number> {
  const spinner = await ctx.output.spinner('Reading projects');
  let found: Project[];
  try {
    found = await receivedProjects(session, inputs.selection, (n) => spinner.set(`Reading projects: ${n}`));
  } finally {
    spinner.stop();
  }
  const given = (p: Project): boolean => receivedRight(p, session.me.id) !== null;
  if (inputs.narrowed && !found.some(given)) {
    throw new UsageError(
      `the selection (${inputs.typed}) matched no project where you have a right without managing it: check it against \`ecotaxa-access projects list --all-rights\``,
    );
  }
  const built = buildReceived(ctx.serverUrl, personOf(session.me), found);
  show(ctx, inputs.format, receivedForms(built));
  const notFound = explainNamed(
    ctx,
    inputs.selection.ids.single,
    found,
    given,
    'shared with you (a right without Manage)',
  );
  return notFound ? ExitCode.Error : ExitCode.Success;
}
