import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotEcoTaxaError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ConflictError,
  TimeoutError,
  ValidationError,
} from '../../src/api/errors.js';
import type { Project } from '../../src/api/schemas.js';
import { caught, messageAndBody } from '../support/caught.js';
import { ME_BODY, projectBody, proxyPage, TRACEBACK_42, TRACEBACK_61 } from '../support/ecotaxa-answers.js';
import {
  api,
  BASE_URL,
  HTML_TYPE,
  JSON_TYPE,
  makeClient,
  netError,
  TEXT_TYPE,
  TOKEN,
  useNock,
} from '../support/nock-ecotaxa.js';

useNock();

const UNAUTHORIZED = { detail: 'Could not validate credentials' };
const BEARER = { ...JSON_TYPE, 'www-authenticate': 'Bearer' };

describe('authentication and permission errors', () => {
  it('401 "Could not validate credentials" is an AuthenticationError telling to log in, not retried', async () => {
    const { client, sleeps } = makeClient();
    api().get('/api/users/me').reply(401, UNAUTHORIZED, BEARER);
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe(`EcoTaxa at ${BASE_URL} rejected your token (invalid or expired)`);
    expect((err as ApiError).code).toBe('unauthorized');
    expect((err as ApiError).status).toBe(401);
    expect(sleeps).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });

  it('401 on a PUT is an AuthenticationError too', async () => {
    const { client } = makeClient();
    api().put('/api/projects/3').reply(401, UNAUTHORIZED, BEARER);
    const err = await caught(() => client.updateProject(3, projectBody(3) as Project));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect([(err as ApiError).code, (err as ApiError).delivery]).toEqual(['unauthorized', 'none']);
  });

  it('403 "Not authenticated" says the user is not logged in', async () => {
    const { client } = makeClient();
    api().get('/api/users/me').reply(403, { detail: 'Not authenticated' }, JSON_TYPE);
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err.message).toBe(`EcoTaxa at ${BASE_URL} says you are not logged in`);
    expect((err as PermissionDeniedError).notAuthenticated).toBe(true);
  });

  it('403 "You can\'t do this." says the request was refused', async () => {
    const { client, sleeps } = makeClient();
    api().get('/api/projects/35').reply(403, { detail: "You can't do this." }, JSON_TYPE);
    const err = await caught(() => client.getProject(35));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err.message).toBe(
      "EcoTaxa refused GET /projects/35: you are not allowed to do this (403 You can't do this.)",
    );
    expect(sleeps).toEqual([]);
  });

  it('404 {"detail":"Not found."} on a project is a NotFoundError', async () => {
    const { client } = makeClient();
    api().get('/api/projects/99999').reply(404, { detail: 'Not found.' }, JSON_TYPE);
    const err = await caught(() => client.getProject(99999));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe('EcoTaxa has no /projects/99999 (404 Not found.)');
  });
});

describe('422 validation errors', () => {
  it("detail as a plain string carries EcoTaxa's own message (transcript [72])", async () => {
    const { client, sleeps } = makeClient();
    api().put('/api/projects/3').reply(422, { detail: 'A valid Contact is needed.' }, JSON_TYPE);
    const err = await caught(() => client.updateProject(3, projectBody(3, { contact: null }) as Project));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).ecotaxaMessage).toBe('A valid Contact is needed.');
    expect(err.message).toBe('EcoTaxa refused PUT /projects/3: A valid Contact is needed.');
    expect(sleeps).toEqual([]);
  });

  it('detail as a list of strings carries every message', async () => {
    const { client } = makeClient();
    api()
      .put('/api/projects/3')
      .reply(
        422,
        {
          detail: [
            'Could not set Contact, the designated user is not in Managers list.',
            'A valid Instrument is needed.',
          ],
        },
        JSON_TYPE,
      );
    const err = await caught(() => client.updateProject(3, projectBody(3) as Project));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain('Could not set Contact, the designated user is not in Managers list.');
    expect(err.message).toContain('A valid Instrument is needed.');
    expect(err.message).not.toContain('\n');
  });

  it('FastAPI list detail (transcript [78]) names each field without "body"', async () => {
    const { client } = makeClient();
    api()
      .put('/api/projects/3')
      .reply(
        422,
        {
          detail: [
            { loc: ['body', 'viewers', 0, 'email'], msg: 'field required', type: 'value_error.missing' },
            { loc: ['body', 'viewers', 0, 'name'], msg: 'field required', type: 'value_error.missing' },
          ],
        },
        JSON_TYPE,
      );
    const err = await caught(() => client.updateProject(3, projectBody(3) as Project));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).ecotaxaMessage).toBe(
      'viewers.0.email: field required; viewers.0.name: field required',
    );
  });
});

