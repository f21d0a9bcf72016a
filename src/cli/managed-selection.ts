import type { Project } from '../api/schemas.js';
import type { Io } from '../output/io.js';
import { notFoundLine, notProjectsLine } from '../render/missing.js';
import type { Context } from './context.js';
import { type SelectionInput, parseSelection, selectProjects } from '../selection/select.js';
import type { Session } from './session.js';

/*
 * The selection of the commands that only read (access, policy dump): the same selectors as
 * grant, but none means every project you manage, since nothing is changed. Only projects
 * you explicitly manage are kept: an administrator sees every project of the server.
 */

export interface SelectorOptions {
  all?: boolean | undefined;
  title?: string | undefined;
  instrument?: string | undefined;
  idsFrom?: string | undefined;
  exclude?: string[] | undefined;
}

export interface ReadSelection {
  input: SelectionInput;
  /** Whether any selector was given (else: every project you manage). */
  explicit: boolean;
}

/** Parses the selectors before any request; none selects every project you manage. */
export async function parseReadSelection(
  io: Io,
  args: readonly string[],
  options: SelectorOptions,
): Promise<ReadSelection> {
  const explicit =
    args.length > 0 ||
    options.all === true ||
    options.title !== undefined ||
    options.instrument !== undefined ||
    options.idsFrom !== undefined;
  const input = await parseSelection(io, args, explicit ? options : { ...options, all: true });
  return { input, explicit };
}

export interface ManagedProjects {
  /** The selected projects you manage, by id. */
  projects: Project[];
  /** Ids named one by one that EcoTaxa did not return. */
  missing: number[];
  /** Ids named (or in ranges) of projects you can see but do not manage. */
  notManaged: number[];
  rangedMissing: number;
  notManagedAdminProjects: number;
}

/** The selected projects you manage, with their members: one paged search, or lists by id. */
export async function readManagedProjects(
  session: Session,
  selection: ReadSelection,
  onProgress?: (count: number) => void,
): Promise<ManagedProjects> {
  const selected = await selectProjects(session.client, session.me.id, selection.input, onProgress);
  const mine = (p: Project): boolean => p.managers.some((m) => m.id === session.me.id);
  return {
    projects: selected.projects.filter(mine),
    missing: selected.missing,
    notManaged: selected.projects.filter((p) => !mine(p)).map((p) => p.projid),
    rangedMissing: selected.rangedMissing,
    notManagedAdminProjects: selected.notManagedAdminProjects,
  };
}

/**
 * Says on stderr what was asked for and is not there: ids not found (an error each, as
 * `projects list` says them), projects you do not manage and gaps in ranges (notes).
 * Returns whether a named id was not found (exit 1).
 */
export function reportSelection(ctx: Pick<Context, 'output'>, read: ManagedProjects): boolean {
  if (read.notManaged.length > 0) ctx.output.info(`${notProjectsLine(read.notManaged, 'you manage')}: left out`);
  if (read.notManagedAdminProjects > 0) {
    ctx.output.info(
      `${read.notManagedAdminProjects} project(s) you see as an administrator but do not manage were left out.`,
    );
  }
  if (read.rangedMissing > 0) {
    ctx.output.info(`${read.rangedMissing} id(s) in your ranges are not projects you can see; they are not listed.`);
  }
  if (read.missing.length > 0) ctx.output.error(notFoundLine(read.missing));
  return read.missing.length > 0;
}
