import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { caught } from '../support/caught.js';
import { CredentialsStore, type SavedLogin } from '../../src/config/credentials.js';
import { readEnv } from '../../src/config/env.js';
import { loadConfig, validateConfig } from '../../src/config/load.js';
import { assertSafeTransport, isLoopbackHost, normalizeServerUrl } from '../../src/config/server-url.js';
import { InputError, UsageError } from '../../src/errors.js';

async function rejected(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

let tmp: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-unit-')));
});
afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('validateConfig', () => {
  const FILE = '/home/olivia/.ecotaxa-accessrc.json';

  it('accepts every key', () => {
    const config = {
      url: 'https://ecotaxa.example.org/api',
      user: 'aqqua@geomar.de',
      concurrency: 8,
      maxConcurrency: 16,
      timeout: 12.5,
    };
    expect(validateConfig(config, FILE)).toEqual(config);
    expect(validateConfig({ concurrency: 'auto' }, FILE)).toEqual({ concurrency: 'auto' });
    expect(validateConfig({}, FILE)).toEqual({});
  });

  it.each([
    [
      'an unknown key',
      { url: 'https://x.org/api', conccurency: 4 },
      'unknown key "conccurency": the keys are url, user, concurrency, maxConcurrency, timeout',
    ],
    ['concurrency 0', { concurrency: 0 }, '"concurrency": expected a whole number from 1 to 32, got 0'],
    ['concurrency 1000', { concurrency: 1000 }, '"concurrency": expected a whole number from 1 to 32, got 1000'],
    [
      'concurrency "4"',
      { concurrency: '4' },
      '"concurrency": expected a whole number from 1 to 32, or "auto", got "4"',
    ],
    [
      'concurrency 2.5',
      { concurrency: 2.5 },
      '"concurrency": expected a whole number from 1 to 32, or "auto", got 2.5',
    ],
    [
      'concurrency "Auto"',
      { concurrency: 'Auto' },
      '"concurrency": expected a whole number from 1 to 32, or "auto", got "Auto"',
    ],
    ['maxConcurrency 0', { maxConcurrency: 0 }, '"maxConcurrency": expected a whole number from 1 to 32, got 0'],
    ['maxConcurrency "auto"', { maxConcurrency: 'auto' }, '"maxConcurrency": expected a whole number, got "auto"'],
    ['timeout -1', { timeout: -1 }, '"timeout": expected a number of seconds above 0, got -1'],
    ['timeout 601', { timeout: 601 }, '"timeout": expected at most 600 seconds, got 601'],
    ['url as a number', { url: 5 }, '"url": expected the API base URL as a string, got 5'],
    [
      'user as an object',
      { user: { id: 10 } },
      '"user": expected a user id, email or exact name as a string, got an object',
    ],
    [
      'a top-level array',
      [{ url: 'x' }],
      'expected an object with the keys url, user, concurrency, maxConcurrency, timeout, got a list',
    ],
    [
      'a top-level string',
      'https://x.org/api',
      'expected an object with the keys url, user, concurrency, maxConcurrency, timeout, got "https://x.org/api"',
    ],
  ])('names the file, the key and what was expected: %s', (_name, raw, message) => {
    const err = caught(() => validateConfig(raw, FILE));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`config file ${FILE}: ${message}`);
  });
});

