import type { MinUser, Project } from '../api/schemas.js';
import { privilegeFingerprint } from './fingerprint.js';
import type { Decision, EntryOperation, PlanEntry, SkipCode } from './model.js';
import { RIGHT_RANK, type RightOrNone, duplicatedMembers, formatRight, rightOf, rightsHeld } from './rights.js';

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
  op: EntryOperation,
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

/** What stops the tool from planning anything for the user here, whatever is asked. */
function refusal(project: Project, ctx: PlanContext, current: RightOrNone): Decision | undefined {
  const userId = ctx.user.id;
  if (userId === ctx.caller.id) {
    return skip('self', current, 'that is you: this tool never changes your own right');
  }
  if (!project.managers.some((m) => m.id === ctx.caller.id)) {
    const mine = rightOf(project, ctx.caller.id);
    const yours = mine === null ? '' : ` (you have ${mine})`;
    return skip('not-manager', current, `you are not a manager of this project${yours}`);
  }
  const held = rightsHeld(project, userId);
  if (held.length > 1) {
    return skip(
      'inconsistent',
      current,
      `EcoTaxa lists ${ctx.user.name} as ${held.join(' and ')}; an update would fail: fix it in the web UI`,
    );
  }
  return undefined;
}

/** A change that would leave the project without the managers it needs. */
function managerProblem(
  project: Project,
  ctx: PlanContext,
  current: RightOrNone,
  to: RightOrNone,
): Decision | undefined {
  const losesManage = current === 'Manage' && to !== 'Manage';
  if (losesManage && project.contact?.id === ctx.user.id) {
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
  return undefined;
}

/**
 * A contact EcoTaxa would refuse in the update (docs/ecotaxa-api.md#legacy-contacts): mended
 * only when the owner asked for it (--fix-contact), as its own planned change.
 */
function contactProblem(
  project: Project,
  ctx: PlanContext,
  current: RightOrNone,
  to: RightOrNone,
): Decision | undefined {
  const contact = project.contact;
  if (contact === null || contact === undefined) {
    return skip(
      'no-contact',
      current,
      'EcoTaxa refuses to update a project without a valid contact (none set, or the contact account is inactive): set one in the web UI, or add --fix-contact',
    );
  }
  if (!contactManagesAfter(project, contact.id, ctx.user.id, to)) {
    return skip(
      'contact-not-manager',
      current,
      `EcoTaxa refuses to update this legacy project: its contact ${contact.name} is not a manager; fix the contact in the web UI, or add --fix-contact`,
    );
  }
  return undefined;
}

/**
 * What else in the project's model makes EcoTaxa refuse or fail any update: no instrument
 * (docs/ecotaxa-api.md#whole-model-put), a member in two lists
 * (docs/ecotaxa-api.md#members-in-the-body).
 */
function modelProblem(project: Project, current: RightOrNone): Decision | undefined {
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
  return undefined;
}

/** The change with --fix-contact's: the caller becomes the contact in the same update. */
function withCallerAsContact(project: Project, ctx: PlanContext, current: RightOrNone, to: RightOrNone): Decision {
  const contact = project.contact;
  const from =
    contact === null || contact === undefined ? null : { id: contact.id, name: contact.name, email: contact.email };
  return {
    kind: 'change',
    from: current,
    to,
    contact: { from, to: { id: ctx.caller.id, name: ctx.caller.name, email: ctx.caller.email } },
  };
}

/**
 * The decision for one project, from its current state alone. Pure: the same inputs always
 * give the same decision, so it is computed at plan time and again right before each write.
 * The instrument is never mended; the contact only with --fix-contact.
 */
export function decide(project: Project, ctx: PlanContext, op: EntryOperation): Decision {
  const current = rightOf(project, ctx.user.id);
  const refused = refusal(project, ctx, current);
  if (refused !== undefined) return refused;

  const wanted = desiredRight(op, current);
  if ('unchanged' in wanted) return { kind: 'unchanged', current, reason: wanted.unchanged };
  if ('drift' in wanted) return skip('drift', current, wanted.drift);
  const to = wanted.to;

  const unsafe = managerProblem(project, ctx, current, to);
  if (unsafe !== undefined) return unsafe;
  const contact = contactProblem(project, ctx, current, to);
  if (contact !== undefined && ctx.fixContact !== true) return contact;
  const refusedModel = modelProblem(project, current);
  if (refusedModel !== undefined) return refusedModel;
  return contact === undefined ? { kind: 'change', from: current, to } : withCallerAsContact(project, ctx, current, to);
}

export function planEntry(project: Project, ctx: PlanContext, op: EntryOperation): PlanEntry {
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
