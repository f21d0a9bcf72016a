import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { AQQUA, OWNER, who } from '../support/people.js';
import type { ApplyReport } from '../../src/apply/run.js';
import type { ApplyResult } from '../../src/plan/results.js';
import type { Plan, PlanEntry } from '../../src/plan/model.js';
import { doneLine, nextSteps, problemLines, problemSummary, renderResults } from '../../src/render/results.js';

const plain = new Chalk({ level: 0 });
const caller = who(OWNER);
const user = who(AQQUA);

const change = (projid: number, title = `Project ${projid}`): PlanEntry => ({
  projid,
  title,
  fingerprint: 'f',
  decision: { kind: 'change', from: null, to: 'View' },
});
const unchanged = (projid: number): PlanEntry => ({
  projid,
  title: `Project ${projid}`,
  fingerprint: 'f',
  decision: { kind: 'unchanged', current: 'View', reason: 'already has View' },
});
const skip = (projid: number, reason = 'you are not a manager of this project'): PlanEntry => ({
  projid,
  title: `Project ${projid}`,
  fingerprint: 'f',
  decision: { kind: 'skip', code: 'not-manager', current: null, reason },
});

function plan(entries: PlanEntry[]): Plan {
  return {
    createdAt: new Date('2026-01-15T10:00:00Z'),
    server: 'https://ecotaxa.obs-vlfr.fr/api',
    caller,
    user,
    operation: { action: 'grant', right: 'View' },
    entries,
    notes: [],
  };
}

const result = (projid: number, outcome: ApplyResult['outcome'], extra: Partial<ApplyResult> = {}): ApplyResult => ({
  projid,
  title: `Project ${projid}`,
  userId: 10,
  outcome,
  from: null,
  to: 'View',
  ...extra,
});

const report = (results: ApplyResult[], more: Partial<ApplyReport> = {}): ApplyReport => ({
  results,
  interrupted: false,
  stopped: undefined,
  ...more,
});

describe('doneLine', () => {
  it('counts every entry of the plan: the plan’s skips and unchanged with those found at write time', () => {
    const p = plan([change(1), change(2), change(3), change(4), unchanged(5), skip(6)]);
    const r = report([
      result(1, 'applied'),
      result(2, 'failed', { reason: 'x' }),
      result(3, 'unchanged', { reason: 'already has View' }),
      result(4, 'skipped', { reason: 'y' }),
    ]);
    expect(doneLine(p, r)).toBe('Done: 1 granted, 1 failed, 2 skipped, 2 already done.');
  });

  it('says Interrupted or Stopped, with what was not started', () => {
    const p = plan([change(1), change(2)]);
    expect(doneLine(p, report([result(1, 'applied'), result(2, 'not-started')], { interrupted: true }))).toBe(
      'Interrupted: 1 granted, 0 failed, 1 not started.',
    );
    expect(doneLine(p, report([result(1, 'applied'), result(2, 'not-started')], { stopped: 'token' }))).toBe(
      'Stopped: 1 granted, 0 failed, 1 not started.',
    );
  });
});

describe('nextSteps', () => {
  it.each([
    ['nothing left', [result(1, 'applied')], []],
    [
      'one failure, in words',
      [result(1, 'failed')],
      [
        'Next: run the same command again to retry the one that failed: it reads each project again and changes only what is left.',
      ],
    ],
    [
      'failures, unconfirmed and not started together',
      [result(1, 'failed'), result(2, 'failed'), result(3, 'unconfirmed'), result(4, 'not-started')],
      [
        'Next: run the same command again to retry the 2 that failed and check the 1 unconfirmed and do the 1 not started: it reads each project again and changes only what is left.',
      ],
    ],
    [
      'one skip',
      [result(1, 'skipped')],
      ['The project skipped stays as it is: its reason says why, and what would change that.'],
    ],
  ] as [string, ApplyResult[], string[]][])('%s', (_name, results, steps) => {
    expect(nextSteps(plan(results.map((r) => change(r.projid))), report(results))).toEqual(steps);
  });
});

