import { renderTable } from '../../output/table.js';
import type { Context } from '../context.js';
import { findUsers, isActive, parseUserQuery } from '../users.js';
import { UsageError } from '../../errors.js';

/** users find QUERY: by id, exact email, exact name or name pattern (% wildcard). */
export async function run(ctx: Context, args: string[]): Promise<number> {
  const text = args[0] ?? '';
  if (text.trim() === '') throw new UsageError('give an id, an email or a name to find');
  const session = await ctx.session();
  const query = parseUserQuery(text);
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
    ctx.output.data(JSON.stringify(rows, null, 2));
  } else if (rows.length === 0) {
    ctx.output.info(`No active user matches "${text}" (names match exactly unless you use %, e.g. '%${text}%').`);
  } else {
    ctx.output.data(
      renderTable(
        [
          { header: 'ID', align: 'right' },
          { header: 'NAME' },
          { header: 'EMAIL' },
          { header: 'ORGANISATION', flexible: true },
        ],
        rows.map((u) => [String(u.id), u.active ? u.name : `${u.name} (inactive)`, u.email, u.organisation ?? '']),
        { width: ctx.output.stdoutWidth, headerStyle: (t) => ctx.output.out.bold(t) },
      ),
    );
  }
  return 0;
}
