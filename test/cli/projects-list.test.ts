import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProjectRow } from '../../src/render/projects.js';
import { type CliResult, leaks, type RunOptions } from '../support/cli.js';
import { ADMIN, AQQUA, COLLEAGUE, OWNER } from '../support/people.js';
import { M } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * projects list: the projects Olivia manages (or every one she has a right on), with one
 * user's right on each (AqQua by default), as a table, JSON or CSV.
 */

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** AqQua's rights on Olivia's projects in the seed. */
const AQQUA_RIGHTS: Record<number, string> = {
  4: 'View',
  20: 'View',
  25: 'View',
  6: 'Annotate',
  11: 'Manage',
  12: 'Manage',
};
/** Carl Colleague's rights on Olivia's projects in the seed. */
const COLLEAGUE_RIGHTS: Record<number, string> = {
  1: 'Annotate',
  3: 'Annotate',
  4: 'View',
  5: 'Annotate',
  7: 'Manage',
  8: 'Annotate',
  13: 'Annotate',
  14: 'View',
  16: 'Annotate',
  18: 'Annotate',
  22: 'Annotate',
  24: 'View',
  30: 'Annotate',
  31: 'Annotate',
};

type Row = ProjectRow;

const outputs: { argv: string[]; result: CliResult }[] = [];
const secrets = new Set<string>([OWNER.password, ADMIN.password]);

const { server, home, env, cli } = useFakeEcoTaxa({ caller: null });

async function run(argv: string[], options: RunOptions = {}): Promise<CliResult> {
  const result = await cli(argv, options);
  outputs.push({ argv, result });
  return result;
}

function addToken(token: string): string {
  secrets.add(token);
  secrets.add(token.split('.').at(-1) as string);
  return token;
}

async function list(args: string[], options: RunOptions = {}): Promise<Row[]> {
  const result = await run(['projects', 'list', ...args, '--json'], options);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Row[];
}

const ids = (rows: readonly Row[]): number[] => rows.map((r) => r.projid);

/** The cells of a table line: columns are two or more spaces apart, cells never contain two. */
const cells = (line: string): string[] => line.trim().split(/ {2,}/);

beforeEach(async () => {
  // Olivia logs in as a user would; her saved login is used by every command below.
  const login = await run(['login', '--email', OWNER.email, '--password-stdin'], { stdin: OWNER.password });
  expect(login.code).toBe(0);
  const saved = JSON.parse(
    fs.readFileSync(path.join(home.env['XDG_CONFIG_HOME'] as string, 'ecotaxa-access', 'credentials.json'), 'utf8'),
  ) as {
    servers: Record<string, { token: string }>;
  };
  addToken(saved.servers[server.url]?.token as string);
  server.fake.log.length = 0;
});

