import { createHash } from 'node:crypto';
import type { Project } from '../api/schemas.js';
import { MEMBER_LISTS } from './rights.js';

/**
 * A short hash of a project's privilege lists and contact. A saved plan keeps it per project,
 * and apply compares it with what the server says at write time: a different value means
 * someone changed the project's rights since the plan (drift).
 */
export function privilegeFingerprint(
  project: Pick<Project, 'managers' | 'annotators' | 'viewers' | 'contact'>,
): string {
  const lists = MEMBER_LISTS.map(
    (list) =>
      `${list}:${project[list]
        .map((m) => m.id)
        .sort((a, b) => a - b)
        .join(',')}`,
  );
  const canonical = `${lists.join('|')}|contact:${project.contact?.id ?? ''}`;
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
