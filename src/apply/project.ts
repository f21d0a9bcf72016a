import { ApiError, AuthenticationError, ConflictError, ServerError } from '../api/errors.js';
import { withRetries } from '../api/retry.js';
import type { Project } from '../api/schemas.js';
import type { ApplyResult } from '../plan/results.js';
import { type ApplyRun, type ProjectTask, checkToken, stopAll, stopped, waitAside } from './apply-run.js';
import { RetryBudget } from './budget.js';
import { entryResults, intend, landed, notLanded, tries, writeResults } from './outcomes.js';
import {
  type Baseline,
  type PlannedWrite,
  type ProjectClient,
  type ReadOutcome,
  type Settlement,
  decideWrite,
  failureReason,
  planBaseline,
  readAfterConflict,
  readFresh,
  settleLostWrite,
  writeOnce,
} from './steps.js';

/*
 * One project's write as a state machine. Each step says what comes next and carries what that
 * needs; the project's retry budget is the only state the steps share. The paths:
 * - read → write → done: the write landed, or failed for good;
 * - read → (pause) → read: a read failed for a passing reason;
 * - write → (pause) → reread → write: a write conflict, nothing of it committed;
 * - write → (pause) → read → write: a write certainly not carried out, sent again;
 * - write → (pause) → settle → write or done: a write whose answer was lost may have landed:
 *   nothing is sent before a re-read shows where it went.
 */

/** A write whose answer was lost: it may have landed, so nothing is sent before it is settled. */
interface LostWrite {
  write: PlannedWrite;
  error: unknown;
  /** The entries that needed no write, reported with it. */
  settled: ApplyResult[];
}

export type Step =
  /** Read the project fresh: the first step, and the next after a passing failure. */
  | { kind: 'read' }
  /** Read it again after a write conflict, until the read shows the winner's change. */
  | { kind: 'reread'; base: Project }
  /** Find out where a write whose answer was lost went; on the last chance, no write follows. */
  | { kind: 'settle'; lost: LostWrite; lastChance: boolean }
  /** Decide again on the fresh read, journal the intent, send the write. */
  | { kind: 'write'; fresh: Project; baseline: Baseline }
  | { kind: 'done'; results: ApplyResult[] };

type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

/** What every step of one project needs. */
interface ProjectContext {
  run: ApplyRun;
  task: ProjectTask;
  budget: RetryBudget;
  /** The client, its reads retried within the budget. */
  client: ProjectClient;
}

/**
 * One project: read fresh, decide again, write, and settle a lost answer, retrying passing
 * failures within the project's budget. Never sends a write while an earlier one's fate is
 * unknown; a conflict (nothing committed) is read, decided and written again.
 */
export async function applyProject(run: ApplyRun, task: ProjectTask): Promise<ApplyResult[]> {
  const budget = new RetryBudget(run.budget, run.random, run.now);
  const ctx: ProjectContext = { run, task, budget, client: patientReads(run, budget) };
  let step: Step = { kind: 'read' };
  while (step.kind !== 'done') step = await handle(ctx, step);
  return step.results;
}

/** The one handler of each kind of step: it does the step and says which comes next. */
function handle(ctx: ProjectContext, step: Exclude<Step, { kind: 'done' }>): Promise<Step> {
  switch (step.kind) {
    case 'read':
      return read(ctx);
    case 'reread':
      return reread(ctx, step);
    case 'settle':
      return settle(ctx, step);
    case 'write':
      return write(ctx, step);
  }
}

const done = (results: ApplyResult[]): StepOf<'done'> => ({ kind: 'done', results });

const notStarted = (ctx: ProjectContext): StepOf<'done'> =>
  done(entryResults(ctx.run, ctx.task, 'not-started', ctx.run.fatal ?? 'interrupted'));

/**
 * Waits the pause before another attempt, when the budget gives one (RetryBudget.nextPause),
 * the project's slot given away meanwhile; Ctrl-C cuts it short. Whether an attempt follows.
 */
async function waitToRetry(ctx: ProjectContext, pause: number | undefined): Promise<boolean> {
  if (pause === undefined) return false;
  await waitAside(ctx.run, pause, true);
  return true;
}

