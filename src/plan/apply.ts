import pLimit from 'p-limit';
import type { EcoTaxaClient } from '../api/client.js';
import { ApiError, NotFoundError, PermissionDeniedError, RateLimitError, ValidationError } from '../api/errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, type Sleep } from '../api/retry.js';
import type { MinUser, Project } from '../api/schemas.js';
import { errorMessage } from '../errors.js';
import { privilegeFingerprint } from './fingerprint.js';
import type { JournalWriter } from './journal.js';
import { operationFor, type Plan } from './plan-document.js';
import { decide, type PlanContext, type PlanEntry } from './planner.js';
import { formatRight, type RightOrNone, rightOf } from './rights.js';
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
}

export interface ApplyOptions {
  client: EcoTaxaClient;
  plan: Plan;
  /** The resolved user, as EcoTaxa returned it (its member object goes into the PUT body). */
  user: MinUser;
  concurrency: number;
  /** Skip projects whose rights changed since the plan instead of re-deciding them. */
  strict: boolean;
  journal: JournalWriter;
  sleep: Sleep;
  random?: (() => number) | undefined;
  /** Ctrl-C: no new request starts once aborted. */
  signal?: AbortSignal | undefined;
  onProgress?: (done: number, total: number) => void;
  /** Attempts at one project's PUT when answers are ambiguous (network, timeout, 5xx). */
  maxWriteAttempts?: number;
  /** Waits before re-reading changes a read-back did not show yet (replica lag, API-NOTES). */
  verifyDelaysMs?: readonly number[];
}

const DEFAULT_MAX_WRITE_ATTEMPTS = 5;
const DEFAULT_VERIFY_DELAYS_MS = [1_000, 2_000];

/** Turns an API failure into the reason shown for one project. */
function failureReason(err: unknown): string {
  if (err instanceof PermissionDeniedError) return `EcoTaxa refused: you are not allowed to change this project (403)`;
  if (err instanceof NotFoundError) return 'EcoTaxa has no such project any more (404)';
  if (err instanceof ValidationError) return `EcoTaxa refused the update: ${err.ecotaxaMessage}`;
  return errorMessage(err);
}

function describeDrift(entry: PlanEntry, fresh: Project, userId: number): string {
  const planned = entry.decision.kind === 'change' ? entry.decision.from : entry.decision.current;
  const now = rightOf(fresh, userId);
  if (planned !== now) return `the user's right is now ${formatRight(now)} (it was ${formatRight(planned)} at plan time)`;
  return 'other rights or the contact changed since the plan';
}

