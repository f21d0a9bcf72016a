import type { z } from 'zod';
import { InputError, UsageError } from '../errors.js';
import type { EnvSettings } from './env.js';
import type { LoadedConfig } from './load.js';
import {
  DEFAULT_GRANTEE,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_TIMEOUT_SECONDS,
  concurrencySchema,
  timeoutSchema,
} from './schema.js';
import { DEFAULT_SERVER_URL, normalizeServerUrl } from './server-url.js';

/*
 * Which value each setting takes: flag > environment > configuration file > default, and a
 * replay defaults to the server it recorded (above the environment and the file, below --url).
 * One pure function, so that the whole precedence is one table test (test/config/settings.test.ts).
 */

export type SettingOrigin = 'flag' | 'env' | 'replay' | 'config' | 'default';

/** A setting's value and where it came from. */
export interface Sourced<T> {
  value: T;
  origin: SettingOrigin;
  /** Where it came from, for messages: `--url`, `ECOTAXA_URL`, `"url" in FILE`, `the recording`, `the default`. */
  label: string;
}

/** How many projects are written at once: a fixed number, or adaptive up to `max`. */
export type ConcurrencySetting = { mode: 'fixed'; n: number } | { mode: 'auto'; max: number };

/** The flags that carry settings, as commander parsed them (undefined: not given). */
export interface SettingFlags {
  url?: string | undefined;
  /** --timeout, in seconds. */
  timeout?: number | undefined;
  concurrency?: number | 'auto' | undefined;
  maxConcurrency?: number | undefined;
  user?: string | undefined;
  /** The flag that names the user in this command (`--user`, or `--with-user` for projects list). */
  userFlag?: string | undefined;
}

export interface SettingsInput {
  flags: SettingFlags;
  env: Pick<EnvSettings, 'url'>;
  file: LoadedConfig;
  /** In a replay: the recorded server. */
  replay?: { serverUrl: string | undefined } | undefined;
}

export interface Settings {
  /** The API base URL, normalised. */
  url: Sourced<string>;
  timeoutMs: Sourced<number>;
  concurrency: Sourced<ConcurrencySetting>;
  /** The upper bound of `auto` (kept apart for messages; already folded into `concurrency`). */
  maxConcurrency: Sourced<number>;
  /** The user whose right changes or is shown: an id, an email or a name, not yet looked up. */
  user: Sourced<string>;
}

/** The first level that has a value. */
function first<T>(...levels: (Sourced<T | undefined> | undefined)[]): Sourced<T> | undefined {
  for (const level of levels) if (level !== undefined && level.value !== undefined) return level as Sourced<T>;
  return undefined;
}

function fromConfig<T>(file: LoadedConfig, key: string, value: T | undefined): Sourced<T | undefined> {
  const label = file.filepath === undefined ? `"${key}"` : `"${key}" in ${file.filepath}`;
  return { value, origin: 'config', label };
}

/** A value that fails its check: a flag is a usage error, a file's value an input error. */
function invalid(setting: Sourced<unknown>, message: string): Error {
  if (setting.origin === 'flag') return new UsageError(`${setting.label} ${String(setting.value)}: ${message}`);
  return new InputError(`${setting.label}: ${message}, got ${JSON.stringify(setting.value)}`);
}

function checked<T>(setting: Sourced<unknown>, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(setting.value);
  if (parsed.success) return parsed.data;
  throw invalid(setting, parsed.error.issues[0]?.message ?? 'invalid');
}

export function resolveSettings({ flags, env, file, replay }: SettingsInput): Settings {
  const config = file.config;
  const byDefault = <T>(value: T): Sourced<T> => ({ value, origin: 'default', label: 'the default' });

  const urlSource = first<string>(
    { value: flags.url, origin: 'flag', label: '--url' },
    { value: replay?.serverUrl, origin: 'replay', label: 'the recording' },
    { value: env.url, origin: 'env', label: 'ECOTAXA_URL' },
    fromConfig(file, 'url', config.url),
  );
  // The recorded server was normalised when it was recorded.
  const url: Sourced<string> =
    urlSource === undefined
      ? byDefault(DEFAULT_SERVER_URL)
      : urlSource.origin === 'replay'
        ? urlSource
        : { ...urlSource, value: normalizeServerUrl(urlSource.value, urlSource.label) };

  const timeoutSource =
    first<number>(
      { value: flags.timeout, origin: 'flag', label: '--timeout' },
      fromConfig(file, 'timeout', config.timeout),
    ) ?? byDefault(DEFAULT_TIMEOUT_SECONDS);
  const timeoutMs = { ...timeoutSource, value: Math.round(checked(timeoutSource, timeoutSchema) * 1000) };

  const maxSource =
    first<number>(
      { value: flags.maxConcurrency, origin: 'flag', label: '--max-concurrency' },
      fromConfig(file, 'maxConcurrency', config.maxConcurrency),
    ) ?? byDefault(DEFAULT_MAX_CONCURRENCY);
  const maxConcurrency = { ...maxSource, value: checked(maxSource, concurrencySchema) };

  const concurrencySource =
    first<number | 'auto'>(
      { value: flags.concurrency, origin: 'flag', label: '--concurrency' },
      fromConfig(file, 'concurrency', config.concurrency),
    ) ?? byDefault<number | 'auto'>('auto');
  let concurrency: Sourced<ConcurrencySetting>;
  if (concurrencySource.value === 'auto') {
    concurrency = { ...concurrencySource, value: { mode: 'auto', max: maxConcurrency.value } };
  } else {
    const n = checked(concurrencySource, concurrencySchema);
    // A bound typed on this command line for a fixed number would be silently ignored.
    if (maxConcurrency.origin === 'flag') {
      const fix = concurrencySource.origin === 'flag' ? 'give only one of the two' : 'add --concurrency auto to use it';
      throw new UsageError(
        `--max-concurrency ${maxConcurrency.value} only bounds --concurrency auto, but ${concurrencySource.label} is ${n}: ${fix}`,
      );
    }
    concurrency = { ...concurrencySource, value: { mode: 'fixed', n } };
  }

  const userFlag = flags.userFlag ?? '--user';
  const user = first<string>(
    { value: flags.user, origin: 'flag', label: userFlag },
    fromConfig(file, 'user', config.user),
  ) ?? {
    // Messages about the default user name the flag that changes it.
    value: DEFAULT_GRANTEE,
    origin: 'default',
    label: userFlag,
  };

  return { url, timeoutMs, concurrency, maxConcurrency, user };
}
