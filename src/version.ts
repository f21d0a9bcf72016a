import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read from package.json (two levels up from both src/ and dist/). */
export function toolVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}

export function userAgent(): string {
  return `ecotaxa-access/${toolVersion()} (node ${process.version})`;
}
