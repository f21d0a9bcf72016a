import { type Command, Option } from 'commander';

/*
 * `report`'s place in the command tree (program.ts composes it): its options and help, and
 * nothing else, so that `--help` stays free of zod and the HTTP client.
 */

export interface ProgramHelpers {
  collect: (value: string, previous: string[] | undefined) => string[];
  examples: (...lines: string[]) => string;
}

/** The `report` command, not yet a leaf, and the help text that goes after its options. */
export function defineReport(program: Command, { collect, examples }: ProgramHelpers): [Command, string] {
  const command = program
    .command('report')
    .description(
      'what you shared: the projects you manage where a user has a right, since when and by which run (--received: what you were given)',
    )
    .argument('[ids...]', 'only these ids and ranges (default: every project you manage)')
    .option('--all', 'every project you manage (the default)')
    .option('--title <text>', 'projects whose title contains TEXT (or whose id ends with it)')
    .option('--instrument <text>', 'projects whose instrument contains TEXT')
    .option('--ids-from <file>', 'ids from FILE ("-" for stdin): one per line, or a CSV with a projid or id column')
    .option('--exclude <ids>', 'leave out these ids and ranges (repeatable, e.g. 12,40-45)', collect)
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
    );
  const help = `
Since when and by which run: from this machine's journals, as \`history\` lists
the runs; a right no journal explains shows "before the journals". For AqQua's
account, the report states the condition of AqQua's call for data (publishable
under CC BY-NC 4.0 by 15 July 2027) and marks the projects still private.
${examples(
  'report',
  'report --format markdown > shared-with-aqqua.md',
  'report --instrument UVP --csv',
  'report --user colleague@example.org --json',
  'report --received',
  'report --received --csv > owners-to-tell.csv',
)}`;
  return [command, help];
}
