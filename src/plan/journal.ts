import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, UsageError, errorMessage } from '../errors.js';
import { type Person, personSchema } from './plan-document.js';
import { RIGHTS, type RightOrNone } from './rights.js';

/*
 * One journal per run that writes, in the user's state directory, one JSON line per event:
 * - "run" first, written and fsync'd before the first PUT (a run that cannot journal does
 *   not start);
 * - "intent" before each PUT: after a crash or a lost answer, undo still knows the project
 *   may have changed, and checks;
 * - "change" once a PUT landed; a change is reported as applied only once its line is on disk;
 * - "end" with the outcome, when the run finishes (even interrupted).
 * `undo` reads it.
 */

const rightOrNone = z.enum(RIGHTS).nullable();

const runLineSchema = z.object({
  type: z.literal('run'),
  version: z.literal(1),
  runId: z.string(),
  startedAt: z.string(),
  server: z.string(),
  caller: personSchema,
  user: personSchema,
  command: z.string(),
  /** The run this one undid, for `undo` without an argument. */
  undoes: z.string().optional(),
});

const changeLineSchema = z.object({
  type: z.enum(['intent', 'change']),
  runId: z.string(),
  time: z.string(),
  projid: z.number().int(),
  title: z.string(),
  before: rightOrNone,
  after: rightOrNone,
});

const endLineSchema = z.object({
  type: z.literal('end'),
  runId: z.string(),
  time: z.string(),
  interrupted: z.boolean(),
  applied: z.number().int(),
  failed: z.number().int(),
});

export type RunLine = z.infer<typeof runLineSchema>;
export type ChangeLine = z.infer<typeof changeLineSchema>;
export type EndLine = z.infer<typeof endLineSchema>;

export interface JournalChange {
  projid: number;
  title: string;
  before: RightOrNone;
  after: RightOrNone;
}

export interface RunOutcome {
  interrupted: boolean;
  applied: number;
  failed: number;
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
}

export interface RunInfo {
  server: string;
  caller: Person;
  user: Person;
  command: string;
  undoes?: string | undefined;
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

/**
 * Writes the journal of one run. Lines are written and fsync'd off the event loop, several at
 * once when they come together (group commit): a synchronous fsync per line would stall every
 * request in flight.
 */
export class FileJournal implements JournalWriter {
  private handle: fsp.FileHandle | undefined;
  private pending: { line: string; done: (err?: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  filepath: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly runId: string,
    private readonly run: RunInfo,
    private readonly clock: () => Date,
  ) {}

  async open(): Promise<void> {
    if (this.handle !== undefined) return;
    const filepath = path.join(this.dir, `${this.runId}.jsonl`);
    try {
      await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
      this.handle = await fsp.open(filepath, 'a', 0o600);
    } catch (err) {
      throw new InputError(
        `cannot write the journal in ${this.dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}): nothing was changed; fix the directory or set XDG_STATE_HOME`,
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
      user: person(this.run.user),
      command: this.run.command,
      ...(this.run.undoes === undefined ? {} : { undoes: this.run.undoes }),
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
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
      });
    });
  }

  private async flush(): Promise<void> {
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
  }
}

/** For --replay: nothing is written anywhere, so nothing is journaled. */
export const noJournal: JournalWriter = {
  open: () => Promise.resolve(),
  intend: () => Promise.resolve(),
  record: () => Promise.resolve(),
  finish: () => Promise.resolve(),
  filepath: undefined,
};

export interface JournalFile {
  filepath: string;
  run: RunLine;
  /** Writes that landed. */
  changes: ChangeLine[];
  /** Writes sent whose outcome the run never learned (no "change" line followed). */
  unknown: ChangeLine[];
  end: EndLine | undefined;
}

/** Reads one journal; a torn last line (a crash mid-write) is ignored, anything else refused. */
export function readJournal(filepath: string): JournalFile {
  let text: string;
  try {
    text = fs.readFileSync(filepath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read the journal ${filepath}: ${code === 'ENOENT' ? 'no such file' : String(code)}`);
  }
  let run: RunLine | undefined;
  const changes: ChangeLine[] = [];
  const intents: ChangeLine[] = [];
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
        throw new InputError(`the journal ${filepath} is damaged at line ${index + 1}`);
      }
      const type = (raw as { type?: unknown } | null)?.type;
      const schema = type === 'run' ? runLineSchema : type === 'end' ? endLineSchema : changeLineSchema;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new InputError(`the journal ${filepath} is damaged at line ${index + 1}`);
      const data = parsed.data;
      if (data.type === 'run') run = data;
      else if (data.type === 'end') end = data;
      else if (data.type === 'change') changes.push(data);
      else intents.push(data);
    });
  if (run === undefined) throw new InputError(`${filepath} is not an ecotaxa-access journal`);
  const landed = new Set(changes.map((c) => c.projid));
  return { filepath, run, changes, unknown: intents.filter((i) => !landed.has(i.projid)), end };
}

export function listJournals(dir: string): JournalFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.jsonl'))
    .sort()
    .map((n) => readJournal(path.join(dir, n)));
}

/**
 * The journal `undo` takes: the one named (a path, or a run id in `dir`), otherwise the
 * latest run on this server, by this caller, that wrote something, is not itself an undo, and
 * has not been undone yet: an undo that was interrupted or had failures does not count, so
 * running `undo` again resumes it.
 */
export function findJournalToUndo(
  dir: string,
  server: string,
  callerId: number,
  named: string | undefined,
  cwd: string,
): JournalFile {
  if (named !== undefined) {
    const byPath = named.includes('/') || named.endsWith('.jsonl');
    return readJournal(byPath ? path.resolve(cwd, named) : path.join(dir, `${named}.jsonl`));
  }
  const journals = listJournals(dir).filter((j) => j.run.server === server && j.run.caller.id === callerId);
  const undone = new Set(
    journals
      .filter((j) => j.run.undoes !== undefined && j.end !== undefined && !j.end.interrupted && j.end.failed === 0)
      .map((j) => j.run.undoes as string),
  );
  const candidate = [...journals]
    .reverse()
    .find((j) => j.run.undoes === undefined && !undone.has(j.run.runId) && j.changes.length + j.unknown.length > 0);
  if (candidate === undefined) {
    throw new UsageError(`no run to undo: no journal of a change on ${server} by you in ${dir}`);
  }
  return candidate;
}
