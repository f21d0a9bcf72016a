import { describe, expect, it } from 'vitest';
import { AQQUA, OWNER, who } from '../support/people.js';
import { caught } from '../support/caught.js';
import { InputError } from '../../src/errors.js';
import { type Plan, operationFor } from '../../src/plan/model.js';
import { parsePlanFile, toPlanDocument } from '../../src/store/plan-file.js';
import { notFoundEntry } from '../../src/plan/planner.js';

const caller = { ...who(OWNER), organisation: 'GEOMAR' };
const user = { ...who(AQQUA), organisation: null };

function grantPlan(): Plan {
  return {
    createdAt: new Date('2026-01-15T10:20:30.456Z'),
    server: 'https://ecotaxa.obs-vlfr.fr/api',
    caller,
    user,
    operation: { action: 'grant', right: 'View' },
    entries: [
      {
        projid: 1,
        title: 'Kiel Fjord, "inner"',
        fingerprint: 'a1b2c3d4e5f60718',
        decision: { kind: 'change', from: null, to: 'View' },
      },
      {
        projid: 2,
        title: 'Boknis Eck',
        fingerprint: '0011223344556677',
        decision: { kind: 'change', from: 'View', to: 'Annotate' },
      },
      {
        projid: 3,
        title: 'Gotland',
        fingerprint: '8899aabbccddeeff',
        decision: { kind: 'unchanged', current: 'Manage', reason: 'already has Manage' },
      },
      {
        projid: 4,
        title: 'Legacy',
        fingerprint: 'ffeeddccbbaa9988',
        decision: { kind: 'skip', code: 'contact-not-manager', current: null, reason: 'legacy' },
      },
      notFoundEntry(5),
    ],
    notes: ['1 inactive account will lose its right'],
  };
}

function restorePlan(): Plan {
  return {
    createdAt: new Date('2026-01-16T00:00:00.000Z'),
    server: 'http://127.0.0.1:8088/api',
    caller,
    user,
    operation: { action: 'restore', journal: '2026-01-15T10-21-00Z-grant' },
    entries: [
      {
        projid: 1,
        title: 'Kiel',
        fingerprint: 'a1b2c3d4e5f60718',
        decision: { kind: 'change', from: 'View', to: null },
        restore: { from: 'View', to: null },
      },
      {
        projid: 2,
        title: 'Boknis',
        fingerprint: '0011223344556677',
        decision: { kind: 'skip', code: 'drift', current: 'Annotate', reason: 'changed since that run' },
        restore: { from: 'View', to: 'Annotate' },
      },
    ],
    notes: [],
  };
}

const roundTrip = (plan: Plan): Plan => parsePlanFile(JSON.stringify(toPlanDocument(plan), null, 2), 'plan.json');

describe('plan document round trip', () => {
  it.each([
    ['grant', grantPlan()],
    [
      'revoke --any-right',
      { ...grantPlan(), operation: { action: 'revoke', right: 'Manage', anyRight: true } } satisfies Plan,
    ],
    ['undo', restorePlan()],
  ])('%s: toPlanDocument → JSON → parsePlanFile gives the same plan', (_name, plan) => {
    expect(roundTrip(plan)).toEqual(plan);
  });

  it('keeps the per-project undo target for apply', () => {
    const plan = roundTrip(restorePlan());
    expect(plan.entries.map((e) => operationFor(plan, e))).toEqual([
      { action: 'restore', from: 'View', to: null },
      { action: 'restore', from: 'View', to: 'Annotate' },
    ]);
  });

  it('writes the summary and one flat record per project', () => {
    const doc = toPlanDocument(grantPlan());
    expect(doc.format).toBe('ecotaxa-access-plan');
    expect(doc.version).toBe(1);
    expect(doc.createdAt).toBe('2026-01-15T10:20:30.456Z');
    expect(doc.summary).toEqual({ change: 2, unchanged: 1, skip: 2 });
    expect(doc.projects[1]).toEqual({
      projid: 2,
      title: 'Boknis Eck',
      fingerprint: '0011223344556677',
      action: 'change',
      current: 'View',
      from: 'View',
      to: 'Annotate',
      code: null,
      reason: null,
    });
    expect(doc.projects[4]).toMatchObject({ projid: 5, action: 'skip', code: 'not-found', fingerprint: null });
  });
});

