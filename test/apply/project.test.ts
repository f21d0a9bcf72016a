import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../../src/api/errors.js';
import type { Project } from '../../src/api/schemas.js';
import { applyPlan } from '../../src/apply/run.js';
import type { PlanEntry } from '../../src/plan/model.js';
import { planEntry } from '../../src/plan/planner.js';
import { rightOf } from '../../src/plan/rights.js';
import { type ScriptedEcoTaxa, request } from '../support/scripted-client.js';
import { GET, PUT, applyOne, grantPlan, grantView, setup } from '../support/apply-setup.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

const viewerNow = (client: ScriptedEcoTaxa, id = 101): string | null =>
  rightOf(client.projects.get(id) as Project, USER.id);

/** The project as an anonymous visitor reads it (an expired token): no member at all. */
function asAVisitorSeesIt(client: ScriptedEcoTaxa, projid: number): void {
  client.edit(projid, (p) => {
    p.managers = [];
    p.annotators = [];
    p.viewers = [];
  });
}

describe('applyProject: the path without faults', () => {
  it('reads, journals the intent, writes, journals the change, in that order', async () => {
    const s = setup();
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101', 'intent 101 10 none->View', 'PUT 101', 'change 101 10 none->View']);
    // Exactly these fields: no reason, drift or contact where there is nothing to say.
    expect(results).toStrictEqual([
      { projid: 101, title: project().title, userId: USER.id, outcome: 'applied', from: null, to: 'View' },
    ]);
    expect(viewerNow(s.client)).toBe('View');
  });
});

describe('applyProject: write conflicts', () => {
  it('reads, decides and writes again after a conflict, keeping the other writer change', async () => {
    const s = setup();
    // The colleague's write won; ours failed on the unique index, nothing of it committed.
    s.client.writeFault = (nth) => {
      if (nth !== 1) return undefined;
      s.client.edit(101, (p) => (p.annotators = [OTHER]));
      return { error: new ConflictError(PUT, 'UniqueViolation "IS_ProjectsPriv"') };
    };
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual([
      'read 101',
      'intent 101 10 none->View',
      'PUT 101',
      'not landed 101 10 none->View',
      'read 101',
      'intent 101 10 none->View',
      'PUT 101',
      'change 101 10 none->View',
    ]);
    expect(results[0]).toMatchObject({ outcome: 'applied', drift: 'other rights or the contact changed' });
    expect(s.client.projects.get(101)?.annotators).toEqual([OTHER]);
    expect(s.sleeps).toHaveLength(1);
  });

  it('gives up after three conflicts in a row and says what to do', async () => {
    const s = setup();
    s.client.writeFault = () => ({ error: new ConflictError(PUT, 'UniqueViolation "IS_ProjectsPriv"') });
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(4);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason: 'changed by someone else at the same time (4 write conflicts): run the same command again',
    });
    expect(viewerNow(s.client)).toBeNull();
  });
});

describe('applyProject: a write that certainly never reached the server', () => {
  it('is sent again after a fresh read, with no replica wait', async () => {
    const s = setup();
    s.client.writeFault = (nth) =>
      nth === 1 ? { error: new ConnectionError(PUT, 'ECONNREFUSED', 'connection refused') } : undefined;
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'PUT 101',
      'read 101',
      'PUT 101',
    ]);
    expect(s.sleeps).toEqual([500]);
    expect(results[0]?.outcome).toBe('applied');
  });

  it('is reported with its reason when it is not worth another try', async () => {
    const s = setup();
    s.client.writeFault = () => ({ error: new PermissionDeniedError(PUT, "You can't do this.") });
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason: 'EcoTaxa refused: you are not allowed to change this project (403)',
    });
  });
});

describe('applyProject: a write whose answer was lost', () => {
  it('is found by a re-read when it landed, counted once, and never sent again', async () => {
    const s = setup();
    s.client.writeFault = (nth) =>
      nth === 1
        ? {
            error: new ServerError(PUT, 502, 'EcoTaxa is unavailable: 502', undefined, {
              transient: true,
              delivery: 'maybe',
            }),
            commit: true,
          }
        : undefined;
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(results[0]).toMatchObject({
      outcome: 'applied',
      reason: "landed although EcoTaxa's answer was lost (EcoTaxa is unavailable: 502)",
    });
    expect(s.journal.changes).toHaveLength(1);
  });

  it('is sent again only once re-reads through the replica lag show it did not land', async () => {
    const s = setup();
    s.client.writeFault = (nth) => (nth === 1 ? { error: new TimeoutError(PUT, 1000) } : undefined);
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'PUT 101',
      'read 101',
      'read 101',
      'read 101',
      'read 101',
      'PUT 101',
    ]);
    // The backoff, then the three replica waits of the settle.
    expect(s.sleeps).toEqual([500, 1_000, 1_000, 1_000]);
    expect(results[0]).toMatchObject({ outcome: 'applied' });
  });

  it('on the last attempt, is settled before it is reported: a write that landed is never "failed"', async () => {
    const s = setup([project()], { budget: { maxAttempts: 1 } });
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000), commit: true });
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: 'applied' });
  });

  it('on the last attempt, is reported as not landed when re-reads show so', async () => {
    const s = setup([project()], { budget: { maxAttempts: 1 } });
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000) });
    const { results } = await applyOne(s);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason: `EcoTaxa at ${PUT.server} did not answer PUT /projects/101 within 1 s: try again, or raise --timeout; a re-read shows the change did not land: run the same command again`,
    });
  });

  it('is "unconfirmed" when the project cannot be read again, never "failed"', async () => {
    const s = setup([project()], { budget: { maxAttempts: 1 } });
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000), commit: true });
    s.client.readFault = (nth) => (nth > 1 ? new TimeoutError(GET, 1000) : undefined);
    const { results } = await applyOne(s);
    expect(results[0]?.outcome).toBe('unconfirmed');
    expect(results[0]?.reason).toMatch(/the change may have landed/);
  });

  it('keeps its intent while its fate is unknown: never withdrawn, so undo knows it may have landed', async () => {
    const s = setup([project()], { budget: { maxAttempts: 1 } });
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000), commit: true });
    s.client.readFault = (nth) => (nth > 1 ? new PermissionDeniedError(GET, "You can't do this.") : undefined);
    const { results } = await applyOne(s);
    expect(results[0]?.outcome).toBe('unconfirmed');
    expect(s.client.log).toEqual(['read 101', 'intent 101 10 none->View', 'PUT 101', 'read 101']);
  });

  it('after Ctrl-C, is still re-read and reported as landed when it did', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.writeFault = () => {
      interrupt.abort();
      return { error: new TimeoutError(PUT, 1000), commit: true };
    };
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read'))).toHaveLength(2);
    expect(results[0]).toMatchObject({ outcome: 'applied' });
    expect(s.journal.changes).toHaveLength(1);
  });

  it('after Ctrl-C, is re-read and reported as not landed, never sent again', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.writeFault = () => {
      interrupt.abort();
      return { error: new TimeoutError(PUT, 1000) };
    };
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(s.client.log.filter((l) => l.startsWith('read'))).toHaveLength(5);
    // No backoff after Ctrl-C: only the replica waits that find out where the write went.
    expect(s.sleeps).toEqual([1_000, 1_000, 1_000]);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason:
        "interrupted after EcoTaxa's answer was lost; a re-read shows the change did not land: run the same command again",
    });
  });
});

