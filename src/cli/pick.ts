import type { Readable, Writable } from 'node:stream';
import type { MinUser, Project } from '../api/schemas.js';
import { UserError } from '../errors.js';
import type { Io, ProjectPicker } from '../output/io.js';
import type { Operation } from '../plan/planner.js';
import { pickChoices, pickMessage } from '../render/pick.js';

/*
 * --pick: the selected projects in a multi-select list on the terminal, sorted by id like
 * `projects list`. Arrows move, space (once the arrows moved) or Tab toggles, typing filters
 * (every word typed must appear in the row), Enter confirms, Escape or Ctrl-C cancels.
 */

/** Every word typed appears in the row, in any case: "kiel 2019" finds "Kiel Fjord zooplankton 2019". */
export function matchesPickFilter(search: string, label: string): boolean {
  const text = label.toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .every((w) => text.includes(w));
}

/**
 * The list, drawn by @clack/prompts on the command's own streams (stderr for the list, so
 * stdout keeps only data). Loaded only when --pick is used: no cost to any other command.
 */
export const clackPicker: ProjectPicker = async (io, { message, choices }) => {
  const { autocompleteMultiselect, isCancel } = await import('@clack/prompts');
  const picked = await autocompleteMultiselect<number>({
    message,
    options: choices.map((c) => ({ value: c.projid, label: c.label })),
    filter: (search, option) => matchesPickFilter(search, option.label ?? ''),
    placeholder: 'type to filter',
    required: true,
    // The binary's streams are the process's own; clack needs their Node stream types.
    input: io.stdin as unknown as Readable,
    output: io.stderr as unknown as Writable,
  });
  return isCancel(picked) ? undefined : picked;
};

/** Shows the list and returns the projects picked, in id order; cancelling changes nothing. */
export async function pickProjects(
  io: Io,
  projects: readonly Project[],
  user: MinUser,
  operation: Operation,
): Promise<Project[]> {
  if (projects.length === 0) return [];
  const choices = pickChoices(projects, user, io.stderr.columns);
  const picker = io.pick ?? clackPicker;
  const picked = await picker(io, { message: pickMessage(operation, user), choices });
  if (picked === undefined)
    throw new UserError('cancelled at the list: nothing was changed', { errorCode: 'cancelled' });
  const wanted = new Set(picked);
  return projects.filter((p) => wanted.has(p.projid)).sort((a, b) => a.projid - b.projid);
}
