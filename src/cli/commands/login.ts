import { z } from 'zod';
import { AuthenticationError, PermissionDeniedError } from '../../api/errors.js';
import type { UserWithRights } from '../../api/schemas.js';
import { InputError, LoginRequiredError, UsageError } from '../../errors.js';
import { inert } from '../../output/inert.js';
import { promptLine, readStdinUpTo } from '../../output/prompt.js';
import type { Context } from '../context.js';
import { parseOptions } from '../options.js';
import { formatDate, tokenInfo } from '../session.js';
import { describeUser } from '../../plan/rights.js';

export const loginOptionsSchema = z.strictObject({
  email: z.string().optional(),
  passwordStdin: z.boolean().optional(),
  tokenStdin: z.boolean().optional(),
});

/** The most --password-stdin and --token-stdin read: a token takes a few hundred bytes. */
export const MAX_SECRET_BYTES = 64 * 1024;

/** Reads a secret from stdin: the whole input, without its final newline, up to MAX_SECRET_BYTES. */
async function secretFromStdin(ctx: Context, what: string): Promise<string> {
  if (ctx.io.stdin.isTTY === true) {
    throw new UsageError(
      `--${what}-stdin reads from a pipe: e.g. printf %s "$SECRET" | ecotaxa-access login --${what}-stdin`,
    );
  }
  const input = await readStdinUpTo(ctx.io, MAX_SECRET_BYTES);
  // Nothing of what was read is shown: it may hold the secret.
  if (input === undefined) {
    throw new InputError(
      `--${what}-stdin: stdin holds more than ${MAX_SECRET_BYTES / 1024} KiB, far more than a ${what} takes: pipe the ${what} alone`,
    );
  }
  const text = input.replace(/\r?\n$/, '');
  if (text === '') throw new UsageError(`--${what}-stdin: stdin was empty`);
  return text;
}

/** The token given on stdin (--token-stdin), refused when it has expired. */
async function tokenFromStdin(ctx: Context): Promise<string> {
  const token = (await secretFromStdin(ctx, 'token')).trim();
  ctx.addSecret(token);
  const info = tokenInfo(ctx, token);
  if (info !== undefined && info.expiresAt.getTime() <= ctx.now().getTime()) {
    throw new LoginRequiredError(
      `the token given on stdin expired on ${formatDate(info.expiresAt)} (tokens last 31 days): log in to the web site again and copy a fresh one`,
    );
  }
  return token;
}

/** POST /login with the email (a flag, or asked) and the password (stdin, or asked): the token. */
async function tokenFromPassword(ctx: Context, opts: z.infer<typeof loginOptionsSchema>): Promise<string> {
  let email = opts.email;
  if (email === undefined) {
    const why = ctx.output.notInteractiveBecause;
    if (why !== undefined) {
      throw new UsageError(`give --email (and the password with --password-stdin): ${why}, so they cannot be asked`);
    }
    email = (await promptLine(ctx.io, `EcoTaxa email (${ctx.serverUrl}): `)).trim();
  }
  if (email === '') throw new UsageError('an email is needed to log in');
  let password: string;
  if (opts.passwordStdin === true) password = await secretFromStdin(ctx, 'password');
  else if (ctx.output.interactive) password = await promptLine(ctx.io, 'Password: ', { hidden: true });
  else {
    throw new UsageError(
      `pass the password with --password-stdin: ${ctx.output.notInteractiveBecause ?? 'no terminal'}, so it cannot be asked`,
    );
  }
  ctx.addSecret(password);
  try {
    return await (await ctx.client()).login(email, password);
  } catch (err) {
    if (err instanceof PermissionDeniedError) {
      throw new LoginRequiredError(
        `EcoTaxa at ${ctx.serverUrl} refused the login of ${email}: wrong email or password, or the account is not active (accounts made through the web site's OpenID login: use --token-stdin with the site's session cookie)`,
      );
    }
    throw err;
  }
}

/**
 * login: POST /login (or a token from stdin), checked with GET /users/me, kept per server in
 * the credentials file. The password is never accepted from a flag.
 */
export async function run(ctx: Context, _args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(loginOptionsSchema, options, 'login');
  if (opts.passwordStdin === true && opts.tokenStdin === true) {
    throw new UsageError('--password-stdin and --token-stdin cannot be used together');
  }
  ctx.assertSafeTransport();
  const token = opts.tokenStdin === true ? await tokenFromStdin(ctx) : await tokenFromPassword(ctx, opts);
  ctx.addSecret(token);
  ctx.fixtures?.noteToken(token);
  let me: UserWithRights;
  try {
    me = await (await ctx.client(token)).me();
  } catch (err) {
    if (err instanceof AuthenticationError && opts.tokenStdin === true) {
      throw new LoginRequiredError(
        `EcoTaxa at ${ctx.serverUrl} rejected the token given on stdin (invalid or expired): copy a fresh one`,
      );
    }
    throw err;
  }
  const info = tokenInfo(ctx, token);
  if (ctx.replaying) {
    ctx.output.info('Replay: the login was answered by the recording and is not saved.');
  } else {
    await ctx.credentials().save(ctx.serverUrl, {
      token,
      userId: me.id,
      email: me.email,
      name: me.name,
      savedAt: ctx.now().toISOString(),
    });
  }
  const expires = info === undefined ? 'unknown' : formatDate(info.expiresAt);
  if (ctx.json) {
    ctx.output.json({
      id: me.id,
      email: me.email,
      name: me.name,
      server: ctx.serverUrl,
      tokenExpiresAt: info?.expiresAt.toISOString() ?? null,
    });
  } else {
    ctx.output.data(
      `Logged in to ${inert(ctx.serverUrl)} as ${inert(describeUser(me))}.\nThe token is valid until ${expires}.`,
    );
  }
  return 0;
}
