import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  NotFoundError,
  PermissionDeniedError,
  TimeoutError,
  ValidationError,
} from '../../src/api/errors.js';
import type { MinUser, Project } from '../../src/api/schemas.js';
import {
  type PlannedWrite,
  type ProjectClient,
  type WriteContext,
  decideWrite,
  failureReason,
  planBaseline,
  plannedRights,
  readAfterConflict,
  readFresh,
  sameWritableState,
  settleLostWrite,
  showsWrite,
  writeOnce,
} from '../../src/apply/steps.js';
import { privilegeFingerprint } from '../../src/plan/fingerprint.js';
import type { Plan, PlanEntry, RightChange } from '../../src/plan/model.js';
import { planEntry } from '../../src/plan/planner.js';
import { ScriptedEcoTaxa, request } from '../support/scripted-client.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

const grantView = { action: 'grant', right: 'View' } as const satisfies RightChange;

function context(overrides: Partial<WriteContext> = {}, plan: Partial<Plan> = {}): WriteContext {
  return {
    plan: { caller: CALLER, user: USER, operation: grantView, ...plan },
    users: new Map<number, MinUser>([
      [USER.id, USER],
      [THIRD.id, THIRD],
    ]),
    strict: false,
    ...overrides,
  };
}

const ids = (members: readonly { id: number }[]): number[] => members.map((m) => m.id);

describe('readFresh', () => {
  it('returns the project as the server has it now', async () => {
    const client = new ScriptedEcoTaxa(project({ viewers: [OTHER] }));
    expect(await readFresh(client, 101)).toEqual({ kind: 'read', project: project({ viewers: [OTHER] }) });
    expect(client.log).toEqual(['read 101']);
  });

  it('returns undefined when the server no longer shows it to the caller', async () => {
    expect(await readFresh(new ScriptedEcoTaxa(), 101)).toEqual({ kind: 'read', project: undefined });
  });

  it('returns the error instead of throwing it', async () => {
    const client = new ScriptedEcoTaxa(project());
    const error = new TimeoutError(request('GET', '/projects'), 1000);
    client.readFault = () => error;
    expect(await readFresh(client, 101)).toEqual({ kind: 'error', error });
  });
});

