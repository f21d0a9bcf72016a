import { isDeepStrictEqual } from 'node:util';
import type { EcoTaxaClient } from '../api/client.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../api/errors.js';
import type { Sleep } from '../api/retry.js';
import type { MinUser, Project } from '../api/schemas.js';
import { errorMessage } from '../errors.js';
import { driftSince } from '../plan/drift.js';
import { privilegeFingerprint } from '../plan/fingerprint.js';
import { type ContactChange, type Plan, type PlanEntry, operationFor, userOf } from '../plan/model.js';
import { decide } from '../plan/planner.js';
import type { ApplyResult } from '../plan/results.js';
import { type RightOrNone, rightOf } from '../plan/rights.js';
import { unsafeUpdateProblems, withContact, withUserRight } from '../plan/update.js';

/*
 * The steps of one project's write, each on its own so that it can be tested alone:
 * read it fresh, decide again on what the server says now, write the complete model once,
 * and, when a write's answer was lost, settle where it went before anything else is sent.
 * src/apply/project.ts strings them together with retries.
 */

/** What the steps need of the client: a list read and a write. */
export type ProjectClient = Pick<EcoTaxaClient, 'getProjects' | 'updateProject'>;

// ---- 1. Read ------------------------------------------------------------------------------

export type ReadOutcome = { kind: 'read'; project: Project | undefined } | { kind: 'error'; error: unknown };

/**
 * The project as the server has it now, or undefined when it no longer shows it to the
 * caller. A list call, which (unlike GET /projects/{id}) does not add the project to the
 * owner's "recently used" list (docs/ecotaxa-api.md#project-reads).
 */
export async function readFresh(client: ProjectClient, projid: number): Promise<ReadOutcome> {
  try {
    // Retried by the engine, not inside the client: a project waiting to try again then lets
    // another use its concurrency slot.
    const [project] = await client.getProjects([projid], undefined, { retry: false });
    return { kind: 'read', project: project?.projid === projid ? project : undefined };
  } catch (error) {
    return { kind: 'error', error };
  }
}

// ---- 2. Decide ----------------------------------------------------------------------------

export interface WriteContext {
  plan: Pick<Plan, 'caller' | 'user' | 'operation' | 'fixContact'>;
  /** Every user of the plan as EcoTaxa returned them, by id: their member objects go into bodies. */
  users: ReadonlyMap<number, MinUser>;
  /** --strict: a project whose rights changed since the plan is skipped, not decided again. */
  strict: boolean;
}

/** One planned change, decided again on fresh state. */
export interface PlannedChange {
  entry: PlanEntry;
  user: MinUser;
  from: RightOrNone;
  to: RightOrNone;
  drift?: string | undefined;
}

/** One PUT: the complete model with only the planned changes made. */
export interface PlannedWrite {
  projid: number;
  title: string;
  body: Project;
  /** The model as read, that the body was built from. */
  base: Project;
  /** Fingerprint of the privileges it replaces: after a lost answer, "still exactly as before". */
  replaces: string;
  changes: PlannedChange[];
  contact?: ContactChange | undefined;
}

/** What drift is measured against: the plan's view of the project, or the state a lost write replaced. */
export interface Baseline {
  fingerprint(entry: PlanEntry): string | null;
  /** The user's right then, to say how it moved. */
  right(entry: PlanEntry): RightOrNone;
}

/** The plan's own view: each entry's fingerprint and current right at plan time. */
export const planBaseline: Baseline = {
  fingerprint: (entry) => entry.fingerprint,
  right: (entry) => (entry.decision.kind === 'change' ? entry.decision.from : entry.decision.current),
};

export interface Decided {
  /** Entries that need no write (or must not get one), with their results. */
  settled: ApplyResult[];
  /** The write to send, when any entry still changes. */
  write: PlannedWrite | undefined;
}

function userFor(ctx: WriteContext, entry: PlanEntry): MinUser {
  const id = userOf(ctx.plan, entry).id;
  const user = ctx.users.get(id);
  if (user === undefined) throw new Error(`internal error: user #${id} of project ${entry.projid} was not resolved`);
  return user;
}

