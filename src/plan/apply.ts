import pLimit from 'p-limit';
import type { EcoTaxaClient } from '../api/client.js';
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ValidationError,
} from '../api/errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, type Sleep } from '../api/retry.js';
import type { MinUser, Project } from '../api/schemas.js';
import { errorMessage } from '../errors.js';
import { privilegeFingerprint } from './fingerprint.js';
import type { JournalWriter } from './journal.js';
import { operationFor, type Plan } from './plan-document.js';
import { decide, type PlanContext, type PlanEntry } from './planner.js';
import { describeDrift, type RightOrNone, rightOf } from './rights.js';
import { unsafeUpdateProblems, withUserRight } from './update.js';

export type Outcome = 'applied' | 'unchanged' | 'skipped' | 'failed' | 'not-started';

export interface ApplyResult {
  projid: number;
  title: string;
  outcome: Outcome;
  from: RightOrNone;
  to: RightOrNone;
  /** Why it was not applied, or what to know about how it was. */
  reason?: string;
  /** How the project had changed since the plan, if it had. */
  drift?: string;
  /** For applied changes: whether a read-back showed the new right. */
  verified?: boolean;
}

export interface ApplyReport {
  results: ApplyResult[];
  interrupted: boolean;
  /** Why the run stopped starting writes on its own (a rejected token, a broken journal). */
  stopped: string | undefined;
}

export interface ApplyOptions {
  client: EcoTaxaClient;
  plan: Plan;
  /** The resolved user, as EcoTaxa returned it (its member object goes into the PUT body). */
  user: MinUser;
  concurrency: number;
  /** Skip projects whose rights changed since the plan instead of re-deciding them. */
  strict: boolean;
  /** Already open (its first line on disk). */
  journal: JournalWriter;
  sleep: Sleep;
  random?: (() => number) | undefined;
  /** Ctrl-C: no new request starts once aborted. */
  signal?: AbortSignal | undefined;
  onProgress?: (done: number, total: number) => void;
  /** Attempts at one project (its read and its write) while failures are transient. */
  maxAttempts?: number;
  /** Waits before re-reading, while a read may come from a lagging replica (API-NOTES). */
  replicaWaitsMs?: readonly number[];
}

const DEFAULT_MAX_ATTEMPTS = 5;
/** EcoTaxa waits up to about 2 s for its replica after a write: re-read for longer than that. */
const DEFAULT_REPLICA_WAITS_MS = [1_000, 1_000, 1_000];

/** The reason shown for one project's failure. */
function failureReason(err: unknown): string {
  if (err instanceof PermissionDeniedError) return `EcoTaxa refused: you are not allowed to change this project (403)`;
  if (err instanceof NotFoundError) return 'EcoTaxa has no such project any more (404)';
  if (err instanceof ValidationError) return `EcoTaxa refused the update: ${err.ecotaxaMessage}`;
  return errorMessage(err);
}

const retryable = (err: unknown): boolean => err instanceof ApiError && err.retryable;

function join(...parts: (string | undefined)[]): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined && p !== '');
  return kept.length === 0 ? undefined : kept.join('; ');
}