describe('decideWrite', () => {
  it('builds the body with only the user moved, and remembers the state it replaces', () => {
    const fresh = project({ annotators: [OTHER] });
    const entry = planEntry(fresh, { caller: CALLER, user: USER }, grantView);
    const { settled, write } = decideWrite(context(), [entry], fresh, planBaseline);
    expect(settled).toEqual([]);
    expect(write?.body).toEqual({ ...fresh, viewers: [USER] });
    expect(write?.replaces).toBe(privilegeFingerprint(fresh));
    expect(write?.changes.map((c) => [c.user.id, c.from, c.to])).toEqual([[USER.id, null, 'View']]);
    expect(write?.contact).toBeUndefined();
  });

  it('settles without a write what needs none now (unchanged, skipped)', () => {
    const planned = project();
    const entry = planEntry(planned, { caller: CALLER, user: USER }, grantView);
    const already = project({ viewers: [USER] });
    expect(decideWrite(context(), [entry], already, planBaseline)).toEqual({
      settled: [
        {
          projid: 101,
          title: planned.title,
          userId: USER.id,
          outcome: 'unchanged',
          from: 'View',
          to: 'View',
          reason: 'already has View',
          drift: 'AqQua now has View (none in the plan)',
        },
      ],
      write: undefined,
    });
    const notMine = project({ managers: [OTHER], contact: OTHER });
    expect(decideWrite(context(), [entry], notMine, planBaseline).settled[0]).toMatchObject({
      outcome: 'skipped',
      reason: 'you are not a manager of this project',
    });
  });

  it('with --strict, skips a project whose rights changed since the plan, and writes nothing', () => {
    const planned = project();
    const entry = planEntry(planned, { caller: CALLER, user: USER }, grantView);
    const drifted = project({ annotators: [OTHER] });
    const { settled, write } = decideWrite(context({ strict: true }), [entry], drifted, planBaseline);
    expect(write).toBeUndefined();
    expect(settled).toEqual([
      {
        projid: 101,
        title: planned.title,
        userId: USER.id,
        outcome: 'skipped',
        from: null,
        to: null,
        reason: 'changed since the plan (--strict)',
        drift: 'other rights or the contact changed',
      },
    ]);
  });

  it('without --strict, decides a drifted project again and says how it moved', () => {
    const entry = planEntry(project(), { caller: CALLER, user: USER }, grantView);
    const drifted = project({ annotators: [OTHER] });
    const { write } = decideWrite(context(), [entry], drifted, planBaseline);
    expect(write?.body.annotators).toEqual([OTHER]);
    expect(write?.body.viewers).toEqual([USER]);
    expect(write?.changes[0]?.drift).toBe('other rights or the contact changed');
  });

  it('puts several users of one project in one body, each decided on the previous one', () => {
    const fresh = project({ viewers: [OTHER] });
    const entries: PlanEntry[] = [
      { ...planEntry(fresh, { caller: CALLER, user: USER }, grantView), user: USER },
      {
        ...planEntry(fresh, { caller: CALLER, user: THIRD }, { action: 'grant', right: 'Annotate' }),
        user: THIRD,
        operation: { action: 'grant', right: 'Annotate' },
        rule: 'rule 2',
      },
    ];
    const { write } = decideWrite(context(), entries, fresh, planBaseline);
    expect(ids(write?.body.viewers ?? [])).toEqual([OTHER.id, USER.id]);
    expect(ids(write?.body.annotators ?? [])).toEqual([THIRD.id]);
    expect(write?.changes.map((c) => [c.user.id, c.to, c.entry.rule])).toEqual([
      [USER.id, 'View', undefined],
      [THIRD.id, 'Annotate', 'rule 2'],
    ]);
  });

  it('makes the caller the contact when --fix-contact planned it, once for the whole write', () => {
    const legacy = project({ annotators: [OTHER], contact: OTHER });
    const entry = planEntry(legacy, { caller: CALLER, user: USER, fixContact: true }, grantView);
    const { write } = decideWrite(context({}, { fixContact: true }), [entry], legacy, planBaseline);
    expect(write?.body.contact).toEqual(CALLER);
    expect(write?.body.annotators).toEqual([OTHER]);
    expect(write?.contact).toEqual({
      from: { id: OTHER.id, name: OTHER.name, email: OTHER.email },
      to: { id: CALLER.id, name: CALLER.name, email: CALLER.email },
    });
  });

  it("never writes the caller's own right, even when an entry asks for it", () => {
    const fresh = project();
    const entry: PlanEntry = {
      ...planEntry(fresh, { caller: CALLER, user: USER }, grantView),
      user: { ...CALLER },
    };
    const ctx = context({ users: new Map([[CALLER.id, CALLER]]) });
    const { settled, write } = decideWrite(ctx, [entry], fresh, planBaseline);
    expect(write).toBeUndefined();
    expect(settled[0]).toMatchObject({ outcome: 'skipped', reason: /that is you/ });
  });

  it('measures drift against the state a lost write replaced, when given that baseline', () => {
    const entry = planEntry(project(), { caller: CALLER, user: USER }, grantView);
    const now = project({ annotators: [OTHER] });
    const replaced = privilegeFingerprint(now);
    const { write } = decideWrite(context(), [entry], now, { fingerprint: () => replaced, right: () => null });
    expect(write?.changes[0]?.drift).toBeUndefined();
  });
});

describe('writeOnce', () => {
  it('sends the body once and says whether it was answered', async () => {
    const client = new ScriptedEcoTaxa(project());
    const fresh = project();
    const entry = planEntry(fresh, { caller: CALLER, user: USER }, grantView);
    const write = decideWrite(context(), [entry], fresh, planBaseline).write;
    if (write === undefined) throw new Error('expected a write');
    expect(await writeOnce(client, write)).toEqual({ kind: 'written' });
    const error = new TimeoutError(request('PUT', '/projects/101'), 1000);
    client.writeFault = () => ({ error });
    expect(await writeOnce(client, write)).toEqual({ kind: 'failed', error });
    expect(client.log).toEqual(['PUT 101', 'PUT 101']);
  });
});

/** A sleep that only records how long it was asked to wait. */
const record =
  (sleeps: number[]) =>
  (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };

/** The project as read, and the write that grants USER View on it. */
function grantWrite(): { fresh: Project; write: PlannedWrite } {
  const fresh = project();
  const entry = planEntry(fresh, { caller: CALLER, user: USER }, grantView);
  const write = decideWrite(context(), [entry], fresh, planBaseline).write;
  if (write === undefined) throw new Error('expected a write');
  return { fresh, write };
}

