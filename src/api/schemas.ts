import { z } from 'zod';
import type { MinUser, Project, UserWithRights } from './types.js';

/*
 * Runtime checks of what EcoTaxa answers. Each schema names only the fields the tool relies
 * on and passes every other field through untouched (looseObject): a project read for a
 * later PUT must round-trip fields this tool does not know, since the server overwrites every
 * field with what the PUT body says (docs/ecotaxa-api.md#whole-model-put). No defaults and no
 * transforms here, for the same reason: what is parsed is what was read.
 */

export const minUserSchema = z.looseObject({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  organisation: z.string().nullable().optional(),
});

export const userWithRightsSchema = z.looseObject({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  organisation: z.string().nullable().optional(),
  /** 1 create a project, 2 administrate the app, 3 administrate users, 4 create taxon. */
  can_do: z.array(z.number().int()).optional(),
});

export const projectSchema = z.looseObject({
  projid: z.number().int(),
  title: z.string(),
  access: z.string(),
  status: z.string().nullable().optional(),
  objcount: z.number().nullable().optional(),
  instrument: z.string().nullable().optional(),
  managers: z.array(minUserSchema),
  annotators: z.array(minUserSchema),
  viewers: z.array(minUserSchema),
  contact: minUserSchema.nullable().optional(),
  highest_right: z.string().nullable().optional(),
});

export const loginAnswerSchema = z.string().min(1);
export const userListSchema = z.array(minUserSchema);
export const projectListSchema = z.array(projectSchema);
export const updateAnswerSchema = z.unknown();

export type { MinUser, Project, UserWithRights } from './types.js';

/** True when A and B accept the same values (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/**
 * Fails to compile when a schema and its interface in types.ts disagree (a field added,
 * removed, or typed differently on one side only): the published types never drift from
 * what is checked at run time.
 */
export type SchemasMatchTypes = [
  Assert<Same<z.infer<typeof minUserSchema>, MinUser>>,
  Assert<Same<z.infer<typeof userWithRightsSchema>, UserWithRights>>,
  Assert<Same<z.infer<typeof projectSchema>, Project>>,
];

/** `can_do` action that makes a user an application administrator (openapi UserModelWithRights). */
export const ADMINISTRATE_APP = 2;

export function isAdministrator(user: UserWithRights): boolean {
  return user.can_do?.includes(ADMINISTRATE_APP) ?? false;
}
