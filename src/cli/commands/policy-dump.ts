import { z } from 'zod';
import type { MinUser } from '../../api/schemas.js';
import { ExitCode, UsageError, UserError } from '../../errors.js';
import { inert } from '../../output/inert.js';
import { jsonText } from '../../output/json.js';
import { plural } from '../../output/words.js';
import { type DumpInput, dumpDocument, dumpRules, renderDump } from '../../policy/dump.js';
import { describeUser } from '../../plan/rights.js';
import type { Context } from '../context.js';
import { parseReadSelection, readManagedProjects, reportSelection } from '../managed-selection.js';
import { parseOptions, selectorOptions } from '../options.js';
import { checkPolicyOut, writePolicyOut } from '../out-file.js';
import { type Session, openSession } from '../session.js';
import { resolveUser } from '../users.js';

export const policyDumpOptionsSchema = z.strictObject({
  ...selectorOptions,
  user: z.array(z.string()).optional(),
  includeManagers: z.boolean().optional(),
  authoritative: z.boolean().optional(),
  out: z.string().optional(),
  force: z.boolean().optional(),
});

/** Each --user, found as --user finds one elsewhere; yourself refused, as sync refuses it. */
async function resolveUsers(session: Session, texts: readonly string[]): Promise<MinUser[]> {
  const users: MinUser[] = [];
  for (const text of texts) {
    const user = await resolveUser(session.client, text, '--user');
    if (user.id === session.me.id) {
      throw new UsageError(`--user "${text}" is you: a policy never names you (sync refuses it); leave it out`);
    }
    if (!users.some((u) => u.id === user.id)) users.push(user);
  }
  return users;
}

/**
 * policy dump [--user U]... [SELECTORS] [--out FILE]: the policy file of what is, one rule per
 * user and right, for `sync` (which then plans no change). Nothing is changed on the server.
 */
export async function run(ctx: Context, args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(policyDumpOptionsSchema, options, 'policy dump');
  const selection = await parseReadSelection(ctx.io, args, opts);
  if (opts.authoritative === true && (selection.explicit || (opts.exclude ?? []).length > 0)) {
    throw new UsageError(
      '--authoritative with selectors: an authoritative rule takes its right back from every project you manage that it does not list, so sync would revoke outside the selection; dump every project (no selector), or leave out --authoritative',
    );
  }
  if (opts.force === true && opts.out === undefined) {
    throw new UsageError('--force lets --out replace a file: use it with --out FILE');
  }
  checkPolicyOut(ctx, opts.out, opts.force === true);
  const session = await openSession(ctx);
  const spinner = await ctx.output.spinner('Reading your projects');
  let users: MinUser[] | undefined;
  let read: Awaited<ReturnType<typeof readManagedProjects>>;
  try {
    users = opts.user === undefined ? undefined : await resolveUsers(session, opts.user);
    read = await readManagedProjects(session, selection, (n) => spinner.set(`Reading your projects: ${n}`));
  } finally {
    spinner.stop();
  }
  const input: DumpInput = {
    projects: read.projects,
    caller: session.me,
    server: ctx.serverUrl,
    now: ctx.now(),
    users: users === undefined ? undefined : new Set(users.map((u) => u.id)),
    includeManagers: opts.includeManagers === true,
    mode: opts.authoritative === true ? 'authoritative' : 'additive',
  };
  const rules = dumpRules(input);
  for (const user of users ?? []) {
    if (!rules.some((r) => r.user.id === user.id)) {
      ctx.output.warn(`${inert(describeUser(user))} holds no right on the selected projects: no rule for them`);
    }
  }
  if (rules.length === 0) {
    reportSelection(ctx, read);
    throw new UserError(
      `nothing to dump: no one${users === undefined ? ' but you' : ' named'} holds a right on the ${plural(read.projects.length, 'selected project')}${users === undefined && opts.includeManagers !== true ? ' (managers are left out unless --include-managers)' : ''}`,
    );
  }
  const text = ctx.json ? `${jsonText(dumpDocument(input, rules))}\n` : renderDump(input, rules);
  const what = `${plural(rules.length, 'rule')} for ${plural(new Set(rules.map((r) => r.user.id)).size, 'user')} on ${plural(read.projects.length, 'project')}`;
  if (opts.out === undefined || opts.out === '-') {
    ctx.output.data(text);
    ctx.output.info(`${what}.`);
  } else {
    const written = writePolicyOut(ctx, opts.out, text, opts.force === true);
    ctx.output.info(
      `Wrote ${what} to ${inert(written)}: \`ecotaxa-access plan sync ${inert(opts.out)}\` plans no change until rights change.`,
    );
  }
  // After the file, as `projects list` does: what was asked for and is not in it.
  return reportSelection(ctx, read) ? ExitCode.Error : ExitCode.Success;
}
