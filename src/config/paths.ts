import path from 'node:path';
import { InputError } from '../errors.js';
import type { EnvSettings } from './env.js';

const APP = 'ecotaxa-access';

function home(env: EnvSettings): string {
  if (env.home === undefined) {
    throw new InputError('cannot tell where your home directory is: set HOME or XDG_CONFIG_HOME');
  }
  return env.home;
}

/** `$XDG_CONFIG_HOME/ecotaxa-access` (default `~/.config/ecotaxa-access`): credentials. */
export function configDir(env: EnvSettings): string {
  return path.join(env.configHome ?? path.join(home(env), '.config'), APP);
}

/** `$XDG_STATE_HOME/ecotaxa-access` (default `~/.local/state/ecotaxa-access`): journals. */
export function stateDir(env: EnvSettings): string {
  return path.join(env.stateHome ?? path.join(home(env), '.local', 'state'), APP);
}

export function credentialsPath(env: EnvSettings): string {
  return path.join(configDir(env), 'credentials.json');
}

export function journalDir(env: EnvSettings): string {
  return path.join(stateDir(env), 'journal');
}