describe('applyProject: reads that fail for a passing reason', () => {
  it('are retried at once with a short backoff that does not use up the attempts of the write', async () => {
    const s = setup([project()], { budget: { maxAttempts: 2 } });
    s.client.readFault = (nth) => (nth <= 3 ? new TimeoutError(GET, 1000) : undefined);
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'read 101',
      'read 101',
      'read 101',
      'PUT 101',
    ]);
    expect(s.sleeps).toEqual([500, 1_000, 2_000]);
    expect(results[0]?.outcome).toBe('applied');
  });

  it('are not retried after Ctrl-C', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.readFault = () => {
      interrupt.abort();
      return new TimeoutError(GET, 1000);
    };
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101']);
    expect(s.sleeps).toEqual([]);
    expect(results[0]?.outcome).toBe('not-started');
  });
});

describe('applyProject: stopping', () => {
  it('starts nothing after Ctrl-C', async () => {
    const interrupt = new AbortController();
    interrupt.abort();
    const s = setup([project()], { signal: interrupt.signal });
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual([]);
    expect(results[0]).toMatchObject({ outcome: 'not-started', reason: 'interrupted' });
  });

  it('Ctrl-C during a backoff stops the retries: no request after it', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.readFault = (nth) => (nth === 1 ? new TimeoutError(GET, 1000) : undefined);
    s.options.sleep = () => {
      interrupt.abort();
      return new Promise(() => undefined);
    };
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101']);
    expect(results[0]?.outcome).toBe('not-started');
  });

  it('a rejected token stops every new write, and says why', async () => {
    const s = setup();
    s.client.writeFault = () => ({ error: new AuthenticationError(PUT) });
    const { results, run } = await applyOne(s);
    expect(results[0]?.outcome).toBe('failed');
    expect(run.fatal).toMatch(/rejected your token/);
  });

  it('a journal that cannot take the intent stops the run before anything is sent', async () => {
    const s = setup();
    s.journal.failIntent = true;
    const { results, run } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101']);
    expect(results[0]).toMatchObject({ outcome: 'not-started' });
    expect(run.fatal).toMatch(/the journal could not be written \(ENOSPC/);
  });

  it('a journal that cannot withdraw the intent of a write never sent stops the run: that write is not sent again', async () => {
    const s = setup();
    s.journal.failRecord = true;
    s.client.writeFault = () => ({ error: new ConnectionError(PUT, 'ECONNREFUSED', 'connection refused') });
    const { results, run } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101', 'intent 101 10 none->View', 'PUT 101']);
    expect(results[0]?.outcome).toBe('not-started');
    expect(run.fatal).toBe('the journal could not be written (EIO: i/o error)');
  });

  it('a write that landed but could not be journaled is reported so, and stops new writes', async () => {
    const s = setup();
    s.journal.failRecord = true;
    const { results, run } = await applyOne(s);
    expect(results[0]).toMatchObject({ outcome: 'applied', reason: 'not in the journal: undo will not know of it' });
    expect(run.fatal).toMatch(/undo will not know of the last changes/);
  });
});

describe('applyProject: several users of one project', () => {
  it('makes all their changes in one write', async () => {
    const p = project({ viewers: [OTHER] });
    const s = setup([p]);
    const entries: PlanEntry[] = [
      { ...planEntry(p, { caller: CALLER, user: USER }, grantView), user: USER },
      { ...planEntry(p, { caller: CALLER, user: THIRD }, grantView), user: THIRD },
    ];
    s.plan.entries = entries;
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual([
      'read 101',
      'intent 101 10 none->View',
      'intent 101 12 none->View',
      'PUT 101',
      'change 101 10 none->View',
      'change 101 12 none->View',
    ]);
    expect(results.map((r) => [r.userId, r.outcome])).toEqual([
      [USER.id, 'applied'],
      [THIRD.id, 'applied'],
    ]);
    expect(s.client.projects.get(101)?.viewers.map((m) => m.id)).toEqual([OTHER.id, USER.id, THIRD.id]);
  });

  it('after a lost answer the re-read verifies the written changes only, not a user already as planned', async () => {
    const p = project();
    const s = setup([p]);
    s.plan.entries = [
      { ...planEntry(p, { caller: CALLER, user: USER }, grantView), user: USER },
      { ...planEntry(p, { caller: CALLER, user: THIRD }, grantView), user: THIRD },
    ];
    // THIRD got View from someone else since the plan: nothing to write for THIRD.
    s.client.edit(101, (q) => (q.viewers = [THIRD]));
    s.client.writeFault = (nth) => (nth === 1 ? { error: new TimeoutError(PUT, 1000), commit: true } : undefined);
    const { results } = await applyOne(s);
    expect(results.map((r) => [r.userId, r.outcome, r.verified])).toEqual([
      [USER.id, 'applied', true],
      [THIRD.id, 'unchanged', undefined],
    ]);
  });
});

