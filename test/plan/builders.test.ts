import { describe, expect, it } from 'vitest';
import type { MinUser, Project } from '../../src/api/schemas.js';
import {
  type PlanOrigin,
  type RestorePlanInput,
  journaledUser,
  replannedPlan,
  restorePlan,
  selectionPlan,
  syncPlan,
} from '../../src/plan/builders.js';
import { privilegeFingerprint } from '../../src/plan/fingerprint.js';
import type { Plan, PlanEntry } from '../../src/plan/model.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

/*
 * The plan builders, on data as the commands read it: no server, no file. The commands'
 * tests (test/cli) check the same plans end to end.
 */

const INACTIVE_NOTE =
  "EcoTaxa rewrites all of a project's rights on every update: rights of inactive accounts, which the API never shows, are dropped by any update, this one included.";

function origin(): PlanOrigin {
  return { createdAt: new Date('2026-03-01T12:00:00.000Z'), server: 'http://127.0.0.1:8088/api', caller: CALLER };
}

const fp = (p: Project): string => privilegeFingerprint(p);

describe('selectionPlan', () => {
  it('decides each selected project, adds one entry per id not found, in id order, with the notes', () => {
    const kiel = project({ projid: 30, title: 'Kiel' });
    const boknis = project({ projid: 10, title: 'Boknis', viewers: [USER] });
    const plan = selectionPlan({
      origin: origin(),
      user: USER,
      operation: { action: 'grant', right: 'View' },
      fixContact: false,
      selected: { projects: [kiel, boknis], missing: [20], rangedMissing: 2, notManagedAdminProjects: 3 },
    });
    expect(plan).toStrictEqual({
      ...origin(),
      user: USER,
      operation: { action: 'grant', right: 'View' },
      entries: [
        {
          projid: 10,
          title: 'Boknis',
          fingerprint: fp(boknis),
          decision: { kind: 'unchanged', current: 'View', reason: 'already has View' },
        },
        {
          projid: 20,
          title: '',
          fingerprint: null,
          decision: { kind: 'skip', code: 'not-found', current: null, reason: 'not found, or you have no right on it' },
        },
        { projid: 30, title: 'Kiel', fingerprint: fp(kiel), decision: { kind: 'change', from: null, to: 'View' } },
      ],
      notes: [
        '3 project(s) you see as an administrator but do not manage were left out.',
        '2 id(s) in your ranges are not projects you can see; they are not listed.',
        INACTIVE_NOTE,
      ],
    });
  });

  it('with --fix-contact, marks the plan and makes the caller the contact of a legacy project', () => {
    const legacy = project({ contact: null });
    const plan = selectionPlan({
      origin: origin(),
      user: USER,
      operation: { action: 'revoke', right: 'View', anyRight: true },
      fixContact: true,
      selected: {
        projects: [{ ...legacy, viewers: [USER] }],
        missing: [],
        rangedMissing: 0,
        notManagedAdminProjects: 0,
      },
    });
    expect(plan.fixContact).toBe(true);
    expect(plan.entries.map((e) => e.decision)).toStrictEqual([
      {
        kind: 'change',
        from: 'View',
        to: null,
        contact: { from: null, to: { id: CALLER.id, name: CALLER.name, email: CALLER.email } },
      },
    ]);
  });

  it('without --fix-contact, has no fixContact key and no inactive-accounts note when nothing changes', () => {
    const plan = selectionPlan({
      origin: origin(),
      user: USER,
      operation: { action: 'grant', right: 'View' },
      fixContact: false,
      selected: { projects: [project({ viewers: [USER] })], missing: [], rangedMissing: 0, notManagedAdminProjects: 0 },
    });
    expect(Object.hasOwn(plan, 'fixContact')).toBe(false);
    expect(plan.notes).toStrictEqual([]);
  });
});

