import type { MinUser, Project } from '../api/schemas.js';
import { InputError } from '../errors.js';
import type { PlanEntry, RightChange } from '../plan/model.js';
import { planEntry } from '../plan/planner.js';
import { rightOf } from '../plan/rights.js';
import { matchesInstrumentFilter, matchesTitleFilter } from '../selection/selectors.js';
import { type Policy, type PolicyRule, ruleLabel, ruleName } from './policy-file.js';

/*
 * What a policy asks of the server's current state, as plan entries (pure). README "Sharing
 * as code" states the rules this implements:
 * - a rule grants its right on the projects it selects (never downgrading a higher right);
 * - once its `until` has come, it takes that right back from them instead;
 * - an authoritative rule also takes exactly its right back from the projects you manage that
 *   no rule for that user selects (another rule selecting the project decides it);
 * - two rules asking different things of one user on one project are an error.
 */

export interface PolicyPlanInput {
  policy: Policy;
  caller: Pick<MinUser, 'id' | 'name' | 'email'>;
  /** The projects the caller explicitly manages, with their members. */
  projects: readonly Project[];
  /** Each rule's user, resolved: users[i] is rules[i]'s. */
  users: readonly MinUser[];
  /** Today as YYYY-MM-DD, in UTC. */
  today: string;
}

/** An authoritative rule that would take back more than a quarter of what its user holds. */
export interface MassRevoke {
  rule: PolicyRule;
  user: MinUser;
  /** Revocations the rule plans (changes, not skips). */
  revocations: number;
  /** Your projects where the user holds exactly the rule's right now. */
  held: number;
}

export interface PolicyPlan {
  entries: PlanEntry[];
  notes: string[];
  /** The guard's findings: empty when no authoritative rule takes back too much. */
  massRevokes: MassRevoke[];
}

/** Above this share of what a user holds, an authoritative rule's revocations need --allow-mass-revoke. */
export const MASS_REVOKE_SHARE = 0.25;

/** What one rule asks of one project and user. */
interface Ask {
  rule: PolicyRule;
  op: RightChange;
  /** The rule selects the project (else: an authoritative rule's take-back). */
  explicit: boolean;
}

export function hasEnded(rule: Pick<PolicyRule, 'until'>, today: string): boolean {
  return rule.until !== undefined && today >= rule.until;
}

/** Whether the rule selects the project: every selector given must match, and it is not excluded. */
export function selects(
  rule: Pick<PolicyRule, 'projects'>,
  project: Pick<Project, 'projid' | 'title' | 'instrument'>,
): boolean {
  const s = rule.projects;
  if (s.exclude.has(project.projid)) return false;
  if (s.ids !== undefined && !s.ids.has(project.projid)) return false;
  if (s.title.length > 0 && !s.title.some((t) => matchesTitleFilter(project, t))) return false;
  if (s.instrument.length > 0 && !s.instrument.some((i) => matchesInstrumentFilter(project, i))) return false;
  return s.all || s.ids !== undefined || s.title.length > 0 || s.instrument.length > 0;
}

function sameOperation(a: RightChange, b: RightChange): boolean {
  return a.action === b.action && a.right === b.right;
}

function describeAsk(ask: Ask): string {
  return ask.op.action === 'grant'
    ? `grant ${ask.op.right}`
    : `take ${ask.op.right} back (its until, ${ask.rule.until ?? ''}, has come)`;
}

function describeRule(rule: PolicyRule): string {
  return `${ruleName(rule)} (${rule.user} ${rule.right.toLowerCase()})`;
}

function listIds(ids: readonly number[]): string {
  return ids.length <= 8 ? ids.join(', ') : `${ids.slice(0, 8).join(', ')} and ${ids.length - 8} more`;
}

/** What every rule asks of one project and user, by "projid/userId". */
type Asked = Map<string, { project: Project; user: MinUser; asks: Ask[] }>;

/** The user of each rule, resolved by the caller (a bug when one is missing). */
function ruleUsers(input: PolicyPlanInput): (rule: PolicyRule) => MinUser {
  return (rule) => {
    const user = input.users[rule.index];
    if (user === undefined) throw new Error(`internal error: the user of ${ruleName(rule)} was not resolved`);
    return user;
  };
}

/** Every ask, by project and user, in project then rule order: the rules' own, then the authoritative take-backs. */
function collectAsks(
  policy: Policy,
  projects: readonly Project[],
  userOfRule: (rule: PolicyRule) => MinUser,
  today: string,
): Asked {
  const asked: Asked = new Map();
  const ask = (project: Project, rule: PolicyRule, op: RightChange, explicit: boolean): void => {
    const user = userOfRule(rule);
    const key = `${project.projid}/${user.id}`;
    const slot = asked.get(key) ?? { project, user, asks: [] };
    slot.asks.push({ rule, op, explicit });
    asked.set(key, slot);
  };
  for (const project of projects) {
    for (const rule of policy.rules) {
      if (!selects(rule, project)) continue;
      const op: RightChange = hasEnded(rule, today)
        ? { action: 'revoke', right: rule.right, anyRight: false }
        : { action: 'grant', right: rule.right };
      ask(project, rule, op, true);
    }
  }
  for (const project of projects) {
    for (const rule of policy.rules) {
      if (rule.mode !== 'authoritative' || selects(rule, project)) continue;
      const user = userOfRule(rule);
      // Another rule that selects this project for the user decides it.
      if (asked.has(`${project.projid}/${user.id}`)) continue;
      if (rightOf(project, user.id) !== rule.right) continue;
      ask(project, rule, { action: 'revoke', right: rule.right, anyRight: false }, false);
    }
  }
  return asked;
}

