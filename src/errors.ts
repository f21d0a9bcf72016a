import { ExitCode } from './cli/exit-codes.js';

/**
 * An error the user can act on: its message is one line that says what failed, why, and
 * what to do. The error boundary prints the message alone (no stack unless --verbose).
 */
export class UserError extends Error {
  readonly exitCode: ExitCode;
  /** Extra lines for --verbose (a server traceback, a response body), never secrets. */
  readonly details: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCode; details?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? ExitCode.Error;
    this.details = options.details;
  }
}

/** Wrong flags, arguments or selectors. */
export class UsageError extends UserError {}

/** An unreadable or invalid configuration, credentials, plan or journal file. */
export class InputError extends UserError {}

/** Missing, expired or rejected credentials. */
export class LoginRequiredError extends UserError {}

/** Ctrl-C: stop cleanly, exit 130. */
export class InterruptedError extends UserError {
  constructor(message = 'interrupted') {
    super(message, { exitCode: ExitCode.Interrupted });
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
