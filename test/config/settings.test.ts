import { describe, expect, it } from 'vitest';
import { type Settings, type SettingsInput, resolveSettings } from '../../src/config/settings.js';
import type { ConfigFile } from '../../src/config/schema.js';
import { InputError, UsageError } from '../../src/errors.js';
import { caught } from '../support/caught.js';

/*
 * Settings precedence, every setting at every level it has: flag > environment > config
 * file > default, a replay's recorded server above the environment, and where each came from.
 */

const FILE = '/home/olivia/.ecotaxa-accessrc.json';

interface Levels {
  flags?: SettingsInput['flags'];
  env?: string;
  config?: ConfigFile;
  /** Whether the config was found in a file (else: no file at all). */
  noFile?: boolean;
  replay?: string;
}

function resolve(levels: Levels): Settings {
  return resolveSettings({
    flags: levels.flags ?? {},
    env: { url: levels.env },
    file: { config: levels.config ?? {}, filepath: levels.noFile === true ? undefined : FILE },
    replay: levels.replay === undefined ? undefined : { serverUrl: levels.replay },
  });
}

const flag = (label: string) => ({ origin: 'flag', label });
const inFile = (key: string) => ({ origin: 'config', label: `"${key}" in ${FILE}` });
const DEFAULT = { origin: 'default', label: 'the default' };

const ALL_URLS: Levels = {
  flags: { url: 'https://flag.example.org/api/' },
  replay: 'http://127.0.0.1:8088/api',
  env: 'https://env.example.org/api',
  config: { url: 'https://file.example.org/api?x=1' },
};

// [what, levels, setting, its value and source]
const TABLE: [string, Levels, keyof Settings, object][] = [
  // url: flag > replay > env > config > default, normalised (no trailing slash, no query)
  ['url: the flag beats all', ALL_URLS, 'url', { value: 'https://flag.example.org/api', ...flag('--url') }],
  [
    'url: a replay beats env and config',
    { ...ALL_URLS, flags: {} },
    'url',
    { value: 'http://127.0.0.1:8088/api', origin: 'replay', label: 'the recording' },
  ],
  [
    'url: env beats config',
    { ...ALL_URLS, flags: {}, replay: undefined },
    'url',
    { value: 'https://env.example.org/api', origin: 'env', label: 'ECOTAXA_URL' },
  ],
  [
    'url: config',
    { config: { url: 'https://file.example.org/api?x=1' } },
    'url',
    { value: 'https://file.example.org/api', ...inFile('url') },
  ],
  ['url: default', {}, 'url', { value: 'https://ecotaxa.obs-vlfr.fr/api', ...DEFAULT }],

  // timeout: flag > config > default, in ms
  [
    'timeout: the flag beats config',
    { flags: { timeout: 12.5 }, config: { timeout: 60 } },
    'timeoutMs',
    { value: 12_500, ...flag('--timeout') },
  ],
  ['timeout: config', { config: { timeout: 60 } }, 'timeoutMs', { value: 60_000, ...inFile('timeout') }],
  ['timeout: default', {}, 'timeoutMs', { value: 30_000, ...DEFAULT }],

  // concurrency: flag > config > default auto; auto takes the resolved max
  [
    'concurrency: a number flag beats config auto',
    { flags: { concurrency: 8 }, config: { concurrency: 'auto' } },
    'concurrency',
    { value: { mode: 'fixed', n: 8 }, ...flag('--concurrency') },
  ],
  [
    'concurrency: the flag auto beats a config number',
    { flags: { concurrency: 'auto' }, config: { concurrency: 3 } },
    'concurrency',
    { value: { mode: 'auto', max: 8 }, ...flag('--concurrency') },
  ],
  [
    'concurrency: a config number',
    { config: { concurrency: 3 } },
    'concurrency',
    { value: { mode: 'fixed', n: 3 }, ...inFile('concurrency') },
  ],
  [
    'concurrency: config auto with the config max',
    { config: { concurrency: 'auto', maxConcurrency: 12 } },
    'concurrency',
    { value: { mode: 'auto', max: 12 }, ...inFile('concurrency') },
  ],
  ['concurrency: default auto, at most 8', {}, 'concurrency', { value: { mode: 'auto', max: 8 }, ...DEFAULT }],
  [
    'concurrency: a config max is ignored by a fixed config number',
    { config: { concurrency: 4, maxConcurrency: 16 } },
    'concurrency',
    { value: { mode: 'fixed', n: 4 }, ...inFile('concurrency') },
  ],
  [
    'concurrency: a number flag above the config max is used as given',
    { flags: { concurrency: 16 }, config: { maxConcurrency: 8 } },
    'concurrency',
    { value: { mode: 'fixed', n: 16 }, ...flag('--concurrency') },
  ],

  // maxConcurrency: flag > config > default 8
  [
    'maxConcurrency: the flag beats config',
    { flags: { maxConcurrency: 16 }, config: { maxConcurrency: 12 } },
    'maxConcurrency',
    { value: 16, ...flag('--max-concurrency') },
  ],
  [
    'maxConcurrency: the flag bounds auto',
    { flags: { maxConcurrency: 2 } },
    'concurrency',
    { value: { mode: 'auto', max: 2 }, ...DEFAULT },
  ],
  [
    'maxConcurrency: config',
    { config: { maxConcurrency: 12 } },
    'maxConcurrency',
    { value: 12, ...inFile('maxConcurrency') },
  ],
  ['maxConcurrency: default', {}, 'maxConcurrency', { value: 8, ...DEFAULT }],

  // user: flag > config > default; messages name the command's flag
  [
    'user: the flag beats config',
    { flags: { user: '10', userFlag: '--with-user' }, config: { user: 'colleague@example.org' } },
    'user',
    { value: '10', ...flag('--with-user') },
  ],
  [
    'user: config',
    { flags: { userFlag: '--with-user' }, config: { user: 'colleague@example.org' } },
    'user',
    { value: 'colleague@example.org', ...inFile('user') },
  ],
  ['user: default, named by --user', {}, 'user', { value: 'aqqua@geomar.de', origin: 'default', label: '--user' }],
  [
    'user: default, named by the command’s flag',
    { flags: { userFlag: '--with-user' } },
    'user',
    { value: 'aqqua@geomar.de', origin: 'default', label: '--with-user' },
  ],
  [
    'without a file, a config key is named alone',
    { noFile: true, config: { timeout: 5 } },
    'timeoutMs',
    { value: 5000, origin: 'config', label: '"timeout"' },
  ],
];

