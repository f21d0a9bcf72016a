import type { MinUser } from '../../src/api/schemas.js';

/*
 * The invented people of every test: nobody here is a real person. Their ids are the ones the
 * real back end's test database gives the same roles. Olivia Owner manages most projects and
 * runs the tool; AqQua is the account she shares them with; the others are members she meets
 * on her projects. The fake EcoTaxa (seed.ts) knows them all, with these passwords.
 */

export interface Person {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly organisation: string;
  readonly password: string;
}

const GEOMAR = 'GEOMAR Helmholtz Centre for Ocean Research Kiel';

export const OWNER: Person = {
  id: 9,
  email: 'owner@example.org',
  name: 'Olivia Owner',
  organisation: GEOMAR,
  password: 'Owner-pass-2024',
};

export const AQQUA: Person = {
  id: 10,
  email: 'aqqua@geomar.de',
  name: 'AqQua',
  organisation: GEOMAR,
  password: 'AqQua-pass-2024',
};

export const COLLEAGUE: Person = {
  id: 11,
  email: 'colleague@example.org',
  name: 'Carl Colleague',
  organisation: 'Alfred Wegener Institute - AWI',
  password: 'Colleague-pass-2024',
};

/** Victor, of another institute: a viewer or annotator here and there. */
export const VICTOR: Person = {
  id: 12,
  email: 'victor@example.org',
  name: 'Victor Villefranche',
  organisation: "Laboratoire d'Océanographie de Villefranche - LOV",
  password: 'Victor-pass-2024',
};

/** A second account of AqQua's, whose name starts like the first. */
export const AQQUA_ARCHIVE: Person = {
  id: 13,
  email: 'aqqua.archive@example.org',
  name: 'AqQua Archive',
  organisation: GEOMAR,
  password: 'Archive-pass-2024',
};

/** An account EcoTaxa deactivated: the API never lists it. */
export const INACTIVE: Person = {
  id: 14,
  email: 'ina.inactive@example.org',
  name: 'Ina Inactive',
  organisation: GEOMAR,
  password: 'Inactive-pass-2024',
};

/** An application administrator, who sees every project. */
export const ADMIN: Person = {
  id: 15,
  email: 'admin@example.org',
  name: 'Ada Admin',
  organisation: 'Sorbonne Université - LOV',
  password: 'Admin-pass-2024',
};

/** Who a person is, as a journal or a plan names them: id, email and name. */
export function who(person: Pick<Person, 'id' | 'email' | 'name'>): { id: number; email: string; name: string } {
  return { id: person.id, email: person.email, name: person.name };
}

/** A person as EcoTaxa lists a project's member: no password. */
export function member(person: Person): MinUser {
  return { ...who(person), organisation: person.organisation };
}
