import { type Command, Option } from 'commander';
import type { TreeTools } from './program.js';

/*
 * The commands that only read and report (access, policy dump, report), declared as
 * program.ts declares the others: options and help, no command body.
 */

/** The selectors of the commands that only read (access, policy dump, report): none means every project you manage. */
function addReadSelectionOptions(cmd: Command, projectFilters: TreeTools['projectFilters']): Command {
  return projectFilters(
    cmd
      .argument('[ids...]', 'project ids and ranges (default: every project you manage)')
      .option('--all', 'every project where you are explicitly a manager (the default)'),
  );
}

const ACCESS_HELP = `
Without a selector: every project you manage (access only reads). You are left out of the rows.
Worth a look, after the table: other managers; members whose email domain is neither yours nor
another manager's of the project; people with a right on more than 5 of the projects who manage
none (data consumers?); projects EcoTaxa refuses to update for their contact.`;

const POLICY_DUMP_HELP = `
One rule per user and right, users by id (a comment names them), projects by id and range (the
file starts with their titles), mode additive: \`sync\` of the file plans no change. Without
--user: every member but you, the managers' Manage rights left out unless --include-managers.
--authoritative dumps every project you manage (no selectors: its rules take back elsewhere).`;

export function addReadCommands(program: Command, { leaf, group, examples, collect, projectFilters }: TreeTools): void {
  leaf(
    addReadSelectionOptions(
      program
        .command('access')
        .description('who has what on your projects: one row per person (or per project), and what deserves a look'),
      projectFilters,
    )
      .option('--user <user>', 'only this person: id, exact email or exact name')
      .option('--right <right>', 'only this right: view, annotate or manage')
      .option('--by-project', 'one row per project, with its members by right')
      .option('--csv', 'CSV on stdout: every id, whole')
      .addOption(new Option('--format <format>', 'text, or markdown for a report').choices(['text', 'markdown'])),
    'access',
    `${ACCESS_HELP}\n${examples(
      'access',
      'access --user aqqua@geomar.de',
      'access --by-project --instrument UVP',
      'access --right manage --json',
      'access --csv > who-has-what.csv',
    )}`,
  );

  const policy = group(
    program.command('policy').description('policy files (Sharing as code): write one from what is'),
    examples('policy dump --out sharing.yaml'),
  );
  leaf(
    addReadSelectionOptions(
      policy.command('dump').description('write the policy file of what is now: sync of it plans no change'),
      projectFilters,
    )
      .option('--user <user>', 'only this user (repeatable): id, exact email or exact name', collect)
      .option('--include-managers', "also the other managers' Manage rights")
      .option('--authoritative', 'authoritative rules (every project you manage; no selectors)')
      .option('--out <file>', 'write the policy to FILE instead of stdout')
      .option('--force', 'let --out replace a file that is not a policy (default: refuse)'),
    'policy dump',
    `${POLICY_DUMP_HELP}\n${examples(
      'policy dump --out sharing.yaml',
      'policy dump --user aqqua@geomar.de --instrument UVP',
      'policy dump --authoritative --include-managers --out all-rights.yaml',
      'plan sync sharing.yaml --detailed-exitcode',
    )}`,
  );
}

const REPORT_HELP = `
Since when and by which run: from this machine's journals, as \`history\` lists
the runs; a right no journal explains shows "before the journals". For AqQua's
account, the report states the condition of AqQua's call for data (publishable
under CC BY-NC 4.0 by 15 July 2027) and marks the projects still private.`;

export function addReportCommand(program: Command, { leaf, examples, projectFilters }: TreeTools): void {
  leaf(
    addReadSelectionOptions(
      program
        .command('report')
        .description(
          'what you shared: the projects you manage where a user has a right, since when and by which run (--received: what you were given)',
        ),
      projectFilters,
    )
      .option(
        '--user <user>',
        'whose rights: id, exact email or exact name (default: config "user", else aqqua@geomar.de)',
      )
      .option('--received', 'the other side: projects where you have a right but do not manage it, grouped by contact')
      .option('--csv', 'CSV on stdout: one row per project (--received: one per contact)')
      .addOption(
        new Option('--format <format>', 'text, or markdown to paste into a form or an email').choices([
          'text',
          'markdown',
        ]),
      ),
    'report',
    `${REPORT_HELP}\n${examples(
      'report',
      'report --format markdown > shared-with-aqqua.md',
      'report --instrument UVP --csv',
      'report --user colleague@example.org --json',
      'report --received',
      'report --received --csv > owners-to-tell.csv',
    )}`,
  );
}
