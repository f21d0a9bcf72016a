import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';
import { RUN_ID } from './run-id.js';
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
 * - the same "intent" again with `"landed": false` when the run knows that PUT changed nothing
 *   (refused, a write conflict, never sent): it withdraws the latest intent of that project
 *   and user, so that undo, history and report do not take it for a change that may have
 *   landed. (A reader older than this field takes it for one more intent of unknown outcome,
 *   which is what it made of the first.)
 * - "change" once a PUT landed; a change is reported as applied only once its line is on disk;
 * - "end" with the outcome, when the run finishes (even interrupted).
 * `undo` and `history` read it. The format is versioned (README "Compatibility"): fields are
 * only added within version 1, and readers take lines written before a field existed.
 */

const runIdSchema = z.string().regex(RUN_ID);

const rightOrNone = z.enum(RIGHTS).nullable();
const contactPersonSchema = z.object({ id: z.number().int(), name: z.string(), email: z.string() });

export const runLineSchema = z
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
  .refine((line) => line.user !== undefined || (line.users?.length ?? 0) > 0, 'a run names its user');

export const changeLineSchema = z
  .object({
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
    /** On an intent only: the latest intent of this project and user changed nothing. */
    landed: z.literal(false).optional(),
  })
  .refine((line) => line.type === 'intent' || line.landed === undefined, 'only an intent can be withdrawn');

export const endLineSchema = z.object({
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
  /** The latest PUT intended for this change certainly changed nothing. */
  notLanded(change: JournalChange): Promise<void>;
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
      // Left out of the line when undefined (JSON.stringify).
      undoes: this.run.undoes,
      continues: this.run.continues,
    };
    await this.append(line);
  }

  intend(change: JournalChange): Promise<void> {
    return this.append({ type: 'intent', runId: this.runId, time: this.clock().toISOString(), ...change });
  }

  record(change: JournalChange): Promise<void> {
    return this.append({ type: 'change', runId: this.runId, time: this.clock().toISOString(), ...change });
  }

  notLanded(change: JournalChange): Promise<void> {
    return this.append({
      type: 'intent',
      runId: this.runId,
      time: this.clock().toISOString(),
      ...change,
      landed: false,
    });
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

const nothing = (): Promise<void> => Promise.resolve();

/** For --replay: nothing is written anywhere, so nothing is journaled. */
export const noJournal: JournalWriter = {
  open: nothing,
  intend: nothing,
  record: nothing,
  notLanded: nothing,
  finish: nothing,
  filepath: undefined,
  runId: undefined,
};
