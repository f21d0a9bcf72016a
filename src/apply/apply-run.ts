import { errorMessage } from '../errors.js';
import type { RequestLog } from '../api/client.js';
import { AuthenticationError } from '../api/errors.js';
import { type Sleep, abortable } from '../api/retry.js';
import type { MinUser } from '../api/schemas.js';
import type { Plan, PlanEntry } from '../plan/model.js';
import type { JournalWriter } from '../store/journal.js';
import { type BudgetOptions, DEFAULT_BUDGET } from './budget.js';
import type { ConcurrencyLimit } from './concurrency-limit.js';
import type { ProjectClient, WriteContext } from './steps.js';

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
  /** Waits before re-reading, while a read may come from a lagging replica (docs/ecotaxa-api.md#replica-lag). */
  replicaWaitsMs?: readonly number[];
  /** An error as a person reads it in a reason (the CLI adds its advice); by default its message. */
  describeError?: ((error: unknown) => string) | undefined;
}

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

/** EcoTaxa waits up to about 2 s for its replica after a write: re-read for longer than that. */
const DEFAULT_REPLICA_WAITS_MS = [1_000, 1_000, 1_000];

/** The state every project of one apply run shares. */
export interface ApplyRun extends WriteContext {
  options: ApplyOptions;
  budget: BudgetOptions;
  replicaWaitsMs: readonly number[];
  random: () => number;
  now: () => number;
  /** Why no new write may start (a rejected token, a broken journal), once known. */
  fatal: string | undefined;
  /** An error in words, for a reason (ApplyOptions.describeError). */
  describe: (error: unknown) => string;
  retrying: number;
  report(): void;
}

/** The state of one run, for applyProject (tests build one to run a single project). */
export function createApplyRun(options: ApplyOptions, report: () => void = () => undefined): ApplyRun {
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

/** Ctrl-C, or a reason that stops every new write. */
export const stopped = (run: ApplyRun): boolean => run.options.signal?.aborted === true || run.fatal !== undefined;

/** No new write starts after this; the first reason given is the one reported. */
export const stopAll = (run: ApplyRun, why: string): void => {
  run.fatal ??= why;
};

/**
 * A wait of one project (a backoff, or replica lag while settling a lost answer). A waiting
 * project sends nothing, so it does not count against the concurrency limit: its slot goes to
 * another project meanwhile, lest one retrying project stall a whole run at a limit of 1.
 */
export async function waitAside(run: ApplyRun, ms: number, abortable_: boolean): Promise<void> {
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

/** What asking EcoTaxa who we are said of the token: accepted, rejected, or no answer (`error`). */
export type TokenCheck = { kind: 'good' } | { kind: 'rejected' } | { kind: 'unknown'; error: unknown };

/**
 * Asks whether the token is still accepted, when a read looked anonymous. A rejected token
 * stops every new write (the run says so).
 */
export async function checkToken(run: ApplyRun): Promise<TokenCheck> {
  const check = run.options.checkToken;
  if (check === undefined) return { kind: 'good' };
  try {
    await check();
    return { kind: 'good' };
  } catch (err) {
    if (!(err instanceof AuthenticationError)) return { kind: 'unknown', error: err };
    stopAll(run, run.describe(err));
    return { kind: 'rejected' };
  }
}
