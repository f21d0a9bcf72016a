import { UsageError, UserError } from '../../errors.js';
import { confirm } from '../../output/prompt.js';
import type { Plan } from '../../plan/model.js';
import { confirmQuestion, planSummaryLine, renderPlan } from '../../render/plan.js';
import type { Context } from '../context.js';

/**
 * Asks before writing, on stderr: the plan is out of the process first (`| tee log` shows it
 * above the question), and when stdout is not the terminal the summary is repeated right
 * above the question, where the owner is looking. Without a terminal to ask on, refuses:
 * --yes is how to apply without asking.
 */
export async function confirmFirst(
  ctx: Context,
  plan: Plan,
  changes: number,
  question: string | undefined,
): Promise<void> {
  const output = ctx.output;
  const why = output.notInteractiveBecause;
  if (why !== undefined) {
    throw new UsageError(
      `refusing to change ${changes} project${changes === 1 ? '' : 's'} without confirmation: ${why}, so the question cannot be asked; add --yes to apply without asking (or --dry-run to only see the plan)`,
    );
  }
  if (ctx.json) {
    output.show(renderPlan(plan, { color: output.err, width: output.stderrWidth }));
  } else {
    await output.flushStdout();
    if (!output.stdoutIsTerminal) output.show(output.err.bold(planSummaryLine(plan)));
  }
  const ok = await confirm(ctx.io, question ?? confirmQuestion(plan));
  if (!ok) throw new UserError('cancelled: nothing was changed', { errorCode: 'cancelled' });
}
