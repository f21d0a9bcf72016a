import { isDeepStrictEqual } from 'node:util';
import { signToken, verifyToken } from './tokens.js';

/*
 * A stateful fake of EcoTaxa's back end, for tests and the benchmark. It follows
 * ../shared/ecotaxa/API-NOTES.md and the real server's answers in transcripts/real-backend.md:
 * the same routes (at the root and under /api), the same bodies and error shapes, the same
 * traps (a bad token reads as anonymous on a project search and is a 403 on one project, PUT
 * replaces everything, inactive users are invisible to reads and dropped by writes, an
 * administrator's search returns every project, no default order in search pages, replica lag
 * after a write).
 */

export type Privilege = 'Manage' | 'Annotate' | 'View';

export interface FakeUser {
  id: number;
  email: string;
  name: string;
  organisation: string;
  password: string;
  /** 1 active, 0 inactive. */
  status: number;
  /** 1 create project, 2 administrate the app, 3 administrate users, 4 create taxon. */
  canDo: number[];
  country?: string;
}

export interface PrivilegeRow {
  member: number;
  privilege: Privilege;
  /** The "C" flag: this member is the project's contact. */
  contact: boolean;
}

/** A project as stored: every ProjectModel field, plus the privilege rows. */
export interface FakeProject {
  projid: number;
  title: string;
  access: '0' | '1' | '2';
  status: string | null;
  objcount: number | null;
  pctvalidated: number | null;
  pctclassified: number | null;
  classifsettings: string | null;
  classiffieldlist: string | null;
  popoverfieldlist: string | null;
  comments: string | null;
  rf_models_used: string | null;
  cnn_network_id: string | null;
  formulae: string | null;
  obj_free_cols: Record<string, string>;
  sample_free_cols: Record<string, string>;
  acquisition_free_cols: Record<string, string>;
  process_free_cols: Record<string, string>;
  bodc_variables: Record<string, string | null>;
  init_classif_list: number[];
  instrument: string | null;
  instrument_url: string | null;
  privileges: PrivilegeRow[];
  /** Whether the project has CNN features (lost when cnn_network_id changes). */
  cnnFeatures: boolean;
  /** Fields a newer EcoTaxa sends that this tool does not know: they must round-trip. */
  extra?: Record<string, unknown>;
}

/** The fields of a project nobody filled in, as EcoTaxa keeps them: null, or empty (fresh each call). */
export function blankProjectFields() {
  return {
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
    init_classif_list: [] as number[],
  } satisfies Partial<FakeProject>;
}

export interface FakeRequest {
  method: string;
  /** Without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: string;
}

export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const TOKEN_MAX_AGE_SECONDS = 2_678_400;

const INSTRUMENT_URLS: Record<string, string> = {
  Zooscan: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1581/',
  UVP5HD: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1577/',
  UVP5SD: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1577/',
  UVP6: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1578/',
  FlowCam: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1667/',
  IFCB: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1588/',
  PlanktoScope: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL2090/',
  VPR: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1582/',
  ISIIS: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1589/',
  CPICS: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1590/',
  '?': '',
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const CANT = (): FakeResponse => json(403, { detail: "You can't do this." });
const NOT_AUTHENTICATED = (): FakeResponse => json(403, { detail: 'Not authenticated' });
const BAD_TOKEN = (): FakeResponse =>
  json(401, { detail: 'Could not validate credentials' }, { 'www-authenticate': 'Bearer' });

/** EcoTaxa's 500: text/plain, a banner, then a Python traceback. */
export function traceback(exception: string): FakeResponse {
  return {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: `----------- BACK-END -------------\nTraceback (most recent call last):\n  File "/app/py/main.py", line 1, in handler\n    ...\n${exception}\n`,
  };
}

/** FastAPI's validation error: a list detail. */
function invalid(items: { loc: (string | number)[]; msg: string; type: string }[]): FakeResponse {
  return json(422, { detail: items });
}

const MODEL_FIELDS = [
  'projid',
  'title',
  'access',
  'status',
  'objcount',
  'pctvalidated',
  'pctclassified',
  'classifsettings',
  'classiffieldlist',
  'popoverfieldlist',
  'comments',
  'rf_models_used',
  'cnn_network_id',
  'formulae',
  'obj_free_cols',
  'sample_free_cols',
  'acquisition_free_cols',
  'process_free_cols',
  'bodc_variables',
  'init_classif_list',
] as const;

function ilike(value: string, pattern: string): boolean {
  const regex = pattern
    .split('')
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 'is').test(value);
}

