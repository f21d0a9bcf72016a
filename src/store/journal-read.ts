import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { MAX_BYTES, TextFileError, readTextFile } from '../files/read-text.js';
import { inert } from '../output/inert.js';
import type { Person } from '../plan/model.js';
import {
  type ChangeLine,
  type EndLine,
  type RunLine,
  changeLineSchema,
  endLineSchema,
  runLineSchema,
} from './journal.js';
import { ForeignJournalError, checkRunIds } from './run-id.js';

/*
 * Reading the journals that src/store/journal.ts writes (its header describes the lines), for
 * undo, history and report: refused when damaged, never trusted for more than they say.
 */

/** A journal line about one user's right on one project, its user always known. */
export type JournalEntry = Omit<ChangeLine, 'userId'> & { userId: number };

export interface JournalFile {
  filepath: string;
  run: RunLine;
  /** Writes that landed. */
  changes: JournalEntry[];
  /** Writes sent whose outcome the run never learned (no "change" line followed, not withdrawn). */
  unknown: JournalEntry[];
  end: EndLine | undefined;
}

/** The users a run is about. */
export function runUsers(run: RunLine): Person[] {
  return run.users ?? (run.user === undefined ? [] : [run.user]);
}

/** The runs a run undid (none for a run that is not an undo). */
export function undoneRuns(run: RunLine): string[] {
  if (run.undoes === undefined) return [];
  return typeof run.undoes === 'string' ? [run.undoes] : run.undoes;
}

/** Reads one journal; a torn last line (a crash mid-write) is ignored, anything else refused. */
export function readJournal(filepath: string): JournalFile {
  let text: string;
  try {
    text = readTextFile(filepath, { what: 'the journal', maxBytes: MAX_BYTES.journal });
  } catch (err) {
    if (err instanceof TextFileError && (err.problem === 'not-regular' || err.problem === 'missing')) {
      throw new ForeignJournalError(err.message);
    }
    throw err;
  }
  return parseJournal(text, filepath);
}

export function parseJournal(text: string, filepath: string): JournalFile {
  let run: RunLine | undefined;
  const lines: ChangeLine[] = [];
  let end: EndLine | undefined;
  // Every complete line ends with "\n": the last piece is empty, or a line torn by a crash.
  text
    .split('\n')
    .slice(0, -1)
    .forEach((line, index) => {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new InputError(`the journal ${inert(filepath)} is damaged at line ${index + 1}`);
      }
      const type = (raw as { type?: unknown } | null)?.type;
      if (type === 'run') checkRunIds(raw, filepath);
      const schema = type === 'run' ? runLineSchema : type === 'end' ? endLineSchema : changeLineSchema;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new InputError(`the journal ${inert(filepath)} is damaged at line ${index + 1}`);
      const data = parsed.data;
      if (data.type === 'run') run = data;
      else if (data.type === 'end') end = data;
      else lines.push(data);
    });
  if (run === undefined) throw new InputError(`${inert(filepath)} is not an ecotaxa-access journal`);
  const defaultUser = run.user?.id;
  const withUser = (line: ChangeLine): JournalEntry => {
    const userId = line.userId ?? defaultUser;
    if (userId === undefined) throw new InputError(`the journal ${inert(filepath)} is damaged: a change names no user`);
    return { ...line, userId };
  };
  const all = lines.map(withUser);
  const changes = all.filter((l) => l.type === 'change');
  return { filepath, run, changes, unknown: unsettledIntents(all), end };
}

const changeKey = (line: JournalEntry): string => `${line.projid}/${line.userId}`;

/**
 * The intents of writes whose outcome the run never learned, in the journal's order: those of
 * a project and user with no "change" line, less each one a `"landed": false` line withdrew
 * (the latest before it: an earlier write whose answer was lost stays unknown).
 */
function unsettledIntents(lines: readonly JournalEntry[]): JournalEntry[] {
  const landed = new Set(lines.filter((l) => l.type === 'change').map(changeKey));
  const open = new Map<string, JournalEntry[]>();
  const withdrawn = new Set<JournalEntry>();
  for (const line of lines) {
    if (line.type !== 'intent') continue;
    const key = changeKey(line);
    const intents = open.get(key) ?? [];
    open.set(key, intents);
    if (line.landed !== false) intents.push(line);
    else {
      withdrawn.add(line);
      const latest = intents.pop();
      if (latest !== undefined) withdrawn.add(latest);
    }
  }
  return lines.filter((l) => l.type === 'intent' && !withdrawn.has(l) && !landed.has(changeKey(l)));
}

/**
 * Every journal in `dir`, oldest first. A damaged one is refused, unless `onDamaged` is given:
 * it is then told of it and the file is left out. A file that is no journal of this tool
 * (ForeignJournalError) is always left out, and `onSkipped` told of it.
 */
export function listJournals(
  dir: string,
  onDamaged?: (filepath: string, error: InputError) => void,
  onSkipped?: (filepath: string, error: InputError) => void,
): JournalFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const journals: JournalFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.jsonl')).sort()) {
    const filepath = path.join(dir, name);
    try {
      journals.push(readJournal(filepath));
    } catch (err) {
      if (err instanceof ForeignJournalError) onSkipped?.(filepath, err);
      else if (onDamaged === undefined || !(err instanceof InputError)) throw err;
      else onDamaged(filepath, err);
    }
  }
  return journals;
}