// ---- Read ---------------------------------------------------------------------------------

/** Reads the project as the server has it now. */
async function read(ctx: ProjectContext): Promise<Step> {
  if (stopped(ctx.run)) return notStarted(ctx);
  return afterRead(ctx, await readFresh(ctx.client, ctx.task.projid));
}

/**
 * Reads the project again after a write conflict, until the read shows the winner's change.
 * Nothing of ours is in flight: Ctrl-C ends the replica waits at once.
 */
async function reread(ctx: ProjectContext, step: StepOf<'reread'>): Promise<Step> {
  const { run, budget } = ctx;
  if (stopped(run)) return notStarted(ctx);
  const waitOut = (ms: number): Promise<void> => {
    budget.spend(ms);
    return waitAside(run, ms, true);
  };
  const outcome = await readAfterConflict(
    ctx.client,
    ctx.task.projid,
    step.base,
    waitOut,
    run.replicaWaitsMs,
    run.options.signal,
  );
  return afterRead(ctx, outcome);
}

/** A read leads to a write decided on it, to another read after a passing failure, or to the end. */
async function afterRead(ctx: ProjectContext, outcome: ReadOutcome): Promise<Step> {
  const { run, task, budget } = ctx;
  if (outcome.kind === 'error') {
    if (outcome.error instanceof AuthenticationError) stopAll(run, run.describe(outcome.error));
    if (stopped(run)) return notStarted(ctx);
    if (await waitToRetry(ctx, budget.nextPause(outcome.error))) return { kind: 'read' };
    return done(entryResults(run, task, 'failed', `${failureReason(outcome.error, run.describe)}${tries(budget)}`));
  }
  const project = outcome.project;
  // An expired token reads as an anonymous visitor: not shown, or shown without members
  // (docs/ecotaxa-api.md#expired-tokens-read-as-anonymous). Nothing is decided on such a read
  // unless EcoTaxa still accepts the token.
  if (project === undefined || project.managers.length === 0) {
    const token = await checkToken(run);
    if (token.kind === 'rejected') return notStarted(ctx);
    if (token.kind === 'unknown') {
      if (!stopped(run) && (await waitToRetry(ctx, budget.nextPause(token.error)))) return { kind: 'read' };
      const why = `${shownAs(project)}, and checking your token failed (${run.describe(token.error)})${tries(budget)}: run the same command again`;
      return done(entryResults(run, task, stopped(run) ? 'not-started' : 'failed', why));
    }
  }
  if (project === undefined) {
    return done(
      entryResults(run, task, 'failed', 'EcoTaxa no longer shows you this project (deleted, or your right removed)'),
    );
  }
  return { kind: 'write', fresh: project, baseline: planBaseline };
}

// ---- Write --------------------------------------------------------------------------------

/** Decides again on the fresh read, journals the intent, and sends the one write. */
async function write(ctx: ProjectContext, step: StepOf<'write'>): Promise<Step> {
  const { run, budget } = ctx;
  if (stopped(run)) return notStarted(ctx);
  const decided = decideWrite(run, ctx.task.entries, step.fresh, step.baseline);
  const planned = decided.write;
  if (planned === undefined) return done(decided.settled);
  const journaled = await intend(run, planned);
  // A journal that could not take the intent has stopped the run: nothing is sent unjournaled.
  // Nor after Ctrl-C while the intent was written (the README's promise): the intent is then
  // withdrawn, its write never sent.
  if (stopped(run)) {
    if (journaled) await notLanded(run, planned);
    return notStarted(ctx);
  }

  const sent = await writeOnce(ctx.client, planned);
  if (sent.kind === 'written') {
    const again =
      budget.attempt > 1
        ? 'written again: an earlier attempt failed without being carried out, or a re-read showed it had not landed'
        : undefined;
    return done(await landed(run, planned, again, decided.settled));
  }
  return afterFailedWrite(ctx, planned, sent.error, decided.settled);
}

