import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, leaks, type RunOptions } from '../support/cli.js';
import { FakeEcoTaxa } from '../support/fake-ecotaxa.js';
import { startFakeServer } from '../support/fake-server.js';
import { ADMIN, AQQUA, AQQUA_ARCHIVE, COLLEAGUE, INACTIVE, OWNER, VICTOR } from '../support/people.js';
import { seedWorld } from '../support/seed.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * login, logout, whoami, and how every command treats a missing, bad or expired token and a
 * URL that is not EcoTaxa: one line on stderr, exit 1, nothing saved, no secret printed.
 */

const DAY_MS = 86_400_000;
const TOKEN_LIFETIME_S = 2_678_400;
const WRONG_PASSWORD = 'Not-Her-Password-77';

// ---- secrets: every output of this file is checked at the end ---------------------------

const outputs: { argv: string[]; result: CliResult }[] = [];
const secrets = new Set<string>([
  OWNER.password,
  AQQUA.password,
  COLLEAGUE.password,
  VICTOR.password,
  AQQUA_ARCHIVE.password,
  INACTIVE.password,
  ADMIN.password,
  WRONG_PASSWORD,
]);

function addToken(token: string): void {
  secrets.add(token);
  // The signature is what makes a token worth stealing: not even that part may show.
  const signature = token.split('.').at(-1);
  if (signature !== undefined && signature.length >= 8) secrets.add(signature);
}

const { server, home, env, cli } = useFakeEcoTaxa({ caller: null });

function credentialsFile(): string {
  return path.join(home.env['XDG_CONFIG_HOME'] as string, 'ecotaxa-access', 'credentials.json');
}

function savedTokens(): string[] {
  if (!fs.existsSync(credentialsFile())) return [];
  const file = JSON.parse(fs.readFileSync(credentialsFile(), 'utf8')) as { servers: Record<string, { token: string }> };
  return Object.values(file.servers).map((s) => s.token);
}

async function run(argv: string[], options: RunOptions = {}): Promise<CliResult> {
  const token = options.env?.['ECOTAXA_TOKEN'];
  if (token !== undefined) addToken(token);
  if (typeof options.stdin === 'string' && options.stdin.trim().length >= 4) addToken(options.stdin.trim());
  const result = await cli(argv, options);
  outputs.push({ argv, result });
  for (const saved of savedTokens()) addToken(saved);
  return result;
}

/** The expiry a token carries: its timestamp (big-endian seconds) plus 31 days. */
function expiryOf(token: string): Date {
  const stamp = Buffer.from(token.split('.')[1] as string, 'base64url');
  return new Date((stamp.readUIntBE(0, stamp.length) + TOKEN_LIFETIME_S) * 1000);
}

/** payload.timestamp.signature with a fresh timestamp and a made-up signature. */
function tokenShapedGarbage(): string {
  const stamp = Buffer.alloc(4);
  stamp.writeUInt32BE(Math.floor(Date.now() / 1000) - 3600);
  return [Buffer.from('{"user_id":9}'), stamp, Buffer.from('not-a-real-signature!')]
    .map((b) => b.toString('base64url'))
    .join('.');
}

function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A throwaway HTTP server on loopback that is not EcoTaxa. */
async function otherServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const s = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    close: () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  };
}

function expectOneErrorLine(result: CliResult): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')).toHaveLength(2);
  expect(result.stderr).toMatch(/^error: .+\n$/);
  expect(result.stderr).not.toContain('    at ');
}

async function loginOwner(extra: string[] = []): Promise<CliResult> {
  return run(['login', '--email', OWNER.email, '--password-stdin', ...extra], { stdin: `${OWNER.password}\n` });
}