describe('applyPlan', () => {
  it('works on every planned project, reads them back, and reports progress', async () => {
    const projects = [101, 102, 103].map((projid) => project({ projid, title: `P${projid}` }));
    const progress: number[] = [];
    const s = setup(projects, { onProgress: (p) => progress.push(p.done) });
    const report = await applyPlan(s.options);
    expect(report.results.map((r) => [r.projid, r.outcome, r.verified])).toEqual([
      [101, 'applied', true],
      [102, 'applied', true],
      [103, 'applied', true],
    ]);
    expect(progress).toEqual([1, 2, 3]);
    expect(s.client.log.at(-1)).toBe('read 101,102,103');
  });

  it('lets another project use the slot while one waits out a backoff (concurrency 1)', async () => {
    const projects = [101, 102].map((projid) => project({ projid, title: `P${projid}` }));
    let wake: (() => void) | undefined;
    const s = setup(projects, {
      sleep: () =>
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
    });
    s.client.readFault = (nth) => (nth === 1 ? new TimeoutError(GET, 1000) : undefined);
    s.client.afterCommit = (id) => {
      // Project 102 was written while 101 was still waiting: now 101 may go on.
      if (id === 102) wake?.();
    };
    const report = await applyPlan(s.options);
    expect(s.client.log.filter((l) => l.startsWith('read 1') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'read 102',
      'PUT 102',
      'read 101',
      'PUT 101',
      'read 101,102',
    ]);
    expect(report.results.map((r) => [r.projid, r.outcome])).toEqual([
      [101, 'applied'],
      [102, 'applied'],
    ]);
  });

  it('calls a write unconfirmed when read-backs keep showing the old state', async () => {
    const s = setup();
    s.client.afterCommit = (id) => s.client.edit(id, (p) => (p.viewers = []));
    const report = await applyPlan(s.options);
    expect(report.results[0]).toMatchObject({
      outcome: 'unconfirmed',
      verified: false,
      reason:
        'EcoTaxa accepted the update but read-backs, after waiting for its replica, do not show it (another writer, or an inactive account): check the project',
    });
  });
});

describe('applyProject: reading the project fresh', () => {
  it('a refusal is reported at once, without counting attempts', async () => {
    const s = setup();
    s.client.readFault = () => new PermissionDeniedError(GET, "You can't do this.");
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101']);
    expect(results).toStrictEqual([
      {
        projid: 101,
        title: project().title,
        userId: USER.id,
        outcome: 'failed',
        from: null,
        to: 'View',
        reason: 'EcoTaxa refused: you are not allowed to change this project (403)',
      },
    ]);
  });

  it('a passing failure is tried again within the budget, then reported with the attempts made', async () => {
    const s = setup([project()], { budget: { maxAttempts: 3 } });
    s.client.readFault = () => new TimeoutError(GET, 1000);
    const { results } = await applyOne(s);
    // Each attempt's read has its own short retries; the last attempt, with the budget spent, has none.
    expect(s.client.log).toEqual(Array<string>(11).fill('read 101'));
    expect(s.sleeps).toEqual([500, 1_000, 2_000, 4_000, 500, 500, 1_000, 2_000, 4_000, 1_000]);
    expect(results[0]?.reason).toBe(
      `EcoTaxa at ${GET.server} did not answer GET /projects?project_ids=101 within 1 s: try again, or raise --timeout (after 3 attempts)`,
    );
  });

  it('a rejected token stops the run: the project is not started, and nothing else will be', async () => {
    const s = setup();
    s.client.readFault = () => new AuthenticationError(GET);
    const { results, run } = await applyOne(s);
    const why = `EcoTaxa at ${GET.server} rejected your token (invalid or expired): run \`ecotaxa-access login\``;
    expect(run.fatal).toBe(why);
    expect(results[0]).toMatchObject({ outcome: 'not-started', reason: why });
  });

  it('a project no longer shown is reported failed, with what may have happened', async () => {
    const s = setup();
    s.client.projects.delete(101);
    const { results } = await applyOne(s);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason: 'EcoTaxa no longer shows you this project (deleted, or your right removed)',
    });
  });

  it('a project that needs no write any more is reported unchanged: nothing journaled, nothing sent', async () => {
    const s = setup();
    s.client.edit(101, (p) => (p.viewers = [USER]));
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101']);
    expect(results).toStrictEqual([
      {
        projid: 101,
        title: project().title,
        userId: USER.id,
        outcome: 'unchanged',
        from: 'View',
        to: 'View',
        reason: 'already has View',
        drift: 'AqQua now has View (none in the plan)',
      },
    ]);
  });

  it('Ctrl-C while the project is read: nothing journaled, nothing sent', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.readFault = () => {
      interrupt.abort();
      return undefined;
    };
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101']);
    expect(results[0]).toMatchObject({ outcome: 'not-started', reason: 'interrupted' });
  });

  it('Ctrl-C while the intent is journaled: the write is not sent, and its intent withdrawn', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    const journal = s.journal;
    s.options.journal = {
      ...journal,
      open: () => journal.open(),
      record: (c) => journal.record(c),
      notLanded: (c) => journal.notLanded(c),
      finish: (o) => journal.finish(o),
      intend: async (change) => {
        await journal.intend(change);
        interrupt.abort();
      },
    };
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101', 'intent 101 10 none->View', 'not landed 101 10 none->View']);
    expect(results[0]).toMatchObject({ outcome: 'not-started', reason: 'interrupted' });
  });
});

