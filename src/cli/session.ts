import type { EcoTaxaClient } from '../api/client.js';
import { AuthenticationError } from '../api/errors.js';
import { isAdministrator, type UserWithRights } from '../api/schemas.js';
import { decodeToken, type TokenInfo } from '../api/token.js';
import { LoginRequiredError } from '../errors.js';
import type { Context } from './context.js';

/*
 * The caller's credentials: which token, whether it is still valid, and a client that uses it.
 * Apart from the Context, which builds things; this decides who the caller is.
 */

export interface Session {
  client: EcoTaxaClient;
  /** The caller, from GET /users/me: proof that the token is good. */
  me: UserWithRights;
  administrator: boolean;
  token: string;
}

/** What the session needs from the context. */
export type SessionHost = Pick<
  Context,
  'fixtures' | 'env' | 'serverUrl' | 'credentials' | 'addSecret' | 'now' | 'output' | 'assertSafeTransport' | 'client'
>;

/** A token's expiry: the replay's recorded one, or the token's own (undefined when it has none). */
export function tokenInfo(ctx: Pick<Context, 'fixtures'>, token: string): TokenInfo | undefined {
  return ctx.fixtures?.tokenInfo(token) ?? decodeToken(token);
}

/** The token to use: a replay's placeholder, ECOTAXA_TOKEN, or the one `login` saved. */
export async function currentToken(ctx: SessionHost): Promise<{ token: string; source: string }> {
  if (ctx.fixtures?.token !== undefined) return { token: ctx.fixtures.token, source: 'the recording' };
  if (ctx.env.token !== undefined) return { token: ctx.env.token, source: 'ECOTAXA_TOKEN' };
  const saved = await ctx.credentials().get(ctx.serverUrl);
  if (saved === undefined) {
    throw new LoginRequiredError(
      `you are not logged in to ${ctx.serverUrl}: run \`ecotaxa-access login\` (or set ECOTAXA_TOKEN)`,
    );
  }
  return { token: saved.token, source: 'saved login' };
}

/**
 * A client with a checked token: expiry read locally first (no request for a dead token),
 * then GET /users/me, since a project search would silently take a bad token for no token.
 */
export async function openSession(ctx: SessionHost): Promise<Session> {
  const { token, source } = await currentToken(ctx);
  ctx.addSecret(token);
  const info = tokenInfo(ctx, token);
  if (info !== undefined && info.expiresAt.getTime() <= ctx.now().getTime()) {
    const fix = source === 'ECOTAXA_TOKEN' ? 'set a fresh ECOTAXA_TOKEN' : 'run `ecotaxa-access login`';
    throw new LoginRequiredError(
      `your EcoTaxa token (${source}) expired on ${formatDate(info.expiresAt)} (tokens last 31 days): ${fix}`,
    );
  }
  if (info !== undefined && info.expiresAt.getTime() - ctx.now().getTime() < 3_600_000) {
    ctx.output.warn(
      `your EcoTaxa token expires at ${formatDate(info.expiresAt)}: a long run may be cut short; log in again first`,
    );
  }
  ctx.assertSafeTransport();
  ctx.fixtures?.noteToken(token);
  const client = await ctx.client(token);
  let me: UserWithRights;
  try {
    me = await client.me();
  } catch (err) {
    if (err instanceof AuthenticationError && source === 'ECOTAXA_TOKEN') {
      throw new LoginRequiredError(
        `EcoTaxa at ${ctx.serverUrl} rejected the token in ECOTAXA_TOKEN (invalid or expired): set a fresh one, or unset it and run \`ecotaxa-access login\``,
      );
    }
    throw err;
  }
  return { client, me, administrator: isAdministrator(me), token };
}

/** A token's expiry date as shown: "2026-12-27 21:07 UTC". */
export function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
