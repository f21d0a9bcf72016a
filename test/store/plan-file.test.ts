import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AQQUA, COLLEAGUE, OWNER, VICTOR, who } from '../support/people.js';
import { caught } from '../support/caught.js';
import { InputError, UsageError } from '../../src/errors.js';
import { type Plan, operationFor } from '../../src/plan/model.js';
import {
  fromPlanDocument,
  isPlanFile,
  parsePlanFile,
  planFileText,
  readPlanFile,
  savePlanFile,
  toPlanDocument,
} from '../../src/store/plan-file.js';
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

/** A policy's plan about several users, one project of it about two. */
function syncPlan(): Plan {
  const colleague = { ...who(COLLEAGUE), organisation: 'AWI' };
  const victor = { ...who(VICTOR), organisation: null };
  return {
    createdAt: new Date('2026-01-17T08:00:00.000Z'),
    server: 'http://127.0.0.1:8088/api',
    caller,
    user,
    operation: { action: 'sync', policy: 'team.yaml' },
    entries: [
      {
        projid: 1,
        title: 'Kiel',
        fingerprint: 'a1b2c3d4e5f60718',
        decision: { kind: 'change', from: null, to: 'Annotate' },
        user: colleague,
        operation: { action: 'grant', right: 'Annotate' },
        rule: 'annotators',
      },
      {
        projid: 1,
        title: 'Kiel',
        fingerprint: 'a1b2c3d4e5f60718',
        decision: { kind: 'change', from: 'View', to: null },
        user: victor,
        operation: { action: 'revoke', right: 'View', anyRight: false },
        rule: 'leavers',
      },
      {
        projid: 2,
        title: 'Boknis',
        fingerprint: '0011223344556677',
        decision: { kind: 'unchanged', current: 'View', reason: 'already has View' },
        operation: { action: 'grant', right: 'View' },
      },
    ],
    notes: [],
  };
}

/** grant --fix-contact: two projects get the caller as contact, one had none. */
function fixContactPlan(): Plan {
  const to = { id: caller.id, name: caller.name, email: caller.email };
  const from = { id: 11, name: 'Carl Colleague', email: 'colleague@example.org' };
  return {
    ...grantPlan(),
    fixContact: true,
    entries: [
      {
        projid: 1,
        title: 'Legacy',
        fingerprint: 'ffeeddccbbaa9988',
        decision: { kind: 'change', from: null, to: 'View', contact: { from: null, to } },
      },
      {
        projid: 2,
        title: 'Orphan',
        fingerprint: '0011223344556677',
        decision: { kind: 'change', from: null, to: 'View', contact: { from, to } },
      },
      {
        projid: 3,
        title: 'Kept',
        fingerprint: '8899aabbccddeeff',
        decision: { kind: 'change', from: null, to: 'View' },
      },
    ],
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
    ['sync, about several users', syncPlan()],
    ['grant --fix-contact', fixContactPlan()],
  ])('%s: toPlanDocument → JSON → parsePlanFile gives the same plan', (_name, plan) => {
    // Strictly: a field set to undefined is not one left out (a spread of the entry would
    // overwrite with it).
    expect(roundTrip(plan)).toStrictEqual(plan);
    expect(fromPlanDocument(toPlanDocument(plan))).toStrictEqual(plan);
  });

  it('writes fixContact only when it is set', () => {
    expect(toPlanDocument(fixContactPlan()).fixContact).toBe(true);
    expect('fixContact' in toPlanDocument(grantPlan())).toBe(false);
    expect('fixContact' in toPlanDocument({ ...grantPlan(), fixContact: false })).toBe(false);
  });

  it('reads a creation time with an offset as that instant', () => {
    const doc = { ...toPlanDocument(grantPlan()), createdAt: '2026-01-15T12:20:30.456+02:00' };
    expect(parsePlanFile(JSON.stringify(doc), 'plan.json').createdAt).toEqual(grantPlan().createdAt);
  });

  it('reads an entry left without its reason or skip code as an empty reason and not-found', () => {
    const doc = toPlanDocument(grantPlan());
    const projects = doc.projects.map((p) => ({ ...p, reason: null, code: null }));
    const plan = parsePlanFile(JSON.stringify({ ...doc, projects }), 'plan.json');
    expect(plan.entries.slice(2, 4).map((e) => e.decision)).toStrictEqual([
      { kind: 'unchanged', current: 'Manage', reason: '' },
      { kind: 'skip', code: 'not-found', current: null, reason: '' },
    ]);
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
    // Only the fields of its kind: no undefined `restore`, `user`, `contact`... for a spread to copy.
    expect(doc.projects[1]).toStrictEqual({
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
    expect(doc.projects[2]).toStrictEqual({
      projid: 3,
      title: 'Gotland',
      fingerprint: '8899aabbccddeeff',
      action: 'unchanged',
      current: 'Manage',
      from: null,
      to: null,
      code: null,
      reason: 'already has Manage',
    });
    expect(doc.projects[4]).toMatchObject({ projid: 5, action: 'skip', code: 'not-found', fingerprint: null });
  });
});

