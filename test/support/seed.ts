import { FakeEcoTaxa, type FakeOptions, type FakeProject, type Privilege, type PrivilegeRow } from './fake-ecotaxa.js';
import { ADMIN, AQQUA, AQQUA_ARCHIVE, COLLEAGUE, INACTIVE, OWNER, VICTOR } from './people.js';

/*
 * An invented but realistic world, modelled on the real back end's test database (the same
 * ids for the same roles), with a project of every kind the tool must handle
 * (docs/ecotaxa-api.md). Its people are people.ts's: nobody here is a real person.
 */

/** Privilege rows: M(9, 'C') is a contact manager. */
const row =
  (privilege: Privilege) =>
  (member: number, flag?: 'C'): PrivilegeRow => ({ member, privilege, contact: flag === 'C' });
export const M = row('Manage');
export const A = row('Annotate');
export const V = row('View');

/** The kinds of project, by id, for tests to name. */
export const KIND = {
  plain: 1,
  inactiveViewer: 2,
  aqquaViewer: 4,
  aqquaAnnotator: 6,
  coManaged: 7,
  legacyContact: 8,
  noContact: 9,
  inactiveContact: 10,
  aqquaManager: 11,
  aqquaContact: 12,
  rich: 13,
  ownerViewer: 33,
  ownerAnnotator: 34,
  othersPrivate: 35,
  othersPublic: 36,
} as const;

type Seed = Partial<FakeProject> & Pick<FakeProject, 'projid' | 'title' | 'privileges'>;

