import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotEcoTaxaError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RequestInfo,
  SchemaError,
  ServerError,
  ConflictError,
  TimeoutError,
  ValidationError,
} from '../../src/api/errors.js';
import { errorCodeOf } from '../../src/cli/error-advice.js';
import {
  ERROR_CODES,
  InputError,
  InterruptedError,
  LoginRequiredError,
  UsageError,
  UserError,
} from '../../src/errors.js';
import { ReplayMissError } from '../../src/recording/replay.js';
import { runCli } from '../support/cli.js';

/* The stable `code` of --json errors: one per kind of failure, documented in the README. */

const REQ: RequestInfo = { method: 'PUT', path: '/projects/7', server: 'https://ecotaxa.example.org/api' };
const passing = { transient: true, delivery: 'maybe' } as const;

describe('errorCodeOf', () => {
  it.each<[string, string, () => unknown]>([
    ['UsageError', 'usage', () => new UsageError('x')],
    ['InputError', 'input', () => new InputError('x')],
    ['LoginRequiredError', 'login-required', () => new LoginRequiredError('x')],
    ['InterruptedError', 'interrupted', () => new InterruptedError()],
    ['ReplayMissError', 'replay-miss', () => new ReplayMissError('x')],
    ['a UserError with its code', 'cancelled', () => new UserError('x', { errorCode: 'cancelled' })],
    ['a UserError without one', 'unclassified', () => new UserError('x')],
    ['401', 'api-unauthorized', () => new AuthenticationError(REQ)],
    ['403', 'api-forbidden', () => new PermissionDeniedError(REQ, "You can't do this.")],
    ['404', 'api-not-found', () => new NotFoundError(REQ, 'Not found.')],
    ['422', 'api-rejected', () => new ValidationError(REQ, 'bad')],
    ['429', 'api-rate-limited', () => new RateLimitError(REQ, 1000)],
    ['500 with a traceback', 'api-server-error', () => new ServerError(REQ, 500, 'x', 'Traceback', passing)],
    ['a write conflict', 'api-conflict', () => new ConflictError(REQ, 'UniqueViolation')],
    ['502 from a proxy', 'api-unavailable', () => new ServerError(REQ, 502, 'x', undefined, passing)],
    ['503', 'api-unavailable', () => new ServerError(REQ, 503, 'x', undefined, passing)],
    ['504', 'api-unavailable', () => new ServerError(REQ, 504, 'x', undefined, passing)],
    ['another 4xx', 'api-rejected', () => new ApiError('x', REQ, { status: 409 })],
    ['another 5xx', 'api-server-error', () => new ApiError('x', REQ, { status: 507 })],
    ['not EcoTaxa', 'api-not-ecotaxa', () => new NotEcoTaxaError(REQ, 'an HTML page')],
    ['an answer not understood', 'api-schema', () => new SchemaError(REQ, 'managers', 'expected an array')],
    ['refused', 'connection', () => new ConnectionError(REQ, 'ECONNREFUSED', 'connection refused')],
    ['timeout', 'timeout', () => new TimeoutError(REQ, 30_000)],
    ['a bug', 'internal', () => new TypeError('x is undefined')],
    ['not even an Error', 'internal', () => 'oops'],
  ])('%s → %s', (_what, code, make) => {
    // Made in the test, not when the table is built, so that a mutation run sees which test uses it.
    expect(errorCodeOf(make())).toBe(code);
  });
});

describe('--json errors', () => {
  it('carry the code first, then the class name as type (kept for compatibility)', async () => {
    // Port 1 on loopback: refused at once, so never retried.
    const result = await runCli(['whoami', '--json', '--url', 'http://127.0.0.1:1/api'], {
      env: { ECOTAXA_TOKEN: 'not-a-jwt-token' },
    });
    expect(result.code).toBe(1);
    const error = (JSON.parse(result.stdout) as { error: Record<string, unknown> }).error;
    expect(Object.keys(error)).toEqual(['code', 'type', 'message', 'exitCode']);
    expect(error).toMatchObject({ code: 'connection', type: 'ConnectionError', exitCode: 1 });
  });

  it('a usage error found by commander has the code usage', async () => {
    const result = await runCli(['grant', '--frobnicate', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'usage', type: 'UsageError', message: "unknown option '--frobnicate'", exitCode: 1 },
    });
  });
});

describe('the README', () => {
  it('lists every error code with its meaning, as ERROR_CODES says', () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(
      readme.indexOf('### Error codes'),
      readme.indexOf('\n## ', readme.indexOf('### Error codes')),
    );
    const rows = [...section.matchAll(/^\| `([a-z-]+)` +\| (.+?) +\|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(Object.entries(ERROR_CODES));
  });
});
