import path from 'node:path';
import { UsageError } from '../errors.js';
import type { JournalEntry, JournalFile } from './journal-read.js';
import { runUsers, undoneRuns } from './journal-read.js';
import type { Person } from '../plan/model.js';
import type { RunCounts } from '../plan/results.js';
import type { RightOrNone } from '../plan/rights.js';

/*
 * Runs as the owner thinks of them (pure, over journals already read): a job that was
 * interrupted and then finished by running the same command again is one group, undone as one.
 */

/** What a run's last journal line counts (src/plan/results.ts RunCounts, as journaled). */
export type JournaledCounts = Pick<RunCounts, 'applied' | 'failed' | 'skipped' | 'unconfirmed' | 'notStarted'>;

export interface RunGroup {
  /** The first run's id: the group's id, for `undo` and `history`. */
  id: string;
  /** Oldest first. */
  runs: JournalFile[];
  server: string;
  caller: Person;
  users: Person[];
  command: string;
  startedAt: string;
  counts: JournaledCounts;
  /** The last run ended with everything done: not interrupted, stopped, or with failures. */
  complete: boolean;
  /** The groups this one undid (empty unless it is an undo). */
  undoes: string[];
  /** The undo group that put it back, when that undo completed. */
  undoneBy: string | undefined;
}

function runComplete(journal: JournalFile): boolean {
  const end = journal.end;
  if (end === undefined) return false;
  return (
    !end.interrupted &&
    end.stopped === undefined &&
    end.failed === 0 &&
    (end.unconfirmed ?? 0) === 0 &&
    (end.notStarted ?? 0) === 0
  );
}

function counts(journal: JournalFile): JournaledCounts {
  const end = journal.end;
  return {
    // Changes on disk are the truth; an end line may be missing after a crash.
    applied: new Set(journal.changes.map((c) => `${c.projid}/${c.userId}`)).size,
    failed: end?.failed ?? 0,
    skipped: end?.skipped ?? 0,
    unconfirmed: end?.unconfirmed ?? (end === undefined ? journal.unknown.length : 0),
    notStarted: end?.notStarted ?? 0,
  };
}

/** Groups journals (oldest first) into runs as the owner sees them, oldest first. */
export function groupRuns(journals: readonly JournalFile[]): RunGroup[] {
  const byId = new Map<string, RunGroup>();
  const groups: RunGroup[] = [];
  const groupOfRun = new Map<string, RunGroup>();
  for (const journal of journals) {
    const run = journal.run;
    const head = run.continues === undefined ? undefined : groupOfRun.get(run.continues);
    if (head !== undefined) {
      head.runs.push(journal);
      const c = counts(journal);
      // A later run redoes what an earlier one left undone: its failures replace the earlier ones.
      head.counts = {
        applied: head.counts.applied + c.applied,
        failed: c.failed,
        skipped: c.skipped,
        unconfirmed: c.unconfirmed,
        notStarted: c.notStarted,
      };
      head.complete = runComplete(journal);
      groupOfRun.set(run.runId, head);
      continue;
    }
    const group: RunGroup = {
      id: run.runId,
      runs: [journal],
      server: run.server,
      caller: run.caller,
      users: runUsers(run),
      command: run.command,
      startedAt: run.startedAt,
      counts: counts(journal),
      complete: runComplete(journal),
      undoes: undoneRuns(run),
      undoneBy: undefined,
    };
    groups.push(group);
    byId.set(group.id, group);
    groupOfRun.set(run.runId, group);
  }
  for (const group of groups) {
    if (!group.complete) continue;
    for (const target of group.undoes) {
      const undone = groupOfRun.get(target);
      if (undone !== undefined) undone.undoneBy = group.id;
    }
  }
  return groups;
}

/**
 * The groups whose changes are undone now: undone by a completed undo that was not itself
 * undone later (a redo puts a group's changes back in effect).
 */
export function undoneGroups(groups: readonly RunGroup[]): Set<string> {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const memo = new Map<string, boolean>();
  const undone = (group: RunGroup, depth: number): boolean => {
    const known = memo.get(group.id);
    if (known !== undefined) return known;
    const undoer = group.undoneBy === undefined ? undefined : byId.get(group.undoneBy);
    // An undo always starts after what it undoes, so chains end; the depth only guards bad journals.
    const result = undoer !== undefined && (depth > groups.length || !undone(undoer, depth + 1));
    memo.set(group.id, result);
    return result;
  };
  return new Set(groups.filter((g) => undone(g, 0)).map((g) => g.id));
}

