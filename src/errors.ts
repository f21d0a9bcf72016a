/**
 * Exit codes, shared by the error boundary, `--help` (src/cli/exit-codes.ts) and the README
 * (keep the three in step).
 */
export const ExitCode = {
  /** The command did what was asked (a plan with nothing to change included). */
  Success: 0,
  /** Any error: usage, input, configuration, authentication, network, server, or a failed project. */
  Error: 1,
  /** Only with --detailed-exitcode: the plan has changes pending. */
  ChangesPending: 2,
  /** Interrupted by Ctrl-C (SIGINT) after a clean stop. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The stable machine codes of errors, each with its one-line meaning: the `code` of a
 * `--json` error. Scripts read these, so a code is never renamed or given a new meaning;
 * codes are only added. The README lists them (a test keeps it in step).
 */
export const ERROR_CODES = {
  usage: 'wrong flags, arguments, selectors or settings; nothing was sent',
  input:
    'a file or stdin is unreadable or invalid (configuration, plan, journal, ids), or its content no longer fits the server',
  'login-required': 'no token, an expired one, or a login EcoTaxa refused: log in again',
  interrupted: 'stopped by Ctrl-C',
  cancelled: 'the confirmation was refused: nothing was changed',
  stopped:
    'a run stopped starting writes on its own (a rejected token, an unwritable journal); its summary says what was done',
  'api-unauthorized': 'EcoTaxa rejected the token (401)',
  'api-forbidden': 'EcoTaxa refused: no right to do this (403)',
  'api-not-found': 'EcoTaxa has no such object (404)',
  'api-rejected': 'EcoTaxa refused the request as invalid (422, or another 4xx)',
  'api-rate-limited': 'EcoTaxa asked to slow down (429) and retries did not get through',
  'api-conflict':
    'a write met another one on the same project (a 500 on a unique index); nothing of it was kept: run again',
  'api-server-error': 'EcoTaxa failed with an internal error (500 and other 5xx)',
  'api-unavailable': 'EcoTaxa or a proxy in front of it is unavailable (502, 503, 504)',
  'api-not-ecotaxa': 'the server does not answer like an EcoTaxa API: check --url',
  'api-schema': 'EcoTaxa answered with data this tool does not understand',
  'api-too-large': "EcoTaxa's answer was larger than any real one (over 64 MB): it was not read",
  'api-inconsistent':
    'EcoTaxa answered other than asked: a project not asked for, or a listing that repeats or never ends',
  connection: 'EcoTaxa could not be reached: connection refused or reset, unknown host',
  timeout: 'EcoTaxa did not answer within --timeout',
  'replay-miss': 'with --replay: the recordings have no answer for a request',
  'mass-revoke':
    "a policy's authoritative rule would take back over a quarter of its user's right: see --allow-mass-revoke",
  unclassified: 'a failure without a more precise code; the message says what failed',
  internal: 'a bug in ecotaxa-access: please report it with the output of --verbose',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface UserErrorOptions {
  /** The stable machine code (ERROR_CODES); each subclass has its own. */
  errorCode?: ErrorCode;
  exitCode?: ExitCode;
  /** Extra lines for --verbose (a server traceback, a response body), never secrets. */
  details?: string;
  cause?: unknown;
}

/**
 * An error the user of the command line can act on: its message is one line that says what
 * failed, why, and what to do. The error boundary prints the message alone (no stack unless
 * --verbose). The client's errors (src/api/errors.ts) are not UserErrors: they state facts for
 * any program, and src/cli/error-advice.ts words them for a person.
 *
 * The machine code is `errorCode`, not `code`: Node's errors use `code` for an errno such as
 * ECONNRESET, which is another namespace.
 */
export class UserError extends Error {
  readonly errorCode: ErrorCode;
  readonly exitCode: ExitCode;
  /** Extra lines for --verbose (a server traceback, a response body), never secrets. */
  readonly details: string | undefined;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errorCode = options.errorCode ?? 'unclassified';
    this.exitCode = options.exitCode ?? ExitCode.Error;
    this.details = options.details;
  }
}

/** Wrong flags, arguments or selectors. */
export class UsageError extends UserError {
  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, { errorCode: 'usage', ...options });
  }
}

/** An unreadable or invalid configuration, credentials, plan or journal file. */
export class InputError extends UserError {
  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, { errorCode: 'input', ...options });
  }
}

/** Missing, expired or rejected credentials. */
export class LoginRequiredError extends UserError {
  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, { errorCode: 'login-required', ...options });
  }
}

/** Ctrl-C: stop cleanly, exit 130. */
export class InterruptedError extends UserError {
  constructor(message = 'interrupted') {
    super(message, { errorCode: 'interrupted', exitCode: ExitCode.Interrupted });
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
