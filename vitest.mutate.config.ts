import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/*
 * The tests `npm run mutate` (StrykerJS, stryker.config.mjs) runs against each mutant: the unit
 * tests and the client's tests, which exercise the mutated modules directly in milliseconds.
 * The CLI tests are left out: each imports the whole command tree and drives a fake server
 * (a second or more per mutant they reach, and they reach nearly every mutant of the engine),
 * those of the binary and the terminal run dist/ rather than the mutant, and a beforeAll that
 * records scenarios would make every mutant it reaches "static" (run against every test).
 * So the score is what the unit and client tests alone catch: a lower bound.
 */
const { projects: _projects, ...shared } = base.test ?? {};

export default defineConfig({
  ...base,
  test: {
    ...shared,
    include: ['test/**/*.test.ts'],
    exclude: ['test/cli/**', 'test/bench/**'],
    // A test file that cannot be imported is a failed test, not none (test/support/unloadable-file-fails.ts).
    reporters: ['default', './test/support/unloadable-file-fails.ts'],
  },
});
