/**
 * The exit codes as `--help` shows them (the codes themselves are ExitCode in src/errors.ts;
 * keep this text, ExitCode and the README in step).
 */
export const EXIT_CODES_HELP = `Exit codes:
  0    success, including projects skipped among those --all, --title or
       --instrument selected (each listed on stderr), and named projects that
       already are as asked; with --detailed-exitcode: nothing to change
  1    error: usage, input, configuration, login, network, server; a project
       that failed; a project you named (by id, range or --ids-from) that is
       not found or cannot be changed, after doing the rest (each on stderr);
       \`projects list ID\`, \`access ID\` or \`policy dump ID\` with an id not
       found; \`users find\` finding nobody; \`access\` whose selectors, --user or
       --right match nothing; \`policy dump\` with nothing to dump
  2    with --detailed-exitcode: changes pending
  130  interrupted (Ctrl-C); running the same command again finishes the job`;
