import { describe, expect, it } from 'vitest';
import type { RequestLog } from '../../src/api/client.js';
import {
  AuthenticationError,
  ConnectionError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
} from '../../src/api/errors.js';
import type { Project } from '../../src/api/schemas.js';
import { type ApplyOptions, type ApplyProgress, applyPlan } from '../../src/apply/run.js';
import type { ConcurrencyLimit, LatencySample } from '../../src/apply/concurrency-limit.js';
import { GET, PUT, setup } from '../support/apply-setup.js';
import { USER, project } from '../support/factory.js';

/*
 * applyPlan: every project of the plan, the progress it reports, the batched read-backs that
 * confirm the writes, and what stops a run. Against the scripted EcoTaxa, one project at a time.
 */

const three = (): Project[] => [101, 102, 103].map((projid) => project({ projid, title: `P${projid}` }));

const readBacks = (log: readonly string[]): string[] => log.filter((l) => /^read \d+,/.test(l));

describe('applyPlan: progress', () => {
  it('counts planned changes done, applied and failed, and projects waiting to try again', async () => {
    const progress: ApplyProgress[] = [];
    const s = setup(three(), { onProgress: (p) => progress.push(p) });
    s.client.readFault = (nth) => (nth === 1 ? new TimeoutError(GET, 1000) : undefined);
    s.client.writeFault = () =>
      s.client.log.at(-1) === 'PUT 102' ? { error: new PermissionDeniedError(PUT, "You can't do this.") } : undefined;
    const report = await applyPlan(s.options);
    expect(report.results.map((r) => [r.projid, r.outcome])).toEqual([
      [101, 'applied'],
      [102, 'failed'],
      [103, 'applied'],
    ]);
    const at = (done: number, applied: number, failed: number, retrying = 0): ApplyProgress => ({
      total: 3,
      done,
      applied,
      failed,
      retrying,
      limit: 1,
    });
    // While 101 waits to read again, its slot goes to 102, whose write is refused; 101 lands
    // while that refusal is journaled (its intent withdrawn).
    expect(progress).toEqual([at(0, 0, 0, 1), at(0, 0, 0, 0), at(1, 1, 0), at(2, 1, 1), at(3, 2, 1)]);
  });

  it('is "waiting to try again" for exactly as long as the pause lasts', async () => {
    const progress: ApplyProgress[] = [];
    const seenDuringPause: number[] = [];
    const s = setup([project()], {
      onProgress: (p) => progress.push(p),
      sleep: () => {
        seenDuringPause.push(progress.at(-1)?.retrying ?? -1);
        return Promise.resolve();
      },
    });
    s.client.readFault = (nth) => (nth === 1 ? new TimeoutError(GET, 1000) : undefined);
    await applyPlan(s.options);
    expect(seenDuringPause).toEqual([1]);
    expect(progress.at(-1)?.retrying).toBe(0);
  });

  it('counts a write that may have landed among the failures', async () => {
    const progress: ApplyProgress[] = [];
    const s = setup([project()], { onProgress: (p) => progress.push(p), budget: { maxAttempts: 1 } });
    s.client.writeFault = () => ({ error: new TimeoutError(PUT, 1000), commit: true });
    s.client.readFault = (nth) => (nth > 1 ? new TimeoutError(GET, 1000) : undefined);
    const report = await applyPlan(s.options);
    expect(report.results[0]?.outcome).toBe('unconfirmed');
    expect(progress.at(-1)).toEqual({ total: 1, done: 1, applied: 0, failed: 1, retrying: 0, limit: 1 });
  });

  it('works only on the projects the plan changes', async () => {
    const [p101, p102] = three();
    const s = setup([p101 as Project, { ...(p102 as Project), viewers: [USER] }]);
    const report = await applyPlan(s.options);
    expect(report.results.map((r) => r.projid)).toEqual([101]);
    expect(s.client.log).toEqual([
      'read 101',
      'intent 101 10 none->View',
      'PUT 101',
      'change 101 10 none->View',
      'read 101',
    ]);
  });
});