describe('applyProject: what its results carry', () => {
  it("a write sent a second time says so, next to the right's change", async () => {
    const s = setup();
    s.client.writeFault = (nth) =>
      nth === 1 ? { error: new ConnectionError(PUT, 'ECONNREFUSED', 'connection refused') } : undefined;
    const { results } = await applyOne(s);
    expect(results).toStrictEqual([
      {
        projid: 101,
        title: project().title,
        userId: USER.id,
        outcome: 'applied',
        from: null,
        to: 'View',
        reason:
          'written again: an earlier attempt failed without being carried out, or a re-read showed it had not landed',
      },
    ]);
  });

  it('a single write conflict is named in the singular', async () => {
    const s = setup([project()], { budget: { maxConflicts: 0 } });
    s.client.writeFault = () => ({ error: new ConflictError(PUT, 'UniqueViolation "IS_ProjectsPriv"') });
    const { results } = await applyOne(s);
    expect(results[0]?.reason).toBe(
      'changed by someone else at the same time (1 write conflict): run the same command again',
    );
  });

  it('each result carries its policy rule, whatever happened (sync)', async () => {
    const interrupt = new AbortController();
    interrupt.abort();
    const s = setup([project()], { signal: interrupt.signal });
    s.plan.entries = s.plan.entries.map((e) => ({ ...e, rule: 'AqQua views everything' }));
    const stopped = await applyOne(s);
    expect(stopped.results).toStrictEqual([
      {
        projid: 101,
        title: project().title,
        userId: USER.id,
        outcome: 'not-started',
        from: null,
        to: 'View',
        reason: 'interrupted',
        rule: 'AqQua views everything',
      },
    ]);
    const s2 = setup();
    s2.plan.entries = s2.plan.entries.map((e) => ({ ...e, rule: 'AqQua views everything' }));
    expect((await applyOne(s2)).results[0]?.rule).toBe('AqQua views everything');
  });

  it('a contact set by --fix-contact rides on the first journal line of the write only', async () => {
    const legacy = project({ annotators: [OTHER], contact: OTHER });
    const s = setup([legacy]);
    const plan = { ...s.plan, fixContact: true };
    plan.entries = [USER, THIRD].map((user) => ({
      ...planEntry(legacy, { caller: CALLER, user, fixContact: true }, grantView),
      user,
    }));
    s.options.plan = plan;
    s.plan.entries = plan.entries;
    const { results } = await applyOne(s);
    const contact = {
      before: { id: OTHER.id, name: OTHER.name, email: OTHER.email },
      after: { id: CALLER.id, name: CALLER.name, email: CALLER.email },
    };
    expect(s.journal.changes).toStrictEqual([
      { projid: 101, title: legacy.title, userId: USER.id, before: null, after: 'View', contact },
      { projid: 101, title: legacy.title, userId: THIRD.id, before: null, after: 'View' },
    ]);
    expect(s.journal.intents).toStrictEqual(s.journal.changes);
    expect(results.map((r) => r.contact)).toEqual([
      { from: contact.before, to: contact.after },
      { from: contact.before, to: contact.after },
    ]);
    expect(s.client.projects.get(101)?.contact).toEqual(CALLER);
  });
});

