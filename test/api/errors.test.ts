import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { API_ERROR_CODES } from '../../src/api/error-codes.js';
import {
  AnswerTooLargeError,
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  IncompleteListingError,
  NotEcoTaxaError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RequestInfo,
  SchemaError,
  ServerError,
  TimeoutError,
  UnexpectedAnswerError,
  ValidationError,
  parseRetryAfter,
} from '../../src/api/errors.js';
import { type FailedResponse, errorForResponse } from '../../src/api/failed-response.js';
import { UserError } from '../../src/errors.js';

/*
 * Which failure is which: its stable `code`, whether the same request may succeed if sent
 * again (`transient`), and whether a write may have been carried out although it failed
 * (`delivery`). The apply engine sends a write again only when its delivery is 'none', and
 * settles a 'maybe' first. Messages state what happened; what to do is the CLI's to say
 * (test/cli/error-advice.test.ts).
 */

const REQ: RequestInfo = { method: 'PUT', path: '/projects/7', server: 'https://ecotaxa.example.org/api' };
const NOW = new Date('2026-01-15T10:00:00Z');
const JSON_TYPE = 'application/json';

const answer = (status: number, contentType: string, text: string, extra: Partial<FailedResponse> = {}): ApiError =>
  errorForResponse({ status, contentType, text, ...extra }, REQ, NOW);

const traceback = (exception: string): string =>
  `\n----------- BACK-END -------------\nTraceback (most recent call last):\n  File "x.py", line 1, in f\n${exception}\n`;

/** What a failure is, in the terms a program, the engine and the user see. */
const kind = (e: ApiError): [string, string, number | undefined, boolean, string, string] => [
  e.constructor.name,
  e.code,
  e.status,
  e.transient,
  e.delivery,
  e.message,
];