function boolParam(value: string | null): boolean {
  return value !== null && ['true', '1', 'yes', 'on'].includes(value.toLowerCase());
}

export interface FakeOptions {
  /** The server's clock (tokens, expiry). */
  now?: () => Date;
  secret?: string;
}

export class FakeEcoTaxa {
  readonly users = new Map<number, FakeUser>();
  readonly projects = new Map<number, FakeProject>();
  readonly instruments = new Set(Object.keys(INSTRUMENT_URLS));
  readonly now: () => Date;
  private readonly secret: string;
  /** Reads after a write that still see the old project (replica lag). */
  replicaLagReads = 0;
  private readonly lagging = new Map<number, { snapshot: FakeProject; remaining: number }>();
  private searchCalls = 0;
  /** Every request handled, in order (method, route, query). */
  readonly log: { method: string; path: string; query: string; status: number }[] = [];
  /** Projects read one by one (they land in the caller's "recently used"). */
  readonly recentlyUsed: number[] = [];
  /** CNN features deleted by an update that changed cnn_network_id. */
  cnnFeaturesDeleted = 0;
  /** Called after each committed update (tests use it to act mid-run). */
  onUpdate?: (projid: number) => void;

  constructor(options: FakeOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.secret = options.secret ?? 'fake-ecotaxa-secret';
  }

  // ---- state helpers for tests -------------------------------------------------------

  addUser(user: Omit<FakeUser, 'canDo' | 'status'> & Partial<Pick<FakeUser, 'canDo' | 'status'>>): FakeUser {
    const full: FakeUser = { status: 1, canDo: [1, 4], ...user };
    this.users.set(full.id, full);
    return full;
  }

  addProject(project: Partial<FakeProject> & Pick<FakeProject, 'projid' | 'title' | 'privileges'>): FakeProject {
    const full: FakeProject = {
      access: '0',
      status: 'Annotate',
      ...blankProjectFields(),
      instrument: 'Zooscan',
      instrument_url: null,
      cnnFeatures: false,
      ...project,
    };
    if (full.instrument_url === null && full.instrument !== null)
      full.instrument_url = INSTRUMENT_URLS[full.instrument] ?? null;
    this.projects.set(full.projid, full);
    return full;
  }

  /** A token as POST /login would give it, issued now (or at `issuedAt`). */
  tokenFor(userId: number, issuedAt: Date = this.now()): string {
    return signToken(userId, Math.floor(issuedAt.getTime() / 1000), this.secret);
  }

  /** A deep copy of everything stored, to compare before and after a command. */
  snapshot(): { users: FakeUser[]; projects: FakeProject[] } {
    return structuredClone({
      users: [...this.users.values()].sort((a, b) => a.id - b.id),
      projects: [...this.projects.values()].sort((a, b) => a.projid - b.projid),
    });
  }

  privilegeOf(projid: number, userId: number): Privilege | null {
    return this.projects.get(projid)?.privileges.find((r) => r.member === userId)?.privilege ?? null;
  }

  requests(filter?: (r: { method: string; path: string }) => boolean): number {
    return this.log.filter((r) => filter === undefined || filter(r)).length;
  }

  // ---- the HTTP surface ---------------------------------------------------------------

  handle(req: FakeRequest): FakeResponse {
    const response = this.route(req);
    this.log.push({
      method: req.method,
      path: req.path.replace(/^\/api(?=\/)/, ''),
      query: req.query.toString(),
      status: response.status,
    });
    return response;
  }

  /** The route template of a path, for counting requests by route. */
  static routeOf(method: string, path: string): string {
    const p = path.replace(/^\/api(?=\/)/, '');
    return `${method} ${p.replace(/^\/(projects|users)\/\d+$/, '/$1/{id}')}`;
  }

