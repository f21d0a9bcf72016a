import pLimit from 'p-limit';
import type { RequestLog } from '../api/client.js';
import { ApiError, AuthenticationError, ConflictError, RateLimitError, TimeoutError } from '../api/errors.js';
import { type Sleep, abortable, withRetries } from '../api/retry.js';
import type { MinUser, Project } from '../api/schemas.js';
import { errorMessage } from '../errors.js';
import {
  type Baseline,
  type BudgetOptions,
  DEFAULT_BUDGET,
  type PlannedWrite,
  type ProjectClient,
  RetryBudget,
  type WriteContext,
  changeResult,
  decideWrite,
  failureReason,
  isTransient,
  planBaseline,
  plannedRights,
  readAfterConflict,
  readFresh,
  settleLostWrite,
  writeOnce,
} from './steps.js';
import type { ApplyResult, Outcome } from '../plan/results.js';
import type { ConcurrencyLimit } from './concurrency-limit.js';
import type { JournalChange, JournalWriter } from '../store/journal.js';
import { type Plan, type PlanEntry, userOf } from '../plan/model.js';
import { rightOf } from '../plan/rights.js';

export interface ApplyReport {
  results: ApplyResult[];
  interrupted: boolean;
  /** Why the run stopped starting writes on its own (a rejected token, a broken journal). */
  stopped: string | undefined;
}

/** Where a run stands, for a progress bar: counts of planned changes. */
export interface ApplyProgress {
  total: number;
  done: number;
  applied: number;
  failed: number;
  /** Projects waiting to try again after a passing failure. */
  retrying: number;
  /** Projects worked on at once now. */
  limit: number;
}

export interface ApplyOptions {
  client: ProjectClient & { observe?: (listener: (log: RequestLog) => void) => () => void };
  plan: Plan;
  /** Every user of the plan, as EcoTaxa returned them (their member objects go into bodies). */
  users: ReadonlyMap<number, MinUser>;
  /** How many projects are worked on at once: fixed, or adapting to the server. */
  concurrency: ConcurrencyLimit;
  /** Skip projects whose rights changed since the plan instead of re-deciding them. */
  strict: boolean;
  /** Already open (its first line on disk). */
  journal: JournalWriter;
  sleep: Sleep;
  random?: (() => number) | undefined;
  /** A monotonic clock in ms (time budgets). */
  now?: (() => number) | undefined;
  /** Ctrl-C: no new request starts once aborted. */
  signal?: AbortSignal | undefined;
  onProgress?: (progress: ApplyProgress) => void;
  /** Checks the token (GET /users/me): called when a read looks anonymous (an expired token). */
  checkToken?: (() => Promise<unknown>) | undefined;
  budget?: Partial<BudgetOptions>;
  /** Waits before re-reading, while a read may come from a lagging replica (API-NOTES). */
  replicaWaitsMs?: readonly number[];
  /** An error as a person reads it in a reason (the CLI adds its advice); by default its message. */
  describeError?: ((error: unknown) => string) | undefined;
}

/** EcoTaxa waits up to about 2 s for its replica after a write: re-read for longer than that. */
const DEFAULT_REPLICA_WAITS_MS = [1_000, 1_000, 1_000];

/** Reads a lost answer may take past its project's budget to be settled. */
const EXTRA_SETTLE_READS = 5;

/** The planned changes of one project: written together, in one update (never two at once). */
export interface ProjectTask {
  projid: number;
  entries: PlanEntry[];
}

/** The plan's changes, one task per project, in plan order. */
export function projectTasks(plan: Pick<Plan, 'entries'>): ProjectTask[] {
  const tasks = new Map<number, ProjectTask>();
  for (const entry of plan.entries) {
    if (entry.decision.kind !== 'change') continue;
    const task = tasks.get(entry.projid) ?? { projid: entry.projid, entries: [] };
    task.entries.push(entry);
    tasks.set(entry.projid, task);
  }
  return [...tasks.values()];
}