describe('settleLostWrite', () => {
  // Built in each test (not when the suite is collected), so that a mutation run sees which test uses what.
  const WAITS = [1_000, 1_000, 1_000];

  it('finds a write that landed', async () => {
    const { write } = grantWrite();
    const client = new ScriptedEcoTaxa(write.body);
    const sleeps: number[] = [];
    const settled = await settleLostWrite(client, write, record(sleeps), WAITS);
    expect(settled.kind).toBe('landed');
    expect(sleeps).toEqual([]);
  });

  it('reads again through replica lag before concluding', async () => {
    const { fresh, write } = grantWrite();
    const client = new ScriptedEcoTaxa(fresh);
    client.lagReads = 2;
    await client.updateProject(101, write.body);
    const sleeps: number[] = [];
    const settled = await settleLostWrite(client, write, record(sleeps), WAITS);
    expect(settled.kind).toBe('landed');
    expect(sleeps).toEqual([1_000, 1_000]);
  });

  it('says "not landed" only after the state stayed exactly as it was for every wait', async () => {
    const { fresh, write } = grantWrite();
    const client = new ScriptedEcoTaxa(fresh);
    const sleeps: number[] = [];
    const settled = await settleLostWrite(client, write, record(sleeps), WAITS);
    expect(settled).toEqual({ kind: 'not-landed', project: fresh });
    expect(sleeps).toEqual(WAITS);
    expect(client.log).toEqual(['read 101', 'read 101', 'read 101', 'read 101']);
  });

  it('says "changed" at once when someone else changed the project', async () => {
    const { write } = grantWrite();
    const client = new ScriptedEcoTaxa(project({ annotators: [OTHER] }));
    const settled = await settleLostWrite(client, write, () => Promise.resolve(), WAITS);
    expect(settled.kind).toBe('changed');
  });

  it('says "gone" when the project is no longer shown, and passes read errors on', async () => {
    const { fresh, write } = grantWrite();
    expect(await settleLostWrite(new ScriptedEcoTaxa(), write, () => Promise.resolve(), WAITS)).toEqual({
      kind: 'gone',
    });
    const client = new ScriptedEcoTaxa(fresh);
    const error = new ConnectionError(request('GET', '/projects'), 'ECONNRESET', 'reset');
    client.readFault = () => error;
    expect(await settleLostWrite(client, write, () => Promise.resolve(), WAITS)).toEqual({ kind: 'error', error });
  });
});

describe('readFresh: only the project asked for', () => {
  it('takes an answer about another project for "not shown"', async () => {
    const client: ProjectClient = {
      getProjects: () => Promise.resolve([project({ projid: 202 })]),
      updateProject: () => Promise.reject(new Error('not called')),
    };
    expect(await readFresh(client, 101)).toEqual({ kind: 'read', project: undefined });
  });
});

describe('the plan as a baseline', () => {
  it("gives an entry's fingerprint, and the user's right when planned: before a change, or as it was", () => {
    const change = planEntry(project(), { caller: CALLER, user: USER }, grantView);
    const unchanged = planEntry(project({ viewers: [USER] }), { caller: CALLER, user: USER }, grantView);
    expect(planBaseline.fingerprint(change)).toBe(privilegeFingerprint(project()));
    expect(planBaseline.right(change)).toBeNull();
    expect(planBaseline.right(unchanged)).toBe('View');
    expect(plannedRights(change)).toEqual({ from: null, to: 'View' });
    expect(plannedRights(unchanged)).toEqual({ from: 'View', to: 'View' });
  });
});

describe('decideWrite: what it settles without a write', () => {
  it('an entry already as planned, on a project as planned: unchanged, no drift', () => {
    const fresh = project({ viewers: [USER] });
    const entry = planEntry(fresh, { caller: CALLER, user: USER }, grantView);
    expect(decideWrite(context(), [entry], fresh, planBaseline)).toStrictEqual({
      settled: [
        {
          projid: 101,
          title: fresh.title,
          userId: USER.id,
          outcome: 'unchanged',
          from: 'View',
          to: 'View',
          reason: 'already has View',
        },
      ],
      write: undefined,
    });
  });

  it('an entry planned without a fingerprint is not said to have drifted', () => {
    const entry = { ...planEntry(project(), { caller: CALLER, user: USER }, grantView), fingerprint: null };
    const write = decideWrite(context(), [entry], project({ annotators: [OTHER] }), planBaseline).write;
    expect(write?.changes[0]?.drift).toBeUndefined();
  });

  it('--strict writes a project that did not drift', () => {
    const fresh = project();
    const entry = planEntry(fresh, { caller: CALLER, user: USER }, grantView);
    expect(decideWrite(context({ strict: true }), [entry], fresh, planBaseline).write?.changes).toHaveLength(1);
  });

  it('refuses to go on with a user the run did not resolve (a bug)', () => {
    const entry = planEntry(project(), { caller: CALLER, user: USER }, grantView);
    expect(() => decideWrite(context({ users: new Map() }), [entry], project(), planBaseline)).toThrow(
      'internal error: user #10 of project 101 was not resolved',
    );
  });

  it('names the project as the plan did, even when renamed since', () => {
    const entry = planEntry(project(), { caller: CALLER, user: USER }, grantView);
    const renamed = project({ title: 'Kiel Fjord (renamed)' });
    const write = decideWrite(context(), [entry], renamed, planBaseline).write;
    expect(write?.title).toBe(project().title);
    expect(write?.body.title).toBe('Kiel Fjord (renamed)');
  });
});

