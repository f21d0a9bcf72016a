/*
 * Run ids, as journals name runs: only the exact form the tool writes is one. They reach the
 * shell (completion offers them for `undo`), so a journal that names a run otherwise is no
 * journal of this tool, and is left out.
 */

import { InputError } from '../errors.js';
import { inert } from '../output/inert.js';

/**
 * A run id exactly as newRunId writes it: the start time to the millisecond, then six hex
 * digits. Run ids are printed for shells to complete (`undo <TAB>`): nothing else is one.
 */
export const RUN_ID = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;

/**
 * A file in the journal directory that this tool did not write: not a regular file, or a
 * run that names itself (or the runs it undoes or finishes) with something that is not a run
 * id. Such a file is left out with a warning, never read as a run: its ids would reach the
 * shell through completion.
 */
export class ForeignJournalError extends InputError {}

/** The run ids a "run" line carries, each checked before the line is trusted with anything. */
export function checkRunIds(raw: unknown, filepath: string): void {
  const line = raw as { runId?: unknown; undoes?: unknown; continues?: unknown };
  const undoes: unknown[] = Array.isArray(line.undoes) ? (line.undoes as unknown[]) : [line.undoes];
  const others = [...undoes, line.continues];
  for (const id of [line.runId, ...others.filter((o) => o !== undefined)]) {
    if (typeof id === 'string' && RUN_ID.test(id)) continue;
    const shown = id === undefined ? 'no run id' : `the run id ${inert((JSON.stringify(id) ?? '').slice(0, 60))}`;
    throw new ForeignJournalError(
      `${inert(filepath)} is not a journal of ecotaxa-access (it has ${shown}, not one this tool writes)`,
    );
  }
}
