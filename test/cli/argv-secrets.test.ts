import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { argvSecrets, scrubArgv } from '../../src/cli/argv-secrets.js';
import { ME_BODY } from '../support/ecotaxa-answers.js';
import { type CliResult, leaks, runCli } from '../support/cli.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * A password or token typed as an option by mistake is refused, and never repeated: not on
 * stderr, not in --json, not by commander's errors (which repeat what they could not parse)
 * nor by the tool's own. Nothing here reaches a server: every line is refused while parsing.
 */

/** No server: a URL where nothing answers, which no command here may reach. */
const { home, cli } = useFakeEcoTaxa({ world: null, env: { ECOTAXA_URL: 'http://127.0.0.1:9/api' } });

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

/*
 * A login against a server that echoes what it is sent: the password in a failed login's
 * validation error (as FastAPI does), the token in later answers. Neither may reach the
 * recording (--record), stderr, or --verbose's details.
 */
describe('secrets a server echoes', () => {
  const WRONG = 'wrong-Pass-1';
  const SHORT = 'pw9';
  const TOKEN = 'opaque-token-value-123'; // not the usual itsdangerous shape

  async function echoingServer(): Promise<{ url: string; close: () => Promise<void> }> {
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const send = (status: number, value: unknown, location?: string): void => {
          res.writeHead(status, {
            'content-type': 'application/json',
            ...(location === undefined ? {} : { location }),
          });
          res.end(JSON.stringify(value));
        };
        const p = (req.url ?? '').replace(/^\/api/, '').split('?')[0];
        if (req.method === 'POST' && p === '/login') {
          const { password } = JSON.parse(body) as { password: string };
          if (password === SHORT) return send(200, TOKEN);
          return send(422, {
            detail: [
              {
                type: 'value_error',
                loc: ['body', 'password'],
                msg: `Value error, '${password}' is wrong`,
                input: password,
              },
            ],
          });
        }
        if (req.method === 'GET' && p === '/users/me') {
          // Echoes the Authorization it was sent, and the password of the login before, in a header.
          const sent = (req.headers.authorization ?? '').replace(/^Bearer /, '');
          return send(
            200,
            { ...ME_BODY, last_used_projects: [], echo: `Bearer ${TOKEN}`, pw: SHORT, [TOKEN]: 1 },
            `/api/x?t=${sent}&p=${SHORT}`,
          );
        }
        return send(404, { detail: 'Not Found' });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/api`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('are in no recording, no error and no --verbose detail', async () => {
    const server = await echoingServer();
    try {
      const rec = path.join(home.home, 'rec');
      const login = (password: string, ...more: string[]): Promise<CliResult> =>
        runCli(
          ['--url', server.url, '--record', rec, ...more, 'login', '--email', 'owner@example.org', '--password-stdin'],
          {
            env: home.env,
            cwd: home.home,
            stdin: password,
          },
        );
      const failed = await login(WRONG, '--verbose', '--scenario', 'failed');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("'<redacted>' is wrong");
      const ok = await login(SHORT, '--scenario', 'ok');
      expect(ok.code, ok.stderr).toBe(0);
      const recordings = ['failed', 'ok'].map((n) => fs.readFileSync(path.join(rec, `${n}.json`), 'utf8')).join('\n');
      expect(recordings).toContain('<PASSWORD>');
      for (const secret of [WRONG, TOKEN]) expect(recordings).not.toContain(secret);
      // The short password only where it stands alone: as a whole value, quoted, or in a query.
      expect(recordings).not.toMatch(/["'=]pw9["'&]?/);
      expect(
        leaks(
          [
            { argv: ['login'], result: failed },
            { argv: ['login'], result: ok },
          ],
          [WRONG, TOKEN],
        ),
      ).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
