import { type Person, type Plan, operationFor, userOf } from './plan-document.js';

/*
 * Facts about a plan that entries about several users (sync, the undo of a sync) make worth
 * saying: whose rights it changes, and how many grants and revocations it holds.
 */

/** Whether the plan's entries name their own users (a policy, or the undo of one). */
export function namesUsers(plan: Pick<Plan, 'entries'>): boolean {
  return plan.entries.some((e) => e.user !== undefined || e.rule !== undefined);
}

/** The users the plan is about, the plan's own first, each once, in the order entries name them. */
export function planUsers(plan: Pick<Plan, 'user' | 'entries'>): Person[] {
  const users = new Map<number, Person>();
  for (const entry of plan.entries) {
    const user = userOf(plan, entry);
    if (!users.has(user.id)) users.set(user.id, user);
  }
  if (users.size === 0) return [plan.user];
  const own = users.get(plan.user.id);
  return own === undefined ? [...users.values()] : [own, ...[...users.values()].filter((u) => u.id !== own.id)];
}

export interface ActionCounts {
  /** Changes that give a right or raise one. */
  grants: number;
  /** Changes that take a right away. */
  revocations: number;
  /** Undo's changes, which put a previous right back. */
  restores: number;
}

/** The plan's changes, by what they do. */
export function changesByAction(plan: Pick<Plan, 'operation' | 'entries'>): ActionCounts {
  const counts: ActionCounts = { grants: 0, revocations: 0, restores: 0 };
  for (const entry of plan.entries) {
    if (entry.decision.kind !== 'change') continue;
    const action = operationFor(plan, entry).action;
    if (action === 'grant') counts.grants++;
    else if (action === 'revoke') counts.revocations++;
    else counts.restores++;
  }
  return counts;
}

/** How many projects and users the plan's changes touch. */
export function changedScope(plan: Pick<Plan, 'user' | 'entries'>): { projects: number; users: number } {
  const changes = plan.entries.filter((e) => e.decision.kind === 'change');
  return {
    projects: new Set(changes.map((e) => e.projid)).size,
    users: new Set(changes.map((e) => userOf(plan, e).id)).size,
  };
}