describe('login with a password, whoami, logout', () => {
  it('logs in, keeps the token in a private file keyed by the server, and says who, where and until when', async () => {
    const result = await loginOwner();
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');

    const file = credentialsFile();
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      servers: Record<string, { token: string; userId: number; email: string }>;
    };
    expect(Object.keys(saved.servers)).toEqual([server.url]);
    const login = saved.servers[server.url];
    expect(login).toMatchObject({ userId: OWNER.id, email: OWNER.email });
    const token = login?.token as string;
    expect(token.split('.')).toHaveLength(3);

    expect(result.stdout).toBe(
      `Logged in to ${server.url} as Olivia Owner <owner@example.org> (#9).\nThe token is valid until ${utcMinute(expiryOf(token))}.\n`,
    );
    // The saved token is the one EcoTaxa gave: the server accepts it for Olivia.
    expect(server.fake.log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /login 200',
      'GET /users/me 200',
    ]);
  });

  it('whoami then names the account, its organisation, the server and the expiry (text and --json)', async () => {
    expect((await loginOwner()).code).toBe(0);
    const token = savedTokens()[0] as string;
    const expires = expiryOf(token);

    const text = await run(['whoami']);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout).toBe(
      [
        'Olivia Owner <owner@example.org> (#9)',
        'Organisation:  GEOMAR Helmholtz Centre for Ocean Research Kiel',
        `Server:        ${server.url}`,
        `Token expires: ${utcMinute(expires)} (in 30 days)`,
        '',
      ].join('\n'),
    );

    const json = await run(['whoami', '--json']);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual({
      id: 9,
      email: 'owner@example.org',
      name: 'Olivia Owner',
      organisation: 'GEOMAR Helmholtz Centre for Ocean Research Kiel',
      administrator: false,
      server: server.url,
      tokenExpiresAt: expires.toISOString(),
    });
  });

  it('logout forgets the token; whoami then says to log in, in one line', async () => {
    expect((await loginOwner()).code).toBe(0);

    const out = await run(['logout']);
    expect(out).toEqual({ code: 0, stdout: `Logged out of ${server.url}.\n`, stderr: '' });
    const left = JSON.parse(fs.readFileSync(credentialsFile(), 'utf8')) as { servers: Record<string, unknown> };
    expect(left.servers).toEqual({});

    const before = server.fake.log.length;
    const who = await run(['whoami']);
    expectOneErrorLine(who);
    expect(who.stderr).toBe(
      `error: you are not logged in to ${server.url}: run \`ecotaxa-access login\` (or set ECOTAXA_TOKEN)\n`,
    );
    expect(server.fake.log.length).toBe(before);

    const again = await run(['logout']);
    expect(again).toEqual({ code: 0, stdout: `You were not logged in to ${server.url}.\n`, stderr: '' });
  });

  it('whoami --json without a login: the error as JSON on stdout, the line on stderr', async () => {
    const who = await run(['whoami', '--json']);
    expect(who.code).toBe(1);
    expect(JSON.parse(who.stdout)).toEqual({
      error: {
        code: 'login-required',
        type: 'LoginRequiredError',
        message: `you are not logged in to ${server.url}: run \`ecotaxa-access login\` (or set ECOTAXA_TOKEN)`,
        exitCode: 1,
      },
    });
    expect(who.stderr).toBe(
      `error: you are not logged in to ${server.url}: run \`ecotaxa-access login\` (or set ECOTAXA_TOKEN)\n`,
    );
  });

  it('login --json prints the account as JSON and nothing else on stdout', async () => {
    const result = await loginOwner(['--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const token = savedTokens()[0] as string;
    expect(JSON.parse(result.stdout)).toEqual({
      id: 9,
      email: 'owner@example.org',
      name: 'Olivia Owner',
      server: server.url,
      tokenExpiresAt: expiryOf(token).toISOString(),
    });
  });

  it('logins to two servers are kept side by side; logout of one keeps the other', async () => {
    const second = await startFakeServer(seedWorld());
    try {
      expect((await loginOwner()).code).toBe(0);
      const other = await run(['login', '--email', COLLEAGUE.email, '--password-stdin'], {
        stdin: COLLEAGUE.password,
        env: { ...home.env, ECOTAXA_URL: second.url },
      });
      expect(other.code).toBe(0);
      const saved = JSON.parse(fs.readFileSync(credentialsFile(), 'utf8')) as {
        servers: Record<string, { userId: number }>;
      };
      expect(Object.fromEntries(Object.entries(saved.servers).map(([url, s]) => [url, s.userId]))).toEqual({
        [server.url]: OWNER.id,
        [second.url]: COLLEAGUE.id,
      });

      expect((await run(['logout'])).code).toBe(0);
      const who = await run(['whoami', '--json'], { env: { ...home.env, ECOTAXA_URL: second.url } });
      expect(who.code).toBe(0);
      expect(JSON.parse(who.stdout)).toMatchObject({ id: COLLEAGUE.id, name: 'Carl Colleague', server: second.url });
    } finally {
      await second.close();
    }
  });
});

