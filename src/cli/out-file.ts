import { UsageError } from '../errors.js';
import { MAX_BYTES } from '../files/read-text.js';
import { isDumpedPolicy } from '../policy/dump.js';
import { type OutFileKind, checkOutFile, writeOutFile } from '../store/out-file.js';
import { PLAN_FILE, planFileText, savePlanFile } from '../store/plan-file.js';
import type { Plan } from '../plan/model.js';
import type { Context } from './context.js';

/*
 * `--out FILE`: the plan of grant, revoke, plan and sync, saved for `apply FILE`, and the
 * policy of `policy dump`, both written by src/store/out-file.ts. `--out -` is stdout, which
 * then holds that alone (for a plan, what people read and the results go to stderr).
 */

/** A policy file, as `policy dump --out` writes it: an existing one is replaced only if a dump wrote it. */
export const POLICY_FILE: OutFileKind = { what: 'a policy', isOurs: isDumpedPolicy, maxBytes: MAX_BYTES.policy };

/**
 * Checks --out and --force before the first request: a file that cannot be written is
 * refused before the projects are read, not after.
 */
export function checkOut(
  ctx: Pick<Context, 'io'>,
  opts: { out?: string | undefined; force?: boolean | undefined },
  kind: OutFileKind,
): void {
  if (opts.force === true && opts.out === undefined) {
    throw new UsageError('--force lets --out replace a file: use it with --out FILE');
  }
  if (opts.out !== undefined && opts.out !== '-') checkOutFile(ctx.io.cwd, opts.out, kind, opts.force === true);
}

/** checkOut for a plan, which `--out -` writes on stdout as JSON: then nothing else may go there. */
export function checkPlanOut(
  ctx: Context,
  opts: { out?: string | undefined; force?: boolean | undefined; format?: string | undefined },
): void {
  if (opts.out === '-' && ctx.json)
    throw new UsageError('--out - and --json both write the plan on stdout: choose one');
  if (opts.out === '-' && opts.format === 'markdown') {
    throw new UsageError('--out - writes the plan as JSON on stdout, --format markdown as Markdown: choose one');
  }
  checkOut(ctx, opts, PLAN_FILE);
}

/** Saves the plan (or writes it on stdout for `-`); returns where, or undefined for stdout. */
export function savePlan(ctx: Context, plan: Plan, file: string, force: boolean): string | undefined {
  if (file !== '-') return savePlanFile(ctx.io.cwd, file, plan, force);
  ctx.io.stdout.write(planFileText(plan));
  return undefined;
}

/** Writes the dumped policy to `file` (not `-`); returns the path written. */
export function writePolicyOut(ctx: Pick<Context, 'io'>, file: string, text: string, force: boolean): string {
  return writeOutFile(ctx.io.cwd, file, text, POLICY_FILE, force);
}
