import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/model.js';
import { toPlanDocument } from '../../src/store/plan-file.js';
import { resultsDocument } from '../../src/store/results-document.js';
import { CALLER, OTHER, USER } from '../support/factory.js';

/* The `--json` document of a run that writes (README "JSON output"): its exact shape. */

function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    createdAt: new Date('2026-03-01T12:00:00.000Z'),
    server: 'http://127.0.0.1:8088/api',
    caller: CALLER,
    user: USER,
    operation: { action: 'grant', right: 'View' },
    entries: [
      { projid: 1, title: 'Kiel', fingerprint: 'f1', decision: { kind: 'change', from: null, to: 'View' } },
      { projid: 2, title: 'Gotland', fingerprint: 'f2', decision: { kind: 'change', from: null, to: 'View' } },
    ],
    notes: [],
    ...overrides,
  };
}

describe('resultsDocument', () => {
  it('holds the plan, one record per result with every key, the counts, and the journal', () => {
    const report = {
      results: [
        {
          projid: 1,
          title: 'Kiel',
          userId: USER.id,
          outcome: 'applied' as const,
          from: null,
          to: 'View' as const,
          verified: true,
        },
        {
          projid: 2,
          title: 'Gotland',
          userId: USER.id,
          outcome: 'skipped' as const,
          from: 'Annotate' as const,
          to: 'Annotate' as const,
          reason: 'changed since the plan (--strict)',
          drift: 'AqQua now has Annotate (none in the plan)',
        },
      ],
      interrupted: false,
      stopped: undefined,
    };
    expect(resultsDocument(plan(), report, '/home/o/.local/state/ecotaxa-access/journal/run.jsonl')).toStrictEqual({
      plan: toPlanDocument(plan()),
      results: [
        {
          projid: 1,
          title: 'Kiel',
          outcome: 'applied',
          from: null,
          to: 'View',
          reason: null,
          drift: null,
          verified: true,
          contact: null,
        },
        {
          projid: 2,
          title: 'Gotland',
          outcome: 'skipped',
          from: 'Annotate',
          to: 'Annotate',
          reason: 'changed since the plan (--strict)',
          drift: 'AqQua now has Annotate (none in the plan)',
          verified: null,
          contact: null,
        },
      ],
      summary: { applied: 1, unchanged: 0, skipped: 1, failed: 0, unconfirmed: 0, notStarted: 0 },
      interrupted: false,
      stopped: null,
      journal: '/home/o/.local/state/ecotaxa-access/journal/run.jsonl',
    });
  });

  it("names each result's user and rule in a plan about several users", () => {
    const several = plan({
      operation: { action: 'sync', policy: 'a.yaml' },
      entries: [
        {
          projid: 1,
          title: 'Kiel',
          fingerprint: 'f1',
          decision: { kind: 'change', from: null, to: 'View' },
          user: OTHER,
          operation: { action: 'grant', right: 'View' },
          rule: 'uvp',
        },
      ],
    });
    const report = {
      results: [
        {
          projid: 1,
          title: 'Kiel',
          userId: OTHER.id,
          outcome: 'not-started' as const,
          from: null,
          to: 'View' as const,
          rule: 'uvp',
        },
      ],
      interrupted: true,
      stopped: 'the token was rejected',
    };
    const doc = resultsDocument(several, report, undefined);
    expect(doc.results).toStrictEqual([
      {
        projid: 1,
        title: 'Kiel',
        outcome: 'not-started',
        from: null,
        to: 'View',
        reason: null,
        drift: null,
        verified: null,
        contact: null,
        userId: OTHER.id,
        rule: 'uvp',
      },
    ]);
    expect(doc.summary.notStarted).toBe(1);
    expect([doc.interrupted, doc.stopped, doc.journal]).toStrictEqual([true, 'the token was rejected', null]);
  });

  it('without a run (nothing to change), has no results and says nothing stopped it', () => {
    expect(resultsDocument(plan(), undefined, undefined)).toStrictEqual({
      plan: toPlanDocument(plan()),
      results: [],
      summary: { applied: 0, unchanged: 0, skipped: 0, failed: 0, unconfirmed: 0, notStarted: 0 },
      interrupted: false,
      stopped: null,
      journal: null,
    });
  });
});