describe('showsWrite', () => {
  it('is true only when every change of the write, and its contact, are on the project', () => {
    const fresh = project({ annotators: [OTHER], contact: OTHER });
    const entries: PlanEntry[] = [USER, THIRD].map((user) => ({
      ...planEntry(fresh, { caller: CALLER, user, fixContact: true }, grantView),
      user,
    }));
    const write = decideWrite(context({}, { fixContact: true }), entries, fresh, planBaseline).write;
    if (write === undefined) throw new Error('expected a write');
    expect(showsWrite(write.body, write)).toBe(true);
    expect(showsWrite({ ...write.body, viewers: [USER] }, write)).toBe(false);
    expect(showsWrite({ ...write.body, contact: OTHER }, write)).toBe(false);
    expect(showsWrite({ ...write.body, contact: null }, write)).toBe(false);
  });
});

describe('failureReason', () => {
  const put = request('PUT', '/projects/1');
  it.each([
    [
      '403',
      () => new PermissionDeniedError(put, "You can't do this."),
      'EcoTaxa refused: you are not allowed to change this project (403)',
    ],
    ['404', () => new NotFoundError(put, 'Not found.'), 'EcoTaxa has no such project any more (404)'],
    [
      '422',
      () => new ValidationError(put, 'Could not set Contact, the designated user is not in Managers list.'),
      'EcoTaxa refused the update: Could not set Contact, the designated user is not in Managers list.',
    ],
    ['anything else', () => new Error('socket went away'), 'socket went away'],
  ])('%s: says what EcoTaxa refused, in the words of the project', (_status, error, reason) => {
    expect(failureReason(error())).toBe(reason);
  });
});

describe('readFresh: retries', () => {
  it('asks the client for no retries of its own: the engine retries, giving its slot away meanwhile', async () => {
    const client = new ScriptedEcoTaxa(project());
    await readFresh(client, 101);
    expect(client.readOptions).toEqual([{ retry: false }]);
  });
});

describe('readAfterConflict', () => {
  const base = project();
  /** Reads in order, then the last one again. */
  function replica(...reads: (Project | undefined | Error)[]): ScriptedEcoTaxa {
    const client = new ScriptedEcoTaxa();
    let n = 0;
    client.getProjects = () => {
      const next = reads[Math.min(n++, reads.length - 1)];
      client.log.push('read');
      if (next instanceof Error) return Promise.reject(next);
      return Promise.resolve(next === undefined ? [] : [structuredClone(next)]);
    };
    return client;
  }
  const waits: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    waits.push(ms);
    return Promise.resolve();
  };

  it('reads again after each replica wait while the read still shows the state the lost write was built on', async () => {
    waits.length = 0;
    const winner = project({ annotators: [OTHER] });
    const client = replica(base, base, winner);
    expect(await readAfterConflict(client, 101, base, sleep, [100, 200, 300])).toEqual({
      kind: 'read',
      project: winner,
    });
    expect(waits).toEqual([100, 200]);
  });

  it('past the replica waits, the same state is the truth', async () => {
    waits.length = 0;
    const client = replica(base);
    expect(await readAfterConflict(client, 101, base, sleep, [100, 200])).toEqual({ kind: 'read', project: base });
    expect(waits).toEqual([100, 200]);
    expect(client.log).toEqual(['read', 'read', 'read']);
  });

  it('a counter that moved alone is the same state: still waits for the winner', async () => {
    waits.length = 0;
    const client = replica({ ...base, objcount: 99 }, project({ annotators: [OTHER] }));
    await readAfterConflict(client, 101, base, sleep, [100]);
    expect(waits).toEqual([100]);
  });

  it('a project gone, or a failed read, is returned at once', async () => {
    waits.length = 0;
    expect(await readAfterConflict(replica(undefined), 101, base, sleep, [100])).toEqual({
      kind: 'read',
      project: undefined,
    });
    const error = new TimeoutError(request('GET', '/projects'), 1000);
    expect(await readAfterConflict(replica(error), 101, base, sleep, [100])).toEqual({ kind: 'error', error });
    expect(waits).toEqual([]);
  });
});

describe('sameWritableState', () => {
  it.each([['objcount'], ['pctvalidated'], ['pctclassified'], ['highest_right']])(
    'ignores %s, which EcoTaxa keeps or computes per reader (an update does not write it)',
    (field) => {
      const a = project();
      expect(sameWritableState(a, { ...a, [field]: 'something else' })).toBe(true);
    },
  );

  it.each([['title'], ['status'], ['instrument'], ['contact'], ['viewers'], ['a field the tool does not know']])(
    'tells apart two reads that differ in %s',
    (field) => {
      const a = project();
      expect(sameWritableState(a, { ...a, [field]: 'something else' })).toBe(false);
    },
  );
});
