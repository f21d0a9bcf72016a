import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { IDS_PER_LIST_CALL, SEARCH_PAGE_SIZE } from '../../src/api/client.js';
import { NotEcoTaxaError, PermissionDeniedError, SchemaError, ValidationError } from '../../src/api/errors.js';
import type { Project } from '../../src/api/schemas.js';
import { caught } from '../support/caught.js';
import { ME_BODY, projectBody } from '../support/ecotaxa-answers.js';
import { api, BASE_URL, JSON_TYPE, makeClient, range, TOKEN, useNock } from '../support/nock-ecotaxa.js';
import { AQQUA, AQQUA_ARCHIVE, INACTIVE, member, OWNER } from '../support/people.js';

useNock();

describe('request headers', () => {
  it('sends the token as a Bearer Authorization header and a User-Agent naming the tool', async () => {
    const { client } = makeClient();
    api()
      .get('/api/users/me')
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .matchHeader('user-agent', /^ecotaxa-access\//)
      .matchHeader('accept', /application\/json/)
      .reply(200, ME_BODY, JSON_TYPE);
    const me = await client.me();
    expect(me.id).toBe(9);
    expect(nock.isDone()).toBe(true);
  });

  it('sends no Authorization header when the client has no token', async () => {
    const { client } = makeClient({ token: undefined });
    api().post('/api/login').matchHeader('user-agent', 'ecotaxa-access/test').reply(200, '"fresh-token"', JSON_TYPE);
    // badheaders: the interceptor does not match if the header is present.
    const scope = nock(BASE_URL.replace('/api', ''), { badheaders: ['authorization'] })
      .get('/api/users/search')
      .query({ by_name: 'AqQua' })
      .reply(200, [member(AQQUA)], JSON_TYPE);
    expect(await client.login('owner@example.org', 'pw')).toBe('fresh-token');
    expect(await client.searchUsers('AqQua')).toEqual([member(AQQUA)]);
    expect(scope.isDone()).toBe(true);
  });
});

describe('login', () => {
  it('POSTs {username, password} to /login and returns the JSON string token', async () => {
    const { client } = makeClient();
    api()
      .post('/api/login', { username: 'owner@example.org', password: 'Owner-pass-2024' })
      .matchHeader('content-type', /application\/json/)
      .reply(200, '"eyJ1c2VyX2lkIjo5fQ.aXYz.c2lnbmF0dXJl"', JSON_TYPE);
    await expect(client.login('owner@example.org', 'Owner-pass-2024')).resolves.toBe(
      'eyJ1c2VyX2lkIjo5fQ.aXYz.c2lnbmF0dXJl',
    );
    expect(nock.isDone()).toBe(true);
  });

  it('wrong password: 403 "You can\'t do this." is a PermissionDeniedError, not retried', async () => {
    const { client, sleeps } = makeClient();
    api().post('/api/login').reply(403, { detail: "You can't do this." }, JSON_TYPE);
    const err = await caught(() => client.login('owner@example.org', 'wrong'));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as PermissionDeniedError).ecotaxaMessage).toBe("You can't do this.");
    expect(err.message).toBe("EcoTaxa refused POST /login: you are not allowed to do this (403 You can't do this.)");
    expect(sleeps).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });

  it('missing password: 422 list detail is a ValidationError naming the field', async () => {
    const { client } = makeClient();
    api()
      .post('/api/login')
      .reply(
        422,
        { detail: [{ loc: ['body', 'password'], msg: 'field required', type: 'value_error.missing' }] },
        JSON_TYPE,
      );
    const err = await caught(() => client.login('owner@example.org', ''));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain('password: field required');
    expect(err.message).toBe('EcoTaxa refused POST /login: password: field required');
  });

  it('an empty-string token is not accepted as a login answer', async () => {
    const { client } = makeClient();
    api().post('/api/login').reply(200, '""', JSON_TYPE);
    const err = await caught(() => client.login('owner@example.org', 'pw'));
    expect(err).toBeInstanceOf(SchemaError);
  });
});

