import { isDeepStrictEqual } from 'node:util';
import type { FakeEcoTaxa, FakeProject } from './fake-ecotaxa.js';

type World = ReturnType<FakeEcoTaxa['snapshot']>;

function describeRow(project: FakeProject, member: number): string {
  const row = project.privileges.find((r) => r.member === member);
  return row === undefined ? 'none' : `${row.privilege}${row.contact ? '(contact)' : ''}`;
}

/**
 * Every difference between two states of the fake server, one line each, sorted:
 * "4: user 10 View→Annotate" for a privilege, "13: field comments" for any other field.
 * Tests compare it with exactly the lines a plan promised, so that any other change fails.
 */
export function worldDiff(before: World, after: World): string[] {
  const lines: string[] = [];
  const afterById = new Map(after.projects.map((p) => [p.projid, p]));
  for (const old of before.projects) {
    const now = afterById.get(old.projid);
    if (now === undefined) {
      lines.push(`${old.projid}: deleted`);
      continue;
    }
    for (const key of new Set([...Object.keys(old), ...Object.keys(now)]) as Set<keyof FakeProject>) {
      if (key === 'privileges') continue;
      if (!isDeepStrictEqual(old[key], now[key])) lines.push(`${old.projid}: field ${key}`);
    }
    const members = new Set([...old.privileges, ...now.privileges].map((r) => r.member));
    for (const member of [...members].sort((a, b) => a - b)) {
      const from = describeRow(old, member);
      const to = describeRow(now, member);
      if (from !== to) lines.push(`${old.projid}: user ${member} ${from}→${to}`);
    }
  }
  if (!isDeepStrictEqual(before.users, after.users)) lines.push('users changed');
  return lines.sort((a, b) => {
    const [x, y] = [Number.parseInt(a, 10), Number.parseInt(b, 10)];
    return x === y ? (a < b ? -1 : 1) : x - y;
  });
}
