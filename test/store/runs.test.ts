import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { JournalFile } from '../../src/store/journal-read.js';
import {
  contactChanges,
  groupRuns,
  groupToContinue,
  groupsToUndo,
  undoTargets,
  undoneGroups,
} from '../../src/store/runs.js';
import { caught } from '../support/caught.js';
import { CALLER, OTHER, SERVER, USER, journalFile as journal } from '../support/factory.js';

describe('groupRuns', () => {
  it('groups a run that finished an interrupted one with it, and sums what they did', () => {
    const groups = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']], end: { interrupted: true, notStarted: 2 } }),
      journal('2-b', {
        changes: [
          [2, null, 'View'],
          [3, null, 'View'],
        ],
        continues: '1-a',
      }),
      journal('3-c', { command: 'revoke 9', changes: [[9, 'View', null]] }),
    ]);
    expect(groups.map((g) => [g.id, g.runs.length, g.counts.applied, g.counts.notStarted, g.complete])).toEqual([
      ['1-a', 2, 3, 0, true],
      ['3-c', 1, 1, 0, true],
    ]);
  });

  it('marks what a completed undo undid; an undo that did not complete does not count', () => {
    const groups = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']] }),
      journal('2-u', {
        command: 'undo 1-a',
        changes: [[1, 'View', null]],
        undoes: ['1-a'],
        end: { interrupted: true },
      }),
    ]);
    expect(groups[0]?.undoneBy).toBeUndefined();
    const done = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']] }),
      journal('2-u', { command: 'undo 1-a', changes: [[1, 'View', null]], undoes: ['1-a'] }),
    ]);
    expect(done[0]?.undoneBy).toBe('2-u');
  });

  it('counts a crashed run (no end line) as incomplete, its unanswered writes unconfirmed', () => {
    const [group] = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']], unknown: [[2, null, 'View']], end: null }),
    ]);
    expect(group).toMatchObject({ complete: false, counts: { applied: 1, unconfirmed: 1 } });
  });
});

describe('groupToContinue', () => {
  const run = { server: SERVER, callerId: CALLER.id, command: 'grant --all' };

  it('continues the latest group when it ran the same command and did not complete', () => {
    const groups = groupRuns([journal('1-a', { end: { interrupted: true } })]);
    expect(groupToContinue(groups, run)).toBe('1-a');
    expect(groupToContinue(groups, { ...run, command: 'grant 101' })).toBeUndefined();
    expect(groupToContinue(groups, { ...run, server: 'https://other/api' })).toBeUndefined();
  });

  it('does not continue a job about other users, even with the same command line', () => {
    const groups = groupRuns([journal('1-a', { end: { interrupted: true } })]);
    expect(groupToContinue(groups, { ...run, userIds: [USER.id] })).toBe('1-a');
    expect(groupToContinue(groups, { ...run, userIds: [OTHER.id] })).toBeUndefined();
  });

  it('starts a new group after one that completed, or after failures were finished', () => {
    expect(groupToContinue(groupRuns([journal('1-a')]), run)).toBeUndefined();
    const failedThenDone = groupRuns([journal('1-a', { end: { failed: 2 } }), journal('2-b', { continues: '1-a' })]);
    expect(groupToContinue(failedThenDone, run)).toBeUndefined();
  });
});

describe('groupsToUndo', () => {
  const options = { server: SERVER, callerId: CALLER.id, named: [] as string[], cwd: '/home/o', dir: '/j' };

  it('takes the latest group not undone yet, skipping undos and runs that changed nothing', () => {
    const groups = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']] }),
      journal('2-b', { changes: [[2, null, 'View']] }),
      journal('3-u', { command: 'undo 2-b', changes: [[2, 'View', null]], undoes: ['2-b'] }),
      journal('4-c', { command: 'grant 5' }),
    ]);
    expect(groupsToUndo(groups, options).map((g) => g.id)).toEqual(['1-a']);
  });

  it("never takes another caller's or another server's run by default", () => {
    const groups = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']], caller: OTHER }),
      journal('2-b', { changes: [[1, null, 'View']], server: 'https://other/api' }),
    ]);
    const err = caught(() => groupsToUndo(groups, options));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(
      `no run to undo: no change on ${SERVER} by you that is not undone yet (\`ecotaxa-access history\` lists the runs)`,
    );
  });

  it('finds named runs by id (any run of a group) or journal path, each group once', () => {
    const groups = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']], end: { interrupted: true } }),
      journal('2-b', { changes: [[2, null, 'View']], continues: '1-a' }),
      journal('3-c', { changes: [[3, null, 'View']] }),
    ]);
    expect(groupsToUndo(groups, { ...options, named: ['2-b', '1-a', '/j/3-c.jsonl'] }).map((g) => g.id)).toEqual([
      '1-a',
      '3-c',
    ]);
    expect(caught(() => groupsToUndo(groups, { ...options, named: ['9-z'] })).message).toBe(
      'no run 9-z in /j: `ecotaxa-access history` lists the runs (give a run id or a journal file)',
    );
  });
});

