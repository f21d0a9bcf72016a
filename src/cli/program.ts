import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import type { Io } from '../output/io.js';
import { inertLines } from '../output/inert.js';
import { toolVersion } from '../version.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { addReadCommands, addReportCommand } from './program-read.js';

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
  | 'undo'
  | 'history'
  | 'report'
  | 'completion'
  | 'sync'
  | 'plan sync'
  | 'access'
  | 'policy dump';

/** One command to run, as commander parsed it: plain data, checked by the command's own schema. */
export interface Invocation {
  name: CommandName;
  /** Its positional arguments. */
  args: string[];
  /** Its own options (commander's attribute names), without the global ones. */
  options: Record<string, unknown>;
  /** The global options, wherever they were on the line. */
  globals: Record<string, unknown>;
}

export type Dispatch = (invocation: Invocation) => Promise<void>;

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number.');
  return n;
}

function wholeNumber(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function wholeNumberOrAuto(value: string): number | 'auto' {
  if (value.trim() === 'auto') return 'auto';
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number or auto.');
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
    .option('--exclude <ids>', 'leave out these ids and ranges (repeatable, e.g. 12,40-45)', collect)
    .option('--pick', 'on a terminal, choose among the selected projects (default: all you manage) from a list');
}

/** --concurrency and --max-concurrency, on every command that writes. */
function addConcurrencyOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--concurrency <n|auto>',
        'projects written at once: 1 to 32, or auto to adapt to the server (default: config, else auto)',
      ).argParser(wholeNumberOrAuto),
    )
    .addOption(
      new Option('--max-concurrency <n>', 'the most auto may reach, 1 to 32 (default: config, else 8)').argParser(
        wholeNumber,
      ),
    );
}

/** --show-unchanged, on every command that shows a plan (grant, revoke, plan, apply, undo). */
const SHOW_UNCHANGED_HELP = 'list the projects left as they are, not only their count';

function addChangeOptions(cmd: Command, kind: 'grant' | 'revoke', mode: 'apply' | 'plan'): Command {
  cmd
    .option(
      '--user <user>',
      'whose right changes: id, exact email or exact name (default: config "user", else aqqua@geomar.de)',
    )
    .option('--right <right>', 'view, annotate or manage', 'view');
  if (kind === 'revoke')
    cmd.option('--any-right', "also remove a right other than --right (never the contact's or the last manager's)");
  cmd.option(
    '--fix-contact',
    'make you the contact of legacy projects EcoTaxa refuses to update otherwise (no contact, an inactive one, or one not a manager)',
  );
  cmd.option('--show-unchanged', SHOW_UNCHANGED_HELP);
  if (mode === 'apply') {
    cmd
      .option('--dry-run', 'show the plan and stop: nothing is written')
      .option('-y, --yes', 'apply without asking (required when stdin is not a terminal)');
  }
  cmd
    .option('--out <file>', 'save the plan to FILE, for `apply FILE` ("-": the plan as JSON on stdout)')
    .option('--force', 'let --out replace FILE even if it is not a plan saved by ecotaxa-access')
    .option('--detailed-exitcode', 'exit 0 when nothing is to change, 2 when changes are pending, 1 on error');
  if (mode === 'apply') {
    addConcurrencyOptions(cmd).option(
      '--strict',
      'skip projects whose rights changed since the plan, instead of deciding them again',
    );
  }
  return cmd;
}

/** The options of sync and plan sync (README "Sharing as code"). */
function addSyncOptions(cmd: Command, mode: 'apply' | 'plan'): Command {
  if (mode === 'apply') {
    cmd
      .option('--dry-run', 'show the plan and stop: nothing is written')
      .option('-y, --yes', 'apply without asking (required when stdin is not a terminal)');
  }
  cmd
    .option('--out <file>', 'save the plan to FILE, for `apply FILE` ("-": the plan as JSON on stdout)')
    .option('--force', 'let --out replace FILE even if it is not a plan saved by ecotaxa-access')
    .option('--detailed-exitcode', 'exit 0 when nothing is to change, 2 when changes are pending, 1 on error')
    .addOption(
      new Option('--format <format>', 'text, or markdown for a CI job summary or a pull-request comment').choices([
        'text',
        'markdown',
      ]),
    )
    .option('--show-unchanged', SHOW_UNCHANGED_HELP)
    .option(
      '--allow-mass-revoke',
      'let an authoritative rule take back more than a quarter of the projects where its user holds its right',
    );
  if (mode === 'apply') {
    addConcurrencyOptions(cmd).option(
      '--strict',
      'skip projects whose rights changed since the plan, instead of deciding them again',
    );
  }
  return cmd;
}

const SYNC_HELP = `
The policy (YAML or JSON):
  version: 1
  rules:
    - user: aqqua@geomar.de        # id, exact email or exact name, as --user
      right: view                  # view | annotate | manage
      projects: { instrument: [UVP5HD, UVP5SD, UVP6], exclude: [12, "40-45"] }
      mode: additive               # or authoritative: also take the right back elsewhere
      until: 2027-07-31            # from this day (UTC) the rule takes back what it gives
  Only projects you explicitly manage are ever changed. See the README, "Sharing as code".`;

