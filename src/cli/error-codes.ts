import { type ErrorCode, UserError } from '../errors.js';

/**
 * The stable code (ERROR_CODES in src/errors.ts) of any error that reaches the boundary:
 * a UserError's own (API errors set theirs from their class and status), `internal` for
 * anything else, which is a bug.
 */
export function errorCodeOf(err: unknown): ErrorCode {
  return err instanceof UserError ? err.errorCode : 'internal';
}
