import fs from 'node:fs';

/*
 * src/version.ts reads a constant that the bundler (bin/build.mjs) and vitest
 * (vitest.config.ts) define at build time. Scripts run from source with tsx have neither:
 * importing this module first gives them the same value, from package.json.
 */
const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
(globalThis as { __ECOTAXA_ACCESS_VERSION__?: string }).__ECOTAXA_ACCESS_VERSION__ = pkg.version;
