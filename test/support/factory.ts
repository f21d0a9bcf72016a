import type { MinUser, Project } from '../../src/api/schemas.js';

/** People of the unit tests: invented, not the seed's. */
export const CALLER: MinUser = { id: 9, email: 'owner@example.org', name: 'Olivia Owner', organisation: 'GEOMAR' };
export const USER: MinUser = { id: 10, email: 'aqqua@geomar.de', name: 'AqQua', organisation: 'GEOMAR' };
export const OTHER: MinUser = { id: 11, email: 'colleague@example.org', name: 'Carl Colleague', organisation: null };
export const THIRD: MinUser = { id: 12, email: 'victor@example.org', name: 'Victor Villefranche' };

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
