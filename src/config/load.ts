import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { MAX_BYTES, TextFileError, readTextFile } from '../files/read-text.js';
import { parseYamlFile, parserMessage } from '../files/yaml.js';
import { inert } from '../output/inert.js';
import { CONFIG_KEYS, configFileSchema, type ConfigFile } from './schema.js';

/*
 * The configuration is data: JSON or YAML, read and parsed here, never a program. A
 * configuration in JavaScript would run with the token at hand in whatever folder the tool
 * is started from (a repository just cloned, say): such files are named in a warning and
 * never loaded, not even through --config.
 */

const MODULE = 'ecotaxa-access';

/** Where a configuration is looked for, in each directory from the working one up to $HOME. */
export const SEARCH_PLACES = [
  'package.json',
  `.${MODULE}rc`,
  `.${MODULE}rc.json`,
  `.${MODULE}rc.yaml`,
  `.${MODULE}rc.yml`,
];

/** Then in $XDG_CONFIG_HOME/ecotaxa-access (default ~/.config/ecotaxa-access). */
export const GLOBAL_PLACES = ['config', 'config.json', 'config.yaml', 'config.yml'];

/** Configuration as code, which older versions ran: never loaded, named when found. */
const CODE = /\.(js|mjs|cjs|ts|mts|cts)$/;
const CODE_PLACES = ['js', 'mjs', 'cjs', 'ts', 'mts', 'cts'].map((ext) => `${MODULE}.config.${ext}`);
const GLOBAL_CODE_PLACES = ['js', 'mjs', 'cjs', 'ts'].map((ext) => `config.${ext}`);

export interface LoadedConfig {
  config: ConfigFile;
  /** The file it came from, or undefined when none was found. */
  filepath: string | undefined;
}

export interface LoadOptions {
  cwd: string;
  home: string | undefined;
  explicitPath?: string | undefined;
  /** $XDG_CONFIG_HOME (default: ~/.config). */
  configHome?: string | undefined;
  /** Told of each configuration in code found on the way, which is not run. */
  onIgnored?: (filepath: string) => void;
}

/** The message for a configuration in code that is not run. */
export function ignoredCodeConfig(filepath: string): string {
  return `${inert(filepath)} is not read: a configuration is data (JSON or YAML) and is never run; put its settings in .${MODULE}rc.json`;
}

/**
 * Finds and validates the configuration: `--config FILE` if given, otherwise the first of
 * SEARCH_PLACES from `cwd` up to `home` (or the root), then GLOBAL_PLACES. An empty file
 * found by the search is passed over, as no file.
 */
export function loadConfig(options: LoadOptions): Promise<LoadedConfig> {
  return new Promise((resolve) => resolve(loadConfigNow(options)));
}

function loadConfigNow(options: LoadOptions): LoadedConfig {
  if (options.explicitPath !== undefined) {
    const filepath = path.resolve(options.cwd, options.explicitPath);
    if (CODE.test(filepath)) {
      throw new InputError(`config file ${inert(filepath)}: ${ignoredCodeConfig(filepath)}, and give that to --config`);
    }
    const config = readConfigFile(filepath, true);
    return { config: config === undefined ? {} : validateConfig(config, filepath), filepath };
  }
  for (const [dir, places, code] of searchDirs(options)) {
    for (const place of places) {
      const filepath = path.join(dir, place);
      const raw = readConfigFile(filepath, false);
      if (raw !== undefined) return { config: validateConfig(raw, filepath), filepath };
    }
    for (const place of code) {
      const filepath = path.join(dir, place);
      if (exists(filepath)) options.onIgnored?.(filepath);
    }
  }
  return { config: {}, filepath: undefined };
}

/** Each directory searched, with its data places and the code places to warn about. */
function searchDirs(options: LoadOptions): [string, string[], string[]][] {
  const dirs: [string, string[], string[]][] = [];
  const stop = options.home === undefined ? undefined : path.resolve(options.home);
  for (let dir = path.resolve(options.cwd); ; dir = path.dirname(dir)) {
    dirs.push([dir, SEARCH_PLACES, CODE_PLACES]);
    if (dir === stop || path.dirname(dir) === dir) break;
  }
  const configHome =
    options.configHome ?? (options.home === undefined ? undefined : path.join(options.home, '.config'));
  if (configHome !== undefined) dirs.push([path.join(configHome, MODULE), GLOBAL_PLACES, GLOBAL_CODE_PLACES]);
  return dirs;
}

function isDirectory(filepath: string): boolean {
  try {
    return fs.statSync(filepath).isDirectory();
  } catch {
    return false;
  }
}

function exists(filepath: string): boolean {
  try {
    fs.lstatSync(filepath);
    return true;
  } catch {
    return false;
  }
}

/**
 * The data a configuration file holds, or undefined when there is none: a file found by the
 * search that is missing, a directory, empty, or a package.json without our key. A file given
 * with --config must exist.
 */
function readConfigFile(filepath: string, explicit: boolean): unknown {
  let text: string;
  try {
    text = readTextFile(filepath, { what: 'config file', maxBytes: MAX_BYTES.config });
  } catch (err) {
    if (!(err instanceof TextFileError)) throw err;
    if (err.problem === 'missing') {
      if (explicit) throw new InputError(`config file ${inert(filepath)} does not exist: check --config`);
      return undefined;
    }
    // A folder that happens to bear the name is not a configuration; anything else is refused.
    if (!explicit && err.problem === 'not-regular' && isDirectory(filepath)) return undefined;
    throw err;
  }
  if (text.trim() === '') return undefined;
  if (path.basename(filepath) === 'package.json') {
    const raw = parseJson(text, filepath);
    return raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[MODULE] : undefined;
  }
  if (path.extname(filepath) === '.json') return parseJson(text, filepath);
  try {
    return parseYamlFile(text, filepath).value;
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`cannot read config file ${err.message}`);
    throw err;
  }
}

function parseJson(text: string, filepath: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const why = parserMessage(err instanceof Error ? err.message : String(err));
    throw new InputError(`cannot read config file ${inert(filepath)}: not valid JSON: ${why}`);
  }
}

export function validateConfig(raw: unknown, filepath: string): ConfigFile {
  const parsed = configFileSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InputError(`config file ${inert(filepath)}: ${describeConfigIssue(parsed.error.issues[0], raw)}`);
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
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}
