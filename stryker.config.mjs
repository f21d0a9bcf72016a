// StrykerJS: `npm run mutate` (CONTRIBUTING.md "Mutation testing").
// Mutates the modules where a bug loses data or leaks a secret, and runs the tests of
// vitest.mutate.config.ts against each mutant (per test: only the tests that reach it).

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    // The body sent on PUT and its safety checks; the planner; drift since the plan; the
    // plans of undo and of a saved plan decided again.
    'src/plan/update.ts',
    'src/plan/planner.ts',
    'src/plan/drift.ts',
    'src/plan/builders.ts',
    // The apply engine.
    'src/apply/*.ts',
    '!src/apply/concurrency-limit.ts',
    // What persists: the journal and undo's reading of it, the saved plan, --out files.
    'src/store/*.ts',
    // The client's retry policy, and which failures are passing or may have acted.
    'src/api/retry.ts',
    'src/api/errors.ts',
    'src/api/failed-response.ts',
    // The recording scrubber (fixtures are committed: a leak here publishes a token).
    'src/recording/scrub.ts',
  ],
  coverageAnalysis: 'perTest',
  // Two cores, shared: one test process per core.
  concurrency: 2,
  timeoutMS: 5_000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, skipFull: false },
  thresholds: { high: 95, low: 90, break: 90 },
};