describe('applyProject: settling a lost answer', () => {
  const lost = (commit = false) => ({ error: new TimeoutError(PUT, 1000), commit });

  it('a failure that is not even an API error may have landed too: it is settled, not sent again', async () => {
    const s = setup();
    s.client.writeFault = (nth) => (nth === 1 ? { error: new Error('socket went away'), commit: true } : undefined);
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(results[0]).toMatchObject({
      outcome: 'applied',
      reason: "landed although EcoTaxa's answer was lost (socket went away)",
    });
  });

  it('a re-read that fails for a moment is tried again after a short read retry', async () => {
    const s = setup();
    s.client.writeFault = (nth) => (nth === 1 ? lost(true) : undefined);
    s.client.readFault = (nth) => (nth === 2 ? new TimeoutError(GET, 1000) : undefined);
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'PUT 101',
      'read 101',
      'read 101',
    ]);
    // The pause after the lost answer, then the read's own retry.
    expect(s.sleeps).toEqual([500, 500]);
    expect(results[0]?.outcome).toBe('applied');
  });

  it('a re-read that cannot be made is "unconfirmed" at once when not worth another try', async () => {
    const s = setup();
    s.client.writeFault = () => lost(true);
    s.client.readFault = (nth) => (nth > 1 ? new PermissionDeniedError(GET, "You can't do this.") : undefined);
    const { results, run } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read'))).toHaveLength(2);
    expect(results[0]).toMatchObject({
      outcome: 'unconfirmed',
      reason: `EcoTaxa's answer was lost (EcoTaxa at ${PUT.server} did not answer PUT /projects/101 within 1 s: try again, or raise --timeout) and the project could not be read again (EcoTaxa refused GET /projects?project_ids=101: you are not allowed to do this (403 You can't do this.)): the change may have landed; check the project, or run the same command again`,
    });
    expect(run.fatal).toBeUndefined();
  });

  it('a re-read refused for the token stops the run, the write "unconfirmed"', async () => {
    const s = setup();
    s.client.writeFault = () => lost(true);
    s.client.readFault = (nth) => (nth > 1 ? new AuthenticationError(GET) : undefined);
    const { results, run } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read'))).toHaveLength(2);
    expect(results[0]?.outcome).toBe('unconfirmed');
    expect(run.fatal).toMatch(/rejected your token/);
  });

  it('a re-read failing with the budget spent gets five more tries, without short retries, then "unconfirmed"', async () => {
    const s = setup([project()], { budget: { maxAttempts: 2 } });
    s.client.writeFault = () => lost(true);
    s.client.readFault = (nth) => (nth > 1 ? new TimeoutError(GET, 1000) : undefined);
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'PUT 101',
      ...Array<string>(6).fill('read 101'),
    ]);
    expect(s.sleeps).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(results[0]?.outcome).toBe('unconfirmed');
  });

  it('on the last chance, a re-read that fails for a moment has its short retry: the write is found landed', async () => {
    const s = setup();
    // A failure that will not pass by trying again, after which the write may still have landed.
    s.client.writeFault = () => ({
      error: new ServerError(PUT, 500, 'EcoTaxa failed', undefined, { transient: false, delivery: 'maybe' }),
      commit: true,
    });
    s.client.readFault = (nth) => (nth === 2 ? new TimeoutError(GET, 1000) : undefined);
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'PUT 101',
      'read 101',
      'read 101',
    ]);
    expect(s.sleeps).toEqual([500]);
    expect(results[0]).toMatchObject({
      outcome: 'applied',
      reason: "landed although EcoTaxa's answer was lost (EcoTaxa failed)",
    });
  });

  it('after Ctrl-C during the pause before the re-read, a re-read that fails is not tried again', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], {
      signal: interrupt.signal,
      sleep: () => {
        interrupt.abort();
        return Promise.resolve();
      },
    });
    s.client.writeFault = () => lost(true);
    s.client.readFault = (nth) => (nth > 1 ? new TimeoutError(GET, 1000) : undefined);
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read'))).toHaveLength(2);
    expect(results[0]?.outcome).toBe('unconfirmed');
  });

  it('a project gone after a lost answer is reported failed, asking to check it', async () => {
    const s = setup();
    s.client.writeFault = () => {
      s.client.projects.delete(101);
      return lost();
    };
    const { results } = await applyOne(s);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason:
        'EcoTaxa no longer shows you this project (deleted, or your right removed) after an update whose answer was lost: check it',
    });
  });

  it('a project someone changed meanwhile is decided again, its drift measured from what the write replaced', async () => {
    // Planned when AqQua annotated; AqQua had View by the time of the write; the write (revoke)
    // lost its answer while a colleague made AqQua a manager.
    const planned = project({ annotators: [USER] });
    const s = setup([planned]);
    s.options.plan = grantPlan([planned], { action: 'revoke', right: 'View', anyRight: true });
    s.plan.entries = s.options.plan.entries;
    s.client.edit(101, (p) => {
      p.annotators = [];
      p.viewers = [USER];
    });
    s.client.writeFault = (nth) => {
      if (nth !== 1) return undefined;
      s.client.edit(101, (p) => {
        p.viewers = [];
        p.managers = [CALLER, USER];
      });
      return lost();
    };
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'PUT 101',
      'read 101',
      'PUT 101',
    ]);
    expect(results[0]).toMatchObject({
      outcome: 'applied',
      from: 'Manage',
      to: null,
      drift: 'AqQua now has Manage (View in the plan)',
    });
    expect(viewerNow(s.client)).toBeNull();
  });

  it('a write re-sent after a re-read showed it had not landed reports no drift', async () => {
    const s = setup();
    s.client.writeFault = (nth) => (nth === 1 ? lost() : undefined);
    const { results } = await applyOne(s);
    expect(results).toStrictEqual([
      {
        projid: 101,
        title: project().title,
        userId: USER.id,
        outcome: 'applied',
        from: null,
        to: 'View',
        reason:
          'written again: an earlier attempt failed without being carried out, or a re-read showed it had not landed',
      },
    ]);
  });

  it('a landed write that could not be journaled says both', async () => {
    const s = setup();
    s.journal.failRecord = true;
    s.client.writeFault = () => lost(true);
    const { results } = await applyOne(s);
    expect(results[0]?.reason).toBe(
      `landed although EcoTaxa's answer was lost (EcoTaxa at ${PUT.server} did not answer PUT /projects/101 within 1 s: try again, or raise --timeout); not in the journal: undo will not know of it`,
    );
  });
});

