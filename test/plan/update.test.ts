import { describe, expect, it } from 'vitest';
import type { MinUser, Project } from '../../src/api/schemas.js';
import type { RightOrNone } from '../../src/plan/rights.js';
import { type PlannedUpdate, unsafeUpdateProblems, withContact, withUserRight } from '../../src/plan/update.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

/** A write planned to leave USER, and only USER, with `to`. */
const only = (to: RightOrNone): PlannedUpdate => ({ rights: new Map([[USER.id, to]]) });

/** A project as read, with fields this tool does not know and members with extra fields. */
function rich(overrides: Partial<Project> = {}): Project {
  return project({
    managers: [CALLER, { ...OTHER, extra: { since: 2019 } }],
    annotators: [{ ...THIRD, active: true }],
    viewers: [{ id: 20, email: 'v20@example.org', name: 'V Twenty', organisation: '' }],
    contact: CALLER,
    cnn_network_id: 'SCN_zooscan_v3',
    init_classif_list: [45072, 56693, 11509],
    bodc_variables: { individual_volume: 'SDBIOL02', subsample_coef: null },
    formulae: { SubSamplingCoefficient: '1/ssm.sub_part' },
    comments: '  keep my   spaces  ',
    rf_models_used: '',
    ...overrides,
  });
}

/** Every key but the member lists, in order, as JSON. */
function rest(p: Project): string {
  return JSON.stringify(Object.entries(p).filter(([k]) => !['managers', 'annotators', 'viewers'].includes(k)));
}

const othersIn = (p: Project, list: 'managers' | 'annotators' | 'viewers', id: number): string =>
  JSON.stringify(p[list].filter((m) => m.id !== id));

