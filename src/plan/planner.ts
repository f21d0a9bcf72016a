import type { MinUser, Project } from '../api/schemas.js';
import { privilegeFingerprint } from './fingerprint.js';
import {
  RIGHT_RANK,
  type Right,
  type RightOrNone,
  duplicatedMembers,
  formatRight,
  rightOf,
  rightsHeld,
} from './rights.js';

/** What the user asked for, on every selected project. */
export type Operation =
  | { action: 'grant'; right: Right }
  | { action: 'revoke'; right: Right; anyRight: boolean }
  /** Undo: put the user back from `from` (what a run left) to `to` (what it found). */
  | { action: 'restore'; from: RightOrNone; to: RightOrNone };

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

export interface PlanContext {
  /** The account running the tool (GET /users/me). */
  caller: Pick<MinUser, 'id' | 'name' | 'email'>;
  /** The account whose right changes. */
  user: Pick<MinUser, 'id' | 'name' | 'email'>;
  /**
   * --fix-contact: make the caller the contact of a project EcoTaxa would otherwise refuse to
   * update (no contact, an inactive one, or one who is not a manager), as a planned change.
   */
  fixContact?: boolean | undefined;
}

function skip(code: SkipCode, current: RightOrNone, reason: string): Decision {
  return { kind: 'skip', code, current, reason };
}

/** What the operation wants the user's right to become, given the current one (pure). */
function desiredRight(
  op: Operation,
  current: RightOrNone,
): { to: RightOrNone } | { unchanged: string } | { drift: string } {
  switch (op.action) {
    case 'grant':
      if (current === op.right) return { unchanged: `already has ${current}` };
      if (current !== null && RIGHT_RANK[current] > RIGHT_RANK[op.right]) {
        return { unchanged: `already has ${current}, higher than ${op.right} (never downgraded)` };
      }
      return { to: op.right };
    case 'revoke':
      if (current === null) return { unchanged: 'has no right' };
      if (current !== op.right && !op.anyRight) {
        return { unchanged: `has ${current}, not ${op.right} (--any-right would remove it)` };
      }
      return { to: null };
    case 'restore':
      if (current === op.to) return { unchanged: `already back to ${formatRight(op.to)}` };
      if (current !== op.from) {
        return {
          drift: `changed since that run: now ${formatRight(current)}, the run left ${formatRight(op.from)}; left alone`,
        };
      }
      return { to: op.to };
  }
}

/**
 * Whether the contact is a manager once the user has right `to`: EcoTaxa checks the body it
 * receives, so granting Manage to a legacy contact who was not a manager mends the project.
 */
function contactManagesAfter(project: Project, contactId: number, userId: number, to: RightOrNone): boolean {
  if (contactId === userId) return to === 'Manage';
  return project.managers.some((m) => m.id === contactId);
}

/**
 * The decision for one project, from its current state alone. Pure: the same inputs always
 * give the same decision, so it is computed at plan time and again right before each write.
 */
