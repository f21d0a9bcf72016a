import nock from 'nock';
import { EcoTaxaClient, type ClientOptions } from '../../src/api/client.js';

/** Shared set-up for the API client tests (nock, no real waits). */

export const ORIGIN = 'https://ecotaxa.example.org';
export const BASE_URL = `${ORIGIN}/api`;
export const TOKEN = 'T0KEN-VALUE-123';
export const JSON_TYPE = { 'content-type': 'application/json' };
export const TEXT_TYPE = { 'content-type': 'text/plain; charset=utf-8' };
export const HTML_TYPE = { 'content-type': 'text/html' };

export interface TestClient {
  client: EcoTaxaClient;
  sleeps: number[];
}

export function makeClient(overrides: Partial<ClientOptions> = {}): TestClient {
  const sleeps: number[] = [];
  const client = new EcoTaxaClient({
    baseUrl: BASE_URL,
    token: TOKEN,
    timeoutMs: 5_000,
    userAgent: 'ecotaxa-access/test',
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
    ...overrides,
  });
  return { client, sleeps };
}

/** A nock scope for the EcoTaxa origin; paths include the `/api` prefix. */
export function api(): nock.Scope {
  return nock(ORIGIN);
}

/** Runs `fn` and returns what it threw; fails the test if it did not throw. */
export async function caught(fn: () => Promise<unknown>): Promise<Error & { body?: string | undefined }> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`threw a non-Error: ${String(err)}`);
  }
  throw new Error('expected a rejection, but the call succeeded');
}

export function messageAndBody(err: Error & { body?: string | undefined }): string {
  return String(err.message + (err.body ?? ''));
}

export const OWNER = {
  id: 9,
  email: 'owner@example.org',
  name: 'Olivia Owner',
  organisation: 'GEOMAR Helmholtz Centre for Ocean Research Kiel',
};
export const AQQUA = {
  id: 10,
  email: 'aqqua@geomar.de',
  name: 'AqQua',
  organisation: 'GEOMAR Helmholtz Centre for Ocean Research Kiel',
};
export const COLLEAGUE = {
  id: 11,
  email: 'colleague@example.org',
  name: 'Carl Colleague',
  organisation: 'Alfred Wegener Institute - AWI',
};

/** GET /users/me as the real back end answers it (transcript [7]). */
export const ME_BODY = {
  id: 9,
  email: 'owner@example.org',
  name: 'Olivia Owner',
  country: 'Germany',
  orcid: null,
  usercreationdate: '2026-11-26T20:14:45.072930',
  password: '?',
  status: 1,
  status_date: '2026-11-26T20:14:45.073548',
  status_admin_comment: null,
  usercreationreason: null,
  mail_status: false,
  mail_status_date: '2026-11-26T20:14:45.073548',
  organisation: 'GEOMAR Helmholtz Centre for Ocean Research Kiel',
  can_do: [1, 4],
  last_used_projects: [
    { projid: 32, title: 'Archive: old Zooscan scans 2009-2012' },
    { projid: 29, title: 'Flensburg Fjord VPR' },
    { projid: 31, title: 'Kiel Bight summer survey 2023' },
    { projid: 30, title: 'Kiel Bight winter survey 2023' },
    { projid: 28, title: 'Lake Plön freshwater plankton' },
  ],
};

/** A project item as /projects/search answers it (transcript [22], project 1 shape). */
export function projectBody(projid: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    projid,
    title: `Project ${projid}`,
    access: '1',
    status: 'Annotate',
    objcount: null,
    pctvalidated: null,
    pctclassified: null,
    classifsettings: null,
    classiffieldlist: null,
    popoverfieldlist: null,
    comments: null,
    rf_models_used: null,
    cnn_network_id: null,
    formulae: null,
    obj_free_cols: {},
    sample_free_cols: {},
    acquisition_free_cols: {},
    process_free_cols: {},
    bodc_variables: { total_water_volume: null, subsample_coef: null, individual_volume: null },
    init_classif_list: [],
    managers: [OWNER],
    annotators: [COLLEAGUE],
    viewers: [],
    contact: OWNER,
    instrument: 'Zooscan',
    instrument_url: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1581/',
    highest_right: '',
    ...extra,
  };
}

export function range(from: number, toInclusive: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= toInclusive; i++) out.push(i);
  return out;
}

/** The 500 of transcript [61] (same user in two lists), traceback as the server prints it. */
export const TRACEBACK_61 = `
----------- BACK-END -------------
Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/sqlalchemy/engine/base.py", line 1900, in _execute_context
    self.dialect.do_execute(
  File "/usr/lib/python3/dist-packages/sqlalchemy/engine/default.py", line 736, in do_execute
    cursor.execute(statement, parameters)
sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "IS_ProjectsPriv"
DETAIL:  Key (projid, member)=(4, 10) already exists.
[SQL: INSERT INTO projectspriv (id, projid, member, privilege, extra) VALUES (nextval('seq_projectspriv'), %(projid)s, %(member)s, %(privilege)s, %(extra)s) RETURNING projectspriv.id]
[parameters: {'projid': 4, 'member': 10, 'privilege': 'View', 'extra': None}]
(Background on this error at: https://sqlalche.me/e/14/gkpj)
`;

/** The 500 of transcript [42] (project_ids with ';'). */
export const TRACEBACK_42 = `
----------- BACK-END -------------
Traceback (most recent call last):
  File "/src/py/DB/helpers/ORM.py", line 636, in projects_for_user
    {"pids": tuple([int(p.strip()) for p in project_ids.split(",")])}
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/src/py/DB/helpers/ORM.py", line 636, in <listcomp>
    {"pids": tuple([int(p.strip()) for p in project_ids.split(",")])}
                    ^^^^^^^^^^^^^^
ValueError: invalid literal for int() with base 10: '1;2'
`;

/** A reverse proxy's error page. */
export function proxyPage(status: number, phrase: string): string {
  return `<html>\r\n<head><title>${status} ${phrase}</title></head>\r\n<body>\r\n<center><h1>${status} ${phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/**
 * A socket error for nock's replyWithError. It must be an Error instance: with nock 14 /
 * @mswjs/interceptors 0.41 a plain `{ code }` object is dropped and the request hangs until
 * the client's timeout (so it would be reported as a TimeoutError instead).
 */
export function netError(code: string, message = `${code.toLowerCase()} ${code}`): Error {
  return Object.assign(new Error(message), { code });
}
