import { inert } from '../output/inert.js';
import { renderTable } from '../output/table.js';
import { formatAt, plural } from '../output/words.js';
import { personOf } from '../review/report.js';
import { type JournaledCounts, type RunGroup, undoneGroups } from '../store/runs.js';

/*
 * `history`: the runs as the owner thinks of them (run groups: an interrupted run and the
 * re-run that finished it are one), newest first like `git log`: the --json document, and
 * the table for people.
 */

/** One group in `history --json` (README "JSON output"): fields are only ever added. */
export interface HistoryEntry {
  id: string;
  startedAt: string;
  server: string;
  command: string;
  caller: { id: number; name: string; email: string };
  /** Whether the caller is the account logged in to that server here; null when none is known. */
  byYou: boolean | null;
  users: { id: number; name: string; email: string }[];
  counts: JournaledCounts;
  /** The last run ended with everything done (not interrupted, stopped, or with failures). */
  complete: boolean;
  /** The groups this one undid; empty unless it is an undo. */
  undoes: string[];
  /** The latest completed undo of this group, if any. */
  undoneBy: string | null;
  /** Its changes are put back now: undone by an undo that was not itself undone since. */
  undone: boolean;
  /** Its runs, oldest first. */
  runs: { id: string; startedAt: string; journal: string }[];
}

/** The entries of `groups` (oldest first, as groupRuns gives them), newest first. */
export function historyEntries(
  groups: readonly RunGroup[],
  callerOf: (server: string) => number | undefined,
): HistoryEntry[] {
  const undone = undoneGroups(groups);
  return [...groups].reverse().map((g) => {
    const caller = callerOf(g.server);
    return {
      id: g.id,
      startedAt: g.startedAt,
      server: g.server,
      command: g.command,
      caller: personOf(g.caller),
      byYou: caller === undefined ? null : caller === g.caller.id,
      users: g.users.map(personOf),
      counts: { ...g.counts },
      complete: g.complete,
      undoes: [...g.undoes],
      undoneBy: g.undoneBy ?? null,
      undone: undone.has(g.id),
      runs: g.runs.map((r) => ({ id: r.run.runId, startedAt: r.run.startedAt, journal: r.filepath })),
    };
  });
}

/** "23 applied, 3 skipped": the counts that are not zero. */
export function describeCounts(counts: JournaledCounts): string {
  const parts: [number, string][] = [
    [counts.applied, 'applied'],
    [counts.failed, 'failed'],
    [counts.skipped, 'skipped'],
    [counts.unconfirmed, 'unconfirmed'],
    [counts.notStarted, 'not started'],
  ];
  const shown = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return shown.length === 0 ? 'nothing changed' : shown.join(', ');
}

function describeUsers(users: HistoryEntry['users']): string {
  if (users.length === 0) return '-';
  if (users.length <= 2) return users.map((u) => u.name).join(', ');
  return `${users.length} users`;
}

/** What else to know about a group: its runs, whether it is finished, undone or redone. */
export function describeNotes(entry: HistoryEntry): string {
  const notes: string[] = [];
  if (entry.runs.length > 1) notes.push(`${entry.runs.length} runs`);
  if (!entry.complete) notes.push('incomplete');
  if (entry.undoneBy !== null) {
    notes.push(entry.undone ? `undone by ${entry.undoneBy}` : `undone by ${entry.undoneBy}, then redone`);
  }
  return notes.join('; ');
}

/**
 * The history, as wide as the terminal allows: a table with one line per run; or, when its
 * notes make it too wide, the notes under their run (indented); or, on a terminal too narrow
 * for the table, each run as a short block. Run ids are never shortened: `undo` takes them.
 */
export function renderHistory(
  entries: readonly HistoryEntry[],
  options: { width: number | undefined; allServers: boolean; headerStyle?: (text: string) => string },
): string {
  const notes = entries.map((e) => inert(describeNotes(e)));
  const columns = [
    { header: 'RUN' },
    { header: 'STARTED (UTC)' },
    ...(options.allServers ? [{ header: 'SERVER' }] : []),
    { header: 'BY' },
    { header: 'USER' },
    { header: 'COMMAND' },
    { header: 'RESULT' },
  ];
  const by = (e: HistoryEntry): string => (e.byYou === true ? 'you' : e.caller.name);
  const cells = entries.map((e) => [
    e.id,
    formatAt(e.startedAt),
    ...(options.allServers ? [e.server] : []),
    by(e),
    describeUsers(e.users),
    e.command,
    describeCounts(e.counts),
  ]);
  const width = options.width;
  const fits = (text: string): boolean => width === undefined || text.split('\n').every((l) => [...l].length <= width);
  const styled = { headerStyle: options.headerStyle };

  if (notes.every((n) => n === '')) {
    if (fits(renderTable(columns, cells))) return renderTable(columns, cells, styled);
  } else {
    const wideColumns = [...columns, { header: 'NOTES' }];
    const wideCells = cells.map((row, i) => [...row, notes[i] ?? '']);
    if (fits(renderTable(wideColumns, wideCells))) return renderTable(wideColumns, wideCells, styled);
    if (fits(renderTable(columns, cells)) && notes.every((n) => fits(`    ${n}`))) {
      const [header, ...rows] = renderTable(columns, cells, styled).split('\n');
      return [header, ...rows.flatMap((row, i) => (notes[i] === '' ? [row] : [row, `    ${notes[i] ?? ''}`]))].join(
        '\n',
      );
    }
  }
  return entries
    .map((e, i) => {
      // Journals are files, and their names came from EcoTaxa: inert, as in the table.
      const lines = [
        `${options.headerStyle?.(inert(e.id)) ?? inert(e.id)}  ${inert(formatAt(e.startedAt))} UTC  by ${inert(by(e))}`,
        ...(options.allServers ? [`    ${inert(e.server)}`] : []),
        `    ${inert(`${e.command} (${describeUsers(e.users)})`)}: ${describeCounts(e.counts)}`,
      ];
      if (notes[i] !== '') lines.push(`    ${notes[i] ?? ''}`);
      return lines.join('\n');
    })
    .join('\n');
}

/** The line after the table: how many runs, where, and how to undo one. */
export function historySummary(runs: number, where: string): string {
  return `${plural(runs, 'run')} on ${where}, newest first. \`ecotaxa-access undo RUN\` undoes one.`;
}
