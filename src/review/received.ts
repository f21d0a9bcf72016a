import type { Project } from '../api/schemas.js';
import { type Right, rightOf } from '../plan/rights.js';
import { type ProjectFacts, type ReportPerson, type Totals, personOf, projectFacts, totalsOf } from './report.js';

/*
 * `report --received`: the other side. Every project where you hold a right but do not
 * manage it, grouped by whom to write to, so that "the download is complete, you may revoke"
 * reaches each owner once. Pure: over projects already read.
 *
 * Whom to write to is the project's contact; a project without one (none set, or an inactive
 * account, which EcoTaxa reads as none) goes to its managers, all of them. Projects whose
 * people are the same share a group: a project without a contact whose one manager is Carl
 * joins Carl's group.
 */

export interface ReceivedProject extends ProjectFacts {
  /** Your right: View or Annotate (a project you manage is not received). */
  right: Right;
  /** Its contact, or null: it is then in its managers' group. */
  contact: ReportPerson | null;
}

export interface ReceivedGroup {
  /** The contact the group writes to; null for the managers of projects without one. */
  contact: ReportPerson | null;
  /** Whom to write to: the contact, or the managers (none when EcoTaxa shows no active one). */
  recipients: ReportPerson[];
  /** By id. */
  projects: ReceivedProject[];
  objects: number;
}

export interface Received {
  server: string;
  you: ReportPerson;
  groups: ReceivedGroup[];
  totals: Totals & { groups: number };
}

/** Whether you hold a right on the project without managing it (an administrator sees every project). */
export function receivedRight(project: Project, myId: number): Right | null {
  const right = rightOf(project, myId);
  return right === null || right === 'Manage' ? null : right;
}

function recipientsOf(project: Project): ReportPerson[] {
  if (project.contact !== null && project.contact !== undefined) return [personOf(project.contact)];
  return project.managers.map(personOf).sort((a, b) => a.id - b.id);
}

/** Groups with a contact first, then those written to their managers, then any with nobody; each by name. */
function compareGroups(a: ReceivedGroup, b: ReceivedGroup): number {
  const rank = (g: ReceivedGroup): number => (g.contact !== null ? 0 : g.recipients.length > 0 ? 1 : 2);
  const names = (g: ReceivedGroup): string => g.recipients.map((r) => `${r.name} ${r.email}`).join(', ');
  return (
    rank(a) - rank(b) || names(a).localeCompare(names(b)) || (a.recipients[0]?.id ?? 0) - (b.recipients[0]?.id ?? 0)
  );
}

/** The projects you received, grouped by whom to write to; groups by name, projects by id. */
export function buildReceived(server: string, you: ReportPerson, projects: readonly Project[]): Received {
  const groups = new Map<string, ReceivedGroup>();
  for (const project of [...projects].sort((a, b) => a.projid - b.projid)) {
    const right = receivedRight(project, you.id);
    if (right === null) continue;
    const contact = project.contact === null || project.contact === undefined ? null : personOf(project.contact);
    const recipients = recipientsOf(project);
    const key = recipients.map((r) => r.id).join(',');
    const group = groups.get(key) ?? { contact: null, recipients, projects: [], objects: 0 };
    // The group writes to a contact as soon as one of its projects names that person so.
    if (contact !== null) group.contact = contact;
    group.projects.push({ ...projectFacts(project), right, contact });
    group.objects += project.objcount ?? 0;
    groups.set(key, group);
  }
  const sorted = [...groups.values()].sort(compareGroups);
  const all = sorted.flatMap((g) => g.projects);
  return { server, you, groups: sorted, totals: { ...totalsOf(all), groups: sorted.length } };
}
