import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MinUser } from '../../src/api/schemas.js';
import { InputError } from '../../src/errors.js';
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
import { listJournals, parseJournal, readJournal, runUsers, undoneRuns } from '../../src/store/journal-read.js';
import type { Plan } from '../../src/plan/model.js';
import { planEntry } from '../../src/plan/planner.js';
import { ScriptedEcoTaxa } from '../support/scripted-client.js';
import { caught } from '../support/caught.js';
import { CALLER, OTHER, USER, project } from '../support/factory.js';

/** Run ids as the tool writes them: a journal with any other is not read. */
const R0 = '20261127T090000000Z-000000';
const R1 = '20261127T100000000Z-111111';
const R2 = '20261127T110000000Z-222222';
const RA = '20261127T100000000Z-aaaaaa';
const RB = '20261127T110000000Z-bbbbbb';

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

describe('parseJournal', () => {
  const line = (o: object): string => `${JSON.stringify(o)}\n`;
  const run = {
    type: 'run',
    version: 1,
    runId: R1,
    startedAt: '2026-11-27T10:00:00.000Z',
    server: RUN.server,
    caller: CALLER,
    user: USER,
    command: 'grant 101',
  };
  const change = {
    runId: R1,
    time: '2026-11-27T10:00:01.000Z',
    projid: 101,
    title: 'P',
    before: null,
    after: 'View',
  };

  it("reads lines written before runs named each change's user (the run's user then)", () => {
    const j = parseJournal(line(run) + line({ type: 'change', ...change }), 'old.jsonl');
    expect(j.changes).toEqual([{ type: 'change', ...change, userId: USER.id }]);
  });

  it('keeps intents without a change as writes whose outcome is unknown', () => {
    const j = parseJournal(
      line(run) +
        line({ type: 'intent', ...change }) +
        line({ type: 'change', ...change }) +
        line({ type: 'intent', ...change, projid: 102 }),
      'j.jsonl',
    );
    expect(j.unknown.map((l) => l.projid)).toEqual([102]);
  });

  it('drops an intent withdrawn by a line saying it did not land, and only the latest one before it', () => {
    const j = parseJournal(
      line(run) +
        // 101: a write whose answer was lost, then one refused: the first stays unknown.
        line({ type: 'intent', ...change }) +
        line({ type: 'intent', ...change }) +
        line({ type: 'intent', ...change, landed: false }) +
        // 102: refused, sent again, and landed.
        line({ type: 'intent', ...change, projid: 102 }) +
        line({ type: 'intent', ...change, projid: 102, landed: false }) +
        line({ type: 'intent', ...change, projid: 102 }) +
        line({ type: 'change', ...change, projid: 102 }) +
        // 103: this user's write never sent (Ctrl-C after its intent); another user's stays.
        line({ type: 'intent', ...change, projid: 103, userId: 42 }) +
        line({ type: 'intent', ...change, projid: 103 }) +
        line({ type: 'intent', ...change, projid: 103, landed: false }),
      'j.jsonl',
    );
    expect(j.unknown.map((l) => [l.projid, l.userId, l.time])).toEqual([
      [101, USER.id, change.time],
      [103, 42, change.time],
    ]);
    expect(j.changes.map((l) => l.projid)).toEqual([102]);
  });

  it('refuses "landed": false on anything but an intent, and any value but false', () => {
    for (const bad of [
      { type: 'change', ...change, landed: false },
      { type: 'intent', ...change, landed: true },
    ]) {
      const err = caught(() => parseJournal(line(run) + line(bad), 'bad.jsonl'));
      expect(err.message).toBe('the journal bad.jsonl is damaged at line 2');
    }
  });

  it('ignores a last line torn by a crash, and refuses a damaged one elsewhere', () => {
    expect(parseJournal(line(run) + '{"type":"cha', 'torn.jsonl').changes).toEqual([]);
    const err = caught(() => parseJournal(line(run) + '{oops}\n' + line({ type: 'change', ...change }), 'bad.jsonl'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('the journal bad.jsonl is damaged at line 2');
  });

  it('reads a run about several users, each change naming its user', () => {
    const multi = { ...run, user: undefined, users: [USER, CALLER] };
    const j = parseJournal(line(multi) + line({ type: 'change', ...change, userId: 42 }), 'sync.jsonl');
    expect(j.changes[0]?.userId).toBe(42);
  });

  it('refuses a run line that names no user', () => {
    const err = caught(() => parseJournal(line({ ...run, user: undefined }), 'nouser.jsonl'));
    expect(err.message).toBe('the journal nouser.jsonl is damaged at line 1');
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

describe('reading journals', () => {
  const line = (o: object): string => `${JSON.stringify(o)}\n`;
  const run = (runId: string, extra: object = {}) => ({
    type: 'run',
    version: 1,
    runId,
    startedAt: '2026-11-27T10:00:00.000Z',
    server: RUN.server,
    caller: CALLER,
    user: USER,
    command: 'grant 101',
    ...extra,
  });
  const change = {
    runId: R1,
    time: '2026-11-27T10:00:01.000Z',
    projid: 101,
    title: 'P',
    before: null,
    after: 'View',
  };
  let dir: string | undefined;
  afterEach(() => {
    vi.restoreAllMocks();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const scratch = (): string => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-journals-')));

  it('lists the journals of a directory oldest first, and nothing else in it', () => {
    const d = scratch();
    fs.writeFileSync(path.join(d, '20261127T110000000Z-bbbbbb.jsonl'), line(run(RB)));
    fs.writeFileSync(path.join(d, '20261127T100000000Z-aaaaaa.jsonl'), line(run(RA)));
    fs.writeFileSync(path.join(d, 'notes.txt'), 'not a journal');
    // Whatever order the file system lists them in.
    const listed = ['notes.txt', '20261127T110000000Z-bbbbbb.jsonl', '20261127T100000000Z-aaaaaa.jsonl'];
    vi.spyOn(fs, 'readdirSync').mockReturnValue(listed as unknown as ReturnType<typeof fs.readdirSync>);
    expect(listJournals(d).map((j) => [path.basename(j.filepath), j.run.runId])).toEqual([
      ['20261127T100000000Z-aaaaaa.jsonl', RA],
      ['20261127T110000000Z-bbbbbb.jsonl', RB],
    ]);
  });

  it('finds none where there is no directory yet', () => {
    expect(listJournals(path.join(os.tmpdir(), 'ecotaxa-access-no-such-dir', 'journal'))).toEqual([]);
  });

  it('refuses a damaged journal, or leaves it out and says so when asked to', () => {
    const d = scratch();
    fs.writeFileSync(path.join(d, 'a.jsonl'), line(run(RA)));
    fs.writeFileSync(path.join(d, 'b.jsonl'), '{oops}\n');
    expect(() => listJournals(d)).toThrow(`the journal ${path.join(d, 'b.jsonl')} is damaged at line 1`);
    const damaged: string[] = [];
    const read = listJournals(d, (file, error) => damaged.push(`${path.basename(file)}: ${error.message}`));
    expect(read.map((j) => j.run.runId)).toEqual([RA]);
    expect(damaged).toEqual([`b.jsonl: the journal ${path.join(d, 'b.jsonl')} is damaged at line 1`]);
  });

  it('names a journal it cannot read, and why', () => {
    const d = scratch();
    expect(() => readJournal(path.join(d, 'gone.jsonl'))).toThrow(
      `cannot read the journal ${path.join(d, 'gone.jsonl')}: no such file`,
    );
    expect(() => readJournal(d)).toThrow(`cannot read the journal ${d}: it is a directory`);
  });

  it('leaves out, and names, a FIFO or a link to /dev/zero named like a journal, without waiting or reading', () => {
    const d = scratch();
    fs.writeFileSync(path.join(d, `${RA}.jsonl`), line(run(RA)));
    execFileSync('mkfifo', [path.join(d, `${RB}.jsonl`)]);
    fs.symlinkSync('/dev/zero', path.join(d, 'zero.jsonl'));
    const skipped: string[] = [];
    // Even where a damaged journal would stop everything (undo): these are no journals.
    const read = listJournals(d, undefined, (file, error) => skipped.push(error.message));
    expect(read.map((j) => j.run.runId)).toEqual([RA]);
    expect(skipped).toEqual([
      `cannot read the journal ${path.join(d, `${RB}.jsonl`)}: it is a FIFO (named pipe), not a regular file`,
      `cannot read the journal ${path.join(d, 'zero.jsonl')}: it is a device, not a regular file`,
    ]);
  });

  it('leaves out a journal whose run id (or a run it undoes or finishes) is not one the tool writes', () => {
    const d = scratch();
    fs.writeFileSync(path.join(d, `${RA}.jsonl`), line(run(RA)));
    fs.writeFileSync(path.join(d, 'x.jsonl'), line(run('x$(touch pwned)')));
    fs.writeFileSync(path.join(d, 'y.jsonl'), line(run(RB, { undoes: [R0, '`id`'] })));
    fs.writeFileSync(path.join(d, 'z.jsonl'), line(run(R2, { continues: `${R1};reboot` })));
    const skipped: string[] = [];
    const read = listJournals(d, undefined, (file, error) => skipped.push(error.message));
    expect(read.map((j) => j.run.runId)).toEqual([RA]);
    expect(skipped).toEqual([
      `${path.join(d, 'x.jsonl')} is not a journal of ecotaxa-access (it has the run id "x$(touch pwned)", not one this tool writes)`,
      `${path.join(d, 'y.jsonl')} is not a journal of ecotaxa-access (it has the run id "\`id\`", not one this tool writes)`,
      `${path.join(d, 'z.jsonl')} is not a journal of ecotaxa-access (it has the run id "${R1};reboot", not one this tool writes)`,
    ]);
    // A change line with another run id is damage: that file came from this tool's format.
    fs.rmSync(d, { recursive: true });
    expect(() => parseJournal(line(run(R1)) + line({ type: 'change', ...change, runId: 'r1' }), 'c.jsonl')).toThrow(
      'the journal c.jsonl is damaged at line 2',
    );
  });

  it('refuses a journal larger than the bound, or not UTF-8, as damaged', () => {
    const d = scratch();
    const big = path.join(d, `${RA}.jsonl`);
    fs.writeFileSync(big, line(run(RA)));
    fs.truncateSync(big, 65 * 1024 * 1024);
    expect(() => listJournals(d)).toThrow(
      `cannot read the journal ${big}: it is 65 MiB, more than the 64 MiB this tool reads`,
    );
    fs.rmSync(big);
    const latin1 = path.join(d, `${RB}.jsonl`);
    fs.writeFileSync(latin1, Buffer.concat([Buffer.from(line(run(RB))), Buffer.from([0x7b, 0xe9, 0x7d, 0x0a])]));
    expect(() => listJournals(d)).toThrow(`cannot read the journal ${latin1}: line 2, column 2 is not UTF-8 text`);
  });

  it('refuses a file without a run line, a line that is null, and a change naming no user', () => {
    expect(() => parseJournal(line({ type: 'change', ...change }), 'x.jsonl')).toThrow(
      'x.jsonl is not an ecotaxa-access journal',
    );
    expect(() => parseJournal(line(run(R1)) + 'null\n', 'n.jsonl')).toThrow('the journal n.jsonl is damaged at line 2');
    const several = run(R1, { user: undefined, users: [USER, CALLER] });
    expect(() => parseJournal(line(several) + line({ type: 'change', ...change }), 's.jsonl')).toThrow(
      'the journal s.jsonl is damaged: a change names no user',
    );
  });

  it('reads back the contact a change set, and what a run undid (one run or several)', () => {
    const contact = {
      before: { id: OTHER.id, name: OTHER.name, email: OTHER.email },
      after: { id: CALLER.id, name: CALLER.name, email: CALLER.email },
    };
    const j = parseJournal(line(run(R1, { undoes: R0 })) + line({ type: 'change', ...change, contact }), 'c.jsonl');
    expect(j.changes[0]?.contact).toStrictEqual(contact);
    expect(undoneRuns(j.run)).toEqual([R0]);
    expect(undoneRuns(parseJournal(line(run(R2, { undoes: [R0, R1] })), 'u.jsonl').run)).toEqual([R0, R1]);
    expect(undoneRuns({ ...j.run, undoes: undefined })).toEqual([]);
  });

  it('knows the users of a run, one or several', () => {
    expect(runUsers(parseJournal(line(run(R1)), 'one.jsonl').run)).toEqual([USER]);
    const several = parseJournal(line(run(R2, { user: undefined, users: [USER, OTHER] })), 'two.jsonl');
    expect(runUsers(several.run)).toEqual([USER, OTHER]);
  });
});
