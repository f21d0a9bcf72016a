import type { ApiErrorCode } from '../api/error-codes.js';
import { ApiError, IncompleteListingError, PermissionDeniedError, ServerError } from '../api/errors.js';
import { type ErrorCode, ExitCode, UserError, errorMessage } from '../errors.js';

/*
 * What the CLI shows for an error, in one place: the library's errors (src/api/errors.ts) say
 * what happened; this adds what to do about it in this tool's terms (a command, a flag), and
 * gives every error its exit code and its `--json` code.
 */

const LOGIN = 'run `ecotaxa-access login`';
/** What to do about an answer that is not what was asked for. */
const UNTRUSTED =
  "nothing is planned or written from it: run the command again, and if it happens again, check --url or tell the server's administrators";

/** The advice after a 5xx, by what its answer said. */
const SERVER_FAILURE = {
  'internal-error': '; --verbose shows its traceback',
  unavailable: '; try again later',
  unknown: '',
} as const;

/** The advice that follows a library error's message, with its separator ('' for none). */
function advice(err: ApiError): string {
  switch (err.code) {
    case 'unauthorized':
      return `: ${LOGIN}`;
    case 'forbidden':
      return err instanceof PermissionDeniedError && err.notAuthenticated ? `: ${LOGIN}` : '';
    case 'rate-limited':
      return ': try again later';
    case 'conflict':
      return '; run the same command again';
    case 'server-error':
    case 'unavailable':
      return err instanceof ServerError ? SERVER_FAILURE[err.failure ?? 'unknown'] : '';
    case 'not-ecotaxa':
      return ': check --url, e.g. https://ecotaxa.obs-vlfr.fr/api';
    case 'too-large':
      return "; check --url, or tell the server's administrators";
    case 'inconsistent':
      return `${err instanceof IncompleteListingError ? ';' : ':'} ${UNTRUSTED}`;
    case 'timeout':
      return ': try again, or raise --timeout';
    case 'not-found':
    case 'rejected':
    case 'schema':
    case 'connection':
      return '';
  }
}

/**
 * An error as one line for a person, to stand alone or inside another line (a project's
 * failure, a run's stop, a --verbose log): a library error with the CLI's advice, any other
 * error as its message.
 */
export function describeError(err: unknown): string {
  return err instanceof ApiError ? `${err.message}${advice(err)}` : errorMessage(err);
}

/** The `--json` code of each library code (ERROR_CODES in src/errors.ts). */
const JSON_CODES: Record<ApiErrorCode, ErrorCode> = {
  unauthorized: 'api-unauthorized',
  forbidden: 'api-forbidden',
  'not-found': 'api-not-found',
  rejected: 'api-rejected',
  'rate-limited': 'api-rate-limited',
  conflict: 'api-conflict',
  'server-error': 'api-server-error',
  unavailable: 'api-unavailable',
  'not-ecotaxa': 'api-not-ecotaxa',
  schema: 'api-schema',
  'too-large': 'api-too-large',
  inconsistent: 'api-inconsistent',
  connection: 'connection',
  timeout: 'timeout',
};

/**
 * The stable code (ERROR_CODES in src/errors.ts) of any error that reaches the boundary: a
 * UserError's own, a library error's by its code, `internal` for anything else, which is a bug.
 */
export function errorCodeOf(err: unknown): ErrorCode {
  if (err instanceof UserError) return err.errorCode;
  if (err instanceof ApiError) return JSON_CODES[err.code];
  return 'internal';
}

/** An error as the boundary (src/cli/main.ts) reports it. */
export interface ShownError {
  /** One line: what failed, why, and what to do. */
  message: string;
  code: ErrorCode;
  exitCode: ExitCode;
  /** Extra lines for --verbose (a server traceback, a response body), never secrets. */
  details: string | undefined;
}

export function showError(err: unknown): ShownError {
  if (err instanceof UserError) {
    return { message: err.message, code: err.errorCode, exitCode: err.exitCode, details: err.details };
  }
  if (err instanceof ApiError) {
    return { message: describeError(err), code: errorCodeOf(err), exitCode: ExitCode.Error, details: err.body };
  }
  return {
    message: `internal error: ${errorMessage(err)} (a bug in ecotaxa-access: run with --verbose and report it)`,
    code: 'internal',
    exitCode: ExitCode.Error,
    details: undefined,
  };
}