describe('renderResults', () => {
  it('prints only the counts when all went well', () => {
    const p = plan([change(1), unchanged(2)]);
    expect(renderResults(p, report([result(1, 'applied')]), { color: plain })).toBe(
      'Done: 1 granted, 0 failed, 1 already done.',
    );
  });

  it('lists failures, skips and projects that changed since the plan; counts those not started', () => {
    const p = plan([change(1), change(2), change(3), change(4), change(5), skip(6)]);
    const r = report(
      [
        result(1, 'applied'),
        result(2, 'failed', { reason: 'EcoTaxa refused (403)' }),
        result(3, 'unchanged', { reason: 'already has Manage', drift: 'AqQua now has Manage (none in the plan)' }),
        result(4, 'not-started'),
        result(5, 'not-started'),
      ],
      { interrupted: true },
    );
    expect(renderResults(p, r, { color: plain }).split('\n')).toEqual([
      '     ID  TITLE      RESULT',
      '  ✗   2  Project 2  failed: EcoTaxa refused (403)',
      '  =   3  Project 3  unchanged: already has Manage [changed since the plan: AqQua now has Manage (none in the plan)]',
      '  !   6  Project 6  skipped: you are not a manager of this project',
      '  · 2 changes not started: the run stopped before their turn',
      '',
      'Interrupted: 1 granted, 1 failed, 2 not started, 1 skipped, 1 already done.',
      'Next: run the same command again to retry the one that failed and do the 2 not started: it reads each project again and changes only what is left.',
      'The project skipped stays as it is: its reason says why, and what would change that.',
    ]);
  });
});

describe('renderResults in colour', () => {
  it('colours each glyph and result by how it ended, and the counts line bold', () => {
    const c = new Chalk({ level: 1 });
    const p = plan([change(1), change(2), change(3), change(4), skip(5)]);
    const r = report([
      result(1, 'applied', { drift: 'Carl now has View' }),
      result(2, 'failed', { reason: 'refused' }),
      result(3, 'unconfirmed', { reason: 'not seen' }),
      result(4, 'unchanged', { reason: 'already', drift: 'AqQua now has View' }),
    ]);
    expect(renderResults(p, r, { color: c }).split('\n')).toEqual([
      `  ${c.bold(' ')}  ${c.bold('ID')}  ${c.bold('TITLE')}      ${c.bold('RESULT')}`,
      `  ${c.green('✓')}   1  Project 1  ${c.green('none → View [changed since the plan: Carl now has View]')}`,
      `  ${c.red('✗')}   2  Project 2  ${c.red('failed: refused')}`,
      `  ${c.red('?')}   3  Project 3  ${c.red('unconfirmed: not seen')}`,
      `  ${c.dim('=')}   4  Project 4  ${c.dim('unchanged: already [changed since the plan: AqQua now has View]')}`,
      `  ${c.magenta('!')}   5  Project 5  ${c.magenta('skipped: you are not a manager of this project')}`,
      '',
      c.bold('Done: 1 granted, 1 failed, 1 unconfirmed, 1 skipped, 1 already done.'),
      expect.stringMatching(/^Next: /),
      expect.stringMatching(/^The project skipped/),
    ]);
  });
});

describe('problemLines and problemSummary', () => {
  const p = plan([
    change(1),
    change(2),
    skip(3),
    skip(4),
    {
      ...skip(999),
      title: '',
      decision: { kind: 'skip', code: 'not-found', current: null, reason: 'not found, or you have no right on it' },
    },
  ]);
  const results = [result(1, 'failed', { reason: 'boom' }), result(2, 'skipped', { reason: 'changed' })];

  it('makes failures and skips of named projects errors, the other skips notes, by project id', () => {
    expect(problemLines(p, results, new Set([2, 3, 999]))).toEqual({
      failed: ['project 1 (Project 1): failed: boom'],
      named: [
        'project 2 (Project 2): skipped: changed',
        'project 3 (Project 3): skipped: you are not a manager of this project',
        'project 999: not found, or you have no right on it',
      ],
      namedIds: [2, 3, 999],
      notes: ['project 4 (Project 4): skipped: you are not a manager of this project'],
    });
  });

  it.each([
    [
      new Set([2, 3, 999]),
      '1 change failed; 3 projects you named cannot be changed or were not found (2, 3, 999): the list above says why',
    ],
    [
      new Set([3]),
      '1 change failed; a project you named cannot be changed or was not found (3): the list above says why',
    ],
    [new Set<number>(), '1 change failed: the list above says why'],
  ])('sums them up in one line for a terminal (named %o)', (named, line) => {
    expect(problemSummary(problemLines(p, results, named))).toBe(line);
  });

  it('has nothing to say when nothing went wrong', () => {
    expect(
      problemSummary(problemLines(plan([change(1), skip(2)]), [result(1, 'applied')], new Set([1]))),
    ).toBeUndefined();
  });
});
