import { describe, expect, it } from 'vitest';
import type { MinUser } from '../../src/api/schemas.js';
import { InputError } from '../../src/errors.js';
import { applyPlan } from '../../src/plan/apply.js';
import { fixedLimit } from '../../src/plan/concurrency-limit.js';
import { FileJournal, type JournalFileSystem, type RunInfo, parseJournal } from '../../src/plan/journal.js';
import type { Plan } from '../../src/plan/plan-document.js';
import { planEntry } from '../../src/plan/planner.js';
import { ScriptedEcoTaxa } from '../support/scripted-client.js';
import { thrown } from '../support/thrown.js';
import { CALLER, USER, project } from './factory.js';

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
    const journal = new FileJournal('/state/journal', 'run-1', RUN, clock, loggingFs(client.log, files));
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
      'open /state/journal/run-1.jsonl',
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
    const parsed = parseJournal(files.get('/state/journal/run-1.jsonl') ?? '', 'run-1.jsonl');
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

describe('parseJournal', () => {
  const line = (o: object): string => `${JSON.stringify(o)}\n`;
  const run = {
    type: 'run',
    version: 1,
    runId: 'r1',
    startedAt: '2026-11-27T10:00:00.000Z',
    server: RUN.server,
    caller: CALLER,
    user: USER,
    command: 'grant 101',
  };
  const change = {
    runId: 'r1',
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

  it('ignores a last line torn by a crash, and refuses a damaged one elsewhere', () => {
    expect(parseJournal(line(run) + '{"type":"cha', 'torn.jsonl').changes).toEqual([]);
    const err = thrown(() => parseJournal(line(run) + '{oops}\n' + line({ type: 'change', ...change }), 'bad.jsonl'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('the journal bad.jsonl is damaged at line 2');
  });

  it('reads a run about several users, each change naming its user', () => {
    const multi = { ...run, user: undefined, users: [USER, CALLER] };
    const j = parseJournal(line(multi) + line({ type: 'change', ...change, userId: 42 }), 'sync.jsonl');
    expect(j.changes[0]?.userId).toBe(42);
  });

  it('refuses a run line that names no user', () => {
    const err = thrown(() => parseJournal(line({ ...run, user: undefined }), 'nouser.jsonl'));
    expect(err.message).toBe('the journal nouser.jsonl is damaged at line 1');
  });
});