/** Refuses two rules asking different things of one user on one project, naming the first such pair. */
function refuseConflicts(policy: Policy, asked: Asked): void {
  const conflicts: { first: Ask; second: Ask; project: Project; user: MinUser }[] = [];
  for (const { project, user, asks } of asked.values()) {
    const explicit = asks.filter((a) => a.explicit);
    const first = explicit[0];
    const second = explicit.find((a) => first !== undefined && !sameOperation(a.op, first.op));
    if (first !== undefined && second !== undefined) conflicts.push({ first, second, project, user });
  }
  const conflict = conflicts[0];
  if (conflict === undefined) return;
  const { first, second, project, user } = conflict;
  const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more)` : '';
  throw new InputError(
    `${policy.file}:${second.rule.line}: ${describeRule(first.rule)} and ${describeRule(second.rule)} ask different things of ${user.name} on project ${project.projid} "${project.title}"${more}: ${describeAsk(first)}, and ${describeAsk(second)}; make them agree, or leave the project out of one with exclude`,
  );
}

/** One entry per project and user, decided on the asks that decide it, by project then rule. */
function decideAsks(asked: Asked, caller: PolicyPlanInput['caller']): { entry: PlanEntry; asks: Ask[] }[] {
  const entries: { entry: PlanEntry; asks: Ask[] }[] = [];
  for (const { project, user, asks } of asked.values()) {
    const deciding = asks.some((a) => a.explicit) ? asks.filter((a) => a.explicit) : asks;
    const op = (deciding[0] as Ask).op;
    const entry = planEntry(project, { caller, user }, op);
    const d = entry.decision;
    // decide() speaks of --any-right, which sync does not have: a rule only ever takes back its own right.
    if (d.kind === 'unchanged' && op.action === 'revoke' && d.current !== null && d.current !== op.right) {
      entry.decision = { ...d, reason: `has ${d.current}, not ${op.right}: a rule takes back only its own right` };
    }
    entry.user = { id: user.id, email: user.email, name: user.name, organisation: user.organisation ?? null };
    entry.operation = op;
    entry.rule = [...new Set(deciding.map((a) => ruleLabel(a.rule)))].join(', ');
    entries.push({ entry, asks: deciding });
  }
  return entries.sort(
    (a, b) => a.entry.projid - b.entry.projid || (a.asks[0]?.rule.index ?? 0) - (b.asks[0]?.rule.index ?? 0),
  );
}

/** The authoritative rules that would take back more than their share of what their user holds. */
function massRevokesOf(
  input: PolicyPlanInput,
  projects: readonly Project[],
  entries: readonly { entry: PlanEntry; asks: Ask[] }[],
  userOfRule: (rule: PolicyRule) => MinUser,
): MassRevoke[] {
  const massRevokes: MassRevoke[] = [];
  for (const rule of input.policy.rules) {
    if (rule.mode !== 'authoritative' || hasEnded(rule, input.today)) continue;
    const user = userOfRule(rule);
    const revocations = entries.filter(
      ({ entry, asks }) =>
        entry.decision.kind === 'change' &&
        entry.decision.to === null &&
        asks.some((a) => a.rule === rule && !a.explicit),
    ).length;
    const held = projects.filter((p) => rightOf(p, user.id) === rule.right).length;
    if (revocations > held * MASS_REVOKE_SHARE) massRevokes.push({ rule, user, revocations, held });
  }
  return massRevokes;
}

/** What the owner should know of each rule: ids it names that are not yours, nothing selected, an until past. */
function ruleNotes(policy: Policy, projects: readonly Project[], today: string): string[] {
  const notes: string[] = [];
  const managed = new Set(projects.map((p) => p.projid));
  for (const rule of policy.rules) {
    const notMine = rule.projects.namedIds.filter((id) => !managed.has(id) && !rule.projects.exclude.has(id));
    if (notMine.length > 0) {
      notes.push(
        `${ruleName(rule)}: ${listIds(notMine)} ${notMine.length === 1 ? 'is not a project' : 'are not projects'} you manage; a policy only ever changes projects you manage.`,
      );
    }
    if (!projects.some((p) => selects(rule, p)))
      notes.push(`${ruleName(rule)} selects none of the projects you manage.`);
    if (hasEnded(rule, today)) {
      notes.push(`${ruleName(rule)} is past its until (${rule.until ?? ''}): it takes back the ${rule.right} it gave.`);
    }
  }
  return notes;
}

/** The policy's plan entries on the given projects, one per project and user it touches. */
export function planPolicy(input: PolicyPlanInput): PolicyPlan {
  const { policy, caller, today } = input;
  const projects = [...input.projects].sort((a, b) => a.projid - b.projid);
  const userOfRule = ruleUsers(input);
  const asked = collectAsks(policy, projects, userOfRule, today);
  refuseConflicts(policy, asked);
  const entries = decideAsks(asked, caller);
  return {
    entries: entries.map((e) => e.entry),
    notes: ruleNotes(policy, projects, today),
    massRevokes: massRevokesOf(input, projects, entries, userOfRule),
  };
}