const OWNED: Seed[] = [
  {
    projid: 1,
    title: 'Kiel Fjord zooplankton 2019',
    access: '1',
    instrument: 'Zooscan',
    objcount: 18_422,
    privileges: [M(9, 'C'), A(11)],
  },
  {
    projid: 2,
    title: 'Kiel Fjord zooplankton 2020',
    access: '1',
    instrument: 'Zooscan',
    objcount: 21_067,
    privileges: [M(9, 'C'), V(14)],
  },
  {
    projid: 3,
    title: 'Boknis Eck time series - UVP6',
    instrument: 'UVP6',
    objcount: 96_310,
    privileges: [M(9, 'C'), A(11)],
  },
  {
    projid: 4,
    title: 'Baltic Sea transect AL557',
    instrument: 'UVP5HD',
    objcount: 44_102,
    privileges: [M(9, 'C'), V(11), V(10)],
  },
  {
    projid: 5,
    title: 'Gotland Basin deep chlorophyll maximum',
    access: '1',
    instrument: 'UVP5SD',
    objcount: 7_850,
    privileges: [M(9, 'C'), A(11)],
  },
  {
    projid: 6,
    title: 'Eckernförde Bay mesozooplankton',
    instrument: 'Zooscan',
    objcount: 12_930,
    privileges: [M(9, 'C'), A(10)],
  },
  {
    projid: 7,
    title: 'Helgoland Roads copepods (co-managed)',
    access: '1',
    instrument: 'Zooscan',
    objcount: 63_004,
    privileges: [M(11, 'C'), M(9), V(12)],
  },
  {
    projid: 8,
    title: 'Bornholm Basin larval fish (legacy contact)',
    instrument: 'Zooscan',
    objcount: 3_411,
    privileges: [M(9), A(11, 'C')],
  },
  {
    projid: 9,
    title: 'North Sea herring larvae 2008 (no contact)',
    instrument: 'Zooscan',
    objcount: 2_087,
    privileges: [M(9)],
  },
  {
    projid: 10,
    title: 'PlanktoScope Kiel harbour',
    access: '1',
    instrument: 'PlanktoScope',
    objcount: 5_230,
    privileges: [M(14, 'C'), M(9)],
  },
  {
    projid: 11,
    title: 'Canary Current upwelling',
    instrument: 'UVP6',
    objcount: 31_776,
    privileges: [M(9, 'C'), M(10)],
  },
  {
    projid: 12,
    title: 'Atlantic Meridional Transect AMT28',
    access: '1',
    instrument: 'UVP5HD',
    objcount: 58_219,
    privileges: [M(10, 'C'), M(9)],
  },
  {
    projid: 13,
    title: 'Mauritanian shelf FlowCam',
    instrument: 'FlowCam',
    status: 'Annotate No Prediction',
    objcount: 141_562,
    pctvalidated: 38.2,
    pctclassified: 99.7,
    classifsettings: 'baseproject=1602\nseltaxo=45074,84963,61990',
    classiffieldlist: 'area=area [pixel]\nmean=mean [0-255]\nmajor=major [pixel]',
    popoverfieldlist: 'depth_min=depth_min\r\ndepth_max=depth_max',
    comments: 'Cruise MSM104; see the cruise report for the sampling design.',
    rf_models_used: '',
    cnn_network_id: 'SCN_flowcam_generic_384',
    cnnFeatures: true,
    formulae: 'subsample_coef: 1/ssm.sub_part\ntotal_water_volume: sam.tot_vol/1000',
    obj_free_cols: { area: 'n01', esd: 'n02', major: 'n03' },
    sample_free_cols: { barcode: 't01', tot_vol: 'n01' },
    acquisition_free_cols: { flash_delay: 't01' },
    process_free_cols: { nb_images: 't01' },
    bodc_variables: {
      total_water_volume: 'sam.tot_vol/1000',
      subsample_coef: '1/ssm.sub_part',
      individual_volume: '4.0/3.0*math.pi*(math.sqrt(obj.area/math.pi)*ssm.pixel_size)**3',
    },
    init_classif_list: [5, 11493, 11498, 11509],
    privileges: [M(9, 'C'), A(11), V(12)],
    extra: { data_licence: 'CC BY 4.0', review: { state: 'pending', since: '2026-10-01' } },
  },
  {
    projid: 14,
    title: 'Arctic PS114 Fram Strait',
    instrument: 'UVP5HD',
    objcount: 22_604,
    privileges: [M(9, 'C'), V(11), V(13)],
  },
  { projid: 15, title: 'Weddell Sea krill', instrument: 'Zooscan', objcount: 9_113, privileges: [M(9, 'C')] },
  { projid: 16, title: 'Kiel Canal diatoms', instrument: 'IFCB', objcount: 204_881, privileges: [M(9, 'C'), A(11)] },
  { projid: 17, title: 'Baltic Sea IFCB 2021', instrument: 'IFCB', objcount: 512_330, privileges: [M(9, 'C')] },
  { projid: 18, title: 'Boknis Eck IFCB', instrument: 'IFCB', objcount: 88_012, privileges: [M(9, 'C'), A(11)] },
  { projid: 19, title: 'Cape Verde UVP6 profiles', instrument: 'UVP6', objcount: 15_440, privileges: [M(9, 'C')] },
  { projid: 20, title: 'Peru upwelling M93', instrument: 'UVP5HD', objcount: 40_210, privileges: [M(9, 'C'), V(10)] },
  {
    projid: 21,
    title: 'Benguela krill acoustics',
    access: '1',
    instrument: '?',
    objcount: 1_204,
    privileges: [M(9, 'C')],
  },
  {
    projid: 22,
    title: 'Flensburg Fjord zooplankton',
    instrument: 'Zooscan',
    objcount: 6_784,
    privileges: [M(9, 'C'), A(11)],
  },
  {
    projid: 23,
    title: 'Schlei estuary rotifers',
    access: '1',
    instrument: 'FlowCam',
    objcount: 3_390,
    privileges: [M(9, 'C')],
  },
  {
    projid: 24,
    title: 'Sargasso Sea eel larvae',
    instrument: 'ISIIS',
    objcount: 70_118,
    privileges: [M(9, 'C'), V(11)],
  },
  { projid: 25, title: 'Southern Ocean salps', instrument: 'Zooscan', objcount: 4_512, privileges: [M(9, 'C'), V(10)] },
  {
    projid: 26,
    title: 'Test import - do not use',
    instrument: '?',
    objcount: 12,
    status: 'ExploreOnly',
    privileges: [M(9, 'C')],
  },
  {
    projid: 27,
    title: 'Mediterranean gelatinous plankton',
    access: '2',
    instrument: 'CPICS',
    objcount: 19_903,
    privileges: [M(9, 'C'), A(12)],
  },
  {
    projid: 28,
    title: 'Lake Plön freshwater plankton',
    instrument: 'FlowCam',
    objcount: 8_450,
    privileges: [M(9, 'C')],
  },
  { projid: 29, title: 'Flensburg Fjord VPR', instrument: 'VPR', objcount: 27_331, privileges: [M(9, 'C')] },
  {
    projid: 30,
    title: 'Kiel Bight winter survey 2023',
    instrument: 'Zooscan',
    objcount: 11_207,
    privileges: [M(9, 'C'), A(11)],
  },
  {
    projid: 31,
    title: 'Kiel Bight summer survey 2023',
    instrument: 'Zooscan',
    objcount: 13_940,
    privileges: [M(9, 'C'), A(11)],
  },
  {
    projid: 32,
    title: 'Archive: old Zooscan scans 2009-2012',
    instrument: 'Zooscan',
    status: 'ExploreOnly',
    objcount: 301_775,
    privileges: [M(9, 'C')],
  },
];

