import type { MinUser, Project } from '../api/schemas.js';
import { UsageError } from '../errors.js';

/** EcoTaxa's rights, lowest first: Manage > Annotate > View (docs/ecotaxa-api.md#rights). */
export const RIGHTS = ['View', 'Annotate', 'Manage'] as const;
export type Right = (typeof RIGHTS)[number];
/** A user's right on a project, or null for none. */
export type RightOrNone = Right | null;

export const RIGHT_RANK: Record<Right, number> = { View: 1, Annotate: 2, Manage: 3 };

export type MemberList = 'managers' | 'annotators' | 'viewers';

/** Which list of the project model holds each right. */
export const LIST_OF_RIGHT: Record<Right, MemberList> = {
  Manage: 'managers',
  Annotate: 'annotators',
  View: 'viewers',
};

export const MEMBER_LISTS: readonly MemberList[] = ['managers', 'annotators', 'viewers'];

export function parseRight(text: string): Right {
  const found = RIGHTS.find((r) => r.toLowerCase() === text.trim().toLowerCase());
  if (found === undefined) {
    throw new UsageError(`--right "${text}" is not a right: use view, annotate or manage`);
  }
  return found;
}

export function formatRight(right: RightOrNone): string {
  return right ?? 'none';
}

/** Every right the user holds on the project (one at most, unless the data is inconsistent). */
export function rightsHeld(project: Pick<Project, MemberList>, userId: number): Right[] {
  return RIGHTS.filter((right) => project[LIST_OF_RIGHT[right]].some((m) => m.id === userId));
}

/** The user's highest right on the project, or null. */
export function rightOf(project: Pick<Project, MemberList>, userId: number): RightOrNone {
  const held = rightsHeld(project, userId);
  return held.length === 0 ? null : (held[held.length - 1] as Right);
}

/** Ids that appear in more than one list, or twice in one: EcoTaxa would fail the update with a 500. */
export function duplicatedMembers(project: Pick<Project, MemberList>): number[] {
  const seen = new Set<number>();
  const twice = new Set<number>();
  for (const list of MEMBER_LISTS) {
    for (const member of project[list]) {
      if (seen.has(member.id)) twice.add(member.id);
      seen.add(member.id);
    }
  }
  return [...twice].sort((a, b) => a - b);
}

export function describeUser(user: Pick<MinUser, 'id' | 'name' | 'email'>): string {
  return `${user.name} <${user.email}> (#${user.id})`;
}
