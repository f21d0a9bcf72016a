import path from 'node:path';
import { UsageError } from '../errors.js';
import { MAX_BYTES } from '../files/read-text.js';
import { type SafeWriteOptions, writeFileSafely, writeTarget } from '../files/safe-write.js';
import { PLAN_FORMAT, type Plan, toPlanDocument } from '../plan/plan-document.js';
import type { Context } from './context.js';

/*
 * `--out FILE` of grant, revoke, plan and sync: the plan saved for `apply FILE`, or with
 * `--out -` written on stdout (then the only thing there: the plan shown for people, and the
 * results, go to stderr). The file is written by writeFileSafely: regular files only, and an
 * existing one replaced only if it is empty, a plan saved by ecotaxa-access, or with --force.
 */

/** Whether `text` is a plan saved by ecotaxa-access (of any format version). */
export function isPlanFile(text: string): boolean {
  try {
    const raw = JSON.parse(text) as unknown;
    return raw !== null && typeof raw === 'object' && (raw as { format?: unknown }).format === PLAN_FORMAT;
  } catch {
    return false;
  }
}

function planWriteOptions(force: boolean): SafeWriteOptions {
  return {
    what: 'a plan',
    flag: '--out',
    isOurs: isPlanFile,
    maxBytes: MAX_BYTES.plan,
    force,
    forceHint: 'add --force',
    dashIsStdout: true,
  };
}

/**
 * Checks --out and --force before the first request: a plan that cannot be saved is refused
 * before the projects are read, not after.
 */
export function checkPlanOut(
  ctx: Context,
  opts: { out?: string | undefined; force?: boolean | undefined; format?: string | undefined },
): void {
  if (opts.force === true && opts.out === undefined) {
    throw new UsageError('--force lets --out replace a file: use it with --out FILE');
  }
  if (opts.out === '-') {
    if (ctx.json) throw new UsageError('--out - and --json both write the plan on stdout: choose one');
    if (opts.format === 'markdown') {
      throw new UsageError('--out - writes the plan as JSON on stdout, --format markdown as Markdown: choose one');
    }
    return;
  }
  if (opts.out !== undefined) writeTarget(resolved(ctx, opts.out), planWriteOptions(opts.force === true));
}

function resolved(ctx: Context, file: string): string {
  return path.resolve(ctx.io.cwd, file);
}

/** Saves the plan (or writes it on stdout for `-`); returns where, or undefined for stdout. */
export function savePlan(ctx: Context, plan: Plan, file: string, force: boolean): string | undefined {
  const text = `${JSON.stringify(toPlanDocument(plan), null, 2)}\n`;
  if (file === '-') {
    ctx.io.stdout.write(text);
    return undefined;
  }
  return writeFileSafely(resolved(ctx, file), text, planWriteOptions(force));
}