describe('applyPlan: read-backs', () => {
  it('reads again after a pause while a read-back still shows the old state (replica lag)', async () => {
    const s = setup(three());
    s.client.lagReads = 2;
    const report = await applyPlan(s.options);
    expect(report.results.map((r) => r.verified)).toEqual([true, true, true]);
    expect(readBacks(s.client.log)).toEqual(['read 101,102,103', 'read 101,102,103', 'read 101,102,103']);
    expect(s.sleeps).toEqual([1_000, 1_000]);
  });

  it('reads back only what is still unconfirmed', async () => {
    const s = setup(three());
    // Only 102's write lags behind on the replica.
    s.client.afterCommit = (id) => {
      s.client.lagReads = id === 101 ? 1 : 0;
    };
    await applyPlan(s.options);
    expect(s.client.log.filter((l) => l.startsWith('read 10') && l.includes(','))).toEqual(['read 101,102,103']);
    expect(s.client.log.at(-1)).toBe('read 102');
  });

  it('calls a write that read-backs no longer find "unconfirmed": accepted, but not seen', async () => {
    const s = setup();
    s.client.afterCommit = (id) => s.client.projects.delete(id);
    const report = await applyPlan(s.options);
    expect(report.results[0]).toMatchObject({
      outcome: 'unconfirmed',
      verified: false,
      reason:
        'EcoTaxa accepted the update but read-backs, after waiting for its replica, do not show it (another writer, or an inactive account): check the project',
    });
  });

  it('leaves a write applied, but not confirmed, when the read-back fails', async () => {
    const s = setup();
    s.client.readFault = (nth) => (nth === 2 ? new TimeoutError(GET, 1000) : undefined);
    const report = await applyPlan(s.options);
    expect(report.results).toStrictEqual([
      {
        projid: 101,
        title: project().title,
        userId: USER.id,
        outcome: 'applied',
        from: null,
        to: 'View',
        reason: `not confirmed: the read-back failed (EcoTaxa at ${GET.server} did not answer GET /projects?project_ids=101 within 1 s: try again, or raise --timeout)`,
      },
    ]);
  });

  it('adds to the reason a write already has', async () => {
    const s = setup();
    s.client.writeFault = (nth) =>
      nth === 1 ? { error: new ConnectionError(PUT, 'ECONNREFUSED', 'connection refused') } : undefined;
    s.client.readFault = (nth) => (nth === 3 ? new Error('the read-back broke') : undefined);
    const report = await applyPlan(s.options);
    expect(report.results[0]?.reason).toBe(
      'written again: an earlier attempt failed without being carried out, or a re-read showed it had not landed; not confirmed: the read-back failed (the read-back broke)',
    );
  });

  it('after Ctrl-C, a write the re-read after a lost answer showed is not said to be unconfirmed', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], { signal: interrupt.signal });
    s.client.writeFault = (nth) => {
      if (nth !== 1) return undefined;
      interrupt.abort();
      return { error: new TimeoutError(PUT, 1000), commit: true };
    };
    const report = await applyPlan(s.options);
    expect(report.interrupted).toBe(true);
    expect(report.results[0]).toMatchObject({
      outcome: 'applied',
      verified: true,
      reason: `landed although EcoTaxa's answer was lost (EcoTaxa at ${PUT.server} did not answer PUT /projects/101 within 1 s: try again, or raise --timeout)`,
    });
  });

  it('does not read back a write the re-read after a lost answer already showed: it is verified', async () => {
    const s = setup();
    s.client.writeFault = (nth) => (nth === 1 ? { error: new TimeoutError(PUT, 1000), commit: true } : undefined);
    const report = await applyPlan(s.options);
    expect(readBacks(s.client.log)).toEqual([]);
    expect(s.client.log.filter((l) => l.startsWith('read'))).toEqual(['read 101', 'read 101']);
    expect(report.results[0]).toMatchObject({
      outcome: 'applied',
      verified: true,
      reason: `landed although EcoTaxa's answer was lost (EcoTaxa at ${PUT.server} did not answer PUT /projects/101 within 1 s: try again, or raise --timeout)`,
    });
  });

  it('after Ctrl-C during its pause, reads back no more and says the write is not confirmed', async () => {
    const interrupt = new AbortController();
    const s = setup([project()], {
      signal: interrupt.signal,
      sleep: () => {
        interrupt.abort();
        return Promise.resolve();
      },
    });
    s.client.lagReads = 1;
    const report = await applyPlan(s.options);
    expect(readBacks(s.client.log).length + s.client.log.filter((l) => l === 'read 101').length).toBe(2);
    expect(report.results).toStrictEqual([
      {
        projid: 101,
        title: project().title,
        userId: USER.id,
        outcome: 'applied',
        from: null,
        to: 'View',
        reason: 'not confirmed: interrupted before the read-back',
      },
    ]);
    expect(report.interrupted).toBe(true);
  });

  it('does not read back what needed no write', async () => {
    const s = setup();
    s.client.edit(101, (p) => (p.viewers = [USER]));
    const report = await applyPlan(s.options);
    expect(s.client.log).toEqual(['read 101']);
    expect(report.results[0]).not.toHaveProperty('verified');
    expect(report).toMatchObject({ interrupted: false, stopped: undefined });
  });
});