describe('parsePlanFile refuses with one precise line', () => {
  const valid = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify(toPlanDocument(grantPlan()))) as Record<string, unknown>;
  const good = (): string => JSON.stringify(valid(), null, 2);

  // The texts are made in the test, not when the file is collected: a mutant of the module
  // that threw here would fail no test (Stryker's vitest runner counts the file's error as none).
  const cases: { name: string; text: () => string; message: string | RegExp }[] = [
    {
      name: 'not JSON',
      text: () => 'Plan: 2 to grant',
      message: 'plan.json is not valid JSON (truncated or edited?): make the plan again with `plan --out`',
    },
    {
      name: 'truncated file',
      text: () => good().slice(0, Math.floor(good().length / 2)),
      message: 'plan.json is not valid JSON (truncated or edited?): make the plan again with `plan --out`',
    },
    {
      name: 'empty file',
      text: () => '',
      message: 'plan.json is not valid JSON (truncated or edited?): make the plan again with `plan --out`',
    },
    {
      name: 'another JSON document',
      text: () => JSON.stringify({ ...valid(), format: 'terraform-plan' }),
      message: 'plan.json is not an ecotaxa-access plan (made by `ecotaxa-access plan ... --out FILE`)',
    },
    {
      name: 'a JSON array',
      text: () => '[1,2]',
      message: 'plan.json is not an ecotaxa-access plan (made by `ecotaxa-access plan ... --out FILE`)',
    },
    {
      name: 'JSON null',
      text: () => 'null',
      message: 'plan.json is not an ecotaxa-access plan (made by `ecotaxa-access plan ... --out FILE`)',
    },
    {
      name: 'a newer version',
      text: () => JSON.stringify({ ...valid(), version: 2 }),
      message:
        'plan.json is a plan of format version 2; this ecotaxa-access reads version 1: make the plan again with `plan --out`',
    },
    {
      name: 'no version',
      text: () => JSON.stringify({ ...valid(), version: undefined }),
      message: /^plan\.json is a plan of format version undefined; this ecotaxa-access reads version 1/,
    },
    {
      name: 'a bad projid',
      text: () =>
        JSON.stringify({
          ...valid(),
          projects: (valid()['projects'] as Record<string, unknown>[]).map((p, i) =>
            i === 1 ? { ...p, projid: 'two' } : p,
          ),
        }),
      message: /^plan\.json is not a valid plan: projects\.1\.projid: .+; make the plan again with `plan --out`$/,
    },
    {
      name: 'an unknown right',
      text: () => JSON.stringify({ ...valid(), operation: { action: 'grant', right: 'Admin' } }),
      message: /^plan\.json is not a valid plan: operation\.right: /,
    },
    {
      name: 'an unknown skip code',
      text: () =>
        JSON.stringify({
          ...valid(),
          projects: (valid()['projects'] as Record<string, unknown>[]).map((p, i) =>
            i === 3 ? { ...p, code: 'bored' } : p,
          ),
        }),
      message: /^plan\.json is not a valid plan: projects\.3\.code: /,
    },
    {
      name: 'a bad date',
      text: () => JSON.stringify({ ...valid(), createdAt: 'yesterday' }),
      message: /^plan\.json is not a valid plan: createdAt: /,
    },
    {
      name: 'the user missing',
      text: () => JSON.stringify({ ...valid(), user: undefined }),
      message: /^plan\.json is not a valid plan: user: /,
    },
    {
      name: 'a project listed twice',
      text: () =>
        JSON.stringify({
          ...valid(),
          projects: (valid()['projects'] as Record<string, unknown>[]).map((p, i) =>
            i === 2 ? { ...p, projid: 1 } : p,
          ),
        }),
      message:
        'plan.json is not a valid plan: projects.2.projid: project 1 is listed twice; make the plan again with `plan --out`',
    },
    {
      name: 'a summary without its skips',
      text: () => JSON.stringify({ ...valid(), summary: { change: 2, unchanged: 1 } }),
      message: /^plan\.json is not a valid plan: summary\.skip: /,
    },
    {
      name: 'an undo operation without its journal',
      text: () => JSON.stringify({ ...valid(), operation: { action: 'restore' } }),
      message: /^plan\.json is not a valid plan: operation\.journal: /,
    },
    {
      name: 'a sync operation without its policy',
      text: () => JSON.stringify({ ...valid(), operation: { action: 'sync' } }),
      message: /^plan\.json is not a valid plan: operation\.policy: /,
    },
  ];

  it.each(cases)('$name', ({ text, message }) => {
    const err = caught(() => parsePlanFile(text(), 'plan.json'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).not.toContain('\n');
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });

  const refusal = (plan: Plan, edit: (projects: Record<string, unknown>[]) => void): string => {
    const doc = JSON.parse(JSON.stringify(toPlanDocument(plan))) as { projects: Record<string, unknown>[] };
    edit(doc.projects);
    const err = caught(() => parsePlanFile(JSON.stringify(doc), 'plan.json'));
    expect(err).toBeInstanceOf(InputError);
    return err.message;
  };

  // An undo plan is only complete with each project's target: without it, `apply` would stop
  // later with "internal error: undo entry 1 has no target" instead of this one line.
  it('an undo plan whose project has lost its undo target', () => {
    expect(refusal(restorePlan(), (projects) => delete projects[1]?.['restore'])).toBe(
      'plan.json is not a valid plan: projects.1.restore: an undo plan needs a "restore" target on every project; make the plan again with `plan --out`',
    );
  });

  it('a sync plan whose project has lost its right change', () => {
    expect(refusal(syncPlan(), (projects) => delete projects[2]?.['operation'])).toBe(
      'plan.json is not a valid plan: projects.2.operation: a sync plan needs an "operation" on every project; make the plan again with `plan --out`',
    );
  });

  it('a project listed twice for the same user of a sync plan', () => {
    expect(refusal(syncPlan(), (projects) => (projects[1] = { ...projects[0] }))).toBe(
      'plan.json is not a valid plan: projects.1.projid: project 1 is listed twice; make the plan again with `plan --out`',
    );
  });

  it('a project of a sync plan whose own operation is not a grant or a revoke', () => {
    const message = refusal(syncPlan(), (projects) => {
      if (projects[2] !== undefined) projects[2]['operation'] = { action: 'sync', policy: 'team.yaml' };
    });
    expect(message).toMatch(/^plan\.json is not a valid plan: projects\.2\.operation\.action: /);
  });

  it('a contact change without the email of the new contact', () => {
    const message = refusal(fixContactPlan(), (projects) => {
      if (projects[1] !== undefined) projects[1]['contact'] = { from: null, to: { id: 9, name: 'Olivia Owner' } };
    });
    expect(message).toMatch(/^plan\.json is not a valid plan: projects\.1\.contact\.to\.email: /);
  });

  it('a former contact without a name', () => {
    const message = refusal(fixContactPlan(), (projects) => {
      if (projects[1] !== undefined)
        projects[1]['contact'] = { from: { id: 11, email: 'c@example.org' }, to: { id: 9, name: 'O', email: 'o@e' } };
    });
    expect(message).toMatch(/^plan\.json is not a valid plan: projects\.1\.contact\.from\.name: /);
  });
});