/** What a failed write leads to depends on whether it may have been carried out. */
async function afterFailedWrite(
  ctx: ProjectContext,
  write: PlannedWrite,
  error: unknown,
  settled: ApplyResult[],
): Promise<Step> {
  const { run, budget } = ctx;
  const delivery = error instanceof ApiError ? error.delivery : 'maybe';
  if (changedNothing(error)) await notLanded(run, write);
  if (error instanceof AuthenticationError) {
    stopAll(run, run.describe(error));
    return done(writeResults(write, 'failed', failureReason(error, run.describe), settled));
  }
  if (error instanceof ConflictError) return afterConflict(ctx, write, error, settled);
  if (delivery === 'maybe') {
    // Settled even on the last attempt, and after Ctrl-C: a write that landed is never "failed".
    const again = !stopped(run) && (await waitToRetry(ctx, budget.nextPause(error)));
    return { kind: 'settle', lost: { write, error, settled }, lastChance: !again };
  }
  // Certainly not carried out (refused at connect, rate-limited, rolled back): safe to send again.
  if (stopped(run)) {
    const why = `interrupted (its write was not carried out: ${failureReason(error, run.describe)})`;
    return done(writeResults(write, 'not-started', why, settled));
  }
  if (await waitToRetry(ctx, budget.nextPause(error))) return { kind: 'read' };
  return done(writeResults(write, 'failed', `${failureReason(error, run.describe)}${tries(budget)}`, settled));
}

/**
 * Whether a failed write certainly changed nothing, whatever an earlier one did: refused, never
 * sent, or a write conflict. A 500's traceback may have been raised after the commit
 * (docs/ecotaxa-api.md#conflicts): only a conflict's is known to keep nothing.
 */
function changedNothing(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.delivery !== 'none') return false;
  return !(error instanceof ServerError) || error instanceof ConflictError;
}

/**
 * Nothing of a write that met a conflict was committed (docs/ecotaxa-api.md#conflicts): read,
 * decide and write again, on a read that shows the winner's change.
 */
async function afterConflict(
  ctx: ProjectContext,
  write: PlannedWrite,
  error: ConflictError,
  settled: ApplyResult[],
): Promise<Step> {
  const { run, budget } = ctx;
  const fewEnough = budget.conflict();
  if (stopped(run)) {
    return done(writeResults(write, 'not-started', 'interrupted (its write met a conflict and was not kept)', settled));
  }
  if (fewEnough && (await waitToRetry(ctx, budget.nextPause(error)))) return { kind: 'reread', base: write.base };
  const n = budget.conflicts;
  const why = `changed by someone else at the same time (${n} write conflict${n === 1 ? '' : 's'}): run the same command again`;
  return done(writeResults(write, 'failed', why, settled));
}

// ---- Settle a lost answer -----------------------------------------------------------------

/**
 * Finds out where a write whose answer was lost went, even after Ctrl-C: it is in flight in
 * spirit. While re-reads still show the state it replaced, they wait out the replica's lag
 * (docs/ecotaxa-api.md#replica-lag), and Ctrl-C does not cut those waits short.
 */
async function settle(ctx: ProjectContext, step: StepOf<'settle'>): Promise<Step> {
  const { run, budget } = ctx;
  const { write, error, settled } = step.lost;
  const waitForReplica = (ms: number): Promise<void> => {
    budget.spend(ms);
    return waitAside(run, ms, false);
  };
  const settlement = await settleLostWrite(ctx.client, write, waitForReplica, run.replicaWaitsMs);
  // An expired token reads as an anonymous visitor (docs/ecotaxa-api.md#expired-tokens-read-as-anonymous):
  // the project not shown, or shown without members, which also looks like a revoke that
  // landed. Such a read says nothing of the write unless EcoTaxa still accepts the token.
  const anonymous = settlement.kind === 'gone' || ('project' in settlement && settlement.project.managers.length === 0);
  const token = anonymous ? await checkToken(run) : undefined;
  if (token !== undefined && token.kind !== 'good') {
    const shown = 'project' in settlement ? settlement.project : undefined;
    const why =
      token.kind === 'rejected'
        ? (run.fatal ?? '')
        : `${shownAs(shown)}, and checking your token failed: ${run.describe(token.error)}`;
    return done(writeResults(write, 'unconfirmed', notReadAgain(run, error, why), settled));
  }
  switch (settlement.kind) {
    case 'landed': {
      const results = await landed(
        run,
        write,
        `landed although EcoTaxa's answer was lost (${run.describe(error)})`,
        settled,
      );
      // The re-read showed it: confirmed as a read-back would, and not read back again.
      for (const r of results.slice(0, write.changes.length)) r.verified = true;
      return done(results);
    }
    case 'error':
      return settleFailed(ctx, step, settlement.error);
    case 'gone': {
      const why =
        'EcoTaxa no longer shows you this project (deleted, or your right removed) after an update whose answer was lost: check it';
      return done(writeResults(write, 'failed', why, settled));
    }
    default:
      return settledUnlanded(ctx, step, settlement);
  }
}