/** The planned right change of an entry, for results written before any decision. */
export function plannedRights(entry: PlanEntry): { from: RightOrNone; to: RightOrNone } {
  return entry.decision.kind === 'change'
    ? { from: entry.decision.from, to: entry.decision.to }
    : { from: entry.decision.current, to: entry.decision.current };
}

/**
 * Decides every entry of one project again on its fresh state (pure), and builds the one
 * body that makes all their changes: each user's entry moved, every other member and field as
 * read. A body that would change anything else is not sent (a guard against our own bugs).
 */
export function decideWrite(
  ctx: WriteContext,
  entries: readonly PlanEntry[],
  fresh: Project,
  baseline: Baseline,
): Decided {
  const fingerprint = privilegeFingerprint(fresh);
  const settled: ApplyResult[] = [];
  const changes: PlannedChange[] = [];
  let body = fresh;
  let contact: ContactChange | undefined;
  for (const entry of entries) {
    const user = userFor(ctx, entry);
    const base = { projid: entry.projid, title: entry.title, userId: user.id, ...rule(entry) };
    const expected = baseline.fingerprint(entry);
    const seen = { fingerprint: expected, right: baseline.right(entry) };
    const moved = expected === null ? undefined : driftSince(seen, { project: fresh, fingerprint }, user, ctx.strict);
    const drift = moved?.description;
    const withDrift = drift === undefined ? {} : { drift };
    if (moved?.strictSkip !== undefined) {
      const { current, reason } = moved.strictSkip;
      settled.push({ ...base, outcome: 'skipped', from: current, to: current, reason, drift: moved.description });
      continue;
    }
    const decision = decide(
      body,
      { caller: ctx.plan.caller, user, fixContact: ctx.plan.fixContact },
      operationFor(ctx.plan, entry),
    );
    if (decision.kind !== 'change') {
      const outcome = decision.kind === 'unchanged' ? 'unchanged' : 'skipped';
      settled.push({
        ...base,
        outcome,
        from: decision.current,
        to: decision.current,
        reason: decision.reason,
        ...withDrift,
      });
      continue;
    }
    body = withUserRight(body, user, decision.to);
    if (decision.contact !== undefined && contact === undefined) {
      contact = decision.contact;
      body = withContact(body, decision.contact.to.id);
    }
    changes.push({ entry, user, from: decision.from, to: decision.to, drift });
  }
  if (changes.length === 0) return { settled, write: undefined };
  const write = {
    projid: fresh.projid,
    title: changes[0]?.entry.title ?? fresh.title,
    body,
    base: fresh,
    replaces: fingerprint,
    changes,
    contact,
  };
  return { settled, write: safe(ctx, write, settled) };
}

/** The write, unless its body would change more than its planned changes (a bug): then none, its changes failed. */
function safe(ctx: WriteContext, write: PlannedWrite, settled: ApplyResult[]): PlannedWrite | undefined {
  const { changes, contact } = write;
  const problems = unsafeUpdateProblems(
    write.base,
    write.body,
    { rights: new Map(changes.map((c) => [c.user.id, c.to])), contactId: contact?.to.id },
    ctx.plan.caller.id,
  );
  if (problems.length === 0) return write;
  const reason = `not sent, it would not be safe: ${problems.join('; ')} (a bug: please report it)`;
  for (const change of changes)
    settled.push({ ...changeResult(change.entry.title, change), outcome: 'failed', reason });
  return undefined;
}

function rule(entry: PlanEntry): { rule?: string } {
  return entry.rule === undefined ? {} : { rule: entry.rule };
}

/** A result about one change of a write (its outcome to be set). */
export function changeResult(
  title: string,
  change: PlannedChange,
  contact?: ContactChange,
): Omit<ApplyResult, 'outcome'> {
  return {
    projid: change.entry.projid,
    title,
    userId: change.user.id,
    from: change.from,
    to: change.to,
    ...(change.drift === undefined ? {} : { drift: change.drift }),
    ...(contact === undefined ? {} : { contact }),
    ...rule(change.entry),
  };
}