const SELECTOR_HELP = `
Selectors:
  ids and ranges     101 2001-2010 (also comma-separated)
  --all              every project you explicitly manage (never "everything" for an administrator)
  --title, --instrument, --ids-from, --exclude
  --pick             choose from a list of the selected projects (alone: all you manage)
  At least one selector (or --pick) is required: nothing defaults to every project.`;

/** The last line of every command's help: the global options are listed once, at the top. */
export const GLOBAL_OPTIONS_LINE = 'Global options (--url, --json, --verbose, ...): see `ecotaxa-access --help`.';

/** An "Examples:" block, one `$ ecotaxa-access ...` line each (a line naming the tool already, e.g. a pipe, as is). */
function examples(...lines: string[]): string {
  const shown = lines.map((l) => (l.includes('ecotaxa-access ') ? l : `ecotaxa-access ${l}`));
  return `\nExamples:\n${shown.map((l) => `  $ ${l}`).join('\n')}`;
}

export function buildProgram(io: Io, dispatch: Dispatch): Command {
  // Off a terminal, or on one that reports 0 columns (some CI runners): 80, commander's default.
  const width = (stream: Io['stdout']): number =>
    stream.isTTY === true && stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
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
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      // Commander's errors quote the arguments as typed: inert, as any text from outside.
      writeErr: (s) => io.stderr.write(inertLines(s)),
      getOutHelpWidth: () => width(io.stdout),
      getErrHelpWidth: () => width(io.stderr),
    })
    .addHelpText(
      'after',
      `${examples('login', 'projects list', 'grant --all --dry-run', 'grant --all', 'undo')}\n\n${EXIT_CODES_HELP}\n\nEvery command has --help with examples. The README has a walkthrough: list, plan, grant, check, revoke, undo.`,
    );

  /** A command that runs: its help ends with examples and the pointer to the global options. */
  const leaf = (cmd: Command, name: CommandName, helpAfter: string): Command =>
    cmd
      .addHelpText('after', `${helpAfter}\n\n${GLOBAL_OPTIONS_LINE}`)
      .exitOverride()
      .action(async (...params: unknown[]) => {
        const command = params[params.length - 1] as Command;
        await dispatch({
          name,
          args: [...command.args],
          options: { ...command.opts() },
          globals: { ...program.opts() },
        });
      });
  /** A command that only groups others (users, projects, plan). */
  const group = (cmd: Command, helpAfter: string): Command =>
    cmd.addHelpText('after', `${helpAfter}\n\n${GLOBAL_OPTIONS_LINE}`).exitOverride();

  leaf(
    program
      .command('demo')
      .description('watch the main job, offline: a recorded plan of an invented owner (no account needed)')
      // Refused before anything starts: a --record would otherwise open a recording first.
      .hook('preAction', (cmd) => {
        const globals = cmd.optsWithGlobals();
        if (globals['replay'] !== undefined || globals['record'] !== undefined) {
          cmd.error('error: demo replays its own recording: leave out --replay and --record');
        }
      }),
    'demo',
    `\nReplays \`plan grant --all\` as recorded for Olivia Owner, an invented owner, on a fake EcoTaxa:\nnothing is sent anywhere, no login is needed.\n${examples('demo', 'demo --json')}`,
  );
  leaf(
    program
      .command('login')
      .description('log in to EcoTaxa and keep the token for this server')
      .option('--email <email>', 'your EcoTaxa email (asked on a terminal if missing)')
      .option('--password-stdin', 'read the password from stdin (never from a flag)')
      .option('--token-stdin', "read a token from stdin instead: e.g. the web site's session cookie"),
    'login',
    examples(
      'login',
      'printf %s "$PASSWORD" | ecotaxa-access login --email me@example.org --password-stdin',
      'login --token-stdin < session-cookie.txt',
    ),
  );
  leaf(
    program.command('logout').description("forget this server's token"),
    'logout',
    examples('logout', 'logout --url https://ecotaxa.example.org/api'),
  );
  leaf(
    program.command('whoami').description('show who you are logged in as, where, and until when'),
    'whoami',
    examples('whoami', 'whoami --json'),
  );

  const users = group(
    program.command('users').description('find EcoTaxa users'),
    examples('users find aqqua@geomar.de'),
  );
  leaf(
    users
      .command('find')
      .description('find a user by id, exact email, or name (% is a wildcard); exit 1 if nobody matches')
      .argument('<query>', 'an id, an email, or a name pattern'),
    'users find',
    examples('users find aqqua@geomar.de', "users find '%Colleague%'", 'users find 10 --json'),
  );

  const projects = group(program.command('projects').description('list your projects'), examples('projects list'));
  leaf(
    projects
      .command('list')
      .description("list the projects you manage, with one user's right on each")
      .argument('[ids...]', 'only these ids and ranges (e.g. 101 200-210)')
      .option('--all-rights', 'every project where you have any right, not only those you manage')
      .option('--title <text>', 'titles containing TEXT (or ids ending with it)')
      .option('--instrument <text>', 'instruments containing TEXT')
      .option('--with-user <user>', 'whose right to show (default: config "user", else aqqua@geomar.de)')
      .option('--csv', 'CSV on stdout (feeds `--ids-from`)'),
    'projects list',
    examples(
      'projects list',
      'projects list 101 200-210 --with-user colleague@example.org',
      'projects list --all-rights --title Kiel --json',
      'projects list --csv > my-projects.csv',
    ),
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
      ),
      kind,
      `${SELECTOR_HELP}\n${examples(
        `${kind} --all --dry-run`,
        `${kind} 101 2001-2010 --yes`,
        `${kind} --ids-from my-projects.csv --user aqqua@geomar.de --right view`,
        `${kind} --all --yes --max-concurrency 4`,
        `${kind} --instrument UVP --pick`,
      )}`,
    );
  }

  const plan = group(
    program.command('plan').description('show what grant, revoke or sync would change, and optionally save it'),
    examples('plan grant --all', 'plan revoke --all --out revoke.plan.json', 'plan sync sharing.yaml'),
  );
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
      ),
      `plan ${kind}`,
      `${SELECTOR_HELP}\n${examples(
        `plan ${kind} --all --out ${kind}.plan.json`,
        `plan ${kind} --all --replay fixtures/demo --detailed-exitcode`,
      )}`,
    );
  }

  leaf(
    addSyncOptions(
      program
        .command('sync')
        .description('make the rights on your projects what a policy file says: plan, confirm, apply')
        .argument('<file>', 'the policy, YAML or JSON'),
      'apply',
    ),
    'sync',
    `${SYNC_HELP}\n${examples(
      'sync sharing.yaml',
      'sync sharing.yaml --dry-run --detailed-exitcode',
      'sync sharing.yaml --dry-run --format markdown >> "$GITHUB_STEP_SUMMARY"',
      'sync sharing.yaml --yes',
    )}`,
  );
  leaf(
    addSyncOptions(
      plan
        .command('sync')
        .description('plan a policy file (the same as `sync FILE --dry-run`)')
        .argument('<file>', 'the policy, YAML or JSON'),
      'plan',
    ),
    'plan sync',
    `${SYNC_HELP}\n${examples(
      'plan sync sharing.yaml --out sync.plan.json',
      'plan sync sharing.yaml --replay fixtures/sync --detailed-exitcode',
    )}`,
  );

  addReadCommands(program, { leaf, group, examples, collect });

  leaf(
    addConcurrencyOptions(
      program
        .command('apply')
        .description('apply a plan saved with `plan ... --out FILE`')
        .argument('<file>', 'the saved plan')
        .option('-y, --yes', 'apply without asking (required when stdin is not a terminal)')
        .option('--strict', 'skip projects whose rights changed since the plan'),
    ).option('--show-unchanged', SHOW_UNCHANGED_HELP),
    'apply',
    examples('apply grant.plan.json', 'apply grant.plan.json --yes --strict'),
  );

  leaf(
    addConcurrencyOptions(
      program
        .command('undo')
        .description('put back what an earlier grant, revoke or apply changed (default: the latest)')
        .argument(
          '[runs...]',
          'run ids (as `history` lists them) or journal files (default: your latest run on this server not undone yet)',
        )
        .option('--dry-run', 'show the plan and stop')
        .option('-y, --yes', 'apply without asking')
        .option('--strict', 'skip projects whose rights changed since the plan'),
    )
      .option('--detailed-exitcode', 'exit 0 when nothing is to change, 2 when changes are pending')
      .option('--show-unchanged', SHOW_UNCHANGED_HELP),
    'undo',
    examples(
      'undo --dry-run',
      'undo --yes',
      'undo 20261126T210741995Z-624591 --yes',
      'undo 20261126T210741995Z-624591 20261127T081502113Z-0c9e4f',
    ),
  );

  leaf(
    program
      .command('history')
      .description('list the runs that changed rights, newest first: what, when, for whom, and what undid them')
      .option('--all-servers', "every server's runs, not only this server's")
      .addOption(new Option('--ids', 'one run id per line, newest first (for shell completion)').hideHelp()),
    'history',
    examples('history', 'history --all-servers', 'history --json'),
  );

  addReportCommand(program, { leaf, group, examples, collect });

  leaf(
    program
      .command('completion')
      .description('print a shell completion script: commands, options, and run ids for undo')
      .addArgument(new Argument('<shell>', 'the shell to complete in').choices(['bash', 'zsh', 'fish'])),
    'completion',
    examples(
      'completion bash > ~/.local/share/bash-completion/completions/ecotaxa-access',
      'completion zsh > ~/.zfunc/_ecotaxa-access',
      'completion fish > ~/.config/fish/completions/ecotaxa-access.fish',
    ),
  );

  return program;
}