describe('500 tracebacks', () => {
  it('a duplicate key on "IS_ProjectsPriv" is a write conflict: nothing committed, worth another read and write', async () => {
    // Transcripts [61] (a user in two lists) and [89] (two writers at once) give the same
    // traceback. This tool never sends a user twice (unsafeUpdateProblems), so for it the
    // answer means a conflict; the apply engine retries a conflict at most three times.
    const { client } = makeClient();
    api().put('/api/projects/4').reply(500, TRACEBACK_61, TEXT_TYPE);
    const err = await caught(() => client.updateProject(4, projectBody(4) as Project));
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).status).toBe(500);
    expect((err as ConflictError).transient).toBe(true);
    expect((err as ConflictError).delivery).toBe('none');
    expect(err.message).toBe(
      'EcoTaxa refused PUT /projects/4: the project was changed by someone else at the same time (a write conflict)',
    );
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain('BACK-END');
    expect(err.message).not.toContain('[SQL:');
    expect(err.body).toContain('----------- BACK-END -------------');
    expect(err.body).toContain('Key (projid, member)=(4, 10) already exists.');
  });

  it('a ValueError traceback (transcript [42]) keeps the exception line', async () => {
    const { client } = makeClient({
      retry: { maxRetries: 0, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 },
    });
    api().get('/api/projects').query(true).reply(500, TRACEBACK_42, TEXT_TYPE);
    const err = await caught(() => client.getProjects([1]));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toContain("(500: ValueError: invalid literal for int() with base 10: '1;2')");
    expect(err.body).toContain('Traceback (most recent call last):');
  });
});

