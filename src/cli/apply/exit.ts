import { ExitCode, UserError } from '../../errors.js';
import type { RunReport } from '../../store/results-document.js';

/*
 * The exit code of grant, revoke, sync, apply and undo (README "Exit codes").
 */

/**
 * After a plan that is only shown (or has no change to make): 1 when something needs
 * attention, 2 for pending changes with --detailed-exitcode, else 0.
 */
export function planExitCode(
  problems: boolean,
  how: { planOnly: boolean; detailedExitcode: boolean },
  changes: number,
): number {
  if (problems) return ExitCode.Error;
  return how.planOnly && how.detailedExitcode && changes > 0 ? ExitCode.ChangesPending : ExitCode.Success;
}

/**
 * After a run: 130 when interrupted, an error when it stopped on its own before the end,
 * 1 when a change failed or a named project could not be changed, else 0.
 */
export function runExitCode(report: RunReport, problems: boolean): number {
  if (report.interrupted) return ExitCode.Interrupted;
  if (report.stopped !== undefined) {
    throw new UserError(
      `stopped before the end: ${report.stopped}; the summary above says what was done; fix it and run the same command again`,
      { errorCode: 'stopped' },
    );
  }
  return problems ? ExitCode.Error : ExitCode.Success;
}
