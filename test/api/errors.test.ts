import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  type FailedResponse,
  NotEcoTaxaError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RequestInfo,
  ServerError,
  TimeoutError,
  ValidationError,
  errorForResponse,
  parseRetryAfter,
} from '../../src/api/errors.js';

/*
 * Which failure is which: whether the same request may succeed if sent again (`transient`),
 * and whether a write may have been carried out although it failed (`delivery`). The apply
 * engine sends a write again only when its delivery is 'none', and settles a 'maybe' first.
 */

const REQ: RequestInfo = { method: 'PUT', path: '/projects/7', server: 'https://ecotaxa.example.org/api' };
const NOW = new Date('2026-01-15T10:00:00Z');
const JSON_TYPE = 'application/json';

const answer = (status: number, contentType: string, text: string, extra: Partial<FailedResponse> = {}): ApiError =>
  errorForResponse({ status, contentType, text, ...extra }, REQ, NOW);

const traceback = (exception: string): string =>
  `\n----------- BACK-END -------------\nTraceback (most recent call last):\n  File "x.py", line 1, in f\n${exception}\n`;

/** What a failure is, in the terms the engine and the user see. */
const kind = (e: ApiError): [string, number | undefined, boolean, string, string] => [
  e.constructor.name,
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
        401,
        false,
        'none',
        'EcoTaxa at https://ecotaxa.example.org/api rejected your token (invalid or expired): run `ecotaxa-access login`',
      ],
    ],
    [
      '403',
      () => answer(403, JSON_TYPE, '{"detail":"You can\'t do this."}'),
      [
        'PermissionDeniedError',
        403,
        false,
        'none',
        "EcoTaxa refused PUT /projects/7: you are not allowed to do this (403 You can't do this.)",
      ],
    ],
    [
      "404 with EcoTaxa's JSON",
      () => answer(404, JSON_TYPE, '{"detail":"Not found."}'),
      ['NotFoundError', 404, false, 'none', 'EcoTaxa has no /projects/7 (404 Not found.)'],
    ],
    [
      '422',
      () => answer(422, JSON_TYPE, '{"detail":"Could not set Contact"}'),
      ['ValidationError', 422, false, 'none', 'EcoTaxa refused PUT /projects/7: Could not set Contact'],
    ],
    [
      'another 4xx with a detail',
      () => answer(409, JSON_TYPE, '{"detail":"busy"}'),
      ['ApiError', 409, false, 'none', 'EcoTaxa refused PUT /projects/7: 409 busy'],
    ],
    [
      'another 4xx from something else',
      () => answer(400, 'text/plain; charset=utf-8', 'Bad Request'),
      [
        'ApiError',
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
        429,
        true,
        'none',
        'EcoTaxa at https://ecotaxa.example.org/api is rate-limiting PUT /projects/7 (it asks to wait 2 s): try again later',
      ],
    ],
    [
      '429 without',
      () => answer(429, JSON_TYPE, '{}'),
      [
        'RateLimitError',
        429,
        true,
        'none',
        'EcoTaxa at https://ecotaxa.example.org/api is rate-limiting PUT /projects/7: try again later',
      ],
    ],
    [
      '503 from EcoTaxa itself (JSON)',
      () => answer(503, JSON_TYPE, '{"detail":"maintenance"}'),
      [
        'ServerError',
        503,
        true,
        'maybe',
        'EcoTaxa at https://ecotaxa.example.org/api is unavailable: PUT /projects/7 answered 503 Service Unavailable; try again later',
      ],
    ],
    [
      '500 with the traceback of a data error (rolled back)',
      () => answer(500, 'text/plain', traceback("ValueError: invalid literal for int() with base 10: '1;2'")),
      [
        'ServerError',
        500,
        false,
        'none',
        "EcoTaxa failed on PUT /projects/7 with an internal error (500: ValueError: invalid literal for int() with base 10: '1;2'); --verbose shows its traceback",
      ],
    ],
    [
      '500 with the traceback of anything else (may have committed)',
      () => answer(500, 'text/plain', traceback('RuntimeError: lost the connection')),
      [
        'ServerError',
        500,
        true,
        'maybe',
        'EcoTaxa failed on PUT /projects/7 with an internal error (500: RuntimeError: lost the connection); --verbose shows its traceback',
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
        500,
        true,
        'none',
        'EcoTaxa refused PUT /projects/7: the project was changed by someone else at the same time (a write conflict); run the same command again',
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

  it("a 404 without EcoTaxa's JSON means the URL is wrong; its page is kept, shortened, for --verbose", () => {
    const page = `<html>${'x'.repeat(3_000)}</html>`;
    const e = answer(404, 'text/html', page);
    expect(e).toBeInstanceOf(NotEcoTaxaError);
    expect(e.details).toBe(page.slice(0, 2_000));
    expect(answer(400, 'text/html', page).details).toBe(page.slice(0, 2_000));
  });

  it('keeps at most 20,000 characters of a traceback', () => {
    const long = traceback(`RuntimeError: ${'y'.repeat(30_000)}`);
    expect(answer(500, 'text/plain', long).details).toBe(long.slice(0, 20_000));
    const conflict = traceback(
      `sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "IS_ProjectsPriv" ${'z'.repeat(30_000)}`,
    );
    const e = answer(500, 'text/plain', conflict);
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.details).toBe(conflict.slice(0, 20_000));
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
    expect([e.transient, e.delivery, e.errorCode]).toEqual([transient, delivery, 'connection']);
  });

  it('a timeout may have been carried out, and is worth another try', () => {
    const e = new TimeoutError(REQ, 2_500);
    expect([e.transient, e.delivery, e.message]).toEqual([
      true,
      'maybe',
      'EcoTaxa at https://ecotaxa.example.org/api did not answer PUT /projects/7 within 2.5 s: try again, or raise --timeout',
    ]);
  });

  it('an ApiError says nothing of itself: not transient, may have acted, unclassified', () => {
    const e = new ApiError('x', REQ);
    expect([e.transient, e.delivery, e.errorCode, e.status]).toEqual([false, 'maybe', 'unclassified', undefined]);
  });

  it('the classes stand for their statuses', () => {
    expect(new AuthenticationError(REQ).delivery).toBe('none');
    expect(new PermissionDeniedError(REQ, 'Not authenticated').message).toBe(
      'EcoTaxa at https://ecotaxa.example.org/api says you are not logged in: run `ecotaxa-access login`',
    );
    expect(new NotFoundError(REQ, 'Not found.').delivery).toBe('none');
    expect(new ValidationError(REQ, 'bad').delivery).toBe('none');
    expect(new RateLimitError(REQ, 1_500).message).toContain('(it asks to wait 2 s)');
    expect(new ServerError(REQ, 502, 'x', undefined, { transient: true, delivery: 'maybe' }).errorCode).toBe(
      'api-unavailable',
    );
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
