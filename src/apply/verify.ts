import type { Project } from '../api/schemas.js';
import { errorMessage } from '../errors.js';
import type { ApplyResult } from '../plan/results.js';
import { rightOf } from '../plan/rights.js';
import { type ApplyOptions, type ApplyRun, stopped } from './apply-run.js';
import { join } from './outcomes.js';

/**
 * Confirms what the run applied with batched read-backs; after Ctrl-C or a reason that stopped
 * the run, reads nothing and says that what was applied is not confirmed.
 */
export async function confirmApplied(run: ApplyRun, results: ApplyResult[]): Promise<void> {
  if (!stopped(run)) {
    await verify(run.options, results, run.replicaWaitsMs);
    return;
  }
  const why = run.fatal === undefined ? 'interrupted' : 'the run stopped';
  for (const r of results.filter((x) => x.outcome === 'applied' && x.verified !== true)) {
    r.reason = join(r.reason, `not confirmed: ${why} before the read-back`);
  }
}

/**
 * Reads back every applied project, a few hundred per request, and checks each user's right.
 * A read-back still showing the old right is read again after a pause (replica lag,
 * docs/ecotaxa-api.md#replica-lag) before the change is called unconfirmed.
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