/** The run-wide state every project's loop shares. */
export interface Run extends WriteContext {
  options: ApplyOptions;
  budget: BudgetOptions;
  replicaWaitsMs: readonly number[];
  random: () => number;
  now: () => number;
  /** Why no new write may start (a rejected token, a broken journal), once known. */
  fatal: string | undefined;
  describe: (error: unknown) => string;
  retrying: number;
  report(): void;
}

const stopped = (run: Run): boolean => run.options.signal?.aborted === true || run.fatal !== undefined;
const stopAll = (run: Run, why: string): void => {
  run.fatal ??= why;
};

/** A result's reason with more said after it. */
function join(reason: string | undefined, more: string): string {
  return reason === undefined ? more : `${reason}; ${more}`;
}

function tries(budget: RetryBudget): string {
  return budget.attempt > 1 ? ` (after ${budget.attempt} attempts)` : '';
}

/** Every entry of the task, reported with one outcome and reason (nothing was decided anew). */
function allEntries(run: Run, task: ProjectTask, outcome: Outcome, reason: string): ApplyResult[] {
  return task.entries.map((entry) => ({
    projid: entry.projid,
    title: entry.title,
    userId: userOf(run.plan, entry).id,
    outcome,
    ...plannedRights(entry),
    reason,
    ...(entry.rule === undefined ? {} : { rule: entry.rule }),
  }));
}

function writeResults(
  write: PlannedWrite,
  outcome: Outcome,
  reason: string | undefined,
  settled: readonly ApplyResult[],
): ApplyResult[] {
  return [
    ...write.changes.map((change) => ({
      ...changeResult(write.title, change, write.contact),
      outcome,
      ...(reason === undefined ? {} : { reason }),
    })),
    ...settled,
  ];
}

function journalChanges(write: PlannedWrite): JournalChange[] {
  return write.changes.map((change, i) => ({
    projid: write.projid,
    title: write.title,
    userId: change.user.id,
    before: change.from,
    after: change.to,
    // The contact rides on the first line of the write that set it.
    ...(i === 0 && write.contact !== undefined
      ? { contact: { before: write.contact.from, after: write.contact.to } }
      : {}),
  }));
}

/** A write landed: its lines go to the journal before it is reported as applied. */
async function landed(
  run: Run,
  write: PlannedWrite,
  reason: string | undefined,
  settled: readonly ApplyResult[],
): Promise<ApplyResult[]> {
  let note = reason;
  try {
    for (const change of journalChanges(write)) await run.options.journal.record(change);
  } catch (err) {
    stopAll(run, `the journal could not be written (${errorMessage(err)}): undo will not know of the last changes`);
    note = join(reason, 'not in the journal: undo will not know of it');
  }
  return writeResults(write, 'applied', note, settled);
}

/**
 * A wait of one project (a backoff, or replica lag while settling a lost answer). A waiting
 * project sends nothing, so it does not count against the concurrency limit: its slot goes to
 * another project meanwhile (without this, one retrying project stalled a whole run at 1).
 */
async function wait(run: Run, ms: number, abortable_: boolean): Promise<void> {
  run.retrying++;
  run.report();
  try {
    const sleeping = run.options.sleep(ms, abortable_ ? run.options.signal : undefined);
    await (abortable_ ? abortable(sleeping, run.options.signal) : sleeping);
  } finally {
    run.retrying--;
    run.report();
  }
}

/** A pause before the next attempt; Ctrl-C cuts it short. */
async function pause(run: Run, budget: RetryBudget, error: unknown): Promise<void> {
  const delay = budget.nextPause(error);
  // After Ctrl-C no timer may keep the process alive: the next step is a settle or a stop.
  if (run.options.signal?.aborted === true) return;
  await wait(run, delay, true);
}

/** A write whose answer was lost: it may have landed, so nothing is sent before it is settled. */
interface LostWrite {
  write: PlannedWrite;
  error: unknown;
  settled: ApplyResult[];
}

