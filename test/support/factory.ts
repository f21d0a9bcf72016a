import type { MinUser, Project } from '../../src/api/schemas.js';
import type { RightOrNone } from '../../src/plan/rights.js';
import type { EndLine, RunLine } from '../../src/store/journal.js';
import type { JournalEntry, JournalFile } from '../../src/store/journal-read.js';
import { AQQUA, COLLEAGUE, OWNER, VICTOR, who } from './people.js';

/*
 * The members of the unit tests' projects: the invented people (people.ts), with an
 * organisation as short as a test needs, or none.
 */
export const CALLER: MinUser = { ...who(OWNER), organisation: 'GEOMAR' };
export const USER: MinUser = { ...who(AQQUA), organisation: 'GEOMAR' };
export const OTHER: MinUser = { ...who(COLLEAGUE), organisation: null };
export const THIRD: MinUser = who(VICTOR);

/** A project as EcoTaxa reads it: the caller manages it and is its contact, unless overridden. */
export function project(overrides: Partial<Project> = {}): Project {
  return {
    projid: 101,
    title: 'Kiel Fjord zooplankton 2019',
    access: '0',
    status: 'Annotate',
    objcount: 18422,
    instrument: 'Zooscan',
    managers: [CALLER],
    annotators: [],
    viewers: [],
    contact: CALLER,
    highest_right: 'Manage',
    ...overrides,
  };
}

/** The server of the unit tests' journals. */
export const SERVER = 'https://ecotaxa.example/api';

/** A right that moved on one project: from `before` to `after`. */
export type Move = [projid: number, before: RightOrNone, after: RightOrNone];

export interface JournalFileOptions {
  command?: string;
  /** Writes that landed (change lines). */
  changes?: Move[];
  /** Writes never confirmed (intent lines without their change). */
  unknown?: Move[];
  /** Fields of the end line; null: the run crashed before writing it. */
  end?: Partial<EndLine> | null;
  continues?: string;
  undoes?: string[];
  caller?: MinUser;
  server?: string;
  /** When the run started, and the time of each of its lines (default 2026-11-27 10:00 UTC). */
  startedAt?: string;
}

/** A journal as readJournal gives it: run `id` of CALLER's about USER's right, its lines, its end. */
export function journalFile(id: string, options: JournalFileOptions = {}): JournalFile {
  const run: RunLine = {
    type: 'run',
    version: 1,
    runId: id,
    startedAt: options.startedAt ?? '2026-11-27T10:00:00.000Z',
    server: options.server ?? SERVER,
    caller: options.caller ?? CALLER,
    user: USER,
    command: options.command ?? 'grant --all',
    ...(options.continues === undefined ? {} : { continues: options.continues }),
    ...(options.undoes === undefined ? {} : { undoes: options.undoes }),
  };
  const line =
    (type: 'change' | 'intent') =>
    ([projid, before, after]: Move): JournalEntry => ({
      type,
      runId: id,
      time: run.startedAt,
      projid,
      title: `P${projid}`,
      userId: USER.id,
      before,
      after,
    });
  const changes = (options.changes ?? []).map(line('change'));
  return {
    filepath: `/j/${id}.jsonl`,
    run,
    changes,
    unknown: (options.unknown ?? []).map(line('intent')),
    end:
      options.end === null
        ? undefined
        : {
            type: 'end',
            runId: id,
            time: run.startedAt,
            interrupted: false,
            applied: changes.length,
            failed: 0,
            ...options.end,
          },
  };
}