describe('errorForResponse', () => {
  it.each([
    [
      '401',
      () => answer(401, JSON_TYPE, '{"detail":"Could not validate credentials"}'),
      [
        'AuthenticationError',
        'unauthorized',
        401,
        false,
        'none',
        'EcoTaxa at https://ecotaxa.example.org/api rejected your token (invalid or expired)',
      ],
    ],
    [
      '403',
      () => answer(403, JSON_TYPE, '{"detail":"You can\'t do this."}'),
      [
        'PermissionDeniedError',
        'forbidden',
        403,
        false,
        'none',
        "EcoTaxa refused PUT /projects/7: you are not allowed to do this (403 You can't do this.)",
      ],
    ],
    [
      "404 with EcoTaxa's JSON",
      () => answer(404, JSON_TYPE, '{"detail":"Not found."}'),
      ['NotFoundError', 'not-found', 404, false, 'none', 'EcoTaxa has no /projects/7 (404 Not found.)'],
    ],
    [
      '422',
      () => answer(422, JSON_TYPE, '{"detail":"Could not set Contact"}'),
      ['ValidationError', 'rejected', 422, false, 'none', 'EcoTaxa refused PUT /projects/7: Could not set Contact'],
    ],
    [
      'another 4xx with a detail',
      () => answer(409, JSON_TYPE, '{"detail":"busy"}'),
      ['ApiError', 'rejected', 409, false, 'none', 'EcoTaxa refused PUT /projects/7: 409 busy'],
    ],
    [
      'another 4xx from something else',
      () => answer(400, 'text/plain; charset=utf-8', 'Bad Request'),
      [
        'ApiError',
        'rejected',
        400,
        false,
        'none',
        'EcoTaxa at https://ecotaxa.example.org/api (or a proxy in front of it) refused PUT /projects/7: 400 with text/plain',
      ],
    ],
    [
      '429 with Retry-After',
      () => answer(429, JSON_TYPE, '{}', { retryAfter: '2' }),
      [
        'RateLimitError',
        'rate-limited',
        429,
        true,
        'none',
        'EcoTaxa at https://ecotaxa.example.org/api is rate-limiting PUT /projects/7 (it asks to wait 2 s)',
      ],
    ],
    [
      '429 without',
      () => answer(429, JSON_TYPE, '{}'),
      [
        'RateLimitError',
        'rate-limited',
        429,
        true,
        'none',
        'EcoTaxa at https://ecotaxa.example.org/api is rate-limiting PUT /projects/7',
      ],
    ],
    [
      '503 from EcoTaxa itself (JSON)',
      () => answer(503, JSON_TYPE, '{"detail":"maintenance"}'),
      [
        'ServerError',
        'unavailable',
        503,
        true,
        'maybe',
        'EcoTaxa at https://ecotaxa.example.org/api is unavailable: PUT /projects/7 answered 503 Service Unavailable',
      ],
    ],
    [
      '500 with the traceback of a data error (rolled back)',
      () => answer(500, 'text/plain', traceback("ValueError: invalid literal for int() with base 10: '1;2'")),
      [
        'ServerError',
        'server-error',
        500,
        false,
        'none',
        "EcoTaxa failed on PUT /projects/7 with an internal error (500: ValueError: invalid literal for int() with base 10: '1;2')",
      ],
    ],
    [
      '500 with the traceback of anything else (may have committed)',
      () => answer(500, 'text/plain', traceback('RuntimeError: lost the connection')),
      [
        'ServerError',
        'server-error',
        500,
        true,
        'maybe',
        'EcoTaxa failed on PUT /projects/7 with an internal error (500: RuntimeError: lost the connection)',
      ],
    ],
    [
      "500 from two writes at once (EcoTaxa's unique index)",
      () =>
        answer(
          500,
          'text/plain',
          traceback('sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key "IS_ProjectsPriv"'),
        ),
      [
        'ConflictError',
        'conflict',
        500,
        true,
        'none',
        'EcoTaxa refused PUT /projects/7: the project was changed by someone else at the same time (a write conflict)',
      ],
    ],
  ] as const)('%s', (_what, make, expected) => {
    expect(kind(make())).toEqual(expected);
  });

  it('only a 500 is a write conflict: the same traceback through a 503 is a failure that may have acted', () => {
    const e = answer(
      503,
      'text/plain',
      traceback('sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key "IS_ProjectsPriv"'),
    );
    expect(e).not.toBeInstanceOf(ConflictError);
    expect([e.transient, e.delivery]).toEqual([false, 'none']);
  });

  it("reads EcoTaxa's JSON only from an answer that says it is JSON", () => {
    const e = answer(403, 'text/plain', '{"detail":"You can\'t do this."}');
    expect(e).not.toBeInstanceOf(PermissionDeniedError);
    expect(e.message).toBe(
      'EcoTaxa at https://ecotaxa.example.org/api (or a proxy in front of it) refused PUT /projects/7: 403 with text/plain',
    );
  });

  it.each([300, 301, 399])('%i is a redirect, never followed: not EcoTaxa', (status) => {
    const e = answer(status, 'text/html', '', { location: 'https://sso.example.org/login' });
    expect(e).toBeInstanceOf(NotEcoTaxaError);
    expect(e.message).toContain(`answered a redirect (${status} to https://sso.example.org/login)`);
    expect(answer(status, 'text/html', '').message).toContain(`answered a redirect (${status})`);
  });

  it("a 404 without EcoTaxa's JSON means the URL is wrong; its page is kept, shortened, as the body", () => {
    const page = `<html>${'x'.repeat(3_000)}</html>`;
    const e = answer(404, 'text/html', page);
    expect(e).toBeInstanceOf(NotEcoTaxaError);
    expect([e.code, e.status, e.body]).toEqual(['not-ecotaxa', undefined, page.slice(0, 2_000)]);
    expect(e.message).toBe(
      'https://ecotaxa.example.org/api does not look like an EcoTaxa API (PUT /projects/7 answered 404 with an HTML page)',
    );
    expect(answer(400, 'text/html', page).body).toBe(page.slice(0, 2_000));
  });

  it("keeps EcoTaxa's own message, and says what a 5xx answer was", () => {
    const facts = (e: ApiError): unknown[] => [
      e.ecotaxaMessage,
      e.body,
      e instanceof ServerError ? e.failure : '-',
      e instanceof RateLimitError ? e.retryAfterMs : '-',
    ];
    expect(facts(answer(403, JSON_TYPE, '{"detail":"You can\'t do this."}'))).toEqual([
      "You can't do this.",
      undefined,
      '-',
      '-',
    ]);
    expect(facts(answer(404, JSON_TYPE, '{"detail":"User not found"}'))).toEqual([
      'User not found',
      undefined,
      '-',
      '-',
    ]);
    expect(facts(answer(422, JSON_TYPE, '{"detail":["a","b"]}'))).toEqual(['a; b', undefined, '-', '-']);
    expect(facts(answer(409, JSON_TYPE, '{"detail":"busy"}'))).toEqual(['busy', undefined, '-', '-']);
    expect(facts(answer(401, JSON_TYPE, '{"detail":"Could not validate credentials"}'))).toEqual([
      undefined,
      undefined,
      '-',
      '-',
    ]);
    expect(facts(answer(429, JSON_TYPE, '{}', { retryAfter: '2' }))).toEqual([undefined, undefined, '-', 2_000]);
    expect(facts(answer(503, 'text/html', '<html>down</html>'))).toEqual([
      undefined,
      '<html>down</html>',
      'unavailable',
      '-',
    ]);
    expect(facts(answer(503, JSON_TYPE, ''))).toEqual([undefined, undefined, 'unavailable', '-']);
    const bug = traceback('RuntimeError: x');
    expect(facts(answer(502, 'text/plain', bug))).toEqual([undefined, bug, 'internal-error', '-']);
    expect(answer(502, 'text/plain', bug).code).toBe('unavailable');
    const conflict = traceback('sqlalchemy.exc.IntegrityError: UniqueViolation "IS_ProjectsPriv"');
    expect(facts(answer(500, 'text/plain', conflict))).toEqual([undefined, conflict, 'internal-error', '-']);
  });

  it('names the exception whatever its message holds (a CR, a line separator)', () => {
    for (const message of ['lost\rthe connection', 'lost\u2028the connection']) {
      expect(answer(500, 'text/plain', traceback(`RuntimeError: ${message}`)).message).toBe(
        `EcoTaxa failed on PUT /projects/7 with an internal error (500: RuntimeError: ${message})`,
      );
    }
  });

  it('keeps at most 20,000 characters of a traceback', () => {
    const long = traceback(`RuntimeError: ${'y'.repeat(30_000)}`);
    expect(answer(500, 'text/plain', long).body).toBe(long.slice(0, 20_000));
    const conflict = traceback(
      `sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "IS_ProjectsPriv" ${'z'.repeat(30_000)}`,
    );
    const e = answer(500, 'text/plain', conflict);
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.body).toBe(conflict.slice(0, 20_000));
  });
});

