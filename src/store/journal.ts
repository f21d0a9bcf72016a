import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';
import { MAX_BYTES, TextFileError, readTextFile } from '../files/read-text.js';
import { inert } from '../output/inert.js';
import { ForeignJournalError, RUN_ID, checkRunIds } from './run-id.js';
import type { Person } from '../plan/model.js';
import { personSchema } from './plan-file.js';
import { RIGHTS, type RightOrNone } from '../plan/rights.js';

export { ForeignJournalError, RUN_ID } from './run-id.js';

/*
 * One journal per run that writes, in the user's state directory, one JSON line per event:
 * - "run" first, written and fsync'd before the first PUT (a run that cannot journal does
 *   not start);
 * - "intent" before each PUT: after a crash or a lost answer, undo still knows the project
 *   may have changed, and checks;
 * - "change" once a PUT landed; a change is reported as applied only once its line is on disk;
 * - "end" with the outcome, when the run finishes (even interrupted).
 * `undo` and `history` read it. The format is versioned (README "Compatibility"): fields are
 * only added within version 1, and readers take lines written before a field existed.
 */

const runIdSchema = z.string().regex(RUN_ID);

const rightOrNone = z.enum(RIGHTS).nullable();
const contactPersonSchema = z.object({ id: z.number().int(), name: z.string(), email: z.string() });

const runLineSchema = z
  .object({
    type: z.literal('run'),
    version: z.literal(1),
    runId: runIdSchema,
    startedAt: z.string(),
    server: z.string(),
    caller: personSchema,
    /** The user whose rights the run changes (a run about one user). */
    user: personSchema.optional(),
    /** Every user whose rights the run may change (a run about several users, e.g. sync). */
    users: z.array(personSchema).optional(),
    command: z.string(),
    /** The run(s) this one undid. */
    undoes: z.union([runIdSchema, z.array(runIdSchema)]).optional(),
    /** The first run of an interrupted or unfinished job that this run finishes. */
    continues: runIdSchema.optional(),
  })
  .refine((line) => line.user !== undefined || (line.users?.length ?? 0) > 0, { message: 'a run names its user' });

const changeLineSchema = z.object({
  type: z.enum(['intent', 'change']),
  runId: runIdSchema,
  time: z.string(),
  projid: z.number().int(),
  title: z.string(),
  /** Whose right: absent in lines written before runs could change several users' rights. */
  userId: z.number().int().optional(),
  before: rightOrNone,
  after: rightOrNone,
  /** --fix-contact: the contact this write set. */
  contact: z.object({ before: contactPersonSchema.nullable(), after: contactPersonSchema }).optional(),
});

const endLineSchema = z.object({
  type: z.literal('end'),
  runId: runIdSchema,
  time: z.string(),
  interrupted: z.boolean(),
  applied: z.number().int(),
  failed: z.number().int(),
  /** Why the run stopped starting writes on its own (a rejected token, a broken journal). */
  stopped: z.string().optional(),
  skipped: z.number().int().optional(),
  unconfirmed: z.number().int().optional(),
  notStarted: z.number().int().optional(),
});

export type RunLine = z.infer<typeof runLineSchema>;
export type ChangeLine = z.infer<typeof changeLineSchema>;
export type EndLine = z.infer<typeof endLineSchema>;

export interface JournalChange {
  projid: number;
  title: string;
  userId: number;
  before: RightOrNone;
  after: RightOrNone;
  contact?: { before: Pick<Person, 'id' | 'name' | 'email'> | null; after: Pick<Person, 'id' | 'name' | 'email'> };
}

export interface RunOutcome {
  interrupted: boolean;
  applied: number;
  failed: number;
  stopped?: string | undefined;
  skipped?: number;
  unconfirmed?: number;
  notStarted?: number;
}

export interface JournalWriter {
  /** Creates the journal with its "run" line, on disk; throws if it cannot. */
  open(): Promise<void>;
  /** A PUT is about to be sent. Resolves once the line is on disk. */
  intend(change: JournalChange): Promise<void>;
  /** A PUT landed. Resolves once the line is on disk. */
  record(change: JournalChange): Promise<void>;
  /** Closes the run with its outcome. */
  finish(outcome: RunOutcome): Promise<void>;
  /** The file, once open. */
  readonly filepath: string | undefined;
  /** The run's id. */
  readonly runId: string | undefined;
}

export interface RunInfo {
  server: string;
  caller: Person;
  /** The one user whose right changes; or `users` for a run about several. */
  user?: Person | undefined;
  users?: Person[] | undefined;
  command: string;
  undoes?: string[] | undefined;
  continues?: string | undefined;
}

/**
 * A run's id, which also names its journal: the wall-clock time to the millisecond (not the
 * tool's clock, which SOURCE_DATE_EPOCH can freeze), so that names sort in the order runs
 * started and `undo` finds the latest one.
 */
