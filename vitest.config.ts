import fs from 'node:fs';
import os from 'node:os';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/** Mocks a module: run in a process of its own, where the mock reaches no other file. */
const MOCKING = ['test/unit/unsafe-write.test.ts'];
/** The client's tests: nock patches Node's http for the whole process once imported. */
const CLIENT = ['test/api/**/*.test.ts'];

export default defineConfig({
  // The same build-time constant as bin/build.mjs gives the bundles (src/version.ts).
  define: { __ECOTAXA_ACCESS_VERSION__: JSON.stringify(pkg.version) },
  test: {
    // Builds dist/ first, so that tests of the binary never run a stale build.
    globalSetup: ['test/support/build-dist.ts'],
    // vitest's default is one worker fewer than the cores: one on a 2-core machine. The CLI
    // tests spend much of their time waiting on the binary and the fake server, so use them all.
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests never reach a real server: only 127.0.0.1 and nock.
    env: { NO_COLOR: '1' },
    projects: [
      {
        // Pure modules: milliseconds each, so not worth a fresh process per file.
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: MOCKING,
          pool: 'threads',
          isolate: false,
        },
      },
      {
        // Commands end to end, and what patches modules: each file in a process of its own.
        extends: true,
        test: { name: 'isolated', include: ['test/cli/**/*.test.ts', ...CLIENT, ...MOCKING], pool: 'forks' },
      },
    ],
  },
});