export function decide(project: Project, ctx: PlanContext, op: Operation): Decision {
  const userId = ctx.user.id;
  const held = rightsHeld(project, userId);
  const current = rightOf(project, userId);

  if (userId === ctx.caller.id) {
    return skip('self', current, 'that is you: this tool never changes your own right');
  }
  if (!project.managers.some((m) => m.id === ctx.caller.id)) {
    const mine = rightOf(project, ctx.caller.id);
    const yours = mine === null ? '' : ` (you have ${mine})`;
    return skip('not-manager', current, `you are not a manager of this project${yours}`);
  }
  if (held.length > 1) {
    return skip(
      'inconsistent',
      current,
      `EcoTaxa lists ${ctx.user.name} as ${held.join(' and ')}; an update would fail: fix it in the web UI`,
    );
  }

  const wanted = desiredRight(op, current);
  if ('unchanged' in wanted) return { kind: 'unchanged', current, reason: wanted.unchanged };
  if ('drift' in wanted) return skip('drift', current, wanted.drift);
  const to = wanted.to;

  const losesManage = current === 'Manage' && to !== 'Manage';
  if (losesManage && project.contact?.id === userId) {
    return skip(
      'contact',
      current,
      `${ctx.user.name} is the project's contact, who must stay a manager: choose another contact in the web UI first`,
    );
  }
  // Unreachable while the caller must be a manager other than the user, but it is the most
  // damaging outcome of all, so it stays guarded here and not only by that precondition.
  if (losesManage && project.managers.length <= 1) {
    return skip('last-manager', current, 'would leave the project without a manager');
  }

  // What EcoTaxa would refuse (API-NOTES "Changing rights"). The contact is mended only when
  // the owner asked for it (--fix-contact), as its own planned change; the instrument never.
  const contact = project.contact;
  const contactProblem =
    contact === null || contact === undefined
      ? skip(
          'no-contact',
          current,
          'EcoTaxa refuses to update a project without a valid contact (none set, or the contact account is inactive): set one in the web UI, or add --fix-contact',
        )
      : !contactManagesAfter(project, contact.id, userId, to)
        ? skip(
            'contact-not-manager',
            current,
            `EcoTaxa refuses to update this legacy project: its contact ${contact.name} is not a manager; fix the contact in the web UI, or add --fix-contact`,
          )
        : undefined;
  if (contactProblem !== undefined && ctx.fixContact !== true) return contactProblem;
  if (project.instrument === null || project.instrument === undefined || project.instrument === '') {
    return skip(
      'no-instrument',
      current,
      'EcoTaxa refuses to update a project without an instrument: set one in the web UI',
    );
  }
  const duplicated = duplicatedMembers(project);
  if (duplicated.length > 0) {
    return skip(
      'inconsistent',
      current,
      `EcoTaxa lists user${duplicated.length > 1 ? 's' : ''} #${duplicated.join(', #')} in more than one list; an update would fail: fix it in the web UI`,
    );
  }
  if (contactProblem === undefined) return { kind: 'change', from: current, to };
  const from =
    contact === null || contact === undefined ? null : { id: contact.id, name: contact.name, email: contact.email };
  return {
    kind: 'change',
    from: current,
    to,
    contact: { from, to: { id: ctx.caller.id, name: ctx.caller.name, email: ctx.caller.email } },
  };
}

export interface PlanEntry {
  projid: number;
  title: string;
  /** Of the privilege lists the decision was made from; null when the project was not read. */
  fingerprint: string | null;
  decision: Decision;
  /** For undo: the per-project operation (the others share the plan's operation). */
  restore?: { from: RightOrNone; to: RightOrNone };
  /**
   * Plans about several users (sync, the undo of a sync): this entry's user, when it is not
   * the plan's. A project then has one entry per user, written together in one update.
   */
  user?: Pick<MinUser, 'id' | 'name' | 'email' | 'organisation'>;
  /** This entry's own operation (sync), when it is not the plan's. */
  operation?: Operation;
  /** Which rule of a policy asked for it (sync), for display. */
  rule?: string;
}

export function planEntry(project: Project, ctx: PlanContext, op: Operation): PlanEntry {
  const entry: PlanEntry = {
    projid: project.projid,
    title: project.title,
    fingerprint: privilegeFingerprint(project),
    decision: decide(project, ctx, op),
  };
  if (op.action === 'restore') entry.restore = { from: op.from, to: op.to };
  return entry;
}

export function notFoundEntry(projid: number, title = ''): PlanEntry {
  return {
    projid,
    title,
    fingerprint: null,
    decision: skip('not-found', null, 'not found, or you have no right on it'),
  };
}

export interface PlanSummary {
  change: number;
  unchanged: number;
  skip: number;
}

export function summarize(entries: readonly PlanEntry[]): PlanSummary {
  const summary: PlanSummary = { change: 0, unchanged: 0, skip: 0 };
  for (const entry of entries) summary[entry.decision.kind]++;
  return summary;
}