export function newRunId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace('.', '')}-${randomBytes(3).toString('hex')}`;
}

const person = (p: Person): Person => ({
  id: p.id,
  email: p.email,
  name: p.name,
  organisation: p.organisation ?? null,
});

/** What the journal needs of a file system: tests inject one to see every write and sync. */
export interface JournalFileSystem {
  mkdir(dir: string): Promise<void>;
  open(file: string): Promise<JournalHandle>;
}
export interface JournalHandle {
  write(text: string): Promise<unknown>;
  /** fsync: the lines written so far are on disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export const nodeJournalFileSystem: JournalFileSystem = {
  async mkdir(dir) {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  },
  async open(file) {
    // A new file, never one already there (or a link planted under the run's name).
    const handle = await fsp.open(file, 'ax', 0o600);
    return { write: (text) => handle.write(text), sync: () => handle.sync(), close: () => handle.close() };
  },
};

/**
 * Writes the journal of one run. Lines are written and fsync'd off the event loop, several at
 * once when they come together (group commit): a synchronous fsync per line would stall every
 * request in flight.
 */
export class FileJournal implements JournalWriter {
  private handle: JournalHandle | undefined;
  private pending: { line: string; done: (err?: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  filepath: string | undefined;

  constructor(
    private readonly dir: string,
    readonly runId: string,
    private readonly run: RunInfo,
    private readonly clock: () => Date,
    private readonly files: JournalFileSystem = nodeJournalFileSystem,
  ) {}

  async open(): Promise<void> {
    if (this.handle !== undefined) return;
    const filepath = path.join(this.dir, `${this.runId}.jsonl`);
    try {
      await this.files.mkdir(this.dir);
      this.handle = await this.files.open(filepath);
    } catch (err) {
      throw new InputError(
        `cannot write the journal in ${this.dir} (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}): nothing was changed; fix the directory or set XDG_STATE_HOME`,
      );
    }
    this.filepath = filepath;
    const line: RunLine = {
      type: 'run',
      version: 1,
      runId: this.runId,
      startedAt: this.clock().toISOString(),
      server: this.run.server,
      caller: person(this.run.caller),
      ...(this.run.user === undefined ? {} : { user: person(this.run.user) }),
      ...(this.run.users === undefined ? {} : { users: this.run.users.map(person) }),
      command: this.run.command,
      ...(this.run.undoes === undefined ? {} : { undoes: this.run.undoes }),
      ...(this.run.continues === undefined ? {} : { continues: this.run.continues }),
    };
    await this.append(line);
  }

  intend(change: JournalChange): Promise<void> {
    return this.append({ type: 'intent', runId: this.runId, time: this.clock().toISOString(), ...change });
  }

  record(change: JournalChange): Promise<void> {
    return this.append({ type: 'change', runId: this.runId, time: this.clock().toISOString(), ...change });
  }

  async finish(outcome: RunOutcome): Promise<void> {
    if (this.handle === undefined) return;
    try {
      await this.append({ type: 'end', runId: this.runId, time: this.clock().toISOString(), ...outcome });
    } finally {
      await this.handle.close();
      this.handle = undefined;
    }
  }

  private append(line: object): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        line: `${JSON.stringify(line)}\n`,
        done: (err) =>
          err === undefined ? resolve() : reject(err instanceof Error ? err : new Error(errorMessage(err))),
      });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        try {
          if (this.handle === undefined) throw new Error('the journal is closed');
          await this.handle.write(batch.map((b) => b.line).join(''));
          await this.handle.sync();
          for (const b of batch) b.done();
        } catch (err) {
          for (const b of batch) b.done(err);
        }
      }
    } finally {
      // In the same turn as the last look at `pending`: a line appended from here on starts a
      // new flush. (Cleared a microtask later, as a `.finally()` did, a line asked for by the
      // caller a batch just released found `flushing` still set and was never written.)
      this.flushing = undefined;
    }
  }
}

/** For --replay: nothing is written anywhere, so nothing is journaled. */
export const noJournal: JournalWriter = {
  open: () => Promise.resolve(),
  intend: () => Promise.resolve(),
  record: () => Promise.resolve(),
  finish: () => Promise.resolve(),
  filepath: undefined,
  runId: undefined,
};

/** A journal line about one user's right on one project, its user always known. */
export type JournalEntry = Omit<ChangeLine, 'userId'> & { userId: number };

export interface JournalFile {
  filepath: string;
  run: RunLine;
  /** Writes that landed. */
  changes: JournalEntry[];
  /** Writes sent whose outcome the run never learned (no "change" line followed). */
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
  const landed = new Set(changes.map((c) => `${c.projid}/${c.userId}`));
  const unknown = all.filter((l) => l.type === 'intent' && !landed.has(`${l.projid}/${l.userId}`));
  return { filepath, run, changes, unknown, end };
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