describe('applyProject: a read that looks anonymous (an expired token reads as a visitor)', () => {
  /** A checkToken that counts its calls and fails as told. */
  function tokenCheck(failure?: Error): { check: () => Promise<unknown>; calls: () => number } {
    let calls = 0;
    return {
      check: () => {
        calls++;
        return failure === undefined ? Promise.resolve({}) : Promise.reject(failure);
      },
      calls: () => calls,
    };
  }

  it('a project shown without members, with the token rejected: nothing sent, the run stops', async () => {
    const token = tokenCheck(new AuthenticationError(request('GET', '/users/me')));
    const s = setup([project()], { checkToken: token.check });
    s.client.edit(101, (p) => (p.managers = []));
    const { results, run } = await applyOne(s);
    expect(token.calls()).toBe(1);
    expect(s.client.log).toEqual(['read 101']);
    expect(run.fatal).toMatch(/rejected your token/);
    expect(results[0]).toMatchObject({ outcome: 'not-started', reason: run.fatal });
  });

  it('a project no longer shown, with the token rejected: not started (not "deleted")', async () => {
    const token = tokenCheck(new AuthenticationError(request('GET', '/users/me')));
    const s = setup([project()], { checkToken: token.check });
    s.client.projects.delete(101);
    const { results } = await applyOne(s);
    expect(results[0]?.outcome).toBe('not-started');
  });

  it('a project no longer shown, with the token still good: failed, as deleted or no longer yours', async () => {
    const token = tokenCheck();
    const s = setup([project()], { checkToken: token.check });
    s.client.projects.delete(101);
    const { results, run } = await applyOne(s);
    expect(token.calls()).toBe(1);
    expect(run.fatal).toBeUndefined();
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason: 'EcoTaxa no longer shows you this project (deleted, or your right removed)',
    });
  });

  it('a check that fails for another reason decides nothing: read again within the budget, then failed, the run going on', async () => {
    const token = tokenCheck(new TimeoutError(request('GET', '/users/me'), 1000));
    const s = setup([project()], { checkToken: token.check, budget: { maxAttempts: 3 } });
    s.client.projects.delete(101);
    const { results, run } = await applyOne(s);
    expect(token.calls()).toBe(3);
    expect(s.client.log).toEqual(['read 101', 'read 101', 'read 101']);
    expect(run.fatal).toBeUndefined();
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason: `EcoTaxa no longer showed the project, and checking your token failed (EcoTaxa at ${PUT.server} did not answer GET /users/me within 1 s: try again, or raise --timeout) (after 3 attempts): run the same command again`,
    });
  });

  it('Ctrl-C while the token cannot be checked: not started, with why, and not read again', async () => {
    const interrupt = new AbortController();
    const checkToken = (): Promise<unknown> => {
      interrupt.abort();
      return Promise.reject(new TimeoutError(request('GET', '/users/me'), 1000));
    };
    const s = setup([project()], { signal: interrupt.signal, checkToken, budget: { maxAttempts: 3 } });
    s.client.projects.delete(101);
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101']);
    expect(results[0]).toMatchObject({
      outcome: 'not-started',
      reason: `EcoTaxa no longer showed the project, and checking your token failed (EcoTaxa at ${PUT.server} did not answer GET /users/me within 1 s: try again, or raise --timeout): run the same command again`,
    });
  });

  it('a revoke read without members while the token cannot be checked is not "unchanged": nothing decided, nothing sent', async () => {
    const token = tokenCheck(new TimeoutError(request('GET', '/users/me'), 1000));
    const viewer = project({ viewers: [USER] });
    const s = setup([viewer], { checkToken: token.check, budget: { maxAttempts: 1 } });
    s.options.plan = grantPlan([viewer], { action: 'revoke', right: 'View', anyRight: true });
    s.plan.entries = s.options.plan.entries;
    // A visitor's view: no member at all, as if the user had no right any more.
    asAVisitorSeesIt(s.client, 101);
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101']);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason: `EcoTaxa showed the project without its members, and checking your token failed (EcoTaxa at ${PUT.server} did not answer GET /users/me within 1 s: try again, or raise --timeout): run the same command again`,
    });
  });

  it('a project read with its managers is not checked: one read, one write', async () => {
    const token = tokenCheck(new AuthenticationError(request('GET', '/users/me')));
    const s = setup([project()], { checkToken: token.check });
    const { results } = await applyOne(s);
    expect(token.calls()).toBe(0);
    expect(results[0]?.outcome).toBe('applied');
  });
});

describe('applyProject: Ctrl-C while a write fails', () => {
  it('a write conflict (nothing kept) is reported not started, and not tried again', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.writeFault = () => {
      interrupt.abort();
      return { error: new ConflictError(PUT, 'UniqueViolation "IS_ProjectsPriv"') };
    };
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(s.sleeps).toEqual([]);
    expect(results[0]).toMatchObject({
      outcome: 'not-started',
      reason: 'interrupted (its write met a conflict and was not kept)',
    });
  });

  it('a write refused at connect (never sent) is reported not started, with why', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.writeFault = () => {
      interrupt.abort();
      return { error: new ConnectionError(PUT, 'ECONNREFUSED', 'connection refused') };
    };
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(s.sleeps).toEqual([]);
    expect(results[0]).toMatchObject({
      outcome: 'not-started',
      reason: `interrupted (its write was not carried out: cannot reach EcoTaxa at ${PUT.server}: connection refused (PUT /projects/101))`,
    });
  });

  it('cuts short the pause before another attempt: the run ends without it', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.writeFault = () => ({ error: new ConnectionError(PUT, 'ECONNREFUSED', 'connection refused') });
    // A pause that would never end by itself.
    s.options.sleep = () => {
      interrupt.abort();
      return new Promise(() => undefined);
    };
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: 'not-started', reason: 'interrupted' });
  });

  it('after a lost answer, waits out the replica in full before each re-read, even after Ctrl-C', async () => {
    const interrupt = new AbortController();
    const events: string[] = [];
    const s = setup([project()], {
      signal: interrupt.signal,
      sleep: (ms) => {
        events.push(`wait ${ms}`);
        // Ends on its own a moment later: a wait cut short by Ctrl-C would read before it.
        return new Promise<void>((resolve) => setImmediate(resolve)).then(() => void events.push('waited'));
      },
    });
    s.client.writeFault = () => {
      interrupt.abort();
      return { error: new TimeoutError(PUT, 1000), commit: false };
    };
    const read = s.client.getProjects.bind(s.client);
    s.client.getProjects = (ids) => {
      events.push('read');
      return read(ids);
    };
    const { results } = await applyOne(s);
    expect(events).toEqual([
      'read',
      'read',
      'wait 1000',
      'waited',
      'read',
      'wait 1000',
      'waited',
      'read',
      'wait 1000',
      'waited',
      'read',
    ]);
    expect(results[0]?.outcome).toBe('failed');
  });

  it('after a lost answer, a re-read showing another writer (not our change) is "unconfirmed", with why', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.writeFault = () => {
      interrupt.abort();
      s.client.edit(101, (p) => (p.annotators = [OTHER]));
      return { error: new TimeoutError(PUT, 1000), commit: false };
    };
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(results[0]).toMatchObject({
      outcome: 'unconfirmed',
      reason:
        "interrupted after EcoTaxa's answer was lost; the project was changed by someone else meanwhile and does not show the change: it may still have landed; check the project, or run the same command again",
    });
  });
});

