/**
 * The exit codes as `--help` shows them (the codes themselves are ExitCode in src/errors.ts;
 * keep this text, ExitCode and the README in step).
 */
export const EXIT_CODES_HELP = `Exit codes:
  0    success (with --detailed-exitcode: nothing to change)
  1    error: usage, input, configuration, login, network, server, a failed
       project; also \`users find\` finding nobody
  2    with --detailed-exitcode: changes pending
  130  interrupted (Ctrl-C); running the same command again finishes the job`;
