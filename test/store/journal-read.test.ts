import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.js';
import { listJournals, parseJournal, readJournal, runUsers, undoneRuns } from '../../src/store/journal-read.js';
import { caught } from '../support/caught.js';
import { CALLER, OTHER, USER } from '../support/factory.js';

/*
 * Reading journals back for undo, history and report: which writes landed, which may have, and
 * which files are refused or left out.
 */

/** Run ids as the tool writes them: a journal with any other is not read. */
const R0 = '20261127T090000000Z-000000';
const R1 = '20261127T100000000Z-111111';
const R2 = '20261127T110000000Z-222222';
const RA = '20261127T100000000Z-aaaaaa';
const RB = '20261127T110000000Z-bbbbbb';

const RUN = { server: 'http://127.0.0.1:9/api' };

/** A journal's line as the tool writes it: JSON, then a line end. */
const line = (o: object): string => `${JSON.stringify(o)}\n`;

/** A run line of Caller's `grant 101` for User, with `extra` fields. */
const runLine = (runId: string = R1, extra: object = {}) => ({
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

/** A change (or intent) line's fields: View given on project 101. */
const change = {
  runId: R1,
  time: '2026-11-27T10:00:01.000Z',
  projid: 101,
  title: 'P',
  before: null,
  after: 'View',
};

describe('parseJournal', () => {
  const run = runLine();

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

describe('reading journals', () => {
  const run = runLine;
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

  it('leaves out a journal gone before it is read (a dangling link), or no regular file, even with no one to tell', () => {
    const d = scratch();
    fs.writeFileSync(path.join(d, `${RA}.jsonl`), line(run(RA)));
    fs.symlinkSync(path.join(d, 'deleted'), path.join(d, `${RB}.jsonl`));
    fs.mkdirSync(path.join(d, 'dir.jsonl'));
    // undo: a damaged journal would stop everything; these are no journals, and nothing is said.
    expect(listJournals(d).map((j) => j.run.runId)).toEqual([RA]);
    const skipped: string[] = [];
    listJournals(d, undefined, (file, error) => skipped.push(error.message));
    expect(skipped).toEqual([
      `cannot read the journal ${path.join(d, `${RB}.jsonl`)}: no such file`,
      `cannot read the journal ${path.join(d, 'dir.jsonl')}: it is a directory`,
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