/** Fields that change without an update (counts kept by EcoTaxa) or per reader. */
const NOT_WRITTEN = new Set(['objcount', 'pctvalidated', 'pctclassified', 'highest_right']);

/** Whether two reads of a project agree on everything an update writes, members and contact included. */
export function sameWritableState(a: Project, b: Project): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => NOT_WRITTEN.has(key) || isDeepStrictEqual(a[key], b[key]));
}

/**
 * The project read again after a write conflict. The conflict means another writer's update
 * of it has just committed (docs/ecotaxa-api.md#conflicts), but EcoTaxa's reads come from a
 * replica that can lag (docs/ecotaxa-api.md#replica-lag): a read that still shows exactly the
 * state our write was built from may not have seen the winner yet, and a write built on it
 * would erase the winner's change. While it does, it is read again after each wait; past the
 * replica's lag, an identical state is the truth.
 */
export async function readAfterConflict(
  client: ProjectClient,
  projid: number,
  base: Project,
  sleep: Sleep,
  replicaWaitsMs: readonly number[],
  signal?: AbortSignal,
): Promise<ReadOutcome> {
  for (let round = 0; ; round++) {
    const read = await readFresh(client, projid);
    if (read.kind === 'error' || read.project === undefined || !sameWritableState(read.project, base)) return read;
    const wait = replicaWaitsMs[round];
    if (wait === undefined) return read;
    await sleep(wait);
    // Ctrl-C: no further read (the caller stops before deciding on this one).
    if (signal?.aborted === true) return read;
  }
}

// ---- 3. Write -----------------------------------------------------------------------------

export type WriteOutcome = { kind: 'written' } | { kind: 'failed'; error: unknown };

/** Sends the write once. Never retried here: what to do next depends on the failure. */
export async function writeOnce(client: ProjectClient, write: PlannedWrite): Promise<WriteOutcome> {
  try {
    await client.updateProject(write.projid, write.body);
    return { kind: 'written' };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

// ---- 4. Settle a lost answer ------------------------------------------------------------

export type Settlement =
  | { kind: 'landed'; project: Project }
  /** Still exactly the state the write replaced, for longer than EcoTaxa's replica lags. */
  | { kind: 'not-landed'; project: Project }
  /** Neither: someone else changed the project; the write is not there. */
  | { kind: 'changed'; project: Project }
  | { kind: 'gone' }
  | { kind: 'error'; error: unknown };

/** Whether the project shows every change of the write. */
export function showsWrite(project: Project, write: PlannedWrite): boolean {
  return (
    write.changes.every((c) => rightOf(project, c.user.id) === c.to) &&
    (write.contact === undefined || project.contact?.id === write.contact.to.id)
  );
}

/**
 * Where a write whose answer was lost went. EcoTaxa reads come from a replica that can lag
 * (docs/ecotaxa-api.md#replica-lag): while the project still shows exactly the state the write
 * replaced, it is read again after each wait, for longer than the lag.
 */
export async function settleLostWrite(
  client: ProjectClient,
  write: PlannedWrite,
  sleep: Sleep,
  replicaWaitsMs: readonly number[],
): Promise<Settlement> {
  for (let round = 0; ; round++) {
    const read = await readFresh(client, write.projid);
    if (read.kind === 'error') return read;
    const project = read.project;
    if (project === undefined) return { kind: 'gone' };
    if (showsWrite(project, write)) return { kind: 'landed', project };
    if (privilegeFingerprint(project) !== write.replaces) return { kind: 'changed', project };
    const wait = replicaWaitsMs[round];
    if (wait === undefined) return { kind: 'not-landed', project };
    await sleep(wait);
  }
}

// ---- Reasons ------------------------------------------------------------------------------

/** The reason shown for one project's failure. */
export function failureReason(error: unknown, describe: (error: unknown) => string = errorMessage): string {
  if (error instanceof PermissionDeniedError)
    return `EcoTaxa refused: you are not allowed to change this project (403)`;
  if (error instanceof NotFoundError) return 'EcoTaxa has no such project any more (404)';
  if (error instanceof ValidationError) return `EcoTaxa refused the update: ${error.ecotaxaMessage}`;
  return describe(error);
}
