import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { argvSecrets, scrubArgv } from '../../src/cli/argv-secrets.js';
import { type CliResult, leaks, runCli, tempHome } from '../support/cli.js';

/*
 * A password or token typed as an option by mistake is refused, and never repeated: not on
 * stderr, not in --json, not by commander's errors (which repeat what they could not parse)
 * nor by the tool's own. Nothing here reaches a server: every line is refused while parsing.
 */

let home: ReturnType<typeof tempHome>;
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

const cli = (argv: string[]): Promise<CliResult> =>
  runCli(argv, { env: { ...home.env, ECOTAXA_URL: 'http://127.0.0.1:9/api' }, cwd: home.home });

const PASSWORD_ADVICE =
  'a password is never given as an option: `ecotaxa-access login` asks for it, or pipe it with --password-stdin (see `ecotaxa-access login --help`)';
const TOKEN_ADVICE =
  'a token is never given as an option: set ECOTAXA_TOKEN, or pipe it to `ecotaxa-access login --token-stdin`';

describe('a secret given as an option', () => {
  it.each([
    [['login', '--password=Hunter2-secret'], 'Hunter2-secret', `unknown option '--password': ${PASSWORD_ADVICE}`],
    [['login', '--password', 'Hunter2-secret'], 'Hunter2-secret', `unknown option '--password': ${PASSWORD_ADVICE}`],
    [['login', '--email', 'a@b.org', '--passwd=pw'], 'pw', `unknown option '--passwd': ${PASSWORD_ADVICE}`],
    [['--password=Hunter2-secret', 'login'], 'Hunter2-secret', `unknown option '--password': ${PASSWORD_ADVICE}`],
    [['login', '--token=eyJ1.abc.def-secret'], 'eyJ1.abc.def-secret', `unknown option '--token': ${TOKEN_ADVICE}`],
    [['whoami', '--secret', 'sesame-secret'], 'sesame-secret', `unknown option '--secret': ${PASSWORD_ADVICE}`],
    [['login', '-pHunter2-secret'], 'Hunter2-secret', "unknown option '-p'"],
    [['login', '--foo=Hunter2-secret'], 'Hunter2-secret', "unknown option '--foo'"],
  ])('%j: refused, naming the option only', async (argv, secret, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`error: ${message}`);
    expect(leaks([{ argv, result }], [secret])).toEqual([]);

    const json = await cli([...argv, '--json']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('usage');
    expect(doc.error.message.split('\n')[0]).toBe(message);
    expect(leaks([{ argv, result: json }], [secret])).toEqual([]);
  });

  it('what follows a secret-like option is never echoed by another error, commander’s or the tool’s', async () => {
    // --concurrency takes "--token=..." as its value and refuses it, quoting it.
    const quoted = await cli(['grant', '1', '--concurrency', '--token=s3cr3t-value', '--yes']);
    expect(quoted.stderr).toBe(
      "error: option '--concurrency <n|auto>' argument '--token=<redacted>' is invalid. expected a whole number or auto.\n",
    );
    // --title takes "--password" as its text, and the password becomes an id the tool refuses.
    const own = await cli(['grant', '--title', '--password', 'Hunter2-secret', '--yes']);
    expect(own.code).toBe(1);
    expect(own.stderr).toContain('"<redacted>" is not a project id');
    expect(
      leaks(
        [
          { argv: [], result: quoted },
          { argv: [], result: own },
        ],
        ['s3cr3t-value', 'Hunter2-secret'],
      ),
    ).toEqual([]);
  });
});

describe('argvSecrets and scrubArgv', () => {
  it('take the value after a secret-like option, but not after --password-stdin nor an option', () => {
    expect(argvSecrets(['login', '--password', 'a', '--token=b', '--api-key', 'c', '--secret'])).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(argvSecrets(['login', '--password-stdin', 'x', '--token-stdin', '--password', '--email', 'e'])).toEqual([]);
    expect(argvSecrets(['grant', '--', '--password', 'x'])).toEqual([]);
  });

  it('keep a short secret out of a message without garbling its words', () => {
    const argv = ['login', '--password', 'in'];
    expect(scrubArgv("error: too many arguments for 'login'. Expected 0 arguments but got 1.", argv)).toBe(
      "error: too many arguments for 'login'. Expected 0 arguments but got 1.",
    );
    expect(scrubArgv(`error: "in" is not a project id`, argv)).toBe('error: "<redacted>" is not a project id');
  });
});
