import pLimit from 'p-limit';
import { RateLimitError, TimeoutError } from '../api/errors.js';
import type { ApplyResult } from '../plan/results.js';
import { type ApplyOptions, type ApplyProgress, createApplyRun, projectTasks } from './apply-run.js';
import { applyProject } from './project.js';
import { confirmApplied } from './verify.js';

export type { ApplyOptions, ApplyProgress } from './apply-run.js';

export interface ApplyReport {
  results: ApplyResult[];
  interrupted: boolean;
  /** Why the run stopped starting writes on its own (a rejected token, a broken journal). */
  stopped: string | undefined;
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
  const run = createApplyRun(options, () => {
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
  await confirmApplied(run, results);
  return { results, interrupted: options.signal?.aborted === true, stopped: run.fatal };
}
