import { describe, expect, it } from 'vitest';
import { ConflictError, type RequestInfo, ServerError } from '../src/api/errors.js';
import { errorForResponse } from '../src/api/failed-response.js';

const PUT: RequestInfo = { method: 'PUT', path: '/projects/21', server: 'https://ecotaxa.example.org/api' };
const now = new Date('2026-11-27T10:00:00Z');
const traceback = (...lines: string[]): { status: number; contentType: string; text: string } => ({
  status: 500,
  contentType: 'text/plain; charset=utf-8',
  text: ['----------- BACK-END -------------', 'Traceback (most recent call last):', ...lines].join('\n'),
});

describe('errorForResponse: a 500 is judged by the exception that ended the request', () => {
  it('a unique violation on the privileges is a write conflict: nothing kept, worth another try', () => {
    const err = errorForResponse(
      traceback(
        'sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "IS_ProjectsPriv"',
        'DETAIL:  Key (projid, member)=(21, 9) already exists.',
      ),
      PUT,
      now,
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ transient: true, delivery: 'none', code: 'conflict' });
  });

  it('a data error that ended it will fail the same way again, and rolled back', () => {
    const err = errorForResponse(traceback("ValueError: invalid literal for int() with base 10: '1;2'"), PUT, now);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ transient: false, delivery: 'none' });
  });

  it('a data error met on the way, then another exception, is not taken for the cause', () => {
    const err = errorForResponse(
      traceback(
        "ValueError: invalid literal for int() with base 10: 'x'",
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) server closed the connection unexpectedly',
      ),
      PUT,
      now,
    );
    expect(err).not.toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ transient: true, delivery: 'maybe' });
    expect(err.message).toContain('(500: OperationalError: (psycopg2.OperationalError) server closed the connection');
  });

  it('the words of a unique violation in a message that ended otherwise are not a conflict', () => {
    const err = errorForResponse(
      traceback(
        'sqlalchemy.exc.IntegrityError: UniqueViolation "IS_ProjectsPriv"',
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'RuntimeError: the session is closed',
      ),
      PUT,
      now,
    );
    expect(err).not.toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ transient: true, delivery: 'maybe' });
  });
});