/**
 * One project: read fresh, decide again, write, and settle a lost answer, retrying passing
 * failures within the project's budget. Never sends a write while an earlier one's fate is
 * unknown; a conflict (nothing committed) is read, decided and written again.
 */
export async function applyProject(run: Run, task: ProjectTask): Promise<ApplyResult[]> {
  const budget = new RetryBudget(run.budget, run.random, run.now);
  let conflicts = 0;
  let lost: LostWrite | undefined;
  /** After a write conflict: the model that write was built from (the winner must show in the next read). */
  let conflicted: Project | undefined;
  /** No further write: settle what is unknown and report. */
  let lastChance = false;
  /** Reads allowed past the budget to settle a lost answer. */
  let extraSettleReads = EXTRA_SETTLE_READS;
  const notStarted = (): ApplyResult[] => allEntries(run, task, 'not-started', run.fatal ?? 'interrupted');
  const waitForReplica = (ms: number): Promise<void> => {
    budget.spend(ms);
    // Not cut short by Ctrl-C: finding out where a write went is the point.
    return wait(run, ms, false);
  };
  /** After a conflict nothing of ours is in flight: Ctrl-C ends these waits at once. */
  const waitOutConflict = (ms: number): Promise<void> => {
    budget.spend(ms);
    return wait(run, ms, true);
  };
  const signal = run.options.signal;
  const client = patientReads(run, budget);

  for (;;) {
    let fresh: Project;
    let baseline: Baseline = planBaseline;
    if (lost !== undefined) {
      // After a lost answer the write is in flight in spirit: find out where it went, even after Ctrl-C.
      const { write, error } = lost;
      const settlement = await settleLostWrite(client, write, waitForReplica, run.replicaWaitsMs);
      // An expired token reads as an anonymous visitor (API-NOTES "Authentication"): the
      // project not shown, or shown without members. Such a read says nothing of the write.
      const anonymous =
        settlement.kind === 'gone' || (settlement.kind === 'changed' && settlement.project.managers.length === 0);
      if (anonymous && !(await tokenStillGood(run))) {
        return writeResults(
          write,
          'unconfirmed',
          `EcoTaxa's answer was lost (${run.describe(error)}) and the project could not be read again (${run.fatal ?? ''}): the change may have landed; check the project, or run the same command again`,
          lost.settled,
        );
      }
      if (settlement.kind === 'landed') {
        const results = await landed(
          run,
          write,
          `landed although EcoTaxa's answer was lost (${run.describe(error)})`,
          lost.settled,
        );
        // The re-read showed it: confirmed as a read-back would, and not read back again.
        for (const r of results.slice(0, write.changes.length)) r.verified = true;
        return results;
      }
      if (settlement.kind === 'error') {
        if (settlement.error instanceof AuthenticationError) stopAll(run, run.describe(settlement.error));
        // A read is always safe to repeat: finding out where a write went may take a few more
        // than the project's budget, lest a write that landed be reported as unknown.
        const readAgain = !budget.exhausted || extraSettleReads-- > 0;
        if (!stopped(run) && isTransient(settlement.error) && readAgain) {
          await pause(run, budget, settlement.error);
          continue;
        }
        return writeResults(
          write,
          'unconfirmed',
          `EcoTaxa's answer was lost (${run.describe(error)}) and the project could not be read again (${run.describe(settlement.error)}): the change may have landed; check the project, or run the same command again`,
          lost.settled,
        );
      }
      if (settlement.kind === 'gone') {
        return writeResults(
          write,
          'failed',
          'EcoTaxa no longer shows you this project (deleted, or your right removed) after an update whose answer was lost: check it',
          lost.settled,
        );
      }
      if (lastChance || stopped(run)) {
        const why = stopped(run)
          ? "interrupted after EcoTaxa's answer was lost"
          : `${failureReason(error, run.describe)}${tries(budget)}`;
        // Still exactly what the write replaced, through the replica's lag: it did not land.
        if (settlement.kind === 'not-landed') {
          return writeResults(
            write,
            'failed',
            `${why}; a re-read shows the change did not land: run the same command again`,
            lost.settled,
          );
        }
        // Someone else changed the project meanwhile: a lagging replica can show their change
        // without ours after it, so whether ours landed cannot be told.
        return writeResults(
          write,
          'unconfirmed',
          `${why}; the project was changed by someone else meanwhile and does not show the change: it may still have landed; check the project, or run the same command again`,
          lost.settled,
        );
      }
      fresh = settlement.project;
      // Drift is now measured against the state that write replaced.
      const replaced = write.replaces;
      const before = new Map(write.changes.map((c) => [c.entry, c.from]));
      baseline = {
        fingerprint: () => replaced,
        right: (entry) => before.get(entry) ?? planBaseline.right(entry),
      };
      lost = undefined;
    } else {
      if (stopped(run)) return notStarted();
      const read =
        conflicted === undefined
          ? await readFresh(client, task.projid)
          : await readAfterConflict(client, task.projid, conflicted, waitOutConflict, run.replicaWaitsMs, signal);
      conflicted = undefined;
      if (read.kind === 'error') {
        if (read.error instanceof AuthenticationError) stopAll(run, run.describe(read.error));
        if (stopped(run)) return notStarted();
        if (isTransient(read.error) && !budget.exhausted) {
          await pause(run, budget, read.error);
          continue;
        }
        return allEntries(run, task, 'failed', `${failureReason(read.error, run.describe)}${tries(budget)}`);
      }
      // EcoTaxa reads a project as an anonymous visitor would when the token has expired
      // (API-NOTES "Authentication"): not shown, or shown without members. Check the token
      // before reporting anything about the project.
      if ((read.project === undefined || read.project.managers.length === 0) && !(await tokenStillGood(run))) {
        return notStarted();
      }
      if (read.project === undefined) {
        return allEntries(
          run,
          task,
          'failed',
          'EcoTaxa no longer shows you this project (deleted, or your right removed)',
        );
      }
      fresh = read.project;
    }
    if (stopped(run)) return notStarted();

    const decided = decideWrite(run, task.entries, fresh, baseline);
    const write = decided.write;
    if (write === undefined) return decided.settled;
    try {
      for (const change of journalChanges(write)) await run.options.journal.intend(change);
    } catch (err) {
      stopAll(run, `the journal could not be written (${errorMessage(err)})`);
      return notStarted();
    }
    // Ctrl-C while the intent was written: nothing is sent after it (the README's promise).
    // The journal keeps an intent with no outcome; undo reads such a project and leaves it
    // alone when it shows what the write would have replaced (src/store/runs.ts undoTargets).
    if (stopped(run)) return notStarted();

    const sent = await writeOnce(client, write);
    if (sent.kind === 'written') {
      const again =
        budget.attempt > 1
          ? 'written again: an earlier attempt failed without being carried out, or a re-read showed it had not landed'
          : undefined;
      return landed(run, write, again, decided.settled);
    }
    const error = sent.error;
    if (error instanceof AuthenticationError) {
      stopAll(run, run.describe(error));
      return writeResults(write, 'failed', failureReason(error, run.describe), decided.settled);
    }
    if (error instanceof ConflictError) {
      // Nothing of it was committed (transcript [89]): read, decide and write again, on a read
      // that shows the winner's change.
      conflicts++;
      if (stopped(run))
        return writeResults(
          write,
          'not-started',
          'interrupted (its write met a conflict and was not kept)',
          decided.settled,
        );
      if (conflicts > run.budget.maxConflicts || budget.exhausted) {
        return writeResults(
          write,
          'failed',
          `changed by someone else at the same time (${conflicts} write conflict${conflicts === 1 ? '' : 's'}): run the same command again`,
          decided.settled,
        );
      }
      conflicted = write.base;
      await pause(run, budget, error);
      continue;
    }
    const delivery = error instanceof ApiError ? error.delivery : 'maybe';
    if (delivery === 'maybe') {
      lost = { write, error, settled: decided.settled };
      if (!isTransient(error) || budget.exhausted || stopped(run)) lastChance = true;
      else await pause(run, budget, error);
      continue;
    }
    // Certainly not carried out (refused at connect, rate-limited, rolled back): safe to send again.
    if (stopped(run))
      return writeResults(
        write,
        'not-started',
        `interrupted (its write was not carried out: ${failureReason(error, run.describe)})`,
        decided.settled,
      );
    if (isTransient(error) && !budget.exhausted) {
      await pause(run, budget, error);
      continue;
    }
    return writeResults(write, 'failed', `${failureReason(error, run.describe)}${tries(budget)}`, decided.settled);
  }
}

