import { describe, expect, it } from 'vitest';
import type { Project } from '../../src/api/schemas.js';
import { summarize } from '../../src/plan/counts.js';
import type { Decision, EntryOperation } from '../../src/plan/model.js';
import { type PlanContext, decide, notFoundEntry, planEntry } from '../../src/plan/planner.js';
import { privilegeFingerprint } from '../../src/plan/fingerprint.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

const ctx: PlanContext = { caller: CALLER, user: USER };

const grantView: EntryOperation = { action: 'grant', right: 'View' };
const grantAnnotate: EntryOperation = { action: 'grant', right: 'Annotate' };
const grantManage: EntryOperation = { action: 'grant', right: 'Manage' };
const revokeView: EntryOperation = { action: 'revoke', right: 'View', anyRight: false };
const revokeViewAny: EntryOperation = { action: 'revoke', right: 'View', anyRight: true };
const revokeManage: EntryOperation = { action: 'revoke', right: 'Manage', anyRight: false };

interface Case {
  name: string;
  project: Project;
  op: EntryOperation;
  expected: Decision;
}

describe('decide: grant', () => {
  const cases: Case[] = [
    {
      name: 'none → View',
      project: project(),
      op: grantView,
      expected: { kind: 'change', from: null, to: 'View' },
    },
    {
      name: 'already View',
      project: project({ viewers: [USER] }),
      op: grantView,
      expected: { kind: 'unchanged', current: 'View', reason: 'already has View' },
    },
    {
      name: 'Annotate is never downgraded to View',
      project: project({ annotators: [USER] }),
      op: grantView,
      expected: {
        kind: 'unchanged',
        current: 'Annotate',
        reason: 'already has Annotate, higher than View (never downgraded)',
      },
    },
    {
      name: 'Manage is never downgraded to View',
      project: project({ managers: [CALLER, USER] }),
      op: grantView,
      expected: {
        kind: 'unchanged',
        current: 'Manage',
        reason: 'already has Manage, higher than View (never downgraded)',
      },
    },
    {
      name: 'Manage is never downgraded to Annotate',
      project: project({ managers: [CALLER, USER] }),
      op: grantAnnotate,
      expected: {
        kind: 'unchanged',
        current: 'Manage',
        reason: 'already has Manage, higher than Annotate (never downgraded)',
      },
    },
    {
      name: 'Annotate upgrades View',
      project: project({ viewers: [USER] }),
      op: grantAnnotate,
      expected: { kind: 'change', from: 'View', to: 'Annotate' },
    },
    {
      name: 'Manage upgrades Annotate',
      project: project({ annotators: [USER] }),
      op: grantManage,
      expected: { kind: 'change', from: 'Annotate', to: 'Manage' },
    },
    {
      name: 'Manage from none',
      project: project(),
      op: grantManage,
      expected: { kind: 'change', from: null, to: 'Manage' },
    },
    {
      name: 'Manage to the legacy contact who only views: the update itself mends the project',
      project: project({ viewers: [USER], contact: USER }),
      op: grantManage,
      expected: { kind: 'change', from: 'View', to: 'Manage' },
    },
  ];
  it.each(cases)('$name', ({ project: p, op, expected }) => {
    expect(decide(p, ctx, op)).toEqual(expected);
  });
});

describe('decide: revoke', () => {
  const cases: Case[] = [
    {
      name: 'has the right → none',
      project: project({ viewers: [OTHER, USER] }),
      op: revokeView,
      expected: { kind: 'change', from: 'View', to: null },
    },
    {
      name: 'has no right → unchanged',
      project: project({ viewers: [OTHER] }),
      op: revokeView,
      expected: { kind: 'unchanged', current: null, reason: 'has no right' },
    },
    {
      name: 'has another right, without --any-right → unchanged with the hint',
      project: project({ annotators: [USER] }),
      op: revokeView,
      expected: {
        kind: 'unchanged',
        current: 'Annotate',
        reason: 'has Annotate, not View (--any-right would remove it)',
      },
    },
    {
      name: 'has another right, with --any-right → removed',
      project: project({ annotators: [USER] }),
      op: revokeViewAny,
      expected: { kind: 'change', from: 'Annotate', to: null },
    },
    {
      name: 'a co-manager (not the contact) loses Manage',
      project: project({ managers: [CALLER, USER] }),
      op: revokeManage,
      expected: { kind: 'change', from: 'Manage', to: null },
    },
    {
      name: 'a manager with --any-right loses Manage',
      project: project({ managers: [CALLER, USER] }),
      op: revokeViewAny,
      expected: { kind: 'change', from: 'Manage', to: null },
    },
  ];
  it.each(cases)('$name', ({ project: p, op, expected }) => {
    expect(decide(p, ctx, op)).toEqual(expected);
  });
});