describe('applyProject: the short retries of a read', () => {
  it('retry a server not reached mid-run too (it answered before): not an attempt at the write', async () => {
    const s = setup();
    s.client.readFault = (nth) =>
      nth === 1 ? new ConnectionError(GET, 'ECONNREFUSED', 'connection refused') : undefined;
    const { results } = await applyOne(s);
    expect(s.client.log.filter((l) => l.startsWith('read') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'read 101',
      'PUT 101',
    ]);
    expect(s.sleeps).toEqual([500]);
    // Written at the first attempt: an attempt that had failed would say "written again".
    expect(results[0]?.outcome).toBe('applied');
    expect(results[0]?.reason).toBeUndefined();
  });
});

describe('applyProject: bounds on waiting', () => {
  it("a read answered 429 with a minute's Retry-After waits once, not four times: the budget is a minute", async () => {
    const s = setup();
    s.client.readFault = () => new RateLimitError(GET, 60_000);
    const { results } = await applyOne(s);
    expect(s.sleeps).toEqual([60_000]);
    expect(s.client.log).toEqual(['read 101', 'read 101']);
    expect(results[0]?.outcome).toBe('failed');
  });

  it('a read answered 429 asking for a longer wait than a minute is not read again, sooner or later: failed at once', async () => {
    const s = setup();
    s.client.readFault = () => new RateLimitError(GET, 10 * 60_000);
    const { results } = await applyOne(s);
    expect(s.sleeps).toEqual([]);
    expect(s.client.log).toEqual(['read 101']);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason: `EcoTaxa at ${GET.server} is rate-limiting GET /projects?project_ids=101 (it asks to wait 600 s): try again later`,
    });
  });

  it('a write answered 429 asking for a longer wait than a minute is not sent again: failed at once', async () => {
    const s = setup();
    s.client.writeFault = (nth) => (nth === 1 ? { error: new RateLimitError(PUT, 10 * 60_000) } : undefined);
    const { results } = await applyOne(s);
    expect(s.sleeps).toEqual([]);
    expect(s.client.log).toEqual(['read 101', 'intent 101 10 none->View', 'PUT 101', 'not landed 101 10 none->View']);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      reason: `EcoTaxa at ${PUT.server} is rate-limiting PUT /projects/101 (it asks to wait 600 s): try again later`,
    });
    expect(viewerNow(s.client)).toBeNull();
  });

  it('a write answered 429 asking for a minute waits it out, then is read and written again', async () => {
    const s = setup();
    s.client.writeFault = (nth) => (nth === 1 ? { error: new RateLimitError(PUT, 60_000) } : undefined);
    const { results } = await applyOne(s);
    expect(s.sleeps).toEqual([60_000]);
    expect(s.client.log.filter((l) => l.startsWith('read') || l.startsWith('PUT'))).toEqual([
      'read 101',
      'PUT 101',
      'read 101',
      'PUT 101',
    ]);
    expect(results[0]?.outcome).toBe('applied');
  });

  it('a re-read settling a lost answer, answered 429 asking for a longer wait than a minute, is not made again', async () => {
    const s = setup();
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000), commit: true });
    s.client.readFault = (nth) => (nth > 1 ? new RateLimitError(GET, 10 * 60_000) : undefined);
    const { results } = await applyOne(s);
    // The pause after the lost answer only.
    expect(s.sleeps).toEqual([500]);
    expect(s.client.log.filter((l) => l.startsWith('read'))).toHaveLength(2);
    expect(results[0]).toMatchObject({
      outcome: 'unconfirmed',
      reason: expect.stringContaining(
        'the project could not be read again (EcoTaxa at http://127.0.0.1:9/api is rate-limiting GET /projects?project_ids=101 (it asks to wait 600 s): try again later)',
      ) as unknown,
    });
  });

  it('Ctrl-C during the pause after a conflict: no read after it, not started', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], {
      signal: interrupt.signal,
      sleep: (ms) => {
        s.sleeps.push(ms);
        interrupt.abort();
        return Promise.resolve();
      },
    });
    s.client.writeFault = (nth) =>
      nth === 1 ? { error: new ConflictError(PUT, 'UniqueViolation "IS_ProjectsPriv"') } : undefined;
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101', 'intent 101 10 none->View', 'PUT 101', 'not landed 101 10 none->View']);
    expect(s.sleeps).toEqual([500]);
    expect(results[0]).toMatchObject({ outcome: 'not-started', reason: 'interrupted' });
  });

  it('Ctrl-C during the replica wait after a conflict: no further read, not started', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], {
      signal: interrupt.signal,
      sleep: (ms) => {
        s.sleeps.push(ms);
        if (ms !== 1_000) return Promise.resolve();
        // Ctrl-C during the replica wait, which would not end by itself.
        interrupt.abort();
        return new Promise(() => undefined);
      },
    });
    // The winner is not visible yet: the re-read shows the state our write was built on.
    s.client.writeFault = (nth) =>
      nth === 1 ? { error: new ConflictError(PUT, 'UniqueViolation "IS_ProjectsPriv"') } : undefined;
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual([
      'read 101',
      'intent 101 10 none->View',
      'PUT 101',
      'not landed 101 10 none->View',
      'read 101',
    ]);
    expect(s.sleeps).toEqual([500, 1_000]);
    expect(results[0]?.outcome).toBe('not-started');
  });
});