describe('errors made by the client', () => {
  it.each([
    ['ECONNREFUSED', true, 'none'],
    ['ENOTFOUND', true, 'none'],
    ['EAI_AGAIN', true, 'none'],
    ['EHOSTUNREACH', true, 'none'],
    ['ENETUNREACH', true, 'none'],
    ['ERR_SOCKET_CONNECTION_TIMEOUT', true, 'none'],
    ['CERT_HAS_EXPIRED', false, 'none'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', false, 'none'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', false, 'none'],
    ['ECONNRESET', true, 'maybe'],
    ['EPIPE', true, 'maybe'],
    [undefined, true, 'maybe'],
  ])('a connection failure %s: transient %s, delivery %s', (code, transient, delivery) => {
    const e = new ConnectionError(REQ, code, 'why');
    expect([e.transient, e.delivery, e.code, e.networkCode]).toEqual([transient, delivery, 'connection', code]);
    expect(e.message).toBe('cannot reach EcoTaxa at https://ecotaxa.example.org/api: why (PUT /projects/7)');
  });

  it('a timeout may have been carried out, and is worth another try', () => {
    const e = new TimeoutError(REQ, 2_500);
    expect([e.code, e.transient, e.delivery, e.timeoutMs, e.message]).toEqual([
      'timeout',
      true,
      'maybe',
      2_500,
      'EcoTaxa at https://ecotaxa.example.org/api did not answer PUT /projects/7 within 2.5 s',
    ]);
  });

  it('an ApiError made with a status alone: its code from the status, not transient, may have acted', () => {
    const made = (status: number): unknown[] => {
      const e = new ApiError('x', REQ, { status });
      return [e.code, e.transient, e.delivery, e.status, e.ecotaxaMessage, e.body];
    };
    expect(made(409)).toEqual(['rejected', false, 'maybe', 409, undefined, undefined]);
    expect(made(401)[0]).toBe('unauthorized');
    expect(made(403)[0]).toBe('forbidden');
    expect(made(404)[0]).toBe('not-found');
    expect(made(429)[0]).toBe('rate-limited');
    expect([made(500)[0], made(501)[0], made(507)[0], made(499)[0]]).toEqual([
      'server-error',
      'server-error',
      'server-error',
      'rejected',
    ]);
    expect([made(502)[0], made(503)[0], made(504)[0]]).toEqual(['unavailable', 'unavailable', 'unavailable']);
    expect(new ApiError('x', REQ, { code: 'schema', status: 500 }).code).toBe('schema');
  });

  it("is an Error named after its class, with its cause; not one of the CLI's UserErrors (no exit code)", () => {
    const cause = new Error('socket');
    const e = new ConnectionError(REQ, 'ECONNRESET', 'the connection was reset', cause);
    expect([e.name, e.cause, e instanceof Error, e instanceof UserError, 'exitCode' in e]).toEqual([
      'ConnectionError',
      cause,
      true,
      false,
      false,
    ]);
    expect(new ApiError('x', REQ, { status: 400 })).not.toHaveProperty('cause');
  });

  it('the classes stand for their statuses, and say what happened', () => {
    expect([new AuthenticationError(REQ).code, new AuthenticationError(REQ).delivery]).toEqual([
      'unauthorized',
      'none',
    ]);
    const anonymous = new PermissionDeniedError(REQ, 'Not authenticated');
    expect([anonymous.code, anonymous.notAuthenticated, anonymous.ecotaxaMessage, anonymous.message]).toEqual([
      'forbidden',
      true,
      'Not authenticated',
      'EcoTaxa at https://ecotaxa.example.org/api says you are not logged in',
    ]);
    expect(new PermissionDeniedError(REQ, "You can't do this.").notAuthenticated).toBe(false);
    expect(new NotFoundError(REQ, 'Not found.').delivery).toBe('none');
    expect(new ValidationError(REQ, 'bad').delivery).toBe('none');
    expect(new RateLimitError(REQ, 1_500).message).toContain('(it asks to wait 2 s)');
    const proxy = new ServerError(REQ, 502, 'x', undefined, { transient: true, delivery: 'maybe' });
    expect([proxy.code, proxy.failure]).toEqual(['unavailable', undefined]);
    expect(new ConflictError(REQ, 'UniqueViolation')).toMatchObject({
      code: 'conflict',
      status: 500,
      body: 'UniqueViolation',
      failure: 'internal-error',
    });
  });

  it('the errors of answers that are not what was asked for', () => {
    const facts = (e: ApiError): unknown[] => [
      e.constructor.name,
      e.code,
      e.status,
      e.transient,
      e.delivery,
      e.message,
    ];
    expect(facts(new NotEcoTaxaError(REQ, 'a redirect (302)'))).toEqual([
      'NotEcoTaxaError',
      'not-ecotaxa',
      undefined,
      false,
      'maybe',
      'https://ecotaxa.example.org/api does not look like an EcoTaxa API (PUT /projects/7 answered a redirect (302))',
    ]);
    expect(facts(new SchemaError(REQ, 'managers', 'expected an array'))).toEqual([
      'SchemaError',
      'schema',
      undefined,
      false,
      'maybe',
      'EcoTaxa answered PUT /projects/7 with data this tool does not understand: managers: expected an array',
    ]);
    const large = new AnswerTooLargeError(REQ, 64 * 1024 * 1024);
    expect([...facts(large), large.maxBytes]).toEqual([
      'AnswerTooLargeError',
      'too-large',
      undefined,
      false,
      'maybe',
      "EcoTaxa at https://ecotaxa.example.org/api answered PUT /projects/7 with more than 64 MB, far more than any answer of EcoTaxa's: it was not read",
      64 * 1024 * 1024,
    ]);
    expect(new AnswerTooLargeError(REQ, 1.5 * 1024 * 1024).message).toContain('with more than 1.5 MB,');
    expect(new AnswerTooLargeError(REQ, 1024 * 1024).message).toContain('with more than 1 MB,');
    expect(new AnswerTooLargeError(REQ, 65_536).message).toContain('with more than 65,536 bytes,');
    expect(facts(new UnexpectedAnswerError(REQ, 'project 9, not asked for'))).toEqual([
      'UnexpectedAnswerError',
      'inconsistent',
      undefined,
      false,
      'maybe',
      'EcoTaxa at https://ecotaxa.example.org/api answered PUT /projects/7 with project 9, not asked for',
    ]);
    expect(facts(new IncompleteListingError(REQ, 'a page repeated'))).toEqual([
      'IncompleteListingError',
      'inconsistent',
      undefined,
      false,
      'maybe',
      'the project listing from EcoTaxa at https://ecotaxa.example.org/api is incomplete: a page repeated (PUT /projects/7)',
    ]);
  });
});

describe('the README', () => {
  it("lists every code of the library's errors with its meaning, as API_ERROR_CODES says", () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('## The client as a library');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const rows = [...section.matchAll(/^\| `([a-z-]+)` +\| (.+?) +\|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(Object.entries(API_ERROR_CODES));
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['1.25', 1_250],
    ['Thu 15 Jan 2026 10:00:42 GMT', 42_000],
    ['Thu, 15-Jan-2026 10:00:42 GMT', 42_000],
  ])('reads %j as %i ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each([
    'soon Thu, 15 Jan 2026 10:00:42 GMT',
    'Thu, 15 Jan 2026 10:00:42 GMT+5',
    'Thu, 15 Jan 2026 10:00:42 GMT and more',
    'Thu, 99 Foo 2026 10:00:42 GMT',
    '1.',
  ])('refuses %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});