describe('undoneGroups', () => {
  it('a group is undone by a completed undo, and in effect again once that undo is undone (a redo)', () => {
    const grant = journal('1-a', { changes: [[1, null, 'View']] });
    const undo = journal('2-u', { command: 'undo 1-a', changes: [[1, 'View', null]], undoes: ['1-a'] });
    const redo = journal('3-r', { command: 'undo 2-u', changes: [[1, null, 'View']], undoes: ['2-u'] });
    const again = journal('4-u', { command: 'undo 1-a', changes: [[1, 'View', null]], undoes: ['1-a'] });
    expect([...undoneGroups(groupRuns([grant, undo]))]).toEqual(['1-a']);
    expect([...undoneGroups(groupRuns([grant, undo, redo]))]).toEqual(['2-u']);
    expect([...undoneGroups(groupRuns([grant, undo, redo, again]))].sort()).toEqual(['1-a', '2-u']);
  });

  it('after a redo, a bare undo takes the redone group again', () => {
    const groups = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']] }),
      journal('2-u', { command: 'undo 1-a', changes: [[1, 'View', null]], undoes: ['1-a'] }),
      journal('3-r', { command: 'undo 2-u', changes: [[1, null, 'View']], undoes: ['2-u'] }),
    ]);
    const options = { server: SERVER, callerId: CALLER.id, named: [] as string[], cwd: '/home/o', dir: '/j' };
    expect(groupsToUndo(groups, options).map((g) => g.id)).toEqual(['1-a']);
  });
});

describe('undoTargets', () => {
  it('puts each project back to what the first run found, from what the last run left', () => {
    const groups = groupRuns([
      journal('1-a', {
        changes: [
          [1, null, 'View'],
          [2, 'View', 'Annotate'],
        ],
        end: { interrupted: true },
      }),
      journal('2-b', {
        changes: [
          [1, 'View', 'Annotate'],
          [3, null, 'View'],
        ],
        continues: '1-a',
      }),
    ]);
    expect(undoTargets(groups).map((t) => [t.projid, t.from, t.to])).toEqual([
      [1, 'Annotate', null],
      [2, 'Annotate', 'View'],
      [3, 'View', null],
    ]);
  });

  it('includes writes whose outcome the run never learned', () => {
    const groups = groupRuns([journal('1-a', { unknown: [[7, null, 'View']], end: null })]);
    expect(undoTargets(groups).map((t) => [t.projid, t.from, t.to])).toEqual([[7, 'View', null]]);
  });
});

describe('contactChanges', () => {
  it('lists projects whose contact a run set', () => {
    // probe
    const j = journal('1-a', { changes: [[1, null, 'View']] });
    const [first] = j.changes;
    if (first === undefined) throw new Error('no change');
    first.contact = { before: null, after: { id: CALLER.id, name: CALLER.name, email: CALLER.email } };
    expect(contactChanges(groupRuns([j]))).toEqual([{ projid: 1, title: 'P1' }]);
  });
});

describe('groupRuns: what a group counts', () => {
  it.each([
    ['it was stopped', { stopped: 'the journal could not be written' }],
    ['a project failed', { failed: 1 }],
    ['a write is unconfirmed', { unconfirmed: 1 }],
    ['a project was not started', { notStarted: 1 }],
    ['it was interrupted', { interrupted: true }],
  ])('is incomplete when %s', (_why, end) => {
    expect(groupRuns([journal('1-a', { changes: [[1, null, 'View']], end })])[0]?.complete).toBe(false);
  });

  it('takes failures and skips from the end line, and nothing but landed changes from a crashed run', () => {
    const [ended] = groupRuns([journal('1-a', { changes: [[1, null, 'View']], end: { failed: 2, skipped: 3 } })]);
    expect(ended?.counts).toEqual({ applied: 1, failed: 2, skipped: 3, unconfirmed: 0, notStarted: 0 });
    const [crashed] = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']], unknown: [[2, null, 'View']], end: null }),
    ]);
    expect(crashed?.counts).toEqual({ applied: 1, failed: 0, skipped: 0, unconfirmed: 1, notStarted: 0 });
  });

  it('trusts the end line over unanswered intents when the run ended', () => {
    const [group] = groupRuns([journal('1-a', { unknown: [[2, null, 'View']], end: {} })]);
    expect(group?.counts.unconfirmed).toBe(0);
  });

  it('survives an undo of a run whose journal is gone', () => {
    const groups = groupRuns([journal('2-u', { command: 'undo 1-a', changes: [[1, 'View', null]], undoes: ['1-a'] })]);
    expect(groups.map((g) => [g.id, g.undoneBy])).toEqual([['2-u', undefined]]);
    expect([...undoneGroups(groups)]).toEqual([]);
  });
});

