import { describe, expect, it } from 'vitest';
import { ConflictError, TimeoutError } from '../../src/api/errors.js';
import type { MinUser, Project } from '../../src/api/schemas.js';
import { applyPlan } from '../../src/apply/run.js';
import { fixedLimit } from '../../src/apply/concurrency-limit.js';
import type { Plan } from '../../src/plan/model.js';
import { planEntry } from '../../src/plan/planner.js';
import { rightOf } from '../../src/plan/rights.js';
import { PUT, applyOne, grantView, setup } from '../support/apply-setup.js';
import { ScriptedJournal } from '../support/scripted-client.js';
import { CALLER, OTHER, USER, project } from '../support/factory.js';

/*
 * Edge cases of the apply engine found by an independent review against API-NOTES: a
 * lagging replica after a conflict or a lost answer, read-backs that never show an accepted
 * write, a client retry holding a slot, and --fix-contact judged on the state after the change.
 */

describe('a conflict retry never builds on a replica that has not seen the winner', () => {
  it("keeps the other writer's change when the re-read after the conflict lags", async () => {
    const s = setup();
    s.client.writeFault = (nth) => {
      if (nth !== 1) return undefined;
      // The colleague's PUT (adding OTHER as annotator) commits while ours runs; ours fails
      // on the unique index, nothing of it committed (transcript [89]). The replica has not
      // caught up with the colleague's commit yet (API-NOTES: up to about 2 s).
      s.client.lagReads = 1;
      void s.client.updateProject(101, { ...project(), annotators: [OTHER] });
      s.client.lagReads = 0;
      return { error: new ConflictError(PUT, 'UniqueViolation "IS_ProjectsPriv"') };
    };
    const { results } = await applyOne(s);
    expect(results[0]?.outcome).toBe('applied');
    expect(rightOf(s.client.projects.get(101) as Project, USER.id)).toBe('View');
    // A retry built on the replica's pre-conflict state would PUT it back whole, erasing the
    // colleague's Annotate right.
    expect(s.client.projects.get(101)?.annotators.map((m) => m.id)).toEqual([OTHER.id]);
  });
});

describe('a write EcoTaxa accepted is never reported "failed"', () => {
  it('a read-back that does not show an accepted write makes it unconfirmed, not failed', async () => {
    const s = setup();
    // Accepted (200) and committed; another writer then removes the viewer again.
    s.client.afterCommit = (id) => s.client.edit(id, (p) => (p.viewers = []));
    const report = await applyPlan(s.options);
    // The journal holds it as landed ...
    expect(s.journal.changes).toHaveLength(1);
    // ... and README ("Reads come from a replica") says such a change is called unconfirmed.
    // Its journal line counts it as applied: it is unconfirmed, never failed.
    expect(report.results[0]?.outcome).toBe('unconfirmed');
  });
});

describe('a lost write whose re-read shows another writer is not known to have failed', () => {
  it('after Ctrl-C, a write that landed behind a lagging replica is not reported as "did not land"', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.writeFault = (nth) => {
      if (nth !== 1) return undefined;
      // A colleague adds OTHER between our read and our PUT; our PUT then commits (erasing
      // it: last writer wins) but its answer is lost, and the replica still shows the
      // colleague's state.
      s.client.edit(101, (p) => (p.annotators = [OTHER]));
      s.client.lagReads = 1;
      interrupt.abort();
      return { error: new TimeoutError(PUT, 1000), commit: true };
    };
    const { results } = await applyOne(s);
    // Our write is on the server ...
    expect(rightOf(s.client.projects.get(101) as Project, USER.id)).toBe('View');
    // ... so the run must not say "a re-read shows the change did not land".
    expect(results[0]?.outcome).toBe('unconfirmed');
  });
});

describe('a project waiting out a read retry does not hold its slot', () => {
  it('lets another project go while the client backs off a failed read (concurrency 1)', async () => {
    const { EcoTaxaClient } = await import('../../src/api/client.js');
    const { startFakeServer } = await import('../support/fake-server.js');
    const { seedWorld } = await import('../support/seed.js');
    const { AQQUA, OWNER } = await import('../support/people.js');
    const fake = seedWorld();
    let wake: (() => void) | undefined;
    let reads1 = 0;
    const server = await startFakeServer(fake, {
      faults: (req) => {
        // Project 2 written: the backoff of project 1's read may end.
        if (req.method === 'PUT' && req.path.endsWith('/projects/2')) wake?.();
        if (req.method === 'GET' && req.path.endsWith('/projects') && req.query.get('project_ids') === '1') {
          reads1++;
          if (reads1 === 1) return { kind: 'status', status: 503 };
        }
        return undefined;
      },
    });
    try {
      const client = new EcoTaxaClient({
        baseUrl: server.url,
        token: fake.tokenFor(OWNER.id),
        timeoutMs: 5_000,
        userAgent: 'test',
        // The client's own read retry: wait until project 2 is written (or give up after 300 ms).
        sleep: () =>
          new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 300);
          }),
      });
      const me = await client.me();
      const user = (await client.getUser(AQQUA.id)) as MinUser;
      const projects = await client.getProjects([1, 2]);
      const plan: Plan = {
        createdAt: new Date(0),
        server: server.url,
        caller: me,
        user,
        operation: grantView,
        entries: projects.map((p) => planEntry(p, { caller: me, user }, grantView)),
        notes: [],
      };
      server.requests.length = 0;
      await applyPlan({
        client,
        plan,
        users: new Map([[user.id, user]]),
        concurrency: fixedLimit(1),
        strict: false,
        journal: new ScriptedJournal([]),
        sleep: () => Promise.resolve(),
        random: () => 0,
      });
      const puts = server.requests.filter((r) => r.method === 'PUT').map((r) => r.path);
      // Project 1 must not keep the only slot through a read backoff (one-worker servers run
      // at limit 1: one flaky read would stall the run).
      expect(puts).toEqual(['/projects/2', '/projects/1']);
    } finally {
      await server.close();
    }
  });
});

describe('--fix-contact judges the contact on the state after the change', () => {
  it('granting Manage to a legacy contact makes them a valid contact: no contact change needed', async () => {
    const { decide } = await import('../../src/plan/planner.js');
    // A legacy project: its contact (USER) is only a viewer, so EcoTaxa refuses updates today.
    const legacy = project({ viewers: [USER], contact: USER });
    const grantManage = { action: 'grant', right: 'Manage' } as const;
    const decision = decide(legacy, { caller: CALLER, user: USER, fixContact: true }, grantManage);
    expect(decision).toMatchObject({ kind: 'change', from: 'View', to: 'Manage' });
    // The caller must not be made contact: with USER among the managers, EcoTaxa accepts
    // the body as it is.
    expect(decision.kind === 'change' ? decision.contact : undefined).toBeUndefined();
  });
});
