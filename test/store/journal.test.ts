import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MinUser } from '../../src/api/schemas.js';
import { applyPlan } from '../../src/apply/run.js';
import { fixedLimit } from '../../src/apply/concurrency-limit.js';
import {
  FileJournal,
  type JournalFileSystem,
  type RunInfo,
  newRunId,
  noJournal,
  nodeJournalFileSystem,
} from '../../src/store/journal.js';
import { parseJournal } from '../../src/store/journal-read.js';
import type { Plan } from '../../src/plan/model.js';
import { planEntry } from '../../src/plan/planner.js';
import { ScriptedEcoTaxa } from '../support/scripted-client.js';
import { CALLER, OTHER, USER, project } from '../support/factory.js';

/** A run id as the tool writes it. */
const R1 = '20261127T100000000Z-111111';

/** A file system that logs what the journal does, into a log the test shares with the client. */
function loggingFs(log: string[], files = new Map<string, string>()): JournalFileSystem {
  return {
    mkdir: (dir) => {
      log.push(`mkdir ${dir}`);
      return Promise.resolve();
    },
    open: (file) => {
      log.push(`open ${file}`);
      files.set(file, files.get(file) ?? '');
      return Promise.resolve({
        write: (text: string) => {
          const types = text
            .trim()
            .split('\n')
            .map((l) => (JSON.parse(l) as { type: string }).type);
          log.push(`write ${types.join('+')}`);
          files.set(file, (files.get(file) ?? '') + text);
          return Promise.resolve();
        },
        sync: () => {
          log.push('fsync');
          return Promise.resolve();
        },
        close: () => {
          log.push('close');
          return Promise.resolve();
        },
      });
    },
  };
}

const RUN: RunInfo = { server: 'http://127.0.0.1:9/api', caller: CALLER, user: USER, command: 'grant 101' };
const clock = () => new Date('2026-11-27T10:00:00Z');

describe('FileJournal', () => {
  it('has its run line on disk (written and fsynced) before the first PUT, and each line before what it announces', async () => {
    const client = new ScriptedEcoTaxa(project());
    const files = new Map<string, string>();
    const journal = new FileJournal('/state/journal', R1, RUN, clock, loggingFs(client.log, files));
    await journal.open();
    const plan: Plan = {
      createdAt: clock(),
      server: RUN.server,
      caller: CALLER,
      user: USER,
      operation: { action: 'grant', right: 'View' },
      entries: [planEntry(project(), { caller: CALLER, user: USER }, { action: 'grant', right: 'View' })],
      notes: [],
    };
    await applyPlan({
      client,
      plan,
      users: new Map<number, MinUser>([[USER.id, USER]]),
      concurrency: fixedLimit(1),
      strict: false,
      journal,
      sleep: () => Promise.resolve(),
    });
    await journal.finish({ interrupted: false, applied: 1, failed: 0 });
    expect(client.log).toEqual([
      'mkdir /state/journal',
      `open /state/journal/${R1}.jsonl`,
      'write run',
      'fsync',
      'read 101',
      'write intent',
      'fsync',
      'PUT 101',
      'write change',
      'fsync',
      'read 101',
      'write end',
      'fsync',
      'close',
    ]);
    const parsed = parseJournal(files.get(`/state/journal/${R1}.jsonl`) ?? '', `${R1}.jsonl`);
    expect(parsed.changes.map((c) => [c.projid, c.userId, c.before, c.after])).toEqual([[101, USER.id, null, 'View']]);
    expect(parsed.unknown).toEqual([]);
    expect(parsed.end).toMatchObject({ applied: 1, failed: 0 });
  });

  it('writes lines that come together in one write and one fsync (group commit)', async () => {
    const log: string[] = [];
    const journal = new FileJournal('/j', 'run-2', RUN, clock, loggingFs(log));
    await journal.open();
    const change = { projid: 1, title: 'P1', userId: USER.id, before: null, after: 'View' as const };
    await Promise.all([
      journal.intend(change),
      journal.intend({ ...change, projid: 2 }),
      journal.intend({ ...change, projid: 3 }),
    ]);
    expect(log.slice(4)).toEqual(['write intent', 'fsync', 'write intent+intent', 'fsync']);
  });

  it('writes a line asked for the moment the previous batch is on disk (two users changed by one write)', async () => {
    const log: string[] = [];
    const journal = new FileJournal('/j', 'run-4', RUN, clock, loggingFs(log));
    await journal.open();
    const change = { projid: 1, title: 'P1', userId: USER.id, before: null, after: 'View' as const };
    // As apply does for a write that changes two users: each line awaited, the next asked at once.
    // A flush that had just found nothing left, but not yet said so, used to strand this line.
    let written = false;
    void journal
      .record(change)
      .then(() => journal.record({ ...change, userId: USER.id + 1 }))
      .then(() => (written = true));
    // This file system answers at once: every promise has settled by the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toBe(true);
    expect(log.slice(4)).toEqual(['write change', 'fsync', 'write change', 'fsync']);
  });

  it('refuses to start when its directory cannot be written, saying nothing was changed', async () => {
    const failing: JournalFileSystem = {
      mkdir: () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })),
      open: () => Promise.reject(new Error('not reached')),
    };
    const journal = new FileJournal('/root/j', 'run-3', RUN, clock, failing);
    await expect(journal.open()).rejects.toThrow(
      'cannot write the journal in /root/j (EACCES): nothing was changed; fix the directory or set XDG_STATE_HOME',
    );
  });
});