/**
 * Carries out the plan's changes, each on fresh state: read the project, decide again, write
 * the complete model with only the user's entry changed, journal it, then confirm everything
 * with batched read-backs. A failing project never stops the others; a rejected token or a
 * journal that cannot be written stops all new writes.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyReport> {
  const { client, plan, user, journal } = options;
  const ctx: PlanContext = { caller: plan.caller, user };
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const replicaWaits = options.replicaWaitsMs ?? DEFAULT_REPLICA_WAITS_MS;
  let fatal: string | undefined;
  const stopped = (): boolean => options.signal?.aborted === true || fatal !== undefined;
  const stopAll = (why: string): void => {
    fatal ??= why;
  };
  const changes = plan.entries.filter((e) => e.decision.kind === 'change');
  let done = 0;

  /** The project as the server has it now: a list call, which (unlike GET /projects/{id}) does not add it to the owner's "recently used" projects. */
  const read = async (projid: number): Promise<Project | undefined> => (await client.getProjects([projid]))[0];

  const backoff = (attempt: number, err?: unknown): Promise<void> => {
    const delay = backoffDelay(attempt - 1, DEFAULT_RETRY_POLICY, options.random);
    const asked =
      err instanceof RateLimitError ? Math.min(err.retryAfterMs ?? 0, DEFAULT_RETRY_POLICY.maxRetryAfterMs) : 0;
    return options.sleep(Math.max(delay, asked));
  };

  const journaled = async (result: ApplyResult): Promise<ApplyResult> => {
    try {
      await journal.record({ projid: result.projid, title: result.title, before: result.from, after: result.to });
    } catch (err) {
      stopAll(`the journal could not be written (${errorMessage(err)}): undo will not know of the last changes`);
      result.reason = join(result.reason, 'not in the journal: undo will not know of it');
    }
    return result;
  };

  const applyOne = async (entry: PlanEntry): Promise<ApplyResult> => {
    const op = operationFor(plan, entry);
    const base = { projid: entry.projid, title: entry.title };
    const planned = entry.decision.kind === 'change' ? entry.decision : undefined;
    const from = planned?.from ?? null;
    const to = planned?.to ?? null;
    const notStarted = (): ApplyResult => ({
      ...base,
      outcome: 'not-started',
      from,
      to,
      reason: fatal ?? 'interrupted',
    });
    let drift: string | undefined;
    /** A PUT whose answer was lost: it may have landed, so it is never sent again blindly. */
    let lost: { from: RightOrNone; to: RightOrNone; error: unknown; before: string } | undefined;

    for (let attempt = 1; ; attempt++) {
      // After a lost answer the write is in flight in spirit: find out where it went, even after Ctrl-C.
      if (stopped() && lost === undefined) return notStarted();
      let fresh: Project | undefined;
      try {
        fresh = await read(entry.projid);
        // Still the state written over? Perhaps a lagging replica: re-read for longer than it
        // lags before concluding the write did not land.
        for (const wait of lost === undefined ? [] : replicaWaits) {
          if (fresh === undefined || privilegeFingerprint(fresh) !== lost?.before) break;
          await options.sleep(wait);
          fresh = await read(entry.projid);
        }
      } catch (err) {
        if (err instanceof AuthenticationError) stopAll(err.message);
        if (stopped() && lost === undefined) return notStarted();
        if (retryable(err) && attempt < maxAttempts && !stopped()) {
          await backoff(attempt, err);
          continue;
        }
        const unsure =
          lost === undefined ? undefined : 'an earlier update was not answered and may have landed: check the project';
        return { ...base, outcome: 'failed', from, to, reason: join(failureReason(err), unsure) };
      }
      if (fresh === undefined) {
        return {
          ...base,
          outcome: 'failed',
          from,
          to,
          reason: 'EcoTaxa no longer shows you this project (deleted, or your right removed)',
        };
      }
      if (lost !== undefined && rightOf(fresh, user.id) === lost.to) {
        return journaled({
          ...base,
          outcome: 'applied',
          from: lost.from,
          to: lost.to,
          reason: `landed although EcoTaxa's answer was lost (${errorMessage(lost.error)})`,
          ...(drift === undefined ? {} : { drift }),
        });
      }
      const fingerprint = privilegeFingerprint(fresh);
      if (lost !== undefined && stopped()) {
        return {
          ...base,
          outcome: 'failed',
          from,
          to,
          reason: `interrupted after EcoTaxa's answer was lost (${errorMessage(lost.error)}): a re-read does not show the change, but it may still land; check the project`,
        };
      }
      if (stopped()) return notStarted();

      // Compared with the plan, or, after a lost answer, with the state that write replaced.
      const expected = lost?.before ?? entry.fingerprint;
      if (expected !== null && fingerprint !== expected && drift === undefined) {
        drift = describeDrift(lost === undefined ? from : lost.from, fresh, user);
        if (options.strict) {
          return { ...base, outcome: 'skipped', from, to, reason: 'changed since the plan (--strict)', drift };
        }
      }
      const withDrift = drift === undefined ? {} : { drift };
      const decision = decide(fresh, ctx, op);
      if (decision.kind === 'unchanged') {
        return {
          ...base,
          outcome: 'unchanged',
          from: decision.current,
          to: decision.current,
          reason: decision.reason,
          ...withDrift,
        };
      }
      if (decision.kind === 'skip') {
        return {
          ...base,
          outcome: 'skipped',
          from: decision.current,
          to: decision.current,
          reason: decision.reason,
          ...withDrift,
        };
      }

      const body = withUserRight(fresh, user, decision.to);
      const problems = unsafeUpdateProblems(fresh, body, user.id, plan.caller.id);
      if (problems.length > 0) {
        return {
          ...base,
          outcome: 'failed',
          from: decision.from,
          to: decision.to,
          reason: `not sent, it would not be safe: ${problems.join('; ')} (a bug: please report it)`,
        };
      }
      const change = { ...base, before: decision.from, after: decision.to };
      try {
        await journal.intend(change);
      } catch (err) {
        stopAll(`the journal could not be written (${errorMessage(err)})`);
        return notStarted();
      }
      if (stopped()) return notStarted();
      try {
        await client.updateProject(entry.projid, body);
      } catch (err) {
        if (err instanceof AuthenticationError) stopAll(err.message);
        if (!retryable(err) || attempt >= maxAttempts || err instanceof AuthenticationError) {
          const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
          return {
            ...base,
            outcome: 'failed',
            from: decision.from,
            to: decision.to,
            reason: `${failureReason(err)}${tries}`,
            ...withDrift,
          };
        }
        lost = { from: decision.from, to: decision.to, error: err, before: fingerprint };
        await backoff(attempt, err);
        continue;
      }
      const again =
        attempt > 1 ? `written again: an earlier answer was lost and a re-read showed it had not landed` : undefined;
      return journaled({
        ...base,
        outcome: 'applied',
        from: decision.from,
        to: decision.to,
        ...withDrift,
        ...(again === undefined ? {} : { reason: again }),
      });
    }
  };

  const limit = pLimit(options.concurrency);
  const results = await Promise.all(
    changes.map((entry) =>
      limit(async () => {
        const result = await applyOne(entry);
        options.onProgress?.(++done, changes.length);
        return result;
      }),
    ),
  );

  if (!stopped()) await verify(options, results, replicaWaits);
  return { results, interrupted: options.signal?.aborted === true, stopped: fatal };
}

/**
 * Reads back every applied project, a few hundred per request, and checks the user's right.
 * A read-back still showing the old right is read again after a pause (replica lag) before
 * the change is called unconfirmed.
 */
async function verify(options: ApplyOptions, results: ApplyResult[], waits: readonly number[]): Promise<void> {
  let unconfirmed = results.filter((r) => r.outcome === 'applied');
  for (let round = 0; unconfirmed.length > 0; round++) {
    let projects: Project[];
    try {
      projects = await options.client.getProjects(unconfirmed.map((r) => r.projid));
    } catch (err) {
      for (const r of unconfirmed)
        r.reason = join(r.reason, `not confirmed: the read-back failed (${errorMessage(err)})`);
      return;
    }
    const byId = new Map(projects.map((p) => [p.projid, p]));
    const still: ApplyResult[] = [];
    for (const result of unconfirmed) {
      const project = byId.get(result.projid);
      if (project !== undefined && rightOf(project, options.user.id) === result.to) result.verified = true;
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
  for (const result of unconfirmed) {
    result.verified = false;
    result.outcome = 'failed';
    result.reason = join(
      result.reason,
      'EcoTaxa accepted the update but a read-back does not show it (replica lag, another writer, or an inactive account): check the project',
    );
  }
}
