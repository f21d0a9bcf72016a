import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import type { Io } from '../output/io.js';
import { inertLines } from '../output/inert.js';
import { toolVersion } from '../version.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { addReadCommands, addReportCommand } from './program-read.js';
import { addApplyCommands, addChangeCommands, addSyncCommands } from './program-write.js';

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

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The selectors every command that selects projects has (their --all and --pick differ). */
function projectFilters(cmd: Command): Command {
  return cmd
    .option('--title <text>', 'projects whose title contains TEXT (or whose id ends with it)')
    .option('--instrument <text>', 'projects whose instrument contains TEXT')
    .option('--ids-from <file>', 'ids from FILE ("-" for stdin): one per line, or a CSV with a projid or id column')
    .option('--exclude <ids>', 'leave out these ids and ranges (repeatable, e.g. 12,40-45)', collect);
}

/** The last line of every command's help: the global options are listed once, at the top. */
export const GLOBAL_OPTIONS_LINE = 'Global options (--url, --json, --verbose, ...): see `ecotaxa-access --help`.';

/** An "Examples:" block, one `$ ecotaxa-access ...` line each (a line naming the tool already, e.g. a pipe, as is). */
function examples(...lines: string[]): string {
  const shown = lines.map((l) => (l.includes('ecotaxa-access ') ? l : `ecotaxa-access ${l}`));
  return `\nExamples:\n${shown.map((l) => `  $ ${l}`).join('\n')}`;
}

/** What the files declaring commands use: how a command runs, and the help's building blocks. */
export interface TreeTools {
  /** A command that runs: its help ends with examples and the pointer to the global options. */
  leaf: (cmd: Command, name: CommandName, helpAfter: string) => Command;
  /** A command that only groups others. */
  group: (cmd: Command, helpAfter: string) => Command;
  examples: (...lines: string[]) => string;
  collect: (value: string, previous: string[] | undefined) => string[];
  /** Adds --title, --instrument, --ids-from and --exclude. */
  projectFilters: (cmd: Command) => Command;
}

/**
 * The command tree, in the order `--help` and completion list it. Each command's body is
 * imported by `dispatch` only when that command runs.
 */
export function buildProgram(io: Io, dispatch: Dispatch): Command {
  const program = rootCommand(io);
  const tools = treeTools(program, dispatch);
  addSessionCommands(program, tools);
  addListCommands(program, tools);
  const plan = addChangeCommands(program, tools);
  addSyncCommands(program, plan, tools);
  addReadCommands(program, tools);
  addApplyCommands(program, tools);
  addHistoryCommand(program, tools);
  addReportCommand(program, tools);
  addCompletionCommand(program, tools);
  return program;
}

/** The program itself: its global options, its output, and its help's last lines. */
function rootCommand(io: Io): Command {
  // Off a terminal, or on one that reports 0 columns (some CI runners): 80, commander's default.
  const width = (stream: Io['stdout']): number =>
    stream.isTTY === true && stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
  return new Command('ecotaxa-access')
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
      // A group's help (ours, of several lines) and commander's errors, which quote the
      // arguments as typed: inert, as any text from outside. Each error comes here as one
      // line (src/cli/main.ts).
      writeErr: (s) => io.stderr.write(inertLines(s)),
      getOutHelpWidth: () => width(io.stdout),
      getErrHelpWidth: () => width(io.stderr),
    })
    .addHelpText(
      'after',
      `${examples('login', 'projects list', 'grant --all --dry-run', 'grant --all', 'undo')}\n\n${EXIT_CODES_HELP}\n\nEvery command has --help with examples. The README has a walkthrough: list, plan, grant, check, revoke, undo.`,
    );
}

function treeTools(program: Command, dispatch: Dispatch): TreeTools {
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
  const group = (cmd: Command, helpAfter: string): Command =>
    cmd.addHelpText('after', `${helpAfter}\n\n${GLOBAL_OPTIONS_LINE}`).exitOverride();
  return { leaf, group, examples, collect, projectFilters };
}

/** demo, login, logout, whoami. */
function addSessionCommands(program: Command, { leaf, examples }: TreeTools): void {
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
}

/** users find, projects list. */
function addListCommands(program: Command, { leaf, group, examples }: TreeTools): void {
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
}

function addHistoryCommand(program: Command, { leaf, examples }: TreeTools): void {
  leaf(
    program
      .command('history')
      .description('list the runs that changed rights, newest first: what, when, for whom, and what undid them')
      .option('--all-servers', "every server's runs, not only this server's")
      .addOption(new Option('--ids', 'one run id per line, newest first (for shell completion)').hideHelp()),
    'history',
    examples('history', 'history --all-servers', 'history --json'),
  );
}

function addCompletionCommand(program: Command, { leaf, examples }: TreeTools): void {
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
}