describe('login refusals', () => {
  it('a wrong password: one line, exit 1, no stack trace, nothing saved', async () => {
    const result = await run(['login', '--email', OWNER.email, '--password-stdin'], { stdin: `${WRONG_PASSWORD}\n` });
    expectOneErrorLine(result);
    expect(result.stderr).toBe(
      `error: EcoTaxa at ${server.url} refused the login of owner@example.org: wrong email or password, or the account is not active (accounts made through the web site's OpenID login: use --token-stdin with the site's session cookie)\n`,
    );
    expect(fs.existsSync(credentialsFile())).toBe(false);
    expect(server.fake.log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /login 403']);
  });

  it('an inactive account is refused the same way', async () => {
    const result = await run(['login', '--email', INACTIVE.email, '--password-stdin'], { stdin: INACTIVE.password });
    expectOneErrorLine(result);
    expect(result.stderr).toContain(
      `refused the login of ${INACTIVE.email}: wrong email or password, or the account is not active`,
    );
    expect(fs.existsSync(credentialsFile())).toBe(false);
  });

  it('a wrong password with --verbose: a stack trace, still no password', async () => {
    const result = await run(['login', '--email', OWNER.email, '--password-stdin', '--verbose'], {
      stdin: WRONG_PASSWORD,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('POST /login -> 403');
    expect(result.stderr).toContain('refused the login of owner@example.org');
    expect(result.stderr).not.toContain(WRONG_PASSWORD);
    expect(fs.existsSync(credentialsFile())).toBe(false);
  });

  it('login without --email and without a terminal is a usage error, before any request', async () => {
    const result = await run(['login']);
    expectOneErrorLine(result);
    expect(result.stderr).toBe(
      'error: give --email (and the password with --password-stdin): neither stdin nor stderr is a terminal, so they cannot be asked\n',
    );
    expect(server.fake.log).toEqual([]);
  });

  it('login --email without --password-stdin and without a terminal says how to pass the password', async () => {
    const result = await run(['login', '--email', OWNER.email]);
    expectOneErrorLine(result);
    expect(result.stderr).toBe(
      'error: pass the password with --password-stdin: neither stdin nor stderr is a terminal, so it cannot be asked\n',
    );
    expect(server.fake.log).toEqual([]);
  });

  it('--password-stdin with an empty stdin is a usage error', async () => {
    const result = await run(['login', '--email', OWNER.email, '--password-stdin'], { stdin: '' });
    expectOneErrorLine(result);
    expect(result.stderr).toBe('error: --password-stdin: stdin was empty\n');
    expect(server.fake.log).toEqual([]);
  });

  it('--password-stdin and --token-stdin together is a usage error', async () => {
    const result = await run(['login', '--email', OWNER.email, '--password-stdin', '--token-stdin'], {
      stdin: OWNER.password,
    });
    expectOneErrorLine(result);
    expect(result.stderr).toBe('error: --password-stdin and --token-stdin cannot be used together\n');
    expect(server.fake.log).toEqual([]);
  });
});

describe('login --token-stdin (accounts that log in through the web only)', () => {
  it('keeps a token read from stdin, checked with the server first', async () => {
    const issued = new Date(Date.now() - 2 * DAY_MS - 3_600_000);
    const token = server.fake.tokenFor(OWNER.id, issued);
    const result = await run(['login', '--token-stdin'], { stdin: `${token}\n` });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `Logged in to ${server.url} as Olivia Owner <owner@example.org> (#9).\nThe token is valid until ${utcMinute(expiryOf(token))}.\n`,
    );
    expect(savedTokens()).toEqual([token]);
    expect(server.fake.log.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /users/me']);

    const who = await run(['whoami']);
    expect(who.code).toBe(0);
    expect(who.stdout.split('\n')[0]).toBe('Olivia Owner <owner@example.org> (#9)');
    expect(who.stdout).toContain(`Token expires: ${utcMinute(expiryOf(token))} (in 28 days)\n`);
  });

  it('a token the server rejects is not saved', async () => {
    const forged = new FakeEcoTaxa({ secret: 'someone-elses-secret' }).tokenFor(OWNER.id);
    const result = await run(['login', '--token-stdin'], { stdin: forged });
    expectOneErrorLine(result);
    expect(result.stderr).toContain('rejected the token given on stdin (invalid or expired): copy a fresh one');
    expect(fs.existsSync(credentialsFile())).toBe(false);
  });

  it('an expired token is refused and not saved', async () => {
    const expired = server.fake.tokenFor(OWNER.id, new Date(Date.now() - 32 * DAY_MS));
    const result = await run(['login', '--token-stdin'], { stdin: expired });
    expectOneErrorLine(result);
    expect(result.stderr).toContain('expired');
    expect(fs.existsSync(credentialsFile())).toBe(false);
  });
});

describe('--password-stdin and --token-stdin read at most 64 KiB', () => {
  const KIB = 1024;

  it('a stdin that never ends (< /dev/zero): one line, exit 1, nothing sent, nothing saved', async () => {
    let chunks = 0;
    function* zeros(): Generator<string> {
      for (;;) {
        chunks++;
        yield '\0'.repeat(4 * KIB);
      }
    }
    const result = await run(['login', '--token-stdin'], { stdin: zeros() });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: --token-stdin: stdin holds more than 64 KiB, far more than a token takes: pipe the token alone\n',
    });
    expect(server.fake.log).toEqual([]);
    expect(fs.existsSync(credentialsFile())).toBe(false);
    // 16 chunks of 4 KiB, the one past the bound, and what the stream had buffered ahead (16).
    expect(chunks).toBeLessThanOrEqual(64 / 4 + 1 + 16);
  });

  it('a password of 64 KiB and one byte: the same line, an input error in --json, the password never shown', async () => {
    const password = `${'x'.repeat(64 * KIB)}!`;
    secrets.add(password.slice(0, 64));
    const result = await run(['login', '--email', OWNER.email, '--password-stdin'], { stdin: password });
    expectOneErrorLine(result);
    expect(result.stderr).toBe(
      'error: --password-stdin: stdin holds more than 64 KiB, far more than a password takes: pipe the password alone\n',
    );
    const json = await run(['login', '--email', OWNER.email, '--password-stdin', '--json'], { stdin: password });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'input', exitCode: 1 } });
    expect(server.fake.log).toEqual([]);
  });

  it('exactly 64 KiB is read and sent: EcoTaxa refuses that password as any wrong one', async () => {
    const result = await run(['login', '--email', OWNER.email, '--password-stdin'], { stdin: 'y'.repeat(64 * KIB) });
    expectOneErrorLine(result);
    expect(result.stderr).toContain(`refused the login of ${OWNER.email}: wrong email or password`);
    expect(server.fake.log.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /login']);
  });
});

