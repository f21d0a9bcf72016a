import type { MinUser, Project } from '../../src/api/schemas.js';
import { AQQUA, COLLEAGUE, OWNER, VICTOR, who } from './people.js';

/*
 * The members of the unit tests' projects: the invented people (people.ts), with an
 * organisation as short as a test needs, or none.
 */
export const CALLER: MinUser = { ...who(OWNER), organisation: 'GEOMAR' };
export const USER: MinUser = { ...who(AQQUA), organisation: 'GEOMAR' };
export const OTHER: MinUser = { ...who(COLLEAGUE), organisation: null };
export const THIRD: MinUser = who(VICTOR);

/** A project as EcoTaxa reads it: the caller manages it and is its contact, unless overridden. */
export function project(overrides: Partial<Project> = {}): Project {
  return {
    projid: 101,
    title: 'Kiel Fjord zooplankton 2019',
    access: '0',
    status: 'Annotate',
    objcount: 18422,
    instrument: 'Zooscan',
    managers: [CALLER],
    annotators: [],
    viewers: [],
    contact: CALLER,
    highest_right: 'Manage',
    ...overrides,
  };
}
