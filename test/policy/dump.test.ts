import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { MinUser, Project } from '../../src/api/schemas.js';
import { type DumpInput, dumpDocument, dumpRules, idTokens, renderDump } from '../../src/policy/dump.js';
import { type PolicyPlan, planPolicy } from '../../src/policy/plan-policy.js';
import { parsePolicy } from '../../src/policy/policy-file.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

/*
 * policy dump, pure: the file it writes, that hostile titles and names stay in their comment,
 * and the property that matters: sync of a fresh dump plans no change, on any state. Each
 * round trip goes through the real text: dump → policy-file parser → policy planner.
 */

const SERVER = 'https://ecotaxa.obs-vlfr.fr/api';
const NOW = new Date('2026-11-08T09:00:00Z');
const TODAY = '2026-11-08';

function input(projects: Project[], more: Partial<DumpInput> = {}): DumpInput {
  return { projects, caller: CALLER, server: SERVER, now: NOW, includeManagers: false, mode: 'additive', ...more };
}

/**
 * The plan `sync` makes of `text` on `managed` (every project the caller manages): users
 * resolved by id, as `--user 10` finds user #10.
 */
function syncPlan(text: string, managed: readonly Project[], people: readonly MinUser[]): PolicyPlan {
  const policy = parsePolicy(text, 'dump.yaml');
  const byId = new Map(people.map((u) => [String(u.id), u]));
  const users = policy.rules.map((rule) => {
    const user = byId.get(rule.user);
    if (user === undefined) throw new Error(`the dump names user ${rule.user}, who is not a member`);
    // As sync refuses a rule about yourself.
    if (user.id === CALLER.id) throw new Error('the dump names you');
    return user;
  });
  return planPolicy({ policy, caller: CALLER, projects: managed, users, today: TODAY });
}

const changes = (plan: PolicyPlan): string[] =>
  plan.entries
    .filter((e) => e.decision.kind === 'change')
    .map((e) => `${e.projid} ${e.user?.name ?? '?'} ${e.operation?.action ?? '?'}`);

describe('renderDump', () => {
  it('writes one rule per user and right, by id, with ranges, titles and names in comments', () => {
    const projects = [
      project({ projid: 1, title: 'Kiel Fjord 2019', viewers: [USER], annotators: [OTHER] }),
      project({ projid: 2, title: 'Kiel Fjord 2020', viewers: [USER] }),
      project({ projid: 3, title: 'Kiel Fjord 2021', viewers: [USER] }),
      project({ projid: 5, title: 'Boknis Eck', managers: [CALLER, OTHER], viewers: [USER] }),
    ];
    expect(renderDump(input(projects))).toBe(
      [
        '# The rights 2 users hold on 4 projects you manage, as of 2026-11-08 09:00 UTC,',
        '# written by `ecotaxa-access policy dump` for Olivia Owner <owner@example.org> (#9).',
        "# Every member but you; the managers' Manage rights are left out (--include-managers adds them).",
        '# Rules are additive: sync grants what a rule lists and takes nothing back.',
        '# Rights of inactive accounts, which the API never shows, are not in this file.',
        "# `ecotaxa-access plan sync FILE` plans no change until someone's rights change.",
        '#',
        '# The projects (id, title):',
        '#        1  Kiel Fjord 2019',
        '#        2  Kiel Fjord 2020',
        '#        3  Kiel Fjord 2021',
        '#        5  Boknis Eck',
        'version: 1',
        'server: "https://ecotaxa.obs-vlfr.fr/api"',
        'rules:',
        '  # AqQua <aqqua@geomar.de> (#10): View on 4 projects',
        '  - name: user-10-view',
        '    user: 10',
        '    right: view',
        '    mode: additive',
        '    projects:',
        '      ids: ["1-3", 5]',
        '  # Carl Colleague <colleague@example.org> (#11): Annotate on 1 project',
        '  - name: user-11-annotate',
        '    user: 11',
        '    right: annotate',
        '    mode: additive',
        '    projects:',
        '      ids: [1]',
        '',
      ].join('\n'),
    );
  });

  it('--include-managers adds the other managers’ Manage; --user names whom, Manage included; never you', () => {
    const projects = [project({ projid: 7, managers: [OTHER, CALLER], viewers: [USER] })];
    const names = (more: Partial<DumpInput>): string[] =>
      dumpRules(input(projects, more)).map((r) => `${r.user.name} ${r.right} ${r.projects.join(' ')}`);
    expect(names({})).toEqual(['AqQua View 7']);
    expect(names({ includeManagers: true })).toEqual(['AqQua View 7', 'Carl Colleague Manage 7']);
    expect(names({ users: new Set([OTHER.id, CALLER.id]) })).toEqual(['Carl Colleague Manage 7']);
  });

  it('a long list of ids wraps under its key and still reads back', () => {
    const ids = Array.from({ length: 120 }, (_, i) => 2 * i + 1);
    const projects = ids.map((id) => project({ projid: id, title: `P${id}`, viewers: [USER] }));
    const text = renderDump(input(projects));
    const lines = text.split('\n').filter((l) => !l.startsWith('#'));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect([...(parsePolicy(text, 'd.yaml').rules[0]?.projects.ids ?? [])]).toEqual(ids);
  });

  it('--json: the same rules, which the policy parser reads too', () => {
    const projects = [project({ projid: 4, viewers: [USER] }), project({ projid: 5, viewers: [USER] })];
    const doc = dumpDocument(input(projects, { mode: 'authoritative' }));
    expect(doc).toEqual({
      version: 1,
      server: SERVER,
      rules: [{ name: 'user-10-view', user: 10, right: 'view', mode: 'authoritative', projects: { ids: ['4-5'] } }],
    });
    expect(parsePolicy(JSON.stringify(doc), 'd.json').rules[0]?.mode).toBe('authoritative');
  });

  it('idTokens: numbers, and ranges as strings', () => {
    expect(idTokens([9, 1, 2, 3, 5])).toEqual(['1-3', 5, 9]);
  });
});

