import { describe, expect, it } from 'vitest';
import {
  AnswerTooLargeError,
  ApiError,
  ConnectionError,
  IncompleteListingError,
  PermissionDeniedError,
  type RequestInfo,
  SchemaError,
  ServerError,
  TimeoutError,
  UnexpectedAnswerError,
} from '../../src/api/errors.js';
import { type FailedResponse, errorForResponse } from '../../src/api/failed-response.js';
import { describeError, showError } from '../../src/cli/error-advice.js';
import { InputError, InterruptedError, UserError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * What the CLI says about an error: the library's message (its facts), then what to do about
 * it in this tool's terms. These are the lines a person reads on stderr, in a project's
 * failure and in a run's stop.
 */

const SERVER = 'https://ecotaxa.example.org/api';
const REQ: RequestInfo = { method: 'PUT', path: '/projects/7', server: SERVER };
const NOW = new Date('2026-01-15T10:00:00Z');
const JSON_TYPE = 'application/json';
const answer = (status: number, contentType: string, text: string, extra: Partial<FailedResponse> = {}): ApiError =>
  errorForResponse({ status, contentType, text, ...extra }, REQ, NOW);
const traceback = (exception: string): string =>
  `\n----------- BACK-END -------------\nTraceback (most recent call last):\n  File "x.py", line 1, in f\n${exception}\n`;
const UNTRUSTED =
  "nothing is planned or written from it: run the command again, and if it happens again, check --url or tell the server's administrators";

describe('describeError: a library error with its advice', () => {
  it.each<[string, () => unknown, string]>([
    [
      '401',
      () => answer(401, JSON_TYPE, '{"detail":"Could not validate credentials"}'),
      `EcoTaxa at ${SERVER} rejected your token (invalid or expired): run \`ecotaxa-access login\``,
    ],
    [
      '403 without a token',
      () => answer(403, JSON_TYPE, '{"detail":"Not authenticated"}'),
      `EcoTaxa at ${SERVER} says you are not logged in: run \`ecotaxa-access login\``,
    ],
    [
      '403 without the right',
      () => answer(403, JSON_TYPE, '{"detail":"You can\'t do this."}'),
      "EcoTaxa refused PUT /projects/7: you are not allowed to do this (403 You can't do this.)",
    ],
    [
      '403 from a proxy',
      () => answer(403, 'text/html', '<html>no</html>'),
      `EcoTaxa at ${SERVER} (or a proxy in front of it) refused PUT /projects/7: 403 with an HTML page`,
    ],
    ['404', () => answer(404, JSON_TYPE, '{"detail":"Not found."}'), 'EcoTaxa has no /projects/7 (404 Not found.)'],
    [
      '422',
      () => answer(422, JSON_TYPE, '{"detail":"Could not set Contact"}'),
      'EcoTaxa refused PUT /projects/7: Could not set Contact',
    ],
    ['another 4xx', () => answer(409, JSON_TYPE, '{"detail":"busy"}'), 'EcoTaxa refused PUT /projects/7: 409 busy'],
    [
      '429 with Retry-After',
      () => answer(429, JSON_TYPE, '{}', { retryAfter: '2' }),
      `EcoTaxa at ${SERVER} is rate-limiting PUT /projects/7 (it asks to wait 2 s): try again later`,
    ],
    [
      '429 without',
      () => answer(429, JSON_TYPE, '{}'),
      `EcoTaxa at ${SERVER} is rate-limiting PUT /projects/7: try again later`,
    ],
    [
      '503 from EcoTaxa itself',
      () => answer(503, JSON_TYPE, '{"detail":"maintenance"}'),
      `EcoTaxa at ${SERVER} is unavailable: PUT /projects/7 answered 503 Service Unavailable; try again later`,
    ],
    [
      '502 from a proxy',
      () => answer(502, 'text/html', '<html>Bad Gateway</html>'),
      `EcoTaxa at ${SERVER} is unavailable: PUT /projects/7 answered 502 Bad Gateway from a proxy; try again later`,
    ],
    [
      '500 with a traceback',
      () => answer(500, 'text/plain', traceback("ValueError: invalid literal for int() with base 10: '1;2'")),
      "EcoTaxa failed on PUT /projects/7 with an internal error (500: ValueError: invalid literal for int() with base 10: '1;2'); --verbose shows its traceback",
    ],
    [
      '502 with a traceback',
      () => answer(502, 'text/plain', traceback('RuntimeError: lost')),
      'EcoTaxa failed on PUT /projects/7 with an internal error (502: RuntimeError: lost); --verbose shows its traceback',
    ],
    [
      'a write conflict',
      () => answer(500, 'text/plain', traceback('sqlalchemy.exc.IntegrityError: UniqueViolation "IS_ProjectsPriv"')),
      'EcoTaxa refused PUT /projects/7: the project was changed by someone else at the same time (a write conflict); run the same command again',
    ],
    [
      'a redirect',
      () => answer(302, 'text/html', '', { location: 'https://sso.example.org/login' }),
      `${SERVER} does not look like an EcoTaxa API (PUT /projects/7 answered a redirect (302 to https://sso.example.org/login)): check --url, e.g. https://ecotaxa.obs-vlfr.fr/api`,
    ],
    [
      'a timeout',
      () => new TimeoutError(REQ, 2_500),
      `EcoTaxa at ${SERVER} did not answer PUT /projects/7 within 2.5 s: try again, or raise --timeout`,
    ],
    [
      'a connection refused',
      () => new ConnectionError(REQ, 'ECONNREFUSED', 'connection refused'),
      `cannot reach EcoTaxa at ${SERVER}: connection refused (PUT /projects/7)`,
    ],
    [
      'an answer not understood',
      () => new SchemaError(REQ, 'managers', 'expected an array'),
      'EcoTaxa answered PUT /projects/7 with data this tool does not understand: managers: expected an array',
    ],
    [
      'an answer too large',
      () => new AnswerTooLargeError(REQ, 65_536),
      `EcoTaxa at ${SERVER} answered PUT /projects/7 with more than 65,536 bytes, far more than any answer of EcoTaxa's: it was not read; check --url, or tell the server's administrators`,
    ],
    [
      'a project not asked for',
      () => new UnexpectedAnswerError(REQ, 'project 6, which was not asked for'),
      `EcoTaxa at ${SERVER} answered PUT /projects/7 with project 6, which was not asked for: ${UNTRUSTED}`,
    ],
    [
      'a listing that cannot be complete',
      () => new IncompleteListingError(REQ, 'page 2 lists project 1 a second time'),
      `the project listing from EcoTaxa at ${SERVER} is incomplete: page 2 lists project 1 a second time (PUT /projects/7); ${UNTRUSTED}`,
    ],
    [
      'a 5xx whose answer the client did not read (made by hand)',
      () => new ServerError(REQ, 502, 'EcoTaxa is unavailable: 502', undefined, { transient: true, delivery: 'maybe' }),
      'EcoTaxa is unavailable: 502',
    ],
    ['a 5xx made with a status alone', () => new ApiError('x', REQ, { status: 507 }), 'x'],
    ['a 403 made with a status alone', () => new ApiError('y', REQ, { status: 403 }), 'y'],
    ['any other error: its message', () => new Error('socket went away'), 'socket went away'],
    ['not even an Error', () => 'oops', 'oops'],
  ])('%s', (_what, make, line) => {
    expect(describeError(make())).toBe(line);
  });

  it('a 403 without a token gets the advice whatever the detail is shown as', () => {
    const e = new PermissionDeniedError(REQ, 'Not authenticated');
    expect(describeError(e)).toBe(`EcoTaxa at ${SERVER} says you are not logged in: run \`ecotaxa-access login\``);
  });
});

describe('showError: what the boundary prints', () => {
  it('a UserError as it is: its message, codes and details', () => {
    expect(showError(new InputError('plan.json is not a plan', { details: 'line 3' }))).toEqual({
      message: 'plan.json is not a plan',
      code: 'input',
      exitCode: 1,
      details: 'line 3',
    });
    expect(showError(new InterruptedError())).toEqual({
      message: 'interrupted',
      code: 'interrupted',
      exitCode: 130,
      details: undefined,
    });
    expect(showError(new UserError('x', { errorCode: 'cancelled' })).code).toBe('cancelled');
  });

  it('a library error: its message with the advice, its --json code, exit 1, its body for --verbose', () => {
    const page = '<html>Bad Gateway</html>';
    expect(showError(answer(502, 'text/html', page))).toEqual({
      message: `EcoTaxa at ${SERVER} is unavailable: PUT /projects/7 answered 502 Bad Gateway from a proxy; try again later`,
      code: 'api-unavailable',
      exitCode: 1,
      details: page,
    });
    expect(showError(new TimeoutError(REQ, 30_000))).toEqual({
      message: `EcoTaxa at ${SERVER} did not answer PUT /projects/7 within 30 s: try again, or raise --timeout`,
      code: 'timeout',
      exitCode: 1,
      details: undefined,
    });
  });

  it('anything else is a bug, said so', () => {
    expect(showError(new TypeError('x is undefined'))).toEqual({
      message: 'internal error: x is undefined (a bug in ecotaxa-access: run with --verbose and report it)',
      code: 'internal',
      exitCode: 1,
      details: undefined,
    });
  });
});

describe('--verbose: the lines of each attempt', () => {
  const { server, env } = useFakeEcoTaxa();

  it('say a failure as the error line would, advice included', async () => {
    let seen = 0;
    // The first GET /users/me times out, the second is rate-limited, the third answers.
    server.setFaults((req) => {
      if (!req.path.endsWith('/users/me')) return undefined;
      seen++;
      return seen === 1 ? { kind: 'hang' } : seen === 2 ? { kind: 'rate-limit', retryAfter: '1' } : undefined;
    });
    const result = await runCli(['whoami', '--verbose', '--timeout', '0.2'], { env });
    expect(result.code, result.stderr).toBe(0);
    // Times and pauses are the retry rule's, not this test's.
    const lines = result.stderr
      .split('\n')
      .map((l) => l.replace(/\(\d+ ms\)$/, '(N ms)').replace(/ in \d+ ms:/, ' in N ms:'));
    const url = server.url;
    expect(lines.filter((l) => l.includes('/users/me'))).toEqual([
      `GET /users/me -> EcoTaxa at ${url} did not answer GET /users/me within 0.2 s: try again, or raise --timeout (N ms)`,
      `retry 1 of GET /users/me in N ms: EcoTaxa at ${url} did not answer GET /users/me within 0.2 s: try again, or raise --timeout`,
      'GET /users/me -> 429 (N ms)',
      `retry 2 of GET /users/me in N ms: EcoTaxa at ${url} is rate-limiting GET /users/me (it asks to wait 1 s): try again later`,
      'GET /users/me -> 200 (N ms)',
    ]);
  });
});
