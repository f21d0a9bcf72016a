import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EcoTaxaClient } from '../api/client.js';
import type { Project } from '../api/schemas.js';
import { InputError, UsageError, errorMessage } from '../errors.js';
import type { Io } from '../output/io.js';
import { readStdinUpTo, readUpTo } from '../output/prompt.js';
import {
  IdCount,
  type IdList,
  MAX_SELECTED_IDS,
  checkFilterText,
  emptyIdList,
  matchesInstrumentFilter,
  matchesTitleFilter,
  mergeIdLists,
  parseIdTokens,
  parseIdsFile,
} from './selectors.js';

/** Above this many ids, one paged search is cheaper than reading the ids in chunks. */
const SEARCH_INSTEAD_ABOVE = 2_000;

export interface SelectionInput {
  ids: IdList;
  all: boolean;
  title: string | undefined;
  instrument: string | undefined;
  exclude: Set<number>;
}

export interface Selection {
  projects: Project[];
  /** Ids named one by one that EcoTaxa did not return (missing, or no right on them). */
  missing: number[];
  /** Ids from ranges that are not projects the caller can see. */
  rangedMissing: number;
  /** Projects an administrator sees but does not explicitly manage, left out of --all. */
  notManagedAdminProjects: number;
}

/**
 * The most --ids-from may hold: a million ids one per line take 8 MB, and `projects list
 * --csv` a few hundred bytes a project. Reading stops there, so that an endless stream
 * (`/dev/zero`, a stdin that never closes) or a huge file is refused instead of filling memory.
 */
export const MAX_IDS_FILE_BYTES = 64 * 1024 * 1024;

function unreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return code ?? errorMessage(err);
}

/** Reads --ids-from (a file, or "-" for stdin), up to MAX_IDS_FILE_BYTES; its ids count in `count`. */
export async function readIdsFrom(
  io: Io,
  source: string,
  count = new IdCount(),
  maxBytes = MAX_IDS_FILE_BYTES,
): Promise<IdList> {
  const name = source === '-' ? 'stdin' : source;
  const tooLarge = new InputError(
    `--ids-from ${name}: larger than ${Math.round(maxBytes / (1024 * 1024))} MB, far more than ${MAX_SELECTED_IDS.toLocaleString('en')} ids take (the most a selection names): give a smaller file, or split it into several runs`,
  );
  let text: string | undefined;
  try {
    if (source === '-') {
      text = await readStdinUpTo(io, maxBytes);
    } else {
      const file = path.resolve(io.cwd, source);
      const stat = await fs.stat(file);
      if (stat.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
      // A regular file says its size: refused before it is read. Devices and pipes do not.
      if (stat.isFile() && stat.size > maxBytes) throw tooLarge;
      text = await readUpTo(createReadStream(file), maxBytes);
    }
  } catch (err) {
    if (err === tooLarge) throw err;
    throw new InputError(`--ids-from ${source}: cannot read it (${unreadable(err)})`);
  }
  if (text === undefined) throw tooLarge;
  return parseIdsFile(text, `--ids-from ${name}`, count);
}

/** Parses every selector before any request: a typo fails fast, before the network. */
export async function parseSelection(
  io: Io,
  args: readonly string[],
  options: { all?: boolean; title?: string; instrument?: string; idsFrom?: string; exclude?: string[] },
): Promise<SelectionInput> {
  if (options.title !== undefined) checkFilterText('--title', options.title);
  if (options.instrument !== undefined) checkFilterText('--instrument', options.instrument);
  // One bound over the ids of every source: on the line, in ranges, from --ids-from.
  const count = new IdCount();
  const positional = parseIdTokens(args, '', count);
  const fromFile = options.idsFrom === undefined ? emptyIdList() : await readIdsFrom(io, options.idsFrom, count);
  const excluded = parseIdTokens(options.exclude ?? [], '--exclude ');
  const input: SelectionInput = {
    ids: mergeIdLists(positional, fromFile),
    all: options.all === true,
    title: options.title,
    instrument: options.instrument,
    exclude: new Set([...excluded.single, ...excluded.ranged]),
  };
  const hasIds = input.ids.single.length + input.ids.ranged.length > 0;
  if (!hasIds && !input.all && input.title === undefined && input.instrument === undefined) {
    throw new UsageError(
      'say which projects: give ids or ranges, --all, --title, --instrument or --ids-from (nothing defaults to every project)',
    );
  }
  return input;
}

function isManager(project: Project, userId: number): boolean {
  return project.managers.some((m) => m.id === userId);
}

/**
 * The selected projects, with every privilege needed to plan, in O(N / page) requests:
 * `--all` and filters by one paged search, ids by `/projects?project_ids=` in chunks.
 */
export async function selectProjects(
  client: EcoTaxaClient,
  callerId: number,
  input: SelectionInput,
  onProgress?: (count: number) => void,
): Promise<Selection> {
  const byId = new Map<number, Project>();
  let notManagedAdminProjects = 0;
  const hasIds = input.ids.single.length + input.ids.ranged.length > 0;
  const filtered = (p: Project): boolean =>
    (input.title === undefined || matchesTitleFilter(p, input.title)) &&
    (input.instrument === undefined || matchesInstrumentFilter(p, input.instrument));

  if (input.all || !hasIds) {
    const found = await client.searchProjects(
      { forManaging: true, title: input.title, instrument: input.instrument },
      onProgress,
    );
    // An administrator's search returns every project of the server (docs/ecotaxa-api.md#project-reads): "mine"
    // means explicitly among the managers.
    for (const project of found) {
      if (isManager(project, callerId)) byId.set(project.projid, project);
      else notManagedAdminProjects++;
    }
  }

  const wanted = [...new Set([...input.ids.single, ...input.ids.ranged])].filter((id) => !input.exclude.has(id));
  let rangedMissing = 0;
  const missing: number[] = [];
  if (wanted.length > 0) {
    const wantedSet = new Set(wanted);
    const read =
      wanted.length > SEARCH_INSTEAD_ABOVE
        ? (await client.searchProjects({ forManaging: false }, onProgress)).filter((p) => wantedSet.has(p.projid))
        : await client.getProjects(wanted, onProgress);
    const seen = new Set(read.map((p) => p.projid));
    for (const project of read) if (filtered(project)) byId.set(project.projid, project);
    const single = new Set(input.ids.single);
    for (const id of wanted) {
      if (seen.has(id)) continue;
      if (single.has(id)) missing.push(id);
      else rangedMissing++;
    }
  }
  for (const id of input.exclude) byId.delete(id);
  return {
    projects: [...byId.values()].sort((a, b) => a.projid - b.projid),
    missing: missing.sort((a, b) => a - b),
    rangedMissing,
    notManagedAdminProjects,
  };
}
