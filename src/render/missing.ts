import { formatIdRanges } from '../selection/selectors.js';

/*
 * What was asked for and is not shown, in words, the same in every command that lists or
 * reads projects: ids not found, projects outside what the command covers.
 */

/** "3, 5-7, 12": ids in a sentence, ranges kept. */
export function idList(ids: readonly number[]): string {
  return formatIdRanges(ids).replaceAll(' ', ', ');
}

/** "12, 14: not found, or you have no right on them". */
export function notFoundLine(ids: readonly number[]): string {
  return `${idList(ids)}: not found, or you have no right on ${ids.length === 1 ? 'it' : 'them'}`;
}

/** "3, 5: not projects you manage": `what` says which projects the command covers. */
export function notProjectsLine(ids: readonly number[], what: string): string {
  return `${idList(ids)}: not ${ids.length === 1 ? 'a project' : 'projects'} ${what}`;
}
