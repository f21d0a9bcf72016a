import { z } from 'zod';
import { ExitCode, UsageError } from '../../errors.js';
import { renderTable } from '../../output/table.js';
import type { Context } from '../context.js';
import { parseOptions } from '../options.js';
import { openSession } from '../session.js';
import { findUsers, isActive, parseUserQuery, type UserQuery } from '../users.js';

export const usersFindOptionsSchema = z.strictObject({});

/** Checks the query before the first request. */
export function parseInputs(args: string[], options: Record<string, unknown>): { text: string; query: UserQuery } {
  parseOptions(usersFindOptionsSchema, options, 'users find');
  const text = args[0] ?? '';
  if (text.trim() === '') throw new UsageError('give an id, an email or a name to find');
  return { text, query: parseUserQuery(text) };
}

/**
 * users find QUERY: by id, exact email, exact name or name pattern (% wildcard). Finding
 * nobody exits 1, as grep does, so that a script can test it.
 */
export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const { text, query } = parseInputs(args, options);
  const session = await openSession(ctx);
  const users = await findUsers(session.client, query);
  // A name search only returns active accounts; a lookup by id returns any.
  const rows = await Promise.all(
    users.map(async (u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      organisation: u.organisation ?? null,
      active: query.kind === 'id' ? await isActive(session.client, u) : true,
    })),
  );
  if (ctx.json) {
    ctx.output.json(rows);
  } else if (rows.length > 0) {
    ctx.output.data(
      renderTable(
        [
          { header: 'ID', align: 'right' },
          { header: 'NAME' },
          { header: 'EMAIL' },
          { header: 'ORGANISATION', shrink: 'truncate' },
        ],
        rows.map((u) => [String(u.id), u.active ? u.name : `${u.name} (inactive)`, u.email, u.organisation ?? '']),
        { width: ctx.output.stdoutWidth, headerStyle: (t) => ctx.output.out.bold(t) },
      ),
    );
  }
  if (rows.length > 0) return ExitCode.Success;
  ctx.output.info(`No active user matches "${text}" (names match exactly unless you use %, e.g. '%${text}%').`);
  return ExitCode.Error;
}
