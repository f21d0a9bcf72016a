import { describe, expect, it } from 'vitest';
import type { MinUser, Project } from '../../src/api/schemas.js';
import type { PlanEntry } from '../../src/plan/model.js';
import { hasEnded, planPolicy, selects } from '../../src/policy/plan-policy.js';
import { type Policy, parsePolicy } from '../../src/policy/policy-file.js';
import { caught } from '../support/caught.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

/*
 * Planning a policy, pure: which entries each rule asks for, how rules combine, when they
 * conflict, and the mass-revoke guard's counts.
 */

const TODAY = '2026-11-02';

function policy(yaml: string): Policy {
  return parsePolicy(`version: 1\nrules:\n${yaml}`, 'p.yaml');
}

/** Projects 1..n, all managed by the caller, with the given extra members. */
function projects(
  specs: Record<number, { instrument?: string; title?: string; viewers?: MinUser[]; annotators?: MinUser[] }>,
): Project[] {
  return Object.entries(specs).map(([id, spec]) =>
    project({
      projid: Number(id),
      title: spec.title ?? `Project ${id}`,
      instrument: spec.instrument ?? 'Zooscan',
      viewers: spec.viewers ?? [],
      annotators: spec.annotators ?? [],
    }),
  );
}

/** One line per entry: "3 AqQua grant View → change" and so on. */
function lines(entries: readonly PlanEntry[]): string[] {
  return entries.map((e) => {
    const d = e.decision;
    const op = e.operation === undefined ? '?' : `${e.operation.action} ${e.operation.right}`;
    const what = d.kind === 'change' ? `${d.from ?? 'none'}→${d.to ?? 'none'}` : `${d.kind}: ${d.reason}`;
    return `${e.projid} ${e.user?.name ?? '?'} ${op} [${e.rule ?? ''}] ${what}`;
  });
}

describe('selects', () => {
  const rule = policy(
    '  - user: a\n    right: view\n    projects: { instrument: [UVP5, UVP6], title: Kiel, exclude: [3] }\n',
  ).rules[0];
  if (rule === undefined) throw new Error('parse');

  it('needs every selector given to match (AND), any of a list (OR), and not excluded', () => {
    expect(selects(rule, { projid: 1, title: 'Kiel Fjord', instrument: 'UVP5HD' })).toBe(true);
    expect(selects(rule, { projid: 2, title: 'Kiel Bight', instrument: 'UVP6' })).toBe(true);
    expect(selects(rule, { projid: 3, title: 'Kiel Canal', instrument: 'UVP6' })).toBe(false);
    expect(selects(rule, { projid: 4, title: 'Baltic Sea', instrument: 'UVP6' })).toBe(false);
    expect(selects(rule, { projid: 5, title: 'Kiel Fjord', instrument: 'Zooscan' })).toBe(false);
  });
});

describe('hasEnded', () => {
  it('from the until day on (UTC), never without one', () => {
    expect(hasEnded({ until: '2027-07-31' }, '2027-07-30')).toBe(false);
    expect(hasEnded({ until: '2027-07-31' }, '2027-07-31')).toBe(true);
    expect(hasEnded({ until: undefined }, '2099-01-01')).toBe(false);
  });
});

