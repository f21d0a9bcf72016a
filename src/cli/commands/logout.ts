import { z } from 'zod';
import type { Context } from '../context.js';
import { parseOptions } from '../options.js';

export const logoutOptionsSchema = z.strictObject({});

/** logout: forgets the saved token of this server (EcoTaxa itself keeps no session to end). */
export async function run(ctx: Context, _args: string[], options: Record<string, unknown>): Promise<number> {
  parseOptions(logoutOptionsSchema, options, 'logout');
  const removed = ctx.replaying ? false : await ctx.credentials().remove(ctx.serverUrl);
  const message = removed ? `Logged out of ${ctx.serverUrl}.` : `You were not logged in to ${ctx.serverUrl}.`;
  if (ctx.json) ctx.output.json({ server: ctx.serverUrl, loggedOut: removed });
  else ctx.output.data(message);
  if (ctx.env.token !== undefined) ctx.output.warn('ECOTAXA_TOKEN is set: commands keep using it until you unset it.');
  return 0;
}