describe('isPlanFile', () => {
  it.each([
    ['a saved plan', () => planFileText(grantPlan()), true],
    ['a plan of another format version', () => JSON.stringify({ format: 'ecotaxa-access-plan', version: 7 }), true],
    ['another JSON document', () => JSON.stringify({ format: 'terraform-plan' }), false],
    ['JSON null', () => 'null', false],
    ['a JSON string', () => '"ecotaxa-access-plan"', false],
    ['not JSON', () => 'Plan: 2 to grant', false],
  ])('%s', (_name, text, expected) => {
    expect(isPlanFile(text())).toBe(expected);
  });
});

describe('plan files on disk', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-plan-'));
  });
  afterEach(() => {
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('planFileText is the document, indented, with a final line end', () => {
    const text = planFileText(grantPlan());
    expect(text.startsWith('{\n  "format": "ecotaxa-access-plan",\n  "version": 1,\n')).toBe(true);
    expect(text.endsWith('\n}\n')).toBe(true);
    expect(parsePlanFile(text, 'plan.json')).toStrictEqual(grantPlan());
  });

  it('saves a plan relative to the working directory, and reads it back', () => {
    expect(savePlanFile(cwd, 'plan.json', grantPlan(), false)).toBe(path.join(cwd, 'plan.json'));
    expect(fs.readFileSync(path.join(cwd, 'plan.json'), 'utf8')).toBe(planFileText(grantPlan()));
    expect(readPlanFile(cwd, 'plan.json')).toStrictEqual(grantPlan());
  });

  it('replaces a saved plan without --force', () => {
    savePlanFile(cwd, 'plan.json', restorePlan(), false);
    savePlanFile(cwd, 'plan.json', grantPlan(), false);
    expect(readPlanFile(cwd, 'plan.json')).toStrictEqual(grantPlan());
  });

  it('refuses to replace another file unless forced', () => {
    const file = path.join(cwd, 'notes.json');
    fs.writeFileSync(file, '{"todo": []}\n');
    const err = caught(() => savePlanFile(cwd, 'notes.json', grantPlan(), false));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(
      `--out ${file}: the file exists and is not a plan written by ecotaxa-access: choose another name, or add --force to replace it`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('{"todo": []}\n');
    savePlanFile(cwd, 'notes.json', grantPlan(), true);
    expect(readPlanFile(cwd, 'notes.json')).toStrictEqual(grantPlan());
  });

  it('names a plan it cannot read as the user typed it', () => {
    const err = caught(() => readPlanFile(cwd, 'missing.json'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('cannot read the plan missing.json: no such file');
  });

  it('names a damaged plan as the user typed it', () => {
    fs.writeFileSync(path.join(cwd, 'plan.json'), '{"format": "ecotaxa-access-plan", "version": 1');
    expect(caught(() => readPlanFile(cwd, 'plan.json')).message).toBe(
      'plan.json is not valid JSON (truncated or edited?): make the plan again with `plan --out`',
    );
  });
});
