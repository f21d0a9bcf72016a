import { describe, expect, it } from 'vitest';
import { MAX_LISTED_PROJECTS } from '../../src/api/answer-checks.js';
import { IncompleteListingError, UnexpectedAnswerError } from '../../src/api/errors.js';
import { caught } from '../support/caught.js';
import { projectBody } from '../support/ecotaxa-answers.js';
import { api, BASE_URL, JSON_TYPE, makeClient, range, useNock } from '../support/nock-ecotaxa.js';

/*
 * A careless or lying server: every project of an answer must be one that was asked for (by
 * id, or by the search's own filters), and a paged listing must be one that can be complete.
 * Anything else is an error, never retried (it would answer the same), with one line that
 * says what, why and what to do.
 */

useNock();

function searchQuery(start: number, extra: Record<string, string> = {}): Record<string, string> {
  return { for_managing: 'true', ...extra, order_field: 'projid', window_start: String(start), window_size: '100' };
}

describe('a read by id answered with other projects', () => {
  it.each([
    { what: 'another project', asked: [5], answer: [6], says: 'with project 6, which was not asked for' },
    { what: 'one more', asked: [5], answer: [5, 6], says: 'with project 6, which was not asked for' },
    { what: 'one twice', asked: [5, 7], answer: [5, 5], says: 'with project 5 twice' },
  ])('$what: an error, sent once', async ({ asked, answer, says }) => {
    const { client } = makeClient();
    const scope = api()
      .get('/api/projects')
      .query({ project_ids: asked.join(',') })
      .times(5)
      .reply(
        200,
        answer.map((id) => projectBody(id)),
        JSON_TYPE,
      );
    const err = await caught(() => client.getProjects(asked));
    expect(err).toBeInstanceOf(UnexpectedAnswerError);
    expect(err.message).toBe(`EcoTaxa at ${BASE_URL} answered GET /projects?project_ids=${asked.join(',')} ${says}`);
    expect((err as UnexpectedAnswerError).code).toBe('inconsistent');
    // Not a passing failure: asking again would be answered the same.
    expect(scope.pendingMocks()).toHaveLength(1);
    expect((err as UnexpectedAnswerError).transient).toBe(false);
  });

  it('GET /projects/{id} answered with another project', async () => {
    const { client } = makeClient();
    api().get('/api/projects/5').reply(200, projectBody(6), JSON_TYPE);
    const err = await caught(() => client.getProject(5));
    expect(err.message).toBe(`EcoTaxa at ${BASE_URL} answered GET /projects/5 with project 6, which was not asked for`);
  });

  it('control: the projects asked for, in any order and with some missing, are fine', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects')
      .query({ project_ids: '5,6,7' })
      .reply(200, [projectBody(7), projectBody(5)], JSON_TYPE);
    expect((await client.getProjects([7, 6, 5])).map((p) => p.projid)).toEqual([5, 7]);
  });
});

describe('a search answered with projects that do not match its filters', () => {
  it.each<{
    search: { title?: string; instrument?: string };
    query: Record<string, string>;
    answer: Record<string, unknown>[];
    says: string;
  }>([
    {
      search: { title: 'Kiel' },
      query: { title_filter: 'Kiel' },
      answer: [projectBody(1, { title: 'Kiel Fjord' }), projectBody(2, { title: 'North Sea' })],
      says: 'project 2, which does not match title_filter "Kiel"',
    },
    {
      search: { instrument: 'UVP' },
      query: { instrument_filter: 'UVP' },
      answer: [projectBody(3, { instrument: 'Zooscan' })],
      says: 'project 3, which does not match instrument_filter "UVP"',
    },
  ])('$says', async ({ search, query, answer, says }) => {
    const { client } = makeClient();
    api().get('/api/projects/search').query(searchQuery(0, query)).reply(200, answer, JSON_TYPE);
    const err = await caught(() => client.searchProjects({ forManaging: true, ...search }));
    expect(err).toBeInstanceOf(UnexpectedAnswerError);
    expect(err.message).toContain(`answered GET /projects/search?for_managing=true&${Object.keys(query)[0]}=`);
    expect(err.message.endsWith(`with ${says}`), err.message).toBe(true);
  });

  it("control: EcoTaxa's own matches pass (any case, an id ending with the text, wildcards)", async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects/search')
      .query(searchQuery(0, { title_filter: 'ki_l' }))
      .reply(200, [projectBody(1, { title: 'KIEL fjord' }), projectBody(2, { title: 'bay of kiel' })], JSON_TYPE);
    api()
      .get('/api/projects/search')
      .query(searchQuery(0, { title_filter: '12' }))
      .reply(200, [projectBody(112, { title: 'Anything' })], JSON_TYPE);
    expect((await client.searchProjects({ forManaging: true, title: 'ki_l' })).map((p) => p.projid)).toEqual([1, 2]);
    expect((await client.searchProjects({ forManaging: true, title: '12' })).map((p) => p.projid)).toEqual([112]);
  });
});