/**
 * The client as the steps of one project use it: a read that fails for a passing reason is
 * retried at once with the client's own short backoff (a read is always safe to repeat), the
 * project giving its concurrency slot to another meanwhile. These retries take from the
 * project's time, not from its attempts at the write, so a flaky read does not use up what
 * the write needs. No read is retried after Ctrl-C, nor once the budget is spent.
 */
function patientReads(run: Run, budget: RetryBudget): ProjectClient {
  const client = run.options.client;
  return {
    updateProject: (id, body) => client.updateProject(id, body),
    getProjects: (ids) =>
      withRetries(() => client.getProjects(ids, undefined, { retry: false }), {
        policy: run.budget.policy,
        // Within the project's budget only: past it, the few reads left to settle a lost
        // answer are not multiplied, and a long Retry-After does not stretch it fourfold.
        mayRetry: () => !budget.exhausted,
        random: run.random,
        signal: run.options.signal,
        retryUnreached: true,
        sleep: async (delay) => {
          budget.spend(delay);
          await wait(run, delay, true);
        },
      }),
  };
}

/**
 * Whether the token is still accepted, asked when a read looked anonymous. A rejected token
 * stops every new write (the run says so); any other failure of the check says nothing.
 */
async function tokenStillGood(run: Run): Promise<boolean> {
  const check = run.options.checkToken;
  if (check === undefined) return true;
  try {
    await check();
    return true;
  } catch (err) {
    if (!(err instanceof AuthenticationError)) return true;
    stopAll(run, run.describe(err));
    return false;
  }
}