describe('the journal on the real file system', () => {
  let dir: string | undefined;
  afterEach(() => {
    vi.restoreAllMocks();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("fsyncs the file's own handle for each batch of lines, in a private directory and file", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-journal-'));
    const journalDir = path.join(dir, 'state', 'journal');
    // Every file handle opened is watched: what the file holds at each fsync, and its close.
    const synced: string[] = [];
    let closed = 0;
    const realOpen = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await realOpen(...args);
      const realSync = handle.sync.bind(handle);
      const realClose = handle.close.bind(handle);
      handle.sync = () => {
        synced.push(fs.readFileSync(path.join(journalDir, 'run-5.jsonl'), 'utf8'));
        return realSync();
      };
      handle.close = () => {
        closed++;
        return realClose();
      };
      return handle;
    });
    const journal = new FileJournal(journalDir, 'run-5', RUN, clock, nodeJournalFileSystem);
    await journal.open();
    await journal.intend({ projid: 1, title: 'P1', userId: USER.id, before: null, after: 'View' });
    await journal.finish({ interrupted: false, applied: 0, failed: 0 });
    // Each fsync saw its own line already written to the file: written, then synced.
    expect(
      synced.map((text) =>
        text
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { type: string }).type),
      ),
    ).toEqual([['run'], ['run', 'intent'], ['run', 'intent', 'end']]);
    // The file is closed once the run has ended.
    expect(closed).toBe(1);
    expect(fs.statSync(journalDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(journalDir, 'run-5.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('never writes into a file already there, nor through a link planted under the run’s name', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-journal-'));
    const file = path.join(dir, 'j.jsonl');
    fs.writeFileSync(file, 'one\n');
    await expect(nodeJournalFileSystem.open(file)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(fs.readFileSync(file, 'utf8')).toBe('one\n');
    const target = path.join(dir, 'target.txt');
    fs.writeFileSync(target, 'kept\n');
    fs.symlinkSync(target, path.join(dir, 'link.jsonl'));
    await expect(nodeJournalFileSystem.open(path.join(dir, 'link.jsonl'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(fs.readFileSync(target, 'utf8')).toBe('kept\n');
  });
});

describe('newRunId', () => {
  it('starts with the wall-clock time to the millisecond, so that names sort as runs started', () => {
    const id = newRunId(new Date('2026-11-27T10:00:00.123Z'));
    expect(id).toMatch(/^20261127T100000123Z-[0-9a-f]{6}$/);
    expect(newRunId(new Date('2026-11-27T10:00:00.123Z'))).not.toBe(id);
    expect(newRunId(new Date('2026-11-27T10:00:00.124Z')) > id).toBe(true);
  });
});

describe('FileJournal: lines and their fields', () => {
  function opened(run: RunInfo, files = new Map<string, string>()): { journal: FileJournal; text: () => string } {
    const log: string[] = [];
    const journal = new FileJournal('/j', 'run-7', run, clock, loggingFs(log, files));
    return { journal, text: () => files.get('/j/run-7.jsonl') ?? '' };
  }

  it('a run about several users names them all, with what it undoes and continues', async () => {
    const { journal, text } = opened({
      server: RUN.server,
      caller: CALLER,
      users: [USER, OTHER],
      command: 'undo r1 r2',
      undoes: ['r1', 'r2'],
      continues: 'r0',
    });
    await journal.open();
    expect(JSON.parse(text())).toStrictEqual({
      type: 'run',
      version: 1,
      runId: 'run-7',
      startedAt: '2026-11-27T10:00:00.000Z',
      server: RUN.server,
      caller: { id: CALLER.id, email: CALLER.email, name: CALLER.name, organisation: CALLER.organisation },
      users: [
        { id: USER.id, email: USER.email, name: USER.name, organisation: USER.organisation },
        { id: OTHER.id, email: OTHER.email, name: OTHER.name, organisation: null },
      ],
      command: 'undo r1 r2',
      undoes: ['r1', 'r2'],
      continues: 'r0',
    });
  });

  it('a run about one user names only it, and a person without organisation has null', async () => {
    const { journal, text } = opened({ ...RUN, user: { ...OTHER, organisation: undefined } });
    await journal.open();
    expect(JSON.parse(text())).toStrictEqual({
      type: 'run',
      version: 1,
      runId: 'run-7',
      startedAt: '2026-11-27T10:00:00.000Z',
      server: RUN.server,
      caller: { id: CALLER.id, email: CALLER.email, name: CALLER.name, organisation: CALLER.organisation },
      user: { id: OTHER.id, email: OTHER.email, name: OTHER.name, organisation: null },
      command: 'grant 101',
    });
  });

  it('a write that changed nothing is its intent again, marked as not landed', async () => {
    const { journal, text } = opened(RUN);
    await journal.open();
    await journal.notLanded({ projid: 101, title: 'P', userId: USER.id, before: null, after: 'View' });
    expect(JSON.parse(text().split('\n')[1] ?? '')).toStrictEqual({
      type: 'intent',
      runId: 'run-7',
      time: '2026-11-27T10:00:00.000Z',
      projid: 101,
      title: 'P',
      userId: USER.id,
      before: null,
      after: 'View',
      landed: false,
    });
  });

  it('opening twice writes one run line', async () => {
    const log: string[] = [];
    const journal = new FileJournal('/j', 'run-8', RUN, clock, loggingFs(log));
    await journal.open();
    await journal.open();
    expect(log).toEqual(['mkdir /j', 'open /j/run-8.jsonl', 'write run', 'fsync']);
  });

  it('finishing a journal never opened writes nothing', async () => {
    const log: string[] = [];
    const journal = new FileJournal('/j', 'run-9', RUN, clock, loggingFs(log));
    await journal.finish({ interrupted: false, applied: 0, failed: 0 });
    expect(log).toEqual([]);
  });

  it('a line after the end is refused: the journal is closed', async () => {
    const journal = new FileJournal('/j', 'run-10', RUN, clock, loggingFs([]));
    await journal.open();
    await journal.finish({ interrupted: false, applied: 0, failed: 0 });
    await expect(
      journal.record({ projid: 1, title: 'P1', userId: USER.id, before: null, after: 'View' }),
    ).rejects.toThrow('the journal is closed');
  });

  it('a write that fails rejects the lines it carried, with its error', async () => {
    const files: JournalFileSystem = {
      mkdir: () => Promise.resolve(),
      open: () =>
        Promise.resolve({
          write: (text: string) =>
            text.includes('"intent"') ? Promise.reject(new Error('ENOSPC: no space left')) : Promise.resolve(),
          sync: () => Promise.resolve(),
          close: () => Promise.resolve(),
        }),
    };
    const journal = new FileJournal('/j', 'run-11', RUN, clock, files);
    await journal.open();
    await expect(
      journal.intend({ projid: 1, title: 'P1', userId: USER.id, before: null, after: 'View' }),
    ).rejects.toThrow('ENOSPC: no space left');
  });

  it('a directory that cannot be made without an error code is named by its message', async () => {
    const failing: JournalFileSystem = {
      mkdir: () => Promise.reject(new Error('disk on fire')),
      open: () => Promise.reject(new Error('not reached')),
    };
    await expect(new FileJournal('/j', 'r', RUN, clock, failing).open()).rejects.toThrow(
      'cannot write the journal in /j (disk on fire): nothing was changed; fix the directory or set XDG_STATE_HOME',
    );
  });
});

describe('noJournal (--replay)', () => {
  it('takes every line and writes nothing anywhere', async () => {
    const change = { projid: 1, title: 'P1', userId: USER.id, before: null, after: 'View' as const };
    await noJournal.open();
    await noJournal.intend(change);
    await noJournal.record(change);
    await noJournal.notLanded(change);
    await noJournal.finish({ interrupted: false, applied: 1, failed: 0 });
    expect([noJournal.filepath, noJournal.runId]).toEqual([undefined, undefined]);
  });
});