/**
 * The group a new run finishes, if any: the latest group of this server and caller, when it
 * ran the same command (about the same users, when they are given) and did not complete. Its
 * id goes into the new run's journal.
 */
export function groupToContinue(
  groups: readonly RunGroup[],
  run: { server: string; callerId: number; command: string; userIds?: readonly number[] },
): string | undefined {
  const mine = groups.filter((g) => g.server === run.server && g.caller.id === run.callerId);
  const latest = mine[mine.length - 1];
  if (latest === undefined || latest.complete || latest.command !== run.command) return undefined;
  if (run.userIds !== undefined) {
    const same = (ids: readonly number[]): string => [...new Set(ids)].sort((a, b) => a - b).join(',');
    if (same(latest.users.map((u) => u.id)) !== same(run.userIds)) return undefined;
  }
  return latest.id;
}

/**
 * The groups `undo` takes: those named (a run id of any of their runs, or a journal's path),
 * otherwise the latest group on this server, by this caller, that changed something, is not
 * itself an undo, and is not undone now (an undo that did not complete does not count, so
 * running `undo` again resumes it; a group whose undo was undone is in effect again).
 */
export function groupsToUndo(
  groups: readonly RunGroup[],
  options: { server: string; callerId: number; named: readonly string[]; cwd: string; dir: string },
): RunGroup[] {
  if (options.named.length > 0) {
    const picked: RunGroup[] = [];
    for (const name of options.named) {
      const byPath = name.includes('/') || name.endsWith('.jsonl');
      const file = byPath ? path.resolve(options.cwd, name) : undefined;
      const group = groups.find((g) =>
        g.runs.some((r) => (file === undefined ? r.run.runId === name : path.resolve(r.filepath) === file)),
      );
      if (group === undefined) {
        throw new UsageError(
          `no run ${name} in ${options.dir}: \`ecotaxa-access history\` lists the runs (give a run id or a journal file)`,
        );
      }
      if (!picked.includes(group)) picked.push(group);
    }
    return picked;
  }
  const undone = undoneGroups(groups);
  const candidate = [...groups]
    .reverse()
    .find(
      (g) =>
        g.server === options.server &&
        g.caller.id === options.callerId &&
        g.undoes.length === 0 &&
        !undone.has(g.id) &&
        g.runs.some((r) => r.changes.length + r.unknown.length > 0),
    );
  if (candidate === undefined) {
    throw new UsageError(
      `no run to undo: no change on ${options.server} by you that is not undone yet (\`ecotaxa-access history\` lists the runs)`,
    );
  }
  return [candidate];
}

export interface UndoTarget {
  projid: number;
  userId: number;
  title: string;
  /** What the runs left. */
  from: RightOrNone;
  /** What the runs found. */
  to: RightOrNone;
}

/**
 * Per project and user: what the runs found (the first "before") and what they left (the last
 * "after"), over the groups in the order they ran. Writes whose outcome a run never learned
 * count too: if the project shows their result it is put back; if it shows what they
 * replaced, it is left as it is.
 */
export function undoTargets(groups: readonly RunGroup[]): UndoTarget[] {
  // Run ids start with the wall-clock time the run started (the tool's clock may be frozen).
  const journals = groups.flatMap((g) => g.runs).sort((a, b) => (a.run.runId < b.run.runId ? -1 : 1));
  const out = new Map<string, UndoTarget>();
  for (const journal of journals) {
    const lines: JournalEntry[] = [...journal.changes, ...journal.unknown];
    for (const line of lines) {
      const key = `${line.projid}/${line.userId}`;
      const known = out.get(key);
      out.set(key, {
        projid: line.projid,
        userId: line.userId,
        title: line.title,
        from: line.after,
        to: known === undefined ? line.before : known.to,
      });
    }
  }
  return [...out.values()].sort((a, b) => a.projid - b.projid || a.userId - b.userId);
}

/** Contacts the runs set (--fix-contact): an undo leaves them, since EcoTaxa needs a valid one. */
export function contactChanges(groups: readonly RunGroup[]): { projid: number; title: string }[] {
  const seen = new Map<number, string>();
  for (const journal of groups.flatMap((g) => g.runs)) {
    for (const line of journal.changes) if (line.contact !== undefined) seen.set(line.projid, line.title);
  }
  return [...seen].map(([projid, title]) => ({ projid, title }));
}
