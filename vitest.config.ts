import fs from 'node:fs';
import os from 'node:os';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/*
 * test/ mirrors src/: test/plan holds the tests of src/plan, and so on. Two projects:
 * `unit`, the pure modules' tests (milliseconds each), in threads sharing one module
 * registry; `isolated`, each file in a process of its own: the commands end to end
 * (test/cli), the client's tests against nock or a loopback server, and a test that mocks
 * a module.
 */
/** Mocks a module: run in a process of its own, where the mock reaches no other file. */
const MOCKING = ['test/plan/unsafe-write.test.ts'];
/** The client's tests: nock patches Node's http for the whole process once imported. */
const CLIENT = ['test/api/client*.test.ts', 'test/api/answer-size.test.ts', 'test/api/hostile-answers.test.ts'];
/** Every test of a pure module: test/ but for the commands and the above. */
const UNIT = ['test/**/*.test.ts'];
const NOT_UNIT = ['test/cli/**', 'test/bench/**', ...CLIENT, ...MOCKING];

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
          include: UNIT,
          exclude: NOT_UNIT,
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
