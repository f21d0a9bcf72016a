import type { MinUser, Project } from '../api/schemas.js';
import { inert } from '../output/inert.js';
import type { PickChoice } from '../output/io.js';
import { renderTable } from '../output/table.js';
import type { Operation } from '../plan/planner.js';
import { formatRight, rightOf } from '../plan/rights.js';

/*
 * --pick's list as people read it: the question above it, and one row per project in
 * aligned columns, sorted by id like `projects list`.
 */

/** Room the list takes left of each row: clack's guide bar and checkbox ("│  ◻ "), and a margin. */
const ROW_PREFIX = 6;

/** One row per project: id, title, instrument and the user's right now, in aligned columns. */
export function pickChoices(projects: readonly Project[], user: Pick<MinUser, 'id'>, width?: number): PickChoice[] {
  const sorted = [...projects].sort((a, b) => a.projid - b.projid);
  const rows = sorted.map((p) => [String(p.projid), p.title, p.instrument ?? '', formatRight(rightOf(p, user.id))]);
  const table = renderTable(
    [{ header: '', align: 'right' }, { header: '', shrink: 'truncate' }, { header: '' }, { header: '' }],
    rows,
    { width: width === undefined ? undefined : Math.max(40, width - ROW_PREFIX) },
  );
  const lines = table.split('\n').slice(1);
  return sorted.map((p, i) => ({ projid: p.projid, label: lines[i] ?? String(p.projid) }));
}

/** The question above the list: what will happen to the projects picked, and what each row shows. */
export function pickMessage(operation: Operation, user: Pick<MinUser, 'name'>): string {
  // The list is drawn by @clack/prompts, past the output layer: the name is made inert here.
  const name = inert(user.name);
  const what =
    operation.action === 'grant'
      ? `Grant ${operation.right} to ${name}`
      : operation.action === 'revoke'
        ? `Revoke ${name}'s ${operation.anyRight ? 'right' : operation.right}`
        : `Change ${name}'s right`;
  return `${what} on which projects? (id, title, instrument, ${name}'s right now)`;
}
