import path from 'node:path';
import { MAX_BYTES } from '../files/read-text.js';
import { type SafeWriteOptions, writeFileSafely, writeTarget } from '../files/safe-write.js';
import type { Context } from './context.js';

/*
 * `--out FILE` of `policy dump`: written as `plan --out` writes a plan (src/cli/plan-out.ts),
 * through writeFileSafely: regular files only, and an existing one replaced only if it is
 * empty, a policy this command wrote, or with --force. `--out -` is stdout.
 */

/** The comment every dumped policy file starts with (YAML). */
const DUMPED_YAML = /^# written by `ecotaxa-access policy dump`/m;
/** The rule names a dump gives (its JSON form has no comments): src/policy/dump.ts dumpRuleName. */
const DUMPED_RULE = /^user-\d+-(view|annotate|manage)$/;

/** Whether `text` is a policy `policy dump` wrote (YAML, or JSON whose rules all bear a dump's names). */
export function isDumpedPolicy(text: string): boolean {
  if (DUMPED_YAML.test(text)) return true;
  try {
    const raw = JSON.parse(text) as { rules?: unknown };
    return (
      Array.isArray(raw.rules) &&
      raw.rules.length > 0 &&
      raw.rules.every((r: { name?: unknown }) => typeof r.name === 'string' && DUMPED_RULE.test(r.name))
    );
  } catch {
    return false;
  }
}

function policyWriteOptions(force: boolean): SafeWriteOptions {
  return {
    what: 'a policy',
    flag: '--out',
    isOurs: isDumpedPolicy,
    maxBytes: MAX_BYTES.policy,
    force,
    forceHint: 'add --force',
    dashIsStdout: true,
  };
}

/** Checks --out before the first request: a policy that cannot be written is refused first. */
export function checkPolicyOut(ctx: Pick<Context, 'io'>, out: string | undefined, force: boolean): void {
  if (out !== undefined && out !== '-') writeTarget(path.resolve(ctx.io.cwd, out), policyWriteOptions(force));
}

/** Writes the dumped policy to `out`; returns the path written. */
export function writePolicyOut(ctx: Pick<Context, 'io'>, out: string, text: string, force: boolean): string {
  return writeFileSafely(path.resolve(ctx.io.cwd, out), text, policyWriteOptions(force));
}