/** The re-read failed: made again if it may be, else the write's fate is unknown. */
async function settleFailed(ctx: ProjectContext, step: StepOf<'settle'>, readError: unknown): Promise<Step> {
  const { run, budget } = ctx;
  if (readError instanceof AuthenticationError) stopAll(run, run.describe(readError));
  if (!stopped(run) && (await waitToRetry(ctx, budget.nextSettlePause(readError)))) return step;
  const { write, error, settled } = step.lost;
  return done(writeResults(write, 'unconfirmed', notReadAgain(run, error, run.describe(readError)), settled));
}

/**
 * The re-read does not show the write: it is decided and written again on that read, its drift
 * measured against the state the write replaced; on the last chance, or after Ctrl-C, reported.
 */
function settledUnlanded(
  ctx: ProjectContext,
  step: StepOf<'settle'>,
  settlement: Extract<Settlement, { kind: 'not-landed' | 'changed' }>,
): Step {
  const { run, budget } = ctx;
  const { write, error, settled } = step.lost;
  if (step.lastChance || stopped(run)) {
    const why = stopped(run)
      ? "interrupted after EcoTaxa's answer was lost"
      : `${failureReason(error, run.describe)}${tries(budget)}`;
    // Still exactly what the write replaced, through the replica's lag: it did not land.
    if (settlement.kind === 'not-landed') {
      const reason = `${why}; a re-read shows the change did not land: run the same command again`;
      return done(writeResults(write, 'failed', reason, settled));
    }
    // Someone else changed the project meanwhile: a lagging replica can show their change
    // without ours after it, so whether ours landed cannot be told.
    const reason = `${why}; the project was changed by someone else meanwhile and does not show the change: it may still have landed; check the project, or run the same command again`;
    return done(writeResults(write, 'unconfirmed', reason, settled));
  }
  const before = new Map(write.changes.map((c) => [c.entry, c.from]));
  const replaced: Baseline = {
    fingerprint: () => write.replaces,
    right: (entry) => before.get(entry) ?? planBaseline.right(entry),
  };
  return { kind: 'write', fresh: settlement.project, baseline: replaced };
}

/** How a read that may be an anonymous visitor's showed the project. */
function shownAs(project: Project | undefined): string {
  return project === undefined
    ? 'EcoTaxa no longer showed the project'
    : 'EcoTaxa showed the project without its members';
}

function notReadAgain(run: ApplyRun, lost: unknown, why: string): string {
  return `EcoTaxa's answer was lost (${run.describe(lost)}) and the project could not be read again (${why}): the change may have landed; check the project, or run the same command again`;
}

// ---- Reads within the budget --------------------------------------------------------------

/**
 * The client as the steps of one project use it: a read that fails for a passing reason is
 * retried at once with the client's own short backoff (a read is always safe to repeat), the
 * project giving its concurrency slot to another meanwhile. These retries take from the
 * project's time, not from its attempts at the write, so a flaky read does not use up what
 * the write needs. No read is retried after Ctrl-C, nor once the budget is spent.
 */
function patientReads(run: ApplyRun, budget: RetryBudget): ProjectClient {
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
          await waitAside(run, delay, true);
        },
      }),
  };
}
