import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, UsageError } from '../errors.js';
import type { Person, PlanOperation } from './plan-document.js';
import { RIGHTS, type RightOrNone } from './rights.js';

/*
 * One journal per run that changed something, one JSON line per landed change. A change is
 * reported as applied only once its line is fsync'd, so after a crash or Ctrl-C the journal
 * holds every change the tool reported. `undo` reads it.
 */

const rightOrNone = z.enum(RIGHTS).nullable();
const personSchema = z.object({ id: z.number().int(), email: z.string(), name: z.string() });

const runLineSchema = z.object({
  type: z.literal('run'),
  version: z.literal(1),
  runId: z.string(),
  startedAt: z.string(),
  server: z.string(),
  caller: personSchema,
  user: personSchema.extend({ organisation: z.string().nullable().optional() }),
  command: z.string(),
  /** The run this one undid, for `undo` without an argument. */
  undoes: z.string().optional(),
});

const changeLineSchema = z.object({
  type: z.literal('change'),
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

export interface JournalChange {
  projid: number;
  title: string;
  before: RightOrNone;
  after: RightOrNone;
}

export interface JournalWriter {
  /** Appends one landed change; resolves once it is on disk. */
  record(change: JournalChange): Promise<void>;
  /** Closes the run with its outcome (only if something was recorded). */
  finish(outcome: { interrupted: boolean; applied: number; failed: number }): Promise<void>;
  /** The file, once the first change created it. */
  readonly filepath: string | undefined;
}

export interface RunInfo {
  server: string;
  caller: Person;
  user: Person;
  command: string;
  operation: PlanOperation;
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

/**
 * Writes the journal of one run; the file appears with the first landed change.
 * Lines are written and fsync'd off the event loop, several at once when changes land
 * together (group commit): a synchronous fsync per line would stall every request in flight.
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

  record(change: JournalChange): Promise<void> {
    return this.append({ type: 'change', runId: this.runId, time: this.clock().toISOString(), ...change });
  }

  async finish(outcome: { interrupted: boolean; applied: number; failed: number }): Promise<void> {
    await this.flushing;
    if (this.handle === undefined) return;
    await this.append({ type: 'end', runId: this.runId, time: this.clock().toISOString(), ...outcome });
    await this.handle.close();
    this.handle = undefined;
  }

  private append(line: object): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(line)}\n`, done: (err) => (err === undefined ? resolve() : reject(err)) });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
      });
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        if (this.handle === undefined) await this.open();
        await this.handle?.write(batch.map((b) => b.line).join(''));
        await this.handle?.sync();
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err);
      }
    }
  }

  private async open(): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.filepath = path.join(this.dir, `${this.runId}.jsonl`);
    this.handle = await fsp.open(this.filepath, 'a', 0o600);
    const line: RunLine = {
      type: 'run',
      version: 1,
      runId: this.runId,
      startedAt: this.clock().toISOString(),
      server: this.run.server,
      caller: { id: this.run.caller.id, email: this.run.caller.email, name: this.run.caller.name },
      user: {
        id: this.run.user.id,
        email: this.run.user.email,
        name: this.run.user.name,
        organisation: this.run.user.organisation ?? null,
      },
      command: this.run.command,
      ...(this.run.undoes === undefined ? {} : { undoes: this.run.undoes }),
    };
    await this.handle.write(`${JSON.stringify(line)}\n`);
  }
}

/** For --replay and --dry-run: nothing landed, nothing to journal. */
export const noJournal: JournalWriter = {
  record: async () => undefined,
  finish: async () => undefined,
  filepath: undefined,
};

export interface JournalFile {
  filepath: string;
  run: RunLine;
  changes: ChangeLine[];
  finished: boolean;
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
  // Every complete line ends with "\n": the last piece is empty, or a line torn by a crash.
  const complete = text.split('\n').slice(0, -1);
  let run: RunLine | undefined;
  const changes: ChangeLine[] = [];
  let finished = false;
  complete.forEach((line, index) => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new InputError(`the journal ${filepath} is damaged at line ${index + 1}`);
    }
    const type = (raw as { type?: unknown } | null)?.type;
    const schema = type === 'run' ? runLineSchema : type === 'change' ? changeLineSchema : endLineSchema;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new InputError(`the journal ${filepath} is damaged at line ${index + 1}`);
    if (parsed.data.type === 'run') run = parsed.data;
    else if (parsed.data.type === 'change') changes.push(parsed.data);
    else finished = true;
  });
  if (run === undefined) throw new InputError(`${filepath} is not an ecotaxa-access journal`);
  return { filepath, run, changes, finished };
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
 * The journal `undo` takes: the one named (a path or a run id), otherwise the latest run on
 * this server, by this caller, that changed something, is not itself an undo, and has not
 * been undone yet.
 */
export function findJournalToUndo(dir: string, server: string, callerId: number, named: string | undefined): JournalFile {
  if (named !== undefined) {
    const byPath = named.includes('/') || named.endsWith('.jsonl');
    return readJournal(byPath ? named : path.join(dir, `${named}.jsonl`));
  }
  const journals = listJournals(dir).filter((j) => j.run.server === server && j.run.caller.id === callerId);
  const undone = new Set(journals.map((j) => j.run.undoes).filter((id): id is string => id !== undefined));
  const candidate = [...journals]
    .reverse()
    .find((j) => j.run.undoes === undefined && !undone.has(j.run.runId) && j.changes.length > 0);
  if (candidate === undefined) {
    throw new UsageError(`no run to undo: no journal of a change on ${server} by you in ${dir}`);
  }
  return candidate;
}