describe('undoneGroups: damaged journals', () => {
  it('ends on undos that name each other (a loop no real run can make)', () => {
    const a = journal('1-a', { command: 'undo 2-b', changes: [[1, null, 'View']], undoes: ['2-b'] });
    const b = journal('2-b', { command: 'undo 1-a', changes: [[1, 'View', null]], undoes: ['1-a'] });
    expect(() => undoneGroups(groupRuns([a, b]))).not.toThrow();
  });
});

describe('groupToContinue: whose job', () => {
  const run = { server: SERVER, callerId: CALLER.id, command: 'grant --all' };

  it("never continues another caller's job", () => {
    const groups = groupRuns([journal('1-a', { end: { interrupted: true }, caller: OTHER })]);
    expect(groupToContinue(groups, run)).toBeUndefined();
  });

  it('compares the users as a set, whatever their order or repeats', () => {
    const several = (id: string, users: number[]): JournalFile => {
      const j = journal(id, { end: { interrupted: true } });
      return { ...j, run: { ...j.run, user: undefined, users: users.map((n) => ({ ...USER, id: n })) } };
    };
    const groups = groupRuns([several('1-a', [12, 3, 1])]);
    expect(groupToContinue(groups, { ...run, userIds: [1, 3, 12, 3] })).toBe('1-a');
    expect(groupToContinue(groupRuns([several('1-a', [12, 34])]), { ...run, userIds: [1, 234] })).toBeUndefined();
    expect(groupToContinue(groupRuns([several('1-a', [10, 2])]), { ...run, userIds: [2, 10] })).toBe('1-a');
  });
});

describe('groupsToUndo: which group', () => {
  const options = { server: SERVER, callerId: CALLER.id, named: [] as string[], cwd: '/home/o', dir: '/j' };

  it('takes the most recent of the groups that can be undone', () => {
    const groups = groupRuns([
      journal('1-a', { changes: [[1, null, 'View']] }),
      journal('2-b', { changes: [[2, null, 'View']] }),
    ]);
    expect(groupsToUndo(groups, options).map((g) => g.id)).toEqual(['2-b']);
  });

  it('takes a group whose first run changed nothing but a later one did', () => {
    const groups = groupRuns([
      journal('1-a', { end: { interrupted: true, notStarted: 1 } }),
      journal('2-b', { changes: [[2, null, 'View']], continues: '1-a' }),
    ]);
    expect(groupsToUndo(groups, options).map((g) => g.id)).toEqual(['1-a']);
  });

  it('takes a crashed run whose only writes never got an answer', () => {
    const groups = groupRuns([journal('1-a', { unknown: [[7, null, 'View']], end: null })]);
    expect(groupsToUndo(groups, options).map((g) => g.id)).toEqual(['1-a']);
  });

  it('finds a journal named by its file name alone, in the current directory', () => {
    const groups = groupRuns([journal('1-a', { changes: [[1, null, 'View']] })]);
    expect(groupsToUndo(groups, { ...options, cwd: '/j', named: ['1-a.jsonl'] }).map((g) => g.id)).toEqual(['1-a']);
  });
});

describe('undoTargets: order', () => {
  it('follows the runs in the order they ran, whatever order the groups are given in', () => {
    const older = journal('1-a', { changes: [[1, null, 'View']] });
    const newer = journal('2-b', { changes: [[1, 'View', 'Annotate']] });
    for (const groups of [groupRuns([older, newer]), groupRuns([older, newer]).reverse()]) {
      expect(undoTargets(groups).map((t) => [t.projid, t.from, t.to])).toEqual([[1, 'Annotate', null]]);
    }
  });

  it('lists the targets by project, then by user', () => {
    const j = journal('1-a', {
      changes: [
        [12, null, 'View'],
        [3, null, 'View'],
      ],
    });
    const [first, second] = j.changes;
    if (first === undefined || second === undefined) throw new Error('no changes');
    const withOther = { ...j, changes: [first, { ...second, userId: OTHER.id }, second, { ...first, projid: 11 }] };
    expect(undoTargets(groupRuns([withOther])).map((t) => [t.projid, t.userId])).toEqual([
      [3, USER.id],
      [3, OTHER.id],
      [11, USER.id],
      [12, USER.id],
    ]);
  });
});

describe('contactChanges: only those', () => {
  it('leaves out projects whose contact no run set', () => {
    const j = journal('1-a', {
      changes: [
        [1, null, 'View'],
        [2, null, 'View'],
      ],
    });
    const [, second] = j.changes;
    if (second === undefined) throw new Error('no change');
    second.contact = { before: null, after: { id: CALLER.id, name: CALLER.name, email: CALLER.email } };
    expect(contactChanges(groupRuns([j]))).toEqual([{ projid: 2, title: 'P2' }]);
  });
});