describe('proxy errors and retries', () => {
  for (const [status, phrase] of [
    [502, 'Bad Gateway'],
    [503, 'Service Unavailable'],
    [504, 'Gateway Timeout'],
  ] as const) {
    it(`${status} HTML from a proxy: a read is tried 5 times, then a ServerError "unavailable ... from a proxy"`, async () => {
      const { client, sleeps } = makeClient();
      api().get('/api/users/me').times(5).reply(status, proxyPage(status, phrase), HTML_TYPE);
      const err = await caught(() => client.me());
      expect(err).toBeInstanceOf(ServerError);
      expect(err.message).toBe(
        `EcoTaxa at ${BASE_URL} is unavailable: GET /users/me answered ${status} ${phrase} from a proxy`,
      );
      expect(sleeps).toHaveLength(4);
      expect(nock.isDone()).toBe(true);
    });
  }

  it('the retries wait longer each time', async () => {
    const { client, sleeps } = makeClient();
    api().get('/api/users/me').times(5).reply(502, proxyPage(502, 'Bad Gateway'), HTML_TYPE);
    await expect(client.me()).rejects.toBeInstanceOf(ServerError);
    expect(sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  it('no sixth attempt is made', async () => {
    const { client } = makeClient();
    const scope = api().get('/api/users/me').times(6).reply(503, proxyPage(503, 'Service Unavailable'), HTML_TYPE);
    await expect(client.me()).rejects.toBeInstanceOf(ServerError);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('a read that fails twice with 503 then succeeds returns the data after 2 growing delays', async () => {
    const { client, sleeps } = makeClient();
    api().get('/api/users/me').times(2).reply(503, proxyPage(503, 'Service Unavailable'), HTML_TYPE);
    api().get('/api/users/me').reply(200, ME_BODY, JSON_TYPE);
    const me = await client.me();
    expect(me).toEqual(ME_BODY);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
    expect(nock.isDone()).toBe(true);
  });

  it('a PUT is never retried by the client: a 502 fails after exactly one attempt', async () => {
    const { client, sleeps } = makeClient();
    const scope = api().put('/api/projects/1').times(2).reply(502, proxyPage(502, 'Bad Gateway'), HTML_TYPE);
    const err = await caught(() => client.updateProject(1, projectBody(1) as Project));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toContain('PUT /projects/1 answered 502 Bad Gateway from a proxy');
    expect((err as ApiError).transient).toBe(true);
    expect((err as ApiError).delivery).toBe('maybe');
    expect(scope.pendingMocks()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('login (a POST) is not retried either', async () => {
    const { client, sleeps } = makeClient();
    const scope = api().post('/api/login').times(2).reply(503, proxyPage(503, 'Service Unavailable'), HTML_TYPE);
    await expect(client.login('owner@example.org', 'pw')).rejects.toBeInstanceOf(ServerError);
    expect(scope.pendingMocks()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe('429 rate limiting', () => {
  it('Retry-After: 2 is honoured: retried after at least 2000 ms', async () => {
    const { client, sleeps } = makeClient();
    api()
      .get('/api/users/search')
      .query({ by_name: 'AqQua' })
      .reply(429, { detail: 'Too Many Requests' }, { ...JSON_TYPE, 'retry-after': '2' });
    api().get('/api/users/search').query({ by_name: 'AqQua' }).reply(200, [], JSON_TYPE);
    await expect(client.searchUsers('AqQua')).resolves.toEqual([]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]!).toBeGreaterThanOrEqual(2000);
    expect(nock.isDone()).toBe(true);
  });

  it('Retry-After as an HTTP date is honoured', async () => {
    const now = new Date('2026-11-26T20:00:00Z');
    const { client, sleeps } = makeClient({ now: () => now });
    api()
      .get('/api/users/me')
      .reply(429, 'Too Many Requests', { ...TEXT_TYPE, 'retry-after': 'Thu, 26 Nov 2026 20:00:05 GMT' });
    api().get('/api/users/me').reply(200, ME_BODY, JSON_TYPE);
    await client.me();
    expect(sleeps).toEqual([5000]);
  });

  it('Retry-After larger than 60 s is not waited for: RateLimitError at once', async () => {
    const { client, sleeps } = makeClient();
    const scope = api()
      .get('/api/users/me')
      .times(2)
      .reply(429, { detail: 'Too Many Requests' }, { ...JSON_TYPE, 'retry-after': '120' });
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toBe(`EcoTaxa at ${BASE_URL} is rate-limiting GET /users/me (it asks to wait 120 s)`);
    expect(sleeps).toEqual([]);
    expect(scope.pendingMocks()).toHaveLength(1);
  });
});

describe("answers that are not EcoTaxa's", () => {
  it('an HTML 200 page where JSON was expected is a NotEcoTaxaError', async () => {
    const { client, sleeps } = makeClient();
    api()
      .get('/api/users/me')
      .reply(200, '<!DOCTYPE html><html><head><title>Welcome</title></head><body>Hello</body></html>', HTML_TYPE);
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(NotEcoTaxaError);
    expect(err.message).toBe(
      `${BASE_URL} does not look like an EcoTaxa API (GET /users/me answered 200 with an HTML page)`,
    );
    expect(sleeps).toEqual([]);
  });

  it('text/plain 200 (the /status page) is a NotEcoTaxaError naming the content type', async () => {
    const { client } = makeClient();
    api().get('/api/users/me').reply(200, 'UP!', TEXT_TYPE);
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(NotEcoTaxaError);
    expect(err.message).toContain('answered 200 with text/plain)');
  });

  it('malformed JSON with a JSON content type is a NotEcoTaxaError', async () => {
    const { client } = makeClient();
    api().get('/api/users/me').reply(200, '{"id": 9,', JSON_TYPE);
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(NotEcoTaxaError);
    expect(err.message).toContain('200 with malformed JSON');
  });

  it('a 301 redirect is a NotEcoTaxaError mentioning the redirect, and is not followed', async () => {
    const { client, sleeps } = makeClient();
    api().get('/api/users/me').reply(301, '', { location: 'https://elsewhere.example.net/api/users/me' });
    const target = nock('https://elsewhere.example.net').get('/api/users/me').reply(200, ME_BODY, JSON_TYPE);
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(NotEcoTaxaError);
    expect(err.message).toContain('does not look like an EcoTaxa API');
    expect(err.message).toContain('a redirect (301 to https://elsewhere.example.net/api/users/me)');
    expect(target.isDone()).toBe(false);
    expect(sleeps).toEqual([]);
  });
});

describe('network failures', () => {
  it('ECONNRESET on a read is retried, and the read then succeeds', async () => {
    const { client, sleeps } = makeClient();
    api().get('/api/users/me').times(2).replyWithError(netError('ECONNRESET'));
    api().get('/api/users/me').reply(200, ME_BODY, JSON_TYPE);
    await expect(client.me()).resolves.toEqual(ME_BODY);
    expect(sleeps).toEqual([500, 1000]);
    expect(nock.isDone()).toBe(true);
  });

  it('ECONNRESET every time: ConnectionError after 5 attempts', async () => {
    const { client, sleeps } = makeClient();
    api().get('/api/users/me').times(5).replyWithError(netError('ECONNRESET'));
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).networkCode).toBe('ECONNRESET');
    expect((err as ConnectionError).code).toBe('connection');
    expect(err.message).toBe(`cannot reach EcoTaxa at ${BASE_URL}: the connection was reset (GET /users/me)`);
    expect(sleeps).toHaveLength(4);
    expect(nock.isDone()).toBe(true);
  });

  it('ECONNREFUSED fails fast: ConnectionError, not retried', async () => {
    const { client, sleeps } = makeClient();
    const scope = api().get('/api/users/me').times(2).replyWithError(netError('ECONNREFUSED'));
    const err = await caught(() => client.me());
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toBe(
      `cannot reach EcoTaxa at ${BASE_URL}: connection refused (is the server running, and is the URL right?) (GET /users/me)`,
    );
    expect(sleeps).toEqual([]);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('an answer slower than timeoutMs is a TimeoutError naming the URL and the timeout (not retried on PUT)', async () => {
    const { client, sleeps } = makeClient({ timeoutMs: 100 });
    api().put('/api/projects/1').delay(500).reply(200, 'null', JSON_TYPE);
    const err = await caught(() => client.updateProject(1, projectBody(1) as Project));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe(`EcoTaxa at ${BASE_URL} did not answer PUT /projects/1 within 0.1 s`);
    expect((err as ApiError).transient).toBe(true);
    expect((err as ApiError).delivery).toBe('maybe');
    expect(sleeps).toEqual([]);
  });

  it('a read that times out is retried, and succeeds when the server answers in time', async () => {
    const { client, sleeps } = makeClient({ timeoutMs: 100 });
    api().get('/api/users/me').delay(500).reply(200, ME_BODY, JSON_TYPE);
    api().get('/api/users/me').reply(200, ME_BODY, JSON_TYPE);
    await expect(client.me()).resolves.toEqual(ME_BODY);
    expect(sleeps).toEqual([500]);
  });
});

describe('the token never appears in errors', () => {
  it('not in messages nor bodies, whatever the failure', async () => {
    const noRetry = { maxRetries: 0, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };
    const { client } = makeClient({ retry: noRetry });
    const errors: Error[] = [];

    api().get('/api/users/me').reply(401, UNAUTHORIZED, BEARER);
    errors.push(await caught(() => client.me()));
    api().get('/api/projects/35').reply(403, { detail: "You can't do this." }, JSON_TYPE);
    errors.push(await caught(() => client.getProject(35)));
    api().put('/api/projects/4').reply(500, TRACEBACK_61, TEXT_TYPE);
    errors.push(await caught(() => client.updateProject(4, projectBody(4) as Project)));
    api().get('/api/users/me').reply(502, proxyPage(502, 'Bad Gateway'), HTML_TYPE);
    errors.push(await caught(() => client.me()));
    api().get('/api/users/me').reply(200, '<html><body>login page</body></html>', HTML_TYPE);
    errors.push(await caught(() => client.me()));
    api().get('/api/users/me').reply(302, '', { location: 'https://sso.example.org/login' });
    errors.push(await caught(() => client.me()));
    api().get('/api/users/me').replyWithError(netError('ECONNRESET'));
    errors.push(await caught(() => client.me()));
    api().get('/api/users/me').replyWithError(netError('ECONNREFUSED'));
    errors.push(await caught(() => client.me()));
    api()
      .get('/api/projects/1')
      .reply(200, projectBody(1, { managers: [{ id: 'x' }] }), JSON_TYPE);
    errors.push(await caught(() => client.getProject(1)));
    api()
      .get('/api/users/me')
      .reply(429, { detail: 'slow down' }, { ...JSON_TYPE, 'retry-after': '600' });
    errors.push(await caught(() => client.me()));

    expect(errors).toHaveLength(10);
    for (const err of errors) {
      expect(err).toBeInstanceOf(ApiError);
      expect(messageAndBody(err)).not.toContain(TOKEN);
      // Nothing attached to the error (an AxiosError cause would carry the request headers).
      expect(JSON.stringify(err)).not.toContain(TOKEN);
      expect(JSON.stringify((err as { cause?: unknown }).cause) ?? '').not.toContain(TOKEN);
    }
  });

  it('not in a timeout error', async () => {
    const { client } = makeClient({ timeoutMs: 100 });
    api().post('/api/login').delay(500).reply(200, '"x"', JSON_TYPE);
    const err = await caught(() => client.login('owner@example.org', 'pw'));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(messageAndBody(err)).not.toContain(TOKEN);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
  });
});