describe('restorePlan', () => {
  const kiel = project({ projid: 1, title: 'Kiel', viewers: [USER] });
  const gotland = project({ projid: 2, title: 'Gotland', viewers: [OTHER] });
  function input(overrides: Partial<RestorePlanInput> = {}): RestorePlanInput {
    return {
      origin: origin(),
      undone: [{ id: 'run-a', command: 'grant 1 2', runs: [{}] }],
      targets: [{ projid: 1, title: 'Kiel then', userId: USER.id, from: 'View', to: null }],
      users: new Map([[USER.id, USER]]),
      gone: new Map(),
      journaled: [USER],
      projects: [kiel],
      keptContacts: [],
      ...overrides,
    };
  }

  it('puts each project back to what the run found, on its current state', () => {
    expect(restorePlan(input())).toStrictEqual({
      ...origin(),
      user: USER,
      operation: { action: 'restore', journal: 'run-a' },
      entries: [
        {
          projid: 1,
          title: 'Kiel',
          fingerprint: fp(kiel),
          decision: { kind: 'change', from: 'View', to: null },
          restore: { from: 'View', to: null },
        },
      ],
      notes: ['Undoing grant 1 2 (run run-a).', INACTIVE_NOTE],
    });
  });

  it('leaves alone a project changed since the run, and says a project gone is not found', () => {
    const changed = project({ projid: 1, title: 'Kiel', annotators: [USER] });
    const plan = restorePlan(
      input({
        targets: [
          { projid: 1, title: 'Kiel', userId: USER.id, from: 'View', to: null },
          { projid: 3, title: 'Gone', userId: USER.id, from: 'View', to: null },
        ],
        projects: [changed],
      }),
    );
    expect(plan.entries.map((e) => [e.projid, e.title, e.decision])).toStrictEqual([
      [
        1,
        'Kiel',
        {
          kind: 'skip',
          code: 'drift',
          current: 'Annotate',
          reason: 'changed since that run: now Annotate, the run left View; left alone',
        },
      ],
      [3, 'Gone', { kind: 'skip', code: 'not-found', current: null, reason: 'not found, or you have no right on it' }],
    ]);
    expect(plan.entries[1]?.restore).toStrictEqual({ from: 'View', to: null });
  });

  it("skips the projects of a user who cannot be given a right back, naming each entry's user when there are several", () => {
    const plan = restorePlan(
      input({
        undone: [
          { id: 'run-a', command: 'sync a.yaml', runs: [{}, {}] },
          { id: 'run-b', command: 'grant 2', runs: [{}] },
        ],
        targets: [
          { projid: 1, title: 'Kiel', userId: USER.id, from: 'View', to: null },
          { projid: 2, title: 'Gotland then', userId: OTHER.id, from: 'View', to: null },
          { projid: 9, title: 'Nine', userId: THIRD.id, from: 'Annotate', to: null },
        ],
        gone: new Map([
          [OTHER.id, 'the user of that run, Carl, has an inactive account now'],
          [THIRD.id, `the user of that run, #${THIRD.id}, no longer exists`],
        ]),
        journaled: [USER, { id: OTHER.id, name: 'Carl as journaled', email: 'carl@example.org' }],
        projects: [kiel, gotland],
        keptContacts: [{ projid: 2 }, { projid: 9 }],
      }),
    );
    expect(plan.operation).toStrictEqual({ action: 'restore', journal: 'run-a,run-b' });
    expect(plan.user).toBe(USER);
    expect(plan.entries.slice(1)).toStrictEqual([
      {
        projid: 2,
        title: 'Gotland',
        fingerprint: fp(gotland),
        decision: {
          kind: 'skip',
          code: 'inactive-user',
          current: null,
          reason: 'the user of that run, Carl, has an inactive account now',
        },
        restore: { from: 'View', to: null },
        user: { id: OTHER.id, name: 'Carl as journaled', email: 'carl@example.org' },
      },
      {
        projid: 9,
        title: 'Nine',
        fingerprint: null,
        decision: {
          kind: 'skip',
          code: 'inactive-user',
          current: null,
          reason: `the user of that run, #${THIRD.id}, no longer exists`,
        },
        restore: { from: 'Annotate', to: null },
        user: { id: THIRD.id, name: `#${THIRD.id}`, email: '' },
      },
    ]);
    expect(plan.entries[0]?.user).toBe(USER);
    expect(plan.notes).toStrictEqual([
      'Undoing sync a.yaml (run run-a, 2 runs); grant 2 (run run-b).',
      'The contact set by --fix-contact stays on 2, 9: EcoTaxa cannot update a project without a valid contact.',
      INACTIVE_NOTE,
    ]);
  });
});

