import type { Plan } from '../../plan/model.js';
import type { ApplyResult } from '../../plan/results.js';
import { problemLines, problemSummary } from '../../render/results.js';
import type { Context } from '../context.js';

/**
 * Says on stderr what went wrong: when stdout is not the terminal (a pipe, a file) one line
 * per project, errors (failures, ids the user named that were not found or cannot be
 * changed) and notes (other skips); when it is, the list is on screen just above (the plan
 * or results table, or the --json document with every reason), so one error line explains
 * the exit code instead of listing each project a second time. Returns whether there were
 * errors.
 */
export function reportProblems(
  ctx: Context,
  plan: Plan,
  results: readonly ApplyResult[],
  named: ReadonlySet<number>,
): boolean {
  const lines = problemLines(plan, results, named);
  if (!ctx.output.stdoutIsTerminal) {
    for (const line of lines.notes) ctx.output.info(line);
    for (const line of [...lines.failed, ...lines.named]) ctx.output.error(line);
  } else {
    const summary = problemSummary(lines);
    if (summary !== undefined) ctx.output.error(summary);
  }
  return lines.failed.length + lines.named.length > 0;
}