/** Titles and names that try to end their comment, or the file. */
const HOSTILE = [
  'Line one\nrules: []\n- user: 9',
  'ends\r\nversion: 2',
  '# not a comment\u2028rules: []',
  'next\u0085line\u2029para',
  '"]: {user: 9} # ---\n...',
  '\u001b[2J\u001b]0;title\u0007 \u202eevil',
  '---\n- name: x',
  '',
];

describe('hostile titles and names stay inside their comment', () => {
  it.each(HOSTILE)('%j', (text) => {
    const evil: MinUser = { id: 10, name: text, email: `${text}@example.org` };
    const projects = [project({ projid: 3, title: text, viewers: [evil] }), project({ projid: 4, title: text })];
    const dumped = renderDump(input(projects, { caller: { ...CALLER, name: text } }));
    // Every line is a comment or one of the lines the dump writes itself.
    for (const line of dumped.split('\n')) {
      expect(line, line).toMatch(
        /^(#.*|version: 1|server: ".*"|rules:| {2}# .*| {2}- name: user-\d+-\w+| {4}(user: \d+|right: \w+|mode: \w+|projects:)| {6}ids: \[.*\]|)$/,
      );
      // eslint-disable-next-line no-control-regex
      expect(line).not.toMatch(/[\r\u0085\u2028\u2029\u001b\u202e]/);
    }
    const doc = parseDocument(dumped);
    expect(doc.errors).toEqual([]);
    expect(doc.toJS()).toEqual({
      version: 1,
      server: SERVER,
      rules: [{ name: 'user-10-view', user: 10, right: 'view', mode: 'additive', projects: { ids: [3] } }],
    });
    expect(changes(syncPlan(dumped, projects, [evil]))).toEqual([]);
  });
});

// --- Generated states ---------------------------------------------------------------------

const PEOPLE: MinUser[] = [
  USER,
  OTHER,
  THIRD,
  ...Array.from({ length: 5 }, (_, i) => ({
    id: 20 + i,
    email: `p${i}@lab${i % 2}.example`,
    // Names that are not unique: only the id tells them apart.
    name: i < 3 ? 'Sam Same' : `Person ${i}`,
    organisation: null,
  })),
];

type Slot = 'none' | 'Manage' | 'Annotate' | 'View' | 'View+Annotate';

const slot = fc.constantFrom<Slot>('none', 'none', 'none', 'View', 'View', 'Annotate', 'Manage', 'View+Annotate');

interface Spec {
  slots: Slot[];
  callerManages: boolean;
  contact: 'caller' | 'none' | 'member' | 'other-manager';
  instrument: string | null;
  title: string;
}

/** One project: the caller manages it (or, now and then, does not), each person holds some slot. */
const projectArb: fc.Arbitrary<Spec> = fc.record({
  slots: fc.array(slot, { minLength: PEOPLE.length, maxLength: PEOPLE.length }),
  callerManages: fc.constantFrom(true, true, true, true, false),
  contact: fc.constantFrom<Spec['contact']>('caller', 'none', 'member', 'other-manager'),
  instrument: fc.constantFrom('Zooscan', 'UVP6', '', null),
  title: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE)),
});

