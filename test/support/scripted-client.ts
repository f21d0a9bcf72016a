import type { RequestInfo } from '../../src/api/errors.js';
import type { Project } from '../../src/api/schemas.js';
import type { ProjectClient } from '../../src/apply/steps.js';
import type { JournalChange, JournalWriter, RunOutcome } from '../../src/store/journal.js';

/*
 * An in-memory EcoTaxa for unit tests of the apply engine's steps: projects by id, a replica
 * that can lag behind commits, and failures scripted per read or write. Every call, and
 * every journal line of a ScriptedJournal sharing its log, is appended to one `log`, so
 * that tests can check the order of reads, journal lines and writes.
 */

export const request = (method: string, path: string): RequestInfo => ({
  method,
  path,
  server: 'http://127.0.0.1:9/api',
});

/** A scripted write failure: thrown instead of the answer, after committing if `commit`. */
export interface WriteFault {
  error: Error;
  commit?: boolean;
}

export class ScriptedEcoTaxa implements ProjectClient {
  readonly projects = new Map<number, Project>();
  readonly log: string[] = [];
  /** Bodies of the writes that were committed. */
  readonly committed: Project[] = [];
  /** Failure of the nth read (1-based) of all reads, if any. */
  readFault: (nth: number) => Error | undefined = () => undefined;
  /** Failure of the nth write (1-based), if any. */
  writeFault: (nth: number) => WriteFault | undefined = () => undefined;
  /** Reads after a commit that still see the state before it (replica lag). */
  lagReads = 0;
  /** Called after a commit (a test can act as another writer). */
  afterCommit: ((projid: number) => void) | undefined;
  private reads = 0;
  private writes = 0;
  private readonly lagging = new Map<number, { before: Project; remaining: number }>();

  constructor(...projects: Project[]) {
    for (const p of projects) this.projects.set(p.projid, structuredClone(p));
  }

  /** The options of each read, in order (whether it asked the client to retry). */
  readonly readOptions: ({ retry?: boolean } | undefined)[] = [];

  getProjects(ids: readonly number[], _onProgress?: unknown, options?: { retry?: boolean }): Promise<Project[]> {
    this.readOptions.push(options);
    this.reads++;
    this.log.push(`read ${ids.join(',')}`);
    const fault = this.readFault(this.reads);
    if (fault !== undefined) return Promise.reject(fault);
    const out: Project[] = [];
    for (const id of ids) {
      const lag = this.lagging.get(id);
      if (lag !== undefined && lag.remaining > 0) {
        lag.remaining--;
        out.push(structuredClone(lag.before));
        continue;
      }
      const project = this.projects.get(id);
      if (project !== undefined) out.push(structuredClone(project));
    }
    return Promise.resolve(out);
  }

  updateProject(id: number, body: Project): Promise<void> {
    this.writes++;
    this.log.push(`PUT ${id}`);
    const fault = this.writeFault(this.writes);
    if (fault === undefined || fault.commit === true) this.commit(id, body);
    return fault === undefined ? Promise.resolve() : Promise.reject(fault.error);
  }

  /** Another writer changes the project (the test's colleague). */
  edit(id: number, change: (p: Project) => void): void {
    const project = this.projects.get(id);
    if (project === undefined) throw new Error(`no project ${id}`);
    change(project);
  }

  private commit(id: number, body: Project): void {
    const before = this.projects.get(id);
    if (before !== undefined && this.lagReads > 0) this.lagging.set(id, { before, remaining: this.lagReads });
    this.projects.set(id, structuredClone(body));
    this.committed.push(structuredClone(body));
    this.afterCommit?.(id);
  }
}

/** A journal that logs its lines into the client's log (or fails when told to). */
export class ScriptedJournal implements JournalWriter {
  readonly intents: JournalChange[] = [];
  readonly changes: JournalChange[] = [];
  readonly withdrawn: JournalChange[] = [];
  outcome: RunOutcome | undefined;
  failIntent = false;
  failRecord = false;
  readonly filepath = '/journal/test.jsonl';
  readonly runId = 'test-run';

  constructor(private readonly log: string[]) {}

  open(): Promise<void> {
    this.log.push('journal open');
    return Promise.resolve();
  }
  intend(change: JournalChange): Promise<void> {
    if (this.failIntent) return Promise.reject(new Error('ENOSPC: no space left on device'));
    this.intents.push(change);
    this.log.push(`intent ${change.projid} ${change.userId} ${change.before ?? 'none'}->${change.after ?? 'none'}`);
    return Promise.resolve();
  }
  record(change: JournalChange): Promise<void> {
    if (this.failRecord) return Promise.reject(new Error('EIO: i/o error'));
    this.changes.push(change);
    this.log.push(`change ${change.projid} ${change.userId} ${change.before ?? 'none'}->${change.after ?? 'none'}`);
    return Promise.resolve();
  }
  notLanded(change: JournalChange): Promise<void> {
    if (this.failRecord) return Promise.reject(new Error('EIO: i/o error'));
    this.withdrawn.push(change);
    this.log.push(`not landed ${change.projid} ${change.userId} ${change.before ?? 'none'}->${change.after ?? 'none'}`);
    return Promise.resolve();
  }
  finish(outcome: RunOutcome): Promise<void> {
    this.outcome = outcome;
    return Promise.resolve();
  }
}