describe('decide: restore (undo)', () => {
  const cases: Case[] = [
    {
      name: 'current is what the run left → back to what it found',
      project: project({ viewers: [USER] }),
      op: { action: 'restore', from: 'View', to: null },
      expected: { kind: 'change', from: 'View', to: null },
    },
    {
      name: 'a removed right is put back',
      project: project(),
      op: { action: 'restore', from: null, to: 'Annotate' },
      expected: { kind: 'change', from: null, to: 'Annotate' },
    },
    {
      name: 'an upgrade is undone (Annotate back to View)',
      project: project({ annotators: [USER] }),
      op: { action: 'restore', from: 'Annotate', to: 'View' },
      expected: { kind: 'change', from: 'Annotate', to: 'View' },
    },
    {
      name: 'already back to the old right → unchanged',
      project: project(),
      op: { action: 'restore', from: 'View', to: null },
      expected: { kind: 'unchanged', current: null, reason: 'already back to none' },
    },
    {
      name: 'already back to View → unchanged',
      project: project({ viewers: [USER] }),
      op: { action: 'restore', from: null, to: 'View' },
      expected: { kind: 'unchanged', current: 'View', reason: 'already back to View' },
    },
    {
      name: 'changed by someone else since → drift',
      project: project({ annotators: [USER] }),
      op: { action: 'restore', from: 'View', to: null },
      expected: {
        kind: 'skip',
        code: 'drift',
        current: 'Annotate',
        reason: 'changed since that run: now Annotate, the run left View; left alone',
      },
    },
    {
      name: 'removed by someone else since → drift',
      project: project(),
      op: { action: 'restore', from: 'Annotate', to: 'View' },
      expected: {
        kind: 'skip',
        code: 'drift',
        current: null,
        reason: 'changed since that run: now none, the run left Annotate; left alone',
      },
    },
  ];
  it.each(cases)('$name', ({ project: p, op, expected }) => {
    expect(decide(p, ctx, op)).toEqual(expected);
  });
});

interface SkipCase {
  name: string;
  project: Project;
  op: EntryOperation;
  ctx?: PlanContext;
  code: string;
  current: string | null;
  reason: string | RegExp;
}

