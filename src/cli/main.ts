import { type Command, CommanderError } from 'commander';
import { type ErrorCode, ExitCode } from '../errors.js';
import { inert } from '../output/inert.js';
import type { Io } from '../output/io.js';
import { jsonText } from '../output/json.js';
import { refuseBlankValues } from './blank-values.js';
import { scrubArgv } from './argv-secrets.js';
import { buildProgram, type CommandName } from './program.js';
import type { Context } from './context.js';
import { commanderErrorLine, quotedLines, stackLines } from './error-lines.js';

/**
 * What every command module exports. `options` are the command's own options as commander
 * gives them, to be checked by the module's strict schema (a flag the schema lacks is an
 * error, not a silent drop); `name` tells apart the commands one module serves (grant, plan
 * revoke...). It returns its exit code or throws.
 */
export interface CommandModule {
  run(ctx: Context, args: string[], options: Record<string, unknown>, name: CommandName): Promise<number>;
}

const loaders: Record<CommandName, () => Promise<CommandModule>> = {
  demo: () => import('./commands/demo.js'),
  login: () => import('./commands/login.js'),
  logout: () => import('./commands/logout.js'),
  whoami: () => import('./commands/whoami.js'),
  'users find': () => import('./commands/users-find.js'),
  'projects list': () => import('./commands/projects-list.js'),
  grant: () => import('./commands/change.js'),
  revoke: () => import('./commands/change.js'),
  'plan grant': () => import('./commands/change.js'),
  'plan revoke': () => import('./commands/change.js'),
  apply: () => import('./commands/apply.js'),
  undo: () => import('./commands/undo.js'),
  history: () => import('./commands/history.js'),
  report: () => import('./commands/report.js'),
  completion: () => import('./commands/completion.js'),
  sync: () => import('./commands/sync.js'),
  'plan sync': () => import('./commands/sync.js'),
  access: () => import('./commands/access.js'),
  'policy dump': () => import('./commands/policy-dump.js'),
};

interface RunState {
  argv: readonly string[];
  exitCode: number;
  context: Context | undefined;
  json: boolean;
  verbose: boolean;
}

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code. The one error
 * boundary: commands throw, nothing below calls process.exit.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const state: RunState = {
    argv,
    exitCode: ExitCode.Success,
    context: undefined,
    // Known before parsing succeeds, so that even a usage error comes out as JSON.
    json: argv.includes('--json'),
    verbose: argv.includes('--verbose') || argv.includes('-v'),
  };
  const program = buildProgram(io, async ({ name, args, options, globals }) => {
    state.json = globals['json'] === true;
    state.verbose = globals['verbose'] === true;
    // Before the context: a blank value reads no config, no credentials, no file.
    refuseBlankValues({ name, args, options, globals });
    const { createContext } = await import('./context.js');
    state.context = await createContext(io, globals, argv);
    const module = await loaders[name]();
    state.exitCode = await module.run(state.context, args, options, name);
  });
  // Commander's own errors repeat what they could not parse: never a secret typed by mistake,
  // and one line, whatever the argument holds.
  const outputError = (text: string, write: (t: string) => void): void =>
    write(commanderErrorLine(scrubArgv(text, argv)));
  for (const command of everyCommand(program)) command.configureOutput({ outputError });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    state.exitCode = await report(err, io, state);
  }
  if (state.context !== undefined) {
    try {
      await state.context.close(state.exitCode);
    } catch (err) {
      state.exitCode = await report(err, io, state);
    }
  }
  return state.exitCode;
}

async function report(err: unknown, io: Io, state: RunState): Promise<number> {
  // Commander has already printed its message (or the help, or the version).
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return ExitCode.Success;
    if (state.json && err.code !== 'commander.help') {
      const message = scrubArgv(err.message.replace(/^error: /, ''), state.argv);
      writeJsonError(io, { code: 'usage', type: 'UsageError', message, exitCode: ExitCode.Error });
    }
    return ExitCode.Error;
  }
  // Loaded on failure only: `--help` does not load the client's errors.
  const { showError } = await import('./error-advice.js');
  const shownError = showError(err);
  const redact = (text: string): string => scrubArgv(state.context?.redact(text) ?? text, state.argv);
  // Messages quote EcoTaxa's answers, names and files: shown inert and on one line, exact in --json.
  const color = state.context?.output.err;
  io.stderr.write(`${color === undefined ? 'error:' : color.red('error:')} ${inert(redact(shownError.message))}\n`);
  if (state.verbose) {
    const lines = [
      ...(shownError.details === undefined ? [] : quotedLines(redact(shownError.details))),
      ...(err instanceof Error && err.stack !== undefined ? stackLines(err, redact) : []),
    ];
    for (const line of lines) io.stderr.write(`${line}\n`);
  }
  if (state.json) {
    const type = err instanceof Error ? err.name : 'Error';
    const { code, exitCode } = shownError;
    writeJsonError(io, { code, type, message: redact(shownError.message), exitCode });
  }
  return shownError.exitCode;
}

/**
 * A --json error: `code` is the stable field for scripts (ERROR_CODES); `type`, the class
 * name, is kept for compatibility and may change with the code.
 */
function writeJsonError(io: Io, error: { code: ErrorCode; type: string; message: string; exitCode: number }): void {
  io.stdout.write(`${jsonText({ error })}\n`);
}

function everyCommand(command: Command): Command[] {
  return [command, ...command.commands.flatMap(everyCommand)];
}