describe('withUserRight', () => {
  it('adds a new member at the end of the list, keeping every other field and member byte-identical', () => {
    const before = rich();
    const snapshot = JSON.stringify(before);
    const after = withUserRight(before, USER, 'View');

    expect(rest(after)).toBe(rest(before));
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(JSON.stringify(after.managers)).toBe(JSON.stringify(before.managers));
    expect(JSON.stringify(after.annotators)).toBe(JSON.stringify(before.annotators));
    expect(after.viewers.map((m) => m.id)).toEqual([20, USER.id]);
    expect(after.viewers[1]).toEqual({ id: 10, email: 'aqqua@geomar.de', name: 'AqQua', organisation: 'GEOMAR' });
    // The project as read is not modified.
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('gives a member without organisation an empty one (the body schema wants it)', () => {
    const after = withUserRight(
      rich(),
      { id: 30, email: 'n@example.org', name: 'No Org', organisation: null },
      'Annotate',
    );
    expect(after.annotators.at(-1)).toEqual({ id: 30, email: 'n@example.org', name: 'No Org', organisation: '' });
  });

  it('moves the user between lists, reusing the member object as read', () => {
    const asRead = {
      id: USER.id,
      email: 'AQQUA@geomar.de',
      name: 'AqQua (as read)',
      organisation: 'x',
      extra: 1,
    } as MinUser;
    const before = rich({
      viewers: [
        { id: 20, email: 'v20@example.org', name: 'V', organisation: '' },
        asRead,
        { id: 21, email: 'v21@example.org', name: 'W', organisation: '' },
      ],
    });
    const after = withUserRight(before, USER, 'Annotate');

    expect(after.viewers.map((m) => m.id)).toEqual([20, 21]);
    expect(after.annotators.map((m) => m.id)).toEqual([THIRD.id, USER.id]);
    expect(after.annotators.at(-1)).toBe(asRead);
    expect(JSON.stringify(after.annotators.at(-1))).toBe(JSON.stringify(asRead));
    expect(rest(after)).toBe(rest(before));
    expect(othersIn(after, 'managers', USER.id)).toBe(othersIn(before, 'managers', USER.id));
    expect(othersIn(after, 'viewers', USER.id)).toBe(othersIn(before, 'viewers', USER.id));
  });

  it('removes the user when the right becomes none, leaving the other lists alone', () => {
    const before = rich({ managers: [CALLER, USER, OTHER] });
    const after = withUserRight(before, USER, null);
    expect(after.managers.map((m) => m.id)).toEqual([CALLER.id, OTHER.id]);
    expect(JSON.stringify(after.annotators)).toBe(JSON.stringify(before.annotators));
    expect(JSON.stringify(after.viewers)).toBe(JSON.stringify(before.viewers));
    expect(rest(after)).toBe(rest(before));
  });

  it('moves a user to the end even within the same right (one entry, never two)', () => {
    const before = rich({ viewers: [USER, { id: 20, email: 'v20@example.org', name: 'V', organisation: '' }] });
    const after = withUserRight(before, USER, 'View');
    expect(after.viewers.map((m) => m.id)).toEqual([20, USER.id]);
  });

  it('produces a body that unsafeUpdateProblems accepts', () => {
    const before = rich({ viewers: [USER] });
    for (const to of ['View', 'Annotate', 'Manage', null] as const) {
      expect(unsafeUpdateProblems(before, withUserRight(before, USER, to), only(to), CALLER.id)).toEqual([]);
    }
  });
});

describe('unsafeUpdateProblems', () => {
  const before = rich({ viewers: [USER] });

  it('returns [] for a correct body', () => {
    const after = withUserRight(before, USER, 'Annotate');
    expect(unsafeUpdateProblems(before, after, only('Annotate'), CALLER.id)).toEqual([]);
  });

  /** Each case's body was planned to leave USER with `to` (default: none). */
  // `after` is made in the test, not when the table is built: a bug in withUserRight then fails
  // the tests that use it, rather than the whole file before any test (which a mutation run misses).
  const cases: { name: string; after: () => Project; to?: RightOrNone; problems: string[] }[] = [
    {
      name: 'a known field changed',
      after: () => ({ ...withUserRight(before, USER, null), title: 'Renamed' }),
      problems: ['field "title" would change'],
    },
    {
      name: 'an unknown field changed deep inside',
      after: () => ({
        ...withUserRight(before, USER, null),
        bodc_variables: { individual_volume: 'SDBIOL02', subsample_coef: 'x' },
      }),
      problems: ['field "bodc_variables" would change'],
    },
    {
      name: 'a field dropped',
      after: () => {
        const p = withUserRight(before, USER, null);
        delete p['cnn_network_id'];
        return p;
      },
      problems: ['field "cnn_network_id" would change'],
    },
    {
      name: 'another user changed',
      after: () => ({ ...withUserRight(before, USER, null), annotators: [] }),
      problems: ['other users in annotators would change'],
    },
    {
      name: 'another user reordered',
      to: 'View',
      after: () => ({ ...before, managers: [...before.managers].reverse() }),
      problems: ['other users in managers would change'],
    },
    {
      name: "the caller's right changed",
      to: 'View',
      after: () => ({
        ...before,
        managers: before.managers.filter((m) => m.id !== CALLER.id),
        viewers: [USER, CALLER],
        contact: OTHER,
      }),
      problems: [
        'field "contact" would change',
        'other users in managers would change',
        'other users in viewers would change',
        'your own right would change',
      ],
    },
    {
      name: 'no manager left',
      to: 'View',
      after: () => ({ ...before, managers: [] }),
      problems: [
        'other users in managers would change',
        'your own right would change',
        'no manager would be left',
        'the contact would not be a manager',
      ],
    },
    {
      name: 'contact not a manager',
      to: 'View',
      after: () => ({ ...before, contact: THIRD }),
      problems: ['field "contact" would change', 'the contact would not be a manager'],
    },
    {
      name: 'duplicate user',
      to: 'View',
      after: () => ({ ...before, annotators: [...before.annotators, USER] }),
      problems: [`user #${USER.id} would not end with View`, 'a user would be in two lists'],
    },
    {
      name: 'projid changed',
      to: 'View',
      after: () => ({ ...before, projid: 102 }),
      problems: ['field "projid" would change', 'the project id would change'],
    },
  ];
  it.each(cases)('names the problem: $name', ({ after, to, problems }) => {
    expect(unsafeUpdateProblems(before, after(), only(to ?? null), CALLER.id)).toEqual(problems);
  });

  it('names a missing contact even when the project was read without one', () => {
    const noContact = { ...before, contact: null };
    expect(unsafeUpdateProblems(noContact, withUserRight(noContact, USER, null), only(null), CALLER.id)).toEqual([
      'the project has no contact',
    ]);
  });

  it('refuses the last manager leaving, even when that manager is the user', () => {
    const single = rich({ managers: [USER], contact: USER, annotators: [], viewers: [CALLER] });
    expect(unsafeUpdateProblems(single, withUserRight(single, USER, null), only(null), CALLER.id)).toEqual([
      'no manager would be left',
      'the contact would not be a manager',
    ]);
  });

  it('names a changed user who does not end with the planned right', () => {
    const after = withUserRight(before, USER, 'Annotate');
    expect(unsafeUpdateProblems(before, after, only('Manage'), CALLER.id)).toEqual([
      `user #${USER.id} would not end with Manage`,
    ]);
  });

  it('refuses a plan that changes the caller, even when nothing else moves', () => {
    expect(unsafeUpdateProblems(before, before, { rights: new Map([[CALLER.id, 'Manage']]) }, CALLER.id)).toEqual([
      'your own right would change',
    ]);
  });

  it('accepts several planned users in one body, and nobody else', () => {
    const two = withUserRight(withUserRight(before, USER, null), THIRD, 'View');
    const planned = {
      rights: new Map<number, RightOrNone>([
        [USER.id, null],
        [THIRD.id, 'View'],
      ]),
    };
    expect(unsafeUpdateProblems(before, two, planned, CALLER.id)).toEqual([]);
    expect(unsafeUpdateProblems(before, two, only(null), CALLER.id)).toEqual([
      'other users in annotators would change',
      'other users in viewers would change',
    ]);
  });

  it('accepts a contact change only as planned, and only to a manager', () => {
    const legacy = rich({ viewers: [USER], contact: THIRD });
    const fixed = withContact(withUserRight(legacy, USER, null), CALLER.id);
    expect(unsafeUpdateProblems(legacy, fixed, { ...only(null), contactId: CALLER.id }, CALLER.id)).toEqual([]);
    expect(unsafeUpdateProblems(legacy, fixed, only(null), CALLER.id)).toEqual(['field "contact" would change']);
    expect(unsafeUpdateProblems(legacy, fixed, { ...only(null), contactId: OTHER.id }, CALLER.id)).toEqual([
      'the contact would not be the one planned',
    ]);
  });
});

describe('withContact', () => {
  it('takes the manager entry as the server sent it, and changes nothing else', () => {
    const legacy = rich({ contact: THIRD });
    const fixed = withContact(legacy, CALLER.id);
    expect(fixed.contact).toBe(legacy.managers.find((m) => m.id === CALLER.id));
    expect({ ...fixed, contact: legacy.contact }).toEqual(legacy);
  });

  it('refuses a contact who is not a manager (EcoTaxa would answer 422)', () => {
    expect(() => withContact(rich(), THIRD.id)).toThrow(/not a manager/);
  });
});

describe('unsafeUpdateProblems: a body without what it needs', () => {
  it('a planned contact on a body with none is not the one planned, and no contact at all', () => {
    const before = rich({ viewers: [USER], contact: THIRD });
    const after = { ...withUserRight(before, USER, null), contact: null };
    expect(unsafeUpdateProblems(before, after, { ...only(null), contactId: CALLER.id }, CALLER.id)).toEqual([
      'the contact would not be the one planned',
      'the project has no contact',
    ]);
  });

  it('a user planned to lose every right but keeping one is named with "no right"', () => {
    const before = rich({ viewers: [USER] });
    expect(unsafeUpdateProblems(before, before, only(null), CALLER.id)).toEqual([
      `user #${USER.id} would not end with no right`,
    ]);
  });
});

describe('unsafeUpdateProblems: a planned contact excuses the contact only', () => {
  it('still names any other field that would change', () => {
    const legacy = rich({ viewers: [USER], contact: THIRD });
    const fixed = { ...withContact(withUserRight(legacy, USER, null), CALLER.id), title: 'Renamed' };
    expect(unsafeUpdateProblems(legacy, fixed, { ...only(null), contactId: CALLER.id }, CALLER.id)).toEqual([
      'field "title" would change',
    ]);
  });

  it('a body without a contact field has no contact', () => {
    const before = rich({ viewers: [USER] });
    const after = withUserRight(before, USER, null);
    delete after.contact;
    expect(unsafeUpdateProblems(before, after, only(null), CALLER.id)).toEqual([
      'field "contact" would change',
      'the project has no contact',
    ]);
  });
});
