import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  PermissionDeniedError,
  ServerError,
  TimeoutError,
} from '../../src/api/errors.js';
import type { MinUser, Project } from '../../src/api/schemas.js';
import { type ApplyOptions, applyPlan, applyProject, createRun, projectTasks } from '../../src/plan/apply.js';
import { fixedLimit } from '../../src/plan/concurrency-limit.js';
import type { Plan } from '../../src/plan/plan-document.js';
import { type Operation, type PlanEntry, planEntry } from '../../src/plan/planner.js';
import { rightOf } from '../../src/plan/rights.js';
import { ScriptedEcoTaxa, ScriptedJournal, request } from '../support/scripted-client.js';
import { CALLER, OTHER, THIRD, USER, project } from './factory.js';

const grantView = { action: 'grant', right: 'View' } as const satisfies Operation;
const PUT = request('PUT', '/projects/101');
const GET = request('GET', '/projects?project_ids=101');

interface Setup {
  client: ScriptedEcoTaxa;
  journal: ScriptedJournal;
  options: ApplyOptions;
  sleeps: number[];
  plan: Plan;
}

function setup(projects: Project[] = [project()], overrides: Partial<ApplyOptions> = {}): Setup {
  const client = new ScriptedEcoTaxa(...projects);
  const journal = new ScriptedJournal(client.log);
  const sleeps: number[] = [];
  const plan: Plan = {
    createdAt: new Date(0),
    server: 'http://127.0.0.1:9/api',
    caller: CALLER,
    user: USER,
    operation: grantView,
    entries: projects.map((p) => planEntry(p, { caller: CALLER, user: USER }, grantView)),
    notes: [],
  };
  const options: ApplyOptions = {
    client,
    plan,
    users: new Map<number, MinUser>([
      [USER.id, USER],
      [THIRD.id, THIRD],
    ]),
    concurrency: fixedLimit(1),
    strict: false,
    journal,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
    now: () => 0,
    ...overrides,
  };
  return { client, journal, options, sleeps, plan };
}

async function applyOne(s: Setup) {
  const run = createRun(s.options);
  const [task] = projectTasks(s.plan);
  if (task === undefined) throw new Error('no task');
  return { results: await applyProject(run, task), run };
}

const viewerNow = (client: ScriptedEcoTaxa, id = 101): string | null =>
  rightOf(client.projects.get(id) as Project, USER.id);

describe('applyProject: the path without faults', () => {
  it('reads, journals the intent, writes, journals the change, in that order', async () => {
    const s = setup();
    const { results } = await applyOne(s);
    expect(s.client.log).toEqual(['read 101', 'intent 101 10 none->View', 'PUT 101', 'change 101 10 none->View']);
    expect(results).toEqual([
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
