import type { Context } from '../context.js';

/** logout: forgets the saved token of this server (EcoTaxa itself keeps no session to end). */
export async function run(ctx: Context): Promise<number> {
  const removed = ctx.replaying ? false : await ctx.credentials().remove(ctx.serverUrl);
  const message = removed ? `Logged out of ${ctx.serverUrl}.` : `You were not logged in to ${ctx.serverUrl}.`;
  if (ctx.json) ctx.output.data(JSON.stringify({ server: ctx.serverUrl, loggedOut: removed }, null, 2));
  else ctx.output.data(message);
  if (ctx.env.token !== undefined) ctx.output.warn('ECOTAXA_TOKEN is set: commands keep using it until you unset it.');
  return 0;
}
