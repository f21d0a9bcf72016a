import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { MAX_BYTES, readTextFile } from '../files/read-text.js';
import { summarize } from '../plan/counts.js';
import { type Decision, type Person, type Plan, type PlanEntry, SKIP_CODES } from '../plan/model.js';
import { RIGHTS } from '../plan/rights.js';
import { type OutFileKind, writeOutFile } from './out-file.js';

/*
 * The plan file: the JSON document of `plan --json`, `plan --out FILE` and `apply FILE`
 * (README "Plan files"), how a plan is saved and read back.
 */

export const PLAN_FORMAT = 'ecotaxa-access-plan';
export const PLAN_VERSION = 1;

const rightSchema = z.enum(RIGHTS);
const rightOrNone = rightSchema.nullable();
/** A user as plans and journals keep it. */
export const personSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  organisation: z.string().nullable().optional(),
});

const contactSchema = z.object({ id: z.number().int(), name: z.string(), email: z.string() });
const rightChangeSchemas = [
  z.object({ action: z.literal('grant'), right: rightSchema }),
  z.object({ action: z.literal('revoke'), right: rightSchema, anyRight: z.boolean() }),
] as const;

const entrySchema = z.object({
  projid: z.number().int().positive(),
  title: z.string(),
  fingerprint: z.string().nullable(),
  action: z.enum(['change', 'unchanged', 'skip']),
  current: rightOrNone,
  from: rightOrNone,
  to: rightOrNone,
  code: z.enum(SKIP_CODES).nullable(),
  reason: z.string().nullable(),
  restore: z.object({ from: rightOrNone, to: rightOrNone }).optional(),
  /** Plans about several users: the entry's own user, operation and rule. */
  user: personSchema.optional(),
  operation: z.discriminatedUnion('action', rightChangeSchemas).optional(),
  rule: z.string().optional(),
  /** --fix-contact: the contact this change sets. */
  contact: z.object({ from: contactSchema.nullable(), to: contactSchema }).optional(),
});

const operationSchema = z.discriminatedUnion('action', [
  ...rightChangeSchemas,
  z.object({ action: z.literal('restore'), journal: z.string() }),
  z.object({ action: z.literal('sync'), policy: z.string() }),
]);

/** What a plan of an operation needs on every project, when the operation's own entries carry it. */
const EVERY_ENTRY = {
  sync: { field: 'operation', message: 'a sync plan needs an "operation" on every project' },
  restore: { field: 'restore', message: 'an undo plan needs a "restore" target on every project' },
} as const;

/** The JSON document: `plan --json`, `plan --out FILE`, `apply FILE` (README "Plan files"). */
export const planDocumentSchema = z
  .object({
    format: z.literal(PLAN_FORMAT),
    version: z.literal(PLAN_VERSION),
    createdAt: z.iso.datetime({ offset: true }),
    server: z.string(),
    caller: personSchema,
    user: personSchema,
    operation: operationSchema,
    summary: z.object({ change: z.number().int(), unchanged: z.number().int(), skip: z.number().int() }),
    projects: z.array(entrySchema),
    notes: z.array(z.string()),
    fixContact: z.boolean().optional(),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.projects.forEach((p, i) => {
      // One entry per project, or per project and user in a plan about several users.
      const key = `${p.projid}/${p.user?.id ?? doc.user.id}`;
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          message: `project ${p.projid} is listed twice`,
          path: ['projects', i, 'projid'],
        });
      seen.add(key);
    });
    const action = doc.operation.action;
    if (action !== 'sync' && action !== 'restore') return;
    const { field, message } = EVERY_ENTRY[action];
    doc.projects.forEach((p, i) => {
      if (p[field] === undefined) ctx.addIssue({ code: 'custom', message, path: ['projects', i, field] });
    });
  });

export type PlanDocument = z.infer<typeof planDocumentSchema>;
type EntryDocument = z.infer<typeof entrySchema>;

function person(p: Person): Person {
  return { id: p.id, email: p.email, name: p.name, organisation: p.organisation ?? null };
}

function entryToDocument(entry: PlanEntry): EntryDocument {
  const d = entry.decision;
  const doc: EntryDocument = {
    projid: entry.projid,
    title: entry.title,
    fingerprint: entry.fingerprint,
    action: d.kind,
    current: d.kind === 'change' ? d.from : d.current,
    from: d.kind === 'change' ? d.from : null,
    to: d.kind === 'change' ? d.to : null,
    code: d.kind === 'skip' ? d.code : null,
    reason: d.kind === 'change' ? null : d.reason,
  };
  if (entry.restore !== undefined) doc.restore = entry.restore;
  if (entry.user !== undefined) doc.user = person(entry.user);
  if (entry.operation !== undefined) doc.operation = entry.operation;
  if (entry.rule !== undefined) doc.rule = entry.rule;
  if (d.kind === 'change' && d.contact !== undefined) doc.contact = d.contact;
  return doc;
}

