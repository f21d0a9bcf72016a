import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotEcoTaxaError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  SchemaError,
  TimeoutError,
  ValidationError,
} from '../api/errors.js';
import { type ErrorCode, UserError } from '../errors.js';

/**
 * The stable code (ERROR_CODES in src/errors.ts) of any error that reaches the boundary: a
 * UserError's own, an API error's from its class and status, `internal` for anything else.
 */
export function errorCodeOf(err: unknown): ErrorCode {
  if (err instanceof ApiError) return apiErrorCode(err);
  if (err instanceof UserError) return err.errorCode;
  return 'internal';
}

/**
 * TODO(lead): the API error classes (src/api/errors.ts) do not set their own `errorCode` yet.
 * Once each passes its code to UserError, the first line below answers and the rest can go.
 */
function apiErrorCode(err: ApiError): ErrorCode {
  if (err.errorCode !== 'unclassified') return err.errorCode;
  if (err instanceof AuthenticationError) return 'api-unauthorized';
  if (err instanceof PermissionDeniedError) return 'api-forbidden';
  if (err instanceof NotFoundError) return 'api-not-found';
  if (err instanceof ValidationError) return 'api-rejected';
  if (err instanceof RateLimitError) return 'api-rate-limited';
  if (err instanceof NotEcoTaxaError) return 'api-not-ecotaxa';
  if (err instanceof SchemaError) return 'api-schema';
  if (err instanceof ConnectionError) return 'connection';
  if (err instanceof TimeoutError) return 'timeout';
  // ServerError, and the plain ApiError of a status without its own class.
  const status = err.status;
  if (status === 502 || status === 503 || status === 504) return 'api-unavailable';
  if (status !== undefined && status >= 500) return 'api-server-error';
  if (status === 401) return 'api-unauthorized';
  if (status === 403) return 'api-forbidden';
  if (status === 429) return 'api-rate-limited';
  return 'api-rejected';
}
