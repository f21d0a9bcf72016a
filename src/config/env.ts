import { UsageError } from '../errors.js';

/** Every environment variable the tool reads, in one place (README "Configuration"). */
export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvSettings {
  /** ECOTAXA_URL: the API base URL. */
  url: string | undefined;
  /** ECOTAXA_TOKEN: a token (or web `session` cookie) used instead of the credentials file. */
  token: string | undefined;
  /** NO_COLOR (any non-empty value) turns colour off. */
  noColor: boolean;
  /** FORCE_COLOR=0..3 forces a colour level, even off a terminal. */
  forceColor: 0 | 1 | 2 | 3 | undefined;
  /** CI: no prompts, no spinners. */
  ci: boolean;
  /** XDG_CONFIG_HOME / XDG_STATE_HOME (fall back to ~/.config and ~/.local/state). */
  configHome: string | undefined;
  stateHome: string | undefined;
  home: string | undefined;
  /** SOURCE_DATE_EPOCH: freezes the clock written into recorded fixtures and plans. */
  sourceDateEpoch: number | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseBoolean(name: string, value: string | undefined): boolean {
  const v = nonEmpty(value)?.toLowerCase();
  if (v === undefined) return false;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new UsageError(`${name}=${value} is not a boolean: use true or false`);
}

export function readEnv(env: Env): EnvSettings {
  const force = nonEmpty(env['FORCE_COLOR']);
  let forceColor: EnvSettings['forceColor'];
  if (force !== undefined) {
    if (force === 'true') forceColor = 1;
    else if (force === 'false') forceColor = 0;
    else if (/^[0-3]$/.test(force)) forceColor = Number(force) as 0 | 1 | 2 | 3;
    else throw new UsageError(`FORCE_COLOR=${force} is not valid: use 0, 1, 2 or 3`);
  }
  const epoch = nonEmpty(env['SOURCE_DATE_EPOCH']);
  if (epoch !== undefined && !/^\d+$/.test(epoch)) {
    throw new UsageError(`SOURCE_DATE_EPOCH=${epoch} is not a number of seconds since 1970`);
  }
  // CI is set by every CI service, with values such as "true" or "1"; any other value counts too.
  const ciValue = nonEmpty(env['CI']);
  let ci = false;
  if (ciValue !== undefined) {
    try {
      ci = parseBoolean('CI', ciValue);
    } catch {
      ci = true;
    }
  }
  return {
    url: nonEmpty(env['ECOTAXA_URL']),
    token: nonEmpty(env['ECOTAXA_TOKEN']),
    noColor: nonEmpty(env['NO_COLOR']) !== undefined,
    forceColor,
    ci,
    configHome: nonEmpty(env['XDG_CONFIG_HOME']),
    stateHome: nonEmpty(env['XDG_STATE_HOME']),
    home: nonEmpty(env['HOME']) ?? nonEmpty(env['USERPROFILE']),
    sourceDateEpoch: epoch === undefined ? undefined : Number(epoch),
  };
}
