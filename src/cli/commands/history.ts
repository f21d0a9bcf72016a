import { z } from 'zod';
import { decodeToken } from '../../api/token.js';
import { inert } from '../../output/inert.js';
import { historyEntries, historySummary, renderHistory } from '../../render/history.js';
import { listJournals } from '../../store/journal-read.js';
import { groupRuns } from '../../store/runs.js';
import type { Context } from '../context.js';
import { parseOptions } from '../options.js';

export const historyOptionsSchema = z.strictObject({
  allServers: z.boolean().optional(),
  /** Hidden: one group id per line, newest first, for shell completion (`undo <TAB>`). */
  ids: z.boolean().optional(),
});

/*
 * history: the runs as the owner thinks of them (run groups: an interrupted run and the
 * re-run that finished it are one), newest first like `git log`. It reads only the journal
 * directory: no session, no request, so it works offline and with an expired token.
 */

/** Who is logged in to each server here, from the saved login or ECOTAXA_TOKEN, read locally. */
async function callers(ctx: Context, servers: readonly string[]): Promise<Map<string, number>> {
  const known = new Map<string, number>();
  const store = ctx.credentials();
  for (const server of servers) {
    const fromEnv =
      server === ctx.serverUrl && ctx.env.token !== undefined ? decodeToken(ctx.env.token)?.userId : undefined;
    if (fromEnv !== undefined) {
      known.set(server, fromEnv);
      continue;
    }
    if (server === ctx.serverUrl && ctx.env.token !== undefined) continue;
    try {
      const saved = await store.get(server);
      if (saved !== undefined) known.set(server, saved.userId);
    } catch {
      // A damaged credentials file only costs the "you" mark here; `login` says what to do.
    }
  }
  return known;
}

export async function run(ctx: Context, _args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(historyOptionsSchema, options, 'history');
  const dir = ctx.journalDir();
  const leftOut = (_file: string, err: Error): void => ctx.output.warn(`${err.message}; it is not listed`);
  const all = groupRuns(listJournals(dir, leftOut, leftOut));
  const groups = opts.allServers === true ? all : all.filter((g) => g.server === ctx.serverUrl);

  if (opts.ids === true) {
    for (const group of [...groups].reverse()) ctx.io.stdout.write(`${inert(group.id)}\n`);
    return 0;
  }
  const known = await callers(ctx, [...new Set(groups.map((g) => g.server))]);
  const entries = historyEntries(groups, (server) => known.get(server));
  if (ctx.json) {
    ctx.output.json(entries);
    return 0;
  }
  const where = opts.allServers === true ? 'any server' : ctx.serverUrl;
  if (entries.length === 0) {
    const others = opts.allServers === true || all.length === 0 ? '' : ' (`--all-servers` shows the other servers’)';
    ctx.output.info(`No runs on ${where} in ${dir}${others}.`);
    return 0;
  }
  const c = ctx.output.out;
  ctx.output.data(
    renderHistory(entries, {
      width: ctx.output.stdoutWidth,
      allServers: opts.allServers === true,
      headerStyle: (t) => c.bold(t),
    }),
  );
  ctx.output.info(historySummary(entries.length, where));
  return 0;
}