/** The state of one run, for applyProject (tests build one to run a single project). */
export function createRun(options: ApplyOptions, report: () => void = () => undefined): Run {
  return {
    plan: options.plan,
    users: options.users,
    strict: options.strict,
    options,
    budget: { ...DEFAULT_BUDGET, ...options.budget },
    replicaWaitsMs: options.replicaWaitsMs ?? DEFAULT_REPLICA_WAITS_MS,
    random: options.random ?? Math.random,
    now: options.now ?? (() => performance.now()),
    fatal: undefined,
    describe: options.describeError ?? errorMessage,
    retrying: 0,
    report,
  };
}

/** Feeds the limiter from every HTTP attempt of the apply phase; returns the unsubscribe. */
function watchLatency(options: ApplyOptions, onChange: (limit: number) => void): () => void {
  const observe = options.client.observe?.bind(options.client);
  if (observe === undefined) return () => undefined;
  return observe((log) => {
    const failure = log.failure;
    if (failure instanceof RateLimitError || log.status === 503 || failure instanceof TimeoutError) {
      options.concurrency.onOverload();
    } else if (log.status !== undefined && log.status >= 200 && log.status < 300) {
      // Only answers the server carried out say how long its work takes; a quick refusal does not.
      options.concurrency.onSample({
        kind: log.method === 'GET' ? 'read' : 'write',
        latencyMs: log.ms,
        inFlight: log.inFlight,
      });
    }
    onChange(options.concurrency.limit);
  });
}