describe('resolveSettings', () => {
  it.each(TABLE)('%s', (_what, levels, setting, expected) => {
    expect(resolve(levels)[setting]).toStrictEqual(expected);
  });

  it.each([
    [
      '--url not a URL',
      { flags: { url: 'ecotaxa' } },
      UsageError,
      '--url "ecotaxa" is not a URL: give the API base, e.g. https://ecotaxa.obs-vlfr.fr/api',
    ],
    [
      'ECOTAXA_URL with another scheme',
      { env: 'ftp://ecotaxa.example.org/api' },
      UsageError,
      'ECOTAXA_URL "ftp://ecotaxa.example.org/api" must start with https:// (or http:// on loopback)',
    ],
    [
      'a config url that is not a URL',
      { config: { url: 'nowhere' } },
      UsageError,
      `"url" in ${FILE} "nowhere" is not a URL: give the API base, e.g. https://ecotaxa.obs-vlfr.fr/api`,
    ],
    ['--timeout 0', { flags: { timeout: 0 } }, UsageError, '--timeout 0: expected a number of seconds above 0'],
    ['--timeout 601', { flags: { timeout: 601 } }, UsageError, '--timeout 601: expected at most 600 seconds'],
    [
      '--concurrency 0',
      { flags: { concurrency: 0 } },
      UsageError,
      '--concurrency 0: expected a whole number from 1 to 32',
    ],
    [
      '--max-concurrency 33',
      { flags: { maxConcurrency: 33 } },
      UsageError,
      '--max-concurrency 33: expected a whole number from 1 to 32',
    ],
    [
      'a config value out of range (were it not checked on loading)',
      { config: { timeout: 0 } },
      InputError,
      `"timeout" in ${FILE}: expected a number of seconds above 0, got 0`,
    ],
    [
      '--max-concurrency with a number --concurrency',
      { flags: { concurrency: 4, maxConcurrency: 16 } },
      UsageError,
      '--max-concurrency 16 only bounds --concurrency auto, but --concurrency is 4: give only one of the two',
    ],
    [
      '--max-concurrency with a number in the config',
      { flags: { maxConcurrency: 16 }, config: { concurrency: 4 } },
      UsageError,
      `--max-concurrency 16 only bounds --concurrency auto, but "concurrency" in ${FILE} is 4: add --concurrency auto to use it`,
    ],
  ] as const)('refuses %s, naming where the value came from', (_what, levels, type, message) => {
    const err = caught(() => resolve(levels));
    expect(err).toBeInstanceOf(type);
    expect(err.message).toBe(message);
  });
});