describe('decide: skip codes', () => {
  const legacy = project({ managers: [CALLER], annotators: [OTHER], contact: OTHER });
  const cases: SkipCase[] = [
    {
      name: 'self: the user is the caller',
      project: project(),
      op: revokeManage,
      ctx: { caller: CALLER, user: CALLER },
      code: 'self',
      current: 'Manage',
      reason: 'that is you: this tool never changes your own right',
    },
    {
      name: 'self wins even where the caller is not a manager',
      project: project({ managers: [OTHER], contact: OTHER, viewers: [CALLER] }),
      op: grantView,
      ctx: { caller: CALLER, user: CALLER },
      code: 'self',
      current: 'View',
      reason: 'that is you: this tool never changes your own right',
    },
    {
      name: 'not-manager: the caller has no right',
      project: project({ managers: [OTHER], contact: OTHER }),
      op: grantView,
      code: 'not-manager',
      current: null,
      reason: 'you are not a manager of this project',
    },
    {
      name: 'not-manager: the caller only annotates',
      project: project({ managers: [OTHER], annotators: [CALLER], viewers: [USER], contact: OTHER }),
      op: revokeView,
      code: 'not-manager',
      current: 'View',
      reason: 'you are not a manager of this project (you have Annotate)',
    },
    {
      name: 'inconsistent: the user is in two lists',
      project: project({ annotators: [USER], viewers: [USER] }),
      op: grantView,
      code: 'inconsistent',
      current: 'Annotate',
      reason: 'EcoTaxa lists AqQua as View and Annotate; an update would fail: fix it in the web UI',
    },
    {
      name: 'inconsistent: another member is duplicated',
      project: project({ annotators: [OTHER], viewers: [OTHER] }),
      op: grantView,
      code: 'inconsistent',
      current: null,
      reason: 'EcoTaxa lists user #11 in more than one list; an update would fail: fix it in the web UI',
    },
    {
      name: 'inconsistent: two other members duplicated (one twice in a list)',
      project: project({ annotators: [THIRD, OTHER], viewers: [OTHER, THIRD] }),
      op: grantView,
      code: 'inconsistent',
      current: null,
      reason: 'EcoTaxa lists users #11, #12 in more than one list; an update would fail: fix it in the web UI',
    },
    {
      name: "contact: revoke --any-right of the contact's Manage",
      project: project({ managers: [CALLER, USER], contact: USER }),
      op: revokeViewAny,
      code: 'contact',
      current: 'Manage',
      reason: "AqQua is the project's contact, who must stay a manager: choose another contact in the web UI first",
    },
    {
      name: 'contact: revoke Manage of the contact',
      project: project({ managers: [USER, CALLER], contact: USER }),
      op: revokeManage,
      code: 'contact',
      current: 'Manage',
      reason: "AqQua is the project's contact, who must stay a manager: choose another contact in the web UI first",
    },
    {
      name: "contact: undo that would take the contact's Manage away",
      project: project({ managers: [CALLER, USER], contact: USER }),
      op: { action: 'restore', from: 'Manage', to: 'Annotate' },
      code: 'contact',
      current: 'Manage',
      reason: /is the project's contact/,
    },
    {
      name: 'no-contact: contact null',
      project: project({ contact: null }),
      op: grantView,
      code: 'no-contact',
      current: null,
      reason:
        'EcoTaxa refuses to update a project without a valid contact (none set, or the contact account is inactive): set one in the web UI, or add --fix-contact',
    },
    {
      name: 'no-contact: contact absent from the model',
      project: (() => {
        const p = project({ viewers: [USER] });
        delete p.contact;
        return p;
      })(),
      op: revokeView,
      code: 'no-contact',
      current: 'View',
      reason: /without a valid contact/,
    },
    {
      name: 'contact-not-manager: legacy project whose contact annotates',
      project: legacy,
      op: grantView,
      code: 'contact-not-manager',
      current: null,
      reason:
        'EcoTaxa refuses to update this legacy project: its contact Carl Colleague is not a manager; fix the contact in the web UI, or add --fix-contact',
    },
    {
      name: 'contact-not-manager: the user is the legacy contact, and would still not manage',
      project: project({ managers: [CALLER], viewers: [USER], contact: USER }),
      op: grantAnnotate,
      code: 'contact-not-manager',
      current: 'View',
      reason:
        'EcoTaxa refuses to update this legacy project: its contact AqQua is not a manager; fix the contact in the web UI, or add --fix-contact',
    },
    {
      name: 'no-instrument: null',
      project: project({ instrument: null }),
      op: grantView,
      code: 'no-instrument',
      current: null,
      reason: 'EcoTaxa refuses to update a project without an instrument: set one in the web UI',
    },
    {
      name: 'no-instrument: empty string',
      project: project({ instrument: '' }),
      op: grantView,
      code: 'no-instrument',
      current: null,
      reason: /without an instrument/,
    },
  ];
  it.each(cases)('$name', ({ project: p, op, ctx: context, code, current, reason }) => {
    const d = decide(p, context ?? ctx, op);
    expect(d).toMatchObject({ kind: 'skip', code, current });
    if (d.kind !== 'skip') return;
    if (typeof reason === 'string') expect(d.reason).toBe(reason);
    else expect(d.reason).toMatch(reason);
  });

  // 'last-manager' cannot be reached through decide(): the caller must be a manager (or the
  // decision is 'not-manager') and is never the user ('self'), so a user losing Manage always
  // leaves the caller. This pins that the caller's Manage keeps such a revoke legal.
  it('last-manager is never needed: the caller stays a manager when the only other manager loses Manage', () => {
    const p = project({ managers: [USER, CALLER], contact: CALLER });
    expect(decide(p, ctx, revokeManage)).toEqual({ kind: 'change', from: 'Manage', to: null });
  });
});

describe('decide: unchanged wins over refusals that only matter for a PUT', () => {
  const cases: Case[] = [
    {
      name: 'legacy contact, user already View',
      project: project({ annotators: [OTHER], viewers: [USER], contact: OTHER }),
      op: grantView,
      expected: { kind: 'unchanged', current: 'View', reason: 'already has View' },
    },
    {
      name: 'no contact, nothing to revoke',
      project: project({ contact: null }),
      op: revokeView,
      expected: { kind: 'unchanged', current: null, reason: 'has no right' },
    },
    {
      name: 'no instrument, already higher',
      project: project({ instrument: null, annotators: [USER] }),
      op: grantView,
      expected: {
        kind: 'unchanged',
        current: 'Annotate',
        reason: 'already has Annotate, higher than View (never downgraded)',
      },
    },
    {
      name: 'another member duplicated, already View',
      project: project({ annotators: [OTHER], viewers: [OTHER, USER] }),
      op: grantView,
      expected: { kind: 'unchanged', current: 'View', reason: 'already has View' },
    },
    {
      name: 'undo already done on a legacy project',
      project: project({ annotators: [OTHER], contact: OTHER }),
      op: { action: 'restore', from: 'View', to: null },
      expected: { kind: 'unchanged', current: null, reason: 'already back to none' },
    },
  ];
  it.each(cases)('$name', ({ project: p, op, expected }) => {
    expect(decide(p, ctx, op)).toEqual(expected);
  });
});

