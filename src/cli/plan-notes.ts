import type { Plan } from '../plan/plan-document.js';
import { summarize } from '../plan/planner.js';
import type { Selection } from '../selection/select.js';

/** What the reader of a plan should know beyond its lines. */
export function planNotes(
  plan: Plan,
  selection?: Pick<Selection, 'rangedMissing' | 'notManagedAdminProjects'>,
): string[] {
  const notes: string[] = [];
  if (selection !== undefined && selection.notManagedAdminProjects > 0) {
    notes.push(
      `${selection.notManagedAdminProjects} project(s) you see as an administrator but do not manage were left out.`,
    );
  }
  if (selection !== undefined && selection.rangedMissing > 0) {
    notes.push(`${selection.rangedMissing} id(s) in your ranges are not projects you can see; they are not listed.`);
  }
  if (summarize(plan.entries).change > 0) {
    notes.push(
      "EcoTaxa rewrites all of a project's rights on every update: rights of inactive accounts, which the API never shows, are dropped by any update, this one included.",
    );
  }
  return notes;
}