describe('projects list (table)', () => {
  it("lists exactly Olivia's 32 managed projects with AqQua's right on each", async () => {
    const result = await run(['projects', 'list']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('32 projects. AqQua <aqqua@geomar.de> has a right on 6.\n');
    const lines = result.stdout.trimEnd().split('\n');
    expect(cells(lines[0] as string)).toEqual([
      'ID',
      'TITLE',
      'INSTRUMENT',
      'STATUS',
      'ACCESS',
      'MY RIGHT',
      'CONTACT',
      'OBJECTS',
      'AQQUA',
    ]);
    const body = lines.slice(1).map(cells);
    expect(body.map((c) => Number(c[0]))).toEqual(range(1, 32));
    for (const row of body) {
      const projid = Number(row[0]);
      const stored = server.fake.projects.get(projid);
      expect(row).toHaveLength(9);
      expect(row[1]).toBe(stored?.title);
      expect(row[2]).toBe(stored?.instrument);
      expect(row[3]).toBe(stored?.status);
      expect(row[5]).toBe('Manage');
      expect(row[7]).toBe(String(stored?.objcount));
      expect(row[8]).toBe(AQQUA_RIGHTS[projid] ?? '-');
    }
  });

  it('prints the table exactly for a few projects', async () => {
    const result = await run(['projects', 'list', '1', '4-6', '9']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'ID  TITLE                                       INSTRUMENT  STATUS    ACCESS   MY RIGHT  CONTACT       OBJECTS  AQQUA',
        ' 1  Kiel Fjord zooplankton 2019                 Zooscan     Annotate  public   Manage    Olivia Owner    18422  -',
        ' 4  Baltic Sea transect AL557                   UVP5HD      Annotate  private  Manage    Olivia Owner    44102  View',
        ' 5  Gotland Basin deep chlorophyll maximum      UVP5SD      Annotate  public   Manage    Olivia Owner     7850  -',
        ' 6  Eckernförde Bay mesozooplankton             Zooscan     Annotate  private  Manage    Olivia Owner    12930  Annotate',
        ' 9  North Sea herring larvae 2008 (no contact)  Zooscan     Annotate  private  Manage    (none)           2087  -',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('5 projects. AqQua <aqqua@geomar.de> has a right on 2.\n');
  });

  it("--with-user shows that user's rights instead, under their name", async () => {
    const result = await run(['projects', 'list', '--with-user', COLLEAGUE.email]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('32 projects. Carl Colleague <colleague@example.org> has a right on 14.\n');
    const lines = result.stdout.trimEnd().split('\n');
    expect(cells(lines[0] as string).at(-1)).toBe('CARL COLLEAGUE');
    const shown = Object.fromEntries(
      lines
        .slice(1)
        .map(cells)
        .map((c) => [Number(c[0]), c[8]]),
    );
    expect(shown).toEqual(Object.fromEntries(range(1, 32).map((id) => [id, COLLEAGUE_RIGHTS[id] ?? '-'])));
  });

  it('--quiet keeps the table and drops the count', async () => {
    const result = await run(['projects', 'list', '11', '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.trimEnd().split('\n').map(cells)[1]).toEqual([
      '11',
      'Canary Current upwelling',
      'UVP6',
      'Annotate',
      'private',
      'Manage',
      'Olivia Owner',
      '31776',
      'Manage',
    ]);
  });
});

describe('projects list --json', () => {
  it('gives one object per managed project, with my right, the contact and the user right', async () => {
    const rows = await list([]);
    expect(ids(rows)).toEqual(range(1, 32));
    for (const row of rows) {
      for (const key of ['projid', 'title', 'instrument', 'status', 'myRight', 'contact', 'userRight'])
        expect(row).toHaveProperty(key);
      expect(row.myRight).toBe('Manage');
      expect(row.userRight).toBe(AQQUA_RIGHTS[row.projid] ?? null);
      expect(row.user).toEqual({ id: 10, name: 'AqQua', email: 'aqqua@geomar.de' });
    }
    expect(rows.find((r) => r.projid === 12)).toEqual({
      projid: 12,
      title: 'Atlantic Meridional Transect AMT28',
      instrument: 'UVP5HD',
      status: 'Annotate',
      access: 'public',
      objcount: 58219,
      myRight: 'Manage',
      contact: { id: 10, name: 'AqQua', email: 'aqqua@geomar.de' },
      user: { id: 10, name: 'AqQua', email: 'aqqua@geomar.de' },
      userRight: 'Manage',
    });
    // No contact, and an inactive contact (read as null by EcoTaxa).
    expect(rows.find((r) => r.projid === 9)?.contact).toBeNull();
    expect(rows.find((r) => r.projid === 10)?.contact).toBeNull();
    expect(rows.find((r) => r.projid === 8)?.contact).toEqual({
      id: 11,
      name: 'Carl Colleague',
      email: 'colleague@example.org',
    });
  });

  it('--all-rights adds the projects where Olivia is viewer or annotator, never the others', async () => {
    const rows = await list(['--all-rights']);
    expect(ids(rows)).toEqual(range(1, 34));
    expect(rows.find((r) => r.projid === 33)?.myRight).toBe('View');
    expect(rows.find((r) => r.projid === 34)?.myRight).toBe('Annotate');
  });

  it('ids and ranges narrow the list, and only to projects Olivia manages', async () => {
    expect(ids(await list(['1', '4-6']))).toEqual([1, 4, 5, 6]);
    expect(ids(await list(['30-36', '--all-rights']))).toEqual([30, 31, 32, 33, 34]);
  });

  it('says why ids asked for are not listed: a hint for those not managed, an error (exit 1) for those not found', async () => {
    const range = await run(['projects', 'list', '30-36', '--json']);
    expect(range.code).toBe(0);
    expect(ids(JSON.parse(range.stdout) as Row[])).toEqual([30, 31, 32]);
    expect(range.stderr).toBe('33-34: not projects you manage: --all-rights lists those you have a right on\n');

    const named = await run(['projects', 'list', '1', '33', '999', '998', '--json']);
    expect(named.code).toBe(1);
    expect(ids(JSON.parse(named.stdout) as Row[])).toEqual([1]);
    expect(named.stderr).toBe(
      [
        '33: not a project you manage: --all-rights lists those you have a right on',
        'error: 998-999: not found, or you have no right on them',
        '',
      ].join('\n'),
    );
  });

  it('--title and --instrument filter', async () => {
    expect(ids(await list(['--title', 'Kiel']))).toEqual([1, 2, 10, 16, 30, 31]);
    expect(ids(await list(['--title', 'kiel bight']))).toEqual([30, 31]);
    expect(ids(await list(['--instrument', 'IFCB']))).toEqual([16, 17, 18]);
    expect(ids(await list(['--instrument', 'UVP5']))).toEqual([4, 5, 12, 14, 20]);
    expect(ids(await list(['--title', 'Kiel', '--instrument', 'IFCB']))).toEqual([16]);
    // Filters apply to ids given on the command line too.
    expect(ids(await list(['1-20', '--instrument', 'IFCB']))).toEqual([16, 17, 18]);
    expect(ids(await list(['1-20', '--title', 'Kiel']))).toEqual([1, 2, 10, 16]);
    expect(ids(await list(['--title', 'Colleague', '--all-rights']))).toEqual([33, 34]);
  });

  it("--with-user gives that user's rights in userRight and user", async () => {
    const rows = await list(['--with-user', COLLEAGUE.email]);
    expect(ids(rows)).toEqual(range(1, 32));
    for (const row of rows) {
      expect(row.user).toEqual({ id: 11, name: 'Carl Colleague', email: 'colleague@example.org' });
      expect(row.userRight).toBe(COLLEAGUE_RIGHTS[row.projid] ?? null);
    }
    // By id too.
    const byId = await list(['7', '--with-user', '11']);
    expect(byId.map((r) => [r.projid, r.userRight])).toEqual([[7, 'Manage']]);
  });

  it('--with-user that matches several users is refused, naming them', async () => {
    const result = await run(['projects', 'list', '--with-user', '%AqQua%']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: --with-user "%AqQua%" matches 2 users: AqQua <aqqua@geomar.de> (#10), AqQua Archive <aqqua.archive@example.org> (#13); give an id or an exact email\n',
    );
  });

  it('an unknown --with-user is an error, not an empty column', async () => {
    const result = await run(['projects', 'list', '--with-user', 'nobody@example.org']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^error: --with-user "nobody@example.org": no active EcoTaxa user has this email.*\n$/,
    );
  });

  it('the default user that EcoTaxa cannot look up now: listed anyway, the column empty, the reason with its advice', async () => {
    // A Retry-After past the longest wait: the lookup fails at once, as a rate limit.
    server.setFaults((req) =>
      req.path === '/api/users/search' ? { kind: 'rate-limit', retryAfter: '600' } : undefined,
    );
    const result = await run(['projects', 'list', '1', '4']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `warning: EcoTaxa at ${server.url} is rate-limiting GET /users/search?by_name=%aqqua% (it asks to wait 600 s): try again later; the user's right column is left empty\n2 projects.\n`,
    );
    expect(result.stdout.split('\n').map((l) => cells(l)[0])).toEqual(['ID', '1', '4', '']);
  });

  it('reads the member lists from the search: no project is opened one by one', async () => {
    await list([]);
    expect(server.fake.recentlyUsed).toEqual([]);
    expect(server.fake.requests((r) => /^\/projects\/\d+$/.test(r.path))).toBe(0);
  });
});

describe('projects list --csv', () => {
  it('starts with a header row and quotes titles that need it', async () => {
    server.fake.addProject({
      projid: 37,
      title: 'Kiel Fjord, "north" station',
      objcount: 40,
      privileges: [M(OWNER.id, 'C'), M(AQQUA.id)],
    });
    const result = await run(['projects', 'list', '--csv']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      'projid,title,instrument,status,access,objcount,my_right,contact_name,contact_email,user_email,user_right',
    );
    expect(lines).toHaveLength(1 + 33 + 1);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1).map((l) => Number(l.split(',')[0]))).toEqual([...range(1, 32), 37]);
    expect(lines[1]).toBe(
      '1,Kiel Fjord zooplankton 2019,Zooscan,Annotate,public,18422,Manage,Olivia Owner,owner@example.org,aqqua@geomar.de,',
    );
    expect(lines[4]).toBe(
      '4,Baltic Sea transect AL557,UVP5HD,Annotate,private,44102,Manage,Olivia Owner,owner@example.org,aqqua@geomar.de,View',
    );
    expect(lines[9]).toBe(
      '9,North Sea herring larvae 2008 (no contact),Zooscan,Annotate,private,2087,Manage,,,aqqua@geomar.de,',
    );
    expect(lines.at(-2)).toBe(
      '37,"Kiel Fjord, ""north"" station",Zooscan,Annotate,private,40,Manage,Olivia Owner,owner@example.org,aqqua@geomar.de,Manage',
    );
  });

  it('--csv and --json together is a usage error, before any request', async () => {
    const result = await run(['projects', 'list', '--csv', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: --csv and --json cannot be used together: choose one\n');
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'usage',
        type: 'UsageError',
        message: '--csv and --json cannot be used together: choose one',
        exitCode: 1,
      },
    });
    expect(server.fake.log).toEqual([]);
  });
});

describe('an application administrator', () => {
  it('manages nothing, so the list is empty although the server returns every project to them', async () => {
    const token = addToken(server.fake.tokenFor(ADMIN.id));
    const adminEnv = { ...env, ECOTAXA_TOKEN: token };
    expect(await list([], { env: adminEnv })).toEqual([]);
    expect(await list(['--all-rights'], { env: adminEnv })).toEqual([]);
    const byIds = await run(['projects', 'list', '1-36', '--json'], { env: adminEnv });
    expect(byIds).toEqual({
      code: 0,
      stdout: '[]\n',
      stderr:
        '1-36: not projects you manage (an administrator sees every project; only those you manage are listed): --all-rights lists those you have a right on\n',
    });

    // The server did hand the administrator every project: the filter is the tool's.
    const search = server.fake.log.filter((r) => r.path === '/projects/search');
    expect(search.length).toBeGreaterThan(0);
    const answer = await fetch(`${server.url}/projects/search?for_managing=true`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(((await answer.json()) as unknown[]).length).toBe(36);

    const table = await run(['projects', 'list'], { env: adminEnv });
    expect(table.code).toBe(0);
    expect(table.stdout).toBe('ID  TITLE  INSTRUMENT  STATUS  ACCESS  MY RIGHT  CONTACT  OBJECTS  AQQUA\n');
    expect(table.stderr).toBe('0 projects. AqQua <aqqua@geomar.de> has a right on 0.\n');
  });

  it('an administrator who also manages a project sees only that one', async () => {
    server.fake.addProject({ projid: 40, title: 'Admin test project', privileges: [M(ADMIN.id, 'C')] });
    const token = addToken(server.fake.tokenFor(ADMIN.id));
    expect(ids(await list([], { env: { ...env, ECOTAXA_TOKEN: token } }))).toEqual([40]);
  });
});

describe('secrets and streams', () => {
  it('--verbose logs each request on stderr and keeps stdout pure JSON', async () => {
    const result = await run(['projects', 'list', '--json', '--verbose']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as unknown[]).length).toBe(32);
    expect(result.stderr).toContain('GET /users/me -> 200');
    expect(result.stderr).toMatch(/GET \/projects\/search\?for_managing=true&.*order_field=projid.* -> 200/);
  });
});

// Last in the file: vitest runs a file's tests in order.
describe('no secret in any output of this file', () => {
  it('no password, token or token signature appeared on stdout or stderr', () => {
    expect(outputs.length).toBeGreaterThan(0);
    expect(leaks(outputs, secrets)).toEqual([]);
  });
});
