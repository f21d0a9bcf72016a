import fs from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // The same build-time constant as bin/build.mjs gives the bundles (src/version.ts).
  define: { __ECOTAXA_ACCESS_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ first, so that tests of the binary never run a stale build.
    globalSetup: ['test/support/build-dist.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests never reach a real server: only 127.0.0.1 and nock.
    env: { NO_COLOR: '1' },
  },
});
