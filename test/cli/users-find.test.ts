import { beforeEach, describe, expect, it } from 'vitest';
import { type CliResult, leaks, type RunOptions } from '../support/cli.js';
import { AQQUA, AQQUA_ARCHIVE, member, OWNER } from '../support/people.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * users find QUERY: by id, exact email, exact name, or a name pattern with %.
 * EcoTaxa searches by name only; the email must still match exactly.
 */

const GEOMAR = 'GEOMAR Helmholtz Centre for Ocean Research Kiel';
const AQQUA_ROW = { ...member(AQQUA), active: true };
const ARCHIVE_ROW = { ...member(AQQUA_ARCHIVE), active: true };

const outputs: { argv: string[]; result: CliResult }[] = [];
const secrets = new Set<string>([OWNER.password]);

const { server, env, cli } = useFakeEcoTaxa();

async function run(argv: string[], options: RunOptions = {}): Promise<CliResult> {
  const result = await cli(argv, options);
  outputs.push({ argv, result });
  return result;
}

/** The JSON rows. Finding nobody prints [] and exits 1, the hint on stderr; else exit 0, stderr empty. */
async function findJson(query: string): Promise<unknown> {
  const result = await run(['users', 'find', query, '--json']);
  const rows = JSON.parse(result.stdout) as unknown[];
  expect({ code: result.code, stderr: result.stderr }).toEqual(
    rows.length === 0
      ? {
          code: 1,
          stderr: `No active user matches "${query}" (names match exactly unless you use %, e.g. '%${query}%').\n`,
        }
      : { code: 0, stderr: '' },
  );
  return rows;
}

beforeEach(() => {
  const token = env['ECOTAXA_TOKEN'] as string;
  secrets.add(token);
  secrets.add(token.split('.').at(-1) as string);
});

describe('users find', () => {
  it('finds the AqQua account by its exact email (table)', async () => {
    const result = await run(['users', 'find', 'aqqua@geomar.de']);
    expect(result).toEqual({
      code: 0,
      stdout: `ID  NAME   EMAIL            ORGANISATION\n10  AqQua  aqqua@geomar.de  ${GEOMAR}\n`,
      stderr: '',
    });
  });

  it('finds it by email as JSON: an array of {id, email, name, organisation}', async () => {
    expect(await findJson('aqqua@geomar.de')).toEqual([AQQUA_ROW]);
    // Email case does not matter; the account with a similar name is not returned.
    expect(await findJson('AQQUA@GEOMAR.DE')).toEqual([AQQUA_ROW]);
    expect(await findJson('aqqua.archive@example.org')).toEqual([ARCHIVE_ROW]);
    expect(await findJson('colleague@example.org')).toEqual([
      {
        id: 11,
        email: 'colleague@example.org',
        name: 'Carl Colleague',
        organisation: 'Alfred Wegener Institute - AWI',
        active: true,
      },
    ]);
  });

  it('finds by id', async () => {
    expect(await findJson('10')).toEqual([AQQUA_ROW]);
    const table = await run(['users', 'find', '10']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(`ID  NAME   EMAIL            ORGANISATION\n10  AqQua  aqqua@geomar.de  ${GEOMAR}\n`);
    expect(await findJson('999')).toEqual([]);
  });

  it('an exact name finds that user only, not others whose names start alike', async () => {
    expect(await findJson('AqQua')).toEqual([AQQUA_ROW]);
    expect(await findJson('aqqua')).toEqual([AQQUA_ROW]);
  });

  it('a % pattern finds every matching name', async () => {
    expect(await findJson('%AqQua%')).toEqual([AQQUA_ROW, ARCHIVE_ROW]);
    const table = await run(['users', 'find', '%AqQua%']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(
      [
        'ID  NAME           EMAIL                      ORGANISATION',
        `10  AqQua          aqqua@geomar.de            ${GEOMAR}`,
        `13  AqQua Archive  aqqua.archive@example.org  ${GEOMAR}`,
        '',
      ].join('\n'),
    );
  });

  it('an unknown email: an empty JSON array, exit 1', async () => {
    expect(await findJson('nobody@example.org')).toEqual([]);
  });

  it('an unknown email in text mode: nothing on stdout, a note on stderr, exit 1', async () => {
    const result = await run(['users', 'find', 'nobody@example.org']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^No active user matches "nobody@example.org".*\n$/);
  });

  it('an inactive account is not found by its email', async () => {
    expect(await findJson('ina.inactive@example.org')).toEqual([]);
  });

  it('an inactive account found by id is marked inactive', async () => {
    expect(await findJson('14')).toEqual([
      { id: 14, email: 'ina.inactive@example.org', name: 'Ina Inactive', organisation: GEOMAR, active: false },
    ]);
    const table = await run(['users', 'find', '14']);
    expect(table.stdout).toContain('Ina Inactive (inactive)');
  });

  it('an empty query is a usage error, before any request', async () => {
    const result = await run(['users', 'find', '  ']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: argument 1 of `users find` is blank ("  "): give a value or leave it out (an unset variable in a script?); nothing was read or sent\n',
    );
    expect(server.fake.log).toEqual([]);
  });

  it('checks the token before searching, and --verbose shows the requests on stderr only', async () => {
    const result = await run(['users', 'find', 'aqqua@geomar.de', '--json', '--verbose']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([AQQUA_ROW]);
    const requests = result.stderr.trimEnd().split('\n');
    expect(requests[0]).toMatch(/^GET \/users\/me -> 200 \(\d+ ms\)$/);
    expect(requests.slice(1).every((l) => /^GET \/users\/search\?by_name=\S+ -> 200 \(\d+ ms\)$/.test(l))).toBe(true);
    expect(server.fake.log[0]).toMatchObject({ method: 'GET', path: '/users/me', status: 200 });
  });
});

// Last in the file: vitest runs a file's tests in order.
describe('no secret in any output of this file', () => {
  it('no token or token signature appeared on stdout or stderr', () => {
    expect(outputs.length).toBeGreaterThan(0);
    expect(leaks(outputs, secrets)).toEqual([]);
  });
});