describe('parsePlanFile refuses with one precise line', () => {
  const valid = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify(toPlanDocument(grantPlan()))) as Record<string, unknown>;
  const good = JSON.stringify(valid(), null, 2);

  const cases: { name: string; text: string; message: string | RegExp }[] = [
    {
      name: 'not JSON',
      text: 'Plan: 2 to grant',
      message: 'plan.json is not valid JSON (truncated or edited?): make the plan again with `plan --out`',
    },
    {
      name: 'truncated file',
      text: good.slice(0, Math.floor(good.length / 2)),
      message: 'plan.json is not valid JSON (truncated or edited?): make the plan again with `plan --out`',
    },
    {
      name: 'empty file',
      text: '',
      message: 'plan.json is not valid JSON (truncated or edited?): make the plan again with `plan --out`',
    },
    {
      name: 'another JSON document',
      text: JSON.stringify({ ...valid(), format: 'terraform-plan' }),
      message: 'plan.json is not an ecotaxa-access plan (made by `ecotaxa-access plan ... --out FILE`)',
    },
    {
      name: 'a JSON array',
      text: '[1,2]',
      message: 'plan.json is not an ecotaxa-access plan (made by `ecotaxa-access plan ... --out FILE`)',
    },
    {
      name: 'JSON null',
      text: 'null',
      message: 'plan.json is not an ecotaxa-access plan (made by `ecotaxa-access plan ... --out FILE`)',
    },
    {
      name: 'a newer version',
      text: JSON.stringify({ ...valid(), version: 2 }),
      message:
        'plan.json is a plan of format version 2; this ecotaxa-access reads version 1: make the plan again with `plan --out`',
    },
    {
      name: 'no version',
      text: JSON.stringify({ ...valid(), version: undefined }),
      message: /^plan\.json is a plan of format version undefined; this ecotaxa-access reads version 1/,
    },
    {
      name: 'a bad projid',
      text: JSON.stringify({
        ...valid(),
        projects: (valid()['projects'] as Record<string, unknown>[]).map((p, i) =>
          i === 1 ? { ...p, projid: 'two' } : p,
        ),
      }),
      message: /^plan\.json is not a valid plan: projects\.1\.projid: .+; make the plan again with `plan --out`$/,
    },
    {
      name: 'an unknown right',
      text: JSON.stringify({ ...valid(), operation: { action: 'grant', right: 'Admin' } }),
      message: /^plan\.json is not a valid plan: operation\.right: /,
    },
    {
      name: 'an unknown skip code',
      text: JSON.stringify({
        ...valid(),
        projects: (valid()['projects'] as Record<string, unknown>[]).map((p, i) =>
          i === 3 ? { ...p, code: 'bored' } : p,
        ),
      }),
      message: /^plan\.json is not a valid plan: projects\.3\.code: /,
    },
    {
      name: 'a bad date',
      text: JSON.stringify({ ...valid(), createdAt: 'yesterday' }),
      message: /^plan\.json is not a valid plan: createdAt: /,
    },
    {
      name: 'the user missing',
      text: JSON.stringify({ ...valid(), user: undefined }),
      message: /^plan\.json is not a valid plan: user: /,
    },
  ];

  it.each(cases)('$name', ({ text, message }) => {
    const err = caught(() => parsePlanFile(text, 'plan.json'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).not.toContain('\n');
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });

  // An undo plan is only complete with each project's target: without it, `apply` would stop
  // later with "internal error: undo entry 1 has no target" instead of this one line.
  it('an undo plan whose project has lost its undo target', () => {
    const doc = JSON.parse(JSON.stringify(toPlanDocument(restorePlan()))) as { projects: Record<string, unknown>[] };
    delete doc.projects[0]?.['restore'];
    const err = caught(() => parsePlanFile(JSON.stringify(doc), 'plan.json'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^plan\.json is not a valid plan: .*projects\.0/);
  });
});
