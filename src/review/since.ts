import type { JournalEntry, JournalFile } from '../store/journal-read.js';
import { groupRuns } from '../store/runs.js';
import type { RightOrNone } from '../plan/rights.js';

/*
 * "Since when, and by which run" a user holds a right on a project, as far as this machine's
 * journals say. Pure: over journals already read. The server says what the right is now; the
 * journals say which of our runs last moved it. A right is credited to a run only when that
 * run's last move of it is what the server shows now: a later revoke, an undo, or a change in
 * the web UI since would otherwise be hidden.
 */

export interface RunPerson {
  id: number;
  name: string;
  email: string;
}

export type Since =
  /**
   * Given by a run here: `run` is its group's id (what `history` lists and `undo` takes), `at`
   * when the write was journaled. `confirmed` is false for a write whose answer was lost: the
   * project shows its result, so it most likely landed.
   */
  | { kind: 'run'; run: string; at: string; command: string; by: RunPerson; confirmed: boolean }
  /** No run here ever changed this user's right on this project. */
  | { kind: 'before-journals' }
  /** Our runs last left another right (`lastRun`): it was changed elsewhere since (web UI, another machine). */
  | { kind: 'elsewhere'; lastRun: string; lastAt: string };

interface Move {
  group: string;
  command: string;
  by: RunPerson;
  at: string;
  before: RightOrNone;
  after: RightOrNone;
  /** A "change" line (the write landed), not an intent whose outcome the run never learned. */
  landed: boolean;
}

/** Each project and user's moves on one server, oldest first. */
export type SinceIndex = ReadonlyMap<string, readonly Move[]>;

const keyOf = (projid: number, userId: number): string => `${projid}/${userId}`;

/** Indexes every move the journals of `server` record, in the order the runs made them. */
export function indexJournals(journals: readonly JournalFile[], server: string): SinceIndex {
  const groupOf = new Map<string, { id: string; command: string }>();
  for (const group of groupRuns(journals)) {
    for (const run of group.runs) groupOf.set(run.run.runId, { id: group.id, command: group.command });
  }
  // Run ids start with the wall-clock time the run started (the tool's clock may be frozen).
  const ordered = journals
    .filter((j) => j.run.server === server)
    .sort((a, b) => (a.run.runId < b.run.runId ? -1 : a.run.runId > b.run.runId ? 1 : 0));
  const index = new Map<string, Move[]>();
  for (const journal of ordered) {
    const group = groupOf.get(journal.run.runId) ?? { id: journal.run.runId, command: journal.run.command };
    const caller = journal.run.caller;
    const add = (line: JournalEntry, landed: boolean): void => {
      const key = keyOf(line.projid, line.userId);
      const moves = index.get(key) ?? [];
      moves.push({
        group: group.id,
        command: group.command,
        by: { id: caller.id, name: caller.name, email: caller.email },
        at: line.time,
        before: line.before,
        after: line.after,
        landed,
      });
      index.set(key, moves);
    };
    for (const line of journal.changes) add(line, true);
    for (const line of journal.unknown) add(line, false);
  }
  return index;
}

/**
 * Since when `userId` has held `current` on `projid`: the latest move our runs made of it, if
 * that move left `current`. A write whose outcome was never learned counts when the project
 * shows its result, and is passed over when it does not (it did not land).
 */
export function sinceOf(index: SinceIndex, projid: number, userId: number, current: RightOrNone): Since {
  const moves = index.get(keyOf(projid, userId)) ?? [];
  for (let i = moves.length - 1; i >= 0; i--) {
    const move = moves[i] as Move;
    if (move.after === current) {
      return { kind: 'run', run: move.group, at: move.at, command: move.command, by: move.by, confirmed: move.landed };
    }
    if (move.landed) return { kind: 'elsewhere', lastRun: move.group, lastAt: move.at };
  }
  // Only writes that did not land: the right is what it was before them, or changed elsewhere.
  const first = moves[0];
  if (first === undefined || first.before === current) return { kind: 'before-journals' };
  return { kind: 'elsewhere', lastRun: first.group, lastAt: first.at };
}
