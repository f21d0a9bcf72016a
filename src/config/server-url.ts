import { UsageError } from '../errors.js';

/** The main EcoTaxa instance's API; other institutes run their own (docs/ecotaxa-api.md#base-url). */
export const DEFAULT_SERVER_URL = 'https://ecotaxa.obs-vlfr.fr/api';

/**
 * Checks an API base URL and puts it in one canonical form (no trailing slash, no query),
 * so that credentials, plans and journals keyed by server compare equal.
 */
export function normalizeServerUrl(raw: string, source = '--url'): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`${source} "${raw}" is not a URL: give the API base, e.g. ${DEFAULT_SERVER_URL}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${source} "${raw}" must start with https:// (or http:// on loopback)`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(`${source} must not contain a user name or password: use \`ecotaxa-access login\``);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Refuses to send a token or password in clear text to anything but this machine.
 */
export function assertSafeTransport(serverUrl: string, insecure: boolean): void {
  const url = new URL(serverUrl);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !insecure) {
    throw new UsageError(
      `refusing to send credentials over plain http:// to ${url.host}: use https://, or --insecure if you really mean it`,
    );
  }
}
