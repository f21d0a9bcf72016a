import { summarize } from './counts.js';
import type { Plan } from './model.js';

/** What a selection left out, for the plan's notes. */
export interface LeftOut {
  /** Ids from ranges that are not projects the caller can see. */
  rangedMissing: number;
  /** Projects an administrator sees but does not explicitly manage. */
  notManagedAdminProjects: number;
}

/** What the reader of a plan should know beyond its lines. */
export function planNotes(plan: Pick<Plan, 'entries'>, selection?: LeftOut): string[] {
  const notes: string[] = [];
  if (selection !== undefined && selection.notManagedAdminProjects > 0) {
    notes.push(
      `${selection.notManagedAdminProjects} project(s) you see as an administrator but do not manage were left out.`,
    );
  }
  if (selection !== undefined && selection.rangedMissing > 0) {
    notes.push(`${selection.rangedMissing} id(s) in your ranges are not projects you can see; they are not listed.`);
  }
  // Every update drops them (docs/ecotaxa-api.md#inactive-accounts).
  if (summarize(plan.entries).change > 0) {
    notes.push(
      "EcoTaxa rewrites all of a project's rights on every update: rights of inactive accounts, which the API never shows, are dropped by any update, this one included.",
    );
  }
  return notes;
}