  private route(req: FakeRequest): FakeResponse {
    const path = req.path.replace(/^\/api(?=\/)/, '');
    const m = req.method;
    if (m === 'POST' && path === '/login') return this.login(req);
    if (m === 'GET' && path === '/status')
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'UP!' };
    if (m === 'GET' && path === '/users/me') return this.withUser(req, (me) => json(200, this.userWithRights(me)));
    if (m === 'GET' && path === '/users/search') return this.withUser(req, () => this.searchUsers(req));
    const user = /^\/users\/([^/]+)$/.exec(path);
    if (m === 'GET' && user !== null) return this.withUser(req, () => this.getUser(user[1] as string));
    if (m === 'GET' && path === '/projects/search') return this.searchProjects(req);
    if (m === 'GET' && path === '/projects') return this.listProjects(req);
    const project = /^\/projects\/([^/]+)$/.exec(path);
    if (project !== null && m === 'GET') return this.getProject(req, project[1] as string);
    if (project !== null && m === 'PUT')
      return this.withUser(req, (me) => this.updateProject(req, project[1] as string, me));
    return json(404, { detail: 'Not Found' });
  }

  private caller(req: FakeRequest): { user: FakeUser } | 'none' | 'invalid' {
    const header = req.headers['authorization'];
    if (header === undefined || !/^Bearer\s+/i.test(header)) return 'none';
    const token = header.replace(/^Bearer\s+/i, '').trim();
    const id = verifyToken(token, this.secret, Math.floor(this.now().getTime() / 1000), TOKEN_MAX_AGE_SECONDS);
    const user = id === undefined ? undefined : this.users.get(id);
    if (user === undefined || user.status !== 1) return 'invalid';
    return { user };
  }

  /** /users/* and writes: no token is 403, a bad or expired one 401. */
  private withUser(req: FakeRequest, handler: (me: FakeUser) => FakeResponse): FakeResponse {
    const caller = this.caller(req);
    if (caller === 'none') return NOT_AUTHENTICATED();
    if (caller === 'invalid') return BAD_TOKEN();
    return handler(caller.user);
  }

  /** Project reads: a bad or expired token counts as no token (anonymous), not as an error. */
  private readerOf(req: FakeRequest): FakeUser | undefined {
    const caller = this.caller(req);
    return typeof caller === 'object' ? caller.user : undefined;
  }

  private login(req: FakeRequest): FakeResponse {
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return invalid([
        { loc: ['body', 0], msg: 'Expecting value: line 1 column 1 (char 0)', type: 'value_error.jsondecode' },
      ]);
    }
    const { username, password } = (body ?? {}) as { username?: unknown; password?: unknown };
    const missing = [
      ...(password === undefined
        ? [{ loc: ['body', 'password'], msg: 'field required', type: 'value_error.missing' }]
        : []),
      ...(username === undefined
        ? [{ loc: ['body', 'username'], msg: 'field required', type: 'value_error.missing' }]
        : []),
    ];
    if (missing.length > 0) return invalid(missing);
    const user = [...this.users.values()].find((u) => u.email.toLowerCase() === String(username).toLowerCase());
    if (user === undefined || user.password !== password || user.status !== 1) return CANT();
    return json(200, this.tokenFor(user.id));
  }

  private minUser(user: FakeUser): { id: number; email: string; name: string; organisation: string } {
    return { id: user.id, email: user.email, name: user.name, organisation: user.organisation };
  }

  private userWithRights(user: FakeUser): Record<string, unknown> {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      country: user.country ?? 'Germany',
      orcid: null,
      usercreationdate: '2024-03-01T09:00:00.000000',
      password: '?',
      status: user.status,
      status_date: '2024-03-01T09:00:00.000000',
      status_admin_comment: null,
      usercreationreason: null,
      mail_status: false,
      mail_status_date: '2024-03-01T09:00:00.000000',
      organisation: user.organisation,
      can_do: user.canDo,
      last_used_projects: [...new Set(this.recentlyUsed)]
        .slice(-5)
        .reverse()
        .flatMap((id) => {
          const p = this.projects.get(id);
          return p === undefined ? [] : [{ projid: p.projid, title: p.title }];
        }),
    };
  }

  private searchUsers(req: FakeRequest): FakeResponse {
    const byName = req.query.get('by_name');
    if (byName === null) return json(200, []);
    const found = [...this.users.values()]
      .filter((u) => u.status === 1 && ilike(u.name, byName))
      .sort((a, b) => a.id - b.id)
      .map((u) => this.minUser(u));
    return json(200, found);
  }

  private getUser(idText: string): FakeResponse {
    if (!/^\d+$/.test(idText)) {
      return invalid([{ loc: ['path', 'user_id'], msg: 'value is not a valid integer', type: 'type_error.integer' }]);
    }
    const user = this.users.get(Number(idText));
    if (user === undefined) return json(404, { detail: 'User not found' });
    return json(200, this.minUser(user));
  }

  private isAdmin(user: FakeUser | undefined): boolean {
    return user?.canDo.includes(2) ?? false;
  }

  /** What a read sees: the replica may still hold the state before a recent write. */
  private readable(project: FakeProject): FakeProject {
    const lag = this.lagging.get(project.projid);
    if (lag === undefined) return project;
    lag.remaining--;
    if (lag.remaining <= 0) this.lagging.delete(project.projid);
    return lag.snapshot;
  }

  /** The ProjectModel a reader sees: inactive members left out; nothing for anonymous readers. */
  model(project: FakeProject, reader: FakeUser | undefined, highestRight: string): Record<string, unknown> {
    // Serialised at once by the caller, so the stored values can be used as they are.
    const model: Record<string, unknown> = {};
    for (const field of MODEL_FIELDS) model[field] = project[field];
    const active = (row: PrivilegeRow): FakeUser | undefined => {
      const user = this.users.get(row.member);
      return user !== undefined && user.status === 1 ? user : undefined;
    };
    const members = (privilege: Privilege) =>
      reader === undefined
        ? []
        : project.privileges
            .filter((r) => r.privilege === privilege)
            .flatMap((r) => {
              const u = active(r);
              return u === undefined ? [] : [this.minUser(u)];
            });
    const contactRow = project.privileges.find((r) => r.contact);
    const contact = reader === undefined || contactRow === undefined ? undefined : active(contactRow);
    if (reader === undefined) model['bodc_variables'] = {};
    model['managers'] = members('Manage');
    model['annotators'] = members('Annotate');
    model['viewers'] = members('View');
    model['contact'] = contact === undefined ? null : this.minUser(contact);
    model['instrument'] = project.instrument;
    model['instrument_url'] = project.instrument_url;
    model['highest_right'] = highestRight;
    for (const [key, value] of Object.entries(project.extra ?? {})) model[key] = value;
    return model;
  }

  private visibleTo(reader: FakeUser | undefined, project: FakeProject, forManaging: boolean): boolean {
    if (reader === undefined) return project.access !== '0';
    if (this.isAdmin(reader)) return true;
    const row = project.privileges.find((r) => r.member === reader.id);
    if (row === undefined) return false;
    return !forManaging || row.privilege === 'Manage';
  }

  private window(req: FakeRequest, items: FakeProject[]): FakeProject[] | FakeResponse {
    for (const name of ['window_start', 'window_size']) {
      const value = req.query.get(name);
      if (value !== null && !/^-?\d+$/.test(value)) {
        return invalid([{ loc: ['query', name], msg: 'value is not a valid integer', type: 'type_error.integer' }]);
      }
    }
    const order = req.query.get('order_field');
    let ordered = items;
    if (order !== null && order !== '') {
      const desc = order.startsWith('-');
      const field = order.replace(/^-/, '') as keyof FakeProject;
      ordered = [...items].sort((a, b) => {
        const x = a[field] as unknown as string | number;
        const y = b[field] as unknown as string | number;
        const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return desc ? -cmp : cmp;
      });
    } else {
      // No default order (API-NOTES): each call may order differently, so pages taken
      // without order_field overlap and miss projects, as on the real server.
      const shift = this.searchCalls++ % Math.max(1, items.length);
      ordered = [...items.slice(shift), ...items.slice(0, shift)];
    }
    const start = Number(req.query.get('window_start') ?? '0');
    const size = req.query.get('window_size');
    return ordered.slice(Math.max(0, start), size === null ? undefined : Math.max(0, start) + Number(size));
  }

  private searchProjects(req: FakeRequest): FakeResponse {
    const reader = this.readerOf(req);
    const forManaging = boolParam(req.query.get('for_managing'));
    const notGranted = boolParam(req.query.get('not_granted'));
    const title = req.query.get('title_filter') ?? '';
    const instrument = req.query.get('instrument_filter') ?? '';
    const found = [...this.projects.values()]
      .sort((a, b) => a.projid - b.projid)
      .filter((p) =>
        notGranted
          ? reader !== undefined && p.access !== '0' && !p.privileges.some((r) => r.member === reader.id)
          : this.visibleTo(reader, p, forManaging),
      )
      .filter((p) => title === '' || ilike(p.title, `%${title}%`) || String(p.projid).endsWith(title))
      .filter((p) => instrument === '' || ilike(p.instrument ?? '', `%${instrument}%`));
    const page = this.window(req, found);
    if (!Array.isArray(page)) return page;
    return json(
      200,
      page.map((p) => this.model(this.readable(p), reader, '')),
    );
  }

  private listProjects(req: FakeRequest): FakeResponse {
    const reader = this.readerOf(req);
    const forManaging = boolParam(req.query.get('for_managing'));
    const idsText = req.query.get('project_ids');
    let ids: number[] | undefined;
    if (idsText !== null && idsText !== '') {
      const parts = idsText.split(',');
      const bad = parts.find((p) => !/^\s*\d+\s*$/.test(p));
      if (bad !== undefined) return traceback(`ValueError: invalid literal for int() with base 10: '${bad}'`);
      ids = parts.map((p) => Number(p.trim()));
    }
    // By id through the map (the real server uses an index), else every project.
    const candidates =
      ids === undefined
        ? [...this.projects.values()]
        : [...new Set(ids)].flatMap((id) => {
            const project = this.projects.get(id);
            return project === undefined ? [] : [project];
          });
    const found = candidates.filter((p) => this.visibleTo(reader, p, forManaging)).sort((a, b) => a.projid - b.projid);
    return json(
      200,
      found.map((p) => this.model(this.readable(p), reader, '')),
    );
  }

  private getProject(req: FakeRequest, idText: string): FakeResponse {
    if (!/^\d+$/.test(idText)) {
      return invalid([
        { loc: ['path', 'project_id'], msg: 'value is not a valid integer', type: 'type_error.integer' },
      ]);
    }
    const stored = this.projects.get(Number(idText));
    if (stored === undefined) return json(404, { detail: 'Not found.' });
    const reader = this.readerOf(req);
    // A single project is refused to anonymous readers, even a public one (transcript [52]).
    if (reader === undefined) return CANT();
    const project = this.readable(stored);
    const row = project.privileges.find((r) => r.member === reader.id);
    const admin = this.isAdmin(reader);
    if (row === undefined && !admin && project.access === '0') return CANT();
    if (boolParam(req.query.get('for_managing')) && !admin && row?.privilege !== 'Manage') return CANT();
    this.recentlyUsed.push(project.projid);
    return json(200, this.model(project, reader, row?.privilege ?? (admin ? 'Manage' : '')));
  }

  private updateProject(req: FakeRequest, idText: string, me: FakeUser): FakeResponse {
    if (!/^\d+$/.test(idText)) {
      return invalid([
        { loc: ['path', 'project_id'], msg: 'value is not a valid integer', type: 'type_error.integer' },
      ]);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return invalid([
        { loc: ['body', 0], msg: 'Expecting value: line 1 column 1 (char 0)', type: 'value_error.jsondecode' },
      ]);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return invalid([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
    }
    // FastAPI validates the body before the handler runs.
    const problems: { loc: (string | number)[]; msg: string; type: string }[] = [];
    for (const field of ['projid', 'title', 'access']) {
      if (!(field in body)) problems.push({ loc: ['body', field], msg: 'field required', type: 'value_error.missing' });
    }
    const lists = ['managers', 'annotators', 'viewers'] as const;
    for (const list of lists) {
      const members = body[list];
      if (members === undefined) continue;
      if (!Array.isArray(members)) {
        problems.push({ loc: ['body', list], msg: 'value is not a valid list', type: 'type_error.list' });
        continue;
      }
      members.forEach((member: unknown, i) => {
        for (const key of ['id', 'email', 'name', 'organisation']) {
          if (member === null || typeof member !== 'object' || !(key in member)) {
            problems.push({ loc: ['body', list, i, key], msg: 'field required', type: 'value_error.missing' });
          }
        }
      });
    }
    if (problems.length > 0) return invalid(problems);

    const project = this.projects.get(Number(idText));
    if (project === undefined) return json(404, { detail: 'Not found.' });
    const row = project.privileges.find((r) => r.member === me.id);
    if (row?.privilege !== 'Manage' && !this.isAdmin(me)) return CANT();

    const contact = body['contact'] as { id?: unknown } | null | undefined;
    if (contact === null || contact === undefined || typeof contact.id !== 'number') {
      return json(422, { detail: 'A valid Contact is needed.' });
    }
    if (body['instrument'] === null || body['instrument'] === undefined) {
      return json(422, { detail: 'A valid Instrument is needed.' });
    }
    const ids = (list: (typeof lists)[number]): number[] =>
      ((body[list] as { id: unknown }[] | undefined) ?? []).map((m) => Number(m.id));
    if (!ids('managers').includes(contact.id)) {
      return json(422, { detail: 'Could not set Contact, the designated user is not in Managers list.' });
    }
    // The real server takes the instrument as text (an unknown one fails the foreign key below).
    const instrument = typeof body['instrument'] === 'string' ? body['instrument'] : JSON.stringify(body['instrument']);
    if (!this.instruments.has(instrument)) {
      return traceback(
        `sqlalchemy.exc.IntegrityError: (psycopg2.errors.ForeignKeyViolation) insert or update on table "projects" violates foreign key constraint "projects_instrument_id_fkey"\nDETAIL:  Key (instrument_id)=(${instrument}) is not present in table "instrument".`,
      );
    }
    const rows: PrivilegeRow[] = [];
    const privilegeOfList = { managers: 'Manage', annotators: 'Annotate', viewers: 'View' } as const;
    for (const list of lists) {
      for (const id of ids(list)) {
        if (!this.users.has(id)) {
          return traceback(
            `sqlalchemy.exc.IntegrityError: (psycopg2.errors.ForeignKeyViolation) insert or update on table "projectspriv" violates foreign key constraint "projectspriv_member_fkey"\nDETAIL:  Key (member)=(${id}) is not present in table "users".`,
          );
        }
        if (rows.some((r) => r.member === id)) {
          return traceback(
            `sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "IS_ProjectsPriv"\nDETAIL:  Key (projid, member)=(${project.projid}, ${id}) already exists.`,
          );
        }
        rows.push({ member: id, privilege: privilegeOfList[list], contact: list === 'managers' && id === contact.id });
      }
    }

    const before = this.replicaLagReads > 0 ? structuredClone(project) : undefined;
    // ProjectBO.update: these fields are overwritten with the body's, missing ones emptied.
    const text = (key: string): string | null => (typeof body[key] === 'string' ? body[key] : null);
    project.title = String(body['title']).trim();
    project.instrument = instrument;
    project.status = text('status');
    project.access = String(body['access']) as FakeProject['access'];
    project.init_classif_list = Array.isArray(body['init_classif_list']) ? (body['init_classif_list'] as number[]) : [];
    project.classiffieldlist = text('classiffieldlist');
    project.popoverfieldlist = text('popoverfieldlist');
    project.comments = text('comments');
    project.formulae = text('formulae');
    const cnn = text('cnn_network_id');
    if (cnn !== project.cnn_network_id) {
      if (project.cnnFeatures) this.cnnFeaturesDeleted++;
      project.cnnFeatures = false;
    }
    project.cnn_network_id = cnn;
    // bodc_variables: only the keys sent are set.
    const bodc = body['bodc_variables'];
    if (bodc !== null && typeof bodc === 'object') {
      for (const [key, value] of Object.entries(bodc)) project.bodc_variables[key] = value as string | null;
    }
    // Every privilege deleted, the body's inserted: inactive members' rights are lost.
    project.privileges = rows;
    if (before !== undefined && !isDeepStrictEqual(before, project)) {
      this.lagging.set(project.projid, { snapshot: before, remaining: this.replicaLagReads });
    }
    this.onUpdate?.(project.projid);
    return json(200, null);
  }
}