/**
 * Carries out the plan's changes, each project on fresh state: read it, decide again, write
 * the complete model with only the planned changes, journal it, then confirm everything with
 * batched read-backs. A failing project never stops the others; a rejected token or a
 * journal that cannot be written stops all new writes.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyReport> {
  const tasks = projectTasks(options.plan);
  const total = tasks.reduce((n, t) => n + t.entries.length, 0);
  const progress: ApplyProgress = {
    total,
    done: 0,
    applied: 0,
    failed: 0,
    retrying: 0,
    limit: options.concurrency.limit,
  };
  const limit = pLimit(options.concurrency.limit);
  // Projects that wait (backoff, replica lag) send nothing: they do not count against the limit.
  const resize = (): void => {
    const wanted = options.concurrency.limit + run.retrying;
    if (limit.concurrency !== wanted) limit.concurrency = wanted;
  };
  const run = createRun(options, () => {
    progress.retrying = run.retrying;
    resize();
    options.onProgress?.({ ...progress });
  });
  const unwatch = watchLatency(options, (n) => {
    progress.limit = n;
    resize();
  });
  let results: ApplyResult[];
  try {
    const perTask = await Promise.all(
      tasks.map((task) =>
        limit(async () => {
          const done = await applyProject(run, task);
          progress.done += done.length;
          progress.applied += done.filter((r) => r.outcome === 'applied').length;
          progress.failed += done.filter((r) => r.outcome === 'failed' || r.outcome === 'unconfirmed').length;
          run.report();
          return done;
        }),
      ),
    );
    results = perTask.flat();
  } finally {
    unwatch();
  }

  if (!stopped(run)) await verify(options, results, run.replicaWaitsMs);
  else {
    const why = run.fatal === undefined ? 'interrupted' : 'the run stopped';
    for (const r of results.filter((x) => x.outcome === 'applied' && x.verified !== true)) {
      r.reason = join(r.reason, `not confirmed: ${why} before the read-back`);
    }
  }
  return { results, interrupted: options.signal?.aborted === true, stopped: run.fatal };
}

/**
 * Reads back every applied project, a few hundred per request, and checks each user's right.
 * A read-back still showing the old right is read again after a pause (replica lag) before
 * the change is called unconfirmed.
 */
async function verify(options: ApplyOptions, results: ApplyResult[], waits: readonly number[]): Promise<void> {
  let unconfirmed = results.filter((r) => r.outcome === 'applied' && r.verified !== true);
  for (let round = 0; unconfirmed.length > 0; round++) {
    let projects: Project[];
    try {
      projects = await options.client.getProjects(unconfirmed.map((r) => r.projid));
    } catch (err) {
      for (const r of unconfirmed) {
        r.reason = join(
          r.reason,
          `not confirmed: the read-back failed (${(options.describeError ?? errorMessage)(err)})`,
        );
      }
      return;
    }
    const byId = new Map(projects.map((p) => [p.projid, p]));
    const still: ApplyResult[] = [];
    for (const result of unconfirmed) {
      const project = byId.get(result.projid);
      if (project !== undefined && rightOf(project, result.userId) === result.to) result.verified = true;
      else still.push(result);
    }
    unconfirmed = still;
    const wait = waits[round];
    if (unconfirmed.length === 0 || wait === undefined) break;
    await options.sleep(wait);
    // Ctrl-C during the pause: what was written stays reported as written, unconfirmed.
    if (options.signal?.aborted === true) {
      for (const r of unconfirmed) r.reason = join(r.reason, 'not confirmed: interrupted before the read-back');
      return;
    }
  }
  // EcoTaxa accepted these (and they are journaled as changes): not failed, but not seen either.
  for (const result of unconfirmed) {
    result.verified = false;
    result.outcome = 'unconfirmed';
    result.reason = join(
      result.reason,
      'EcoTaxa accepted the update but read-backs, after waiting for its replica, do not show it (another writer, or an inactive account): check the project',
    );
  }
}
