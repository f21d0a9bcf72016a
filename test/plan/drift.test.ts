import { describe, expect, it } from 'vitest';
import { STRICT_DRIFT_REASON, driftSince, seenInPlan } from '../../src/plan/drift.js';
import { privilegeFingerprint } from '../../src/plan/fingerprint.js';
import type { PlanEntry } from '../../src/plan/model.js';
import { notFoundEntry } from '../../src/plan/planner.js';
import { CALLER, OTHER, USER, project } from '../support/factory.js';

/** The project as read now, with its fingerprint. */
function now(overrides: Parameters<typeof project>[0] = {}) {
  const read = project(overrides);
  return { project: read, fingerprint: privilegeFingerprint(read) };
}

describe('driftSince', () => {
  it('is nothing when the privileges are as seen', () => {
    const fresh = now({ viewers: [USER] });
    expect(driftSince({ fingerprint: fresh.fingerprint, right: 'View' }, fresh, USER, true)).toBeUndefined();
  });

  it("names the user's new right beside the planned one", () => {
    const seen = { fingerprint: now().fingerprint, right: null };
    expect(driftSince(seen, now({ annotators: [USER] }), USER, false)).toStrictEqual({
      description: `${USER.name} now has Annotate (none in the plan)`,
      strictSkip: undefined,
    });
  });

  it("says other rights or the contact changed when the user's right did not", () => {
    const seen = { fingerprint: now({ viewers: [USER] }).fingerprint, right: 'View' as const };
    expect(driftSince(seen, now({ viewers: [USER], annotators: [OTHER] }), USER, false)).toStrictEqual({
      description: 'other rights or the contact changed',
      strictSkip: undefined,
    });
  });

  it('with --strict, gives the skip that stands instead of a new decision, with the right the user has now', () => {
    const seen = { fingerprint: now().fingerprint, right: null };
    expect(driftSince(seen, now({ viewers: [USER] }), USER, true)).toStrictEqual({
      description: `${USER.name} now has View (none in the plan)`,
      strictSkip: { kind: 'skip', code: 'drift', current: 'View', reason: 'changed since the plan (--strict)' },
    });
    expect(STRICT_DRIFT_REASON).toBe('changed since the plan (--strict)');
  });

  it('counts a project that was not read then (not found) as changed, now that it is', () => {
    expect(driftSince({ fingerprint: null, right: null }, now({ managers: [CALLER] }), USER, false)).toStrictEqual({
      description: 'other rights or the contact changed',
      strictSkip: undefined,
    });
  });
});

describe('seenInPlan', () => {
  const base = { projid: 101, title: 'Kiel', fingerprint: 'f1' };
  it.each<[string, PlanEntry, ReturnType<typeof seenInPlan>]>([
    [
      'a change: the right it changes from',
      { ...base, decision: { kind: 'change', from: 'View', to: 'Annotate' } },
      { fingerprint: 'f1', right: 'View' },
    ],
    [
      'an unchanged project: the right it has',
      { ...base, decision: { kind: 'unchanged', current: 'Manage', reason: 'already has Manage' } },
      { fingerprint: 'f1', right: 'Manage' },
    ],
    [
      'a skip: the right it has',
      { ...base, decision: { kind: 'skip', code: 'no-instrument', current: 'Annotate', reason: 'no instrument' } },
      { fingerprint: 'f1', right: 'Annotate' },
    ],
    ['a project not found: no fingerprint, no right', notFoundEntry(7), { fingerprint: null, right: null }],
  ])('%s', (_name, entry, seen) => {
    expect(seenInPlan(entry)).toStrictEqual(seen);
  });
});
