/*
 * What EcoTaxa answers, as the library's users and the CLI see it. Written out as interfaces
 * (not inferred from the zod schemas) so that the published declarations stand alone: a
 * program using the client needs neither zod nor axios to type-check. schemas.ts checks at
 * compile time that its schemas and these interfaces say the same.
 *
 * Each has an index signature: EcoTaxa's answers carry more fields than the tool reads, and
 * those are kept as received (a project read for a write must go back whole).
 */

/** A user as EcoTaxa lists one: in a project's member lists, in a search, by id. */
export interface MinUser {
  id: number;
  email: string;
  name: string;
  organisation?: string | null | undefined;
  [field: string]: unknown;
}

/** The caller, from GET /users/me: a user, with their application rights. */
export interface UserWithRights extends MinUser {
  /** 1 create a project, 2 administrate the app, 3 administrate users, 4 create taxon. */
  can_do?: number[] | undefined;
}

/** A project with its members, as GET /projects/search and GET /projects return it. */
export interface Project {
  projid: number;
  title: string;
  /** "0" private, "1" public, "2" open. */
  access: string;
  status?: string | null | undefined;
  objcount?: number | null | undefined;
  instrument?: string | null | undefined;
  managers: MinUser[];
  annotators: MinUser[];
  viewers: MinUser[];
  /** The project's contact; null on some legacy projects. */
  contact?: MinUser | null | undefined;
  /** The caller's own right: filled in by GET /projects/{id} only, empty in searches. */
  highest_right?: string | null | undefined;
  [field: string]: unknown;
}
