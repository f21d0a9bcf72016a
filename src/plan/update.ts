import { isDeepStrictEqual } from 'node:util';
import type { MinUser, Project } from '../api/schemas.js';
import { LIST_OF_RIGHT, MEMBER_LISTS, type RightOrNone, duplicatedMembers } from './rights.js';

/**
 * The complete model to PUT so that `user` ends with right `to`: the project exactly as read,
 * every field and every other member untouched and in order, with only the user's entry
 * removed from its list and (unless `to` is null) appended to the list of `to`.
 * EcoTaxa replaces the whole project with the body (API-NOTES "Changing rights"), so
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
 * Checks a body before it is sent: every difference from what was read must be the user's
 * own entry, and the server must be able to accept it. Returns what is wrong (empty when
 * safe). A guard against our own bugs: the planner should never produce such a body.
 */
export function unsafeUpdateProblems(before: Project, after: Project, userId: number, callerId: number): string[] {
  const problems: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if ((MEMBER_LISTS as readonly string[]).includes(key)) continue;
    if (!isDeepStrictEqual(before[key], after[key])) problems.push(`field "${key}" would change`);
  }
  for (const list of MEMBER_LISTS) {
    const others = (p: Project): unknown[] => p[list].filter((m) => m.id !== userId);
    if (!isDeepStrictEqual(others(before), others(after))) problems.push(`other users in ${list} would change`);
  }
  const rightOfCaller = (p: Project): string | undefined =>
    MEMBER_LISTS.find((l) => p[l].some((m) => m.id === callerId));
  if (rightOfCaller(before) !== rightOfCaller(after)) problems.push('your own right would change');
  if (after.managers.length === 0) problems.push('no manager would be left');
  const contact = after.contact;
  if (contact === null || contact === undefined) problems.push('the project has no contact');
  else if (!after.managers.some((m) => m.id === contact.id)) problems.push('the contact would not be a manager');
  if (duplicatedMembers(after).length > 0) problems.push('a user would be in two lists');
  if (after.projid !== before.projid) problems.push('the project id would change');
  return problems;
}
