import type { FakeEcoTaxa, FakeOptions } from './fake-ecotaxa.js';
import { ADMIN, AQQUA, COLLEAGUE, INACTIVE, VICTOR } from './people.js';
import { A, M, V, seedWorld } from './seed.js';

/*
 * AqQua's side of the sharing (`report --received`): the seed's world, where AqQua holds
 * rights on four of Olivia Owner's projects, plus projects of other owners that shared theirs
 * with AqQua: with a contact, without one (written to its managers), with an inactive contact
 * (read as none), and one AqQua manages itself (not received). The shared seed is unchanged.
 */

export const RECEIVED_KIND = {
  colleaguePrivate: 50,
  colleaguePublic: 51,
  victorAnnotate: 52,
  noContact: 53,
  aqquaManages: 54,
  inactiveContact: 55,
  adminContact: 56,
} as const;

export function seedReceived(options: FakeOptions = {}): FakeEcoTaxa {
  const fake = seedWorld(options);
  const add = fake.addProject.bind(fake);
  add({
    projid: 50,
    title: 'AWI Fram Strait LOKI 2017',
    instrument: 'UVP5HD',
    objcount: 61_240,
    privileges: [M(COLLEAGUE.id, 'C'), V(AQQUA.id)],
  });
  add({
    projid: 51,
    title: 'AWI HAUSGARTEN UVP 2018',
    access: '1',
    instrument: 'UVP5HD',
    objcount: 18_930,
    privileges: [M(COLLEAGUE.id, 'C'), V(AQQUA.id)],
  });
  add({
    projid: 52,
    title: 'Point B zooplankton time series',
    access: '2',
    instrument: 'Zooscan',
    objcount: 402_118,
    privileges: [M(VICTOR.id, 'C'), A(AQQUA.id)],
  });
  add({
    projid: 53,
    title: 'Bay of Villefranche FlowCam (no contact)',
    instrument: 'FlowCam',
    objcount: 7_705,
    privileges: [M(COLLEAGUE.id), M(VICTOR.id), V(AQQUA.id)],
  });
  add({
    projid: 54,
    title: 'Ligurian Sea UVP6 (AqQua manages)',
    instrument: 'UVP6',
    objcount: 30_012,
    privileges: [M(VICTOR.id, 'C'), M(AQQUA.id)],
  });
  add({
    projid: 55,
    title: 'Old Zooscan archive (inactive contact)',
    instrument: 'Zooscan',
    objcount: 120_400,
    privileges: [M(INACTIVE.id, 'C'), M(COLLEAGUE.id), V(AQQUA.id)],
  });
  add({
    projid: 56,
    title: 'Roscoff PlanktoScope 2022',
    access: '1',
    instrument: 'PlanktoScope',
    objcount: 3_301,
    privileges: [M(ADMIN.id, 'C'), V(AQQUA.id)],
  });
  return fake;
}