describe('users', () => {
  it('me() returns the caller with the fields the tool uses and keeps the others', async () => {
    const { client } = makeClient();
    api().get('/api/users/me').reply(200, ME_BODY, JSON_TYPE);
    const me = await client.me();
    expect(me).toEqual(ME_BODY);
    expect(me.can_do).toEqual([1, 4]);
  });

  it('me() on a 404 means the URL is not an EcoTaxa API', async () => {
    const { client } = makeClient();
    api().get('/api/users/me').reply(404, { detail: 'Not Found' }, JSON_TYPE);
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(NotEcoTaxaError);
    expect(err.message).toBe(`${BASE_URL} does not look like an EcoTaxa API (GET /users/me answered 404 Not Found)`);
  });

  it('me() on an HTML 404 page is a NotEcoTaxaError too', async () => {
    const { client } = makeClient();
    api().get('/api/users/me').reply(404, '<!DOCTYPE html><html><body>Not here</body></html>', {
      'content-type': 'text/html; charset=utf-8',
    });
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(NotEcoTaxaError);
    expect(err.message).toContain('does not look like an EcoTaxa API');
    expect(err.message).toContain('404 with an HTML page');
  });

  it('searchUsers sends by_name and returns the MinUser list (transcript [14])', async () => {
    const { client } = makeClient();
    const archive = member(AQQUA_ARCHIVE);
    api()
      .get('/api/users/search')
      .query({ by_name: '%AqQua%' })
      .reply(200, [member(AQQUA), archive], JSON_TYPE);
    await expect(client.searchUsers('%AqQua%')).resolves.toEqual([member(AQQUA), archive]);
    expect(nock.isDone()).toBe(true);
  });

  it('searchUsers with no match returns []', async () => {
    const { client } = makeClient();
    api().get('/api/users/search').query({ by_name: 'AqQ' }).reply(200, [], JSON_TYPE);
    await expect(client.searchUsers('AqQ')).resolves.toEqual([]);
  });

  it('getUser returns the user, inactive ones too (transcripts [19], [20])', async () => {
    const { client } = makeClient();
    const inactive = member(INACTIVE);
    api().get('/api/users/10').reply(200, member(AQQUA), JSON_TYPE);
    api().get('/api/users/14').reply(200, inactive, JSON_TYPE);
    await expect(client.getUser(10)).resolves.toEqual(member(AQQUA));
    await expect(client.getUser(14)).resolves.toEqual(inactive);
  });

  it('getUser on 404 {"detail":"User not found"} returns undefined', async () => {
    const { client, sleeps } = makeClient();
    api().get('/api/users/99999').reply(404, { detail: 'User not found' }, JSON_TYPE);
    await expect(client.getUser(99999)).resolves.toBeUndefined();
    expect(sleeps).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });

  it('getUser on 403 still throws (only 404 means "no such user")', async () => {
    const { client } = makeClient();
    api().get('/api/users/10').reply(403, { detail: "You can't do this." }, JSON_TYPE);
    await expect(client.getUser(10)).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});

describe('searchProjects paging', () => {
  function searchQuery(start: number, extra: Record<string, string> = {}, forManaging = 'true') {
    return {
      for_managing: forManaging,
      ...extra,
      order_field: 'projid',
      window_start: String(start),
      window_size: String(SEARCH_PAGE_SIZE),
    };
  }

  it('uses pages of 100', () => {
    expect(SEARCH_PAGE_SIZE).toBe(100);
  });

  it('250 projects: 3 requests with window_start 0/100/200, ordered by projid', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects/search')
      .query(searchQuery(0))
      .reply(
        200,
        range(1, 100).map((id) => projectBody(id)),
        JSON_TYPE,
      );
    api()
      .get('/api/projects/search')
      .query(searchQuery(100))
      .reply(
        200,
        range(101, 200).map((id) => projectBody(id)),
        JSON_TYPE,
      );
    api()
      .get('/api/projects/search')
      .query(searchQuery(200))
      .reply(
        200,
        range(201, 250).map((id) => projectBody(id)),
        JSON_TYPE,
      );
    const progress: number[] = [];
    const projects = await client.searchProjects({ forManaging: true }, (n) => progress.push(n));
    expect(projects.map((p) => p.projid)).toEqual(range(1, 250));
    expect(progress).toEqual([100, 200, 250]);
    expect(nock.isDone()).toBe(true);
  });

  it('for_managing=false is sent as asked', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects/search')
      .query(searchQuery(0, {}, 'false'))
      .reply(200, [projectBody(36)], JSON_TYPE);
    const projects = await client.searchProjects({ forManaging: false });
    expect(projects.map((p) => p.projid)).toEqual([36]);
    expect(nock.isDone()).toBe(true);
  });

  it('title_filter and instrument_filter are sent when given', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects/search')
      .query(searchQuery(0, { title_filter: 'Kiel', instrument_filter: 'Zooscan' }))
      .reply(
        200,
        [projectBody(1, { title: 'Kiel Fjord 2019' }), projectBody(2, { title: 'Kiel Fjord 2020' })],
        JSON_TYPE,
      );
    const projects = await client.searchProjects({ forManaging: true, title: 'Kiel', instrument: 'Zooscan' });
    expect(projects.map((p) => p.projid)).toEqual([1, 2]);
    expect(nock.isDone()).toBe(true);
  });

  it('no filter parameters at all when none is given (exact query match)', async () => {
    const { client } = makeClient();
    let seenQuery: Record<string, unknown> | undefined;
    api()
      .get('/api/projects/search')
      .query((q) => {
        seenQuery = q;
        return true;
      })
      .reply(200, [], JSON_TYPE);
    await client.searchProjects({ forManaging: true });
    expect(seenQuery).toEqual({
      for_managing: 'true',
      order_field: 'projid',
      window_start: '0',
      window_size: '100',
    });
  });

  it('exactly 200 projects: a third, empty page is requested', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects/search')
      .query(searchQuery(0))
      .reply(
        200,
        range(1, 100).map((id) => projectBody(id)),
        JSON_TYPE,
      );
    api()
      .get('/api/projects/search')
      .query(searchQuery(100))
      .reply(
        200,
        range(101, 200).map((id) => projectBody(id)),
        JSON_TYPE,
      );
    const third = api().get('/api/projects/search').query(searchQuery(200)).reply(200, [], JSON_TYPE);
    const projects = await client.searchProjects({ forManaging: true });
    expect(projects).toHaveLength(200);
    expect(third.isDone()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });
});

