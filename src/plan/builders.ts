import type { MinUser, Project } from '../api/schemas.js';
import { driftSince, seenInPlan } from './drift.js';
import { privilegeFingerprint } from './fingerprint.js';
import {
  type Person,
  type Plan,
  type PlanEntry,
  type RestoreTarget,
  type RightChange,
  operationFor,
  userOf,
} from './model.js';
import { type LeftOut, planNotes } from './notes.js';
import { decide, notFoundEntry, planEntry } from './planner.js';

/*
 * Plans are built here, from what the commands have read (pure: no request, no file). Each
 * command fetches, then calls its builder: a selection plan (grant, revoke), a restore plan
 * (undo), a saved plan decided again on fresh state (apply FILE), a policy's plan (sync).
 */

/** Where, when and by whom a plan is made. */
export interface PlanOrigin {
  createdAt: Date;
  server: string;
  /** The account running the tool. */
  caller: Person;
}

/** Projects by id. */
function byId(projects: readonly Project[]): Map<number, Project> {
  return new Map(projects.map((p) => [p.projid, p]));
}

// ---- A selection plan: grant, revoke, plan grant, plan revoke ----------------------------

export interface SelectionPlanInput {
  origin: PlanOrigin;
  user: MinUser;
  operation: RightChange;
  /** --fix-contact. */
  fixContact: boolean;
  /** The projects selected, read; the ids named that were not found; what the selection left out. */
  selected: LeftOut & { projects: readonly Project[]; missing: readonly number[] };
}

/** One entry per project selected or id not found, by id: the operation decided on each. */
export function selectionPlan(input: SelectionPlanInput): Plan {
  const { origin, user, operation, fixContact, selected } = input;
  const ctx = { caller: origin.caller, user, fixContact };
  const entries = [
    ...selected.projects.map((p) => planEntry(p, ctx, operation)),
    ...selected.missing.map((id) => notFoundEntry(id)),
  ].sort((a, b) => a.projid - b.projid);
  return {
    ...origin,
    user,
    operation,
    entries,
    notes: planNotes({ entries }, selected),
    ...(fixContact ? { fixContact: true } : {}),
  };
}

// ---- A restore plan: undo -----------------------------------------------------------------

/** A group of runs undone, as its journals tell it. */
export interface UndoneRuns {
  id: string;
  command: string;
  runs: readonly unknown[];
}

export interface RestorePlanInput {
  origin: PlanOrigin;
  /** The groups of runs undone. */
  undone: readonly UndoneRuns[];
  /** Per project and user: what the runs left (`from`) and what they found (`to`). */
  targets: readonly (RestoreTarget & { projid: number; title: string; userId: number })[];
  /** The targets' users as EcoTaxa has them now, in the targets' order; not empty. */
  users: ReadonlyMap<number, MinUser>;
  /** The targets' users who cannot be given a right back, and why. */
  gone: ReadonlyMap<number, string>;
  /** Every user as the runs' journals name them. */
  journaled: readonly Person[];
  /** The targets' projects as read now: one not among them is not found. */
  projects: readonly Project[];
  /** The projects whose contact the runs set (--fix-contact): undo leaves it. */
  keptContacts: readonly { projid: number }[];
}

/** The restore of one target: back to what the run found, unless it moved since. */
function restoreEntry(
  input: RestorePlanInput,
  current: ReadonlyMap<number, Project>,
  target: RestorePlanInput['targets'][number],
): PlanEntry {
  const restore = { from: target.from, to: target.to };
  const project = current.get(target.projid);
  const unreachable = input.gone.get(target.userId);
  if (unreachable !== undefined) {
    return {
      projid: target.projid,
      title: project?.title ?? target.title,
      fingerprint: project === undefined ? null : privilegeFingerprint(project),
      decision: { kind: 'skip', code: 'inactive-user', current: null, reason: unreachable },
      restore,
    };
  }
  if (project === undefined) return { ...notFoundEntry(target.projid, target.title), restore };
  return {
    projid: target.projid,
    title: project.title,
    fingerprint: privilegeFingerprint(project),
    decision: decide(
      project,
      { caller: input.origin.caller, user: userNamed(input, target.userId) },
      { action: 'restore', ...restore },
    ),
    restore,
  };
}

/** A user as the runs' journals name them (the first that does), else by id alone. */
export function journaledUser(journaled: readonly Person[], id: number): Person {
  return journaled.find((u) => u.id === id) ?? { id, name: `#${id}`, email: '' };
}

/** A target's user: as EcoTaxa has them, else as the journals name them. */
function userNamed(input: RestorePlanInput, id: number): Person {
  return input.users.get(id) ?? journaledUser(input.journaled, id);
}

