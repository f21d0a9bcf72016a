/**
 * Exit codes, shared by the error boundary, `--help` and the README (keep the three in step).
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

export const EXIT_CODES_HELP = `Exit codes:
  0    success (with --detailed-exitcode: nothing to change)
  1    error: usage, input, configuration, login, network, server, or a project that failed
  2    with --detailed-exitcode: changes pending
  130  interrupted (Ctrl-C); running the same command again finishes the job`;
