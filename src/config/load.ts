import path from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import type { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';
import { CONFIG_KEYS, configFileSchema, type ConfigFile } from './schema.js';

const MODULE = 'ecotaxa-access';

/** Where a configuration is looked for, in each directory from the working one up to $HOME. */
export const SEARCH_PLACES = [
  'package.json',
  `.${MODULE}rc`,
  `.${MODULE}rc.json`,
  `.${MODULE}rc.yaml`,
  `.${MODULE}rc.yml`,
  `${MODULE}.config.js`,
  `${MODULE}.config.mjs`,
  `${MODULE}.config.cjs`,
];

export interface LoadedConfig {
  config: ConfigFile;
  /** The file it came from, or undefined when none was found. */
  filepath: string | undefined;
}

/**
 * Finds and validates the configuration: `--config FILE` if given, otherwise the first of
 * SEARCH_PLACES from `cwd` up to `home`, then `$XDG_CONFIG_HOME/ecotaxa-access/config.*`.
 */
export async function loadConfig(options: {
  cwd: string;
  home: string | undefined;
  explicitPath?: string | undefined;
}): Promise<LoadedConfig> {
  const explorer = cosmiconfig(MODULE, {
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'global',
    ...(options.home === undefined ? {} : { stopDir: options.home }),
    cache: false,
  });
  let result: Awaited<ReturnType<typeof explorer.search>>;
  const shownPath = options.explicitPath === undefined ? undefined : path.resolve(options.cwd, options.explicitPath);
  try {
    result = shownPath === undefined ? await explorer.search(options.cwd) : await explorer.load(shownPath);
  } catch (err) {
    const where = shownPath ?? 'configuration file';
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`config file ${where} does not exist: check --config`);
    throw new InputError(`cannot read ${where}: ${oneLine(errorMessage(err))}`);
  }
  if (result === null || result.isEmpty === true) {
    return { config: {}, filepath: result?.filepath };
  }
  return { config: validateConfig(result.config, result.filepath), filepath: result.filepath };
}

export function validateConfig(raw: unknown, filepath: string): ConfigFile {
  const parsed = configFileSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InputError(`config file ${filepath}: ${describeConfigIssue(parsed.error.issues[0], raw)}`);
}

function describeConfigIssue(issue: z.core.$ZodIssue | undefined, raw: unknown): string {
  if (issue === undefined) return 'invalid';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `unknown key ${keys}: the keys are ${CONFIG_KEYS.join(', ')}`;
  }
  if (issue.path.length === 0) {
    return `expected an object with the keys ${CONFIG_KEYS.join(', ')}, got ${describeValue(raw)}`;
  }
  const key = issue.path.join('.');
  const value = issue.path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    raw,
  );
  return `"${key}": ${issue.message}, got ${describeValue(value)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

/** Parsers spread their message over lines (the cause last): keep it all, on one line. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
