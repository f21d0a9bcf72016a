import { isDeepStrictEqual } from 'node:util';
import type { MinUser, Project } from '../api/schemas.js';
import { LIST_OF_RIGHT, MEMBER_LISTS, type RightOrNone, duplicatedMembers, rightOf } from './rights.js';

/**
 * The complete model to PUT so that `user` ends with right `to`: the project exactly as read,
 * every field and every other member untouched and in order, with only the user's entry
 * removed from its list and (unless `to` is null) appended to the list of `to`.
 * EcoTaxa replaces the whole project with the body (docs/ecotaxa-api.md#whole-model-put), so
 * anything left out would be erased.
 */
export function withUserRight(project: Project, user: MinUser, to: RightOrNone): Project {
  const existing = MEMBER_LISTS.flatMap((list) => project[list]).find((m) => m.id === user.id);
  // Prefer the member object as the server sent it; EcoTaxa only reads its id, but its body
  // schema wants id, email, name and organisation on every member.
  const member = existing ?? {
    id: user.id,
    email: user.email,
    name: user.name,
    organisation: user.organisation ?? '',
  };
  const next: Project = { ...project };
  for (const list of MEMBER_LISTS) {
    next[list] = project[list].filter((m) => m.id !== user.id);
  }
  if (to !== null) next[LIST_OF_RIGHT[to]] = [...next[LIST_OF_RIGHT[to]], member];
  return next;
}

/**
 * The model with `contact` as the project's contact (--fix-contact), taken as the server
 * lists it among the managers: EcoTaxa refuses a contact who is not a manager.
 */
export function withContact(project: Project, contactId: number): Project {
  const manager = project.managers.find((m) => m.id === contactId);
  if (manager === undefined) throw new Error(`internal error: the new contact #${contactId} is not a manager`);
  return { ...project, contact: manager };
}

/** What a write was planned to change, for the check before it is sent. */
export interface PlannedUpdate {
  /** Each changed user and the right they must end with. */
  rights: ReadonlyMap<number, RightOrNone>;
  /** The new contact's id, when --fix-contact planned one. */
  contactId?: number | undefined;
}

/**
 * Checks a body before it is sent: every difference from what was read must be one the plan
 * asked for (the changed users' own entries, a planned contact), and the server must be able
 * to accept it. Returns what is wrong (empty when safe). A guard against our own bugs: the
 * planner should never produce such a body.
 */
export function unsafeUpdateProblems(
  before: Project,
  after: Project,
  planned: PlannedUpdate,
  callerId: number,
): string[] {
  const problems: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if ((MEMBER_LISTS as readonly string[]).includes(key)) continue;
    if (key === 'contact' && planned.contactId !== undefined) continue;
    if (!isDeepStrictEqual(before[key], after[key])) problems.push(`field "${key}" would change`);
  }
  if (planned.contactId !== undefined && after.contact?.id !== planned.contactId) {
    problems.push('the contact would not be the one planned');
  }
  for (const list of MEMBER_LISTS) {
    const others = (p: Project): unknown[] => p[list].filter((m) => !planned.rights.has(m.id));
    if (!isDeepStrictEqual(others(before), others(after))) problems.push(`other users in ${list} would change`);
  }
  for (const [userId, right] of planned.rights) {
    if (rightOf(after, userId) !== right) problems.push(`user #${userId} would not end with ${right ?? 'no right'}`);
  }
  const listOfCaller = (p: Project): string | undefined =>
    MEMBER_LISTS.find((l) => p[l].some((m) => m.id === callerId));
  if (planned.rights.has(callerId) || listOfCaller(before) !== listOfCaller(after)) {
    problems.push('your own right would change');
  }
  if (after.managers.length === 0) problems.push('no manager would be left');
  const contact = after.contact;
  if (contact === null || contact === undefined) problems.push('the project has no contact');
  else if (!after.managers.some((m) => m.id === contact.id)) problems.push('the contact would not be a manager');
  if (duplicatedMembers(after).length > 0) problems.push('a user would be in two lists');
  if (after.projid !== before.projid) problems.push('the project id would change');
  return problems;
}
