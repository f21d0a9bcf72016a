import type { MinUser, Project } from '../api/schemas.js';
import { RIGHT_RANK, RIGHTS, type Right, rightOf } from '../plan/rights.js';

/*
 * Who has what on the caller's projects (`access`): the members of each project turned into
 * one row per person, and the findings worth an owner's attention. Pure: projects in, a
 * report out. The caller is left out of every row: the projects are theirs.
 */

/** A member as the report shows one. */
export interface Member {
  id: number;
  name: string;
  email: string;
  organisation: string | null;
}

/** One person: on how many of the projects at each right, and which. */
export interface PersonAccess {
  user: Member;
  /** The highest right they hold on any of the projects. */
  highest: Right;
  /** Project ids at each right (their highest right on each project), sorted. */
  projects: Record<Right, number[]>;
  /** Projects of which they are the contact. */
  contactOf: number[];
}

/** One project: its members other than the caller, by right. */
export interface ProjectAccess {
  projid: number;
  title: string;
  contact: Member | null;
  members: Record<Right, Member[]>;
}

export const ATTENTION_KINDS = [
  'other-manager',
  'other-domain',
  'data-consumer',
  'no-contact',
  'contact-not-manager',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** A finding: about a person on some projects, or about projects alone (the contact ones). */
export interface Attention {
  kind: AttentionKind;
  /** Whom it is about; null for a project's own finding. */
  user: Member | null;
  projects: number[];
  /** other-domain: the person's email domain. */
  domain: string | null;
}

export interface AccessReport {
  people: PersonAccess[];
  projects: ProjectAccess[];
  attention: Attention[];
}

/**
 * "More than a few" of the caller's projects: a person holding a right on more than this many
 * of them while managing none is likely a data consumer (such as the AqQua account).
 */
export const DATA_CONSUMER_ABOVE = 5;

export interface AccessInput {
  /** The projects to review: those the caller manages, with their members. */
  projects: readonly Project[];
  caller: Pick<MinUser, 'id' | 'email'>;
  /** --user: only this person. */
  userId?: number | undefined;
  /** --right: only this right. */
  right?: Right | undefined;
}

const RIGHTS_HIGH_FIRST: readonly Right[] = [...RIGHTS].reverse();

function memberOf(user: MinUser): Member {
  return { id: user.id, name: user.name, email: user.email, organisation: user.organisation ?? null };
}

/** The part of an email after its last "@", in lower case ("" when it has none). */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0
    ? ''
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/** A project and its members but the caller, each once with their highest right: read once per project. */
interface Membership {
  project: Project;
  members: { user: MinUser; right: Right }[];
}

function membershipOf(project: Project, callerId: number): Membership {
  const found = new Map<number, { user: MinUser; right: Right }>();
  for (const list of [project.managers, project.annotators, project.viewers]) {
    for (const user of list) {
      if (user.id === callerId || found.has(user.id)) continue;
      const right = rightOf(project, user.id);
      if (right !== null) found.set(user.id, { user, right });
    }
  }
  return { project, members: [...found.values()] };
}

const byPerson = (a: PersonAccess, b: PersonAccess): number => {
  const count = (p: PersonAccess): number =>
    p.projects.Manage.length + p.projects.Annotate.length + p.projects.View.length;
  return (
    RIGHT_RANK[b.highest] - RIGHT_RANK[a.highest] ||
    count(b) - count(a) ||
    a.user.name.localeCompare(b.user.name, 'en') ||
    a.user.id - b.user.id
  );
};

function people(memberships: readonly Membership[], keep: (right: Right) => boolean): PersonAccess[] {
  const rows = new Map<number, PersonAccess>();
  for (const { project, members } of memberships) {
    for (const { user, right } of members) {
      if (!keep(right)) continue;
      const row = rows.get(user.id) ?? {
        user: memberOf(user),
        highest: right,
        projects: { Manage: [], Annotate: [], View: [] },
        contactOf: [],
      };
      row.projects[right].push(project.projid);
      if (RIGHT_RANK[right] > RIGHT_RANK[row.highest]) row.highest = right;
      if (project.contact?.id === user.id) row.contactOf.push(project.projid);
      rows.set(user.id, row);
    }
  }
  return [...rows.values()].sort(byPerson);
}

function projectRows(
  memberships: readonly Membership[],
  keep: (member: Member, right: Right) => boolean,
): ProjectAccess[] {
  return memberships.map(({ project, members: all }) => {
    const members: Record<Right, Member[]> = { Manage: [], Annotate: [], View: [] };
    for (const { user, right } of all) {
      const member = memberOf(user);
      if (keep(member, right)) members[right].push(member);
    }
    const contact = project.contact ?? null;
    return {
      projid: project.projid,
      title: project.title,
      contact: contact === null ? null : memberOf(contact),
      members,
    };
  });
}

/** Findings about people: other managers, members from elsewhere, likely data consumers. */
function personFindings(
  memberships: readonly Membership[],
  caller: AccessInput['caller'],
  rows: readonly PersonAccess[],
): Attention[] {
  const mine = emailDomain(caller.email);
  const otherDomain = new Map<number, number[]>();
  for (const { project, members } of memberships) {
    const managers = project.managers.filter((m) => m.id !== caller.id);
    for (const { user } of members) {
      const domain = emailDomain(user.email);
      if (domain === mine || managers.some((m) => m.id !== user.id && emailDomain(m.email) === domain)) continue;
      const ids = otherDomain.get(user.id) ?? [];
      ids.push(project.projid);
      otherDomain.set(user.id, ids);
    }
  }
  const found: Attention[] = [];
  for (const row of rows) {
    const { user, projects: held } = row;
    if (held.Manage.length > 0) found.push({ kind: 'other-manager', user, projects: held.Manage, domain: null });
    const elsewhere = otherDomain.get(user.id);
    if (elsewhere !== undefined) {
      found.push({ kind: 'other-domain', user, projects: elsewhere, domain: emailDomain(user.email) });
    }
    const all = [...held.Annotate, ...held.View].sort((a, b) => a - b);
    if (held.Manage.length === 0 && all.length > DATA_CONSUMER_ABOVE) {
      found.push({ kind: 'data-consumer', user, projects: all, domain: null });
    }
  }
  return found;
}

/** Findings about projects: no contact (none set, or an inactive one), a contact who is not a manager. */
function projectFindings(projects: readonly Project[]): Attention[] {
  const none = projects.filter((p) => p.contact === null || p.contact === undefined).map((p) => p.projid);
  const found: Attention[] = [];
  if (none.length > 0) found.push({ kind: 'no-contact', user: null, projects: none, domain: null });
  const byContact = new Map<number, { user: MinUser; projects: number[] }>();
  for (const project of projects) {
    const contact = project.contact;
    if (contact === null || contact === undefined || project.managers.some((m) => m.id === contact.id)) continue;
    const slot = byContact.get(contact.id) ?? { user: contact, projects: [] };
    slot.projects.push(project.projid);
    byContact.set(contact.id, slot);
  }
  for (const { user, projects: ids } of byContact.values()) {
    found.push({ kind: 'contact-not-manager', user: memberOf(user), projects: ids, domain: null });
  }
  return found;
}

/**
 * The report on `projects` (sorted by id): one row per person, highest right first, then
 * the most projects; one row per project; and the findings, computed on every member and
 * then narrowed like the rows to --user and --right.
 */
export function reviewAccess(input: AccessInput): AccessReport {
  const projects = [...input.projects].sort((a, b) => a.projid - b.projid);
  const memberships = projects.map((p) => membershipOf(p, input.caller.id));
  const everyone = people(memberships, () => true);
  const findings = [...personFindings(memberships, input.caller, everyone), ...projectFindings(projects)];

  const keepRight = (right: Right): boolean => input.right === undefined || right === input.right;
  const narrowed = input.userId !== undefined || input.right !== undefined;
  const shownPeople = (input.right === undefined ? everyone : people(memberships, keepRight)).filter(
    (p) => input.userId === undefined || p.user.id === input.userId,
  );
  const shownIds = new Set(shownPeople.map((p) => p.user.id));
  const rows = projectRows(
    memberships,
    (member, right) => keepRight(right) && (input.userId === undefined || member.id === input.userId),
  );
  const shownProjects = narrowed ? rows.filter((r) => RIGHTS.some((right) => r.members[right].length > 0)) : rows;
  const projectIds = new Set(shownProjects.map((p) => p.projid));
  const attention = findings
    .filter((f) => (f.user !== null && f.kind !== 'contact-not-manager' ? shownIds.has(f.user.id) : true))
    .map((f) => ({ ...f, projects: f.projects.filter((id) => projectIds.has(id)) }))
    .filter((f) => f.projects.length > 0)
    .sort((a, b) => ATTENTION_KINDS.indexOf(a.kind) - ATTENTION_KINDS.indexOf(b.kind));
  return { people: shownPeople, projects: shownProjects, attention };
}

/** The rights a person holds, highest first, with the projects at each. */
export function heldRights(person: PersonAccess): { right: Right; projects: number[] }[] {
  return RIGHTS_HIGH_FIRST.filter((right) => person.projects[right].length > 0).map((right) => ({
    right,
    projects: person.projects[right],
  }));
}
