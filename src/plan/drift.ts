import type { MinUser, Project } from '../api/schemas.js';
import type { Decision, PlanEntry } from './model.js';
import { type MemberList, type RightOrNone, formatRight, rightOf } from './rights.js';

/*
 * Drift: a project whose rights changed between the plan and its write. `apply FILE` finds
 * it when it decides a saved plan again, and the engine right before each write (or after a
 * lost answer, against the state that write replaced). It is decided again on what is there
 * now, or skipped with --strict.
 */

/** The reason of a project skipped for drift under --strict. */
export const STRICT_DRIFT_REASON = 'changed since the plan (--strict)';

/** How the project was when it was planned (or when a write was built from it). */
export interface Seen {
  /** The fingerprint of its privilege lists then; null when it was not read (not found). */
  fingerprint: string | null;
  /** The user's right then. */
  right: RightOrNone;
}

/** How the plan saw the entry's project: its fingerprint and the user's right at plan time. */
export function seenInPlan(entry: PlanEntry): Seen {
  const d = entry.decision;
  return { fingerprint: entry.fingerprint, right: d.kind === 'change' ? d.from : d.current };
}

/** The project as it is now: read, and its privileges' fingerprint. */
export interface Now {
  project: Pick<Project, MemberList>;
  fingerprint: string;
}

export interface Drift {
  /** How its rights moved, in words: shown beside the project. */
  description: string;
  /** With --strict: the skip that stands instead of deciding it again; else undefined. */
  strictSkip: Extract<Decision, { kind: 'skip' }> | undefined;
}

/** How a project's rights moved for the user, in words. */
function describeDrift(
  planned: RightOrNone,
  now: Pick<Project, MemberList>,
  user: Pick<MinUser, 'id' | 'name'>,
): string {
  const right = rightOf(now, user.id);
  return planned === right
    ? 'other rights or the contact changed'
    : `${user.name} now has ${formatRight(right)} (${formatRight(planned)} in the plan)`;
}

/**
 * Whether the project changed since it was seen (a project not read then has, now that it
 * is), in words, and with --strict the skip that replaces the decision. Pure.
 */
export function driftSince(
  seen: Seen,
  now: Now,
  user: Pick<MinUser, 'id' | 'name'>,
  strict: boolean,
): Drift | undefined {
  if (seen.fingerprint === now.fingerprint) return undefined;
  const description = describeDrift(seen.right, now.project, user);
  if (!strict) return { description, strictSkip: undefined };
  const current = rightOf(now.project, user.id);
  return { description, strictSkip: { kind: 'skip', code: 'drift', current, reason: STRICT_DRIFT_REASON } };
}
