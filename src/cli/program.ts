import { Command, InvalidArgumentError, Option } from 'commander';
import type { Io } from '../output/io.js';
import { toolVersion } from '../version.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

/*
 * The whole command tree, with every option and its help, and nothing else: command bodies
 * are imported only when their command runs, so `--help` never pays for axios, zod or nock.
 */

export type CommandName =
  | 'demo'
  | 'login'
  | 'logout'
  | 'whoami'
  | 'users find'
  | 'projects list'
  | 'grant'
  | 'revoke'
  | 'plan grant'
  | 'plan revoke'
  | 'apply'
  | 'undo';

/** Runs one command: `args` are its positional arguments, `command` gives its options. */
export type Dispatch = (name: CommandName, args: string[], command: Command) => Promise<void>;

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number.');
  return n;
}

function wholeNumber(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function addSelectionOptions(cmd: Command): Command {
  return cmd
    .option('--all', 'every project where you are explicitly a manager')
    .option('--title <text>', 'projects whose title contains TEXT (or whose id ends with it)')
    .option('--instrument <text>', 'projects whose instrument contains TEXT')
    .option('--ids-from <file>', 'ids from FILE ("-" for stdin): one per line, or a CSV with a projid or id column')
    .option('--exclude <ids>', 'leave out these ids and ranges (repeatable, e.g. 12,40-45)', collect);
}

function addChangeOptions(cmd: Command, kind: 'grant' | 'revoke', mode: 'apply' | 'plan'): Command {
  cmd
    .option(
      '--user <user>',
      'whose right changes: id, exact email or exact name (default: config "user", else aqqua@geomar.de)',
    )
    .option('--right <right>', 'view, annotate or manage', 'view');
  if (kind === 'revoke')
    cmd.option('--any-right', "also remove a right other than --right (never the contact's or the last manager's)");
  if (mode === 'apply') {
    cmd
      .option('--dry-run', 'show the plan and stop: nothing is written')
      .option('-y, --yes', 'apply without asking (required when stdin is not a terminal)');
  }
  cmd
    .option('--out <file>', 'save the plan to FILE, for `apply FILE`')
    .option('--detailed-exitcode', 'exit 0 when nothing is to change, 2 when changes are pending, 1 on error');
  if (mode === 'apply') {
    cmd
      .addOption(
        new Option('--concurrency <n>', 'projects written at once, 1 to 32 (default: config, else 4)').argParser(
          wholeNumber,
        ),
      )
      .option('--strict', 'skip projects whose rights changed since the plan, instead of deciding them again');
  }
  return cmd;
}

const SELECTOR_HELP = `
Selectors:
  ids and ranges     101 2001-2010 (also comma-separated)
  --all              every project you explicitly manage (never "everything" for an administrator)
  --title, --instrument, --ids-from, --exclude
  At least one selector is required: nothing defaults to every project.`;

export function buildProgram(io: Io, dispatch: Dispatch): Command {
  const program = new Command('ecotaxa-access')
    .description(
      "Grant or revoke one user's right on many EcoTaxa projects at once, showing exactly what will change first.",
    )
    .version(toolVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--url <url>', 'EcoTaxa API base URL (env ECOTAXA_URL; default https://ecotaxa.obs-vlfr.fr/api)')
    .option('--json', 'machine-readable JSON on stdout (errors too)')
    .option('-v, --verbose', 'log every HTTP request on stderr; stack traces with errors')
    .option('-q, --quiet', 'print only errors on stderr')
    .addOption(
      new Option('--timeout <seconds>', 'per-request timeout (default: config, else 30)').argParser(positiveNumber),
    )
    .option('--config <file>', 'configuration file (default: searched from here up, then ~/.config/ecotaxa-access/)')
    .option('--insecure', 'allow credentials over plain http:// to a host other than this machine')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .option('--record <dir>', 'record every exchange with EcoTaxa into DIR, secrets scrubbed')
    .option('--replay <dir>', "answer every request from DIR's recordings, with no network at all")
    .option('--scenario <name>', 'with --record: the name of the recording (default: command and time)')
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .addHelpText(
      'after',
      `\n${EXIT_CODES_HELP}\n\nThe README has a walkthrough: list, plan, grant, check, revoke, undo.`,
    );

  const leaf = (cmd: Command, name: CommandName): Command =>
    cmd.exitOverride().action(async (...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      await dispatch(name, command.args, command);
    });

  leaf(
    program
      .command('demo')
      .description('watch the main job, offline: a recorded plan of an invented owner (no account needed)')
      .addHelpText(
        'after',
        '\nReplays `plan grant --all` as recorded for Olivia Owner, an invented owner, on a fake EcoTaxa.\nNothing is sent anywhere; no login is needed. Global options apply (e.g. --json).',
      )
      // Refused before anything starts: a --record would otherwise open a recording first.
      .hook('preAction', (cmd) => {
        const globals = cmd.optsWithGlobals();
        if (globals['replay'] !== undefined || globals['record'] !== undefined) {
          cmd.error('error: demo replays its own recording: leave out --replay and --record');
        }
      }),
    'demo',
  );
  leaf(
    program
      .command('login')
      .description('log in to EcoTaxa and keep the token for this server')
      .option('--email <email>', 'your EcoTaxa email (asked on a terminal if missing)')
      .option('--password-stdin', 'read the password from stdin (never from a flag)')
      .option('--token-stdin', "read a token from stdin instead: e.g. the web site's session cookie")
      .addHelpText(
        'after',
        '\nExamples:\n  $ ecotaxa-access login\n  $ printf %s "$PASSWORD" | ecotaxa-access login --email me@example.org --password-stdin',
      ),
    'login',
  );
  leaf(program.command('logout').description("forget this server's token"), 'logout');
  leaf(program.command('whoami').description('show who you are logged in as, where, and until when'), 'whoami');

  const users = program.command('users').description('find EcoTaxa users');
  leaf(
    users
      .command('find')
      .description('find a user by id, exact email, or name (% is a wildcard)')
      .argument('<query>', 'an id, an email, or a name pattern')
      .addHelpText(
        'after',
        "\nExamples:\n  $ ecotaxa-access users find aqqua@geomar.de\n  $ ecotaxa-access users find '%Colleague%'",
      ),
    'users find',
  );

  const projects = program.command('projects').description('list your projects');
  leaf(
    projects
      .command('list')
      .description("list the projects you manage, with one user's right on each")
      .argument('[ids...]', 'only these ids and ranges (e.g. 101 200-210)')
      .option('--all-rights', 'every project where you have any right, not only those you manage')
      .option('--title <text>', 'titles containing TEXT (or ids ending with it)')
      .option('--instrument <text>', 'instruments containing TEXT')
      .option('--with-user <user>', 'whose right to show (default: config "user", else aqqua@geomar.de)')
      .option('--csv', 'CSV on stdout (feeds `--ids-from`)')
      .addHelpText(
        'after',
        '\nExamples:\n  $ ecotaxa-access projects list\n  $ ecotaxa-access projects list --csv > my-projects.csv',
      ),
    'projects list',
  );

  for (const kind of ['grant', 'revoke'] as const) {
    const verbText = kind === 'grant' ? 'give' : 'take back';
    leaf(
      addChangeOptions(
        addSelectionOptions(
          program
            .command(kind)
            .description(`${verbText} one user's right on many projects: plan, confirm, apply`)
            .argument('[ids...]', 'project ids and ranges'),
        ),
        kind,
        'apply',
      ).addHelpText(
        'after',
        `${SELECTOR_HELP}\n\nExamples:\n  $ ecotaxa-access ${kind} --all --dry-run\n  $ ecotaxa-access ${kind} 101 2001-2010 --yes\n  $ ecotaxa-access ${kind} --ids-from my-projects.csv --user aqqua@geomar.de --right view`,
      ),
      kind,
    );
  }

  const plan = program.command('plan').description('show what grant or revoke would change, and optionally save it');
  for (const kind of ['grant', 'revoke'] as const) {
    leaf(
      addChangeOptions(
        addSelectionOptions(
          plan
            .command(kind)
            .description(`plan a ${kind} (the same as \`${kind} --dry-run\`)`)
            .argument('[ids...]', 'project ids and ranges'),
        ),
        kind,
        'plan',
      ).addHelpText(
        'after',
        `${SELECTOR_HELP}\n\nExamples:\n  $ ecotaxa-access plan ${kind} --all --out ${kind}.plan.json\n  $ ecotaxa-access plan ${kind} --all --replay fixtures/demo --detailed-exitcode`,
      ),
      `plan ${kind}`,
    );
  }

  leaf(
    program
      .command('apply')
      .description('apply a plan saved with `plan ... --out FILE`')
      .argument('<file>', 'the saved plan')
      .option('-y, --yes', 'apply without asking (required when stdin is not a terminal)')
      .option('--strict', 'skip projects whose rights changed since the plan')
      .addOption(new Option('--concurrency <n>', 'projects written at once, 1 to 32').argParser(wholeNumber))
      .addHelpText('after', '\nExample:\n  $ ecotaxa-access apply grant.plan.json'),
    'apply',
  );

  leaf(
    program
      .command('undo')
      .description('put back what an earlier grant, revoke or apply changed (default: the latest)')
      .argument('[journal]', 'a journal file or run id (default: your latest run on this server not undone yet)')
      .option('--dry-run', 'show the plan and stop')
      .option('-y, --yes', 'apply without asking')
      .option('--strict', 'skip projects whose rights changed since the plan')
      .addOption(new Option('--concurrency <n>', 'projects written at once, 1 to 32').argParser(wholeNumber))
      .option('--detailed-exitcode', 'exit 0 when nothing is to change, 2 when changes are pending')
      .addHelpText('after', '\nExamples:\n  $ ecotaxa-access undo --dry-run\n  $ ecotaxa-access undo --yes'),
    'undo',
  );

  for (const cmd of [users, projects, plan]) cmd.exitOverride();
  return program;
}