function entryFromDocument(doc: EntryDocument): PlanEntry {
  let decision: Decision;
  if (doc.action === 'change') {
    decision = { kind: 'change', from: doc.from, to: doc.to };
    if (doc.contact !== undefined) decision.contact = doc.contact;
  } else if (doc.action === 'unchanged')
    decision = { kind: 'unchanged', current: doc.current, reason: doc.reason ?? '' };
  else decision = { kind: 'skip', code: doc.code ?? 'not-found', current: doc.current, reason: doc.reason ?? '' };
  const entry: PlanEntry = { projid: doc.projid, title: doc.title, fingerprint: doc.fingerprint, decision };
  if (doc.restore !== undefined) entry.restore = doc.restore;
  if (doc.user !== undefined) entry.user = doc.user;
  if (doc.operation !== undefined) entry.operation = doc.operation;
  if (doc.rule !== undefined) entry.rule = doc.rule;
  return entry;
}

export function toPlanDocument(plan: Plan): PlanDocument {
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    createdAt: plan.createdAt.toISOString(),
    server: plan.server,
    caller: person(plan.caller),
    user: person(plan.user),
    operation: plan.operation,
    summary: summarize(plan.entries),
    projects: plan.entries.map(entryToDocument),
    notes: plan.notes,
    ...(plan.fixContact === true ? { fixContact: true } : {}),
  };
}

export function fromPlanDocument(doc: PlanDocument): Plan {
  return {
    createdAt: new Date(doc.createdAt),
    server: doc.server,
    caller: doc.caller,
    user: doc.user,
    operation: doc.operation,
    entries: doc.projects.map(entryFromDocument),
    notes: doc.notes,
    ...(doc.fixContact === true ? { fixContact: true } : {}),
  };
}

/** The `format` a parsed JSON document names; undefined for null, and for what is not an object. */
function formatOf(raw: unknown): unknown {
  return (raw as { format?: unknown } | null)?.format;
}

/**
 * Reads a saved plan, refusing with one precise line anything that is not a complete plan
 * of this format version.
 */
export function parsePlanFile(text: string, source: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError(`${source} is not valid JSON (truncated or edited?): make the plan again with \`plan --out\``);
  }
  if (formatOf(raw) !== PLAN_FORMAT) {
    throw new InputError(`${source} is not an ecotaxa-access plan (made by \`ecotaxa-access plan ... --out FILE\`)`);
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== PLAN_VERSION) {
    throw new InputError(
      `${source} is a plan of format version ${JSON.stringify(version)}; this ecotaxa-access reads version ${PLAN_VERSION}: make the plan again with \`plan --out\``,
    );
  }
  const parsed = planDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : issue.path.map(String).join('.');
    throw new InputError(
      `${source} is not a valid plan: ${where}: ${issue?.message ?? 'invalid'}; make the plan again with \`plan --out\``,
    );
  }
  return fromPlanDocument(parsed.data);
}

/** Whether `text` is a plan saved by ecotaxa-access (of any format version). */
export function isPlanFile(text: string): boolean {
  try {
    return formatOf(JSON.parse(text)) === PLAN_FORMAT;
  } catch {
    return false;
  }
}

/** A plan file, as `--out` writes it: an existing one is replaced only if it is a plan. */
export const PLAN_FILE: OutFileKind = { what: 'a plan', isOurs: isPlanFile, maxBytes: MAX_BYTES.plan };

/** The text of a saved plan. */
export function planFileText(plan: Plan): string {
  return `${JSON.stringify(toPlanDocument(plan), null, 2)}\n`;
}

/** Saves the plan to `file` (relative to `cwd`); returns the path written. */
export function savePlanFile(cwd: string, file: string, plan: Plan, force: boolean): string {
  return writeOutFile(cwd, file, planFileText(plan), PLAN_FILE, force);
}

/** Reads the plan saved in `file` (relative to `cwd`), named as the user typed it in messages. */
export function readPlanFile(cwd: string, file: string): Plan {
  const text = readTextFile(path.resolve(cwd, file), { what: 'the plan', shown: file, maxBytes: MAX_BYTES.plan });
  return parsePlanFile(text, file);
}
