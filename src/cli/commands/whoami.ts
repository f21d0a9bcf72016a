import { inert } from '../../output/inert.js';
import { plural } from '../../output/words.js';
import { describeUser } from '../../plan/rights.js';
import { z } from 'zod';
import type { Context } from '../context.js';
import { parseOptions } from '../options.js';
import { formatDate, openSession, tokenInfo } from '../session.js';

export const whoamiOptionsSchema = z.strictObject({});

function inDays(from: Date, to: Date): string {
  const days = Math.floor((to.getTime() - from.getTime()) / 86_400_000);
  return days >= 1 ? `in ${plural(days, 'day')}` : 'in less than a day';
}

/** whoami: the account behind the token, the server, and when the token expires. */
export async function run(ctx: Context, _args: string[], options: Record<string, unknown>): Promise<number> {
  parseOptions(whoamiOptionsSchema, options, 'whoami');
  const session = await openSession(ctx);
  const { me } = session;
  const info = tokenInfo(ctx, session.token);
  if (ctx.json) {
    ctx.output.json({
      id: me.id,
      email: me.email,
      name: me.name,
      organisation: me.organisation ?? null,
      administrator: session.administrator,
      server: ctx.serverUrl,
      tokenExpiresAt: info?.expiresAt.toISOString() ?? null,
    });
    return 0;
  }
  const lines = [
    describeUser(me),
    `Organisation:  ${me.organisation ?? '-'}`,
    `Server:        ${ctx.serverUrl}`,
    `Token expires: ${info === undefined ? 'unknown' : `${formatDate(info.expiresAt)} (${inDays(ctx.now(), info.expiresAt)})`}`,
  ];
  if (session.administrator) lines.push('Role:          application administrator (sees every project)');
  // The name, email and organisation are EcoTaxa's: inert before the output layer's own guard.
  ctx.output.data(lines.map(inert).join('\n'));
  return 0;
}