describe('planPolicy', () => {
  it('an additive rule grants on what it selects, never downgrades, and touches nothing else', () => {
    const world = projects({
      1: { instrument: 'UVP6' },
      2: { instrument: 'UVP6', annotators: [USER] },
      3: { instrument: 'UVP6', viewers: [USER] },
      4: { instrument: 'Zooscan', viewers: [USER] },
    });
    const plan = planPolicy({
      policy: policy('  - user: a\n    right: view\n    projects: { instrument: UVP6 }\n'),
      caller: CALLER,
      projects: world,
      users: [USER],
      today: TODAY,
    });
    expect(lines(plan.entries)).toEqual([
      '1 AqQua grant View [rules[0]] none→View',
      '2 AqQua grant View [rules[0]] unchanged: already has Annotate, higher than View (never downgraded)',
      '3 AqQua grant View [rules[0]] unchanged: already has View',
    ]);
    expect(plan.massRevokes).toEqual([]);
  });

  it('an authoritative rule takes exactly its right back where no rule for that user selects the project', () => {
    const world = projects({
      1: { instrument: 'UVP6' },
      2: { instrument: 'Zooscan', viewers: [USER] },
      3: { instrument: 'Zooscan', annotators: [USER] },
      4: { instrument: 'Zooscan', viewers: [USER, OTHER] },
      5: { instrument: 'Zooscan', viewers: [OTHER] },
    });
    const plan = planPolicy({
      policy: policy(
        '  - user: a\n    right: view\n    mode: authoritative\n    projects: { instrument: UVP6 }\n' +
          '  - name: keep-4\n    user: a\n    right: view\n    projects: { ids: [4] }\n',
      ),
      caller: CALLER,
      projects: world,
      users: [USER, USER],
      today: TODAY,
    });
    // 3 (Annotate, not View) and 5 (someone else's View) are not the rule's to touch; 4 is kept by keep-4.
    expect(lines(plan.entries)).toEqual([
      '1 AqQua grant View [rules[0]] none→View',
      '2 AqQua revoke View [rules[0]] View→none',
      '4 AqQua grant View [keep-4] unchanged: already has View',
    ]);
  });

  it('several users: one entry per project and user, each with its own user, operation and rule', () => {
    const world = projects({ 1: { instrument: 'UVP6' }, 2: { instrument: 'UVP6', viewers: [THIRD] } });
    const plan = planPolicy({
      policy: policy(
        '  - user: a\n    right: view\n    projects: { all: true }\n' +
          '  - user: v\n    right: annotate\n    projects: { ids: [2] }\n',
      ),
      caller: CALLER,
      projects: world,
      users: [USER, THIRD],
      today: TODAY,
    });
    expect(lines(plan.entries)).toEqual([
      '1 AqQua grant View [rules[0]] none→View',
      '2 AqQua grant View [rules[0]] none→View',
      '2 Victor Villefranche grant Annotate [rules[1]] View→Annotate',
    ]);
  });

  it('the same thing asked twice is fine, and both rules are named', () => {
    const plan = planPolicy({
      policy: policy(
        '  - user: a\n    right: view\n    projects: { all: true }\n' +
          '  - name: again\n    user: 10\n    right: view\n    projects: { ids: [1] }\n',
      ),
      caller: CALLER,
      projects: projects({ 1: {} }),
      users: [USER, USER],
      today: TODAY,
    });
    expect(lines(plan.entries)).toEqual(['1 AqQua grant View [rules[0], again] none→View']);
  });

  it('two rules asking different things of one user on one project are an error naming both', () => {
    const err = caught(() =>
      planPolicy({
        policy: policy(
          '  - user: aqqua@geomar.de\n    right: view\n    projects: { all: true }\n' +
            '  - user: 10\n    right: annotate\n    projects: { ids: [2, 3] }\n',
        ),
        caller: CALLER,
        projects: projects({ 1: {}, 2: { title: 'Baltic Sea' }, 3: {} }),
        users: [USER, USER],
        today: TODAY,
      }),
    );
    expect(err.message).toBe(
      'p.yaml:6: rules[0] (aqqua@geomar.de view) and rules[1] (10 annotate) ask different things of AqQua on project 2 "Baltic Sea" (and 1 more): grant View, and grant Annotate; make them agree, or leave the project out of one with exclude',
    );
  });

  it('a rule past its until takes its right back from what it selects (and, authoritative, from all yours)', () => {
    const world = projects({
      1: { instrument: 'UVP6', viewers: [USER] },
      2: { instrument: 'UVP6', annotators: [USER] },
      3: { instrument: 'Zooscan', viewers: [USER] },
    });
    const ended = (mode: string) =>
      planPolicy({
        policy: policy(
          `  - user: a\n    right: view\n    mode: ${mode}\n    until: 2027-07-31\n    projects: { instrument: UVP6 }\n`,
        ),
        caller: CALLER,
        projects: world,
        users: [USER],
        today: '2027-07-31',
      });
    expect(lines(ended('additive').entries)).toEqual([
      '1 AqQua revoke View [rules[0]] View→none',
      '2 AqQua revoke View [rules[0]] unchanged: has Annotate, not View: a rule takes back only its own right',
    ]);
    const authoritative = ended('authoritative');
    expect(lines(authoritative.entries)).toEqual([
      '1 AqQua revoke View [rules[0]] View→none',
      '2 AqQua revoke View [rules[0]] unchanged: has Annotate, not View: a rule takes back only its own right',
      '3 AqQua revoke View [rules[0]] View→none',
    ]);
    // Explicit, so exempt from the guard even though it takes back everything.
    expect(authoritative.massRevokes).toEqual([]);
    expect(authoritative.notes).toContain('rules[0] is past its until (2027-07-31): it takes back the View it gave.');
  });

  it('the guard: an authoritative rule may take back a quarter of what its user holds, not more', () => {
    // AqQua holds View on 8 projects; the rule selects the UVP6 ones.
    const world = projects(
      Object.fromEntries(
        [1, 2, 3, 4, 5, 6, 7, 8].map((id) => [id, { instrument: id <= 6 ? 'UVP6' : 'Zooscan', viewers: [USER] }]),
      ),
    );
    const guard = (selected: string) =>
      planPolicy({
        policy: policy(`  - user: a\n    right: view\n    mode: authoritative\n    projects: { ${selected} }\n`),
        caller: CALLER,
        projects: world,
        users: [USER],
        today: TODAY,
      }).massRevokes.map((m) => ({ rule: m.rule.index, user: m.user.name, revocations: m.revocations, held: m.held }));
    expect(guard('instrument: UVP6')).toEqual([]); // 2 of 8: a quarter exactly
    expect(guard('instrument: UVP6, exclude: [6]')).toEqual([{ rule: 0, user: 'AqQua', revocations: 3, held: 8 }]);
  });

  it('notes ids that are not yours, rules that select nothing, and rules past their until', () => {
    const plan = planPolicy({
      policy: policy(
        '  - user: a\n    right: view\n    projects: { ids: [1, 99, "200-300"] }\n' +
          '  - user: a\n    right: view\n    until: 2026-01-01\n    projects: { instrument: FlowCam }\n',
      ),
      caller: CALLER,
      projects: projects({ 1: {} }),
      users: [USER, USER],
      today: TODAY,
    });
    expect(plan.notes).toEqual([
      'rules[0]: 99 is not a project you manage; a policy only ever changes projects you manage.',
      'rules[1] selects none of the projects you manage.',
      'rules[1] is past its until (2026-01-01): it takes back the View it gave.',
    ]);
  });
});