describe('journaledUser', () => {
  it('is the first the journals name, else the id alone', () => {
    const named = [USER, { ...USER, name: 'AqQua later' }];
    expect(journaledUser(named, USER.id)).toBe(USER);
    expect(journaledUser(named, 77)).toStrictEqual({ id: 77, name: '#77', email: '' });
  });
});

describe('replannedPlan', () => {
  const before = project({ projid: 1, title: 'Kiel' });
  const entry = (overrides: Partial<PlanEntry> = {}): PlanEntry => ({
    projid: 1,
    title: 'Kiel',
    fingerprint: fp(before),
    decision: { kind: 'change', from: null, to: 'View' },
    ...overrides,
  });
  function saved(entries: PlanEntry[], overrides: Partial<Plan> = {}): Plan {
    return {
      createdAt: new Date('2026-02-01T00:00:00.000Z'),
      server: 'http://127.0.0.1:8088/api',
      caller: { id: CALLER.id, name: 'Olivia as saved', email: CALLER.email },
      user: { id: USER.id, name: 'AqQua as saved', email: USER.email },
      operation: { action: 'grant', right: 'View' },
      entries,
      notes: ['an old note'],
      ...overrides,
    };
  }
  const users = new Map<number, MinUser>([
    [USER.id, USER],
    [OTHER.id, OTHER],
  ]);
  const NOW = new Date('2026-03-01T00:00:00.000Z');

  it('decides again on the projects as they are, with the users as EcoTaxa has them, and new notes', () => {
    const plan = saved([entry()]);
    const fresh = replannedPlan({ saved: plan, caller: CALLER, users, projects: [before], strict: false, now: NOW });
    expect(fresh).toStrictEqual({
      plan: { ...plan, createdAt: NOW, user: USER, entries: [entry()], notes: [INACTIVE_NOTE] },
      driftLines: [],
    });
  });

  it('says how a project drifted, and decides it again on what is there now', () => {
    const renamed = project({ projid: 1, title: 'Kiel (renamed)', annotators: [USER] });
    const { plan, driftLines } = replannedPlan({
      saved: saved([entry()]),
      caller: CALLER,
      users,
      projects: [renamed],
      strict: false,
      now: NOW,
    });
    expect(driftLines).toStrictEqual([`1 Kiel (renamed): ${USER.name} now has Annotate (none in the plan)`]);
    expect(plan.entries).toStrictEqual([
      {
        projid: 1,
        title: 'Kiel (renamed)',
        fingerprint: fp(renamed),
        decision: {
          kind: 'unchanged',
          current: 'Annotate',
          reason: 'already has Annotate, higher than View (never downgraded)',
        },
      },
    ]);
  });

  it('with --strict, skips a drifted project instead', () => {
    const changed = project({ projid: 1, title: 'Kiel', annotators: [OTHER] });
    const { plan, driftLines } = replannedPlan({
      saved: saved([entry()]),
      caller: CALLER,
      users,
      projects: [changed],
      strict: true,
      now: NOW,
    });
    expect(driftLines).toStrictEqual(['1 Kiel: other rights or the contact changed; skipped (--strict)']);
    expect(plan.entries[0]?.decision).toStrictEqual({
      kind: 'skip',
      code: 'drift',
      current: null,
      reason: 'changed since the plan (--strict)',
    });
    expect(plan.notes).toStrictEqual([]);
  });

  it('keeps what each entry is about: its user, operation, rule and undo target', () => {
    const about = {
      user: { id: OTHER.id, name: 'Carl as saved', email: OTHER.email, organisation: null },
      operation: { action: 'revoke', right: 'View', anyRight: false } as const,
      rule: 'uvp',
    };
    const gotland = project({ projid: 2, title: 'Gotland', viewers: [OTHER] });
    const { plan } = replannedPlan({
      saved: saved(
        [
          entry({ ...about, projid: 2, title: 'Gotland', fingerprint: fp(gotland) }),
          entry({ ...about, projid: 3, title: 'Gone', fingerprint: 'f3' }),
        ],
        { operation: { action: 'sync', policy: 'a.yaml' } },
      ),
      caller: CALLER,
      users,
      projects: [gotland],
      strict: false,
      now: NOW,
    });
    expect(plan.entries).toStrictEqual([
      {
        projid: 2,
        title: 'Gotland',
        fingerprint: fp(gotland),
        decision: { kind: 'change', from: 'View', to: null },
        user: OTHER,
        operation: about.operation,
        rule: 'uvp',
      },
      {
        projid: 3,
        title: 'Gone',
        fingerprint: null,
        decision: { kind: 'skip', code: 'not-found', current: null, reason: 'not found, or you have no right on it' },
        user: OTHER,
        operation: about.operation,
        rule: 'uvp',
      },
    ]);
  });

  it('keeps the undo target of each entry of a saved undo plan, and decides it again from there', () => {
    const viewer = project({ projid: 1, title: 'Kiel', viewers: [USER] });
    const restore = { from: 'View', to: null } as const;
    const { plan } = replannedPlan({
      saved: saved(
        [entry({ fingerprint: fp(viewer), decision: { kind: 'change', from: 'View', to: null }, restore })],
        {
          operation: { action: 'restore', journal: 'run-a' },
        },
      ),
      caller: CALLER,
      users,
      projects: [viewer],
      strict: false,
      now: NOW,
    });
    expect(plan.entries).toStrictEqual([
      {
        projid: 1,
        title: 'Kiel',
        fingerprint: fp(viewer),
        decision: { kind: 'change', from: 'View', to: null },
        restore,
      },
    ]);
  });

  it('says a project is no longer visible, unless it was not found already; one found since has drifted', () => {
    const back = project({ projid: 2, title: 'Back' });
    const { plan, driftLines } = replannedPlan({
      saved: saved([
        entry({ projid: 1, title: 'Kiel' }),
        entry({ projid: 2, title: '', fingerprint: null }),
        entry({ projid: 3, title: 'Never seen', fingerprint: null }),
      ]),
      caller: CALLER,
      users,
      projects: [back],
      strict: false,
      now: NOW,
    });
    expect(driftLines).toStrictEqual([
      '1 Kiel: no longer visible to you',
      '2 Back: other rights or the contact changed',
    ]);
    expect(plan.entries.map((e) => [e.projid, e.title, e.fingerprint, e.decision.kind])).toStrictEqual([
      [1, 'Kiel', null, 'skip'],
      [2, 'Back', fp(back), 'change'],
      [3, 'Never seen', null, 'skip'],
    ]);
  });
});

describe('syncPlan', () => {
  it("is the policy's entries, about the first rule's user, with its notes before the tool's", () => {
    const entries: PlanEntry[] = [
      {
        projid: 1,
        title: 'Kiel',
        fingerprint: 'f1',
        decision: { kind: 'change', from: null, to: 'View' },
        user: OTHER,
        operation: { action: 'grant', right: 'View' },
        rule: 'uvp',
      },
    ];
    const plan = syncPlan({
      origin: origin(),
      policy: 'sharing.yaml',
      users: [OTHER, USER],
      planned: { entries, notes: ['uvp selects none of the projects you manage.'] },
      notManagedAdminProjects: 4,
    });
    expect(plan).toStrictEqual({
      ...origin(),
      user: OTHER,
      operation: { action: 'sync', policy: 'sharing.yaml' },
      entries,
      notes: [
        'uvp selects none of the projects you manage.',
        '4 project(s) you see as an administrator but do not manage were left out.',
        INACTIVE_NOTE,
      ],
    });
  });
});