describe('decide with --fix-contact', () => {
  const fix: PlanContext = { ...ctx, fixContact: true };
  const you = { id: CALLER.id, name: CALLER.name, email: CALLER.email };
  const cases: Case[] = [
    {
      name: 'no contact: the change makes the caller the contact',
      project: project({ contact: null }),
      op: grantView,
      expected: { kind: 'change', from: null, to: 'View', contact: { from: null, to: you } },
    },
    {
      name: 'a contact who is not a manager: replaced by the caller, who is',
      project: project({ annotators: [OTHER], contact: OTHER }),
      op: grantView,
      expected: {
        kind: 'change',
        from: null,
        to: 'View',
        contact: { from: { id: OTHER.id, name: OTHER.name, email: OTHER.email }, to: you },
      },
    },
    {
      name: 'a valid contact is never touched',
      project: project({}),
      op: grantView,
      expected: { kind: 'change', from: null, to: 'View' },
    },
    {
      name: 'nothing to change: no contact change either',
      project: project({ contact: null, viewers: [USER] }),
      op: grantView,
      expected: { kind: 'unchanged', current: 'View', reason: 'already has View' },
    },
    {
      name: 'still no fix for a project without an instrument',
      project: project({ contact: null, instrument: null }),
      op: grantView,
      expected: {
        kind: 'skip',
        code: 'no-instrument',
        current: null,
        reason: 'EcoTaxa refuses to update a project without an instrument: set one in the web UI',
      },
    },
  ];
  it.each(cases)('$name', ({ project: p, op, expected }) => {
    expect(decide(p, fix, op)).toEqual(expected);
  });

  it('is never applied unless asked', () => {
    expect(decide(project({ contact: null }), ctx, grantView)).toMatchObject({ kind: 'skip', code: 'no-contact' });
  });
});

describe('decide is pure', () => {
  it('does not modify the project and gives the same answer twice', () => {
    const p = project({ viewers: [OTHER], annotators: [USER] });
    const before = JSON.stringify(p);
    const first = decide(p, ctx, grantManage);
    expect(decide(p, ctx, grantManage)).toEqual(first);
    expect(JSON.stringify(p)).toBe(before);
  });
});

describe('planEntry and summarize', () => {
  it('records the fingerprint and, for undo, the per-project target', () => {
    const p = project({ viewers: [USER] });
    expect(planEntry(p, ctx, { action: 'restore', from: 'View', to: null })).toEqual({
      projid: 101,
      title: 'Kiel Fjord zooplankton 2019',
      fingerprint: privilegeFingerprint(p),
      decision: { kind: 'change', from: 'View', to: null },
      restore: { from: 'View', to: null },
    });
    expect(planEntry(p, ctx, grantView)).not.toHaveProperty('restore');
  });

  it('counts each kind of decision', () => {
    const entries = [
      planEntry(project({ projid: 1 }), ctx, grantView),
      planEntry(project({ projid: 2 }), ctx, grantView),
      planEntry(project({ projid: 3, viewers: [USER] }), ctx, grantView),
      planEntry(project({ projid: 4, contact: null }), ctx, grantView),
    ];
    expect(summarize(entries)).toEqual({ change: 2, unchanged: 1, skip: 1 });
  });
});

describe('decide: projects missing a field', () => {
  it('a project with no contact at all is skipped before a manager loses Manage', () => {
    const p = project({ managers: [CALLER, USER], contact: null });
    expect(decide(p, ctx, revokeManage)).toMatchObject({ kind: 'skip', code: 'no-contact', current: 'Manage' });
  });

  it('a project without an instrument field is skipped like an empty one', () => {
    const p = project();
    delete p.instrument;
    expect(decide(p, ctx, grantView)).toMatchObject({ kind: 'skip', code: 'no-instrument' });
  });

  it('--fix-contact on a project without a contact field plans the caller as its first contact', () => {
    const p = project();
    delete p.contact;
    expect(decide(p, { ...ctx, fixContact: true }, grantView)).toEqual({
      kind: 'change',
      from: null,
      to: 'View',
      contact: { from: null, to: { id: CALLER.id, name: CALLER.name, email: CALLER.email } },
    });
  });
});

describe('notFoundEntry', () => {
  it('is a skip with nothing read, titled as given (or not at all)', () => {
    const skip = { kind: 'skip', code: 'not-found', current: null, reason: 'not found, or you have no right on it' };
    expect(notFoundEntry(5)).toStrictEqual({ projid: 5, title: '', fingerprint: null, decision: skip });
    expect(notFoundEntry(6, 'Old title')).toStrictEqual({
      projid: 6,
      title: 'Old title',
      fingerprint: null,
      decision: skip,
    });
  });
});