describe('ECOTAXA_TOKEN and bad tokens', () => {
  it('ECOTAXA_TOKEN overrides the saved login', async () => {
    expect((await loginOwner()).code).toBe(0);
    const who = await run(['whoami', '--json'], { env: { ...env, ECOTAXA_TOKEN: server.fake.tokenFor(COLLEAGUE.id) } });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ id: 11, email: 'colleague@example.org', name: 'Carl Colleague' });
    // The saved login is untouched and still Olivia's.
    const mine = await run(['whoami', '--json']);
    expect(JSON.parse(mine.stdout)).toMatchObject({ id: 9, name: 'Olivia Owner' });
  });

  it('logout with ECOTAXA_TOKEN set warns that the variable still wins', async () => {
    expect((await loginOwner()).code).toBe(0);
    const out = await run(['logout'], { env: { ...env, ECOTAXA_TOKEN: server.fake.tokenFor(COLLEAGUE.id) } });
    expect(out).toEqual({
      code: 0,
      stdout: `Logged out of ${server.url}.\n`,
      stderr: 'warning: ECOTAXA_TOKEN is set: commands keep using it until you unset it.\n',
    });
  });

  it.each([
    ['garbage', 'garbage-but-token-shaped'],
    ['token-shaped garbage', tokenShapedGarbage()],
    ['token signed with another secret', new FakeEcoTaxa({ secret: 'someone-elses-secret' }).tokenFor(OWNER.id)],
  ])('%s in ECOTAXA_TOKEN: one line saying the token was rejected', async (_what, token) => {
    for (const argv of [['whoami'], ['projects', 'list'], ['users', 'find', 'AqQua']]) {
      const result = await run(argv, { env: { ...env, ECOTAXA_TOKEN: token } });
      expectOneErrorLine(result);
      expect(result.stderr).toBe(
        `error: EcoTaxa at ${server.url} rejected the token in ECOTAXA_TOKEN (invalid or expired): set a fresh one, or unset it and run \`ecotaxa-access login\`\n`,
      );
    }
    // Checked with /users/me first: no project was read as an anonymous visitor.
    expect(server.fake.log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /users/me 401',
      'GET /users/me 401',
      'GET /users/me 401',
    ]);
  });

  it('a bad token with --verbose: stack trace allowed, token never shown', async () => {
    const token = new FakeEcoTaxa({ secret: 'someone-elses-secret' }).tokenFor(OWNER.id);
    const result = await run(['whoami', '--verbose'], { env: { ...env, ECOTAXA_TOKEN: token } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('GET /users/me -> 401');
    expect(result.stderr).toContain('rejected the token in ECOTAXA_TOKEN');
    expect(result.stderr).not.toContain(token);
  });

  it('an expired ECOTAXA_TOKEN is caught before any request', async () => {
    const expired = server.fake.tokenFor(OWNER.id, new Date(Date.now() - 32 * DAY_MS));
    for (const argv of [['whoami'], ['projects', 'list'], ['users', 'find', 'AqQua']]) {
      const result = await run(argv, { env: { ...env, ECOTAXA_TOKEN: expired } });
      expectOneErrorLine(result);
      expect(result.stderr).toBe(
        `error: your EcoTaxa token (ECOTAXA_TOKEN) expired on ${utcMinute(expiryOf(expired))} (tokens last 31 days): set a fresh ECOTAXA_TOKEN\n`,
      );
    }
    expect(server.fake.log).toEqual([]);
  });

  it('an expired saved login is caught before any request and says to log in again', async () => {
    const expired = server.fake.tokenFor(OWNER.id, new Date(Date.now() - 40 * DAY_MS));
    addToken(expired);
    fs.mkdirSync(path.dirname(credentialsFile()), { recursive: true, mode: 0o700 });
    fs.writeFileSync(
      credentialsFile(),
      JSON.stringify({
        version: 1,
        servers: {
          [server.url]: {
            token: expired,
            userId: 9,
            email: OWNER.email,
            name: OWNER.name,
            savedAt: new Date(Date.now() - 40 * DAY_MS).toISOString(),
          },
        },
      }),
      { mode: 0o600 },
    );
    const result = await run(['whoami']);
    expectOneErrorLine(result);
    expect(result.stderr).toBe(
      `error: your EcoTaxa token (saved login) expired on ${utcMinute(expiryOf(expired))} (tokens last 31 days): run \`ecotaxa-access login\`\n`,
    );
    expect(server.fake.log).toEqual([]);
  });
});

