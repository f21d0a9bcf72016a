import { namesUsers } from '../plan/counts.js';
import type { Plan } from '../plan/model.js';
import { type ApplyResult, countOutcomes } from '../plan/results.js';
import { type PlanDocument, toPlanDocument } from './plan-file.js';

/*
 * The `--json` document of a run that writes (README "JSON output"): the plan as its file
 * saves it, then what happened to each change, the counts, and where the journal is.
 */

/** How a run ended, as the engine reports it. */
export interface RunReport {
  results: readonly ApplyResult[];
  interrupted: boolean;
  /** Why the run stopped starting writes on its own; undefined when it did not. */
  stopped: string | undefined;
}

export interface ResultsDocument {
  plan: PlanDocument;
  results: object[];
  summary: {
    applied: number;
    unchanged: number;
    skipped: number;
    failed: number;
    unconfirmed: number;
    notStarted: number;
  };
  interrupted: boolean;
  stopped: string | null;
  journal: string | null;
}

/** The results document: `report` undefined when nothing was applied (no change to make). */
export function resultsDocument(
  plan: Plan,
  report: RunReport | undefined,
  journal: string | undefined,
): ResultsDocument {
  const results = report?.results ?? [];
  const counts = countOutcomes(results);
  return {
    plan: toPlanDocument(plan),
    results: results.map((r) => ({
      projid: r.projid,
      title: r.title,
      outcome: r.outcome,
      from: r.from,
      to: r.to,
      reason: r.reason ?? null,
      drift: r.drift ?? null,
      verified: r.verified ?? null,
      contact: r.contact ?? null,
      // Plans about several users: whose right, and which rule of a policy asked for it.
      ...(namesUsers(plan) ? { userId: r.userId } : {}),
      ...(r.rule === undefined ? {} : { rule: r.rule }),
    })),
    summary: {
      applied: counts.applied,
      unchanged: counts.unchanged,
      skipped: counts.skipped,
      failed: counts.failed,
      unconfirmed: counts.unconfirmed,
      notStarted: counts['not-started'],
    },
    interrupted: report?.interrupted ?? false,
    stopped: report?.stopped ?? null,
    journal: journal ?? null,
  };
}
