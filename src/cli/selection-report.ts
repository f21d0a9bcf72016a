import type { Output } from '../output/output.js';
import { notFoundLine, notProjectsLine } from '../render/missing.js';
import type { ManagedProjects } from '../selection/managed.js';

/**
 * Says on stderr what was asked for and is not there: ids not found (an error each, as
 * `projects list` says them), projects you do not manage and gaps in ranges (notes).
 * Returns whether a named id was not found (exit 1).
 */
export function reportSelection(output: Pick<Output, 'info' | 'error'>, read: ManagedProjects): boolean {
  if (read.notManaged.length > 0) output.info(`${notProjectsLine(read.notManaged, 'you manage')}: left out`);
  if (read.notManagedAdminProjects > 0) {
    output.info(
      `${read.notManagedAdminProjects} project(s) you see as an administrator but do not manage were left out.`,
    );
  }
  if (read.rangedMissing > 0) {
    output.info(`${read.rangedMissing} id(s) in your ranges are not projects you can see; they are not listed.`);
  }
  if (read.missing.length > 0) output.error(notFoundLine(read.missing));
  return read.missing.length > 0;
}