describe('loadConfig', () => {
  function write(rel: string, text: string): string {
    const file = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  it('reads .ecotaxa-accessrc.json', async () => {
    const file = write('.ecotaxa-accessrc.json', JSON.stringify({ url: 'https://a.org/api', concurrency: 2 }));
    expect(await loadConfig({ cwd: tmp, home: tmp })).toEqual({
      config: { url: 'https://a.org/api', concurrency: 2 },
      filepath: file,
    });
  });

  it('reads .ecotaxa-accessrc.yaml', async () => {
    const file = write('.ecotaxa-accessrc.yaml', 'url: https://b.org/api\nuser: aqqua@geomar.de\ntimeout: 45\n');
    expect(await loadConfig({ cwd: tmp, home: tmp })).toEqual({
      config: { url: 'https://b.org/api', user: 'aqqua@geomar.de', timeout: 45 },
      filepath: file,
    });
  });

  it('reads the "ecotaxa-access" key of package.json', async () => {
    const file = write('package.json', JSON.stringify({ name: 'x', 'ecotaxa-access': { user: '10' } }));
    expect(await loadConfig({ cwd: tmp, home: tmp })).toEqual({ config: { user: '10' }, filepath: file });
  });

  it('looks up from the working directory, nearest file first, past a package.json without the key', async () => {
    write('.ecotaxa-accessrc.json', JSON.stringify({ concurrency: 1 }));
    const near = write('a/.ecotaxa-accessrc.yaml', 'concurrency: 2\n');
    write('a/b/c/package.json', JSON.stringify({ name: 'unrelated' }));
    expect(await loadConfig({ cwd: path.join(tmp, 'a/b/c'), home: tmp })).toEqual({
      config: { concurrency: 2 },
      filepath: near,
    });
  });

  it('validates what it found, naming that file', async () => {
    const file = write('.ecotaxa-accessrc.json', JSON.stringify({ concurrency: 0 }));
    const err = await rejected(loadConfig({ cwd: tmp, home: tmp }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`config file ${file}: "concurrency": expected a whole number from 1 to 32, got 0`);
  });

  it('reads an explicit --config path relative to the working directory', async () => {
    const file = write('conf/team.yaml', 'user: aqqua@geomar.de\n');
    expect(await loadConfig({ cwd: tmp, home: tmp, explicitPath: 'conf/team.yaml' })).toEqual({
      config: { user: 'aqqua@geomar.de' },
      filepath: file,
    });
  });

  it('says clearly that an explicit --config file does not exist', async () => {
    const err = await rejected(loadConfig({ cwd: tmp, home: tmp, explicitPath: 'missing.json' }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`config file ${path.join(tmp, 'missing.json')} does not exist: check --config`);
  });

  // The parser's reason must be in the one line, or the user learns nothing about what is wrong.
  it('names a file that is not valid JSON, and why, in one line', async () => {
    const file = write('.ecotaxa-accessrc.json', '{ "url": ');
    const err = await rejected(loadConfig({ cwd: tmp, home: tmp }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^cannot read /);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/end of JSON input/i);
    expect(err.message).not.toContain('\n');
  });

  it('names a YAML syntax error and why, in one line', async () => {
    const file = write('.ecotaxa-accessrc.yaml', 'url: [\n');
    const err = await rejected(loadConfig({ cwd: tmp, home: tmp }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      `cannot read config file ${file}:2: not valid YAML or JSON: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
  });

  it('finds nothing (and no error) in an empty tree, then falls back to $XDG_CONFIG_HOME', async () => {
    const xdg = path.join(tmp, 'xdg');
    fs.mkdirSync(path.join(tmp, 'work'));
    const options = { cwd: path.join(tmp, 'work'), home: path.join(tmp, 'work'), configHome: xdg };
    expect(await loadConfig(options)).toEqual({ config: {}, filepath: undefined });
    const global = write('xdg/ecotaxa-access/config.json', JSON.stringify({ timeout: 5 }));
    expect(await loadConfig(options)).toEqual({
      config: { timeout: 5 },
      filepath: global,
    });
  });
});

describe('loadConfig: a configuration is data, read within bounds', () => {
  function write(rel: string, text: string | Buffer): string {
    const file = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }
  /** A configuration in code that would leave a marker file if it ever ran. */
  const code = (marker: string): string =>
    `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = { timeout: 1 };\n`;

  it.each([
    'ecotaxa-access.config.js',
    'ecotaxa-access.config.mjs',
    'ecotaxa-access.config.cjs',
    'ecotaxa-access.config.ts',
  ])('never runs %s: names it, and goes on looking up for a data file', async (name) => {
    const marker = path.join(tmp, 'ran');
    const js = write(`repo/${name}`, code(marker));
    const ignored: string[] = [];
    const alone = await loadConfig({
      cwd: path.join(tmp, 'repo'),
      home: path.join(tmp, 'repo'),
      onIgnored: (f) => ignored.push(f),
    });
    expect(alone).toEqual({ config: {}, filepath: undefined });
    expect(ignored).toEqual([js]);
    const above = write('.ecotaxa-accessrc.json', '{"timeout": 7}');
    expect(await loadConfig({ cwd: path.join(tmp, 'repo'), home: tmp })).toEqual({
      config: { timeout: 7 },
      filepath: above,
    });
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('refuses a configuration in code even through --config, and runs none of it', async () => {
    const marker = path.join(tmp, 'ran');
    const js = write('team.config.js', code(marker));
    const err = await rejected(loadConfig({ cwd: tmp, home: tmp, explicitPath: 'team.config.js' }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      `config file ${js}: ${js} is not read: a configuration is data (JSON or YAML) and is never run; put its settings in .ecotaxa-accessrc.json, and give that to --config`,
    );
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('refuses a FIFO named like a configuration at once, and passes over a folder so named', async () => {
    fs.mkdirSync(path.join(tmp, '.ecotaxa-accessrc'));
    const fifo = path.join(tmp, '.ecotaxa-accessrc.json');
    execFileSync('mkfifo', [fifo]);
    const err = await rejected(loadConfig({ cwd: tmp, home: tmp }));
    expect(err.message).toBe(`cannot read config file ${fifo}: it is a FIFO (named pipe), not a regular file`);
  });

  it('refuses a file that is not UTF-8 with where, and a binary one in one short inert line', async () => {
    const latin1 = write('.ecotaxa-accessrc.yaml', Buffer.from('user: J\xf6rg\n', 'latin1'));
    expect((await rejected(loadConfig({ cwd: tmp, home: tmp }))).message).toBe(
      `cannot read config file ${latin1}: line 1, column 8 is not UTF-8 text: save the file as UTF-8`,
    );
    fs.rmSync(latin1);
    // Valid UTF-8, but control bytes and a terminal escape, and long: what the parser quotes is shown inert.
    const binary = write('.ecotaxa-accessrc.json', `\u0000\u0001\u001b[2J${'\u0007'.repeat(5000)}`);
    const message = (await rejected(loadConfig({ cwd: tmp, home: tmp }))).message;
    expect(message.startsWith(`cannot read config file ${binary}: not valid JSON: `)).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(message).toContain('\\x1b[2J');
    expect(message.length).toBeLessThan(binary.length + 220);
  });

  it('refuses a YAML "billion laughs" as bad input naming the line, without expanding it', async () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
    ]) {
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const file = write('.ecotaxa-accessrc.yaml', `${rows.join('\n')}\n`);
    const err = await rejected(loadConfig({ cwd: tmp, home: tmp }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      `cannot read config file ${file}:2: not valid YAML: too many aliases (*name): the file expands to more than any policy or configuration needs`,
    );
  });

  it('refuses a configuration larger than 1 MiB', async () => {
    const file = write('.ecotaxa-accessrc.json', '{}');
    fs.truncateSync(file, 1.5 * 1024 * 1024);
    expect((await rejected(loadConfig({ cwd: tmp, home: tmp }))).message).toBe(
      `cannot read config file ${file}: it is 1.5 MiB, more than the 1 MiB this tool reads`,
    );
  });
});

describe('readEnv', () => {
  it('reads nothing from an empty environment', () => {
    expect(readEnv({})).toEqual({
      url: undefined,
      token: undefined,
      noColor: false,
      forceColor: undefined,
      ci: false,
      configHome: undefined,
      stateHome: undefined,
      home: undefined,
      sourceDateEpoch: undefined,
    });
  });

  it.each([
    [undefined, false],
    ['', false],
    ['1', true],
    ['0', true],
    ['yes', true],
  ])('NO_COLOR=%j → noColor %s (any non-empty value)', (value, expected) => {
    expect(readEnv({ NO_COLOR: value }).noColor).toBe(expected);
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['3', 3],
    ['true', 1],
    ['false', 0],
    ['', undefined],
  ])('FORCE_COLOR=%j → %s', (value, expected) => {
    expect(readEnv({ FORCE_COLOR: value }).forceColor).toBe(expected);
  });

  it.each(['4', 'yes', '-1', '1.0'])('refuses FORCE_COLOR=%j', (value) => {
    const err = caught(() => readEnv({ FORCE_COLOR: value }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`FORCE_COLOR=${value} is not valid: use 0, 1, 2 or 3`);
  });

  it('reads SOURCE_DATE_EPOCH as seconds', () => {
    expect(readEnv({ SOURCE_DATE_EPOCH: '1767225600' }).sourceDateEpoch).toBe(1_767_225_600);
    expect(readEnv({ SOURCE_DATE_EPOCH: ' 0 ' }).sourceDateEpoch).toBe(0);
  });

  it.each(['yesterday', '-5', '1.5', '2026-01-01'])('refuses SOURCE_DATE_EPOCH=%j', (value) => {
    const err = caught(() => readEnv({ SOURCE_DATE_EPOCH: value }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`SOURCE_DATE_EPOCH=${value} is not a number of seconds since 1970`);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
    ['woodpecker', true],
  ])('CI=%j → %s', (value, expected) => {
    expect(readEnv({ CI: value }).ci).toBe(expected);
  });

  it('trims values and falls back from HOME to USERPROFILE', () => {
    const env = readEnv({ ECOTAXA_URL: ' https://x.org/api ', ECOTAXA_TOKEN: '  ', USERPROFILE: 'C:\\Users\\o' });
    expect(env.url).toBe('https://x.org/api');
    expect(env.token).toBeUndefined();
    expect(env.home).toBe('C:\\Users\\o');
  });
});

describe('normalizeServerUrl', () => {
  it.each([
    ['https://ecotaxa.obs-vlfr.fr/api/', 'https://ecotaxa.obs-vlfr.fr/api'],
    ['https://ecotaxa.obs-vlfr.fr/api', 'https://ecotaxa.obs-vlfr.fr/api'],
    ['  https://EcoTaxa.obs-vlfr.fr/api//  ', 'https://ecotaxa.obs-vlfr.fr/api'],
    ['https://ecotaxa.obs-vlfr.fr/', 'https://ecotaxa.obs-vlfr.fr'],
    ['https://ecotaxa.obs-vlfr.fr/api?x=1#top', 'https://ecotaxa.obs-vlfr.fr/api'],
    ['http://127.0.0.1:8088/api/', 'http://127.0.0.1:8088/api'],
  ])('%j → %j', (raw, url) => {
    expect(normalizeServerUrl(raw)).toBe(url);
  });

  it.each([
    [
      'ftp://ecotaxa.obs-vlfr.fr/api',
      '--url "ftp://ecotaxa.obs-vlfr.fr/api" must start with https:// (or http:// on loopback)',
    ],
    ['file:///etc/passwd', '--url "file:///etc/passwd" must start with https:// (or http:// on loopback)'],
    [
      'ecotaxa.obs-vlfr.fr/api',
      '--url "ecotaxa.obs-vlfr.fr/api" is not a URL: give the API base, e.g. https://ecotaxa.obs-vlfr.fr/api',
    ],
    [
      'https://olivia:secret@ecotaxa.org/api',
      '--url must not contain a user name or password: use `ecotaxa-access login`',
    ],
  ])('refuses %j', (raw, message) => {
    const err = caught(() => normalizeServerUrl(raw));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(message);
  });

  it('names where the URL came from', () => {
    expect(caught(() => normalizeServerUrl('nope', 'ECOTAXA_URL')).message).toMatch(/^ECOTAXA_URL "nope" is not a URL/);
  });
});

describe('assertSafeTransport', () => {
  it.each([
    'https://ecotaxa.obs-vlfr.fr/api',
    'http://127.0.0.1:8088/api',
    'http://127.12.0.3/api',
    'http://localhost:5000/api',
    'http://LOCALHOST/api',
    'http://[::1]:8000/api',
  ])('allows %s', (url) => {
    expect(() => assertSafeTransport(url, false)).not.toThrow();
  });

  it.each([
    'http://ecotaxa.obs-vlfr.fr/api',
    'http://10.0.0.5/api',
    'http://127.0.0.1.example.org/api',
    'http://localhost.example.org/api',
  ])('refuses clear text to %s unless --insecure', (url) => {
    const err = caught(() => assertSafeTransport(url, false));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(
      `refusing to send credentials over plain http:// to ${new URL(url).host}: use https://, or --insecure if you really mean it`,
    );
    expect(() => assertSafeTransport(url, true)).not.toThrow();
  });

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['[::1]', true],
    ['::1', true],
    ['128.0.0.1', false],
    ['example.org', false],
  ])('isLoopbackHost(%j) → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('CredentialsStore', () => {
  const login = (token: string): SavedLogin => ({
    token,
    userId: 10,
    email: 'aqqua@geomar.de',
    name: 'AqQua',
    savedAt: '2026-01-15T10:00:00.000Z',
  });
  const SERVER = 'https://ecotaxa.obs-vlfr.fr/api';
  const mode = (p: string): number => fs.statSync(p).mode & 0o777;

  it('saves a login in a file only its owner can read, in a directory only its owner can open', async () => {
    const file = path.join(tmp, 'config', 'ecotaxa-access', 'credentials.json');
    const store = new CredentialsStore(file);
    await store.save(SERVER, login('t1'));
    expect(mode(file)).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(await store.get(SERVER)).toEqual(login('t1'));
    expect(await store.get('http://127.0.0.1:8088/api')).toBeUndefined();
    expect(fs.readdirSync(path.dirname(file))).toEqual(['credentials.json']);
  });

  it('tightens a file and a directory loosened by hand on the next save', async () => {
    const dir = path.join(tmp, 'ecotaxa-access');
    const file = path.join(dir, 'credentials.json');
    const store = new CredentialsStore(file);
    await store.save(SERVER, login('t1'));
    fs.chmodSync(file, 0o644);
    fs.chmodSync(dir, 0o755);
    await store.save('http://127.0.0.1:8088/api', login('t2'));
    expect(mode(file)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    expect(await store.get(SERVER)).toEqual(login('t1'));
    expect(await store.get('http://127.0.0.1:8088/api')).toEqual(login('t2'));
  });

  it.each([
    ['not JSON', '{"version": 1, "servers": {'],
    ['another version', JSON.stringify({ version: 2, servers: {} })],
    [
      'a login without token',
      JSON.stringify({ version: 1, servers: { [SERVER]: { userId: 1, email: '', savedAt: '' } } }),
    ],
    ['empty', ''],
  ])('refuses a damaged file (%s) with a clear InputError', async (_name, text) => {
    const file = path.join(tmp, 'credentials.json');
    fs.writeFileSync(file, text, { mode: 0o600 });
    const err = await rejected(new CredentialsStore(file).get(SERVER));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      `the credentials file ${file} is damaged: delete it and run \`ecotaxa-access login\` again`,
    );
  });

  it('remove() says whether there was a login, and keeps the others', async () => {
    const file = path.join(tmp, 'credentials.json');
    const store = new CredentialsStore(file);
    expect(await store.remove(SERVER)).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
    await store.save(SERVER, login('t1'));
    await store.save('http://localhost:8088/api', login('t2'));
    expect(await store.remove(SERVER)).toBe(true);
    expect(await store.get(SERVER)).toBeUndefined();
    expect(await store.get('http://localhost:8088/api')).toEqual(login('t2'));
    expect(await store.remove(SERVER)).toBe(false);
    expect(mode(file)).toBe(0o600);
  });
});