describe('a URL that is not a working EcoTaxa', () => {
  it('nothing listening: one line naming the URL, for login and for whoami', async () => {
    const gone = await otherServer((_req, res) => res.end());
    await gone.close();
    const login = await run(['login', '--email', OWNER.email, '--password-stdin'], {
      stdin: OWNER.password,
      env: { ...home.env, ECOTAXA_URL: gone.url },
    });
    expectOneErrorLine(login);
    expect(login.stderr).toBe(
      `error: cannot reach EcoTaxa at ${gone.url}: connection refused (is the server running, and is the URL right?) (POST /login)\n`,
    );
    expect(fs.existsSync(credentialsFile())).toBe(false);

    const who = await run(['whoami'], {
      env: { ...home.env, ECOTAXA_URL: gone.url, ECOTAXA_TOKEN: server.fake.tokenFor(OWNER.id) },
    });
    expectOneErrorLine(who);
    expect(who.stderr).toBe(
      `error: cannot reach EcoTaxa at ${gone.url}: connection refused (is the server running, and is the URL right?) (GET /users/me)\n`,
    );
  });

  it('--url wins over ECOTAXA_URL', async () => {
    const gone = await otherServer((_req, res) => res.end());
    await gone.close();
    const who = await run(['whoami', '--url', `${gone.url}/`], {
      env: { ...env, ECOTAXA_TOKEN: server.fake.tokenFor(OWNER.id) },
    });
    expectOneErrorLine(who);
    expect(who.stderr).toContain(`cannot reach EcoTaxa at ${gone.url}: connection refused`);
    expect(server.fake.log).toEqual([]);
  });

  it('a web page instead of the API: "does not look like an EcoTaxa API"', async () => {
    const site = await otherServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>EcoTaxa</title></head><body>Welcome</body></html>');
    });
    try {
      const siteEnv = { ...home.env, ECOTAXA_URL: site.url };
      const login = await run(['login', '--email', OWNER.email, '--password-stdin'], {
        stdin: OWNER.password,
        env: siteEnv,
      });
      expectOneErrorLine(login);
      expect(login.stderr).toBe(
        `error: ${site.url} does not look like an EcoTaxa API (POST /login answered 200 with an HTML page): check --url, e.g. https://ecotaxa.obs-vlfr.fr/api\n`,
      );
      expect(fs.existsSync(credentialsFile())).toBe(false);

      const who = await run(['whoami'], { env: { ...siteEnv, ECOTAXA_TOKEN: server.fake.tokenFor(OWNER.id) } });
      expectOneErrorLine(who);
      expect(who.stderr).toBe(
        `error: ${site.url} does not look like an EcoTaxa API (GET /users/me answered 200 with an HTML page): check --url, e.g. https://ecotaxa.obs-vlfr.fr/api\n`,
      );
    } finally {
      await site.close();
    }
  });

  it('404 JSON {"detail":"Not Found"} on /users/me: "does not look like an EcoTaxa API"', async () => {
    const api = await otherServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: 'Not Found' }));
    });
    try {
      const apiEnv = { ...home.env, ECOTAXA_URL: api.url, ECOTAXA_TOKEN: server.fake.tokenFor(OWNER.id) };
      for (const argv of [['whoami'], ['projects', 'list'], ['users', 'find', 'AqQua']]) {
        const result = await run(argv, { env: apiEnv });
        expectOneErrorLine(result);
        expect(result.stderr).toBe(
          `error: ${api.url} does not look like an EcoTaxa API (GET /users/me answered 404 Not Found): check --url, e.g. https://ecotaxa.obs-vlfr.fr/api\n`,
        );
      }
    } finally {
      await api.close();
    }
  });

  it('404 JSON {"detail":"Not Found"} on /login: login says the URL is not an EcoTaxa API, naming it', async () => {
    const api = await otherServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: 'Not Found' }));
    });
    try {
      const login = await run(['login', '--email', OWNER.email, '--password-stdin'], {
        stdin: OWNER.password,
        env: { ...home.env, ECOTAXA_URL: api.url },
      });
      expectOneErrorLine(login);
      expect(login.stderr).toContain(`${api.url} does not look like an EcoTaxa API`);
      expect(fs.existsSync(credentialsFile())).toBe(false);
    } finally {
      await api.close();
    }
  });
});

describe('secrets', () => {
  it('a successful login and whoami with --verbose log requests, never the password or token', async () => {
    const login = await loginOwner(['--verbose']);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('POST /login -> 200');
    expect(login.stderr).toContain('GET /users/me -> 200');
    const who = await run(['whoami', '--verbose']);
    expect(who.code).toBe(0);
    expect(who.stderr).toContain('GET /users/me -> 200');
  });
});

// Last in the file: vitest runs a file's tests in order.
describe('no secret in any output of this file', () => {
  it('no password, token or token signature appeared on stdout or stderr, --verbose and errors included', () => {
    expect(outputs.length).toBeGreaterThan(0);
    expect(leaks(outputs, secrets)).toEqual([]);
  });
});
