import type { MinUser } from '../api/schemas.js';
import type { Right, RightOrNone } from './rights.js';

/*
 * The plan model: what `plan` shows, `--out` saves, `apply` carries out and the journal and
 * results speak of. Types and the two lookups every reader of a plan needs; how a plan is
 * decided is planner.ts, how it is saved is src/store/plan-file.ts.
 */

/** A user as plans and journals keep them. */
export interface Person {
  id: number;
  email: string;
  name: string;
  organisation?: string | null | undefined;
}

/**
 * The plan operation: what a plan carries out, as its file saves it. Grant and revoke apply to
 * every entry; an undo plan (`restore`) names the runs it undoes and each entry its own
 * target (`PlanEntry.restore`); a policy (`sync`) names its file and each entry its own right
 * change (`PlanEntry.operation`).
 */
export type PlanOperation =
  | { action: 'grant'; right: Right }
  | { action: 'revoke'; right: Right; anyRight: boolean }
  | { action: 'restore'; journal: string }
  | { action: 'sync'; policy: string };

/** A right granted or revoked: a plan's operation, or one entry's of a sync. */
export type RightChange = Extract<PlanOperation, { action: 'grant' | 'revoke' }>;

/** Undo, for one entry: put the user back from `from` (what a run left) to `to` (what it found). */
export interface RestoreTarget {
  from: RightOrNone;
  to: RightOrNone;
}

/** What one entry carries out: the plan operation as it applies to that entry (`operationFor`). */
export type EntryOperation = RightChange | ({ action: 'restore' } & RestoreTarget);

export const SKIP_CODES = [
  'not-found',
  'not-manager',
  'self',
  'inconsistent',
  'contact',
  'last-manager',
  'no-contact',
  'contact-not-manager',
  'no-instrument',
  'drift',
  /** undo: the user of the run no longer exists or has an inactive account. */
  'inactive-user',
] as const;
export type SkipCode = (typeof SKIP_CODES)[number];

/** A contact set by --fix-contact: the project had none EcoTaxa accepts, the caller becomes it. */
export interface ContactChange {
  from: Pick<MinUser, 'id' | 'name' | 'email'> | null;
  to: Pick<MinUser, 'id' | 'name' | 'email'>;
}

export type Decision =
  | { kind: 'change'; from: RightOrNone; to: RightOrNone; contact?: ContactChange }
  | { kind: 'unchanged'; current: RightOrNone; reason: string }
  | { kind: 'skip'; code: SkipCode; current: RightOrNone; reason: string };

export interface PlanEntry {
  projid: number;
  title: string;
  /** Of the privilege lists the decision was made from; null when the project was not read. */
  fingerprint: string | null;
  decision: Decision;
  /** For undo: where this entry's user goes back to (the plan's operation names the runs). */
  restore?: RestoreTarget;
  /**
   * Plans about several users (sync, the undo of a sync): this entry's user, when it is not
   * the plan's. A project then has one entry per user, written together in one update.
   */
  user?: Pick<MinUser, 'id' | 'name' | 'email' | 'organisation'>;
  /** This entry's own right change (sync), when it is not the plan's. */
  operation?: RightChange;
  /** Which rule of a policy asked for it (sync), for display. */
  rule?: string;
}

/** A plan in memory: what `plan` shows, `--out` saves and `apply` carries out. */
export interface Plan {
  createdAt: Date;
  server: string;
  caller: Person;
  /** The user whose right changes (entries about another user name theirs). */
  user: Person;
  operation: PlanOperation;
  entries: PlanEntry[];
  notes: string[];
  /** --fix-contact: legacy projects get the caller as contact, as a planned change. */
  fixContact?: boolean | undefined;
}

/** The operation one entry carries out: its own (sync, undo), else the plan's. */
export function operationFor(plan: Pick<Plan, 'operation'>, entry: PlanEntry): EntryOperation {
  if (entry.restore !== undefined) return { action: 'restore', from: entry.restore.from, to: entry.restore.to };
  if (entry.operation !== undefined) return entry.operation;
  const op = plan.operation;
  if (op.action === 'restore') throw new Error(`internal error: undo entry ${entry.projid} has no target`);
  if (op.action === 'sync') throw new Error(`internal error: sync entry ${entry.projid} has no operation`);
  return op;
}

/** The user one entry is about: its own (plans about several users), else the plan's. */
export function userOf(plan: Pick<Plan, 'user'>, entry: PlanEntry): Person {
  return entry.user ?? plan.user;
}