describe('getProjects', () => {
  it('sends sorted, deduplicated ids comma-separated in project_ids', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects')
      .query({ project_ids: '1,2,3' })
      .reply(200, [projectBody(1), projectBody(2), projectBody(3)], JSON_TYPE);
    const projects = await client.getProjects([3, 1, 2, 3, 1]);
    expect(projects.map((p) => p.projid)).toEqual([1, 2, 3]);
    expect(nock.isDone()).toBe(true);
  });

  it('ids that do not exist or are not visible are simply absent (transcript [40])', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects')
      .query({ project_ids: '1,35,36,99999' })
      .reply(200, [projectBody(1)], JSON_TYPE);
    const projects = await client.getProjects([99999, 36, 35, 1]);
    expect(projects.map((p) => p.projid)).toEqual([1]);
  });

  it('450 ids: 3 requests of at most 200 ids each', async () => {
    const { client } = makeClient();
    expect(IDS_PER_LIST_CALL).toBe(200);
    const ids = range(1, 450);
    // Shuffled and with duplicates: the client sorts and deduplicates before chunking.
    const input = [...ids.filter((id) => id % 2 === 0).reverse(), ...ids.filter((id) => id % 2 === 1), 7, 450, 1];
    const seen: string[][] = [];
    api()
      .get('/api/projects')
      .query(true)
      .times(3)
      .reply(
        200,
        (uri) => {
          const raw = new URL(uri, 'https://x').searchParams.get('project_ids') ?? '';
          const chunk = raw.split(',');
          seen.push(chunk);
          // The server leaves out every id divisible by 10.
          return chunk
            .map(Number)
            .filter((id) => id % 10 !== 0)
            .map((id) => projectBody(id));
        },
        JSON_TYPE,
      );
    const projects = await client.getProjects(input);
    expect(seen.map((c) => c.length)).toEqual([200, 200, 50]);
    expect(seen[0]).toEqual(range(1, 200).map(String));
    expect(seen[1]).toEqual(range(201, 400).map(String));
    expect(seen[2]).toEqual(range(401, 450).map(String));
    expect(projects.map((p) => p.projid)).toEqual(ids.filter((id) => id % 10 !== 0));
    expect(nock.isDone()).toBe(true);
  });

  it('no ids: no request, no projects', async () => {
    const { client } = makeClient();
    const scope = api().get('/api/projects').query(true).reply(200, [], JSON_TYPE);
    await expect(client.getProjects([])).resolves.toEqual([]);
    expect(scope.isDone()).toBe(false);
  });
});