describe('applyPlan: stopping', () => {
  it('a rejected token stops every new write; nothing is read back', async () => {
    const s = setup(three());
    s.client.writeFault = () => ({ error: new AuthenticationError(PUT) });
    const report = await applyPlan(s.options);
    const why = `EcoTaxa at ${PUT.server} rejected your token (invalid or expired): run \`ecotaxa-access login\``;
    expect(report.stopped).toBe(why);
    expect(report.results.map((r) => [r.projid, r.outcome, r.reason])).toEqual([
      [101, 'failed', why],
      [102, 'not-started', why],
      [103, 'not-started', why],
    ]);
    expect(s.client.log.filter((l) => l.startsWith('PUT'))).toEqual(['PUT 101']);
    expect(report.interrupted).toBe(false);
  });

  it('after Ctrl-C, what landed stays applied, unconfirmed, and the rest is not started', async () => {
    const interrupt = new AbortController();
    const s = setup(three(), { signal: interrupt.signal });
    s.client.afterCommit = () => interrupt.abort();
    const report = await applyPlan(s.options);
    expect(report.interrupted).toBe(true);
    expect(report.results.map((r) => [r.projid, r.outcome, r.verified, r.reason])).toEqual([
      [101, 'applied', undefined, 'not confirmed: interrupted before the read-back'],
      [102, 'not-started', undefined, 'interrupted'],
      [103, 'not-started', undefined, 'interrupted'],
    ]);
    expect(readBacks(s.client.log)).toEqual([]);
  });

  it('after a rejected token, what landed before stays applied, said to be unconfirmed', async () => {
    const s = setup(three());
    s.client.writeFault = () =>
      s.client.log.at(-1) === 'PUT 102' ? { error: new AuthenticationError(PUT) } : undefined;
    const report = await applyPlan(s.options);
    expect(report.results.map((r) => [r.projid, r.outcome, r.verified, r.reason])).toEqual([
      [101, 'applied', undefined, 'not confirmed: the run stopped before the read-back'],
      [102, 'failed', undefined, report.stopped],
      [103, 'not-started', undefined, report.stopped],
    ]);
    expect(readBacks(s.client.log)).toEqual([]);
  });

  it('keeps to the time budget on the real clock when no clock is given', async () => {
    const s = setup([project()], { now: undefined, budget: { timeMs: 0 } });
    s.client.readFault = () => new TimeoutError(GET, 1000);
    const report = await applyPlan(s.options);
    expect(s.client.log).toEqual(['read 101']);
    expect(report.results[0]?.outcome).toBe('failed');
  });
});

describe('applyPlan: the concurrency limit', () => {
  /** A limit that records what it is told, and allows 2 once told of an overload. */
  function recordingLimit(): ConcurrencyLimit & { told: string[] } {
    const told: string[] = [];
    let limit = 1;
    return {
      told,
      get limit() {
        return limit;
      },
      onSample(sample: LatencySample) {
        told.push(`${sample.kind} ${sample.latencyMs} ms, ${sample.inFlight} in flight`);
      },
      onOverload() {
        told.push('overload');
        limit = 2;
      },
    };
  }

  const attempt = (over: Partial<RequestLog>): RequestLog => ({
    method: 'GET',
    path: '/projects?project_ids=101',
    status: 200,
    ms: 30,
    attempt: 0,
    inFlight: 1,
    ...over,
  });

  it('learns from every HTTP attempt of the run, and stops listening when it ends', async () => {
    const concurrency = recordingLimit();
    const progress: ApplyProgress[] = [];
    const s = setup(three(), { concurrency, onProgress: (p) => progress.push(p) });
    let listener: ((log: RequestLog) => void) | undefined;
    let unsubscribed = false;
    const client: ApplyOptions['client'] = {
      getProjects: (ids) => s.client.getProjects(ids),
      updateProject: (id, body) => s.client.updateProject(id, body),
      observe: (l) => {
        listener = l;
        return () => (unsubscribed = true);
      },
    };
    s.client.readFault = (nth) => {
      if (nth !== 1) return undefined;
      listener?.(attempt({ status: 200, ms: 30 }));
      listener?.(attempt({ method: 'PUT', status: 200, ms: 80, inFlight: 2 }));
      listener?.(attempt({ status: 404 }));
      listener?.(attempt({ status: 199 }));
      listener?.(attempt({ status: 300 }));
      listener?.(attempt({ status: undefined, error: 'reset' }));
      listener?.(attempt({ status: 503 }));
      listener?.(attempt({ status: 429, failure: new RateLimitError(GET, 1000) }));
      listener?.(attempt({ status: undefined, failure: new TimeoutError(GET, 1000) }));
      return undefined;
    };
    await applyPlan({ ...s.options, client });
    expect(concurrency.told).toEqual([
      'read 30 ms, 1 in flight',
      'write 80 ms, 2 in flight',
      'overload',
      'overload',
      'overload',
    ]);
    // Told of the overload, the limit allows 2 at once from then on.
    expect(progress.map((p) => p.limit)).toEqual([2, 2, 2]);
    expect(unsubscribed).toBe(true);
  });
});