/** The exact inverse of the runs, on the projects' current state. */
export function restorePlan(input: RestorePlanInput): Plan {
  const { origin, undone, targets } = input;
  const firstUser = [...input.users.values()][0] as MinUser;
  const aboutOneUser = targets.every((t) => t.userId === firstUser.id);
  const current = byId(input.projects);
  const entries = targets.map((target) => {
    const entry = restoreEntry(input, current, target);
    if (!aboutOneUser) entry.user = userNamed(input, target.userId);
    return entry;
  });
  const undoing = undone.map((g) => `${g.command} (run ${g.id}${g.runs.length > 1 ? `, ${g.runs.length} runs` : ''})`);
  const contacts = input.keptContacts;
  return {
    ...origin,
    user: firstUser,
    operation: { action: 'restore', journal: undone.map((g) => g.id).join(',') },
    entries,
    notes: [
      `Undoing ${undoing.join('; ')}.`,
      ...(contacts.length === 0
        ? []
        : [
            `The contact set by --fix-contact stays on ${contacts.map((c) => c.projid).join(', ')}: EcoTaxa cannot update a project without a valid contact.`,
          ]),
      ...planNotes({ entries }),
    ],
  };
}

// ---- A saved plan decided again: apply FILE -----------------------------------------------

export interface ReplanInput {
  saved: Plan;
  /** The account running the tool (the plan's caller). */
  caller: Person;
  /** Every user of the saved plan, as EcoTaxa has them now. */
  users: ReadonlyMap<number, MinUser>;
  /** The plan's projects as read now: one not among them is no longer visible. */
  projects: readonly Project[];
  /** --strict: a project that changed since the plan is skipped, not decided again. */
  strict: boolean;
  now: Date;
}

export interface Replanned {
  /**
   * The plan decided again: its fingerprints are now's, so that a change during the
   * confirmation is caught at write time.
   */
  plan: Plan;
  /** One line per project that changed since the plan. */
  driftLines: string[];
}

/**
 * A saved plan decided again on the server's current state. Entries whose privileges changed
 * since the plan are drift: decided again, or skipped with --strict. What each entry is about
 * stays as planned: its own user, operation, rule and undo target.
 */
export function replannedPlan(input: ReplanInput): Replanned {
  const { saved, strict } = input;
  const fresh = byId(input.projects);
  const driftLines: string[] = [];
  const entries = saved.entries.map((old): PlanEntry => {
    const user = input.users.get(userOf(saved, old).id) as MinUser;
    const about: Partial<PlanEntry> = {};
    if (old.restore !== undefined) about.restore = old.restore;
    if (old.user !== undefined) about.user = user;
    if (old.operation !== undefined) about.operation = old.operation;
    if (old.rule !== undefined) about.rule = old.rule;
    const project = fresh.get(old.projid);
    if (project === undefined) {
      if (old.fingerprint !== null) driftLines.push(`${old.projid} ${old.title}: no longer visible to you`);
      return { ...notFoundEntry(old.projid, old.title), ...about };
    }
    const fingerprint = privilegeFingerprint(project);
    const ctx = { caller: input.caller, user, fixContact: saved.fixContact };
    const decision = decide(project, ctx, operationFor(saved, old));
    const entry: PlanEntry = { projid: old.projid, title: project.title, fingerprint, decision, ...about };
    const drift = driftSince(seenInPlan(old), { project, fingerprint }, user, strict);
    if (drift !== undefined) {
      driftLines.push(`${old.projid} ${project.title}: ${drift.description}${strict ? '; skipped (--strict)' : ''}`);
      if (drift.strictSkip !== undefined) entry.decision = drift.strictSkip;
    }
    return entry;
  });
  const plan: Plan = {
    ...saved,
    createdAt: input.now,
    user: input.users.get(saved.user.id) ?? saved.user,
    entries,
    notes: planNotes({ entries }),
  };
  return { plan, driftLines };
}

// ---- A policy's plan: sync ----------------------------------------------------------------

export interface SyncPlanInput {
  origin: PlanOrigin;
  /** The policy file, as named on the command line. */
  policy: string;
  /** Each rule's user; the first is the plan's (each entry names its own). */
  users: readonly MinUser[];
  /** The policy's entries and notes, planned on the projects you manage. */
  planned: { entries: PlanEntry[]; notes: string[] };
  /** Projects an administrator sees but does not manage, left out. */
  notManagedAdminProjects: number;
}

export function syncPlan(input: SyncPlanInput): Plan {
  const { entries, notes } = input.planned;
  return {
    ...input.origin,
    user: input.users[0] as MinUser,
    operation: { action: 'sync', policy: input.policy },
    entries,
    notes: [
      ...notes,
      ...planNotes({ entries }, { rangedMissing: 0, notManagedAdminProjects: input.notManagedAdminProjects }),
    ],
  };
}