describe('schema passthrough', () => {
  it('keeps unknown fields, nested ones too, on projects and their members', async () => {
    const { client } = makeClient();
    const body = projectBody(4, {
      future_field: 'kept',
      nested_future: { a: [1, { b: null }], c: { d: 'e' } },
      bodc_variables: { total_water_volume: null, subsample_coef: '1/ssm.sub_part', individual_volume: null },
      managers: [{ ...OWNER, orcid: '0000-0002-1825-0097', extra: { since: 2019 } }],
      viewers: [{ ...AQQUA, country: 'Germany' }],
      contact: { ...OWNER, orcid: '0000-0002-1825-0097', extra: { since: 2019 } },
    });
    api().get('/api/projects').query({ project_ids: '4' }).reply(200, [body], JSON_TYPE);
    api().get('/api/projects/4').reply(200, body, JSON_TYPE);
    const [fromList] = await client.getProjects([4]);
    expect(fromList).toEqual(body);
    expect(fromList?.managers[0]).toEqual({ ...OWNER, orcid: '0000-0002-1825-0097', extra: { since: 2019 } });
    expect(fromList?.viewers[0]).toEqual({ ...AQQUA, country: 'Germany' });
    const single = await client.getProject(4);
    expect(single).toEqual(body);
  });

  it('a project read and PUT back sends exactly what was read', async () => {
    const { client } = makeClient();
    const body = projectBody(1, { future_field: { deep: [1, 2, { x: 'y' }] } });
    api().get('/api/projects/1').reply(200, body, JSON_TYPE);
    let sent: unknown;
    api()
      .put('/api/projects/1', (b: unknown) => {
        sent = b;
        return true;
      })
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, 'null', JSON_TYPE);
    const project = await client.getProject(1);
    await client.updateProject(1, project);
    expect(sent).toEqual(body);
    expect(nock.isDone()).toBe(true);
  });

  it('a member id that is a string is a SchemaError naming [0].managers[0].id', async () => {
    const { client } = makeClient();
    const bad = projectBody(1, { managers: [{ ...OWNER, id: '9' }] });
    api().get('/api/projects').query({ project_ids: '1' }).reply(200, [bad], JSON_TYPE);
    const err = await caught(() => client.getProjects([1]));
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toMatch(
      /^EcoTaxa answered GET \/projects\?project_ids=1 with data this tool does not understand: \[0\]\.managers\[0\]\.id: /,
    );
    expect(err.message).not.toContain('\n');
  });

  it('a SchemaError from a single project names the field without an index', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects/1')
      .reply(200, projectBody(1, { viewers: null }), JSON_TYPE);
    const err = await caught(() => client.getProject(1));
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toContain('with data this tool does not understand: viewers: ');
  });
});

describe('updateProject', () => {
  it('PUTs the model to /projects/{id}; a 200 null answer is success', async () => {
    const { client } = makeClient();
    const model = projectBody(1, { viewers: [member(AQQUA)] }) as Project;
    let sent: unknown;
    api()
      .put('/api/projects/1', (b: unknown) => {
        sent = b;
        return true;
      })
      .matchHeader('content-type', /application\/json/)
      .reply(200, 'null', JSON_TYPE);
    await expect(client.updateProject(1, model)).resolves.toBeUndefined();
    expect(sent).toEqual(model);
    expect(nock.isDone()).toBe(true);
  });

  it('throws before any request when the body projid differs from the path id', async () => {
    const { client } = makeClient();
    const scope = api().put(/.*/).reply(200, 'null', JSON_TYPE);
    const err = await caught(() => client.updateProject(24, projectBody(26) as Project));
    expect(err.message).toBe('internal error: PUT /projects/24 with the body of project 26');
    expect(scope.isDone()).toBe(false);
  });
});
