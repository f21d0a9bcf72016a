import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/*
 * --help: examples everywhere, the global options listed once (top level), and every other
 * command's help ending on the one line that points there. Off a terminal help is 80 wide.
 */

const POINTER = 'Global options (--url, --json, --verbose, ...): see `ecotaxa-access --help`.';

const COMMANDS = [
  ['login'],
  ['logout'],
  ['whoami'],
  ['users'],
  ['users', 'find'],
  ['projects'],
  ['projects', 'list'],
  ['grant'],
  ['revoke'],
  ['plan'],
  ['plan', 'grant'],
  ['plan', 'revoke'],
  ['plan', 'sync'],
  ['sync'],
  ['apply'],
  ['undo'],
  ['history'],
  ['report'],
  ['completion'],
  ['access'],
  ['policy'],
  ['policy', 'dump'],
];

describe('--help', () => {
  it('logout --help, exactly', async () => {
    expect(await runCli(['logout', '--help'])).toEqual({
      code: 0,
      stdout: `Usage: ecotaxa-access logout [options]

forget this server's token

Options:
  -h, --help  show help

Examples:
  $ ecotaxa-access logout
  $ ecotaxa-access logout --url https://ecotaxa.example.org/api

${POINTER}
`,
      stderr: '',
    });
  });

  it('undo --help, exactly', async () => {
    expect(await runCli(['undo', '--help'])).toEqual({
      code: 0,
      stdout: `Usage: ecotaxa-access undo [options] [runs...]

put back what an earlier grant, revoke or apply changed (default: the latest)

Arguments:
  runs                    run ids (as \`history\` lists them) or journal files
                          (default: your latest run on this server not undone
                          yet)

Options:
  --dry-run               show the plan and stop
  -y, --yes               apply without asking
  --strict                skip projects whose rights changed since the plan
  --concurrency <n|auto>  projects written at once: 1 to 32, or auto to adapt to
                          the server (default: config, else auto)
  --max-concurrency <n>   the most auto may reach, 1 to 32 (default: config,
                          else 8)
  --detailed-exitcode     exit 0 when nothing is to change, 2 when changes are
                          pending
  --show-unchanged        list the projects left as they are, not only their
                          count
  -h, --help              show help

Examples:
  $ ecotaxa-access undo --dry-run
  $ ecotaxa-access undo --yes
  $ ecotaxa-access undo 20261126T210741995Z-624591 --yes
  $ ecotaxa-access undo 20261126T210741995Z-624591 20261127T081502113Z-0c9e4f

${POINTER}
`,
      stderr: '',
    });
  });

  it.each(COMMANDS.map((c) => [c.join(' '), c]))(
    '%s --help: examples, no global option, the pointer last',
    async (_name, command) => {
      const { code, stdout, stderr } = await runCli([...command, '--help']);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toContain(`\nExamples:\n  $ ecotaxa-access ${command.join(' ')}`);
      expect(stdout.endsWith(`\n\n${POINTER}\n`)).toBe(true);
      const options = stdout.slice(
        stdout.indexOf('\nOptions:\n'),
        stdout.indexOf('\n\n', stdout.indexOf('\nOptions:\n') + 1),
      );
      for (const global of [
        '--url',
        '--json',
        '--timeout',
        '--config',
        '--insecure',
        '--record',
        '--replay',
        '--verbose',
      ]) {
        expect(options, global).not.toContain(global);
      }
      for (const line of stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    },
  );

  it('the top-level help lists the global options once, and no pointer', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout.match(/--timeout <seconds>/g)).toHaveLength(1);
    expect(stdout).not.toContain(POINTER);
    expect(stdout).toContain('\nExamples:\n  $ ecotaxa-access login\n');
  });
});