/**
 * Carries out the plan's changes, each on fresh state: read the project, decide again, write
 * the complete model with only the user's entry changed, journal what landed, then confirm
 * with a batched read-back. A failing project never stops the others.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyReport> {
  const { client, plan, user, journal, signal } = options;
  const ctx: PlanContext = { caller: plan.caller, user };
  const maxAttempts = options.maxWriteAttempts ?? DEFAULT_MAX_WRITE_ATTEMPTS;
  const stopped = (): boolean => signal?.aborted === true;
  const changes = plan.entries.filter((e) => e.decision.kind === 'change');
  let done = 0;

  const applyOne = async (entry: PlanEntry): Promise<ApplyResult> => {
    const op = operationFor(plan, entry);
    const base = { projid: entry.projid, title: entry.title };
    const planned = entry.decision.kind === 'change' ? entry.decision : undefined;
    const notStarted: ApplyResult = {
      ...base,
      outcome: 'not-started',
      from: planned?.from ?? null,
      to: planned?.to ?? null,
      reason: 'not started: interrupted',
    };
    let drift: string | undefined;
    /** A PUT whose answer was lost: if a read shows its result, it landed. */
    let pending: { from: RightOrNone; to: RightOrNone; error: unknown; before: string } | undefined;

    for (let attempt = 1; ; attempt++) {
      // An unanswered PUT is in flight in spirit: find out whether it landed even after Ctrl-C.
      if (stopped() && pending === undefined) return notStarted;
      let fresh: Project;
      try {
        fresh = await client.getProject(entry.projid);
        if (pending !== undefined && privilegeFingerprint(fresh) === pending.before && rightOf(fresh, user.id) !== pending.to) {
          // Still the state we wrote over: maybe replica lag. Read once more before writing again.
          await options.sleep(backoffDelay(attempt - 1, DEFAULT_RETRY_POLICY, options.random));
          fresh = await client.getProject(entry.projid);
        }
      } catch (err) {
        const lost = pending === undefined ? '' : ' (an earlier update was not answered and may have landed: check the project)';
        return {
          ...base,
          outcome: 'failed',
          from: planned?.from ?? null,
          to: planned?.to ?? null,
          reason: `${failureReason(err)}${lost}`,
        };
      }
      if (pending !== undefined && rightOf(fresh, user.id) === pending.to) {
        return landed(
          {
            ...base,
            outcome: 'applied',
            from: pending.from,
            to: pending.to,
            reason: `landed although EcoTaxa's answer was lost (${errorMessage(pending.error)})`,
            ...(drift === undefined ? {} : { drift }),
          },
        );
      }

      if (stopped()) return notStarted;
      const fingerprint = privilegeFingerprint(fresh);
      if (pending === undefined && drift === undefined && entry.fingerprint !== null && fingerprint !== entry.fingerprint) {
        drift = describeDrift(entry, fresh, user.id);
        if (options.strict) {
          return {
            ...base,
            outcome: 'skipped',
            from: planned?.from ?? null,
            to: planned?.to ?? null,
            reason: 'changed since the plan (--strict)',
            drift,
          };
        }
      }
      const decision = decide(fresh, ctx, op);
      const withDrift = drift === undefined ? {} : { drift };
      if (decision.kind === 'unchanged') {
        return { ...base, outcome: 'unchanged', from: decision.current, to: decision.current, reason: decision.reason, ...withDrift };
      }
      if (decision.kind === 'skip') {
        return { ...base, outcome: 'skipped', from: decision.current, to: decision.current, reason: decision.reason, ...withDrift };
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
      if (stopped()) return notStarted;
      try {
        await client.updateProject(entry.projid, body);
      } catch (err) {
        const retryable = err instanceof ApiError && (err.ambiguous || err.retryable);
        if (!retryable || attempt >= maxAttempts) {
          const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
          return { ...base, outcome: 'failed', from: decision.from, to: decision.to, reason: `${failureReason(err)}${tries}`, ...withDrift };
        }
        // The PUT may have committed anyway (a proxy's 502, a timeout): never send it again
        // before a fresh read shows it did not land.
        pending = { from: decision.from, to: decision.to, error: err, before: fingerprint };
        const backoff = backoffDelay(attempt - 1, DEFAULT_RETRY_POLICY, options.random);
        const asked = err instanceof RateLimitError ? Math.min(err.retryAfterMs ?? 0, DEFAULT_RETRY_POLICY.maxRetryAfterMs) : 0;
        await options.sleep(Math.max(backoff, asked));
        continue;
      }
      return landed({ ...base, outcome: 'applied', from: decision.from, to: decision.to, ...withDrift });
    }
  };

  /** Journals a change that landed; it counts as applied either way, but undo must be told. */
  const landed = async (result: ApplyResult): Promise<ApplyResult> => {
    try {
      await journal.record({ projid: result.projid, title: result.title, before: result.from, after: result.to });
    } catch (err) {
      result.reason = `${result.reason === undefined ? '' : `${result.reason}; `}not in the journal (${errorMessage(err)}): undo will not know of it`;
    }
    return result;
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

  const interrupted = stopped();
  if (!interrupted) await verify(options, results);
  return { results, interrupted };
}

/**
 * Reads back every applied project, a few hundred per request, and checks the user's right.
 * EcoTaxa serves reads from a replica: a read-back still showing the old right is read again
 * after a pause before the change is called unconfirmed (API-NOTES "Changing rights").
 */
async function verify(options: ApplyOptions, results: ApplyResult[]): Promise<void> {
  let unconfirmed = results.filter((r) => r.outcome === 'applied');
  const delays = options.verifyDelaysMs ?? DEFAULT_VERIFY_DELAYS_MS;
  for (let round = 0; unconfirmed.length > 0; round++) {
    let projects: Project[];
    try {
      projects = await options.client.getProjects(unconfirmed.map((r) => r.projid));
    } catch (err) {
      for (const r of unconfirmed) r.reason = `applied, but the read-back failed: ${errorMessage(err)}`;
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
    const delay = delays[round];
    if (unconfirmed.length === 0 || delay === undefined || options.signal?.aborted === true) break;
    await options.sleep(delay);
  }
  for (const result of unconfirmed) {
    result.verified = false;
    result.outcome = 'failed';
    result.reason =
      'EcoTaxa accepted the update but a read-back does not show it (replica lag, another writer, or an inactive account): check the project';
  }
}