describe('a listing that cannot be complete', () => {
  it('a server that ignores window_start: page 2 repeats page 1', async () => {
    const { client } = makeClient();
    const scope = api()
      .get('/api/projects/search')
      .query(true)
      .times(10)
      .reply(
        200,
        range(1, 100).map((id) => projectBody(id)),
        JSON_TYPE,
      );
    const err = await caught(() => client.searchProjects({ forManaging: true }));
    expect(err).toBeInstanceOf(IncompleteListingError);
    expect(err.message).toBe(
      `the project listing from EcoTaxa at ${BASE_URL} is incomplete: page 2 lists project 1 a second time (does the server ignore window_start?) (GET /projects/search?for_managing=true&order_field=projid&window_start=100&window_size=100)`,
    );
    expect((err as IncompleteListingError).code).toBe('inconsistent');
    // Two pages asked, not retried.
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('ids out of order although asked in order of id', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects/search')
      .query(searchQuery(0))
      .reply(
        200,
        [3, 1, 2].map((id) => projectBody(id)),
        JSON_TYPE,
      );
    const err = await caught(() => client.searchProjects({ forManaging: true }));
    expect(err.message).toContain(
      'is incomplete: project 1 comes after project 3, although the listing was asked in order of id (GET /projects/search?',
    );
  });

  it('a page larger than asked', async () => {
    const { client } = makeClient();
    api()
      .get('/api/projects/search')
      .query(searchQuery(0))
      .reply(
        200,
        range(1, 150).map((id) => projectBody(id)),
        JSON_TYPE,
      );
    const err = await caught(() => client.searchProjects({ forManaging: true }));
    expect(err.message).toContain('is incomplete: page 1 holds 150 projects where 100 were asked for (GET');
  });

  it('a server that never stops: full pages of new projects, up to the bound and not one page more', async () => {
    const { client } = makeClient({ maxListedProjects: 250 });
    const starts: number[] = [];
    api()
      .get('/api/projects/search')
      .query(true)
      .times(10)
      .reply(
        200,
        (uri) => {
          const start = Number(new URL(uri, BASE_URL).searchParams.get('window_start'));
          starts.push(start);
          return range(start + 1, start + 100).map((id) => projectBody(id));
        },
        JSON_TYPE,
      );
    const err = await caught(() => client.searchProjects({ forManaging: true }));
    expect(err).toBeInstanceOf(IncompleteListingError);
    expect(err.message).toContain(
      'is incomplete: it goes past 250 projects, the most one listing may hold (EcoTaxa gives no total, and no owner has that many) (GET /projects/search?for_managing=true&order_field=projid&window_start=200&window_size=100)',
    );
    expect(starts).toEqual([0, 100, 200]);
  });

  it('the bound is 100,000 projects: a thousand pages', () => {
    expect(MAX_LISTED_PROJECTS).toBe(100_000);
  });

  it('control: a listing of exactly the bound, then an empty page, is complete', async () => {
    const { client } = makeClient({ maxListedProjects: 200 });
    api()
      .get('/api/projects/search')
      .query(true)
      .times(3)
      .reply(
        200,
        (uri) => {
          const start = Number(new URL(uri, BASE_URL).searchParams.get('window_start'));
          return start >= 200 ? [] : range(start + 1, start + 100).map((id) => projectBody(id));
        },
        JSON_TYPE,
      );
    expect(await client.searchProjects({ forManaging: true })).toHaveLength(200);
  });
});