function build(specs: Spec[]): Project[] {
  return specs.map((spec, index) => {
    const p = project({ projid: index + 1, title: spec.title, instrument: spec.instrument, managers: [] });
    if (spec.callerManages) p.managers.push(CALLER);
    else p.viewers.push(CALLER);
    spec.slots.forEach((s, i) => {
      const person = PEOPLE[i] as MinUser;
      if (s === 'Manage') p.managers.push(person);
      if (s === 'Annotate' || s === 'View+Annotate') p.annotators.push(person);
      if (s === 'View' || s === 'View+Annotate') p.viewers.push(person);
    });
    const member = [...p.annotators, ...p.viewers][0] ?? null;
    const otherManager = p.managers.find((m) => m.id !== CALLER.id) ?? null;
    p.contact =
      spec.contact === 'caller'
        ? CALLER
        : spec.contact === 'member'
          ? member
          : spec.contact === 'other-manager'
            ? otherManager
            : null;
    return p;
  });
}

const managedBy = (projects: readonly Project[]): Project[] =>
  projects.filter((p) => p.managers.some((m) => m.id === CALLER.id));

const states = fc.array(projectArb, { minLength: 1, maxLength: 40 }).map(build);

describe('sync of a fresh dump plans no change, on any state', () => {
  it('additive, of every project you manage or of any part of them, any users, managers or not', () => {
    fc.assert(
      fc.property(
        states,
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.boolean(),
        fc.option(fc.subarray(PEOPLE.map((p) => p.id))),
        (world, picked, includeManagers, named) => {
          const managed = managedBy(world);
          const selected = managed.filter((p) => picked[p.projid - 1] === true);
          const dump = input(selected, { includeManagers, users: named === null ? undefined : new Set(named) });
          if (dumpRules(dump).length === 0) return;
          const plan = syncPlan(renderDump(dump), managed, PEOPLE);
          expect(changes(plan)).toEqual([]);
          expect(plan.massRevokes).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('authoritative, of every project you manage: nothing is taken back, and the mass-revoke guard stays quiet', () => {
    fc.assert(
      fc.property(states, fc.boolean(), (world, includeManagers) => {
        const managed = managedBy(world);
        const dump = input(managed, { includeManagers, mode: 'authoritative' });
        if (dumpRules(dump).length === 0) return;
        const text = renderDump(dump);
        const plan = syncPlan(text, managed, PEOPLE);
        expect(changes(plan)).toEqual([]);
        expect(plan.massRevokes).toEqual([]);
        // The JSON form plans the same.
        expect(changes(syncPlan(JSON.stringify(dumpDocument(dump)), managed, PEOPLE))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('an authoritative dump of only some projects would take rights back outside them: why the CLI refuses it', () => {
    const managed = [project({ projid: 1, viewers: [USER] }), project({ projid: 2, viewers: [USER] })];
    const plan = syncPlan(renderDump(input([managed[0] as Project], { mode: 'authoritative' })), managed, PEOPLE);
    expect(changes(plan)).toEqual(['2 AqQua revoke']);
  });

  it('a user on many projects, contacts and other managers: one rule per right', () => {
    const managed = Array.from({ length: 500 }, (_, i) =>
      project({
        projid: 1000 + i,
        managers: i % 50 === 0 ? [OTHER, CALLER] : [CALLER],
        contact: i % 50 === 0 ? OTHER : CALLER,
        viewers: i % 3 === 0 ? [] : [USER],
        annotators: i % 3 === 0 ? [USER] : [],
      }),
    );
    const dump = input(managed, { includeManagers: true, mode: 'authoritative' });
    expect(dumpRules(dump).map((r) => `${r.user.name} ${r.right} ${r.projects.length}`)).toEqual([
      'AqQua Annotate 167',
      'AqQua View 333',
      'Carl Colleague Manage 10',
    ]);
    expect(changes(syncPlan(renderDump(dump), managed, PEOPLE))).toEqual([]);
  });
});
