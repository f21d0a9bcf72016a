import type { MinUser, Project } from '../api/schemas.js';
import { type Right, rightOf } from '../plan/rights.js';
import type { Since } from './since.js';

/*
 * `report`: every project you manage where one user has a right, with since when and by which
 * run, the totals, and AqQua's publication condition. Pure: projects already read, the
 * "since" lookup already built.
 */

/** AqQua's account: the condition of its call for data applies to what is shared with it. */
export const AQQUA_EMAIL = 'aqqua@geomar.de';

/**
 * AqQua's call for data: what is shared must be publishable under CC BY-NC 4.0 by 15 July
 * 2027. The report states it, and marks the projects still private; it changes nothing.
 */
export const AQQUA_CONDITION = {
  licence: 'CC BY-NC 4.0',
  deadline: '2027-07-15',
  text: "AqQua's call for data asks that the data shared with AqQua be publishable under CC BY-NC 4.0 by 15 July 2027.",
} as const;

/** EcoTaxa's access codes in words (docs/ecotaxa-api.md#project-reads); an unknown code is shown as is. */
const ACCESS: Record<string, string> = { '0': 'private', '1': 'public', '2': 'open' };

export function accessWord(code: string): string {
  return ACCESS[code] ?? code;
}

/** What every list of projects shows of each: `report`, `report --received`, `projects list`. */
export interface ProjectFacts {
  projid: number;
  title: string;
  instrument: string | null;
  objcount: number | null;
  /** "private", "public" or "open". */
  access: string;
}

export function projectFacts(project: Project): ProjectFacts {
  return {
    projid: project.projid,
    title: project.title,
    instrument: project.instrument ?? null,
    objcount: project.objcount ?? null,
    access: accessWord(project.access),
  };
}

export interface ReportPerson {
  id: number;
  name: string;
  email: string;
}

export interface ReportRow extends ProjectFacts {
  right: Right;
  since: Since;
  /** Still private while the condition applies: a fact for the owner to act on. */
  marked: boolean;
}

export interface InstrumentCount {
  /** Null for projects with no instrument. */
  instrument: string | null;
  projects: number;
}

export interface Totals {
  projects: number;
  /** The sum of the projects' object counts (a project without one counts 0). */
  objects: number;
  /** Most projects first, then by name. */
  instruments: InstrumentCount[];
}

export interface Condition {
  licence: string;
  deadline: string;
  text: string;
  /** The projects still private. */
  privateProjects: number[];
}

export interface Report {
  server: string;
  /** You: the owner whose projects these are. */
  owner: ReportPerson;
  /** Whose rights are reported. */
  user: ReportPerson;
  projects: ReportRow[];
  totals: Totals;
  /** AqQua's condition, when the user is AqQua's account; else null. */
  condition: Condition | null;
}

export const personOf = (u: Pick<MinUser, 'id' | 'name' | 'email'>): ReportPerson => ({
  id: u.id,
  name: u.name,
  email: u.email,
});

/** Whether the reported user is AqQua's account, whose call sets the condition. */
export function conditionApplies(user: Pick<MinUser, 'email'>): boolean {
  return user.email.trim().toLowerCase() === AQQUA_EMAIL;
}

export function totalsOf(
  rows: readonly { instrument: string | null; objcount: number | null }[],
  projects = rows.length,
): Totals {
  const counts = new Map<string | null, number>();
  let objects = 0;
  for (const row of rows) {
    objects += row.objcount ?? 0;
    counts.set(row.instrument, (counts.get(row.instrument) ?? 0) + 1);
  }
  const instruments = [...counts]
    .map(([instrument, n]) => ({ instrument, projects: n }))
    // Most used first; "no instrument" last.
    .sort(
      (a, b) =>
        Number(a.instrument === null) - Number(b.instrument === null) ||
        b.projects - a.projects ||
        (a.instrument ?? '').localeCompare(b.instrument ?? ''),
    );
  return { projects, objects, instruments };
}

export interface ReportInput {
  server: string;
  owner: Pick<MinUser, 'id' | 'name' | 'email'>;
  user: Pick<MinUser, 'id' | 'name' | 'email'>;
  /** The projects selected, among those the owner manages. */
  projects: readonly Project[];
  since: (projid: number, userId: number, right: Right) => Since;
}

/** The report: the selected projects where the user has a right, by id. */
export function buildReport(input: ReportInput): Report {
  const condition = conditionApplies(input.user);
  const rows: ReportRow[] = [];
  for (const project of input.projects) {
    const right = rightOf(project, input.user.id);
    if (right === null) continue;
    const facts = projectFacts(project);
    rows.push({
      ...facts,
      right,
      since: input.since(project.projid, input.user.id, right),
      marked: condition && facts.access === 'private',
    });
  }
  rows.sort((a, b) => a.projid - b.projid);
  return {
    server: input.server,
    owner: personOf(input.owner),
    user: personOf(input.user),
    projects: rows,
    totals: totalsOf(rows),
    condition: condition
      ? {
          licence: AQQUA_CONDITION.licence,
          deadline: AQQUA_CONDITION.deadline,
          text: AQQUA_CONDITION.text,
          privateProjects: rows.filter((r) => r.marked).map((r) => r.projid),
        }
      : null,
  };
}
