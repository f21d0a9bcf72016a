/**
 * The package version, written in at build time: esbuild (bin/build.mjs) and vitest
 * (vitest.config.ts) both define this constant from package.json, so a bundle or a single
 * executable never looks for a package.json at run time.
 */
declare const __ECOTAXA_ACCESS_VERSION__: string;

export function toolVersion(): string {
  return __ECOTAXA_ACCESS_VERSION__;
}

export function userAgent(): string {
  return `ecotaxa-access/${toolVersion()} (node ${process.version})`;
}
