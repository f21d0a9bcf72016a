import { describe, expect, it, vi } from 'vitest';
import type { MinUser } from '../../src/api/schemas.js';
import { decideWrite, planBaseline } from '../../src/apply/steps.js';
import { planEntry } from '../../src/plan/planner.js';
import { CALLER, USER, project } from '../support/factory.js';

/*
 * The last guard before a PUT: a body that would change more than the plan asked is never
 * sent. The planner cannot produce one, so two bugs are staged here: the run resolves AqQua's
 * id to the caller's account, and a planner that always changes the user it is asked about.
 */
vi.mock('../../src/plan/planner.js', async (original) => {
  const real = await original<typeof import('../../src/plan/planner.js')>();
  return {
    ...real,
    decide: (...args: Parameters<typeof real.decide>) => {
      const [p, ctx, op] = args;
      return op.action === 'grant' ? { kind: 'change', from: 'Manage', to: 'View' } : real.decide(p, ctx, op);
    },
  };
});

describe('decideWrite with a planner that has a bug', () => {
  it('sends nothing, and reports every change of the write failed with what was wrong', () => {
    const fresh = project();
    const entry = { ...planEntry(fresh, { caller: CALLER, user: USER }, { action: 'grant', right: 'View' }) };
    const users = new Map<number, MinUser>([[USER.id, CALLER]]);
    const ctx = {
      plan: { caller: CALLER, user: USER, operation: { action: 'grant', right: 'View' } as const },
      users,
      strict: false,
    };
    expect(decideWrite(ctx, [entry], fresh, planBaseline)).toStrictEqual({
      settled: [
        {
          projid: 101,
          title: fresh.title,
          userId: CALLER.id,
          outcome: 'failed',
          from: 'Manage',
          to: 'View',
          reason:
            'not sent, it would not be safe: your own right would change; no manager would be left; the contact would not be a manager (a bug: please report it)',
        },
      ],
      write: undefined,
    });
  });
});
