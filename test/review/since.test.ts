import { describe, expect, it } from 'vitest';
import type { JournalFile } from '../../src/store/journal-read.js';
import type { RightOrNone } from '../../src/plan/rights.js';
import { indexJournals, sinceOf } from '../../src/review/since.js';
import { CALLER, type JournalFileOptions, SERVER, USER, journalFile } from '../support/factory.js';

/*
 * Since when, and by which run, a user holds a right: the latest move our runs made of it,
 * when that move left what the server shows now.
 */

const by = { id: CALLER.id, name: CALLER.name, email: CALLER.email };

/** A journal of run `id`, started on the day of November its id begins with (ids sort as runs started). */
const journal = (
  id: string,
  { interrupted, ...options }: JournalFileOptions & { interrupted?: boolean } = {},
): JournalFile =>
  journalFile(id, {
    ...options,
    startedAt: `2026-11-${id.slice(0, 2)}T10:00:00.000Z`,
    end: { interrupted: interrupted === true },
  });

const since = (journals: JournalFile[], projid: number, current: RightOrNone, userId = USER.id) =>
  sinceOf(indexJournals(journals, SERVER), projid, userId, current);

const ran = (run: string, day: string, command = 'grant --all', confirmed = true) => ({
  kind: 'run',
  run,
  at: `2026-11-${day}T10:00:00.000Z`,
  command,
  by,
  confirmed,
});

describe('since when, and by which run', () => {
  it('a grant that landed: that run, when it wrote', () => {
    expect(since([journal('20-a', { changes: [[1, null, 'View']] })], 1, 'View')).toEqual(ran('20-a', '20'));
  });

  it('no journal line about this project and user: before the journals', () => {
    const journals = [journal('20-a', { changes: [[1, null, 'View']] })];
    expect(since(journals, 2, 'View')).toEqual({ kind: 'before-journals' });
    expect(since(journals, 1, 'View', 99)).toEqual({ kind: 'before-journals' });
    expect(since([], 1, 'View')).toEqual({ kind: 'before-journals' });
  });

  it('only this server’s runs count', () => {
    const elsewhere = journal('20-a', { changes: [[1, null, 'View']], server: 'https://other.example/api' });
    expect(since([elsewhere], 1, 'View')).toEqual({ kind: 'before-journals' });
  });

  it('revoked, then granted again: the later grant', () => {
    const journals = [
      journal('20-a', { changes: [[1, null, 'View']] }),
      journal('21-b', { command: 'revoke --all', changes: [[1, 'View', null]] }),
      journal('22-c', { command: 'grant 1', changes: [[1, null, 'View']] }),
    ];
    expect(since(journals, 1, 'View')).toEqual(ran('22-c', '22', 'grant 1'));
  });

  it('granted, undone, redone: the redo put it back, so it holds since the redo', () => {
    const journals = [
      journal('20-a', { changes: [[1, null, 'View']] }),
      journal('21-b', { command: 'undo 20-a', changes: [[1, 'View', null]], undoes: ['20-a'] }),
      journal('22-c', { command: 'undo 21-b', changes: [[1, null, 'View']], undoes: ['21-b'] }),
    ];
    expect(since(journals, 1, 'View')).toEqual(ran('22-c', '22', 'undo 21-b'));
  });

  it('granted, undone, then given again in the web UI: changed elsewhere, not the undone grant', () => {
    const journals = [
      journal('20-a', { changes: [[1, null, 'View']] }),
      journal('21-b', { command: 'undo 20-a', changes: [[1, 'View', null]], undoes: ['20-a'] }),
    ];
    expect(since(journals, 1, 'View')).toEqual({
      kind: 'elsewhere',
      lastRun: '21-b',
      lastAt: '2026-11-21T10:00:00.000Z',
    });
  });

  it('our run left View, the server shows Annotate: changed elsewhere', () => {
    const journals = [journal('20-a', { changes: [[1, null, 'View']] })];
    expect(since(journals, 1, 'Annotate')).toMatchObject({ kind: 'elsewhere', lastRun: '20-a' });
  });

  it('an interrupted run finished by a second one: both are named by the group’s id, each at its own time', () => {
    const journals = [
      journal('20-a', { changes: [[1, null, 'View']], interrupted: true }),
      journal('21-b', { changes: [[2, null, 'View']], continues: '20-a' }),
    ];
    expect(since(journals, 1, 'View')).toEqual(ran('20-a', '20'));
    expect(since(journals, 2, 'View')).toEqual(ran('20-a', '21'));
  });

  it('a write whose answer was lost, and whose result the project shows: that run, unconfirmed', () => {
    const journals = [journal('20-a', { unknown: [[1, null, 'View']], interrupted: true })];
    expect(since(journals, 1, 'View')).toEqual(ran('20-a', '20', 'grant --all', false));
  });

  it('a lost write the project does not show did not land: the move before it counts', () => {
    const journals = [
      journal('20-a', { changes: [[1, null, 'View']] }),
      journal('21-b', { command: 'revoke --all', unknown: [[1, 'View', null]], interrupted: true }),
    ];
    expect(since(journals, 1, 'View')).toEqual(ran('20-a', '20'));
  });

  it('only lost writes, none showing: before the journals when the right is what they found, else elsewhere', () => {
    const journals = [journal('20-a', { command: 'revoke --all', unknown: [[1, 'View', null]] })];
    expect(since(journals, 1, 'View')).toEqual({ kind: 'before-journals' });
    expect(since(journals, 1, 'Manage')).toMatchObject({ kind: 'elsewhere', lastRun: '20-a' });
  });

  it('orders runs by their ids (when they started), not by the order the files were given in', () => {
    const journals = [
      journal('22-c', { command: 'grant 1', changes: [[1, null, 'View']] }),
      journal('21-b', { command: 'revoke --all', changes: [[1, 'View', null]] }),
    ];
    expect(since(journals, 1, 'View')).toEqual(ran('22-c', '22', 'grant 1'));
  });
});