describe('applyProject: settling a lost answer with an expired token', () => {
  const rejected = (): Promise<unknown> => Promise.reject(new AuthenticationError(request('GET', '/users/me')));

  it('a re-read shown as to a visitor (no members): unconfirmed, never "skipped", and the run stops', async () => {
    const s = setup([project()], { checkToken: rejected });
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000), commit: true });
    // The token expires as the write lands: reads now show the project without its members.
    s.client.afterCommit = (id) => asAVisitorSeesIt(s.client, id);
    const { results, run } = await applyOne(s);
    expect(s.client.log.filter((l) => l === 'PUT 101')).toHaveLength(1);
    expect(run.fatal).toMatch(/rejected your token/);
    expect(results[0]).toMatchObject({
      outcome: 'unconfirmed',
      reason: `EcoTaxa's answer was lost (EcoTaxa at ${PUT.server} did not answer PUT /projects/101 within 1 s: try again, or raise --timeout) and the project could not be read again (EcoTaxa at ${PUT.server} rejected your token (invalid or expired): run \`ecotaxa-access login\`): the change may have landed; check the project, or run the same command again`,
    });
  });

  it('a re-read showing the members is not anonymous: the token is not checked', async () => {
    let checks = 0;
    const s = setup([project()], {
      checkToken: () => {
        checks++;
        return rejected();
      },
    });
    s.client.writeFault = (nth) => {
      if (nth !== 1) return undefined;
      // Someone else's change lands with ours lost: the re-read shows the project, members and all.
      s.client.edit(101, (p) => (p.annotators = [OTHER]));
      return { error: new TimeoutError(PUT, 1000), commit: false };
    };
    const { results, run } = await applyOne(s);
    expect(checks).toBe(0);
    expect(run.fatal).toBeUndefined();
    expect(results[0]?.outcome).toBe('applied');
  });

  it('a re-read showing the write is not anonymous either: applied, verified', async () => {
    let checks = 0;
    const s = setup([project()], {
      checkToken: () => {
        checks++;
        return rejected();
      },
    });
    s.client.writeFault = (nth) => (nth === 1 ? { error: new TimeoutError(PUT, 1000), commit: true } : undefined);
    const { results } = await applyOne(s);
    expect(checks).toBe(0);
    expect(results[0]).toMatchObject({ outcome: 'applied', verified: true });
  });

  it('a lost revoke re-read without members: the token is checked, and the revoke is unconfirmed, not "applied"', async () => {
    let checks = 0;
    const viewer = project({ viewers: [USER] });
    const s = setup([viewer], {
      checkToken: () => {
        checks++;
        return rejected();
      },
    });
    s.options.plan = grantPlan([viewer], { action: 'revoke', right: 'View', anyRight: true });
    s.plan.entries = s.options.plan.entries;
    // The write is not carried out, and the token expires: a visitor sees no member at all,
    // which is also what the revoke would look like.
    s.client.writeFault = (nth) => {
      if (nth !== 1) return undefined;
      asAVisitorSeesIt(s.client, 101);
      return { error: new TimeoutError(PUT, 1000), commit: false };
    };
    const { results, run } = await applyOne(s);
    expect(checks).toBe(1);
    expect(run.fatal).toMatch(/rejected your token/);
    expect(results[0]).toMatchObject({ outcome: 'unconfirmed' });
    expect(results[0]).not.toHaveProperty('verified', true);
    expect(s.client.log.filter((l) => l.startsWith('change'))).toEqual([]);
  });

  it('a lost revoke re-read without members, the token still good: the re-read is believed, applied and verified', async () => {
    let checks = 0;
    const viewer = project({ viewers: [USER] });
    const s = setup([viewer], {
      checkToken: () => {
        checks++;
        return Promise.resolve({});
      },
    });
    s.options.plan = grantPlan([viewer], { action: 'revoke', right: 'View', anyRight: true });
    s.plan.entries = s.options.plan.entries;
    // The revoke lands, and an administrator empties the project meanwhile: the token is good,
    // so the project has no members indeed.
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000), commit: true });
    s.client.afterCommit = (id) => asAVisitorSeesIt(s.client, id);
    const { results, run } = await applyOne(s);
    expect(checks).toBe(1);
    expect(run.fatal).toBeUndefined();
    expect(results[0]).toMatchObject({ outcome: 'applied', verified: true });
    expect(s.client.log.filter((l) => l.startsWith('change'))).toEqual(['change 101 10 View->none']);
  });

  it('a re-read without members while the token cannot be checked: unconfirmed, and the run goes on', async () => {
    const s = setup([project()], {
      checkToken: () => Promise.reject(new TimeoutError(request('GET', '/users/me'), 1000)),
    });
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000), commit: true });
    s.client.afterCommit = (id) => asAVisitorSeesIt(s.client, id);
    const { results, run } = await applyOne(s);
    expect(run.fatal).toBeUndefined();
    expect(results[0]).toMatchObject({
      outcome: 'unconfirmed',
      reason: `EcoTaxa's answer was lost (EcoTaxa at ${PUT.server} did not answer PUT /projects/101 within 1 s: try again, or raise --timeout) and the project could not be read again (EcoTaxa showed the project without its members, and checking your token failed: EcoTaxa at ${PUT.server} did not answer GET /users/me within 1 s: try again, or raise --timeout): the change may have landed; check the project, or run the same command again`,
    });
  });

  it('a re-read that no longer shows the project: unconfirmed, not "failed"', async () => {
    const s = setup([project()], { checkToken: rejected });
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000), commit: true });
    s.client.afterCommit = (id) => s.client.projects.delete(id);
    const { results, run } = await applyOne(s);
    expect(run.fatal).toMatch(/rejected your token/);
    expect(results[0]?.outcome).toBe('unconfirmed');
  });
});

describe('applyProject: the journal of a write that changed nothing', () => {
  it('a refused write withdraws its intent, so that undo does not take it for a change', async () => {
    const s = setup();
    s.client.writeFault = () => ({ error: new PermissionDeniedError(PUT, "You can't do this.") });
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101', 'intent 101 10 none->View', 'PUT 101', 'not landed 101 10 none->View']);
    expect(results[0]?.outcome).toBe('failed');
  });

  it('a write failing with a 500 data error keeps its intent: it may have come after the commit', async () => {
    const s = setup();
    s.client.writeFault = () => ({
      error: new ServerError(PUT, 500, 'EcoTaxa failed (ValueError)', undefined, {
        transient: false,
        delivery: 'none',
        failure: 'internal-error',
      }),
    });
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101', 'intent 101 10 none->View', 'PUT 101']);
    expect(results[0]?.outcome).toBe('failed');
  });
});