const OTHERS: Seed[] = [
  {
    projid: 33,
    title: 'Colleague AWI HAUSGARTEN (owner is viewer)',
    instrument: 'UVP5HD',
    objcount: 17_002,
    privileges: [M(11, 'C'), V(9)],
  },
  {
    projid: 34,
    title: 'Colleague AWI Fram Strait (owner is annotator)',
    instrument: 'Zooscan',
    objcount: 6_021,
    privileges: [M(11, 'C'), A(9)],
  },
  {
    projid: 35,
    title: "Villefranche point B (other's, private)",
    instrument: 'Zooscan',
    objcount: 250_114,
    privileges: [M(12, 'C')],
  },
  {
    projid: 36,
    title: "Villefranche public archive (other's, public)",
    access: '1',
    instrument: 'Zooscan',
    objcount: 99_870,
    privileges: [M(12, 'C')],
  },
];

function addUsers(fake: FakeEcoTaxa): void {
  fake.addUser({ ...OWNER, canDo: [1, 4] });
  fake.addUser({ ...AQQUA, canDo: [] });
  fake.addUser({ ...COLLEAGUE, canDo: [1] });
  fake.addUser({ ...VICTOR, canDo: [1, 4], country: 'France' });
  fake.addUser({ ...AQQUA_ARCHIVE, canDo: [] });
  fake.addUser({ ...INACTIVE, canDo: [], status: 0 });
  fake.addUser({ ...ADMIN, canDo: [1, 2, 3, 4], country: 'France' });
}

/** The world of the recordings: 36 projects, 32 of them managed by Olivia Owner. */
export function seedWorld(options: FakeOptions = {}): FakeEcoTaxa {
  const fake = new FakeEcoTaxa(options);
  addUsers(fake);
  for (const project of [...OWNED, ...OTHERS]) fake.addProject(structuredClone(project));
  return fake;
}

const INSTRUMENTS = ['Zooscan', 'UVP5HD', 'UVP6', 'FlowCam', 'IFCB', 'PlanktoScope'];
const PLACES = [
  'Kiel Fjord',
  'Baltic Sea',
  'North Sea',
  'Fram Strait',
  'Canary Current',
  'Benguela',
  'Weddell Sea',
  'Point B',
];

/**
 * N projects managed by Olivia Owner, for the benchmark and the fault suite: a colleague
 * on most, the AqQua account already viewer on every tenth.
 */
export function seedScale(n: number, options: FakeOptions = {}): FakeEcoTaxa {
  const fake = new FakeEcoTaxa(options);
  addUsers(fake);
  addScaleProjects(fake, n);
  return fake;
}

/** The projects of seedScale (ids from 1001), added to a fake that has the seed's users. */
export function addScaleProjects(fake: FakeEcoTaxa, n: number): void {
  for (let i = 1; i <= n; i++) {
    const privileges = [M(OWNER.id, 'C')];
    if (i % 3 !== 0) privileges.push(A(COLLEAGUE.id));
    if (i % 7 === 0) privileges.push(V(VICTOR.id));
    if (i % 10 === 0) privileges.push(V(AQQUA.id));
    fake.addProject({
      projid: 1000 + i,
      title: `${PLACES[i % PLACES.length] as string} survey ${2000 + (i % 25)} #${i}`,
      instrument: INSTRUMENTS[i % INSTRUMENTS.length],
      access: i % 4 === 0 ? '1' : '0',
      objcount: (i * 7919) % 250_000,
      comments: i % 5 === 0 ? `Station list in the cruise report, part ${i}.` : null,
      init_classif_list: i % 6 === 0 ? [5, 11493] : [],
      privileges,
    });
  }
}
